"""The archive's writer: one crawl at a time, one transaction per call.

Every public method is a single `BEGIN IMMEDIATE … COMMIT`, so a crawl killed between two
calls (or inside one) leaves the archive as it was after the last finished call. Versions
and diffs are computed here in Python, not with triggers (see the field notes: triggers and
INSERT OR REPLACE do not mix, and the logic is easier to read and test in one place).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import time
import zlib
from typing import Iterable

from archive import records, schema, search

logger = logging.getLogger(__name__)

OUTCOMES = ("new", "revised", "unchanged", "returned", "capture_only")

# A writer with items coming commits them in batches of at most this many, gathered for at
# most this long (the crawl's StorePipeline, `nianbao store --redis`). Past ~200 a bigger batch
# saves little (bench/archive.py), and a batch's items are held in memory until it commits.
BATCH_ITEMS = 200
BATCH_SECONDS = 2.0


def utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Archive:
    """A versioned archive of report captures in one SQLite file (see the package docstring)."""

    def __init__(self, path, *, clock=utcnow):
        self.path = path
        self.db = schema.connect(path)
        schema.upgrade(self.db)
        self._keys = schema.key_ids(self.db)
        self._clock = clock
        self._moves: dict[tuple, list] = {}  # (by, key_id, year or organ) -> [reports, total] to add

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------ crawls

    def begin_crawl(self, seeds: Iterable = (), started_at: str | None = None) -> int:
        """Open a crawl; add the seeds (dicts or objects with name, url[, region]) as sites."""
        started_at = started_at or self._clock()
        seeds = [_seed(s) for s in seeds]
        with schema.transaction(self.db, "begin_crawl"):
            crawl_id = self.db.execute(
                "INSERT INTO crawls (started_at, seeds) VALUES (?, ?)", [started_at, len(seeds)]
            ).lastrowid
            for seed in seeds:
                self._site_id(seed["url"], seed["name"], seed.get("region"), crawl_id)
        return crawl_id

    def end_crawl(self, crawl_id: int, site_stats: dict | None = None, ended_at: str | None = None) -> list[int]:
        """Close a crawl with per-site statistics; mark unseen reports of OK sites gone.

        site_stats maps a seed URL to {pages, reports, errors, reasons, status, failed}:
        status ok | partial | blocked | failed, failed {url: {reason, role}} (kept in crawl_errors).
        A report of a site crawled OK that this crawl did not see is gone since this crawl,
        unless its URL, or the page that linked it, failed tonight (a timeout says nothing
        about whether it is still there); the reports of a partial (a list page failed) or
        failed (blocked, down) site are not judged, nor those of a site walked quietly
        (walk "quiet": its columns and due reports only, crawler.revisit). Returns the ids
        of the reports marked gone.
        """
        ended_at = ended_at or self._clock()
        gone: list[int] = []
        with schema.transaction(self.db, "end_crawl"):
            started_at = self._crawl_started(crawl_id)
            for seed_url, stats in (site_stats or {}).items():
                site_id = self._site_id(seed_url, stats.get("name") or seed_url, None, crawl_id)
                status = stats.get("status", "ok")
                shapes = stats.get("browser_shapes")
                self.db.execute(
                    "INSERT OR IGNORE INTO crawl_sites"
                    " (crawl_id, site_id, status, pages, reports, errors, reasons, browser_shapes)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [crawl_id, site_id, status, stats.get("pages"), stats.get("reports"), stats.get("errors"),
                     json.dumps(stats.get("reasons") or {}, ensure_ascii=False),
                     json.dumps(shapes, ensure_ascii=False, sort_keys=True) if shapes else None],
                )
                failed = stats.get("failed") or {}
                self.db.conn.executemany(
                    "INSERT OR REPLACE INTO crawl_errors (crawl_id, site_id, url, role, reason) VALUES (?, ?, ?, ?, ?)",
                    [[crawl_id, site_id, url, (why or {}).get("role"), (why or {}).get("reason") or "?"]
                     for url, why in failed.items()],
                )
                if status != "ok":
                    continue
                self._remember_walk(crawl_id, site_id, stats)
                if stats.get("walk") == "quiet":
                    continue  # its unseen reports were not asked for tonight: nothing to judge (crawler.revisit)
                unseen = self.db.execute(
                    "SELECT r.id, r.latest_version, r.url, c.page_url FROM reports r"
                    " LEFT JOIN report_versions v ON v.id = r.latest_version_id"
                    " LEFT JOIN captures c ON c.id = v.capture_id"
                    " WHERE r.site_id = ? AND r.gone_since IS NULL AND (r.last_crawl IS NULL OR r.last_crawl != ?)",
                    [site_id, crawl_id],
                ).fetchall()
                for report_id, version, url, page_url in unseen:
                    why = failed.get(url) or failed.get(page_url)
                    reason = _GONE_ANSWERS.get((why or {}).get("reason")) if why else "not_seen"
                    if reason is None:
                        continue  # not seen because fetching it (or its article) failed: unknown, not gone
                    # (a 404 or 410 of the report or of its article is no failure: it is gone)
                    self._gone(crawl_id, report_id, version, started_at, reason)
                    gone.append(report_id)
            self.db.execute("UPDATE crawls SET ended_at = ? WHERE id = ?", [ended_at, crawl_id])
        return gone

    def mark_gone(self, crawl_id: int, url: str, reason: str) -> list[int]:
        """A report URL, or the article page a report was published on, now answers 404/410
        (reason e.g. "http_404"): its reports are gone."""
        with schema.transaction(self.db, "mark_gone"):
            started_at = self._crawl_started(crawl_id)
            # the report at that URL, or a report (a PDF) that was published on that page
            rows = self.db.execute(
                "SELECT r.id, r.latest_version FROM reports r"
                " LEFT JOIN report_versions v ON v.id = r.latest_version_id"
                " LEFT JOIN captures c ON c.id = v.capture_id"
                " WHERE (r.url = ? OR c.page_url = ?) AND r.gone_since IS NULL", [url, url]
            ).fetchall()
            for report_id, version in rows:
                self._gone(crawl_id, report_id, version, started_at, reason)
        return [r[0] for r in rows]

    def _remember_walk(self, crawl_id: int, site_id: int, stats: dict) -> None:
        """The revisit policy's state after a site's night went well: a whole walk's date and
        the columns it found (replacing those known), or a quiet walk's column validators."""
        walk, columns = stats.get("walk"), stats.get("report_columns") or {}
        if walk not in ("full", "quiet"):
            return
        rows = [[site_id, c["url"], c.get("etag"), c.get("last_modified"), crawl_id] for c in columns.values()]
        if walk == "full":
            self.db.execute(
                "INSERT INTO site_walks (site_id, full_walk_on, crawl_id) VALUES (?, ?, ?)"
                " ON CONFLICT (site_id) DO UPDATE SET full_walk_on = excluded.full_walk_on, crawl_id = excluded.crawl_id",
                [site_id, stats.get("walk_on"), crawl_id])
            self.db.execute("DELETE FROM report_columns WHERE site_id = ?", [site_id])
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO report_columns (site_id, url, etag, last_modified, crawl_id) VALUES (?, ?, ?, ?, ?)",
            rows)

    def site_walk(self, seed_url: str) -> dict | None:
        """{full_walk_on, columns: [{url, etag, last_modified}]} of a site, or None (never
        walked whole): what the revisit policy decides a night's walk from."""
        row = self.db.execute("SELECT w.site_id, w.full_walk_on FROM site_walks w JOIN sites s ON s.id = w.site_id"
                              " WHERE s.url = ?", [seed_url]).fetchone()
        if row is None:
            return None
        columns = [dict(zip(("url", "etag", "last_modified"), c)) for c in self.db.execute(
            "SELECT url, etag, last_modified FROM report_columns WHERE site_id = ? ORDER BY url", [row[0]])]
        return {"full_walk_on": row[1], "columns": columns}

    def unread_documents(self, seed_url: str) -> list[dict]:
        """Report articles and attachments the site's last crawl could not fetch for a reason
        that says nothing of them (a timeout, a reset; not a 404) and that the archive never
        captured: {url, role, reason}. A quiet night may ask for them again (crawler.revisit)."""
        rows = self.db.execute(
            "SELECT e.url, e.role, e.reason FROM crawl_errors e JOIN sites s ON s.id = e.site_id"
            " WHERE s.url = ? AND e.role IN ('article', 'attachment')"
            " AND e.crawl_id = (SELECT max(cs.crawl_id) FROM crawl_sites cs WHERE cs.site_id = s.id)"
            " AND NOT EXISTS (SELECT 1 FROM captures c WHERE c.url = e.url)", [seed_url]).fetchall()
        return [{"url": url, "role": role, "reason": reason} for url, role, reason in rows if reason not in _GONE_ANSWERS]

    def revisit_documents(self, seed_url: str) -> list[dict]:
        """Every document a site's current reports were read from, validators or not:
        {url, page_url, report_url, published}: the report's own URL and, for a report read
        from an attachment, the article page that linked it (page_url None), with the
        report's URL and first publication date, which the rotation goes by."""
        rows = self.db.execute(
            "SELECT r.url, c.page_url, r.first_published FROM reports r JOIN sites s ON s.id = r.site_id"
            " LEFT JOIN report_versions v ON v.id = r.latest_version_id LEFT JOIN captures c ON c.id = v.capture_id"
            " WHERE s.url = ? AND r.gone_since IS NULL AND r.url IS NOT NULL ORDER BY r.year DESC, r.id",
            [seed_url]).fetchall()
        held: dict[str, dict] = {}
        for url, page_url, published in rows:
            pairs = ((page_url, None), (url, page_url)) if page_url and page_url != url else ((url, None),)
            for document, linked_from in pairs:
                held.setdefault(document, {"url": document, "page_url": linked_from, "report_url": url,
                                           "published": published})
        return list(held.values())

    def browser_shapes(self) -> dict[str, dict[str, str]]:
        """Seed URL -> {URL shape: when its plain page was an empty shell}, from each site's
        last crawl that learned any (crawler.browser: such pages go to the browser at once)."""
        rows = self.db.execute(
            "SELECT s.url, cs.browser_shapes FROM crawl_sites cs JOIN sites s ON s.id = cs.site_id"
            " WHERE cs.browser_shapes IS NOT NULL ORDER BY cs.crawl_id"
        )
        return {url: json.loads(shapes) for url, shapes in rows}  # later crawls overwrite earlier ones

    def validators(self, url: str) -> dict | None:
        """ETag, Last-Modified, sha256 and time of the URL's last capture with a body, or None.

        For the crawler's re-crawl policy: If-None-Match / If-Modified-Since, "same bytes as
        last time", and how old the copy is. `gone` says a report last found at this URL is
        marked gone (its URL answered 404/410, or a crawl no longer found it): it must be
        fetched again, whatever the age of the copy.
        """
        row = self.db.execute(
            "SELECT etag, last_modified, sha256, fetched_at FROM captures"
            " WHERE url = ? AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1",
            [url],
        ).fetchone()
        if row is None:
            return None
        found = dict(zip(("etag", "last_modified", "sha256", "fetched_at"), row))
        found["gone"] = self.db.execute(
            "SELECT 1 FROM reports WHERE url = ? AND gone_since IS NOT NULL LIMIT 1", [url]).fetchone() is not None
        return found

    def last_body(self, url: str) -> tuple[bytes, str | None] | None:
        """The bytes and Content-Type of the URL's last capture with a body, or None.

        A page that answers 304 is the page we hold: its links (the attachments of a report
        article) are read from this copy instead of downloading it again.
        """
        row = self.db.execute(
            "SELECT b.content, b.compression, c.content_type FROM captures c JOIN blobs b ON b.sha256 = c.sha256"
            " WHERE c.url = ? ORDER BY c.id DESC LIMIT 1",
            [url],
        ).fetchone()
        if row is None:
            return None
        content, compression, content_type = row
        return (zlib.decompress(content) if compression == "zlib" else bytes(content)), content_type

    def held_documents(self, seed_url: str) -> list[dict]:
        """The documents a site's current reports were read from, newest report first:
        {url, page_url, etag, last_modified}, the report's own URL and, for a report read
        from an attachment, the article page that linked it. Only those the server gave
        validators for: a night asks each of them again with a conditional request
        (crawler.prefetch checks them while the site's server would otherwise wait)."""
        rows = self.db.execute(
            "SELECT r.url, c.page_url FROM reports r JOIN sites s ON s.id = r.site_id"
            " LEFT JOIN report_versions v ON v.id = r.latest_version_id LEFT JOIN captures c ON c.id = v.capture_id"
            " WHERE s.url = ? AND r.gone_since IS NULL AND r.url IS NOT NULL ORDER BY r.year DESC, r.id",
            [seed_url]).fetchall()
        held: dict[str, dict] = {}
        for url, page_url in rows:
            for document, linked_from in ((page_url, None), (url, page_url)) if page_url and page_url != url \
                    else ((url, None),):
                if document in held:
                    continue
                found = self.validators(document)
                if found and not found["gone"] and (found["etag"] or found["last_modified"]):
                    held[document] = {"url": document, "page_url": linked_from, "etag": found["etag"],
                                      "last_modified": found["last_modified"]}
        return list(held.values())

    def report_years_at(self, url: str) -> list[tuple[str, int]]:
        """(organ, year) of the reports whose latest version was found at this URL."""
        return [tuple(r) for r in self.db.execute("SELECT organ, year FROM reports WHERE url = ?", [url])]

    def all_validators(self):
        """(url, etag, last_modified, links_attachments) of every URL's last capture with a body
        and validators: `validators` for all URLs at once, for the workers of a distributed
        crawl (archive.redis_store). links_attachments: attachments found on this page were
        captured too (a worker that gets a 304 for it has no copy to find them in)."""
        return self.db.execute(
            "SELECT c.url, c.etag, c.last_modified,"
            " c.url IN (SELECT page_url FROM captures WHERE page_url IS NOT NULL AND page_url != url)"
            " FROM captures c"
            " JOIN (SELECT max(id) AS id FROM captures WHERE sha256 IS NOT NULL GROUP BY url) last ON last.id = c.id"
            " WHERE (c.etag IS NOT NULL OR c.last_modified IS NOT NULL)"
            " AND c.url NOT IN (SELECT url FROM reports WHERE gone_since IS NOT NULL)"
        )

    # ------------------------------------------------------------ items

    def store(self, crawl_id: int, item) -> str:
        """Keep one fetched report document; return what it meant for its report.

        "new": first version of an (organ, year); "revised": its record changed, version
        n+1 with a cell diff; "unchanged": same record (only last_seen moves, even if the
        raw bytes differ); "returned": a gone report is back, unchanged; "capture_only":
        the capture is kept but it is not an identifiable report (no year, is_report false).

        What the crawler did not read again (item["unchanged"], see crawler.items): a 304
        answer (no body), or the same bytes as the URL's last capture, is kept as a capture
        and moves last_seen of the reports found at that URL; a URL not fetched at all
        because its copy is recent ("revisit") adds no capture and only keeps its reports
        from being judged gone by this crawl (last_crawl moves, last_seen does not).
        """
        with self._writing("store"):
            return self._store(crawl_id, item)

    def store_many(self, crawl_id: int, items: Iterable) -> list[str]:
        """store() for many items in one transaction (replays, merging shards, the bench).

        Faster (one commit), but a kill loses the whole batch: the crawler stores item by item.
        """
        with self.batch():
            return [self._store(crawl_id, item) for item in items]

    def batch(self):
        """One transaction for several store() and mark_gone() calls: one commit for all.

        A commit costs more than a report's rows: each page the report touched goes to the
        WAL at every commit, and a report of 200 cells touches pages all over the file
        (indexes by key). So a writer with many items coming stores them in batches, and the
        sums of totals_by_year/totals_by_organ are moved once per batch, not once per report
        (the reports of a batch share years and organs). Whoever batches must be able to
        replay a batch a kill interrupted: the crawl's job directory (crawler.resume) and
        `nianbao store --redis` (archive.redis_store) both can.
        """
        return self._writing("batch")

    @contextlib.contextmanager
    def _writing(self, name: str):
        """A transaction (a savepoint inside a batch) whose moves of the totals are added up
        in memory and written just before the outermost one commits; the moves of a store
        that failed inside a batch are dropped with its savepoint."""
        outer, held = not self.db.conn.in_transaction, self._moves
        self._moves = {}
        try:
            with schema.transaction(self.db, name):
                yield
                if outer:
                    self._write_moves(self._moves)
        except BaseException:
            self._moves = held
            raise
        mine, self._moves = self._moves, held
        for key, (reports, total) in mine.items():
            into = held.get(key)
            if into is None:
                held[key] = [reports, total]
            else:
                into[0] += reports
                into[1] += total

    # ------------------------------------------------------------ internals

    def _store(self, crawl_id: int, item) -> str:
        item = dict(item)
        record = dict(item.get("record") or {})
        fetched_at = item.get("fetched_at") or self._clock()
        site_id = None
        if item.get("seed_url"):
            site_id = self._site_id(item["seed_url"], item.get("seed_name") or item["seed_url"], None, crawl_id)
        if item.get("unchanged") == "revisit":
            return self._still_listed(crawl_id, item["url"])
        capture_id, _ = self._capture(crawl_id, site_id, item, fetched_at)
        if (item.get("body") is None and item.get("status") == 304) or item.get("unchanged"):
            return self._not_modified(crawl_id, item["url"], fetched_at)
        organ = record.get("organ") or item.get("seed_name")
        year = record.get("year")
        if not organ or year is None or record.get("is_report") is False:
            return "capture_only"
        record["organ"] = organ  # the spec: a crawled report's organ is its seed's name
        for field in ("published", "contacts"):
            if record.get(field) is None and item.get(field) is not None:
                record[field] = item[field]
        text = record.pop("text", None) or item.get("text")
        return self._report(crawl_id, site_id, capture_id, item.get("url"), fetched_at, record, text)

    def _report(self, crawl_id, site_id, capture_id, url, fetched_at, record, text) -> str:
        digest = records.record_hash(record)
        row = self.db.execute(
            "SELECT id, latest_version, latest_version_id, gone_since, url FROM reports WHERE organ = ? AND year = ?",
            [record["organ"], int(record["year"])],
        ).fetchone()
        if row is None:
            report_id = self.db.execute(
                "INSERT INTO reports (organ, year, site_id, url, first_seen, last_seen, last_crawl, latest_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                [record["organ"], int(record["year"]), site_id, url, fetched_at, fetched_at, crawl_id],
            ).lastrowid
            version_id, cells = self._version(report_id, 1, crawl_id, capture_id, url, fetched_at, record, digest, text)
            self.db.execute(
                "UPDATE reports SET latest_version_id = ?, first_published = ? WHERE id = ?",
                [version_id, record.get("published") or fetched_at[:10], report_id],
            )
            self._move_totals(record["organ"], int(record["year"]), None, cells)
            self._event(crawl_id, report_id, "new", 1, fetched_at)
            return "new"
        report_id, version, old_version_id, gone_since, old_url = row
        old_hash = self.db.execute("SELECT record_hash FROM report_versions WHERE id = ?", [old_version_id]).fetchone()[0]
        seen = "UPDATE reports SET last_seen = ?, last_crawl = ?, url = ?, gone_since = NULL, gone_crawl = NULL, gone_reason = NULL"
        if url and old_url and url != old_url:
            # the same report at another address (a site rebuilt, a report moved to the
            # portal): where it is now is part of what researchers must be able to follow
            self._event(crawl_id, report_id, "moved", version, fetched_at, old_url)
        if gone_since is not None:
            self._event(crawl_id, report_id, "returned", version, fetched_at)
        if old_hash == digest or (record.get("partial") and not self._is_partial(old_version_id)):
            # (a report read from part of its pages says nothing against the whole one held:
            # its missing figures are unread, not removed)
            self.db.execute(seen + " WHERE id = ?", [fetched_at, crawl_id, url, report_id])
            return "returned" if gone_since is not None else "unchanged"
        version += 1
        version_id, cells = self._version(report_id, version, crawl_id, capture_id, url, fetched_at, record, digest,
                                          text)
        self.db.execute(
            seen + ", latest_version = ?, latest_version_id = ? WHERE id = ?",
            [fetched_at, crawl_id, url, version, version_id, report_id],
        )
        self._move_totals(record["organ"], int(record["year"]), old_version_id, cells)
        event_id = self._event(crawl_id, report_id, "revised", version, fetched_at)
        self.db.conn.executemany(
            "INSERT INTO changes (event_id, report_id, from_version, to_version, key, change, old_value, new_value)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [event_id, report_id, version - 1, version, d["key"], d["change"], d["old_value"], d["new_value"]]
                for d in records.diff(load_record(self.db, old_version_id), record)
            ],
        )
        return "revised"

    def _is_partial(self, version_id: int) -> bool:
        """Whether a version was read from part of its article's pages (crawler: missing_parts)."""
        held = self.db.execute("SELECT record FROM report_versions WHERE id = ?", [version_id]).fetchone()
        return bool(held and held[0] and json.loads(held[0]).get("partial"))

    def _version(self, report_id, version, crawl_id, capture_id, url, fetched_at, record, digest, text):
        """Insert one report version with its cells, contacts, failed checks and FTS row;
        return its id and its cells' rows."""
        version_id = self.db.execute(
            "INSERT INTO report_versions (report_id, version, organ, year, title, published, template, url,"
            " record, record_hash, text, capture_id, crawl_id, first_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [report_id, version, record["organ"], int(record["year"]), record.get("title"), record.get("published"),
             _str(record.get("template")), url, _record_json(record), digest, text,
             capture_id, crawl_id, fetched_at],
        ).lastrowid
        inferred = set(record.get("inferred") or [])
        cells = []
        for key, value in (record.get("cells") or {}).items():
            key_id = self._keys.get(key)
            if key_id is None:  # a key the codebook does not know: keep it, documented by its name
                key_id = self.db.execute(
                    "INSERT INTO cell_keys (key, label) VALUES (?, ?)", [key, None]
                ).lastrowid
                self._keys[key] = key_id
            cells.append([version_id, key_id, value, int(key in inferred)])
        self.db.conn.executemany("INSERT INTO cells (version_id, key_id, value, inferred) VALUES (?, ?, ?, ?)", cells)
        contacts = record.get("contacts") or {}
        self.db.conn.executemany(
            "INSERT INTO contacts (version_id, kind, value) VALUES (?, ?, ?)",
            [[version_id, kind, value] for kind in contacts for value in contacts[kind] or []],
        )
        self.db.conn.executemany(
            'INSERT OR IGNORE INTO failed_checks (version_id, "check") VALUES (?, ?)',
            [[version_id, check] for check in record.get("failed_checks") or []],
        )
        self.db.execute(  # same transaction as the version (no triggers): archive.search
            "INSERT INTO report_search (rowid, title, text) VALUES (?, ?, ?)",
            [version_id, search.index_text(record.get("title")), search.index_text(text)],
        )
        return version_id, cells

    def _move_totals(self, organ: str, year: int, old_version_id: int | None, cells: list) -> None:
        """The report's latest version is now the one of these cells rows: take the old
        one's figures out of totals_by_year/totals_by_organ and put the new one's in (added
        up in memory, written before the transaction commits: _write_moves)."""
        moves = self._moves
        added = [(1, row[1], row[2]) for row in cells if _is_number(row[2])]
        taken = [] if old_version_id is None else [(-1, key_id, value) for key_id, value in self.db.execute(
            "SELECT key_id, -value FROM cells WHERE version_id = ? AND typeof(value) IN ('integer', 'real')",
            [old_version_id])]
        for count, key_id, value in taken + added:
            for key in (("year", key_id, year), ("organ", key_id, organ)):
                into = moves.get(key)
                if into is None:
                    moves[key] = [count, value]
                else:
                    into[0] += count
                    into[1] += value

    def _write_moves(self, moves: dict) -> None:
        """Add the moves of a transaction to the totals tables, in key order (neighbouring rows)."""
        for by in ("year", "organ"):
            rows = sorted((key_id, value, reports, round(total, 6) if isinstance(total, float) else total)
                          for (kind, key_id, value), (reports, total) in moves.items()
                          if kind == by and (reports or total))
            self.db.conn.executemany(
                f"INSERT INTO totals_by_{by} (key_id, {by}, reports, total) VALUES (?, ?, ?, ?)"
                f" ON CONFLICT (key_id, {by}) DO UPDATE SET reports = reports + excluded.reports,"
                f" total = {schema.ROUNDED.format('total + excluded.total')}",
                rows,
            )
        moves.clear()

    def _capture(self, crawl_id, site_id, item, fetched_at) -> tuple[int, str | None]:
        """Keep the capture; its bytes once per sha256, zlib-compressed."""
        body = item.get("body")
        sha256 = None
        if body is not None:
            body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
            sha256 = hashlib.sha256(body).hexdigest()
            self.db.execute(
                "INSERT OR IGNORE INTO blobs (sha256, size, compression, content) VALUES (?, ?, 'zlib', ?)",
                [sha256, len(body), zlib.compress(body, 6)],
            )
        headers = item.get("headers")
        capture_id = self.db.execute(
            "INSERT INTO captures (crawl_id, site_id, url, page_url, fetched_at, status, content_type, headers,"
            " etag, last_modified, sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [crawl_id, site_id, item.get("url"), item.get("page_url"), fetched_at, item.get("status"),
             item.get("content_type"), json.dumps(headers, ensure_ascii=False) if headers else None,
             item.get("etag"), item.get("last_modified"), sha256],
        ).lastrowid
        return capture_id, sha256

    def _not_modified(self, crawl_id, url, fetched_at) -> str:
        """The report at this URL is as last captured (a 304, or the same bytes). One marked
        gone is back: listed again and still the same (a blind test of nights: a report the
        column linked again answered 304, and stayed gone while its last_seen moved on)."""
        rows = self.db.execute("SELECT id, gone_since, latest_version FROM reports WHERE url = ?", [url]).fetchall()
        outcome = "unchanged" if rows else "capture_only"
        for report_id, gone_since, version in rows:
            self.db.execute(
                "UPDATE reports SET last_seen = ?, last_crawl = ?, gone_since = NULL, gone_crawl = NULL, gone_reason = NULL"
                " WHERE id = ?", [fetched_at, crawl_id, report_id]
            )
            if gone_since is not None:
                self._event(crawl_id, report_id, "returned", version, fetched_at)
                outcome = "returned"
        return outcome

    def _still_listed(self, crawl_id, url) -> str:
        rows = self.db.execute("SELECT id FROM reports WHERE url = ? AND gone_since IS NULL", [url]).fetchall()
        for (report_id,) in rows:
            self.db.execute("UPDATE reports SET last_crawl = ? WHERE id = ?", [crawl_id, report_id])
        return "unchanged" if rows else "capture_only"

    def _gone(self, crawl_id, report_id, version, at, reason) -> None:
        self.db.execute(
            "UPDATE reports SET gone_since = ?, gone_crawl = ?, gone_reason = ? WHERE id = ?",
            [at, crawl_id, reason, report_id],
        )
        self._event(crawl_id, report_id, "gone", version, at, reason)

    def _event(self, crawl_id, report_id, kind, version, at, reason=None) -> int:
        return self.db.execute(
            "INSERT INTO events (crawl_id, report_id, kind, version, at, reason) VALUES (?, ?, ?, ?, ?, ?)",
            [crawl_id, report_id, kind, version, at, reason],
        ).lastrowid

    def _site_id(self, url, name, region, crawl_id) -> int:
        row = self.db.execute("SELECT id FROM sites WHERE url = ?", [url]).fetchone()
        if row:
            return row[0]
        return self.db.execute(
            "INSERT INTO sites (url, name, region, first_crawl) VALUES (?, ?, ?, ?)", [url, name, region, crawl_id]
        ).lastrowid

    def _crawl_started(self, crawl_id) -> str:
        row = self.db.execute("SELECT started_at FROM crawls WHERE id = ?", [crawl_id]).fetchone()
        if row is None:
            raise KeyError(f"no crawl {crawl_id} in {self.path}: call begin_crawl() first")
        return row[0]


