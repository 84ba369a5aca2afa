"""A report as an article body in HTML: hand-written tables or MS-Word-export markup.

Word export is what most CMS editors paste: every cell wrapped in
``<p class=MsoNormal><span style='mso-...'>`` with ``<o:p>`` filler, labels split over
several spans. Readers must see through it, so the local web serves both.
"""
from __future__ import annotations

from html import escape

from localweb.prose import date_line
from localweb.report import Report
from localweb.tables import Table, report_tables

WORD_SPAN = ("<span style='font-size:10.5pt;font-family:宋体;mso-ascii-font-family:\"Times New Roman\";"
             "mso-hansi-font-family:\"Times New Roman\";mso-bidi-font-family:宋体;mso-font-kerning:0pt'>")
WORD_TD = ("style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;"
           "padding:0cm 5.4pt 0cm 5.4pt'")


def report_body(report: Report, *, style: str = "plain", image_urls: list[str] | None = None) -> str:
    """The article content: intro, section 一, the three tables (or their pictures), 五, 六, signature."""
    para = _word_paragraph if style == "word" else _plain_paragraph
    out = [para(p) for p in report.intro]
    overall, *closing = report.sections
    out.append(_heading(overall[0], style))
    out += [para(p) for p in overall[1]]
    for i, (heading, table) in enumerate(report_tables(report)):
        out.append(_heading(heading, style))
        if image_urls:
            out.append(f'<p style="text-align:center"><img src="{escape(image_urls[i])}" alt="" width="640"></p>')
        elif style == "word":
            out.append(_word_table(table))
        else:
            out.append(_plain_table(table))
    for heading, paragraphs in closing:
        out.append(_heading(heading, style))
        out += [para(p) for p in paragraphs]
    out.append(f'<p style="text-align:right">{escape(report.organ)}</p>')
    out.append(f'<p style="text-align:right">{date_line(report.published)}</p>')
    body = "\n".join(out)
    if style == "word":
        body = f"<div class=WordSection1 style='layout-grid:15.6pt'>\n{body}\n</div>"
    return body


def _plain_paragraph(text: str) -> str:
    return f"<p style=\"text-indent:2em\">{escape(text)}</p>"


def _word_paragraph(text: str) -> str:
    return (f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>"
            f"{WORD_SPAN}{escape(text)}<span lang=EN-US><o:p></o:p></span></span></p>")


def _heading(text: str, style: str) -> str:
    if style == "word":
        return (f"<p class=MsoNormal style='text-indent:32.0pt'><b><span style='font-family:黑体;"
                f"mso-hansi-font-family:黑体'>{escape(text)}<span lang=EN-US><o:p></o:p></span></span></b></p>")
    return f"<p style=\"text-indent:2em\"><strong>{escape(text)}</strong></p>"


def _spans(cell, quote: str = "") -> str:
    """The rowspan/colspan attributes of a cell (Word writes them unquoted)."""
    attrs = []
    if cell.rowspan > 1:
        attrs.append(f"rowspan={quote}{cell.rowspan}{quote}")
    if cell.colspan > 1:
        attrs.append(f"colspan={quote}{cell.colspan}{quote}")
    return "".join(" " + a for a in attrs)


def _plain_table(table: Table) -> str:
    rows = []
    for row in table:
        cells = []
        for cell in row:
            spans = _spans(cell, quote='"')
            cells.append(f"<td{spans}>{escape(cell.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="4" width="100%">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"


def _word_text(text: str) -> str:
    """Word splits a label where its runs change: the leading item number gets its own span."""
    if text[:1].isdigit() and "." in text[:3]:
        number, rest = text.split(".", 1)
        return f"<span lang=EN-US>{escape(number)}.</span>{WORD_SPAN}{escape(rest)}</span>"
    return f"{WORD_SPAN}{escape(text)}</span>"


def _word_table(table: Table) -> str:
    rows = []
    for r, row in enumerate(table):
        cells = []
        for cell in row:
            if not cell.text:
                inner = "<span lang=EN-US><o:p>&nbsp;</o:p></span>"
            elif cell.figure:
                inner = f"<span lang=EN-US style='font-size:10.5pt'>{escape(cell.text)}</span>"
            else:
                inner = _word_text(cell.text)
            cells.append(f"<td{_spans(cell)} valign=middle {WORD_TD}><p class=MsoNormal align=center "
                         f"style='text-align:center;line-height:12.0pt'>{inner}</p></td>")
        rows.append(f"<tr style='mso-yfti-irow:{r};height:20.0pt'>" + "".join(cells) + "</tr>")
    return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
            "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
            "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n" + "\n".join(rows) + "\n</table>")
