"""The archive's tables, views and migrations.

Tables hold history and are only ever appended to (the item table `reports` and the
`crawls`/`sites` rows are the exceptions: they carry the *current* state of an item, as
git-history's item table does, while every past state stays in `report_versions`,
`events` and `changes`). Views are derived, so they are dropped and rebuilt on every open:
a codebook with new keys gets new columns in `latest_figures` without a migration.

The schema version is `PRAGMA user_version`. `MIGRATIONS[n]` takes a version-n database
to version n+1; `upgrade()` applies the missing steps in order, each in its own
transaction, so an archive written by an older nianbao opens and is upgraded in place,
and one killed half-way through an upgrade is still at a known version.

Column types: `cells.value`, `changes.old_value` and `changes.new_value` are declared
without a type so SQLite keeps integers as integers and 万元 decimals as reals (a typed
TEXT/INTEGER column would coerce them). This is why the DDL is written as SQL here
rather than with `table.create()`.
"""
from __future__ import annotations

import contextlib
import sqlite3

import sqlite_utils

from archive import killpoint
from extractors import codebook

SCHEMA_VERSION = 6

_V1 = """
CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,          -- the seed URL
    name TEXT NOT NULL,                -- the seed's organ name, e.g. 鞍山市民政局
    region TEXT,
    first_crawl INTEGER REFERENCES crawls(id)
);
CREATE TABLE crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,                     -- NULL: the crawl is running, or was killed
    seeds INTEGER
);
CREATE TABLE crawl_sites (
    crawl_id INTEGER NOT NULL REFERENCES crawls(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    status TEXT NOT NULL,              -- ok | partial (a list page failed, a report in part) | blocked | failed (down, interrupted)
    pages INTEGER, reports INTEGER, errors INTEGER,
    reasons TEXT,                      -- JSON {reason: count}
    PRIMARY KEY (crawl_id, site_id)
);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,             -- bytes before compression
    compression TEXT NOT NULL,         -- zlib
    content BLOB NOT NULL
);
CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    site_id INTEGER REFERENCES sites(id),
    url TEXT NOT NULL,
    page_url TEXT,
    fetched_at TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    headers TEXT,                      -- JSON
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT REFERENCES blobs(sha256)
);
CREATE INDEX captures_url ON captures(url, id);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    organ TEXT NOT NULL,
    year INTEGER NOT NULL,
    site_id INTEGER REFERENCES sites(id),
    url TEXT,                          -- where the latest version was found
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_crawl INTEGER REFERENCES crawls(id),
    gone_since TEXT,                   -- start of the crawl that no longer found it
    gone_crawl INTEGER REFERENCES crawls(id),
    gone_reason TEXT,
    latest_version INTEGER NOT NULL,
    latest_version_id INTEGER,
    UNIQUE (organ, year)
);
CREATE INDEX reports_site ON reports(site_id);
CREATE INDEX reports_url ON reports(url);
CREATE INDEX reports_latest ON reports(latest_version_id, year, organ);  -- covering: figures of latest versions by year/organ
CREATE TABLE report_versions (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    version INTEGER NOT NULL,
    organ TEXT, year INTEGER, title TEXT, published TEXT, template TEXT,
    url TEXT,
    record TEXT NOT NULL,              -- the report record as JSON, without cells (they are in `cells`)
    record_hash TEXT NOT NULL,         -- sha256 of the spec fields, to spot a real change
    text TEXT,                         -- cleaned report text (full-text indexed)
    capture_id INTEGER REFERENCES captures(id),
    crawl_id INTEGER REFERENCES crawls(id),
    first_seen TEXT NOT NULL,
    UNIQUE (report_id, version)
);
CREATE INDEX report_versions_dates ON report_versions(report_id, version, published, first_seen);  -- the deadline query
CREATE TABLE cell_keys (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,          -- codebook key, e.g. requests.granted.natural
    section TEXT, row TEXT, col TEXT,
    label TEXT                         -- official label
);
CREATE TABLE cells (
    version_id INTEGER NOT NULL REFERENCES report_versions(id),
    key_id INTEGER NOT NULL REFERENCES cell_keys(id),
    value,                             -- number as printed; NULL for a blank cell
    inferred INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, key_id)
) WITHOUT ROWID;
CREATE INDEX cells_key ON cells(key_id, version_id, value);
CREATE TABLE contacts (
    version_id INTEGER NOT NULL REFERENCES report_versions(id),
    kind TEXT NOT NULL,                -- phone | email | address | postcode
    value TEXT NOT NULL
);
CREATE INDEX contacts_version ON contacts(version_id);
CREATE TABLE failed_checks (
    version_id INTEGER NOT NULL REFERENCES report_versions(id),
    "check" TEXT NOT NULL,             -- e.g. requests.row_total.granted
    PRIMARY KEY (version_id, "check")
) WITHOUT ROWID;
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    report_id INTEGER NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,                -- new | revised | gone | returned | moved
    version INTEGER,                   -- the version made (new, revised) or current
    at TEXT NOT NULL,
    reason TEXT                        -- gone: not_seen, http_404, ...; moved: the URL it was at
);
CREATE INDEX events_crawl ON events(crawl_id, kind);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    report_id INTEGER NOT NULL REFERENCES reports(id),
    from_version INTEGER NOT NULL,
    to_version INTEGER NOT NULL,
    key TEXT NOT NULL,                 -- a cell key, or a field: title, published, ...
    change TEXT NOT NULL,              -- changed | added | removed
    old_value,
    new_value
);
CREATE INDEX changes_report ON changes(report_id, to_version);
CREATE INDEX changes_event ON changes(event_id);
"""


