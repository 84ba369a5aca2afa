"""What a blind test of servers and pages the crawler had not seen found it mishandling.

- An old server that names the wrong charset: `Content-Type: text/html; charset=utf-8` on
  GBK pages whose <meta> says gb2312. Scrapy trusts the header, so every link title read
  as U+FFFD and no report was recognised (0 of 5 found, the site "ok").
- A one-sentence page (…予以公开，详见附件。) that stood for its attachment.
- A report file behind an address that names no file type and a link with no 附件 words.
"""
from __future__ import annotations

import pytest
from static_site import crawl, serve

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at, link_list

pytestmark = pytest.mark.slow

ORGAN = "清河县民政局"
WRONG = "text/html; charset=utf-8"


def gbk_site() -> tuple[dict[str, tuple[str, bytes]], set]:
    chrome = Chrome(ORGAN, site_code="1305000001", icp="冀ICP备05001234号", phone="0319-8888888",
                    nav={"首页": "/index.asp", "信息公开": "/list.asp"})
    pages, ours, items = {}, set(), []
    for n, year in enumerate((2023, 2024)):
        report = generate(ORGAN, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        path = f"/show{n}.html"
        html = article(chrome, report.title, at(report.published), report_body(report), charset="gb2312")
        pages[path] = (WRONG, html.encode("gb18030"))
        items.append((path, report.title, report.published))
        ours.add((year, path))
    pages["/list.asp"] = (WRONG, chrome.page("政府信息公开年报", link_list(items), charset="gb2312").encode("gb18030"))
    return pages, ours


def test_pages_served_with_the_wrong_charset_are_read_in_their_own(tmp_path):
    pages, ours = gbk_site()
    with serve(pages) as base:
        records = crawl(ORGAN, base + "/list.asp", tmp_path)
    assert {(r["year"], r["url"]) for r in records} == {(year, base + path) for year, path in ours}
    assert all(len(r["cells"]) > 100 for r in records)


def test_a_page_whose_sentence_reads_as_a_row_of_blanks_does_not_stand_for_its_attachment(tmp_path):
    # "…予以公开，详见附件" matches the 予以公开 row, and "浏览次数：37" beside it gave that
    # row seven blank cells: the page was kept as the report and the PDF dropped as its copy
    from localweb.render.pdf import render

    organ = "石泉县卫生健康局"
    chrome = Chrome(organ, site_code="6109000001", icp="陕ICP备05001234号", phone="0915-6666666",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/"})
    report = generate(organ, 2021, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
    page = article(chrome, report.title, at(report.published),
                   f"<p>现将{report.title}予以公开，详见附件。</p><p>附件：<a href='/files/nb2021.pdf'>{report.title}.pdf</a></p>",
                   views=37)
    pages = {"/xxgk/": ("text/html; charset=utf-8", chrome.page("政府信息公开年报", link_list(
                 [("/xxgk/t1.html", report.title, report.published)])).encode()),
             "/xxgk/t1.html": ("text/html; charset=utf-8", page.encode()),
             "/files/nb2021.pdf": ("application/pdf", render(report))}
    with serve(pages) as base:
        records = crawl(organ, base + "/xxgk/", tmp_path)
    assert [r["url"] for r in records] == [base + "/files/nb2021.pdf"]
    assert records[0]["cells"] == report.cells


def test_a_report_file_behind_an_address_that_names_no_file_type_is_fetched(tmp_path):
    # <a href="/oss/file?fid=88">金川县应急管理局2022年…年度报告</a>: no extension, no 附件/下载
    # words; its name is only in the answer's Content-Disposition
    from localweb.render.docx import render

    organ = "金川县应急管理局"
    chrome = Chrome(organ, site_code="5132000001", icp="川ICP备05001234号", phone="0837-2222222",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/"})
    report = generate(organ, 2022, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
    page = article(chrome, report.title, at(report.published), f'<p><a href="/oss/file?fid=88">{report.title}</a></p>')
    pages = {"/xxgk/": ("text/html; charset=utf-8", chrome.page("政府信息公开年报", link_list(
                 [("/xxgk/t1.html", report.title, report.published)])).encode()),
             "/xxgk/t1.html": ("text/html; charset=utf-8", page.encode()),
             "/oss/file": ("application/octet-stream", render(report))}
    with serve(pages) as base:
        records = crawl(organ, base + "/xxgk/", tmp_path)
    assert [r["url"] for r in records] == [base + "/oss/file?fid=88"]
    assert records[0]["cells"] == report.cells


def test_a_robots_txt_crawl_delay_spaces_the_requests_to_its_site(tmp_path):
    # Scrapy reads Crawl-delay but never applies it: here the site asks for 1 s between
    # requests, with the crawl's own delay at 0 (randomised, a gap is 0.5-1.5 times it)
    organ = "丰乐县司法局"
    chrome = Chrome(organ, site_code="3401000001", icp="皖ICP备05001234号", phone="0551-5555555",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/"})
    items, pages = [], {"/robots.txt": ("text/plain", b"User-agent: *\nCrawl-delay: 1\nDisallow: /admin/\n")}
    for year in (2022, 2023, 2024):
        report = generate(organ, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        pages[f"/xxgk/t{year}.html"] = ("text/html; charset=utf-8",
                                        article(chrome, report.title, at(report.published), report_body(report)).encode())
        items.append((f"/xxgk/t{year}.html", report.title, report.published))
    pages["/xxgk/"] = ("text/html; charset=utf-8", chrome.page("政府信息公开年报", link_list(items)).encode())
    log: list = []
    with serve(pages, log) as base:
        records = crawl(organ, base + "/xxgk/", tmp_path, robots=True)
    assert len(records) == 3
    times = [t for t, path in log if path != "/robots.txt"]
    assert len(times) == 4 and min(b - a for a, b in zip(times, times[1:])) >= 0.45
