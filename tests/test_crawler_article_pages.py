"""An article split over several pages (TRS: t20250115_3101.html, then _1.html, _2.html).

Some CMS cut a long article into pages linked by 2, 3, 下一页; a report's tables then sit
on pages the spider used not to read (it follows only attachments from a report page), and
the record held section 二 alone, with nothing to say the rest was missing. Found by a
blind test on sites the crawler had not seen.
"""
from __future__ import annotations

import json
import sqlite3

import pytest
from static_site import HTML, crawl, serve

from crawler import discovery
from crawler.discovery import Link
from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at, link_list

pytestmark = pytest.mark.slow

ORGAN = "石门市退役军人事务局"
COLUMN = "/zwgk/zfxxgknb/"


def test_continuation_pages_are_the_pages_of_this_article_only():
    page = "http://a.gov.cn/zwgk/nb/202501/t20250115_3101.html"
    links = [Link("http://a.gov.cn/zwgk/nb/202501/t20250115_3101_2.html", "3"),
             Link("http://a.gov.cn/zwgk/nb/202501/t20250115_3101_1.html", "下一页"),
             Link("http://a.gov.cn/zwgk/nb/202501/t20250115_3102.html", "上一篇"),            # another article
             Link("http://a.gov.cn/zwgk/nb/202501/P020250115_3101_1.pdf", "附件"),
             Link("http://a.gov.cn/zwgk/other/t20250115_3101_1.html", "x")]                    # another directory
    assert discovery.continuation_pages(links, page) == ["http://a.gov.cn/zwgk/nb/202501/t20250115_3101_1.html",
                                                         "http://a.gov.cn/zwgk/nb/202501/t20250115_3101_2.html"]
    # a continuation page has none of its own (its links lead back and on)
    assert discovery.continuation_pages(links, "http://a.gov.cn/zwgk/nb/202501/t20250115_3101_1.html") == []


PAGERS = {
    # links to the other pages: 1 2 3 下一页
    "links": lambda names, n: " ".join(f'<a href="{names[k].rsplit("/", 1)[1]}">{k + 1}</a>' for k in range(3) if k != n)
    + (f' <a href="{names[n + 1].rsplit("/", 1)[1]}">下一页</a>' if n < 2 else ""),
    # TRS: the pager is written by a script in the browser, no <a> in the page's source
    "script": lambda names, n: f'<script type="text/javascript">createPageHTML(3, {n}, "t20250115_3101", "html");</script>',
    # the article's own address with ?page=N
    "query": lambda names, n: " ".join(f'<a href="?page={k + 1}">{k + 1}</a>' for k in range(3) if k != n),
    # a 下一页 button whose handler knows the next page (disabled on the last)
    "button": lambda names, n: '<a href="javascript:void(0);" onclick="nextPage()">下一页</a>' if n < 2
    else '<span class="disabled">下一页</span>',
}