def _v0_to_v1(db: sqlite_utils.Database) -> None:
    """Create the first layout (a v0 database is empty, or predates versioning)."""
    for statement in _statements(_V1):
        db.execute(statement)
    _create_fts(db)


_V2 = """
CREATE TABLE crawl_errors (
    crawl_id INTEGER NOT NULL REFERENCES crawls(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    url TEXT NOT NULL,
    role TEXT,                         -- home | nav | list | article | attachment (its place in the walk)
    reason TEXT NOT NULL,              -- timeout, connection reset, truncated body, extract hostile, http 503 …
    PRIMARY KEY (crawl_id, site_id, url)
) WITHOUT ROWID;
"""


def _v1_to_v2(db: sqlite_utils.Database) -> None:
    """Each failed URL of a crawl, not only counts per reason: what went wrong where."""
    for statement in _statements(_V2):
        db.execute(statement)


_V3 = """
ALTER TABLE reports ADD COLUMN first_published TEXT;  -- version 1's printed date, else its first_seen date
CREATE INDEX reports_due ON reports(site_id, year, first_published);  -- covering: the deadline query
CREATE TABLE totals_by_year (
    key_id INTEGER NOT NULL REFERENCES cell_keys(id),
    year INTEGER NOT NULL,
    reports INTEGER NOT NULL,          -- latest versions that print this figure
    total NOT NULL,                    -- their sum
    PRIMARY KEY (key_id, year)
) WITHOUT ROWID;
CREATE TABLE totals_by_organ (
    key_id INTEGER NOT NULL REFERENCES cell_keys(id),
    organ TEXT NOT NULL,
    reports INTEGER NOT NULL,          -- latest versions (one per covered year) that print this figure
    total NOT NULL,
    PRIMARY KEY (key_id, organ)
) WITHOUT ROWID;
"""

# A sum stays an integer while its terms are; 万元 decimals are rounded so that adding and
# later taking out 0.1 leaves 0.0, not 2.7e-17 (the writer, store._move_totals, and the fill below).
ROUNDED = "CASE WHEN typeof({0}) = 'real' THEN round({0}, 6) ELSE {0} END"

