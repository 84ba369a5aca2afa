"""Records and changes back out of the archive (`nianbao export`, `nianbao changes`).

An exported record is the spec's report record, as stored, plus where it sits in the
archive: version, first_seen (of that version), last_seen and gone_since (of the report),
url and capture_sha256 (the raw bytes it was read from, in `blobs`).
"""
from __future__ import annotations

import csv
import json
from typing import IO, Iterator

from archive.records import SPEC_FIELDS
from archive.store import load_record
from extractors import codebook

ARCHIVE_FIELDS = ("version", "first_seen", "last_seen", "gone_since", "capture_sha256")
RECORD_FIELDS = ("url",) + SPEC_FIELDS

_RECORDS_SQL = """
SELECT v.id, v.record, CASE WHEN v.id = r.latest_version_id THEN coalesce(r.url, v.url) ELSE v.url END,
       v.version, v.first_seen, r.last_seen, r.gone_since, c.sha256
FROM report_versions v
JOIN reports r ON r.id = v.report_id
LEFT JOIN captures c ON c.id = v.capture_id
{where}
ORDER BY r.organ, r.year, v.version
"""


def report_records(db, all_versions: bool = False) -> Iterator[dict]:
    """Every report's latest record (or every version), in organ, year, version order."""
    where = "" if all_versions else "WHERE v.id = r.latest_version_id"
    for version_id, record, url, version, first_seen, last_seen, gone_since, sha256 in db.execute(
        _RECORDS_SQL.format(where=where)
    ).fetchall():
        stored = load_record(db, version_id, record)
        out = {"url": url}
        out.update({field: stored.get(field) for field in SPEC_FIELDS})
        out.update(version=version, first_seen=first_seen, last_seen=last_seen, gone_since=gone_since,
                   capture_sha256=sha256)
        # which figures were inferred (a merged cell spread, digits split, a row read by its
        # place) and which cells were left out as uncertain, so a researcher can drop them
        out["inferred"] = list(stored.get("inferred") or [])
        out["left_out"] = dict(stored.get("left_out") or {})
        yield out


def write_jsonl(rows, out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(rows, out: IO[str]) -> int:
    """One line per record: the record's fields, then one column per codebook key.

    contacts go in as JSON, failed_checks joined with ';', a blank cell is empty and so
    is a cell the report does not print (the JSONL export keeps that distinction);
    `inferred` and `left_out` name, ';'-joined, the cells read by inference and the cells
    left out as uncertain (the JSONL export gives each one's reason).
    """
    keys = codebook.all_keys()
    writer = csv.writer(out)
    writer.writerow(list(RECORD_FIELDS[:-2]) + ["failed_checks"] + list(ARCHIVE_FIELDS) + ["inferred", "left_out"] + keys)
    n = 0
    for row in rows:
        cells = row["cells"] or {}
        writer.writerow(
            [row["url"], row["organ"], row["year"], row["title"], row["published"], row["template"],
             json.dumps(row["contacts"] or {}, ensure_ascii=False), ";".join(row["failed_checks"] or [])]
            + [row[f] for f in ARCHIVE_FIELDS]
            + [";".join(row.get("inferred") or []), ";".join(row.get("left_out") or {})]
            + [cells.get(k) for k in keys]
        )
        n += 1
    return n


def changes(db, since: str | None = None) -> dict:
    """What the last crawl (or every crawl since a date, YYYY-MM-DD) found.

    {"crawls": [ids], "new": [...], "revised": [... with "changes": [cell/field diffs]],
     "gone": [...], "returned": [...], "moved": [... with "from": the URL it was at]};
    each entry has organ, year, version, url.
    """
    if since:
        crawl_ids = [r[0] for r in db.execute("SELECT id FROM crawls WHERE started_at >= ? ORDER BY id", [since])]
    else:
        last = db.execute("SELECT max(id) FROM crawls").fetchone()[0]
        crawl_ids = [last] if last is not None else []
    result = {"crawls": crawl_ids, "new": [], "revised": [], "gone": [], "returned": [], "moved": []}
    if not crawl_ids:
        return result
    marks = ",".join("?" * len(crawl_ids))
    events = db.execute(
        f"""SELECT e.id, e.kind, e.crawl_id, e.at, e.reason, e.version, r.organ, r.year, r.url, r.id
            FROM events e JOIN reports r ON r.id = e.report_id
            WHERE e.crawl_id IN ({marks}) ORDER BY e.id""",
        crawl_ids,
    ).fetchall()
    for event_id, kind, crawl_id, at, reason, version, organ, year, url, report_id in events:
        entry = {"organ": organ, "year": year, "version": version, "url": url, "crawl": crawl_id, "at": at}
        if kind == "gone":
            entry["reason"] = reason
        if kind == "moved":
            entry["from"] = reason
        if kind == "revised":
            entry["changes"] = [
                {"key": key, "change": change, "old": old, "new": new}
                for key, change, old, new in db.execute(
                    "SELECT key, change, old_value, new_value FROM changes WHERE event_id = ? ORDER BY id", [event_id]
                )
            ]
        result[kind].append(entry)
    return result


def format_changes(result: dict) -> str:
    """The changes as text for a person: one line per report, one indented line per diff."""
    lines = [f"crawls: {', '.join(map(str, result['crawls'])) or 'none'}"]
    for kind in ("new", "revised", "gone", "returned", "moved"):
        lines.append(f"{kind}: {len(result.get(kind, []))}")
        for e in result.get(kind, []):
            extra = f" ({e['reason']})" if kind == "gone" else f" (from {e['from']})" if kind == "moved" else ""
            lines.append(f"  {e['organ']} {e['year']} v{e['version']}{extra} {e['url'] or ''}".rstrip())
            for c in e.get("changes", []):
                lines.append(f"    {c['key']}: {c['old']} -> {c['new']}" + ("" if c["change"] == "changed" else f" ({c['change']})"))
    return "\n".join(lines)
