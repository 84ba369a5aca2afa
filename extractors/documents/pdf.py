"""PDF report -> Document, with pdfplumber.

Per page: the ruled tables (pdfplumber's `find_tables`) and the text lines outside them,
merged in reading order by vertical position. Tables are laid out from their cell
*coordinates*, not from `Table.extract()`'s rows: a merged cell is one rectangle covering
several grid positions, so the merged-cell convention (label repeated, figure once) comes
from grid.rows_of like every other reader's. A table split over a page break continues,
its parts on one set of column lines (see _layout).

Scanned reports have pages with images and (almost) no text: their images are counted so
the record can say "tables are pictures" instead of "no figures".

PDFs come from the open web, so reading is bounded: pages are walked one at a time and
only the first MAX_PAGES are read (pdfplumber's `pages` would build all of a 50,000-page
file first), the time budget is checked before each page, and a page whose content
streams inflate past MAX_PAGE_CONTENT (through every filter of their chain) is refused
before pdfminer parses it (each drawing operator costs it a Python object: a few MB of
them take minutes, a Flate bomb hundreds of MB of memory). What still runs over is
stopped by `extract`'s hard time limit, and in the crawler by its readers' memory limit.
"""
from __future__ import annotations

import io
import re
import unicodedata
import time
from collections import Counter
from dataclasses import dataclass, field

from extractors.document import Document, Row
from extractors.documents import grid
from extractors.errors import ExtractionError

MAX_PAGES = 300
# Inflated content-stream bytes of one page. A page of a report, tables included, draws
# 10-200 KB; past this it is built to exhaust the reader.
MAX_PAGE_CONTENT = 4 * 1024 * 1024
# Form XObjects drawn on one page (a form drawn inside a form drawn n times counts n times),
# and how deep forms may nest. Reports draw none, or a logo or a letterhead a few times.
MAX_FORM_DRAWS = 10_000
MAX_FORM_DEPTH = 12
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")
# Fewer characters than this on a page with an image: a scanned page.
SCANNED_PAGE_CHARS = 20
# Coordinates closer than this (points) are the same ruling line.
SNAP = 2.0
# Column lines of a table's parts on two pages may differ by this much (points) and still
# be one column line; no report table has a column narrower than this.
COLUMN_DRIFT = 6.0
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")
_HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、])")
REPORT_TITLE = re.compile(r"年度?报告|年报")


@dataclass
class _TablePart:
    """One page's piece of a table: cells with their page coordinates."""
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    cells: list = field(default_factory=list)  # (x0, top, x1, bottom, text)


def read(data: bytes, *, deadline: float, **_) -> Document:
    import pdfplumber

    notes: list[str] = []
    items: list = []  # ("line", page, top, text) | ("table", page, top, _TablePart)
    images = 0
    with pdfplumber.open(io.BytesIO(data)) as document:
        for number, page in enumerate(_pages(document, deadline)):
            if number == MAX_PAGES:
                notes.append(f"only the first {MAX_PAGES} of {_page_count(document)} pages were read")
                break
            items.extend(page_items(page, number))
            if len(page.chars) < SCANNED_PAGE_CHARS:
                images += len(page.images)
            page.close()
        title = _title(document.metadata or {})
    rows = reading_order(items)
    # Without a ruled table, the tables are lines of text: a row per line, or a cell per
    # line, or a row whose figures or label wrapped onto the next line. The table reader
    # regroups such lines by their labels, as it does a text report's.
    ruled = any(kind == "table" for kind, *_ in items)
    return Document(rows=rows, text=grid.rows_text(rows), kind="pdf", cell_rows=ruled,
                    title=title, published=None, images=images, notes=notes)



def _pages(document, deadline: float):
    """pdfplumber pages, one at a time, each checked against the budget and the content limit."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    doctop = 0
    for number, page_object in enumerate(PDFPage.create_pages(document.doc)):
        if time.monotonic() > deadline:
            raise ExtractionError("timeout", f"reading the PDF took longer than the time budget (page {number + 1})")
        _check_content(page_object, number)
        page = Page(document, page_object, page_number=number + 1, initial_doctop=doctop)
        doctop += page.height
        yield page


def _page_count(document) -> str:
    """The page count the page tree declares (walking it all is what we avoid)."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(document.doc.catalog.get("Pages")).get("Count"))
        return str(int(count))
    except Exception:  # a page tree without a usable /Count: say so, do not walk it
        return "an unknown number of"


def _check_content(page_object, number: int) -> None:
    """Refuse a page whose content streams inflate past MAX_PAGE_CONTENT, without inflating more."""
    from pdfminer.pdftypes import resolve1

    total = 0
    for stream in page_object.contents:
        stream = resolve1(stream)
        filters = stream.get_filters() if hasattr(stream, "get_filters") else []
        names = [str(getattr(f, "name", f)) for f, _ in filters]
        raw = stream.get_rawdata() if hasattr(stream, "get_rawdata") else None
        if raw is None:
            continue  # already decoded: pdfminer read it, so it was small
        total += _decoded_size(raw, names, MAX_PAGE_CONTENT + 1 - total)
        if total > MAX_PAGE_CONTENT:
            raise ExtractionError("hostile", f"page {number + 1} draws more than {MAX_PAGE_CONTENT // 2**20} MB of "
                                             "content: no report page does")
    _check_forms(page_object, number, total)