# The sums of the latest versions' figures, as the writer keeps them (see store._move_totals).
_FILL_TOTALS = """
INSERT INTO totals_by_{by} (key_id, {by}, reports, total)
SELECT c.key_id, r.{by}, count(*), {total}
FROM reports r JOIN cells c ON c.version_id = r.latest_version_id
WHERE typeof(c.value) IN ('integer', 'real')
GROUP BY c.key_id, r.{by}
"""


def _v2_to_v3(db: sqlite_utils.Database) -> None:
    """Aggregates the writer keeps up to date, so the canned queries read a few thousand rows.

    Summing a figure over 100,000 reports from `cells` means one join per cell to find
    whether its version is the latest (seconds, measured by bench/archive.py); the writer
    already knows when the latest version of a report changes, so it moves the sums then.
    They are derived data like the `reports` item row, rebuilt here from the versions.
    """
    for statement in _statements(_V3):
        db.execute(statement)
    db.execute(
        "UPDATE reports SET first_published = (SELECT coalesce(v.published, substr(v.first_seen, 1, 10))"
        " FROM report_versions v WHERE v.report_id = reports.id AND v.version = 1)"
    )
    for by in ("year", "organ"):
        db.execute(_FILL_TOTALS.format(by=by, total=ROUNDED.format("sum(c.value)")))


_V4 = """
ALTER TABLE crawl_sites ADD COLUMN browser_shapes TEXT;  -- JSON {URL shape: when its plain page was an empty shell}
"""


def _v3_to_v4(db: sqlite_utils.Database) -> None:
    """What the crawler learned of a site's JavaScript pages, for the next night.

    A URL shape whose plain page was an empty shell goes straight to the browser on the
    next nights (crawler.browser), and the browser is started with the crawl: kept with
    the site's statistics of the crawl that learned it. Older crawls learned nothing.
    """
    for statement in _statements(_V4):
        db.execute(statement)


def _v4_to_v5(db: sqlite_utils.Database) -> None:
    """Search that finds two-character Chinese words: the bigram index (archive.search)
    replaces the trigram one, which needed three characters and a LIKE scan below that.
    Derived from the versions' text, so it is built again whatever an earlier run left."""
    from archive import search

    db.execute("DROP TABLE IF EXISTS report_search")
    db.execute(
        "CREATE VIRTUAL TABLE report_search USING fts5(title, text, content='', tokenize='unicode61')"
    )
    db.conn.executemany(
        "INSERT INTO report_search (rowid, title, text) VALUES (?, ?, ?)",
        ((id_, search.index_text(title), search.index_text(text))
         for id_, title, text in db.execute("SELECT id, title, text FROM report_versions ORDER BY id")),
    )
    db.execute("DROP TABLE IF EXISTS report_versions_fts")
_V6 = """
CREATE TABLE site_walks (
    site_id INTEGER PRIMARY KEY REFERENCES sites(id),
    full_walk_on TEXT,                 -- the night (ISO date) of the site's last whole walk that went well
    crawl_id INTEGER REFERENCES crawls(id)
);
CREATE TABLE report_columns (
    site_id INTEGER NOT NULL REFERENCES sites(id),
    url TEXT NOT NULL,                 -- a report column's first page, as the walk found it
    etag TEXT,                         -- the validators it last answered with: a quiet night asks conditionally
    last_modified TEXT,
    crawl_id INTEGER REFERENCES crawls(id),  -- the last crawl it answered (200 or 304)
    PRIMARY KEY (site_id, url)
) WITHOUT ROWID;
"""


def _v5_to_v6(db: sqlite_utils.Database) -> None:
    """What the revisit policy needs of each site (crawler.revisit): when it was last walked
    whole, and the report columns a quiet night asks for instead. Older archives know
    none: each site's next night is a whole walk, which fills them."""
    for statement in _statements(_V6):
        db.execute(statement)


MIGRATIONS = [_v0_to_v1, _v1_to_v2, _v2_to_v3, _v3_to_v4, _v4_to_v5, _v5_to_v6]


