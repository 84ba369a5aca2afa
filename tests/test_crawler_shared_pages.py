"""Seeds that meet: two departments of a county reach the portal's shared report column.

Found by a blind test: crawled together, the second seed to reach the shared column found
it already "seen" (Scrapy's duplicate filter) and stored nothing, where crawled alone it
found all its reports; two organs seeded at the same URL lost the second the same way.
Each seed now walks its own pages (crawler/fingerprint.py).
"""
from __future__ import annotations

import sqlite3

import pytest
from static_site import HTML, crawl, serve

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at, link_list

pytestmark = pytest.mark.slow

PORTAL = "青山市人民政府"
OFFICES = ("青山市自然资源和规划局", "青山市财政局")
COLUMN = "/zwgk/bmnb/"


def portal() -> tuple[dict[str, tuple[str, bytes]], dict[str, set]]:
    chrome = Chrome(PORTAL, site_code="3301000001", icp="浙ICP备05001234号", phone="0571-8888888",
                    nav={"首页": "/index.html", "政府信息公开": "/zwgk/index.html"})
    pages, ours, items = {}, {organ: set() for organ in OFFICES}, []
    for n, organ in enumerate(OFFICES):
        for year in (2023, 2024):
            report = generate(organ, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
            path = f"{COLUMN}{report.published:%Y%m}/t{report.published:%Y%m%d}_{n}{year}.html"
            pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
            items.append((path, report.title, report.published))
            ours[organ].add((year, path))
    pages[COLUMN] = (HTML, chrome.page("部门信息公开年报", link_list(items)).encode())
    pages["/zwgk/index.html"] = (HTML, chrome.page("政府信息公开", f'<a href="{COLUMN}">部门信息公开年报</a>').encode())
    pages["/index.html"] = (HTML, chrome.page(PORTAL, '<a href="/zwgk/index.html">政府信息公开</a>').encode())
    return pages, ours


def test_two_seeds_that_reach_the_same_column_each_get_their_reports(tmp_path):
    pages, ours = portal()
    with serve(pages) as base:
        records = crawl(OFFICES[0], base + COLUMN, tmp_path, more=[(OFFICES[1], base + "/index.html")])
    for organ in OFFICES:
        assert {(r["year"], r["url"]) for r in records if r["organ"] == organ} == \
            {(year, base + path) for year, path in ours[organ]}


def test_two_organs_seeded_at_the_same_url_each_get_their_reports(tmp_path):
    pages, ours = portal()
    db = tmp_path / "archive.db"
    with serve(pages) as base:
        records = crawl(OFFICES[0], base + COLUMN, tmp_path, more=[(OFFICES[1], base + COLUMN)], db=db)
    for organ in OFFICES:
        assert {(r["year"], r["url"]) for r in records if r["organ"] == organ} == \
            {(year, base + path) for year, path in ours[organ]}
    with sqlite3.connect(db) as archive:  # one site row for the URL: its statistics are both organs'
        assert archive.execute("SELECT status, reports FROM crawl_sites").fetchall() == [("ok", 4)]


def departments_portal() -> tuple[dict[str, tuple[str, bytes]], dict[str, set]]:
    """A county's 部门公开 page that offers its departments only in an image map and a
    drop-down (<select onchange>), each department's pages with a report column; the
    portal's banner to 政府信息公开 is an image whose alt text names it."""
    chrome = Chrome("柏树县人民政府", site_code="3502000001", icp="闽ICP备05001234号", phone="0598-8888888",
                    nav={"首页": "/index.html"})
    offices = {"mzj": "柏树县民政局", "slj": "柏树县水利局"}
    pages, ours = {}, {organ: set() for organ in offices.values()}
    for key, organ in offices.items():
        items = []
        for year in (2023, 2024):
            report = generate(organ, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
            path = f"/bm/{key}/nb/t{year}.html"
            pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
            items.append((path, report.title, report.published))
            ours[organ].add((year, path))
        pages[f"/bm/{key}/nb/"] = (HTML, chrome.page("信息公开年报", link_list(items)).encode())
        pages[f"/bm/{key}/"] = (HTML, chrome.page(organ, f'<a href="/bm/{key}/nb/">信息公开年报</a>').encode())
    map_and_menu = ('<img src="/map.png" usemap="#bm"><map name="bm">'
                    '<area shape="rect" coords="0,0,50,50" href="/bm/mzj/" alt="县民政局"></map>'
                    '<select onchange="location=this.value"><option value="">请选择部门</option>'
                    '<option value="/bm/slj/">县水利局</option></select>')
    pages["/bmgk/"] = (HTML, chrome.page("部门公开", map_and_menu).encode())
    pages["/index.html"] = (HTML, chrome.page("柏树县人民政府", '<a href="/bmgk/"><img src="/b.png" alt="部门信息公开"></a>').encode())
    return pages, ours


def test_departments_offered_in_an_image_map_or_a_drop_down_are_reached(tmp_path):
    pages, ours = departments_portal()
    (one, two) = ours
    with serve(pages) as base:
        records = crawl(one, base + "/index.html", tmp_path, more=[(two, base + "/bmgk/")])
    for organ in ours:
        assert {(r["year"], r["url"]) for r in records if r["organ"] == organ} == \
            {(year, base + path) for year, path in ours[organ]}


def test_another_departments_pages_on_the_portal_are_not_entered(tmp_path):
    # the portal's department list links every office under /xxgk/bmxxgk/<dept>/ (a
    # disclosure-section URL); a report there titled without its organ is that office's
    chrome = Chrome("云山县人民政府", site_code="3505000001", icp="闽ICP备05001236号", phone="0599-8888888",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/bmxxgk/"})
    pages, ours = {}, set()
    for key, organ in (("czj", "云山县财政局"), ("mzj", "云山县民政局")):
        report = generate(organ, 2021, contacts=Contacts(phone=[], email=[], address=[], postcode=[]),
                          title="2021年政府信息公开工作年度报告")  # names no organ
        path = f"/xxgk/bmxxgk/{key}/nb/t2021.html"
        pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
        pages[f"/xxgk/bmxxgk/{key}/nb/"] = (HTML, chrome.page("政府信息公开年报", link_list(
            [(path, report.title, report.published)])).encode())
        pages[f"/xxgk/bmxxgk/{key}/"] = (HTML, chrome.page(organ, f'<a href="/xxgk/bmxxgk/{key}/nb/">政府信息公开年报</a>').encode())
        if key == "mzj":
            ours.add((2021, path))
    # the other department first: before, its report was stored as ours and ours dropped as a copy
    pages["/xxgk/bmxxgk/"] = (HTML, chrome.page("部门信息公开", '<a href="/xxgk/bmxxgk/czj/">县财政局</a> '
                                                '<a href="/xxgk/bmxxgk/mzj/">县民政局</a>').encode())
    with serve(pages) as base:
        records = crawl("云山县民政局", base + "/xxgk/bmxxgk/", tmp_path)
    assert {(r["year"], r["url"]) for r in records} == {(year, base + path) for year, path in ours}


def test_a_report_module_page_that_is_one_years_report_leads_to_the_other_years(tmp_path):
    # Hanweb's xxgkAnnualReport.jsp shows the newest report and offers the other years
    # as <option>s of fbtime=…; before, only the page's own year was kept
    organ = "景宁县民政局"
    chrome = Chrome(organ, site_code="3311270002", icp="浙ICP备05001237号", phone="0578-5555556",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/"})
    years = (2022, 2023, 2024)
    options = "".join(f'<option value="/module/xxgk/xxgkAnnualReport.jsp?area=1&amp;fbtime={y}">{y}年</option>' for y in years)
    pages = {}
    for year in years:
        report = generate(organ, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        body = (f'<select onchange="location=this.value">{options}</select><h1>{report.title}</h1>' + report_body(report))
        html = chrome.page("政府信息公开年报", body).encode()
        pages[f"/module/xxgk/xxgkAnnualReport.jsp?fbtime={year}"] = (HTML, html)
    pages["/xxgk/"] = (HTML, chrome.page("政府信息公开", '<a href="/module/xxgk/xxgkAnnualReport.jsp?area=1">政府信息公开年报</a>').encode())
    pages["/module/xxgk/xxgkAnnualReport.jsp"] = pages[f"/module/xxgk/xxgkAnnualReport.jsp?fbtime={years[-1]}"]
    with serve(pages, query=True) as base:
        records = crawl(organ, base + "/xxgk/", tmp_path)
    assert {r["year"] for r in records} == set(years)
