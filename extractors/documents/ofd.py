"""OFD report (GB/T 33190) -> Document, from the package's own XML.

An OFD is a fixed-layout document like a PDF: a zip (OFD.xml -> Doc_N/Document.xml ->
Pages/Page_N/Content.xml) whose pages place text (TextObject/TextCode: a position, a
size, the advance of each glyph in DeltaX) and draw paths (PathObject: the ruling lines
of a table) in millimetres from the page's top left. So it is read as a PDF is: each page
becomes the glyphs and ruling edges pdfplumber would have found on a PDF page, its table
finder (the same settings) finds the cells, and extractors.documents.pdf lays out
cells and lines in reading order -- one way, for both formats, from positioned text to
rows. Coordinates are converted to points so the PDF reader's tolerances hold.

The package is read through documents.zipfiles (bounded sizes, no paths outside, no
DTDs); pages and objects are bounded too (MAX_PAGES as for PDFs, MAX_OBJECTS per page,
MAX_NESTING for PageBlocks inside PageBlocks), and the time budget is checked per page.
"""
from __future__ import annotations

import math
import posixpath
import re
import time

from extractors.document import Document
from extractors.documents import grid, pdf
from extractors.documents.zipfiles import BoundedZip, Limits, parse_xml
from extractors.errors import ExtractionError

# Only the package's XML is read (never its fonts or images): a page's Content.xml is
# 50 KB-2 MB; the sum covers MAX_PAGES of them.
LIMITS = Limits(members=20_000, member_bytes=8 * 1024 * 1024, total_bytes=100 * 1024 * 1024)
MAX_PAGES = pdf.MAX_PAGES
# Text and path objects on one page: a report page places a few thousand.
MAX_OBJECTS = 100_000
MAX_GLYPHS = 200_000
MAX_NESTING = 20
MM = 72 / 25.4  # points per millimetre
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# the operand count of each AbbreviatedData operator (GB/T 33190 table 35)
_OPERANDS = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}


def read(data: bytes, *, deadline: float, **_) -> Document:
    package = BoundedZip(data, LIMITS, what="OFD")
    entry = package.find("OFD.xml")
    if entry is None:
        raise ExtractionError("corrupt", "zip archive without OFD.xml: not an OFD document")
    root = parse_xml(package.read_xml(entry), "OFD.xml")
    body = _child(root, "DocBody")
    document_path = _text(_child(body, "DocRoot"))
    if not document_path:
        raise ExtractionError("corrupt", "OFD.xml names no DocRoot")
    title = _text(_child(_child(body, "DocInfo"), "Title"))
    document_path = _resolve("OFD.xml", document_path)
    reader = _Reader(package, document_path)
    notes: list[str] = []
    items: list = []
    images = 0
    if len(reader.page_locations) > MAX_PAGES:
        notes.append(f"only the first {MAX_PAGES} of {len(reader.page_locations)} pages were read")
    for number, page in enumerate(reader.pages(deadline)):
        items.extend(pdf.page_items(page, number))
        if len(page.chars) < pdf.SCANNED_PAGE_CHARS:
            images += len(page.images)
    if reader.damaged:
        notes.append(f"malformed XML read as far as it goes, figures there may be missing: {', '.join(reader.damaged)}")
    rows = pdf.reading_order(items)
    ruled = any(kind == "table" for kind, *_ in items)
    title = grid.clean_cell(title) if title else None
    return Document(rows=rows, text=grid.rows_text(rows), kind="ofd", cell_rows=ruled,
                    title=title if title and pdf.REPORT_TITLE.search(title) else None,
                    published=None, images=images, notes=notes)


class OfdPage:
    """One OFD page as the glyphs, edges and images pdfplumber gives of a PDF page: the
    part of pdfplumber's Page that pdf.page_items and pdfplumber's table finder use."""

    def __init__(self, width: float, height: float, chars: list[dict], edges: list[dict], images: list):
        self.width, self.height = width, height
        self.bbox = (0, 0, width, height)
        self.chars, self.edges, self.images = chars, edges, images

    def find_tables(self):
        from pdfplumber.table import TableFinder

        return TableFinder(self).tables

    def filter(self, keep) -> "OfdPage":
        return OfdPage(self.width, self.height, [c for c in self.chars if keep(c)], self.edges, self.images)

    def extract_text_lines(self, return_chars: bool = True, **_):
        from pdfplumber.utils.text import chars_to_textmap

        if not self.chars:  # a blank page, or one whose every glyph is in a table
            return []
        return chars_to_textmap(self.chars).extract_text_lines(strip=True, return_chars=return_chars)

    def close(self) -> None:
        pass