def fill_cell_keys(db: sqlite_utils.Database) -> None:
    """Add every codebook key not yet in `cell_keys` (ids of existing keys never change)."""
    known = {row[0] for row in db.execute("SELECT key FROM cell_keys")}
    for key in codebook.all_keys():
        if key in known:
            continue
        section, rest = key.split(".", 1)
        row, col = rest.rsplit(".", 1)
        db.execute(
            "INSERT INTO cell_keys (key, section, row, col, label) VALUES (?, ?, ?, ?, ?)",
            [key, section, row, col, codebook.label_of(key)],
        )


def key_ids(db: sqlite_utils.Database) -> dict[str, int]:
    return {key: id_ for id_, key in db.execute("SELECT id, key FROM cell_keys")}


def upgrade(db: sqlite_utils.Database) -> int:
    """Bring the database to SCHEMA_VERSION; return the version it had."""
    found = db.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise RuntimeError(
            f"archive schema version {found} is newer than this nianbao knows ({SCHEMA_VERSION}): "
            "upgrade nianbao to open it"
        )
    if found < 0:  # MIGRATIONS[-1] would run the last step on a database of nobody knows what
        raise RuntimeError(f"archive schema version {found} is none nianbao ever wrote: not a nianbao archive")
    for version in range(found, SCHEMA_VERSION):
        with transaction(db, "upgrade"):  # one step, one transaction: user_version moves with it
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
    with transaction(db, "upgrade"):
        fill_cell_keys(db)
    create_views(db)
    return found


def _statements(script: str) -> list[str]:
    """Split DDL into statements (no semicolons inside our statements' strings)."""
    out, buf = [], []
    for line in script.splitlines():
        line = line.split("--", 1)[0].rstrip()
        if not line:
            continue
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            out.append("\n".join(buf))
            buf = []
    return out


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database, name: str | None = None):
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any exception, including KeyboardInterrupt).

    IMMEDIATE takes the write lock up front, so two writers wait on the busy timeout
    instead of failing half-way with SQLITE_BUSY. `name` says which kind of write this
    is, for the crash tests' kill points (`archive.killpoint`).

    Inside an open transaction (`Archive.batch`: several items, one commit) it is a
    savepoint instead: its writes are undone alone if it fails, and committed with the
    enclosing transaction (named "batch"). Its `before` kill point is there too (a kill
    inside one store of a batch); its `after` is the batch's, since releasing a savepoint
    commits nothing.
    """
    if db.conn.in_transaction:
        db.execute("SAVEPOINT nested")
        try:
            yield db
            killpoint.reached(name, "before")  # a kill here loses the whole enclosing batch
        except BaseException:
            db.execute("ROLLBACK TO nested")
            db.execute("RELEASE nested")
            raise
        db.execute("RELEASE nested")
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        killpoint.reached(name, "before")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    killpoint.reached(name, "after")


def connect(path, readonly: bool = False) -> sqlite_utils.Database:
    """Open an archive: WAL, a busy timeout, explicit transactions only.

    isolation_level=None stops Python's sqlite3 from opening transactions behind our
    back: every write goes through `transaction()` (BEGIN IMMEDIATE … COMMIT), so a crawl
    killed at any moment leaves the last committed state.
    """
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=30)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: consistent after a kill
        # A report's rows land all over the file (cells_key and the totals tables are by
        # key: 200 keys, 200 places). The default 2 MB page cache cannot hold what one
        # batch of reports touches and the statement journals of the totals' upserts go to
        # a temporary file: both turn into a write and a read per page. CPU per report of
        # 200 cells (bench/archive.py's), 3,000 stored: alone 8.4 -> 5.3 ms, in batches of
        # 40 3.5 -> 1.8 ms (measured 2026-11).
        conn.execute("PRAGMA cache_size = -65536")  # KiB: 64 MiB
        conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


# ---------------------------------------------------------------- views

LATEST_REPORTS = """
SELECT r.id AS report_id, r.organ, r.year, v.title, v.published, v.template,
       r.latest_version AS version, r.url, r.first_seen, r.last_seen, r.gone_since,
       r.gone_reason, s.name AS site, c.sha256 AS capture_sha256,
       (SELECT count(*) FROM failed_checks f WHERE f.version_id = v.id) AS failed_checks