class OpenBatch:
    """An `Archive.batch()` held open between calls, committed at `items` stores or when
    it has been open `seconds`: for a writer whose items come one at a time (the crawl's
    StorePipeline), which cannot say when the next one comes.

    A kill loses the stores of the open batch, never a committed one. That is no loss only
    because the writer's source replays them: a crawl with a job directory starts again
    from its seeds with every page it fetched served from the job's cache (crawler.resume),
    and stores what the killed run had not committed. `commit_if_due()` is for a timer, so
    that the last stores of a quiet stretch do not wait for the next item.
    """

    def __init__(self, archive: Archive, items: int = BATCH_ITEMS, seconds: float = BATCH_SECONDS,
                 clock=time.monotonic):
        self.archive = archive
        self.items = max(1, items)
        self.seconds = seconds
        self._clock = clock
        self._open = None       # the batch's context manager while one is open
        self._opened_at = 0.0
        self.stored = 0         # stores in the open batch

    def store(self, crawl_id: int, item) -> str:
        self._begin()
        outcome = self.archive.store(crawl_id, item)
        self.stored += 1
        if self.stored >= self.items:
            self.commit()
        return outcome

    def mark_gone(self, crawl_id: int, url: str, reason: str) -> list[int]:
        self._begin()
        return self.archive.mark_gone(crawl_id, url, reason)

    def commit_if_due(self) -> None:
        if self._open is not None and self._clock() - self._opened_at >= self.seconds:
            self.commit()

    def commit(self) -> None:
        """Commit the open batch (nothing to do when none is open)."""
        if self._open is None:
            return
        opened, self._open = self._open, None
        logger.info("archive: committing a batch of %d documents", self.stored)
        self.stored = 0
        opened.__exit__(None, None, None)

    def _begin(self) -> None:
        if self._open is None:
            self._open = self.archive.batch()
            self._open.__enter__()
            self._opened_at = self._clock()