def _check_forms(page_object, number: int, total: int) -> None:
    """Refuse a page whose form XObjects, drawn as often as the page and its forms say,
    would take pdfminer past MAX_FORM_DRAWS forms or MAX_PAGE_CONTENT bytes of content.

    pdfminer interprets a form's content again at each `Do`: a form drawing another ten
    times, six levels down, is a million drawings of a few hundred bytes. Occurrences are
    counted per form and multiplied down the levels (one visit per level, not per draw),
    and each form's own stream is sized through its filters before it is decoded.
    """
    from pdfminer.pdftypes import resolve1

    draws = 0

    def visit(content: bytes, resources, times: int, depth: int) -> None:
        nonlocal draws, total
        xobjects = resolve1((resolve1(resources) or {}).get("XObject")) if resources else None
        if not isinstance(xobjects, dict):
            return
        for name, count in Counter(_DO.findall(content)).items():
            form = resolve1(xobjects.get(name.decode("latin-1")))
            if not hasattr(form, "get_rawdata") or str(getattr(form.get("Subtype"), "name", "")) != "Form":
                continue
            draws += times * count
            raw = form.get_rawdata()
            names = [str(getattr(f, "name", f)) for f, _ in form.get_filters()]
            size = _decoded_size(raw, names, MAX_PAGE_CONTENT + 1) if raw is not None else len(form.get_data())
            total += times * count * size
            if draws > MAX_FORM_DRAWS or total > MAX_PAGE_CONTENT or depth > MAX_FORM_DEPTH:
                raise ExtractionError("hostile", f"page {number + 1} draws forms {draws} times, {total // 2**20} MB "
                                                 "of content: no report page does")
            visit(form.get_data(), form.get("Resources") or resources, times * count, depth + 1)

    try:
        content = b"\n".join(resolve1(stream).get_data() for stream in page_object.contents
                              if hasattr(resolve1(stream), "get_data"))
        visit(content, page_object.resources, 1, 0)
    except ExtractionError:
        raise
    except Exception:  # noqa: BLE001 - a damaged stream or resource: pdfminer says so, or reads around it
        return


_FLATE = ("FlateDecode", "Fl")
_SHRINKING = {"ASCIIHexDecode": "asciihexdecode", "AHx": "asciihexdecode",
              "ASCII85Decode": "ascii85decode", "A85": "ascii85decode"}


def _decoded_size(raw: bytes, filters: list[str], budget: int) -> int:
    """What a stream's filter chain makes of `raw`, in bytes, stage by stage, no stage past `budget`.

    Every stage counts, not only a lone Flate: /Filter [/FlateDecode /FlateDecode] is
    1000x twice (a few KB that would become gigabytes), and a stage is inflated only up to
    the budget. A filter not decoded here (LZW, RunLength, image filters) counts its input;
    what it would still inflate is left to the reading process's memory limit and the timer.
    """
    import zlib

    from pdfminer import ascii85

    data = raw
    for name in filters:
        if name in _FLATE:
            try:
                data = zlib.decompressobj().decompress(data, budget)
            except zlib.error:
                return len(data)  # damaged: pdfminer will say so
        elif name in _SHRINKING:  # their output is smaller than their input
            try:
                data = getattr(ascii85, _SHRINKING[name])(data)
            except ValueError:
                return len(data)
        else:
            return len(data)
        if len(data) >= budget:
            return len(data)
    return len(data)


def _title(metadata: dict) -> str | None:
    """The PDF's Title when it names a report (it is often "Microsoft Word - 文档1")."""
    title = metadata.get("Title")
    if isinstance(title, bytes):
        title = title.decode("utf-16" if title.startswith(b"\xfe\xff") else "latin-1", "ignore")
    title = grid.clean_cell(str(title)) if title else None
    return title if title and REPORT_TITLE.search(title) else None


