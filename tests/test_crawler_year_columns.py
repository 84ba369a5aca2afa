"""A county portal that files each year's reports in a column of its own, split by office.

Real portals (TRS on 集约化 platforms: …/zfxxgkndbg/2024nzfxxgkndbg/qzbm/) link each year's
column from the report column with the text of a report title that names no organ
("2024年政府信息公开工作年度报告"), and split the year's column into 县政府 / 县直部门 /
乡镇（街道） sub-columns. Found by a blind test on sites the crawler had not seen: it
requested the year columns as report articles, never reached the 县直部门 lists, and stored
the four link-only column pages as the bureau's reports (with 0 cells). Here the portal is
built from the local web's page helpers and served from a small static server.
"""
from __future__ import annotations

import pytest
from static_site import HTML, crawl, serve

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at, link_list

pytestmark = pytest.mark.slow

PORTAL = "金沙县人民政府"
ORGAN = "金沙县民政局"
COLUMN = "/zfxxgk/zfxxgkndbg/"
KINDS = {"xzf": "县政府", "qzbm": "县直部门", "xz": "乡镇（街道）"}


def portal_pages() -> tuple[dict[str, str], dict[int, str]]:
    """{path: html} of the portal, and {year: path} of the bureau's reports."""
    chrome = Chrome(PORTAL, site_code="5205230001", icp="黔ICP备05001234号", phone="0857-7222222",
                    nav={"首页": "/index.html", "政府信息公开": "/zfxxgk/index.html", "政府信息公开年报": COLUMN})
    pages, ours = {}, {}
    pages["/index.html"] = chrome.page(PORTAL, "<p>欢迎访问。</p>")
    pages["/zfxxgk/index.html"] = chrome.page("政府信息公开", f'<a href="{COLUMN}">政府信息公开年报</a>')
    years = (2023, 2024)
    pages[COLUMN] = chrome.page("政府信息公开年报", link_list(
        [(f"./{y}nzfxxgkndbg/", f"{y}年政府信息公开工作年度报告", at(generate(ORGAN, y).published)) for y in years]))
    for year in years:
        here = f"{COLUMN}{year}nzfxxgkndbg/"
        sub = " ".join(f'<a href="./{key}/">{name}</a>' for key, name in KINDS.items())
        pages[here] = chrome.page(f"{year}年政府信息公开工作年度报告", f'<div class="subcol">{sub}</div>')
        offices = {"xzf": [PORTAL], "qzbm": [ORGAN, "金沙县财政局", "金沙县民族宗教事务局"], "xz": ["金沙县沙土镇人民政府"]}
        for key, organs in offices.items():
            items = []
            for n, organ in enumerate(organs):
                # the year first, as 年度, in one of the bureau's titles
                title = f"{year}年度{organ}政府信息公开工作年度报告" if organ == ORGAN and year == 2023 else None
                report = generate(organ, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]), title=title)
                path = f"{here}{key}/{report.published:%Y%m}/t{report.published:%Y%m%d}_{9000 + year * 10 + n}.htm"
                pages[path] = article(chrome, report.title, at(report.published), report_body(report))
                items.append((f"./{report.published:%Y%m}/{path.rsplit('/', 1)[1]}", report.title, report.published))
                if organ == ORGAN:
                    ours[year] = path
            pages[f"{here}{key}/"] = chrome.page(KINDS[key], link_list(items))
    return pages, ours


@pytest.fixture(scope="module")
def portal():
    pages, ours = portal_pages()
    with serve({path: (HTML, html.encode("utf-8")) for path, html in pages.items()}) as base:
        yield base, ours


def test_year_columns_linked_by_report_titles_are_read_as_lists_down_to_the_office_columns(portal, tmp_path):
    base, ours = portal
    records = crawl(ORGAN, base + COLUMN, tmp_path)
    assert {(r["year"], r["url"]) for r in records} == {(year, base + path) for year, path in ours.items()}
    assert all(len(r["cells"]) > 100 for r in records)
