"""The codebook's arithmetic checks, evaluated on a generated report's cells.

The gold records must say which checks a report breaks so that the extractor can be
held to it. This is deliberately a second, independent reading of the codebook's check
definitions (not a call into ``extractors``): gold computed by the code under test would
prove nothing.

Names follow the spec: ``<check>.<row or column>``; a check with a blank (None) term, or
with a term the report does not print, is not evaluated.
"""
from __future__ import annotations

from extractors.codebook import REQUEST_COLUMNS, REVIEW_COLUMNS, REVIEW_ROWS

APPLICANT_COLUMNS = REQUEST_COLUMNS[:-1]  # every column but "total"
OUTCOME_GROUPS = ("denied.", "unavailable.", "not_processed.")


def failed_checks(cells: dict) -> list[str]:
    """Sorted names of the checks the figures break."""
    failed = []
    failed += _row_totals(cells)
    failed += _handled(cells)
    failed += _balance(cells)
    failed += _review_totals(cells)
    return sorted(failed)


def _request_rows(cells: dict) -> list[str]:
    rows = []
    for key in cells:
        if key.startswith("requests."):
            row = key[len("requests."):].rsplit(".", 1)[0]
            if row not in rows:
                rows.append(row)
    return rows


def _sum_or_none(cells: dict, keys: list[str]):
    """Sum of the terms, or None when one is blank or missing (check not evaluated)."""
    values = [cells.get(k) for k in keys]
    if not keys or any(v is None for v in values):
        return None
    return sum(values)


def _row_totals(cells: dict) -> list[str]:
    failed = []
    for row in _request_rows(cells):
        parts = _sum_or_none(cells, [f"requests.{row}.{c}" for c in APPLICANT_COLUMNS])
        total = cells.get(f"requests.{row}.total")
        if parts is not None and total is not None and parts != total:
            failed.append(f"requests.row_total.{row}")
    return failed


def _outcome_rows(cells: dict) -> list[str]:
    rows = _request_rows(cells)
    outcomes = [r for r in rows if r in ("granted", "partial") or r.startswith(OUTCOME_GROUPS)]
    other_parts = [r for r in rows if r.startswith("other.")]
    outcomes += other_parts if other_parts else [r for r in rows if r == "other"]
    return outcomes


def _handled(cells: dict) -> list[str]:
    failed = []
    outcomes = _outcome_rows(cells)
    for col in REQUEST_COLUMNS:
        parts = _sum_or_none(cells, [f"requests.{r}.{col}" for r in outcomes])
        total = cells.get(f"requests.total_handled.{col}")
        if parts is not None and total is not None and parts != total:
            failed.append(f"requests.handled.{col}")
    return failed


def _balance(cells: dict) -> list[str]:
    failed = []
    for col in REQUEST_COLUMNS:
        incoming = _sum_or_none(cells, [f"requests.new_requests.{col}", f"requests.carried_over.{col}"])
        outgoing = _sum_or_none(cells, [f"requests.total_handled.{col}", f"requests.carried_forward.{col}"])
        if incoming is not None and outgoing is not None and incoming != outgoing:
            failed.append(f"requests.balance.{col}")
    return failed


def _review_totals(cells: dict) -> list[str]:
    failed = []
    for row in REVIEW_ROWS:
        parts = _sum_or_none(cells, [f"review.{row}.{c}" for c in REVIEW_COLUMNS[:-1]])
        total = cells.get(f"review.{row}.total")
        if parts is not None and total is not None and parts != total:
            failed.append(f"review.total.{row}")
    return failed
