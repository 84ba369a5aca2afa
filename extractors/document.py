"""The one shape every reader produces: a document as a stream of rows.

Readers (text, HTML, PDF, DOCX, DOC) differ only in how they find rows; everything after
them (tables -> codebook keys, checks, metadata) works on this shape, so a new format or a
new flattening of the tables needs a reader and nothing else.

A *row* is a list of cells in reading order:
  * a paragraph or heading is a one-cell row ``["二、主动公开政府信息情况"]``;
  * a table row is one cell per grid column, merged cells expanded: a cell covered by a
    rowspan/colspan repeats a *label* (text) but not a *figure* -- a covered figure position
    is ``None``, exactly like a blank cell (pdfplumber's convention), so "one printed 0
    spanning a merged row" looks the same whatever the format;
  * a blank cell is ``None`` (never "0");
  * an empty list ``[]`` is a break (blank line in text, end of a table).
"""
from __future__ import annotations

from dataclasses import dataclass, field

Row = list  # list[str | None]


@dataclass
class Document:
    rows: list[Row]
    # The report's cleaned running text (no navigation, no site footer): metadata,
    # contacts and full-text search read this.
    text: str
    # "text" | "html" | "pdf" | "ofd" | "docx" | "doc" | "wps", or "zip/<kind>" for a report read from a ZIP
    kind: str
    # True when rows are real table rows (HTML/PDF/DOCX, tab- or pipe-separated text);
    # False for text that prints one cell per line or runs cells together, where rows
    # must be regrouped from the labels.
    cell_rows: bool = True
    # Title and publication date as the container states them (HTML <meta>, PDF info);
    # None when it states none. The text is searched too.
    title: str | None = None
    published: str | None = None
    # Images inside the report body: with no table found, a report whose tables are
    # pictures is flagged for review instead of being read as "no figures".
    images: int = 0
    notes: list[str] = field(default_factory=list)
    # whether the document's last cell is ended (a cell end after it, or a reader that
    # knows its cells whole); a text cut off mid-figure ("…| 1" then nothing) is not
    last_cell_ended: bool = True
    # text that prints one cell per line with the rendering's cell ends ("2 815 |"): a space
    # inside a line is inside a cell there, not between two
    line_cells: bool = False
