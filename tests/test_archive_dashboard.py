"""The archive's dashboard (datasette-dashboards): every chart's SQL answers on an archive with
the figures it should, and chromium draws the charts from the bundled vega-lite."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

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
    import httpx
    from playwright.sync_api import sync_playwright

    from test_archive_datasette import _free_port

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "serve", "--db", str(archive_db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    artifacts = Path(os.environ.get("NIANBAO_ARTIFACTS", "artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    screenshot = (artifacts / "archive_dashboard.png").resolve()
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/-/versions.json").status_code == 200:
                    break
            except httpx.HTTPError:
                import time
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.goto(f"http://127.0.0.1:{port}/-/dashboards/nianbao", timeout=120_000)
            page.wait_for_function("document.querySelectorAll('canvas, svg.marks').length >= 5", timeout=60_000)
            drawn = page.eval_on_selector_all("canvas, svg.marks", "els => els.length")
            page.wait_for_timeout(500)
            page.screenshot(path=str(screenshot), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"screenshot: {screenshot}")
    assert drawn >= 5  # the five vega-lite charts
    assert screenshot.stat().st_size > 10_000
