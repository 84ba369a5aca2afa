"""DOCX report -> Document, with python-docx.

The zip is checked before python-docx sees it: attachments come from the open web, and a
DOCX is a zip of XML -- a zip bomb (tiny file, gigabytes declared) or an entity bomb
(<!DOCTYPE> with nested <!ENTITY>s) must be refused, not inflated.

The body is walked in order (paragraphs and tables interleaved, as `document.paragraphs`
and `document.tables` separately cannot tell). Tables are read from their XML: python-docx's
`table.cell()` repeats a merged cell in every position it covers, which would print a
merged figure several times; the XML says where each cell starts and how far it spans
(w:gridSpan across, w:vMerge down), so the merged-cell convention comes from grid.rows_of.
"""
from __future__ import annotations

import io
import re
import time
import zipfile
import zlib

from extractors.document import Document, Row
from extractors.documents import grid
from extractors.errors import ExtractionError

MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_PARTS = 5000
# Word XML compresses ~10-30x; a part inflating more than this is built to exhaust memory.
MAX_RATIO = 200
# Elements (tags) in one XML part; see _check_xml_part.
MAX_XML_ELEMENTS = 1_000_000
# Grid columns narrower than this (1/20 pt; 40 = 0.7 mm) are slivers, not table columns.
SLIVER_TWIPS = 40
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_REPORT_TITLE = re.compile(r"年度?报告|年报")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}sdt"
_T, _TAB, _BR, _CR = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
_IMAGES = (f"{_W}drawing", f"{_W}pict")


def read(data: bytes, *, deadline: float, **_) -> Document:
    import docx

    check_zip(data)
    document = docx.Document(io.BytesIO(data))
    rows: list[Row] = []
    for block in _blocks(document.element.body):
        if time.monotonic() > deadline:
            raise ExtractionError("timeout", "reading the DOCX took longer than the time budget")
        if block.tag == _TBL:
            table_rows = _table_rows(block)
            if table_rows:
                rows.extend(table_rows)
                rows.append([])
        else:
            text = grid.clean_cell(_paragraph_text(block))
            if text:
                rows.append([text])
    images = sum(1 for element in document.element.body.iter(*_IMAGES))
    title = grid.clean_cell(document.core_properties.title or "")
    return Document(rows=rows, text=grid.rows_text(rows), kind="docx", cell_rows=True,
                    title=title if title and _REPORT_TITLE.search(title) else None,
                    published=None, images=images)


def check_zip(data: bytes) -> None:
    """Refuse what is no DOCX (corrupt) and what is built to exhaust memory (hostile)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ExtractionError("corrupt", f"not a readable zip archive, so no DOCX ({exc})") from None
    with archive:
        infos = archive.infolist()
        if "word/document.xml" not in {info.filename for info in infos}:
            raise ExtractionError("corrupt", "zip archive without word/document.xml: not a Word document")
        if len(infos) > MAX_PARTS:
            raise ExtractionError("hostile", f"{len(infos)} parts in one DOCX")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED:
            raise ExtractionError("hostile", f"DOCX declares {total} bytes uncompressed (limit {MAX_UNCOMPRESSED})")
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ExtractionError("hostile", f"{info.filename} inflates {info.file_size // max(info.compress_size, 1)}x")
            if info.filename.endswith((".xml", ".rels")):
                _check_xml_part(archive, info)


def _check_xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one XML part as a stream (never whole) before python-docx parses it.

    Its head must declare no DTD; its elements must be few enough for an lxml tree: the
    sizes a zip declares bound the bytes, not what they are (a report's document.xml holds
    some 10,000-100,000 elements; a few MB of `<w:p/>` are millions, gigabytes as a tree).
    Reading to the end also checks the CRC against what was inflated, so a part whose
    headers lie about its bytes is refused here ("corrupt"), not later.
    """
    elements = 0
    try:
        with archive.open(info) as part:
            head = part.read(4096)  # a DTD comes before the root element
            if _DTD.search(head):
                raise ExtractionError("hostile", f"{info.filename} declares a DTD/entities")
            chunk = head
            while chunk:
                elements += chunk.count(b"<")
                if elements > MAX_XML_ELEMENTS:
                    raise ExtractionError("hostile", f"{info.filename} holds more than {MAX_XML_ELEMENTS} elements")
                chunk = part.read(1 << 20)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise ExtractionError("corrupt", f"{info.filename}: {exc}") from None


