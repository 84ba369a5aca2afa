"""datasette on an archive: metadata, every canned query, full-text search, and a real browser."""
from __future__ import annotations

import asyncio
import shutil
import sqlite3

import pytest

import archive_days as days
from archive import serve

QUERIES = ["denials_by_reason", "reports_failing_checks", "revisions_last_crawl", "missing_by_deadline",
           "requests_by_applicant", "report_figures", "search"]
PARAMS = {"report_figures": "report_id=2", "search": "q=养老服务"}


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("datasette") / "nianbao.db"
    days.build(db)
    return db


def get_json(db, path):
    async def run():
        ds = serve.datasette_app(db)
        response = await ds.client.get(path)
        return response.status_code, response.json()
    return asyncio.run(run())


def test_metadata_names_every_canned_query_and_figure_column(archive_db):
    metadata = serve.build_metadata("nianbao")
    database = metadata["databases"]["nianbao"]
    assert sorted(database["queries"]) == sorted(QUERIES)
    assert database["tables"]["latest_figures"]["columns"]["requests.granted.natural"] == "（一）予以公开 / 自然人"
    for name, query in database["queries"].items():
        assert " / " in query["title"], f"{name}: title in Chinese / English"


@pytest.mark.parametrize("query", QUERIES)
def test_canned_query_answers_with_rows(archive_db, query):
    params = PARAMS.get(query)
    status, body = get_json(archive_db, f"/nianbao/{query}.json?_shape=objects" + (f"&{params}" if params else ""))
    assert status == 200, body
    assert body["rows"], f"{query}: no rows"


def test_canned_query_rows_are_the_expected_ones(archive_db):
    _, body = get_json(archive_db, "/nianbao/revisions_last_crawl.json?_shape=objects")
    assert [(r["organ"], r["key"], r["old_value"], r["new_value"]) for r in body["rows"]] == [
        ("湘乡市民政局", "requests.new_requests.total", 0, 6),
        ("湘乡市民政局", "requests.granted.total", 0, 5),
    ]
    _, body = get_json(archive_db, "/nianbao/reports_failing_checks.json?_shape=objects")
    assert [(r["organ"], r["failed"]) for r in body["rows"]] == [("湘乡市民政局", 4)]
    _, body = get_json(archive_db, "/nianbao/missing_by_deadline.json?_shape=objects")
    assert ("鞍山市民政局", 2024) not in {(r["organ"], r["year"]) for r in body["rows"]}  # published 2025-01-07
    assert ("湘乡市民政局", 2023, "no report") in {(r["organ"], r["year"], r["status"]) for r in body["rows"]}


def test_aggregate_queries_equal_the_sums_over_latest_cells(archive_db):
    """The canned aggregates read the writer's totals tables; they must say what summing cells says."""
    conn = sqlite3.connect(archive_db)
    latest = ("FROM reports r JOIN cells c ON c.version_id = r.latest_version_id JOIN cell_keys k ON k.id = c.key_id"
              " WHERE k.section = 'requests'")
    denials = conn.execute(
        f"SELECT r.organ, k.key, sum(c.value) {latest} AND k.row LIKE 'denied.%' AND k.col = 'total'"
        " GROUP BY r.organ, k.key HAVING sum(c.value) > 0 ORDER BY 3 DESC, 1, 2").fetchall()
    by_year = conn.execute(
        f"SELECT r.year, sum(CASE k.col WHEN 'natural' THEN c.value END), sum(CASE k.col WHEN 'total' THEN c.value END)"
        f" {latest} AND k.row = 'new_requests' GROUP BY r.year ORDER BY r.year").fetchall()
    conn.close()
    assert denials and by_year
    _, body = get_json(archive_db, "/nianbao/denials_by_reason.json?_shape=objects")
    assert sorted((r["organ"], r["key"], r["denials"]) for r in body["rows"]) == sorted(denials)
    _, body = get_json(archive_db, "/nianbao/requests_by_applicant.json?_shape=objects")
    assert [(r["year"], r["自然人 natural"], r["总计 total"]) for r in body["rows"]] == by_year


def test_search_query_finds_words_of_any_length_by_the_index(archive_db):
    _, body = get_json(archive_db, "/nianbao/search.json?_shape=objects&q=细河区")
    assert [(r["organ"], r["year"]) for r in body["rows"]] == [("阜新市细河区民政局", 2023), ("阜新市细河区民政局", 2024)]
    assert "【细河区】" in body["rows"][0]["snippet"]
    _, body = get_json(archive_db, "/nianbao/search.json?_shape=objects&q=民政")  # two characters
    assert len(body["rows"]) == 7


