"""A report as a PDF, the way bureaus print theirs: ruled tables, a CJK font, text pdfplumber reads.

reportlab's built-in CID font STSong-Light needs no font file (the reader's viewer
supplies it) and `invariant=True` drops the creation date and random document ID, so the
same report always gives the same bytes on every machine.
"""
from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from localweb.prose import date_line
from localweb.report import Report
from localweb.tables import place, report_tables, width

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=19, firstLineIndent=22, wordWrap="CJK")
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=26, alignment=TA_CENTER, wordWrap="CJK")
RIGHT = ParagraphStyle("right", parent=BODY, alignment=TA_RIGHT, firstLineIndent=0)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5, alignment=TA_CENTER, wordWrap="CJK")

# Column widths (points) of the three tables on an A4 page with 2 cm margins.
COLUMN_WIDTHS = {4: [180, 110, 110, 110], 10: [34, 66, 150] + [37] * 7, 15: [34] * 15}


def render(report: Report) -> bytes:
    """The PDF bytes of the whole report, title first."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=True, title=report.title, author=report.organ,
                            leftMargin=40, rightMargin=40, topMargin=50, bottomMargin=50)
    story = [Paragraph(report.title, TITLE), Spacer(1, 8)]
    story += [Paragraph(p, BODY) for p in report.intro]
    overall, *closing = report.sections
    story.append(Paragraph(overall[0], BODY))
    story += [Paragraph(p, BODY) for p in overall[1]]
    for heading, table in report_tables(report):
        story.append(Paragraph(heading, BODY))
        story.append(_table(table))
        story.append(Spacer(1, 6))
    for heading, paragraphs in closing:
        story.append(Paragraph(heading, BODY))
        story += [Paragraph(p, BODY) for p in paragraphs]
    story += [Spacer(1, 12), Paragraph(report.organ, RIGHT), Paragraph(date_line(report.published), RIGHT)]
    doc.build(story)
    return buffer.getvalue()


def _table(table) -> Table:
    columns = width(table)
    grid = [["" for _ in range(columns)] for _ in table]
    commands = [("FONT", (0, 0), (-1, -1), FONT, 7.5), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    for r, c, cell in place(table):
        grid[r][c] = cell.text if cell.figure else Paragraph(cell.text, CELL)
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    pdf_table = Table(grid, colWidths=COLUMN_WIDTHS[columns], repeatRows=0)
    pdf_table.setStyle(TableStyle(commands))
    return pdf_table
