"""Plain text reports: find the rows in whichever way the tables were flattened.

Copied-out reports flatten the statistical tables in a few ways (see ../shared/reports):
cells separated by tabs or by pipes, one cell per line (a tab-only line is a blank cell,
an empty line ends a row), or cells run together with no separator at all. Tab and pipe
text keeps real table rows; the other two leave row-building to the interpreter, which
regroups cells by their labels (`Document.cell_rows = False`). A row printed as one line
with spaces between its cells is a single cell here; the table reader splits it.
"""
from __future__ import annotations

import re

from extractors.document import Document

_PIPE_ROW = re.compile(r"\|")


def read(text: str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    style = flattening(lines)
    rows = [_row(line, style) for line in lines]
    return Document(rows=rows, text=text, kind="text", cell_rows=style in ("tab", "pipe"))


def flattening(lines: list[str]) -> str:
    """'tab', 'pipe' or 'lines': how this text separates the cells of a table row."""
    tabbed = sum(1 for ln in lines if "\t" in ln.strip("\t \u3000"))
    piped = sum(1 for ln in lines if len(_PIPE_ROW.findall(ln)) >= 1 and ln.count("|") >= 1 and len(ln.strip()) > 1)
    if tabbed >= 5 and tabbed >= piped:
        return "tab"
    if piped >= 5:
        return "pipe"
    return "lines"


def _cell(text: str) -> str | None:
    text = text.strip(" \t\u3000\u00a0")
    return text or None


def _row(line: str, style: str) -> list:
    if not line.strip(" \t\u3000\u00a0"):
        # one cell per line: a line holding only a tab is a blank cell, an empty line a break
        return [None] if style == "lines" and "\t" in line else []
    if style == "tab" and "\t" in line.strip(" \u3000\u00a0"):
        return [_cell(c) for c in line.split("\t")]  # leading tabs are blank cells here
    if "\t" in line.strip(" \t\u3000\u00a0"):
        return [_cell(c) for c in line.strip(" \t\u3000\u00a0").split("\t")]
    if style == "pipe" and "|" in line:
        return [_cell(c) for c in line.split("|")]
    return [_cell(line)]