FROM reports r
JOIN report_versions v ON v.id = r.latest_version_id
LEFT JOIN sites s ON s.id = r.site_id
LEFT JOIN captures c ON c.id = v.capture_id
"""

CELLS_NAMED = """
SELECT v.report_id, v.organ, v.year, v.version, c.version_id, k.key, k.label, c.value, c.inferred,
       (r.latest_version_id = v.id) AS is_latest
FROM cells c
JOIN cell_keys k ON k.id = c.key_id
JOIN report_versions v ON v.id = c.version_id
JOIN reports r ON r.id = v.report_id
"""

# The figures of the latest versions, one row per figure: what the tables' page shows first
# (the wide latest_figures has a column per codebook key, for SQL and spreadsheets).
FIGURES = """
SELECT r.id AS report_id, r.organ, r.year, r.latest_version AS version, k.section, k.key, k.label,
       c.value, c.inferred
FROM reports r
JOIN cells c ON c.version_id = r.latest_version_id
JOIN cell_keys k ON k.id = c.key_id
"""

# Cells of the latest versions the extractor left out because their place or value was not
# certain (a row whose blanks lost their places, a figure behind a lost character), with the
# reason: a gap a researcher can see, read from the version's stored record.
UNCERTAIN_CELLS = """
SELECT r.id AS report_id, r.organ, r.year, r.latest_version AS version, j.key,
       k.label, j.value AS why
FROM reports r
JOIN report_versions v ON v.id = r.latest_version_id
JOIN json_each(v.record, '$.left_out') j
LEFT JOIN cell_keys k ON k.key = j.key
WHERE json_valid(v.record)
"""

# The 年报 scorecard: per seeded body and covered year, what a transparency assessment
# scores by hand. The legal deadline is 31 January of the following year (条例 第五十条).
# Whether a report was on time is judged by the date version 1 prints; without one, only a
# first capture by the deadline says "on time" — a later first capture says nothing about
# when it was put online, so on_time and days_late stay NULL. With no report, the site's
# last crawl tells "not found" (read whole) from "partial", "blocked" (a WAF or challenge)
# and "unreachable" (down, interrupted): the site was not read whole, so nothing is known.
SCORECARD = """
WITH years AS (SELECT DISTINCT year FROM reports),
last_status AS (
    SELECT cs.site_id, cs.status FROM crawl_sites cs
    WHERE cs.crawl_id = (SELECT max(crawl_id) FROM crawl_sites WHERE site_id = cs.site_id)
),
scored AS (
    SELECT s.id AS site_id, s.name AS organ, y.year, (y.year + 1) || '-01-31' AS deadline,
           r.id AS report_id, r.first_published AS published, v1.published AS printed_date,
           substr(r.first_seen, 1, 10) AS first_seen, r.latest_version_id, r.latest_version,
           r.gone_since, ls.status AS last_crawl_status,
           (SELECT substr(v.first_seen, 1, 10) FROM report_versions v WHERE v.id = r.latest_version_id) AS revised
    FROM sites s
    CROSS JOIN years y
    LEFT JOIN reports r ON r.site_id = s.id AND r.year = y.year
    LEFT JOIN report_versions v1 ON v1.report_id = r.id AND v1.version = 1
    LEFT JOIN last_status ls ON ls.site_id = s.id
)
SELECT site_id, organ, year, deadline, report_id,
       CASE
           WHEN report_id IS NOT NULL THEN 'published'
           WHEN deadline >= date('now') THEN 'not yet due'
           WHEN last_crawl_status = 'ok' THEN 'not found'
           WHEN last_crawl_status = 'partial' THEN 'partial'
           WHEN last_crawl_status = 'blocked' THEN 'blocked'
           WHEN last_crawl_status = 'failed' THEN 'unreachable'
           ELSE 'not crawled'
       END AS status,
       published,
       CASE WHEN printed_date IS NOT NULL THEN 'printed' WHEN report_id IS NOT NULL THEN 'first captured' END
           AS published_from,
       CASE
           WHEN printed_date IS NOT NULL THEN printed_date <= deadline
           WHEN first_seen <= deadline THEN 1
       END AS on_time,
       CASE
           WHEN printed_date IS NOT NULL THEN max(CAST(julianday(printed_date) - julianday(deadline) AS INTEGER), 0)
           WHEN first_seen <= deadline THEN 0
       END AS days_late,
       CASE WHEN report_id IS NOT NULL THEN
           (EXISTS (SELECT 1 FROM cells c JOIN cell_keys k ON k.id = c.key_id
                    WHERE c.version_id = latest_version_id AND k.section = 'active'))
           + (EXISTS (SELECT 1 FROM cells c JOIN cell_keys k ON k.id = c.key_id
                      WHERE c.version_id = latest_version_id AND k.section = 'requests'))
           + (EXISTS (SELECT 1 FROM cells c JOIN cell_keys k ON k.id = c.key_id
                      WHERE c.version_id = latest_version_id AND k.section = 'review'))
       END AS tables_read,
       CASE WHEN report_id IS NOT NULL THEN
           (SELECT count(*) FROM failed_checks f WHERE f.version_id = latest_version_id) END AS failed_checks,
       latest_version - 1 AS revisions,
       CASE WHEN latest_version > 1 THEN CAST(julianday(revised) - julianday(first_seen) AS INTEGER) END
           AS days_to_last_revision,
       gone_since
