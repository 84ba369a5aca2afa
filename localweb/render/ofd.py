"""A report as an OFD (GB/T 33190), made as bureaus make theirs: the printed PDF "saved as OFD".

The PDF the local web already serves (localweb.render.pdf) is laid out again in OFD's
terms: every line of text a TextObject (a Boundary on the page, TextCode X/Y from its
origin, the advance of each glyph in DeltaX, runs of equal advances abbreviated "g N d"),
every ruling line a PathObject (AbbreviatedData "M 0 0 L dx dy" from its Boundary),
millimetres from the page's top left. The title is written at half size under a CTM
that doubles it, as some converters do. The zip's dates are fixed, so the same report
always gives the same bytes.
"""
from __future__ import annotations

import io
import zipfile
from html import escape
from itertools import groupby

MM = 25.4 / 72  # millimetres per point
NS = "http://www.ofdspec.org/2016"
_DATE = (2025, 1, 1, 0, 0, 0)


def render(report) -> bytes:
    from localweb.render import pdf

    return from_pdf(pdf.render(report), title=report.title, author=report.organ)


def from_pdf(data: bytes, *, title: str, author: str) -> bytes:
    """The OFD package of a PDF's pages: its text and ruling lines at the same places."""
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            pages.append((page.width * MM, page.height * MM, _page_content(page)))
    return _package(pages, title=title, author=author)


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _deltas(values: list[float]) -> str:
    """DeltaX with runs of one advance as "g N d"."""
    out = []
    for value, run in groupby(_fmt(v) for v in values):
        count = len(list(run))
        out.append(f"g {count} {value}" if count > 2 else " ".join([value] * count))
    return " ".join(out)


def _page_content(page) -> list[str]:
    objects: list[str] = []
    ids = iter(range(1000, 10**7))
    lines: dict = {}
    for char in page.chars:
        if char["text"].strip():
            lines.setdefault((round(char["top"], 1), round(char["size"], 2)), []).append(char)
    first_line = True
    for (_, size), chars in sorted(lines.items()):
        chars.sort(key=lambda c: c["x0"])
        # a line's glyphs split where a gap opens (cells of one table row are apart)
        runs, run = [], [chars[0]]
        for char in chars[1:]:
            if char["x0"] - run[-1]["x1"] > size * 0.6:
                runs.append(run)
                run = []
            run.append(char)
        runs.append(run)
        for run in runs:
            objects.append(_text_object(next(ids), run, page.height, scaled=first_line))
        first_line = False
    for line in page.lines:
        x0, x1, top, bottom = line["x0"], line["x1"], line["top"], line["bottom"]
        width, height = (x1 - x0) * MM, (bottom - top) * MM
        objects.append(f'<ofd:PathObject ID="{next(ids)}" Boundary="{_fmt(x0 * MM)} {_fmt(top * MM)} {_fmt(width)} {_fmt(height)}" '
                       f'LineWidth="{_fmt(max(line.get("linewidth", 0.5), 0.1) * MM)}">'
                       f'<ofd:AbbreviatedData>M 0 0 L {_fmt(width)} {_fmt(height)}</ofd:AbbreviatedData></ofd:PathObject>')
    for rect in page.rects:
        width, height = rect["width"] * MM, rect["height"] * MM
        objects.append(f'<ofd:PathObject ID="{next(ids)}" Boundary="{_fmt(rect["x0"] * MM)} {_fmt(rect["top"] * MM)} {_fmt(width)} {_fmt(height)}">'
                       f'<ofd:AbbreviatedData>M 0 0 L {_fmt(width)} 0 L {_fmt(width)} {_fmt(height)} L 0 {_fmt(height)} C'
                       f'</ofd:AbbreviatedData></ofd:PathObject>')
    return objects


def _text_object(object_id: int, run: list[dict], page_height: float, *, scaled: bool) -> str:
    size = run[0]["size"] * MM
    baseline = (page_height - run[0]["matrix"][5]) * MM
    left = run[0]["x0"] * MM
    right = run[-1]["x1"] * MM
    top = baseline - size
    deltas = [(b["x0"] - a["x0"]) * MM for a, b in zip(run, run[1:])]
    factor = 2.0 if scaled else 1.0  # object space at half size, doubled by the CTM
    ctm = ' CTM="2 0 0 2 0 0"' if scaled else ""
    text = escape("".join(c["text"] for c in run))
    delta = f' DeltaX="{_deltas([d / factor for d in deltas])}"' if deltas else ""
    return (f'<ofd:TextObject ID="{object_id}" Boundary="{_fmt(left)} {_fmt(top)} {_fmt(right - left + size)} {_fmt(size * 1.3)}" '
            f'Font="3" Size="{_fmt(size / factor)}"{ctm}><ofd:TextCode X="0" Y="{_fmt(size / factor)}"{delta}>{text}'
            f'</ofd:TextCode></ofd:TextObject>')


def _package(pages: list, *, title: str, author: str) -> bytes:
    width, height = pages[0][0], pages[0][1]
    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" DocType="OFD" Version="1.1">'
                   f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>'
                   f'<ofd:Author>{escape(author)}</ofd:Author><ofd:Creator>nianbao localweb</ofd:Creator></ofd:DocInfo>'
                   f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                              f'<ofd:MaxUnitID>{10**7}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {_fmt(width)} {_fmt(height)}'
                              f'</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
                              f'<ofd:Pages>' + "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>'
                                                       for i in range(len(pages))) + '</ofd:Pages></ofd:Document>',
        "Doc_0/PublicRes.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
                               f'<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
    }
    for i, (w, h, objects) in enumerate(pages):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Area><ofd:PhysicalBox>0 0 {_fmt(w)} {_fmt(h)}'
            f'</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="{i + 100}" Type="Body">'
            + "\n".join(objects) + '</ofd:Layer></ofd:Content></ofd:Page>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, _DATE), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
