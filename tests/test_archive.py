"""The archive keeps every version, diffs cell by cell, and never forgets a vanished report."""
from __future__ import annotations

import io
import sqlite3
import zlib

import pytest

import archive_days as days
from archive import Archive, export, schema, search
from archive.store import OpenBatch


@pytest.fixture
def archive_path(tmp_path):
    path = tmp_path / "nianbao.db"
    outcomes = days.build(path)
    return path, outcomes


def rows(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_outcomes_of_two_days(archive_path):
    _, outcomes = archive_path
    assert outcomes == {
        ("day1", "惠济区民政局", 2024): "new",
        ("day1", "湘乡市民政局", 2024): "new",
        ("day1", "鞍山市民政局", 2024): "new",
        ("day1", "阜新市细河区民政局", 2023): "new",
        ("day1", "黄石市下陆区民政局", 2024): "new",
        ("day2", "惠济区民政局", 2024): "unchanged",
        ("day2", "湘乡市民政局", 2024): "revised",
        ("day2", "阜新市细河区民政局", 2023): "unchanged",
        ("day2", "阜新市细河区民政局", 2024): "new",
    }


def test_revised_report_has_two_versions_and_exactly_two_changed_cells(archive_path):
    path, _ = archive_path
    assert rows(path, "SELECT v.version, v.first_seen FROM report_versions v JOIN reports r ON r.id = v.report_id"
                      " WHERE r.organ = '湘乡市民政局' ORDER BY version") == [
        (1, "2026-11-21T10:00:00Z"),
        (2, "2026-11-22T10:00:00Z"),
    ]
    assert rows(path, "SELECT from_version, to_version, key, change, old_value, new_value FROM changes ORDER BY id") == [
        (1, 2, "requests.new_requests.total", "changed", 0, 6),
        (1, 2, "requests.granted.total", "changed", 0, 5),
    ]
    assert rows(path, "SELECT latest_version, first_seen, last_seen FROM reports WHERE organ = '湘乡市民政局'") == [
        (2, "2026-11-21T10:00:00Z", "2026-11-22T10:00:00Z")
    ]


def test_new_report_is_version_1(archive_path):
    path, _ = archive_path
    assert rows(path, "SELECT year, latest_version, first_seen FROM reports WHERE organ = '阜新市细河区民政局' ORDER BY year") == [
        (2023, 1, "2026-11-21T10:00:00Z"),
        (2024, 1, "2026-11-22T10:00:00Z"),
    ]


def test_footer_only_change_makes_no_version_but_keeps_both_captures(archive_path):
    path, _ = archive_path
    assert rows(path, "SELECT count(*) FROM report_versions WHERE organ = '惠济区民政局'") == [(1,)]
    captures = rows(path, "SELECT DISTINCT sha256 FROM captures WHERE url = ?", [days.url_of("惠济区民政局", 2024)])
    assert len(captures) == 2  # the raw evidence of both days is kept
    assert rows(path, "SELECT last_seen, gone_since FROM reports WHERE organ = '惠济区民政局'") == [
        ("2026-11-22T10:00:00Z", None)
    ]


def test_removed_attachment_is_kept_and_marked_gone(archive_path):
    path, _ = archive_path
    assert rows(path, "SELECT last_seen, gone_since, gone_reason, latest_version FROM reports WHERE organ = '鞍山市民政局'") == [
        ("2026-11-21T10:00:00Z", "2026-11-22T09:00:00Z", "http_404", 1)
    ]
    assert rows(path, "SELECT kind, reason FROM events e JOIN reports r ON r.id = e.report_id"
                      " WHERE r.organ = '鞍山市民政局' ORDER BY e.id") == [("new", None), ("gone", "http_404")]


def test_failed_site_is_not_judged(archive_path):
    path, _ = archive_path
    assert rows(path, "SELECT gone_since FROM reports WHERE organ = '黄石市下陆区民政局'") == [(None,)]
    assert rows(path, "SELECT c.status FROM crawl_sites c JOIN sites s ON s.id = c.site_id"
                      " WHERE s.name = '黄石市下陆区民政局' ORDER BY crawl_id") == [("ok",), ("failed",)]


def test_export_of_latest_versions_equals_latest_records(archive_path):
    path, _ = archive_path
    db = schema.connect(path, readonly=True)
    exported = {(r["organ"], r["year"]): r for r in export.report_records(db)}
    expected = {
        ("惠济区民政局", 2024): days.gold("惠济区民政局"),
        ("湘乡市民政局", 2024): days.revised_xiangxiang(),
        ("鞍山市民政局", 2024): days.gold("鞍山市民政局"),
        ("阜新市细河区民政局", 2023): days.gold("阜新市细河区民政局"),
        ("阜新市细河区民政局", 2024): days.xihe_2024(),
    }
    for key, record in expected.items():
        record["organ"] = key[0]
        got = exported[key]
        assert {f: got[f] for f in record} == record
    gone = exported[("鞍山市民政局", 2024)]
    assert (gone["version"], gone["gone_since"], gone["url"]) == (1, "2026-11-22T09:00:00Z", days.url_of("鞍山市民政局", 2024, "pdf"))
    assert exported[("湘乡市民政局", 2024)]["version"] == 2
    assert len(exported) == 6  # the 5 above and 黄石市下陆区
    assert len(list(export.report_records(db, all_versions=True))) == 7


def test_capture_bytes_are_stored_once_and_compressed(archive_path):
    path, _ = archive_path
    sha, raw = rows(path, "SELECT c.sha256, b.content FROM captures c JOIN blobs b USING (sha256)"
                          " WHERE c.url = ? ORDER BY c.id LIMIT 1", [days.url_of("阜新市细河区民政局", 2023)])[0]
    assert b"<h1>" in zlib.decompress(raw)
    # 阜新市细河区 2023 was captured twice with the same bytes: one blob
    assert rows(path, "SELECT count(*) FROM captures WHERE sha256 = ?", [sha]) == [(2,)]
    assert rows(path, "SELECT count(*) FROM blobs WHERE sha256 = ?", [sha]) == [(1,)]


def test_validators_of_last_capture(archive_path):
    path, _ = archive_path
    with Archive(path) as archive:
        got = archive.validators(days.url_of("湘乡市民政局", 2024))
        assert got["etag"] == '"湘乡市民政局-2"' and got["fetched_at"] == "2026-11-22T10:00:00Z" and len(got["sha256"]) == 64
        assert archive.validators("http://nowhere.example/") is None


def test_not_modified_answer_moves_last_seen(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        crawl = archive.begin_crawl(days.seeds())
        archive.store(crawl, days.item("惠济区民政局", days.gold("惠济区民政局"), 1))
        crawl = archive.begin_crawl(days.seeds())
        not_modified = {"seed_name": "惠济区民政局", "seed_url": days.SITES["惠济区民政局"], "status": 304,
                        "url": days.url_of("惠济区民政局", 2024), "fetched_at": "2026-12-01T00:00:00Z", "body": None}
        assert archive.store(crawl, not_modified) == "unchanged"
        assert archive.end_crawl(crawl, {days.SITES["惠济区民政局"]: {"status": "ok"}}) == []
        assert archive.db.execute("SELECT last_seen, gone_since FROM reports").fetchall() == [("2026-12-01T00:00:00Z", None)]


def gone_since_the_second_crawl(archive: Archive, record: dict) -> int:
    """Stored by a first crawl, not seen by a second that reached its site: gone. Returns a
    third crawl's id."""
    site = days.SITES["惠济区民政局"]
    crawl = archive.begin_crawl(days.seeds(), started_at="2026-01-01T00:00:00Z")
    archive.store(crawl, days.item("惠济区民政局", record, 1))
    crawl = archive.begin_crawl(days.seeds(), started_at="2026-01-02T00:00:00Z")
    archive.end_crawl(crawl, {site: {"status": "ok", "pages": 3, "reports": 0, "errors": 0}})
    return archive.begin_crawl(days.seeds(), started_at="2026-01-03T00:00:00Z")


def test_unseen_report_of_ok_site_is_gone_then_returns(tmp_path):
    record = days.gold("惠济区民政局")
    with Archive(tmp_path / "a.db") as archive:
        crawl = gone_since_the_second_crawl(archive, record)
        assert archive.store(crawl, days.item("惠济区民政局", record, 3)) == "returned"
        assert archive.db.execute("SELECT kind, crawl_id FROM events ORDER BY id").fetchall() == [
            ("new", 1), ("gone", 2), ("returned", 3)
        ]
        assert archive.db.execute("SELECT gone_since, latest_version FROM reports").fetchall() == [(None, 1)]


def test_a_gone_report_that_answers_304_when_listed_again_is_returned(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        crawl = gone_since_the_second_crawl(archive, days.gold("惠济区民政局"))
        not_modified = {"seed_name": "惠济区民政局", "seed_url": days.SITES["惠济区民政局"], "status": 304, "body": None,
                        "url": days.url_of("惠济区民政局", 2024), "fetched_at": "2026-01-03T00:00:00Z"}
        assert archive.store(crawl, not_modified) == "returned"
        assert archive.db.execute("SELECT kind, crawl_id FROM events ORDER BY id").fetchall() == [
            ("new", 1), ("gone", 2), ("returned", 3)
        ]
        assert archive.db.execute("SELECT gone_since, gone_reason, last_crawl FROM reports").fetchall() == [(None, None, 3)]


def test_cells_long_table_and_wide_view(archive_path):
    path, _ = archive_path
    assert rows(path, "SELECT value, inferred FROM cells_named WHERE organ = '湘乡市民政局' AND key = 'requests.granted.total'"
                      " ORDER BY version") == [(0, 0), (5, 0)]
    assert rows(path, 'SELECT version, "requests.granted.total", "requests.granted.nonprofit" FROM latest_figures'
                      " WHERE organ = '湘乡市民政局'") == [(2, 5, 5)]
    assert rows(path, "SELECT kind, value FROM contacts c JOIN report_versions v ON v.id = c.version_id"
                      " WHERE v.organ = '鞍山市民政局' ORDER BY kind") == [
        ("address", "铁东区园林大道999号"), ("email", "mzjbgs_as@163.com"), ("phone", "0412-5570186"), ("postcode", "114000")
    ]
    assert rows(path, 'SELECT "check" FROM failed_checks f JOIN report_versions v ON v.id = f.version_id'
                      " WHERE v.organ = '湘乡市民政局' AND v.version = 2 ORDER BY 1") == [
        ("requests.row_total.denied.third_party",), ("requests.row_total.granted",),
        ("requests.row_total.new_requests",), ("requests.row_total.total_handled",)
    ]


def summed_from_cells(path, by: str) -> list[tuple]:
    """What totals_by_<by> must hold: the latest versions' figures summed the slow way."""
    return rows(path, f"SELECT c.key_id, r.{by}, count(*), sum(c.value) FROM reports r"
                      f" JOIN cells c ON c.version_id = r.latest_version_id"
                      f" WHERE typeof(c.value) IN ('integer', 'real') GROUP BY 1, 2 ORDER BY 1, 2")


def kept_totals(path, by: str) -> list[tuple]:
    return rows(path, f"SELECT key_id, {by}, reports, total FROM totals_by_{by}"
                      f" WHERE reports > 0 ORDER BY 1, 2")


@pytest.mark.parametrize("by", ["year", "organ"])
def test_totals_follow_the_latest_versions(archive_path, by):
    path, _ = archive_path
    assert kept_totals(path, by) == summed_from_cells(path, by)
    revised = rows(path, f"SELECT total FROM totals_by_{by} t JOIN cell_keys k ON k.id = t.key_id"
                         f" WHERE k.key = 'requests.granted.total' AND t.{by} = ?",
                   [2024 if by == "year" else "湘乡市民政局"])
    assert revised and revised[0][0] >= 5  # version 2's 5, not version 1's 0


def test_totals_of_decimal_figures_come_back_exactly(tmp_path):
    """万元 fees: 0.1 + 0.2, then the 0.1 revised to 0: the bureau's total is 0.2, not 0.20000000000000004."""
    record = days.gold("惠济区民政局")

    def fee(year, amount):
        return {**record, "year": year, "cells": {**record["cells"], "active.fees.amount": amount}}

    with Archive(tmp_path / "a.db") as archive:
        crawl = archive.begin_crawl(days.seeds())
        archive.store(crawl, days.item("惠济区民政局", fee(2024, 0.1), 1))
        archive.store(crawl, days.item("惠济区民政局", fee(2023, 0.2), 1))
        archive.store(crawl, days.item("惠济区民政局", fee(2024, 0), 2))

        def total(by):
            return archive.db.execute(
                f"SELECT t.reports, t.total FROM totals_by_{by} t JOIN cell_keys k ON k.id = t.key_id"
                f" WHERE k.key = 'active.fees.amount' ORDER BY t.{by}").fetchall()

        assert total("organ") == [(2, 0.2)]
        assert total("year") == [(1, 0.2), (1, 0)]
        with archive.batch():  # the same moves added up in memory, written at the commit
            archive.store(crawl, days.item("惠济区民政局", fee(2022, 0.1), 1))
            archive.store(crawl, days.item("惠济区民政局", fee(2021, 0.2), 1))
            archive.store(crawl, days.item("惠济区民政局", fee(2022, 0), 2))
        assert total("organ") == [(4, 0.4)]
        assert total("year") == [(1, 0.2), (1, 0), (1, 0.2), (1, 0)]
    for by in ("year", "organ"):
        assert kept_totals(tmp_path / "a.db", by) == summed_from_cells(tmp_path / "a.db", by)


def test_a_version_2_archive_gains_totals_and_first_published(tmp_path):
    path = tmp_path / "a.db"
    days.build(path)
    expected = {by: kept_totals(path, by) for by in ("year", "organ")}
    published = rows(path, "SELECT organ, year, first_published FROM reports ORDER BY 1, 2")
    with sqlite3.connect(path) as conn:  # undo versions 4 and 3 by hand: what an older nianbao wrote
        conn.executescript("DROP VIEW scorecard; DROP TABLE site_walks; DROP TABLE report_columns; ALTER TABLE crawl_sites DROP COLUMN browser_shapes;"
                           " DROP TABLE totals_by_year; DROP TABLE totals_by_organ; DROP INDEX reports_due;"
                           " ALTER TABLE reports DROP COLUMN first_published; PRAGMA user_version = 2;")
    Archive(path).close()
    assert rows(path, "PRAGMA user_version") == [(schema.SCHEMA_VERSION,)]
    assert {by: kept_totals(path, by) for by in ("year", "organ")} == expected
    assert rows(path, "SELECT organ, year, first_published FROM reports ORDER BY 1, 2") == published
    assert all(day for _, _, day in published)


def test_a_version_3_archive_learns_browser_shapes_and_keeps_its_crawls(tmp_path):
    path = tmp_path / "a.db"
    days.build(path)
    crawl_sites = rows(path, "SELECT crawl_id, site_id, status, pages, reports FROM crawl_sites ORDER BY 1, 2")
    with sqlite3.connect(path) as conn:  # what nianbao wrote before version 4
        conn.executescript("DROP TABLE site_walks; DROP TABLE report_columns;"
                           " ALTER TABLE crawl_sites DROP COLUMN browser_shapes; PRAGMA user_version = 3;")
    with Archive(path) as archive:
        assert archive.browser_shapes() == {}
        crawl = archive.begin_crawl([{"name": "甲县民政局", "url": "http://a.example/"}])
        archive.end_crawl(crawl, {"http://a.example/": {"name": "甲县民政局", "pages": 3, "reports": 0,
                                                        "browser_shapes": {"/detail.html?id": "2026-11-20T01:00:00Z"}}})
        assert archive.browser_shapes() == {"http://a.example/": {"/detail.html?id": "2026-11-20T01:00:00Z"}}
    assert rows(path, "PRAGMA user_version") == [(schema.SCHEMA_VERSION,)]
    assert rows(path, "SELECT crawl_id, site_id, status, pages, reports FROM crawl_sites"
                      " WHERE crawl_id < ? ORDER BY 1, 2", [crawl]) == crawl_sites


def test_a_version_4_archive_gets_the_bigram_search_index_in_place_of_the_trigram_one(tmp_path):
    path = tmp_path / "a.db"
    days.build(path)
    with sqlite3.connect(path) as conn:  # what nianbao wrote before version 5: a trigram index
        conn.executescript("DROP TABLE site_walks; DROP TABLE report_columns; DROP TABLE report_search; CREATE VIRTUAL TABLE report_versions_fts USING fts5("
                           "title, text, content=[report_versions], content_rowid=id, tokenize='trigram');"
                           " INSERT INTO report_versions_fts (report_versions_fts) VALUES ('rebuild');"
                           " PRAGMA user_version = 4;")
    Archive(path).close()
    assert rows(path, "PRAGMA user_version") == [(schema.SCHEMA_VERSION,)]
    assert rows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'report_versions_fts'") == [(0,)]
    assert rows(path, "SELECT count(*) FROM report_search WHERE report_search MATCH ?",
                [search.match_query("民政")]) == [(7,)]


@pytest.mark.parametrize("word", ["政府信息", "养老服务", "细河区", "救助"])
def test_full_text_search_finds_chinese_words(archive_path, word):
    path, _ = archive_path
    found = rows(path, "SELECT DISTINCT v.organ FROM report_search f JOIN report_versions v ON v.id = f.rowid"
                       " WHERE report_search MATCH ? ORDER BY 1", [search.match_query(word)])
    if word == "细河区":
        assert found == [("阜新市细河区民政局",)]
    else:
        assert len(found) == 5


def test_changes_of_last_crawl(archive_path):
    path, _ = archive_path
    result = export.changes(schema.connect(path, readonly=True))
    assert result["crawls"] == [2]
    assert [(e["organ"], e["year"], e["version"]) for e in result["new"]] == [("阜新市细河区民政局", 2024, 1)]
    assert [(e["organ"], e["changes"]) for e in result["revised"]] == [
        ("湘乡市民政局", [
            {"key": "requests.new_requests.total", "change": "changed", "old": 0, "new": 6},
            {"key": "requests.granted.total", "change": "changed", "old": 0, "new": 5},
        ])
    ]
    assert [(e["organ"], e["reason"]) for e in result["gone"]] == [("鞍山市民政局", "http_404")]
    since = export.changes(schema.connect(path, readonly=True), since="2026-11-01")
    assert since["crawls"] == [1, 2] and len(since["new"]) == 6


def test_csv_export_has_one_column_per_codebook_key(archive_path):
    path, _ = archive_path
    out = io.StringIO()
    assert export.write_csv(export.report_records(schema.connect(path, readonly=True)), out) == 6
    header = out.getvalue().splitlines()[0].split(",")
    assert header[:3] == ["url", "organ", "year"] and "requests.granted.total" in header


def test_a_killed_store_leaves_no_trace(tmp_path, monkeypatch):
    with Archive(tmp_path / "a.db") as archive:
        crawl = archive.begin_crawl(days.seeds())

        def boom(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(archive, "_event", boom)  # dies after the version's rows were written
        with pytest.raises(KeyboardInterrupt):
            archive.store(crawl, days.item("惠济区民政局", days.gold("惠济区民政局"), 1))
        counts = [archive.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("captures", "blobs", "reports", "report_versions", "cells")]
        assert counts == [0, 0, 0, 0, 0]


# ---------------------------------------------------------------- schema versions

def test_new_archive_is_at_current_schema_version(tmp_path):
    Archive(tmp_path / "a.db").close()
    assert rows(tmp_path / "a.db", "PRAGMA user_version") == [(schema.SCHEMA_VERSION,)]
    assert rows(tmp_path / "a.db", "PRAGMA journal_mode") == [("wal",)]


def test_v0_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)  # a v0 file: made before the archive had a schema version
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('kept')")
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        crawl = archive.begin_crawl(days.seeds())
        assert archive.store(crawl, days.item("惠济区民政局", days.gold("惠济区民政局"), 1)) == "new"
    assert rows(path, "PRAGMA user_version") == [(schema.SCHEMA_VERSION,)]
    assert rows(path, "SELECT text FROM notes") == [("kept",)]


def test_a_later_migration_step_upgrades_an_archive_keeping_its_data(tmp_path, monkeypatch):
    path = tmp_path / "current.db"
    days.build(path)
    later = schema.SCHEMA_VERSION + 1

    def next_step(db):
        db.execute("ALTER TABLE reports ADD COLUMN note TEXT")

    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [next_step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", later)
    Archive(path).close()
    assert rows(path, "PRAGMA user_version") == [(later,)]
    assert rows(path, "SELECT count(*), count(note) FROM reports") == [(6, 0)]


def test_newer_archive_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer than this nianbao"):
        Archive(path)


def test_store_many_is_one_transaction_with_the_same_outcomes(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        crawl = archive.begin_crawl(days.seeds())
        assert archive.store_many(crawl, days.day1_items()) == ["new"] * 5
        crawl = archive.begin_crawl(days.seeds())
        assert archive.store_many(crawl, days.day2_items()) == ["unchanged", "revised", "unchanged", "new"]
        assert archive.db.execute("SELECT count(*) FROM changes").fetchone() == (2,)


def test_a_store_that_fails_inside_a_batch_is_undone_alone(tmp_path, monkeypatch):
    """Archive.batch(): one commit for several items; an item that fails half-way leaves
    none of its rows, and the others of the batch are kept."""
    first, second, third = days.day1_items()[:3]
    with Archive(tmp_path / "a.db") as archive:
        crawl = archive.begin_crawl(days.seeds())
        real_event = archive._event

        def event(crawl_id, report_id, kind, *args, **kwargs):
            if archive.db.execute("SELECT organ FROM reports WHERE id = ?", [report_id]).fetchone()[0] == "湘乡市民政局":
                raise ValueError("boom")  # after the capture, report, version and cells were written
            return real_event(crawl_id, report_id, kind, *args, **kwargs)

        monkeypatch.setattr(archive, "_event", event)
        with archive.batch():
            assert archive.store(crawl, first) == "new"
            with pytest.raises(ValueError):
                archive.store(crawl, second)
            assert archive.store(crawl, third) == "new"
        assert not archive.db.conn.in_transaction
        organs = [r[0] for r in archive.db.execute("SELECT organ FROM reports ORDER BY id")]
        captures = archive.db.execute("SELECT count(*) FROM captures").fetchone()[0]
    assert organs == [first["seed_name"], third["seed_name"]] and captures == 2
    for by in ("year", "organ"):  # the failed store's figures are in no total
        assert kept_totals(tmp_path / "a.db", by) == summed_from_cells(tmp_path / "a.db", by)


def test_an_open_batch_commits_at_its_size_and_after_its_time(tmp_path):
    """OpenBatch: what a writer with items coming one at a time commits, and when; a
    reader (another connection) sees nothing of a batch before its commit."""
    now = [0.0]
    items = days.day1_items()
    with Archive(tmp_path / "a.db") as archive:
        crawl = archive.begin_crawl(days.seeds())
        batch = OpenBatch(archive, items=3, seconds=10, clock=lambda: now[0])

        def committed():
            return rows(tmp_path / "a.db", "SELECT count(*) FROM captures")[0][0]

        assert [batch.store(crawl, it) for it in items[:2]] == ["new", "new"]
        assert committed() == 0 and archive.db.conn.in_transaction
        batch.store(crawl, items[2])
        assert committed() == 3 and not archive.db.conn.in_transaction  # its third store
        batch.store(crawl, items[3])
        now[0] = 9.9
        batch.commit_if_due()
        assert committed() == 3
        now[0] = 10.0
        batch.commit_if_due()
        assert committed() == 4 and not archive.db.conn.in_transaction  # open 10 s
        batch.commit_if_due()
        batch.store(crawl, items[4])
        batch.commit()
        assert committed() == 5


def test_a_version_5_archive_learns_site_walks_and_its_sites_are_walked_whole_first(tmp_path):
    """Before version 6 no site had a known walk: the revisit policy (crawler.revisit) walks
    each whole the next night, and a whole walk that went well is remembered; a quiet one
    judges none of the reports it did not ask for."""
    path = tmp_path / "a.db"
    days.build(path)
    with sqlite3.connect(path) as conn:
        conn.executescript("DROP TABLE site_walks; DROP TABLE report_columns; PRAGMA user_version = 5;")
    seed = days.SITES["湘乡市民政局"]
    with Archive(path) as archive:
        assert archive.site_walk(seed) is None
        crawl = archive.begin_crawl(days.seeds())
        column = {"url": seed + "ndbg/", "etag": '"c1"', "last_modified": None}
        site = {"name": "湘乡市民政局", "pages": 2, "reports": 1, "walk": "full", "walk_on": "2026-11-23",
                "report_columns": {column["url"]: column}}
        archive.store(crawl, days.item("湘乡市民政局", days.revised_xiangxiang(), 3))
        archive.end_crawl(crawl, {seed: site})
        assert archive.site_walk(seed) == {"full_walk_on": "2026-11-23", "columns": [column]}
        crawl = archive.begin_crawl(days.seeds())
        quiet = {url: {**days.stats()[url], "walk": "quiet", "walk_on": "2026-11-24", "report_columns": {}}
                 for url in days.SITES.values()}
        assert archive.end_crawl(crawl, quiet) == []  # nothing was asked for: nothing is gone
        assert archive.site_walk(seed)["full_walk_on"] == "2026-11-23"
    assert rows(path, "PRAGMA user_version") == [(schema.SCHEMA_VERSION,)]
