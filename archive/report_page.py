"""What the page of one report version shows: read from the archive, laid out as the official tables.

`load()` reads a version and what surrounds it (its report, its other versions, the diff
that made it, its capture, the organ's other years) from a sqlite3 connection; `tables()`
lays its cells out as the three statistical tables of the official format (国办公开办函
〔2021〕30号 / 〔2019〕60号), with the codebook's labels. Both are plain functions so the
page's content is tested without a server; the datasette route only renders them.

A cell the report printed blank is NULL and shows blank; a cell of a printed row that the
report does not have at all is marked absent, not shown as zero. Inferred cells (a merged
cell or digits run together, `cells.inferred`) and the cells a failed check reads are
marked, so a reader sees which figures to verify against the original.
"""
from __future__ import annotations

import json
import sqlite3

from extractors import codebook

# The official table's group headings in section 三, before the first row of each group.
REQUEST_HEADINGS = {
    "granted": "三、本年度办理结果",
    "denied.": "（三）不予公开",
    "unavailable.": "（四）无法提供",
    "not_processed.": "（五）不予处理",
    "other.": "（六）其他处理",
}
ORGANISATIONS = "法人或其他组织"
REVIEW_GROUPS = (("review", "行政复议"), ("suit_direct", "未经复议直接起诉"), ("suit_after_review", "复议后起诉"))


def load(conn: sqlite3.Connection, report_id: int, version: int | None = None) -> dict | None:
    """Everything the page of report_id's version (default: the latest) shows, or None if absent."""
    def query(sql, params):  # rows by name, leaving the caller's connection as it was
        cursor = conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params)

    report = query("SELECT * FROM reports WHERE id = ?", [report_id]).fetchone()
    if report is None:
        return None
    number = version if version is not None else report["latest_version"]
    row = query("SELECT id, version, title, published, template, url, capture_id, first_seen, crawl_id"
                       " FROM report_versions WHERE report_id = ? AND version = ?", [report_id, number]).fetchone()
    if row is None:
        return None
    version_id = row["id"]
    cells = {key: (value, bool(inferred)) for key, value, inferred in query(
        "SELECT k.key, c.value, c.inferred FROM cells c JOIN cell_keys k ON k.id = c.key_id"
        " WHERE c.version_id = ? ORDER BY k.id", [version_id])}
    failed = [r[0] for r in query('SELECT "check" FROM failed_checks WHERE version_id = ? ORDER BY 1',
                                         [version_id])]
    contacts: dict[str, list[str]] = {}
    for kind, value in query("SELECT kind, value FROM contacts WHERE version_id = ? ORDER BY rowid",
                                    [version_id]):
        contacts.setdefault(kind, []).append(value)
    changes = [dict(r) for r in query(
        "SELECT ch.key, k.label, ch.change, ch.old_value, ch.new_value, ch.from_version"
        " FROM changes ch LEFT JOIN cell_keys k ON k.key = ch.key"
        " WHERE ch.report_id = ? AND ch.to_version = ? ORDER BY ch.id", [report_id, number])]
    stored = query("SELECT record FROM report_versions WHERE id = ?", [version_id]).fetchone()
    record = json.loads(stored["record"]) if stored and stored["record"] else {}
    versions = [dict(r) for r in query(
        "SELECT v.version, v.first_seen, v.title, v.published, v.capture_id,"
        " (SELECT count(*) FROM failed_checks f WHERE f.version_id = v.id) AS failed_checks,"
        " (SELECT count(*) FROM changes ch WHERE ch.report_id = v.report_id AND ch.to_version = v.version) AS changes"
        " FROM report_versions v WHERE v.report_id = ? ORDER BY v.version", [report_id])]
    capture = query(
        "SELECT c.id, c.url, c.page_url, c.fetched_at, c.status, c.content_type, c.sha256, b.size"
        " FROM captures c LEFT JOIN blobs b ON b.sha256 = c.sha256 WHERE c.id = ?", [row["capture_id"]]).fetchone()
    other_years = [dict(r) for r in query(
        "SELECT id, year, latest_version, gone_since FROM reports"
        " WHERE (organ = ? OR (site_id IS NOT NULL AND site_id = ?)) AND id != ? ORDER BY year",
        [report["organ"], report["site_id"], report_id])]
    return {
        "report": dict(report),
        "version": dict(row),
        "is_latest": number == report["latest_version"],
        "cells": cells,
        "failed_checks": failed,
        "contacts": contacts,
        "changes": changes,
        "versions": versions,
        "capture": dict(capture) if capture else None,
        "other_years": other_years,
        # cells the extractor left out as uncertain (key -> why), and whether the report was
        # read from part of its article's pages only
        "left_out": dict(record.get("left_out") or {}),
        "partial": bool(record.get("partial")),
        "missing_parts": list(record.get("missing_parts") or []),
    }


def check_keys(check: str, cells: dict) -> list[str]:
    """The cell keys a failed check (extractors.checks' names) reads."""
    columns = codebook.REQUEST_COLUMNS
    if check.startswith("requests.row_total."):
        row = check[len("requests.row_total."):]
        return [f"requests.{row}.{c}" for c in columns]
    if check.startswith("requests.handled."):
        column = check[len("requests.handled."):]
        rows = ["total_handled"] + [r for r in codebook.request_rows()
                                    if r.split(".")[0] in ("granted", "partial", "denied", "unavailable",
                                                           "not_processed", "other")]
        return [k for k in (f"requests.{r}.{column}" for r in rows) if k in cells]
    if check.startswith("requests.balance."):
        column = check[len("requests.balance."):]
        return [f"requests.{r}.{column}" for r in ("new_requests", "carried_over", "total_handled", "carried_forward")]
    if check.startswith("review.total."):
        row = check[len("review.total."):]
        return [f"review.{row}.{c}" for c in codebook.REVIEW_COLUMNS]
    return []