def page_items(page, number: int) -> list:
    """A page's ruled tables and text lines outside them, as (kind, page, top, value) items.

    `page` is a pdfplumber Page, or anything offering the same find_tables, filter,
    extract_text_lines, chars and images (the OFD reader's pages do)."""
    tables = page.find_tables()
    parts = []
    for table in tables:
        part = _TablePart(number, table.bbox[1], table.bbox[3], table.bbox[0], table.bbox[2])
        texts = table.extract()
        for row, row_texts in zip(table.rows, texts):
            for bbox, text in zip(row.cells, row_texts):
                if bbox is not None:
                    part.cells.append((*bbox, _cell_text(text)))
        parts.append(part)
    boxes = [t.bbox for t in tables]

    def outside_tables(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    lines = [{**line, "text": radicals_as_characters(line["text"])}
             for line in text_page.extract_text_lines(return_chars=False) if line["text"].strip()]
    # a page number is the page's first or last line; a lone figure inside the page is a
    # table row's figure that wrapped onto a line of its own
    ends = [i for i in (0, len(lines) - 1) if lines and _PAGE_NUMBER.match(lines[i]["text"].strip())]
    lines = [line for i, line in enumerate(lines) if i not in ends]
    items = [("table", number, part.top, part) for part in parts]
    items += [("line", number, top, text) for top, text in _paragraphs(lines)]
    items.sort(key=lambda item: item[2])
    return items


# Kangxi radicals and CJK radical supplements (⼆ U+2F06, ⾏ U+2F8F) that some Word/WPS
# exports map their glyphs to in a PDF's ToUnicode table: the characters they stand for
_RADICALS = {c: unicodedata.normalize("NFKC", chr(c)) for c in [*range(0x2E80, 0x2EFF), *range(0x2F00, 0x2FD6)]
             if unicodedata.normalize("NFKC", chr(c)) != chr(c)}
_LETTER_SPACED = re.compile(r"^\s*\d(?:[ \u00a0]\d)+\s*$")


def radicals_as_characters(text: str | None) -> str | None:
    return text.translate(_RADICALS) if text else text


def _cell_text(text: str | None) -> str | None:
    """A ruled cell's text: radicals as characters, and a figure letter-spaced to fill its
    cell (分散对齐: "1 5 2 0") as the one figure a ruled cell holds."""
    text = radicals_as_characters(text)
    if text and _LETTER_SPACED.match(text):
        return re.sub(r"[ \u00a0]", "", text)
    return text


def _paragraphs(lines: list[dict]) -> list[tuple[float, str]]:
    """Join a paragraph's wrapped lines: a line that reaches the right edge runs on."""
    if not lines:
        return []
    right = max(line["x1"] for line in lines)
    paragraphs: list[list] = []
    previous = None
    for line in lines:
        text = line["text"].strip()
        height = line["bottom"] - line["top"]
        runs_on = (previous is not None and previous["x1"] >= right - 2 * height
                   and line["top"] - previous["bottom"] < 0.8 * height and not _HEADING_START.match(text))
        if runs_on:
            paragraphs[-1][1].append(text)
        else:
            paragraphs.append([line["top"], [text]])
        previous = line
    return [(top, grid.clean_cell("\n".join(texts)) or "") for top, texts in paragraphs]


def reading_order(items: list) -> list[Row]:
    """Lines and tables in reading order; a table continued at the top of the next page joins.

    Page numbers were dropped with the lines, so a table running to the bottom of one page
    and a table opening the next with no text between them are one table.
    """
    rows: list[Row] = []
    pending: list[_TablePart] = []
    for kind, _page, _top, value in items:
        if kind == "table":
            if pending and _continues(pending[-1], value):
                pending.append(value)
                continue
            rows.extend(_flush(pending))
            pending = [value]
        else:
            rows.extend(_flush(pending))  # text after a table ends it
            pending = []
            rows.append([value])
    rows.extend(_flush(pending))
    return rows


def _continues(previous: _TablePart, part: _TablePart) -> bool:
    """The next page's first table, as wide as the last one: the same table, continued."""
    return (part.page == previous.page + 1
            and abs(part.x0 - previous.x0) <= 3 * SNAP and abs(part.x1 - previous.x1) <= 3 * SNAP)


def _flush(parts: list[_TablePart]) -> list[Row]:
    if not parts:
        return []
    return _layout(parts) + [[]]


def _snap(values, tolerance: float = SNAP) -> list[float]:
    """Distinct coordinates, those within tolerance of each other merged."""
    snapped: list[float] = []
    for value in sorted(values):
        if not snapped or value - snapped[-1] > tolerance:
            snapped.append(value)
    return snapped


def _index(boundaries: list[float], value: float) -> int:
    return min(range(len(boundaries)), key=lambda i: abs(boundaries[i] - value))


def _layout(parts: list[_TablePart]) -> list[Row]:
    """Cells of one table (over one or more pages) on one set of column boundaries.

    The parts of a table split over pages share their columns, but not always their
    ruling lines: the first page of the 三 table often has no line between its three
    label columns yet (those rows span them all), the second page has. Laid out apart,
    the two parts would have 8 and 10 columns. Their x boundaries are therefore merged
    -- with COLUMN_DRIFT tolerance, so a part drawn a few points off does not give every
    figure a phantom neighbour column.
    """
    xs = _snap((x for part in parts for cell in part.cells for x in (cell[0], cell[2])), COLUMN_DRIFT)
    placed: list[grid.Placed] = []
    row_offset = 0
    for part in parts:
        ys = _snap(y for cell in part.cells for y in (cell[1], cell[3]))
        for x0, top, x1, bottom, text in part.cells:
            row, col = _index(ys, top), _index(xs, x0)
            rowspan, colspan = max(1, _index(ys, bottom) - row), max(1, _index(xs, x1) - col)
            placed.append(grid.Placed(text, row_offset + row, col, rowspan, colspan))
        row_offset += max(1, len(ys) - 1)
    return grid.rows_of(placed, row_offset)
