"""The codebook's arithmetic checks (勾稽关系) over a record's cells.

A failed check is reported, never repaired: researchers want to know whose figures do
not add up. A check is evaluated only when every one of its terms is printed and not
blank; a check with a blank or missing term says nothing either way.

Names: ``<check>.<row or column>``, e.g. ``requests.row_total.granted``,
``requests.handled.natural``, ``requests.balance.total``, ``review.total.suit_direct``.
"""
from __future__ import annotations

from extractors import codebook

def _handled_terms(cells: dict, column: str) -> list[str]:
    """Rows that add up to (七)总计: the 2019 format's one (六) row or the 2021 sub-rows."""
    rows = [r for r in codebook.request_rows()
            if r.split(".")[0] in ("granted", "partial", "denied", "unavailable", "not_processed")]
    if f"requests.other.{column}" in cells:
        rows.append("other")
    else:
        rows += [r for r in codebook.request_rows() if r.startswith("other.")]
    return [f"requests.{r}.{column}" for r in rows]


def _values(cells: dict, keys: list[str]):
    values = [cells.get(k) for k in keys]
    return None if any(v is None for v in values) else values


def _row_total(cells):
    for row in codebook.request_rows():
        values = _values(cells, [f"requests.{row}.{c}" for c in codebook.REQUEST_COLUMNS])
        if values is not None and sum(values[:-1]) != values[-1]:
            yield f"requests.row_total.{row}"


def _handled(cells, column):
    total = cells.get(f"requests.total_handled.{column}")
    terms = _values(cells, _handled_terms(cells, column))
    return None if total is None or terms is None else sum(terms) == total


def _balance(cells, column):
    values = _values(cells, [f"requests.{r}.{column}" for r in ("new_requests", "carried_over", "total_handled", "carried_forward")])
    return None if values is None else values[0] + values[1] == values[2] + values[3]


def _review_total(cells):
    for row in codebook.REVIEW_ROWS:
        values = _values(cells, [f"review.{row}.{c}" for c in codebook.REVIEW_COLUMNS])
        if values is not None and sum(values[:-1]) != values[-1]:
            yield f"review.total.{row}"


def failed_checks(cells: dict) -> list[str]:
    failed = list(_row_total(cells))
    for column in codebook.REQUEST_COLUMNS:
        if _handled(cells, column) is False:
            failed.append(f"requests.handled.{column}")
    for column in codebook.REQUEST_COLUMNS:
        if _balance(cells, column) is False:
            failed.append(f"requests.balance.{column}")
    failed += list(_review_total(cells))
    return sorted(failed)


def column_checks_hold(cells: dict, keys: list[str]) -> bool:
    """No evaluable column check of section 三 fails for the columns of `keys`."""
    columns = {k.rsplit(".", 1)[1] for k in keys}
    return all(_handled(cells, c) is not False and _balance(cells, c) is not False for c in columns)