def tables(cells: dict, template: str | None = None, failed_checks=(), changes=(), left_out=None) -> list[dict]:
    """The three official tables of a version: a header (rows of {text, colspan, rowspan})
    and body rows ({label, heading, cells}); None when the report prints nothing of it.

    cells maps key -> (value, inferred); changes are the diff rows that made this version.
    """
    failed_by_key: dict[str, list[str]] = {}
    for check in failed_checks:
        for key in check_keys(check, cells):
            failed_by_key.setdefault(key, []).append(check)
    old_by_key = {c["key"]: c for c in changes}

    def cell(key: str) -> dict:
        found = key in cells
        value, inferred = cells.get(key, (None, False))
        change = old_by_key.get(key)
        return {"key": key, "value": value, "absent": not found, "blank": found and value is None,
                "uncertain": (left_out or {}).get(key) if not found else None,
                "inferred": inferred, "failed": failed_by_key.get(key, []),
                "changed": change is not None, "old_value": change["old_value"] if change else None,
                "change": change["change"] if change else None}

    # a row whose cells were all left out as uncertain is still a printed row: shown, marked
    present = {**{k: (None, False) for k in (left_out or {})}, **cells}
    return [_active(present, template, cell), _requests(present, cell), _review(present, cell)]


def _section_label(section: str) -> str:
    return codebook.load()["sections"][section]["label"]


def _active_format(cells: dict, template: str | None) -> str:
    if template in codebook.ACTIVE_COLUMNS:
        return template
    found = {fmt: sum(f"active.{row}.{col}" in cells for row, cols in layout.items() for col in cols)
             for fmt, layout in codebook.ACTIVE_COLUMNS.items()}
    return max(found, key=found.get)


def _active(cells, template, cell):
    if not any(key.startswith("active.") for key in cells):
        return {"section": "active", "title": _section_label("active"), "printed": False}
    fmt = _active_format(cells, template)
    layout = codebook.ACTIVE_COLUMNS[fmt]
    rows, last_columns, width = [], None, max(len(cols) for cols in layout.values())
    for row, columns in layout.items():
        keys = [f"active.{row}.{col}" for col in columns]
        if not any(k in cells for k in keys) and not any(k.startswith(f"active.{row}.") for k in cells):
            continue
        if columns != last_columns:  # a group of rows with their own columns: their header row
            rows.append({"heading": True, "label": "信息内容",
                         "cells": [{"text": _active_column(k, fmt)} for k in keys],
                         "pad": width - len(keys)})
            last_columns = columns
        rows.append({"heading": False, "label": codebook.label_of(keys[0]).split(" / ", 1)[0],
                     "cells": [cell(k) for k in keys], "pad": width - len(keys)})
    return {"section": "active", "title": _section_label("active"), "printed": True, "header": [], "rows": rows}


def _active_column(key: str, fmt: str) -> str:
    """The column's label as the format prints it: the 2019 table says 处理决定数量 (codebook.yaml)."""
    if fmt == "2019" and key.endswith(".decisions"):
        return "处理决定数量"
    return codebook.label_of(key).split(" / ", 1)[1]


def _requests(cells, cell):
    section = codebook.load()["sections"]["requests"]
    printed = [row for row in codebook.request_rows()
               if any(f"requests.{row}.{col}" in cells for col in codebook.REQUEST_COLUMNS)]
    if not printed:
        return {"section": "requests", "title": section["label"], "printed": False}
    labels = {col: section["columns"][col]["label"] for col in codebook.REQUEST_COLUMNS}
    organisations = codebook.REQUEST_COLUMNS[1:-1]
    header = [
        [{"text": "申请人情况", "rowspan": 2},
         {"text": labels["natural"], "rowspan": 2}, {"text": ORGANISATIONS, "colspan": len(organisations)},
         {"text": labels["total"], "rowspan": 2}],
        [{"text": labels[col]} for col in organisations],
    ]
    rows, headed = [], set()
    for row in printed:
        for prefix, heading in REQUEST_HEADINGS.items():
            if row.startswith(prefix) and prefix not in headed and not (prefix == "other." and "other" in printed):
                rows.append({"heading": True, "label": heading, "cells": [], "pad": len(codebook.REQUEST_COLUMNS)})
                headed.add(prefix)
        rows.append({"heading": False, "label": section["rows"][row]["label"],
                     "cells": [cell(f"requests.{row}.{col}") for col in codebook.REQUEST_COLUMNS], "pad": 0})
    return {"section": "requests", "title": section["label"], "printed": True, "header": header, "rows": rows}


def _review(cells, cell):
    section = codebook.load()["sections"]["review"]
    if not any(key.startswith("review.") for key in cells):
        return {"section": "review", "title": section["label"], "printed": False}
    width = len(codebook.REVIEW_COLUMNS)
    labels = [section["columns"][col]["label"] for col in codebook.REVIEW_COLUMNS]
    header = [
        [{"text": REVIEW_GROUPS[0][1], "colspan": width}, {"text": "行政诉讼", "colspan": 2 * width}],
        [{"text": label, "rowspan": 2} for label in labels]
        + [{"text": name, "colspan": width} for _, name in REVIEW_GROUPS[1:]],
        [{"text": label} for label in labels] * 2,
    ]
    values = [cell(f"review.{row}.{col}") for row, _ in REVIEW_GROUPS for col in codebook.REVIEW_COLUMNS]
    return {"section": "review", "title": section["label"], "printed": True, "header": header,
            "rows": [{"heading": False, "label": None, "cells": values, "pad": 0}]}