def _blocks(body):
    """Paragraphs and tables of the body in order, through content controls (w:sdt) and
    layout tables: a table holding tables (the whole report in a one-cell frame) is read
    cell by cell, as the HTML reader walks a nested layout table, so that its headings
    stay paragraphs and its data tables stay tables."""
    for child in body:
        if child.tag == _TBL and any(t is not child for t in child.iter(_TBL)):
            for tr in (tr for tr in child.iter(_TR) if _owner_table(tr) is child):
                for tc in _cells(tr):
                    yield from _blocks(tc)
        elif child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iter(f"{_W}sdtContent"):
                yield from _blocks(content)
                break


def _cells(tr):
    """A row's cells, also those a content control wraps (<w:tr><w:sdt><w:sdtContent><w:tc>,
    as WPS and form templates write them)."""
    for child in tr:
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:
            for content in child.iter(f"{_W}sdtContent"):
                yield from (tc for tc in content if tc.tag == _TC)
                break


_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _paragraph_text(paragraph) -> str:
    """A paragraph's text; a text box is written twice (mc:Choice for Word, mc:Fallback for
    older readers), and read once."""
    copies = paragraph.find(f".//{_FALLBACK}") is not None
    parts = []
    for node in paragraph.iter(_T, _TAB, _BR, _CR):
        if copies and next(node.iterancestors(_FALLBACK), None) is not None:
            continue
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _val(element, path: str) -> str | None:
    found = element.find(path)
    if found is None:
        return None
    return found.get(f"{_W}val", "")


def _logical_columns(table) -> list[int]:
    """Grid column -> table column, with sliver grid columns folded into their left neighbour.

    Word (and LibreOffice's .doc round trip) leaves 1-twip grid columns where two rows'
    cell edges nearly line up; a cell spanning "575 + 1" twips is one column on paper.
    """
    widths = []
    for column in table.iterchildren(f"{_W}tblGrid"):
        for grid_col in column.iterchildren(f"{_W}gridCol"):
            try:
                widths.append(int(float(grid_col.get(f"{_W}w") or 0)))
            except ValueError:
                widths.append(0)
    logical, index = [], -1
    for width in widths[: grid.MAX_COLUMNS]:
        if width >= SLIVER_TWIPS or index < 0:
            index += 1
        logical.append(index)
    while len(logical) < grid.MAX_COLUMNS + 1:  # cells past a short tblGrid
        index += 1
        logical.append(index)
    return logical


def _table_rows(table) -> list[Row]:
    """A w:tbl on the grid: w:gridBefore skips columns, w:gridSpan spans, w:vMerge continues."""
    logical = _logical_columns(table)
    placed: list[grid.Placed] = []
    open_above: dict[int, grid.Placed] = {}  # column -> cell a vMerge="continue" extends
    rows = [tr for tr in table.iter(_TR) if _owner_table(tr) is table]
    for r, tr in enumerate(rows):
        col = grid.span(_val(tr, f"{_W}trPr/{_W}gridBefore"), grid.MAX_COLUMNS) if _val(tr, f"{_W}trPr/{_W}gridBefore") else 0
        for tc in _cells(tr):
            colspan = grid.span(_val(tc, f"{_W}tcPr/{_W}gridSpan"), grid.MAX_COLUMNS)
            merge = _val(tc, f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge != "restart" and col in open_above:
                origin = open_above[col]
                origin.rowspan = r - origin.row + 1
            else:
                text = "\n".join(_paragraph_text(p) for p in tc.iter(_P))
                covered = range(col, min(col + colspan, grid.MAX_COLUMNS + 1))
                # a cell starting on a sliver starts, on paper, at the next real column
                starts = [c for c in covered if c == 0 or logical[c] != logical[c - 1]]
                if starts:
                    first, last = logical[starts[0]], logical[covered[-1]]
                    cell = grid.Placed(text, r, first, 1, last - first + 1)
                    placed.append(cell)
                else:  # a cell on sliver columns only: nothing on paper
                    cell = grid.Placed(text, r, logical[col], 1, 1)
                for c in range(col, col + colspan):
                    open_above.pop(c, None)
                if merge == "restart":
                    open_above[col] = cell
            col += colspan
            if col >= grid.MAX_COLUMNS:
                break
    return grid.rows_of(placed, len(rows))


def _owner_table(element):
    """The nearest w:tbl above an element (a nested table's rows are not this table's)."""
    parent = element.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent
