"""The end of a crawl: failed URLs are kept per site, and a failure is no proof of absence.

A report is "gone" when a crawl that walked its site did not find it. One whose URL
timed out or reset tonight, or whose article page did, was not looked at: marking it gone
would tell researchers a report was withdrawn when a server was only slow.
"""
from __future__ import annotations

import sqlite3

from archive import Archive

SEED = {"name": "通城县民政局", "url": "http://tc.gov.cn/"}
ARTICLE = "http://tc.gov.cn/ndbg/{year}.html"
ATTACHMENT = "http://tc.gov.cn/ndbg/{year}.pdf"


def stored(archive, crawl_id, year, attachment=False, url=None, cells=None, body=None, fetched_at="2026-11-21T10:00:00Z"):
    url = url or (ATTACHMENT if attachment else ARTICLE).format(year=year)
    return archive.store(crawl_id, {
        "seed_name": SEED["name"], "seed_url": SEED["url"], "url": url,
        "page_url": url if url not in (ATTACHMENT.format(year=year),) else ARTICLE.format(year=year),
        "fetched_at": fetched_at, "status": 200, "body": body or f"report {year}".encode(),
        "record": {"organ": SEED["name"], "year": year, "title": f"{SEED['name']}{year}年政府信息公开工作年度报告",
                   "cells": cells or {}, "is_report": True},
    })


def first_night(path) -> None:
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        for year in (2022, 2023, 2024):
            stored(archive, crawl_id, year)
        stored(archive, crawl_id, 2021, attachment=True)
        archive.end_crawl(crawl_id, {SEED["url"]: {"name": SEED["name"], "pages": 9, "status": "ok"}})


def gone(path) -> dict:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT year, gone_reason FROM reports WHERE gone_since IS NOT NULL"))


def test_a_report_whose_url_or_article_failed_is_not_gone_but_an_unseen_one_is(tmp_path):
    path = tmp_path / "a.db"
    first_night(path)
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        stored(archive, crawl_id, 2022)
        failed = {ARTICLE.format(year=2024): {"reason": "timeout", "role": "article"},
                  ARTICLE.format(year=2021): {"reason": "connection reset", "role": "article"}}  # the PDF's page
        archive.end_crawl(crawl_id, {SEED["url"]: {"name": SEED["name"], "pages": 7, "status": "ok", "failed": failed}})
    assert gone(path) == {2023: "not_seen"}
    with sqlite3.connect(path) as db:
        assert sorted(db.execute("SELECT url, role, reason FROM crawl_errors WHERE crawl_id = 2")) == [
            (ARTICLE.format(year=2021), "article", "connection reset"),
            (ARTICLE.format(year=2024), "article", "timeout"),
        ]


def test_the_reports_of_a_partial_site_are_not_judged(tmp_path):
    """A list page that failed hides every report it lists: none is judged."""
    path = tmp_path / "a.db"
    first_night(path)
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        failed = {"http://tc.gov.cn/ndbg/index_1.html": {"reason": "http 503", "role": "list"}}
        archive.end_crawl(crawl_id, {SEED["url"]: {"name": SEED["name"], "pages": 3, "status": "partial",
                                                    "failed": failed}})
    assert gone(path) == {}


def test_the_crawler_calls_a_site_partial_only_for_an_uncertain_failure_on_the_way_to_its_reports():
    from crawler.pipelines import archive_site_stats

    def site(**failed):
        return {"s": {"url": "http://s/", "pages": 5, "reports": 1, "blocks": 0, "errors": {},
                      "failed": {url: {"reason": reason, "role": role} for url, (role, reason) in failed.items()}}}

    assert archive_site_stats(site(a=("list", "timeout")), "finished")["http://s/"]["status"] == "partial"
    assert archive_site_stats(site(a=("list", "http 404"), b=("nav", "robots.txt")), "finished")["http://s/"]["status"] == "ok"
    assert archive_site_stats(site(a=("article", "timeout")), "finished")["http://s/"]["status"] == "ok"
    assert archive_site_stats(site(a=("article", "timeout")), "shutdown")["http://s/"]["status"] == "failed"


