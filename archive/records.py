"""What counts as a change of a report, and what changed.

Two captures are the same report version when their records agree on the spec fields
(`SPEC_FIELDS`). The raw bytes are no guide: a new visitor counter or footer changes the
sha256 of the page but not the report. Transport and extraction noise (url, fetch time,
cleaned text, notes) is left out on purpose.
"""
from __future__ import annotations

import hashlib
import json

from extractors import codebook

SPEC_FIELDS = ("organ", "year", "title", "published", "template", "contacts", "cells", "failed_checks")
CONTACT_KINDS = ("phone", "email", "address", "postcode")


def normalized(record: dict) -> dict:
    """The spec fields of a record in a canonical form (sorted lists, no empty contact kinds)."""
    out = {field: record.get(field) for field in SPEC_FIELDS}
    contacts = record.get("contacts") or {}
    out["contacts"] = {k: sorted(v) for k, v in sorted(contacts.items()) if v}
    out["failed_checks"] = sorted(record.get("failed_checks") or [])
    out["cells"] = dict(sorted((record.get("cells") or {}).items()))
    return out


def record_hash(record: dict) -> str:
    """sha256 of the canonical spec fields: equal hashes, same report version."""
    canonical = json.dumps(normalized(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def diff(old: dict, new: dict) -> list[dict]:
    """Rows for the `changes` table: every spec field and every cell that differs.

    Cells come in the codebook's (the printed table's) order. A cell present in both with another value is `changed`; a cell the new record prints
    and the old one did not is `added` (and the reverse `removed`), which is different
    from a cell that became blank (`changed` to NULL).
    """
    a, b = normalized(old), normalized(new)
    rows = []
    for field in SPEC_FIELDS:
        if field == "cells" or a[field] == b[field]:
            continue
        rows.append({"key": field, "change": "changed", "old_value": _scalar(a[field]), "new_value": _scalar(b[field])})
    old_cells, new_cells = a["cells"], b["cells"]
    order = codebook.key_order()
    for key in sorted(set(old_cells) | set(new_cells), key=lambda k: (order.get(k, len(order)), k)):
        if key not in new_cells:
            rows.append({"key": key, "change": "removed", "old_value": old_cells[key], "new_value": None})
        elif key not in old_cells:
            rows.append({"key": key, "change": "added", "old_value": None, "new_value": new_cells[key]})
        elif old_cells[key] != new_cells[key] or type(old_cells[key]) is not type(new_cells[key]):
            rows.append({"key": key, "change": "changed", "old_value": old_cells[key], "new_value": new_cells[key]})
    return rows


def _scalar(value):
    """Lists and dicts go into a changes cell as JSON text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value
