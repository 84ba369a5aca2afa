"""Table cells with spans -> the rows of a `Document` (see extractors/document.py).

HTML tables, div grids and DOCX tables all describe a table the same way: rows of cells,
each cell with a text and a row/column span. This module lays them out on one grid, so
the merged-cell convention (a covered *label* position repeats the label, a covered
*figure* position is None) is decided in one place for every reader.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import Row

# A hostile or broken table can claim colspan=100000; no report table is wider than ~20
# columns or longer than a few hundred rows.
MAX_COLUMNS = 64
MAX_ROWSPAN = 500

_SPACE = re.compile(r"\s+")
CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line break inside Chinese text is where the cell or page was too narrow, not a space.
_NEWLINE_INCJK = re.compile(rf"(?<=[{CJK}])[ \t\r]*\n\s*(?=[{CJK}])")
# Text that carries words: a label. Anything else (digits, signs, dashes, "/", "——")
# is a figure or a placeholder, which a merged cell prints once and never repeats.
_WORDLIKE = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class Cell:
    text: str | None
    rowspan: int = 1
    colspan: int = 1


def clean_cell(text: str | None) -> str | None:
    """Collapse whitespace (incl. &nbsp;, full-width spaces, breaks inside CJK text); blank -> None.

    A run with two or more non-breaking or full-width spaces, or a tab, was typed to
    push text apart (a row laid out as a paragraph: "行政许可&nbsp;&nbsp;&nbsp;12") and
    stays a two-space gap, which the table reader takes as a cell boundary; any other
    run is one space.
    """
    if text is None:
        return None
    text = _SPACE.sub(_space, _NEWLINE_INCJK.sub("", text)).strip()
    return text or None


def _space(run: re.Match) -> str:
    typed = run.group().count("\u00a0") + run.group().count("\u3000")
    return "  " if typed >= 2 or "\t" in run.group() else " "


def is_label(text: str | None) -> bool:
    return bool(text) and bool(_WORDLIKE.search(text))


def span(value, limit: int) -> int:
    """A rowspan/colspan attribute as a sane int: junk, 0 or negative -> 1, capped."""
    try:
        n = int(str(value).strip().split(".")[0])
    except (TypeError, ValueError):
        return 1
    return max(1, min(n, limit))


def layout(table: list[list[Cell]]) -> list[Row]:
    """Place the cells on a grid (HTML table model) and return one Row per table row.

    Each cell takes the first column its row has free (rowspans from above occupy
    positions), as browsers do for <table> and python-docx's XML does not need to.
    """
    placed: list[Placed] = []
    occupied: set[tuple[int, int]] = set()
    for r, cells in enumerate(table):
        c = 0
        for cell in cells:
            while (r, c) in occupied:
                c += 1
            if c >= MAX_COLUMNS:
                break
            rowspan = max(1, min(cell.rowspan, MAX_ROWSPAN, len(table) - r))
            colspan = min(cell.colspan, MAX_COLUMNS - c)
            placed.append(Placed(cell.text, r, c, rowspan, colspan))
            occupied.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            c += colspan
    return rows_of(placed, len(table))


@dataclass
class Placed:
    """A cell at a known grid position (PDF cells come with coordinates, not an order)."""
    text: str | None
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def rows_of(cells: list[Placed], n_rows: int) -> list[Row]:
    """Rows of positioned cells: covered label positions repeat it, covered figures are None.

    Rows made only of blank cells (Word's spacer rows, empty separators) are dropped;
    every kept row is padded to the table's width so columns line up, and a figure merged
    over the last columns keeps its None positions (["行政许可", "0", None, None]).
    """
    values: dict[tuple[int, int], str | None] = {}
    extent = [0] * n_rows  # per row: one past its rightmost covered column
    for cell in cells:
        text = clean_cell(cell.text)
        repeat = text if is_label(text) else None
        for r in range(cell.row, min(cell.row + cell.rowspan, n_rows)):
            for c in range(cell.col, cell.col + cell.colspan):
                values[(r, c)] = text if (r, c) == (cell.row, cell.col) else repeat
            extent[r] = max(extent[r], cell.col + cell.colspan)
    kept = [r for r in range(n_rows) if any(values.get((r, c)) is not None for c in range(extent[r]))]
    # the width of the rows kept: a dropped spacer row's extra width-setting cells do not count
    width = max((extent[r] for r in kept), default=0)
    return [[values.get((r, c)) for c in range(width)] for r in kept]


def rows_text(rows: list[Row]) -> str:
    """Rows as plain text: a line per row, cells tab-separated (the text of a PDF or DOCX,
    whose wrapped lines the readers have already joined, so a phone number reads whole)."""
    return "\n".join("\t".join(cell for cell in row if cell) for row in rows if row).strip()


# Box-drawing characters (│ ─ ┼ ├ ┌ ═ ║ …, U+2500–U+257F) as the ASCII a text table is
# drawn with (| - +): a table typed with them reads as the ASCII-art one it is.
BOX_DRAWING = {c: ("|" if c in (0x2502, 0x2503, 0x2506, 0x2507, 0x250A, 0x250B, 0x2551, 0x254E, 0x254F)
                   else "-" if c in (0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x2550, 0x254C, 0x254D)
                   else "+") for c in range(0x2500, 0x2580)}
