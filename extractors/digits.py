"""Split figures that a flattening ran together ("2000002" is seven cells).

When the digits are as many as the columns each digit is a cell. When there are more,
the split is chosen by the table's own arithmetic (a row's six applicant columns add up
to its total; each block of section 四 adds up to its 总计), then, for a row still
ambiguous, by the column checks of section 三 with the other rows known. A split that is
still not unique is not guessed: the cells stay None and a note says why.
"""
from __future__ import annotations

from itertools import combinations

MAX_PART = 7          # digits of one figure: no annual count reaches ten million
MAX_CANDIDATES = 64   # ambiguous splits kept for the column-check pass
MAX_STEPS = 300_000   # enumeration budget per run of digits


def satisfies(values, rule) -> bool:
    """Whether figures keep the row's arithmetic (None: no arithmetic to keep)."""
    if not rule:
        return True
    if any(v is None for v in values):
        return False
    if rule == "row_total":
        return sum(values[:-1]) == values[-1]
    if rule == "review_row":
        return sum(values[:4]) == values[4]
    if rule == "review":
        return all(sum(values[i:i + 4]) == values[i + 4] for i in range(0, len(values), 5))
    return True


def _splits(text: str, width: int):
    """Every way to cut `text` into `width` figures printed without leading zeros."""
    n = len(text)
    steps = 0
    for cuts in combinations(range(1, n), width - 1):
        steps += 1
        if steps > MAX_STEPS:
            return
        bounds = (0, *cuts, n)
        parts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
        if any(len(p) > MAX_PART or (len(p) > 1 and p[0] == "0") for p in parts):
            continue
        yield [int(p) for p in parts]


def candidates(text: str, width: int, rule) -> list[list[int]]:
    if len(text) < width:
        return []
    if len(text) == width:
        return [[int(ch) for ch in text]]
    found = []
    for values in _splits(text, width):
        if satisfies(values, rule):
            found.append(values)
            if len(found) > MAX_CANDIDATES:
                break
    return found


def split_run(text: str, width: int, rule) -> list[int] | None:
    """The one split of a digit run; None when there is none or more than one."""
    found = candidates(text, width, rule)
    return found[0] if len(found) == 1 else None


def remember_ambiguous(reading, keys, text, width, rule):
    found = candidates(text, width, rule)
    if 1 < len(found) <= MAX_CANDIDATES:
        reading.ambiguous.append((keys, found))


def resolve_ambiguous(reading):
    """Settle ambiguous rows of section 三 with the column checks, one row at a time, and
    again while a pass settles any: a row settled can be what the column check of another
    needed (总计 settled first lets 本年新收 be settled next)."""
    from extractors.checks import column_checks_hold

    pending = list(reading.ambiguous)
    while pending:
        left = []
        for keys, found in pending:
            fitting = []
            for values in found:
                trial = dict(reading.cells)
                trial.update(zip(keys, values))
                if column_checks_hold(trial, keys):
                    fitting.append(values)
            if len(fitting) != 1:
                left.append((keys, found))
                continue
            row = keys[0].rsplit(".", 1)[0]
            reading.cells.update(zip(keys, fitting[0]))
            reading.inferred.update(keys)
            # the row is read now: its "cannot be split" note is no longer true
            reading.notes[:] = [n for n in reading.notes if not (n.startswith(f"{row}: digits ") and "cannot be split" in n)]
            reading.notes.append(f"{row}: run-together digits split by the column checks")
        if len(left) == len(pending):
            break
        pending = left

