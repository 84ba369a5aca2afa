"""The page of a report version: the official tables with their labels, its versions and their diff,
the organ's other years, and the archived original served decompressed under a sandbox."""
from __future__ import annotations

import asyncio
import zlib

import lxml.html
import pytest

import archive_days as days
from archive import report_page, serve
from extractors import codebook


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("report_page") / "nianbao.db"
    days.build(db)
    return db


def get(db, path):
    async def run():
        response = await serve.datasette_app(db).client.get(path)
        return response
    return asyncio.run(run())


def report_id(db, organ, year):
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id FROM reports WHERE organ = ? AND year = ?", [organ, year]).fetchone()[0]
    finally:
        conn.close()


def cell_of(doc, key):
    (td,) = doc.xpath(f'//td[@data-key="{key}"]')
    return td


# ------------------------------------------------------------ the layout, from cells alone

def gold_cells(organ, inferred=()):
    return {k: (v, k in inferred) for k, v in days.gold(organ)["cells"].items()}


def test_layout_of_the_three_official_tables_with_their_labels():
    active, requests, review = report_page.tables(gold_cells("湘乡市民政局"), "2021")
    assert [r["label"] for r in active["rows"] if not r["heading"]] == [
        "规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"]
    assert [c["text"] for c in active["rows"][0]["cells"]] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    headings = [r["label"] for r in requests["rows"] if r["heading"]]
    assert headings == ["三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"]
    body = [r for r in requests["rows"] if not r["heading"]]
    assert body[0]["label"] == "一、本年新收政府信息公开申请数量"
    assert [c["key"] for c in body[0]["cells"]] == [f"requests.new_requests.{c}" for c in codebook.REQUEST_COLUMNS]
    assert "（六）其他处理" not in [r["label"] for r in body]  # the 2019 row: not printed by a 2021 report
    assert [h["text"] for h in requests["header"][1]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert [h["text"] for h in review["header"][0]] == ["行政复议", "行政诉讼"]
    assert len(review["rows"][0]["cells"]) == 15


def test_blank_absent_inferred_and_failed_cells_are_told_apart():
    cells = gold_cells("湘乡市民政局", inferred={"requests.granted.natural"})
    del cells["requests.partial.legal"]
    _, requests, _ = report_page.tables(cells, "2021", ["requests.row_total.new_requests", "requests.balance.total"])
    by_key = {c["key"]: c for r in requests["rows"] if not r["heading"] for c in r["cells"]}
    blank = by_key["requests.denied.enforcement_file.nonprofit"]  # printed blank in the gold record
    assert blank["blank"] and blank["value"] is None and not blank["absent"]
    assert by_key["requests.partial.legal"]["absent"] and not by_key["requests.partial.legal"]["blank"]
    assert by_key["requests.granted.natural"]["inferred"] and not by_key["requests.granted.legal"]["inferred"]
    assert by_key["requests.new_requests.natural"]["failed"] == ["requests.row_total.new_requests"]
    assert by_key["requests.total_handled.total"]["failed"] == ["requests.balance.total"]
    assert by_key["requests.new_requests.total"]["failed"] == ["requests.row_total.new_requests", "requests.balance.total"]
    assert not by_key["requests.granted.natural"]["failed"]


def test_a_2019_report_gets_the_2019_layout_even_without_a_template():
    cells = {"active.licensing.prev_items": (3, False), "active.licensing.change": (-1, False),
             "active.licensing.decisions": (2, False), "requests.other.natural": (0, False)}
    active, requests, review = report_page.tables(cells, None)
    assert [c["text"] for c in active["rows"][0]["cells"]] == ["上一年项目数量", "本年增/减", "处理决定数量"]
    assert [r["label"] for r in requests["rows"]] == ["（六）其他处理"]  # the 2019 row is its own heading
    assert review["printed"] is False


def test_the_organs_reports_years_link_each_other(archive_db):
    import sqlite3

    conn = sqlite3.connect(archive_db)
    page = report_page.load(conn, report_id(archive_db, "阜新市细河区民政局", 2023))
    assert [(r["year"], r["latest_version"]) for r in page["other_years"]] == [(2024, 1)]
    assert report_page.load(conn, 999) is None
    assert report_page.load(conn, 1, version=7) is None


# ------------------------------------------------------------ the page, served

def test_report_page_of_the_revised_report_shows_both_versions_and_their_diff(archive_db):
    rid = report_id(archive_db, "湘乡市民政局", 2024)
    response = get(archive_db, f"/nianbao/-/report/{rid}")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//h1")[0].text_content() == "湘乡市民政局2024年政府信息公开工作年度报告"
    versions = doc.xpath('//table[contains(@class, "versions")]/tbody/tr')
    assert [tr.xpath("td")[0].text_content() for tr in versions] == ["第1版", "第2版"]
    diff = [[td.text_content() for td in tr.xpath("td")] for tr in doc.xpath('//table[contains(@class, "changes")]/tbody/tr')]
    assert diff == [["requests.new_requests.total", "一、本年新收政府信息公开申请数量 / 总计", "changed", "0", "6"],
                    ["requests.granted.total", "（一）予以公开 / 总计", "changed", "0", "5"]]
    granted = cell_of(doc, "requests.granted.total")
    assert granted.text_content() == "5" and "changed" in granted.get("class") and "failed" in granted.get("class")
    blank = cell_of(doc, "requests.denied.enforcement_file.nonprofit")
    assert blank.text_content() == "" and "blank" in blank.get("class")
    assert "一、本年新收政府信息公开申请数量" in response.text and "（七）总计" in response.text

    first = lxml.html.fromstring(get(archive_db, f"/nianbao/-/report/{rid}?version=1").text)
    assert cell_of(first, "requests.granted.total").text_content() == "0"
    assert "changed" not in cell_of(first, "requests.granted.total").get("class")
    assert get(archive_db, f"/nianbao/-/report/{rid}?version=3").status_code == 404
    assert get(archive_db, "/nianbao/-/report/999").status_code == 404


def test_report_page_links_the_capture_and_the_organs_other_years(archive_db):
    rid = report_id(archive_db, "阜新市细河区民政局", 2024)
    doc = lxml.html.fromstring(get(archive_db, f"/nianbao/-/report/{rid}").text)
    hrefs = doc.xpath("//a/@href")
    assert f"/nianbao/-/report/{report_id(archive_db, '阜新市细河区民政局', 2023)}" in hrefs
    capture = [h for h in hrefs if h.startswith("/nianbao/-/capture/")]
    assert capture and get(archive_db, capture[0]).status_code == 200


def test_tables_and_views_naming_a_report_link_to_its_page(archive_db):
    rid = report_id(archive_db, "湘乡市民政局", 2024)
    for path in ("/nianbao/latest_reports", "/nianbao/reports", "/nianbao/changes_named", "/nianbao/report_versions",
                 "/nianbao/reports_failing_checks", "/nianbao/revisions_last_crawl", "/nianbao/scorecard",
                 "/nianbao/figures?key=requests.granted.total"):
        assert f'href="/nianbao/-/report/{rid}"' in get(archive_db, path).text, path


def test_archived_originals_are_served_decompressed_with_their_content_type(archive_db):
    import sqlite3

    conn = sqlite3.connect(archive_db)
    pdf_id, pdf_sha, pdf_bytes = conn.execute(
        "SELECT c.id, c.sha256, b.content FROM captures c JOIN blobs b USING (sha256)"
        " WHERE c.content_type = 'application/pdf'").fetchone()
    html_id, html_bytes = conn.execute(
        "SELECT c.id, b.content FROM captures c JOIN blobs b USING (sha256) WHERE c.content_type LIKE 'text/html%'"
        " ORDER BY c.id LIMIT 1").fetchone()
    pdf = get(archive_db, f"/nianbao/-/capture/{pdf_id}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == zlib.decompress(pdf_bytes)
    assert pdf.headers["content-disposition"].startswith("inline")
    assert "content-security-policy" not in pdf.headers  # chromium's PDF viewer refuses a sandbox
    html = get(archive_db, f"/nianbao/-/capture/{html_id}")
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.content == zlib.decompress(html_bytes) and html.content.startswith(b"<html>")
    assert html.headers["content-security-policy"].split(";")[0] == "sandbox"
    assert "script-src" not in html.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert html.headers["x-archived-sha256"] and html.headers["x-archived-fetched-at"]
    by_sha = get(archive_db, f"/nianbao/-/blob/{pdf_sha}")
    assert by_sha.content == pdf.content and by_sha.headers["content-type"] == "application/pdf"
    assert get(archive_db, "/nianbao/-/capture/999").status_code == 404
    blobs = get(archive_db, "/nianbao/blobs").text
    assert f'href="/nianbao/-/blob/{pdf_sha}"' in blobs  # not datasette's link to the zlib bytes


@pytest.mark.browser
@pytest.mark.skipif(not __import__("shutil").which("chromium"), reason="needs Debian's chromium")
def test_report_page_and_scorecard_in_headless_chromium(archive_db):
    """`nianbao serve` as a real server (datasette's own --port); chromium renders the revised
    report's page and the scorecard; screenshots kept in artifacts/."""
    from served_archive import artifact, browser_on

    shots = {name: artifact(f"archive_{name}.png") for name in ("report_page", "scorecard")}
    rid = report_id(archive_db, "湘乡市民政局", 2024)
    with browser_on(archive_db, 2200) as (base, page):
        page.goto(f"{base}/nianbao/-/report/{rid}", timeout=120_000)
        granted = page.inner_text('td[data-key="requests.granted.total"]')
        outlined = page.eval_on_selector('td[data-key="requests.granted.total"]',
                                         "td => getComputedStyle(td).outlineStyle")
        page.screenshot(path=str(shots["report_page"]), full_page=True)
        page.goto(f"{base}/nianbao/scorecard", timeout=120_000)
        scorecard = page.inner_text("table.rows-and-columns")
        page.screenshot(path=str(shots["scorecard"]), full_page=False)
    print("screenshots:", *shots.values())
    assert granted == "5" and outlined == "solid"  # revised to 5, read by a failed check
    assert "湘乡市民政局" in scorecard and "unreachable" in scorecard and "not found" in scorecard
    assert all(shot.stat().st_size > 10_000 for shot in shots.values())


def test_cells_left_out_as_uncertain_are_marked_with_the_reason_and_a_partial_report_says_so(tmp_path):
    from extractors import extract

    text = "\n".join(["某某县民政局2023年政府信息公开工作年度报告", "二、主动公开政府信息情况",
                      "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "规章 | 0 | 0 | 0 |",
                      "三、收到和处理政府信息公开申请情况",
                      "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
                      "一、本年新收政府信息公开申请数量 | 5 | 2 |", "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
                      "五、存在的主要问题及改进情况"])
    record = extract(text.encode("utf-8")) | {"organ": "惠济区民政局", "partial": True,
                                              "missing_parts": ["http://example.org/t1_1.html"]}
    db = tmp_path / "nianbao.db"
    days.store_extracted(db, "惠济区民政局", record)
    rid = report_id(db, "惠济区民政局", 2023)
    response = get(db, f"/nianbao/-/report/{rid}")
    doc = lxml.html.fromstring(response.text)
    uncertain = cell_of(doc, "requests.new_requests.natural")
    assert "uncertain" in uncertain.get("class") and "2 figure(s) for 7 columns" in uncertain.get("title")
    assert "uncertain" not in cell_of(doc, "active.rules.issued").get("class")
    assert "部分读取" in response.text and "http://example.org/t1_1.html" in response.text
