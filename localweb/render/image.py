"""A report's tables as PNG pictures: the report whose figures exist only as images.

Some bureaus paste screenshots of the tables; the text around them is real but the
figures cannot be read without OCR. The extractor must flag such a report, not invent
or zero its cells. Pillow draws the same grid as the other renderers.
"""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from localweb.tables import Table, place, width

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
COLUMN_WIDTHS = {4: [270, 165, 165, 165], 10: [50, 100, 225] + [56] * 7, 15: [51] * 15}
ROW_HEIGHT = 34


def _font(size: int):
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default()  # boxes instead of characters: still a picture of a table


def render(table: Table) -> bytes:
    """PNG bytes of one table."""
    widths = COLUMN_WIDTHS[width(table)]
    left = [sum(widths[:i]) for i in range(len(widths) + 1)]
    image = Image.new("L", (left[-1] + 1, ROW_HEIGHT * len(table) + 1), 255)
    draw = ImageDraw.Draw(image)
    font = _font(13)
    for r, c, cell in place(table):
        box = (left[c], r * ROW_HEIGHT, left[c + cell.colspan], (r + cell.rowspan) * ROW_HEIGHT)
        draw.rectangle(box, outline=0)
        lines = _wrap(cell.text, max(1, (box[2] - box[0] - 6) // 14))
        top = (box[1] + box[3]) / 2 - 8 * len(lines)
        for i, line in enumerate(lines):
            draw.text(((box[0] + box[2]) / 2, top + 16 * i + 8), line, fill=0, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]
