"""The archive's dashboard (datasette-dashboards): every chart's SQL answers on an archive with
the figures it should, and chromium draws the charts from the bundled vega-lite."""
from __future__ import annotations

import asyncio
import shutil

import pytest

import archive_days as days
from archive import serve

CHARTS = {"reports-count", "bodies-count", "revised-count", "reports-per-year", "deadline-by-year",
          "requests-by-applicant", "failed-share", "denial-reasons"}


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("dashboard") / "nianbao.db"
    days.build(db)
    return db


def chart_rows(db):
    dashboard = serve.build_metadata("nianbao")["plugins"]["datasette-dashboards"]["nianbao"]

    async def run():
        ds = serve.datasette_app(db)
        out = {}
        for name, chart in dashboard["charts"].items():
            assert chart["db"] == "nianbao"
            response = await ds.client.get("/nianbao.json", params={"sql": chart["query"], "_shape": "objects"})
            assert response.status_code == 200, (name, response.text)
            out[name] = response.json()["rows"]
        page = await ds.client.get("/-/dashboards/nianbao")
        return out, page.status_code, page.text
    return asyncio.run(run())


def test_every_chart_answers_with_the_archives_figures(archive_db):
    rows, status, page = chart_rows(archive_db)
    assert set(rows) == CHARTS
    assert rows["reports-count"] == [{"n": 6}] and rows["revised-count"] == [{"n": 1}]
    assert {(r["year"], r["reports"]) for r in rows["reports-per-year"]} == {(2023, 1), (2024, 5)}
    outcomes = {(r["year"], r["outcome"]): r["bodies"] for r in rows["deadline-by-year"]}
    assert outcomes[(2023, "unreachable")] == 1 and outcomes[(2023, "not found")] == 3
    assert outcomes[(2024, "按期 on time")] == 1  # 鞍山: printed 2025-01-07
    assert {(r["year"], r["percent"]) for r in rows["failed-share"]} == {(2023, 0.0), (2024, 20.0)}  # 湘乡, 1 of 5
    assert {r["applicant"] for r in rows["requests-by-applicant"]} == {
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"}
    assert rows["denial-reasons"][0]["reason"].startswith(("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."))
    assert status == 200 and "各年度报告数 / Reports per covered year" in page


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_chromium_draws_the_dashboard(archive_db):
    from served_archive import artifact, browser_on

    screenshot = artifact("archive_dashboard.png")
    with browser_on(archive_db, 1600) as (base, page):
        page.goto(f"{base}/-/dashboards/nianbao", timeout=120_000)
        page.wait_for_function("document.querySelectorAll('canvas, svg.marks').length >= 5", timeout=60_000)
        drawn = page.eval_on_selector_all("canvas, svg.marks", "els => els.length")
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshot), full_page=True)
    print(f"screenshot: {screenshot}")
    assert drawn >= 5  # the five vega-lite charts
    assert screenshot.stat().st_size > 10_000