def test_table_search_finds_what_the_canned_search_finds(archive_db):
    for words in ("政府信息", "民政", "细河区", "民政 细河区", "惠济区 OR 细河区", "民政 -细河区", "民", "申请-人", "——"):
        status, body = get_json(archive_db, f"/nianbao/report_versions.json?_search={words}&_shape=objects&_col=organ")
        assert status == 200, (words, body)
        _, canned = get_json(archive_db, f"/nianbao/search.json?_shape=objects&q={words}")
        assert [r["id"] for r in body["rows"]] == sorted(r["version_id"] for r in canned["rows"]), words
    _, body = get_json(archive_db, "/nianbao/report_versions.json?_search=政府信息&_shape=objects&_col=organ")
    assert len(body["rows"]) == 7  # every version's text says 政府信息


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_report_page_renders_figures_in_headless_chromium(archive_db):
    """`nianbao serve` as a real server; chromium renders one report's figures; screenshot kept."""
    from served_archive import artifact, browser_on

    screenshot = artifact("archive_report_figures.png")
    with browser_on(archive_db, 1800) as (base, page):
        page.goto(f"{base}/nianbao/report_figures?report_id=2", timeout=120_000)  # a loaded machine: time
        text = page.inner_text("table.rows-and-columns")
        page.screenshot(path=str(screenshot), full_page=False)
    print(f"screenshot: {screenshot}")
    assert "湘乡市民政局" in text
    assert "（一）予以公开 / 社会公益组织" in text  # the figure's official label
    assert "requests.granted.total" in text and "5" in text.split("requests.granted.total", 1)[1].split("\n", 1)[0]
    assert screenshot.stat().st_size > 10_000


def test_datasette_reads_while_a_crawl_writes(tmp_path):
    """Served read-only (mode=ro, not immutable): a store() made meanwhile shows up at once."""
    from archive import Archive

    db = tmp_path / "nianbao.db"
    days.build(db)

    async def run():
        ds = serve.datasette_app(db)
        before = (await ds.client.get("/nianbao/reports.json?_shape=array")).json()
        with Archive(db) as archive:  # the crawl's writer, while datasette holds its connections
            crawl = archive.begin_crawl(days.seeds())
            assert archive.store(crawl, days.item("湘乡市民政局", days.gold("湘乡市民政局") | {"year": 2025}, 3)) == "new"
        after = (await ds.client.get("/nianbao/reports.json?_shape=array")).json()
        return len(before), len(after)

    assert asyncio.run(run()) == (6, 7)


def test_wide_view_of_latest_figures_is_browsable(archive_db):
    status, body = get_json(archive_db, "/nianbao/latest_figures.json?_shape=objects&organ=湘乡市民政局")
    assert status == 200
    assert [(r["version"], r["requests.granted.total"], r["requests.new_requests.total"]) for r in body["rows"]] == [(2, 5, 6)]


def get_html(db, path):
    async def run():
        response = await serve.datasette_app(db).client.get(path)
        return response.status_code, response.text
    return asyncio.run(run())


def test_database_page_lists_reports_first_and_hides_the_raw_bytes(archive_db):
    import lxml.html

    status, text = get_html(archive_db, "/nianbao")
    assert status == 200
    doc = lxml.html.fromstring(text)
    tables = [a.text_content() for a in doc.xpath('//div[@class="db-table"]/h3/a')]
    assert tables[:3] == ["reports", "report_versions", "cells"]
    assert "blobs" not in tables and tables[-1] == "totals_by_organ"
    assert doc.xpath("//textarea")[0].text_content() == "select * from reports"
    views = [a.text_content() for a in doc.xpath('//h2[@id="views"]/following-sibling::ul[1]/li/a')]
    assert views[:2] == ["scorecard", "latest_reports"] and views[-1] == "latest_figures" and "figures" in views


def test_long_figures_view_with_labels_and_default_facets(archive_db):
    status, body = get_json(archive_db, "/nianbao/figures.json?_shape=objects&organ=湘乡市民政局&key=requests.granted.total")
    assert status == 200
    assert [(r["year"], r["version"], r["label"], r["value"], r["inferred"]) for r in body["rows"]] == [
        (2024, 2, "（一）予以公开 / 总计", 5, 0)]
    assert {"section", "year"} <= set(body["facet_results"])
    _, body = get_json(archive_db, "/nianbao/figures.json?_shape=objects&_size=max&report_id=2")
    assert len(body["rows"]) == 200  # every figure of the report's latest version


def test_canned_query_page_is_titled_by_its_title(archive_db):
    _, text = get_html(archive_db, "/nianbao/reports_failing_checks")
    assert "<title>数字不平衡的报告 / Reports failing checks · nianbao</title>" in text