class _Reader:
    """Document.xml's pages and templates, each page turned into an OfdPage."""

    def __init__(self, package: BoundedZip, document_path: str):
        self.package = package
        self.document_path = document_path
        self.raw: dict[str, str] = {}  # resolved location -> as written
        self.damaged: list[str] = []   # parts whose XML was malformed, read as far as it goes
        document = self._xml(document_path)
        common = _child(document, "CommonData")
        self.box = _box(_text(_child(_child(common, "PageArea"), "PhysicalBox"))) or (0, 0, 210, 297)
        self.templates = {t.get("ID"): self._resolve(t.get("BaseLoc"))
                          for t in _children(common, "TemplatePage") if t.get("BaseLoc")}
        self.page_locations = [self._resolve(p.get("BaseLoc"))
                               for p in _children(_child(document, "Pages"), "Page") if p.get("BaseLoc")]

    def _resolve(self, location: str) -> str:
        path = _resolve(self.document_path, location)
        self.raw[path] = location
        return path

    def _xml(self, path: str):
        entry = self._entry(path)
        if entry is None:
            raise ExtractionError("corrupt", f"the OFD names {path}, which it does not hold")
        return parse_xml(self.package.read_xml(entry), path, self.damaged)

    def _entry(self, path: str):
        """The member at `path`, or at the location it was resolved from taken from the
        package's root (producers write Pages/Page_0/Content.xml meaning either)."""
        return self.package.find(path) or self.package.find(self.raw.get(path, path))

    def pages(self, deadline: float):
        for number, location in enumerate(self.page_locations[:MAX_PAGES]):
            if time.monotonic() > deadline:
                raise ExtractionError("timeout", f"reading the OFD took longer than the time budget (page {number + 1})")
            page = self._xml(location)
            box = _box(_text(_child(_child(page, "Area"), "PhysicalBox"))) or self.box
            drawing = _Drawing()
            for template in _children(page, "Template"):  # headers/footers shared by pages
                path = self.templates.get(template.get("TemplateID"))
                if path and self._entry(path) is not None:
                    drawing.walk(_child(self._xml(path), "Content"), 0)
            drawing.walk(_child(page, "Content"), 0)
            drawing.close_estimated_gaps()
            yield OfdPage(box[2] * MM, box[3] * MM, drawing.chars, drawing.edges, drawing.images)


class _Drawing:
    """The glyphs and ruling edges of a page's content, in points from the page's top left."""

    def __init__(self):
        self.chars: list[dict] = []
        self.edges: list[dict] = []
        self.images: list = []
        self.objects = 0
        self.estimated: set[int] = set()  # chars whose width is a guess, not an advance
        self.spaced: set[int] = set()     # chars the text follows with a space

    def walk(self, element, depth: int) -> None:
        if element is None:
            return
        if depth > MAX_NESTING:
            raise ExtractionError("hostile", f"OFD page blocks nested over {MAX_NESTING} deep")
        for child in element:
            name = _local(child.tag)
            if name in ("Layer", "PageBlock"):
                self.walk(child, depth + 1)
                continue
            self.objects += 1
            if self.objects > MAX_OBJECTS:
                raise ExtractionError("hostile", f"an OFD page with over {MAX_OBJECTS} objects: no report page has")
            if name == "TextObject":
                self._text(child)
            elif name == "PathObject":
                self._path(child)
            elif name == "ImageObject":
                self.images.append(_box(child.get("Boundary")))

    def _origin_and_ctm(self, element):
        x, y, _, _ = _box(element.get("Boundary")) or (0, 0, 0, 0)
        ctm = _numbers(element.get("CTM"), 6) or (1, 0, 0, 1, 0, 0)
        return x, y, ctm

    def _text(self, element) -> None:
        if element.get("Visible", "true").lower() == "false":
            return
        x0, y0, (a, b, c, d, e, f) = self._origin_and_ctm(element)
        size = _float(element.get("Size"), 3.5)
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        upright = abs(b) < 1e-6 and abs(c) < 1e-6
        x = y = 0.0
        for code in _children(element, "TextCode"):
            text = code.text or ""
            x = _float(code.get("X"), x)
            y = _float(code.get("Y"), y)
            deltas = _deltas(code.get("DeltaX"), len(text))
            if len(self.chars) + len(text) > MAX_GLYPHS:
                raise ExtractionError("hostile", f"an OFD page with over {MAX_GLYPHS} glyphs: no report page has")
            for i, char in enumerate(text):
                # object space -> CTM -> the Boundary's origin on the page
                px, py = a * x + c * y + e + x0, b * x + d * y + f + y0
                em = size * scale
                given = i < len(deltas) and 0 < deltas[i] <= 2 * size
                advance = deltas[i] if i < len(deltas) else _advance(char, size)
                if char.isspace():
                    self.spaced.add(len(self.chars) - 1)
                else:
                    # a glyph is as wide as its advance (what DeltaX says), else estimated
                    width = (advance if given else _advance(char, size)) * scale
                    if not given:
                        self.estimated.add(len(self.chars))
                    self.chars.append(_char(char, px * MM, (py - 0.86 * em) * MM, (px + width) * MM,
                                            (py + 0.14 * em) * MM, em * MM, upright))
                x += advance

    def close_estimated_gaps(self) -> None:
        """A glyph whose width was estimated (no DeltaX: a glyph per TextObject, or the
        last of a run) reaches the next glyph on its line when that begins less than half
        an em after it: "m" is wider than the half em a Latin glyph is guessed at, and the
        gap would read as a space ("m zjgk@163.com"). A space the text had stays one."""
        for i in sorted(self.estimated):
            if i + 1 >= len(self.chars) or i in self.spaced:
                continue
            char, following = self.chars[i], self.chars[i + 1]
            gap = following["x0"] - char["x1"]
            if abs(following["bottom"] - char["bottom"]) < 0.2 * char["size"] and 0 < gap <= 0.5 * char["size"]:
                char["x1"] = following["x0"]
                char["width"] = char["x1"] - char["x0"]

    def _path(self, element) -> None:
        if element.get("Visible", "true").lower() == "false":
            return
        stroke = element.get("Stroke", "true").lower() != "false"
        fill = element.get("Fill", "false").lower() == "true"
        if not (stroke or fill):
            return
        x0, y0, (a, b, c, d, e, f) = self._origin_and_ctm(element)

        def page_point(px: float, py: float) -> tuple[float, float]:
            return ((a * px + c * py + e + x0) * MM, (b * px + d * py + f + y0) * MM)

        for start, end in _segments(_text(_child(element, "AbbreviatedData")) or ""):
            (sx, sy), (ex, ey) = page_point(*start), page_point(*end)
            if abs(sy - ey) < 0.5:
                self.edges.append({"object_type": "line", "orientation": "h", "x0": min(sx, ex), "x1": max(sx, ex),
                                   "top": sy, "bottom": sy, "width": abs(ex - sx), "height": 0})
            elif abs(sx - ex) < 0.5:
                self.edges.append({"object_type": "line", "orientation": "v", "x0": sx, "x1": sx,
                                   "top": min(sy, ey), "bottom": max(sy, ey), "width": 0, "height": abs(ey - sy)})