FROM scored
"""

CHANGES_NAMED = """
SELECT e.crawl_id, e.at, r.organ, r.year, ch.from_version, ch.to_version, ch.key,
       k.label, ch.change, ch.old_value, ch.new_value, ch.report_id
FROM changes ch
JOIN events e ON e.id = ch.event_id
JOIN reports r ON r.id = ch.report_id
LEFT JOIN cell_keys k ON k.key = ch.key
"""


def latest_figures_sql(db: sqlite_utils.Database) -> str:
    """The wide view: one row per report, one column per codebook key (latest version).

    Each column is a primary-key lookup into `cells`, not a GROUP BY pivot, so a page of
    100 rows or one report's row costs only its own lookups even with millions of cells.
    """
    columns = [
        f'(SELECT value FROM cells WHERE version_id = r.latest_version_id AND key_id = {id_}) AS "{key}"'
        for key, id_ in sorted(key_ids(db).items(), key=lambda kv: kv[1])
    ]
    return (
        "SELECT r.id AS report_id, r.organ, r.year, r.latest_version AS version, r.gone_since,\n       "
        + ",\n       ".join(columns)
        + "\nFROM reports r"
    )


def create_views(db: sqlite_utils.Database) -> None:
    """(Re)create the derived views; they hold no data, so rebuilding them is free."""
    views = {
        "latest_reports": LATEST_REPORTS,
        "figures": FIGURES,
        "uncertain_cells": UNCERTAIN_CELLS,
        "scorecard": SCORECARD,
        "cells_named": CELLS_NAMED,
        "changes_named": CHANGES_NAMED,
        "latest_figures": latest_figures_sql(db),
    }
    with transaction(db, "views"):
        for name, sql in views.items():
            db.execute(f"DROP VIEW IF EXISTS {name}")
            db.execute(f"CREATE VIEW {name} AS {sql}")


def _create_fts(db: sqlite_utils.Database) -> None:
    """The first layout's full-text index (trigram); version 5 replaces it by `report_search`."""
    db.execute(
        "CREATE VIRTUAL TABLE report_versions_fts USING fts5("
        "title, text, content=[report_versions], content_rowid=id, tokenize='trigram')"
    )