def test_a_version_1_archive_gains_crawl_errors_and_keeps_its_reports(tmp_path):
    """An archive written before crawl_errors existed opens and is upgraded in place."""
    from archive import schema

    path = tmp_path / "a.db"
    first_night(path)
    with sqlite3.connect(path) as db:
        db.executescript("DROP VIEW scorecard; DROP TABLE site_walks; DROP TABLE report_columns; ALTER TABLE crawl_sites DROP COLUMN browser_shapes;"
                         " DROP TABLE crawl_errors; DROP TABLE totals_by_year; DROP TABLE totals_by_organ;"
                         " DROP INDEX reports_due; ALTER TABLE reports DROP COLUMN first_published;"
                         " PRAGMA user_version = 1;")
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        archive.end_crawl(crawl_id, {SEED["url"]: {"name": SEED["name"], "pages": 1, "status": "failed",
                                                    "failed": {SEED["url"]: {"reason": "timeout", "role": "home"}}}})
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 4
        assert db.execute("SELECT url, role, reason FROM crawl_errors").fetchall() == [(SEED["url"], "home", "timeout")]


def test_a_pdf_report_whose_article_page_answers_404_is_gone(tmp_path):
    # the column still links the article; the article is 404: the report was withdrawn
    # (before: its page's failure kept it "unknown" every night, and the 404 notice named the
    # article's URL, which no report had)
    path = tmp_path / "a.db"
    first_night(path)
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        for year in (2022, 2023, 2024):
            stored(archive, crawl_id, year)
        failed = {ARTICLE.format(year=2021): {"reason": "http 404", "role": "article"}}
        archive.end_crawl(crawl_id, {SEED["url"]: {"name": SEED["name"], "pages": 7, "status": "ok", "failed": failed}})
    assert gone(path) == {2021: "http_404"}


def test_a_404_notice_for_the_article_of_a_pdf_report_marks_the_report_gone(tmp_path):
    path = tmp_path / "a.db"
    first_night(path)
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        archive.mark_gone(crawl_id, ARTICLE.format(year=2021), "http_404")
    assert gone(path) == {2021: "http_404"}


def test_a_report_moved_to_another_url_is_an_event_and_exports_where_it_is_now(tmp_path):
    from archive import export, schema

    path = tmp_path / "a.db"
    first_night(path)
    moved = "http://tc.gov.cn/xxgk/ndbg/2023.html"
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        stored(archive, crawl_id, 2023, url=moved, fetched_at="2026-11-22T10:00:00Z")
    db = schema.connect(path, readonly=True)
    found = export.changes(db)
    assert [(e["year"], e["from"], e["url"]) for e in found["moved"]] == [(2023, ARTICLE.format(year=2023), moved)]
    assert f"(from {ARTICLE.format(year=2023)})" in export.format_changes(found)
    latest = {r["year"]: r["url"] for r in export.report_records(db)}
    assert latest[2023] == moved


def test_a_gone_report_that_comes_back_revised_is_returned_and_revised(tmp_path):
    from archive import export, schema

    path = tmp_path / "a.db"
    first_night(path)
    with Archive(path) as archive:
        crawl_id = archive.begin_crawl([SEED])
        archive.mark_gone(crawl_id, ARTICLE.format(year=2022), "http_404")
        archive.end_crawl(crawl_id, {})
        crawl_id = archive.begin_crawl([SEED])
        stored(archive, crawl_id, 2022, cells={"active.rules.issued": 1}, body=b"report 2022 corrected",
               fetched_at="2026-11-23T10:00:00Z")
    found = export.changes(schema.connect(path, readonly=True))
    assert [e["year"] for e in found["returned"]] == [2022] and [e["year"] for e in found["revised"]] == [2022]
