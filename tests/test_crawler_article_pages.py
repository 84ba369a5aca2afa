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