def article_pages(pager: str = "links") -> tuple[dict[str, tuple[str, bytes]], dict]:
    chrome = Chrome(ORGAN, site_code="1301000001", icp="冀ICP备05001234号", phone="0311-8888888",
                    nav={"首页": "/index.html", "政务公开": COLUMN})
    report = generate(ORGAN, 2024, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
    body = report_body(report)
    cut = [body.index(heading) for heading in ("三、收到和处理", "四、政府信息公开行政复议")]
    cut = [body.rindex("<", 0, at_) for at_ in cut]  # at the start of the heading's element
    chunks = [body[:cut[0]], body[cut[0]:cut[1]], body[cut[1]:]]
    stem = f"{COLUMN}202501/t20250115_3101"
    if pager == "query":
        names = [f"{stem}.html", f"{stem}.html?page=2", f"{stem}.html?page=3"]
    else:
        names = [f"{stem}.html", f"{stem}_1.html", f"{stem}_2.html"]
    pages = {}
    for n, (name, chunk) in enumerate(zip(names, chunks)):
        html = article(chrome, report.title, at(report.published), chunk + f'<div class="page">{PAGERS[pager](names, n)}</div>')
        pages[name] = (HTML, html.encode("utf-8"))
    pages[COLUMN] = (HTML, chrome.page("政府信息公开年报", link_list([(names[0], report.title, report.published)])).encode())
    return pages, {"url": names[0], "cells": report.cells, "parts": names}


def sites_of(tmp_path) -> dict:
    """The crawl's per-site statistics (written beside its JSON Lines)."""
    return json.loads((tmp_path / "reports.jsonl.sites.json").read_text(encoding="utf-8"))


def site_status(db) -> list[tuple]:
    """(status, reasons) of each site of the archive's last crawl (crawl_sites)."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT status, reasons FROM crawl_sites WHERE crawl_id = (SELECT max(id) FROM crawls)").fetchall()


@pytest.mark.parametrize("pager", ["links", "script", "query", "button"])
def test_an_article_over_three_pages_is_one_report_with_all_its_tables(tmp_path, pager):
    pages, truth = article_pages(pager)
    with serve(pages, query=pager == "query") as base:
        records = crawl(ORGAN, base + COLUMN, tmp_path, db=tmp_path / "a.db")
    assert [r["url"] for r in records] == [base + truth["url"]]
    assert records[0]["cells"] == truth["cells"]
    assert not records[0].get("partial")
    site, = sites_of(tmp_path).values()
    assert not site.get("partial_reports") and [status for status, _ in site_status(tmp_path / "a.db")] == ["ok"]


@pytest.mark.parametrize("pager", ["links", "script"])
def test_a_page_of_the_article_that_cannot_be_read_leaves_a_partial_report_of_the_others(tmp_path, pager):
    pages, truth = article_pages(pager)
    del pages[truth["parts"][1]]  # section 三's page answers 404: section 四's is still read
    with serve(pages) as base:
        records = crawl(ORGAN, base + COLUMN, tmp_path, db=tmp_path / "a.db")
    assert [r["url"] for r in records] == [base + truth["url"]]
    record = records[0]
    cells = record["cells"]
    assert cells and all(truth["cells"][k] == v for k, v in cells.items())  # no wrong figure
    assert any(k.startswith("review.") for k in cells)  # 四 is on the last page, read after the gap
    assert set(cells) < set(truth["cells"])
    assert record["partial"] is True and record["missing_parts"] == [base + truth["parts"][1]]
    assert any(note.startswith("partial: 1 of the article's 3 pages") and "http 404" in note for note in record["notes"])
    assert [status for status, _ in site_status(tmp_path / "a.db")] == ["partial"]
    site, = sites_of(tmp_path).values()
    assert site["partial_reports"] == {base + truth["url"]: [base + truth["parts"][1]]}


def test_the_summary_line_tells_partial_blocked_and_not_found_apart():
    from crawler.sitestats import SiteStats

    stats = SiteStats()
    seed, blocked, empty = ({"name": name, "url": f"http://{n}.gov.cn/"} for n, name in
                            enumerate((ORGAN, "沂水县民政局", "梁山县民政局")))
    for one in (seed, blocked, empty):
        stats.add_seed(one)
        stats.count(one, "pages", 3)
    stats.count(seed, "reports")
    assert stats.summary_line(ORGAN).startswith(f"{ORGAN}: 1 reports")
    stats.partial_report(seed, "http://a.gov.cn/t1.html", [{"url": "http://a.gov.cn/t1_1.html", "reason": "http 404"}])
    assert stats.summary_line(ORGAN).startswith(f"PARTIAL {ORGAN}: 1 reports from 3 pages, 1 of them partial "
                                                "(article pages unread: http://a.gov.cn/t1_1.html)")
    stats.error(blocked, "blocked: JavaScript challenge (HTTP 412) not passed in the browser", "http://1.gov.cn/")
    assert stats.summary_line("沂水县民政局") == ("BLOCKED 沂水县民政局: 0 reports from 3 pages; errors: blocked: "
                                              "JavaScript challenge (HTTP 412) not passed in the browser ×1")
    assert stats.summary_line("梁山县民政局") == "NO REPORTS 梁山县民政局: 0 reports from 3 pages; no errors"


def test_pagers_of_an_article_written_by_a_script_or_with_no_address():
    page = "http://a.gov.cn/zwgk/nb/202501/t20250115_3101.html"
    script = '<div id="zoom">…</div><script>createPageHTML(3, 0, "t20250115_3101", "html");</script>'
    assert discovery.continuation_pages([], page, script) == [page.replace(".html", "_1.html"), page.replace(".html", "_2.html")]
    # from the second page on, only the pages after it
    second = page.replace(".html", "_1.html")
    assert discovery.continuation_pages([], second, script.replace(", 0,", ", 1,"), first=page) == \
        [page.replace(".html", "_2.html")]
    # a list's pager on the page (the column's index) is not the article's
    assert discovery.continuation_pages([], page, '<script>createPageHTML(7, 0, "index", "html");</script>') == []
    # ?page=N of the article's own address; another article's or another query's is not
    links = [Link(page + "?page=2", "2"), Link(page + "?page=3", "3"), Link(page + "?id=9&page=2", "x"),
             Link("http://a.gov.cn/zwgk/nb/202501/t20250115_3102.html?page=2", "y")]
    assert discovery.continuation_pages(links, page) == [page + "?page=2", page + "?page=3"]
    assert discovery.continuation_pages(links, page + "?page=2", first=page) == [page + "?page=3"]
    # 下一页 with no address: the next part by the CMS's naming; a disabled one or plain text is none
    button = '<div class="page"><a href="javascript:void(0)" onclick="go(1)">下一页</a></div>'
    assert discovery.continuation_pages([], page, button) == [page.replace(".html", "_1.html")]
    assert discovery.continuation_pages([], second, button, first=page) == [page.replace(".html", "_2.html")]
    for none in ('<a class="disabled" href="javascript:;">下一页</a>', "<span>下一页</span>", "<p>见下一页表格</p>"):
        assert discovery.continuation_pages([], page, none) == [], none
    assert discovery.has_addressless_next('<button type="button">下一页</button>')


def flip_book_pages() -> tuple[dict[str, tuple[str, bytes]], dict]:
    """A report published as a flip-book: the article says 点击阅读, the book's viewer is a
    script, and its text is on files/basic-html/page1.html … page3.html, each linking the next."""
    chrome = Chrome(ORGAN, site_code="1301000001", icp="冀ICP备05001234号", phone="0311-8888888",
                    nav={"首页": "/index.html", "政务公开": COLUMN})
    report = generate(ORGAN, 2023, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
    body = report_body(report)
    cut = [body.rindex("<", 0, body.index(h)) for h in ("三、收到和处理", "四、政府信息公开行政复议")]
    chunks = [body[:cut[0]], body[cut[0]:cut[1]], body[cut[1]:]]
    book = f"{COLUMN}202401/ebook2023/"
    pages = {f"{COLUMN}202401/t20240118_2901.html": article(
        chrome, report.title, at(report.published),
        f'<p>{report.title}已制作成电子书，<a href="./ebook2023/index.html">点击阅读</a>。</p>'),
        f"{book}index.html": ("<html><head><title>" + report.title + "</title><script src='javascript/config.js'></script>"
                              "</head><body><div id='loading'>正在加载……</div><noscript>"
                              "<a href='files/basic-html/page1.html'>" + report.title + "</a></noscript></body></html>")}
    for n, chunk in enumerate(chunks, 1):
        pager = '<a href="index.html">Contents</a>' + (f' <a href="page{n + 1}.html">Next Page</a>' if n < 3 else "")
        pages[f"{book}files/basic-html/page{n}.html"] = (
            f"<html><head><meta charset='utf-8'><title>{report.title} - Page {n}</title></head>"
            f"<body><div class='pager'>{pager}</div><div class='text'>{chunk}</div></body></html>")
    pages[COLUMN] = chrome.page("政府信息公开年报", link_list([(f"{COLUMN}202401/t20240118_2901.html", report.title,
                                                                 report.published)]))
    return {path: (HTML, html.encode("utf-8")) for path, html in pages.items()}, \
        {"url": f"{book}files/basic-html/page1.html", "cells": report.cells}


def test_a_report_published_as_a_flip_book_is_read_from_its_text_pages(tmp_path):
    pages, truth = flip_book_pages()
    with serve(pages) as base:
        records = crawl(ORGAN, base + COLUMN, tmp_path)
    assert [r["url"] for r in records] == [base + truth["url"]]
    assert records[0]["year"] == 2023 and records[0]["cells"] == truth["cells"]


def test_a_flip_books_pages_and_read_on_links():
    book = "http://a.gov.cn/book/2022dzs/xinfang/files/basic-html/"
    viewer = "http://a.gov.cn/book/2022dzs/xinfang/index.html"
    assert discovery.book_first_page([Link(book + "page8.html", "x")], viewer) == book + "page1.html"
    assert discovery.book_first_page([Link(book + "page3.html", "Next Page")], book + "page2.html") is None
    assert discovery.continuation_pages([Link(book + "page1.html", "Previous Page"), Link(book + "page3.html", "Next Page"),
                                         Link(book + "index.html", "Contents")], book + "page2.html") == [book + "page3.html"]
    article = "http://a.gov.cn/xxgk/nb/t1.html"
    links = [Link("http://a.gov.cn/xxgk/nb/ebook/index.html", "点击阅读"), Link("http://a.gov.cn/xxgk/nb/t2.html", "阅读全文"),
             Link("http://a.gov.cn/xxgk/nb/t1.pdf", "点击查看"), Link("http://b.gov.cn/x.html", "在线阅读"),
             Link("http://a.gov.cn/index.html", "首页")]
    assert [link.url for link in discovery.read_on_links(links, article)] == \
        ["http://a.gov.cn/xxgk/nb/ebook/index.html", "http://a.gov.cn/xxgk/nb/t2.html"]


def test_a_partial_reading_does_not_replace_the_whole_report_the_archive_holds(tmp_path):
    pages, truth = article_pages("script")
    db = tmp_path / "a.db"
    with serve(pages) as base:
        crawl(ORGAN, base + COLUMN, tmp_path, db=db)
        del pages[truth["parts"][2]]  # tonight section 四's page fails
        (tmp_path / "night2").mkdir()
        records = crawl(ORGAN, base + COLUMN, tmp_path / "night2", db=db, settings=("NIANBAO_REVISIT_DAYS=0", "NIANBAO_FULL_WALK=True"))
    assert records[0]["partial"] is True
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM report_versions").fetchone() == (1,)
        held = conn.execute("SELECT count(*) FROM cells").fetchone()[0]
    assert held == len(truth["cells"])
