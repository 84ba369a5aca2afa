"""The 年报 scorecard: per seeded body and year, published or not (and why not), on time by
31 January or how late, tables read, failed checks, revisions; and the report page links it."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

import archive_days as days
from archive import Archive, serve


THIS_YEAR = dt.date.today().year  # its reports are due on 31 January next year


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("scorecard") / "nianbao.db"
    days.build(db)
    late = days.gold("惠济区民政局") | {"year": 2023, "published": "2024-02-15",
                                       "title": "惠济区民政局2023年政府信息公开工作年度报告"}
    upcoming = days.gold("阜新市细河区民政局") | {"year": THIS_YEAR, "title": f"阜新市细河区民政局{THIS_YEAR}年政府信息公开工作年度报告"}
    with Archive(db) as archive:
        crawl = archive.begin_crawl(days.seeds(), started_at="2026-11-23T09:00:00Z")
        archive.store(crawl, days.item("惠济区民政局", late, 3))
        archive.store(crawl, days.item("阜新市细河区民政局", upcoming, 3))
        # 鞍山's site answers a challenge tonight; the other sites' last statuses stand
        archive.end_crawl(crawl, {days.SITES["鞍山市民政局"]: {"name": "鞍山市民政局", "status": "blocked"}},
                          ended_at="2026-11-23T10:00:00Z")
    return db


def scorecard(db, query=""):
    async def run():
        response = await serve.datasette_app(db).client.get(f"/nianbao/scorecard.json?_shape=objects&_size=max{query}")
        assert response.status_code == 200, response.text
        return {(r["organ"], r["year"]): r for r in response.json()["rows"]}
    return asyncio.run(run())


def test_a_report_printed_after_the_deadline_is_late_by_its_days(archive_db):
    row = scorecard(archive_db)[("惠济区民政局", 2023)]
    assert (row["status"], row["published"], row["published_from"], row["on_time"], row["days_late"]) == (
        "published", "2024-02-15", "printed", 0, 15)


def test_on_time_by_the_printed_date_and_unknown_without_one(archive_db):
    rows = scorecard(archive_db)
    assert (rows[("鞍山市民政局", 2024)]["on_time"], rows[("鞍山市民政局", 2024)]["days_late"]) == (1, 0)
    # no printed date, first captured in November 2026: when it went online is not known
    unknown = rows[("湘乡市民政局", 2024)]
    assert (unknown["published_from"], unknown["on_time"], unknown["days_late"]) == ("first captured", None, None)


def test_failed_checks_tables_read_and_revisions(archive_db):
    row = scorecard(archive_db)[("湘乡市民政局", 2024)]
    assert (row["failed_checks"], row["tables_read"], row["revisions"], row["days_to_last_revision"]) == (4, 3, 1, 1)
    assert scorecard(archive_db)[("惠济区民政局", 2024)]["failed_checks"] == 0


def test_no_report_is_told_apart_by_how_the_site_was_read(archive_db):
    rows = scorecard(archive_db)
    assert rows[("湘乡市民政局", 2023)]["status"] == "not found"  # its site was read whole
    assert rows[("黄石市下陆区民政局", 2023)]["status"] == "unreachable"  # its site failed: unknown, not missing
    assert rows[("鞍山市民政局", 2023)]["status"] == "blocked"
    assert rows[("湘乡市民政局", THIS_YEAR)]["status"] == "not yet due"
    assert rows[("湘乡市民政局", 2023)]["report_id"] is None and rows[("湘乡市民政局", 2023)]["failed_checks"] is None
    assert rows[("阜新市细河区民政局", THIS_YEAR)]["on_time"] == 1  # found before its deadline


def test_scorecard_facets_and_the_report_page_link(archive_db):
    async def run():
        ds = serve.datasette_app(archive_db)
        body = (await ds.client.get("/nianbao/scorecard.json?_shape=objects")).json()
        page = (await ds.client.get("/nianbao/-/report/2")).text
        return body, page
    body, page = asyncio.run(run())
    assert {"year", "status", "on_time"} <= set(body["facet_results"])
    assert 'href="/nianbao/scorecard?site_id=2"' in page
