"""An article split over several pages (TRS: t20250115_3101.html, then _1.html, _2.html).

Some CMS cut a long article into pages linked by 2, 3, 下一页; a report's tables then sit
on pages the spider used not to read (it follows only attachments from a report page), and
the record held section 二 alone, with nothing to say the rest was missing. Found by a
blind test on sites the crawler had not seen.
"""
from __future__ import annotations

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


def article_pages() -> tuple[dict[str, tuple[str, bytes]], dict]:
    chrome = Chrome(ORGAN, site_code="1301000001", icp="冀ICP备05001234号", phone="0311-8888888",
                    nav={"首页": "/index.html", "政务公开": COLUMN})
    report = generate(ORGAN, 2024, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
    body = report_body(report)
    cut = [body.index(heading) for heading in ("三、收到和处理", "四、政府信息公开行政复议")]
    cut = [body.rindex("<", 0, at_) for at_ in cut]  # at the start of the heading's element
    chunks = [body[:cut[0]], body[cut[0]:cut[1]], body[cut[1]:]]
    stem = f"{COLUMN}202501/t20250115_3101"
    names = [f"{stem}.html", f"{stem}_1.html", f"{stem}_2.html"]
    pages = {}
    for n, (name, chunk) in enumerate(zip(names, chunks)):
        pager = " ".join(f'<a href="{names[k].rsplit("/", 1)[1]}">{k + 1}</a>' for k in range(3) if k != n)
        if n < 2:
            pager += f' <a href="{names[n + 1].rsplit("/", 1)[1]}">下一页</a>'
        html = article(chrome, report.title, at(report.published), chunk + f'<div class="page">{pager}</div>')
        pages[name] = (HTML, html.encode("utf-8"))
    pages[COLUMN] = (HTML, chrome.page("政府信息公开年报", link_list([(names[0], report.title, report.published)])).encode())
    return pages, {"url": names[0], "cells": report.cells}


def test_an_article_over_three_pages_is_one_report_with_all_its_tables(tmp_path):
    pages, truth = article_pages()
    with serve(pages) as base:
        records = crawl(ORGAN, base + COLUMN, tmp_path)
    assert [r["url"] for r in records] == [base + truth["url"]]
    assert records[0]["cells"] == truth["cells"]


def test_a_page_of_the_article_that_cannot_be_read_leaves_the_report_of_the_others(tmp_path):
    pages, truth = article_pages()
    del pages[truth["url"].replace(".html", "_2.html")]  # section 四's page answers 404
    with serve(pages) as base:
        records = crawl(ORGAN, base + COLUMN, tmp_path)
    assert [r["url"] for r in records] == [base + truth["url"]]
    cells = records[0]["cells"]
    assert {k: v for k, v in cells.items() if not k.startswith("review.")} == \
        {k: v for k, v in truth["cells"].items() if not k.startswith("review.")}
    assert not any(k.startswith("review.") for k in cells)


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
