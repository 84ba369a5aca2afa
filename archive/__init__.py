"""The versioned archive: every capture and every revision of every report, in one SQLite file.

The crawler's pipeline drives it::

    from archive import Archive

    with Archive("nianbao.db") as archive:
        crawl_id = archive.begin_crawl(seeds)              # seeds: dicts/objects with name, url[, region]
        archive.validators(url)                            # -> {etag, last_modified, sha256, fetched_at} | None
        outcome = archive.store(crawl_id, item)            # -> "new" | "revised" | "unchanged"
                                                           #    | "returned" | "capture_only"
        archive.store_many(crawl_id, items)                # -> [outcome, ...] in one transaction (replays)
        archive.mark_gone(crawl_id, url, "http_404")       # a report URL now answers 404/410
        archive.end_crawl(crawl_id, {seed_url: {"pages": 12, "reports": 3, "errors": 0,
                                                "reasons": {}, "status": "ok"}})

`item` is a `crawler.items.ReportItem` or the same fields as a plain dict (seed_name,
seed_url, url, page_url, fetched_at, status, content_type, headers, etag, last_modified,
body, sha256, record, text, published, contacts). A report's identity is (organ, year):
the record's organ, or the seed's name when the record has none.

A version's record is kept as JSON without its cells, which live once in `cells`
(`archive.store.load_record()` puts them back together; `nianbao export` uses it).

Rules (the archive is evidence, so it never rewrites the past):
- every call is one transaction (BEGIN IMMEDIATE … COMMIT) in WAL mode with a busy
  timeout: a crawl killed at any moment leaves the archive as of its last finished call,
  and `nianbao serve` can read while a crawl writes;
- identical record again: only `reports.last_seen` moves; a record that differs on the
  spec fields (organ, year, title, published, template, contacts, cells, failed_checks)
  makes version n+1 and one `changes` row per differing field or cell; a new page footer
  or counter (other sha256, same record) makes no version;
- a report not seen by a crawl that finished its site OK, or whose URL answers 404/410,
  stays, with `gone_since` set and a `gone` event; a failed site's reports are not judged,
  nor are those whose URL (or article page) failed in that crawl (`crawl_errors`);
- schema version in `PRAGMA user_version`; opening an older archive upgrades it in place
  (`archive.schema.MIGRATIONS`).

Raw bytes: one zlib-compressed row per sha256 in `blobs`, not WARC files. A WARC file
beside the database would be a second store that a killed crawl can leave out of step
with the database (an append is not part of the SQLite transaction), would need its own
de-duplication (revisit records) and could not be browsed in datasette. Keeping the bytes
in the same file, same transaction, keeps the archive one consistent artefact; the
captures table has every field a WARC response record needs (URL, date, status, headers,
payload digest) should an export to WARC be wanted for a web archive.

Modules: `schema` (tables, views, migrations), `records` (what counts as a change),
`store` (the writer), `export` (records and changes back out), `commands` (CLI),
`serve` + `metadata.yml` (datasette).
"""
from archive.store import Archive

__all__ = ["Archive"]
