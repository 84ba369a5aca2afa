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
# Text that carries words: a label. Anything else (digits, signs, dashes, "/", "——")
# is a figure or a placeholder, which a merged cell prints once and never repeats.
_WORDLIKE = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class Cell:
    text: str | None
    rowspan: int = 1
    colspan: int = 1


def clean_cell(text: str | None) -> str | None:
    """Collapse whitespace (incl. &nbsp; and full-width spaces); blank -> None."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


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

    Rows made only of blank cells (Word's spacer rows, empty separators) are dropped;
    every kept row is padded to the table's width so columns line up, and a figure merged
    over the last columns keeps its None positions (["行政许可", "0", None, None]).
    """
    placed: dict[tuple[int, int], str | None] = {}
    occupied: set[tuple[int, int]] = set()
    extent = [0] * len(table)  # per row: one past its rightmost covered column
    for r, cells in enumerate(table):
        c = 0
        for cell in cells:
            while (r, c) in occupied:
                c += 1
            if c >= MAX_COLUMNS:
                break
            text = clean_cell(cell.text)
            repeat = text if is_label(text) else None
            colspan = min(cell.colspan, MAX_COLUMNS - c)
            for dr in range(min(cell.rowspan, MAX_ROWSPAN)):
                if dr and r + dr >= len(table):
                    break  # a rowspan past the last row covers nothing
                for dc in range(colspan):
                    pos = (r + dr, c + dc)
                    occupied.add(pos)
                    placed[pos] = text if (dr, dc) == (0, 0) else repeat
                    extent[r + dr] = max(extent[r + dr], c + dc + 1)
            c += colspan
    kept = [r for r in range(len(table)) if any(placed.get((r, c)) is not None for c in range(extent[r]))]
    # the width of the rows kept: a dropped spacer row's extra width-setting cells do not count
    width = max((extent[r] for r in kept), default=0)
    return [[placed.get((r, c)) for c in range(width)] for r in kept]