# the answers that say a report (or the page it was published on) is no longer there
_GONE_ANSWERS = {"http 404": "http_404", "http 410": "http_410"}


def _record_json(record: dict) -> str:
    """The record as JSON without its cells: `cells` holds the one copy of every figure."""
    return json.dumps({k: v for k, v in record.items() if k != "cells"}, ensure_ascii=False)


def load_record(db, version_id: int, record_json: str | None = None) -> dict:
    """A stored version's record, whole again: its JSON plus its cells in codebook order."""
    if record_json is None:
        record_json = db.execute("SELECT record FROM report_versions WHERE id = ?", [version_id]).fetchone()[0]
    record = json.loads(record_json)
    record["cells"] = dict(db.execute(
        "SELECT k.key, c.value FROM cells c JOIN cell_keys k ON k.id = c.key_id WHERE c.version_id = ? ORDER BY k.id",
        [version_id],
    ).fetchall())
    return record


def _seed(seed) -> dict:
    if isinstance(seed, dict):
        return seed
    return {"name": getattr(seed, "name"), "url": getattr(seed, "url"), "region": getattr(seed, "region", None)}


def _is_number(value) -> bool:
    """What SQLite's typeof() calls integer or real (the figures the totals add up)."""
    return isinstance(value, (int, float))


def _str(value):
    return None if value is None else str(value)
