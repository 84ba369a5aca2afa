"""A report as a DOCX with merged cells, byte-stable across runs.

python-docx stamps the zip entries with the current time and the core properties with
"now"; both are pinned here (to the report's publication date) so that generating the
web twice gives identical bytes, which the day-1/day-2 comparison relies on.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from localweb.prose import date_line
from localweb.report import Report
from localweb.tables import place, report_tables, width


def render(report: Report) -> bytes:
    """The DOCX bytes of the whole report, title first."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    title = document.add_paragraph(report.title)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for p in report.intro:
        document.add_paragraph(p)
    overall, *closing = report.sections
    document.add_paragraph(overall[0])
    for p in overall[1]:
        document.add_paragraph(p)
    for heading, table in report_tables(report):
        document.add_paragraph(heading)
        _table(document, table)
    for heading, paragraphs in closing:
        document.add_paragraph(heading)
        for p in paragraphs:
            document.add_paragraph(p)
    for line in (report.organ, date_line(report.published)):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    moment = dt.datetime(report.published.year, report.published.month, report.published.day, 9, 0)
    document.core_properties.created = moment
    document.core_properties.modified = moment
    document.core_properties.last_modified_by = report.organ
    document.core_properties.author = report.organ
    buffer = io.BytesIO()
    document.save(buffer)
    return pinned_zip(buffer.getvalue(), moment)


def _table(document, table) -> None:
    """Write the table's XML directly: gridSpan across, vMerge down.

    python-docx's `cell.merge` re-walks the whole table per call and takes seconds on the
    30-row section 三 table; the XML of a merged table is simple enough to write.
    """
    columns = width(table)
    grid = document.add_table(rows=0, cols=columns)
    grid.style = "Table Grid"
    origins = {(r, c): cell for r, c, cell in place(table)}
    covering = {}  # (row, column) below an origin -> the origin cell, for vMerge continuations
    for (r, c), cell in origins.items():
        for dr in range(1, cell.rowspan):
            covering[(r + dr, c)] = cell
    for r in range(len(table)):
        tr = parse_xml(f"<w:tr {nsdecls('w')}/>")
        grid._tbl.append(tr)
        c = 0
        while c < columns:
            cell = origins.get((r, c))
            if cell is not None:
                merge = "restart" if cell.rowspan > 1 else None
                tr.append(_tc(cell.text, cell.colspan, merge))
            else:
                cell = covering[(r, c)]
                tr.append(_tc("", cell.colspan, "continue"))
            c += cell.colspan


def _tc(text: str, colspan: int, vmerge: str | None):
    properties = ""
    if colspan > 1:
        properties += f'<w:gridSpan w:val="{colspan}"/>'
    if vmerge == "restart":
        properties += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        properties += "<w:vMerge/>"
    run = f"<w:r><w:t>{escape(text)}</w:t></w:r>" if text else ""
    return parse_xml(f"<w:tc {nsdecls('w')}><w:tcPr>{properties}</w:tcPr><w:p>{run}</w:p></w:tc>")


def pinned_zip(data: bytes, moment: dt.datetime) -> bytes:
    """The same zip with every entry dated `moment`, in the original order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            target.writestr(pinned, source.read(info.filename))
    return out.getvalue()
