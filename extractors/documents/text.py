"""Plain text reports: find the rows in whichever way the tables were flattened.

Copied-out reports flatten the statistical tables in a few ways (see ../shared/reports):
cells separated by tabs or by pipes (bare, or a Markdown / ASCII-art table with a border
pipe at each end of a row and rule lines between rows; box-drawing characters │ ─ ┼ are
read as the | - + they draw), by commas (a table saved as CSV
and pasted in), one cell per line (a tab-only line is a blank cell, an empty line ends a
row), or cells run together with no separator at all. Tab, pipe and comma text keeps real
table rows; the other two leave row-building to the interpreter, which regroups cells by
their labels (`Document.cell_rows = False`). A row printed as one line with spaces between
its cells is a single cell here; the table reader splits it.
"""
from __future__ import annotations

import csv
import re

from extractors.document import Document
from extractors.documents import grid

_PIPE_ROW = re.compile(r"\|")
# a rule between table rows: |---|:--:|, +-----+-----+, ======
_RULE = re.compile(r"^[\s|+:=\-—–_]*[-=—–_]{3,}[\s|+:=\-—–_]*$")
_FIGURE_OR_BLANK = re.compile(r"^\s*(?:[+\-−－]?\d+(?:\.\d+)?)?\s*$")
_MAX_CELL = 80
_PIPES_ONLY = re.compile(r"^[\s|\u3000\u00a0]+$")


def read(text: str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").translate(grid.BOX_DRAWING).split("\n")
    style = flattening(lines)
    bordered = style == "pipe" and _bordered(lines)
    if style == "lines":
        lines = _structural_lines(lines)
    rows = [_row(line, style, bordered) for line in lines]
    return Document(rows=rows, text=text, kind="text", cell_rows=style in ("tab", "pipe", "comma"),
                    last_cell_ended=text.rstrip(" \t\u3000\u00a0\n").endswith(("|", "\t")),
                    line_cells=style == "lines" and sum(1 for ln in lines if ln.rstrip().endswith("|")) >= 5)


def flattening(lines: list[str]) -> str:
    """'tab', 'pipe', 'comma' or 'lines': how this text separates the cells of a table row.

    A text whose pipes end or stand between single cells ("规章 |" / "0 |", a lone "|"
    line between cells, "||||" filler where merged cells were) prints one cell per line:
    its pipes are the rendering's cell ends, not a row's separators, so it is 'lines'."""
    tabbed = sum(1 for ln in lines if "\t" in ln.strip("\t \u3000"))
    piped_lines = [ln for ln in lines if "|" in ln and len(ln.strip()) > 1]
    piped = len(piped_lines)
    if tabbed >= 5 and tabbed >= piped:
        return "tab"
    if piped >= 5:
        multi = sum(1 for ln in piped_lines if len([p for p in ln.split("|") if p.strip(" \t\u3000\u00a0")]) >= 2)
        return "pipe" if multi >= max(3, piped // 4) else "lines"
    if sum(1 for ln in lines if _comma_cells(ln, tell=True)) >= 5:
        return "comma"
    return "lines"


def _structural_lines(lines: list[str]) -> list[str]:
    """One-cell-per-line text without what carries no structure there: pipe-only lines
    (a lone "|" between cells or opening a row, "||||" filler for merged cells) and, where
    a blank line follows nearly every line (a page rendered with a blank line between its
    blocks), the blank lines. Rows are then regrouped by their labels alone; a blank line
    that stood between every cell would otherwise end each row after its first figure."""
    kept = [ln for ln in lines if not (ln.strip() and _PIPES_ONLY.match(ln))]
    filled = [i for i, ln in enumerate(kept) if ln.strip(" \t\u3000\u00a0")]
    if len(filled) >= 10:
        spaced = sum(1 for i in filled if i + 1 < len(kept) and not kept[i + 1].strip(" \t\u3000\u00a0"))
        if spaced >= 0.6 * len(filled):
            kept = [kept[i] for i in filled]
    return kept


def _bordered(lines: list[str]) -> bool:
    """True when the pipe rows have a border pipe at both ends (Markdown, ASCII art): the
    first and last pipes close the row rather than separate a blank cell. A table whose
    rows only sometimes start with a pipe (a blank first cell) is not bordered."""
    rows = [ln.strip(" \t\u3000") for ln in lines if ln.count("|") >= 2 and not _RULE.match(ln)]
    return len(rows) >= 5 and all(r.startswith("|") and r.endswith("|") for r in rows)


def _comma_cells(line: str, tell: bool = False) -> list[str] | None:
    """A line's cells if it is a table row written as comma-separated values, else None.

    A row is short fields, three or more ("申请人情况,自然人,法人或其他组织") or two with a
    bare figure or an empty one ("行政许可,33"). To tell that a text is CSV at all
    (`tell`), a row also needs three fields and a bare figure or empty field among them
    ("规章,0,0,0", "申请人情况,,,"). Prose with ASCII commas has long fields and no bare
    figures ("今年以来,共发布信息57条,其中…"), and a figure with a thousands comma is
    quoted by whatever wrote the CSV ("1,234")."""
    if "," not in line:
        return None
    try:
        cells = next(csv.reader([line.strip(" \t\u3000")]))
    except (csv.Error, StopIteration):
        return None
    if len(cells) < 2 or any(len(f) > _MAX_CELL for f in cells):
        return None
    figured = any(_FIGURE_OR_BLANK.match(f) for f in cells)
    if (tell and (len(cells) < 3 or not figured)) or (len(cells) == 2 and not figured):
        return None
    return cells


def _cell(text: str) -> str | None:
    text = text.strip(" \t\u3000\u00a0")
    return text or None


def _row(line: str, style: str, bordered: bool = False) -> list:
    if not line.strip(" \t\u3000\u00a0"):
        # one cell per line: a line holding only a tab is a blank cell, an empty line a break
        return [None] if style == "lines" and "\t" in line else []
    if style == "tab" and "\t" in line.strip(" \u3000\u00a0"):
        return [_cell(c) for c in line.split("\t")]  # leading tabs are blank cells here
    if "\t" in line.strip(" \t\u3000\u00a0"):
        return [_cell(c) for c in line.strip(" \t\u3000\u00a0").split("\t")]
    if style in ("pipe", "comma") and _RULE.match(line):
        return []  # the rule under a Markdown header row, or between ASCII-art rows
    if style == "pipe" and "|" in line:
        cells = line.strip(" \t\u3000").split("|")
        if bordered and len(cells) >= 3:
            cells = cells[1:-1]
        return [_cell(c) for c in cells]
    if style == "comma":
        fields = _comma_cells(line)
        if fields is not None:
            return [_cell(c) for c in fields]
    if style == "lines" and "|" in line:
        parts = [p for p in line.split("|") if p.strip(" \t\u3000\u00a0")]
        if len(parts) == 1:  # a cell and its rendering's end, or merged-cell filler after it
            return [_cell(parts[0])]
    return [_cell(line)]