def _segments(data: str):
    """The straight segments an AbbreviatedData path draws (curves and arcs are no ruling)."""
    tokens = _PATH_TOKEN.findall(data)
    start = current = None
    i = 0
    while i < len(tokens):
        op = tokens[i].upper()
        count = _OPERANDS.get(op)
        if count is None:  # a stray number or an unknown operator: skip it
            i += 1
            continue
        try:
            args = [float(t) for t in tokens[i + 1:i + 1 + count]]
        except ValueError:
            return
        if len(args) < count:
            return
        i += 1 + count
        if op in ("S", "M"):
            start = current = (args[0], args[1])
        elif op == "L" and current is not None:
            yield current, (args[0], args[1])
            current = (args[0], args[1])
        elif op == "C" and current is not None and start is not None:
            if current != start:
                yield current, start
            current = start
        elif op in ("Q", "B", "A"):
            current = (args[-2], args[-1])


def _char(text: str, x0: float, top: float, x1: float, bottom: float, size: float, upright: bool) -> dict:
    return {"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": top, "width": x1 - x0, "height": bottom - top, "size": size, "upright": upright,
            "fontname": "", "matrix": (1, 0, 0, 1, x0, top), "ncs": None, "stroking_color": None,
            "non_stroking_color": None}


def _advance(char: str, size: float) -> float:
    """A glyph's width when DeltaX does not give it: CJK full width, Latin and digits half."""
    import unicodedata

    return size if unicodedata.east_asian_width(char) in ("W", "F") else size * 0.5


def _deltas(value: str | None, limit: int) -> list[float]:
    """DeltaX: numbers, where "g N d" stands for N times d (GB/T 33190 §11.3)."""
    if not value:
        return []
    tokens = value.split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < limit:
        if tokens[i] == "g" and i + 2 < len(tokens):
            count = int(_float(tokens[i + 1], 0))
            out.extend([_float(tokens[i + 2], 0.0)] * max(0, min(count, limit - len(out))))
            i += 3
        else:
            out.append(_float(tokens[i], 0.0))
            i += 1
    return out


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str):
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element) -> str | None:
    return (element.text or "").strip() if element is not None else None


def _float(value, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _numbers(value: str | None, count: int) -> tuple | None:
    found = [float(n) for n in _NUMBER.findall(value or "")]
    return tuple(found[:count]) if len(found) >= count and all(math.isfinite(n) for n in found[:count]) else None


def _box(value: str | None) -> tuple | None:
    return _numbers(value, 4)


def _resolve(base: str, location: str) -> str:
    """A location inside the package: absolute from its root, else relative to `base`'s folder."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return posixpath.normpath(location.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), location))
