"""Family 1: a TRS WCM-style static site (临江市民政局).

What a crawler must cope with here:
* list pages beyond the first (index_1.html, ...) exist but are linked only through the
  script call ``createPageHTML(pages, current, "index", "html")``;
* articles at ``<column>/YYYYMM/tYYYYMMDD_NNNNNN.html``, linked relatively (``./202501/...``);
* the publication time in ``<meta name="PubDate">`` and in the page text;
* ETag and Last-Modified on every page, conditional requests answered 304.
Day 2: the 2023 report is silently revised (two figures, same URL, new ETag) and the
2022 report page changes only its 浏览次数 counter.
"""
from __future__ import annotations

import datetime as dt
from html import escape

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, Options, Site, article, at, link_list, news_body, news_items

ORGAN = "临江市民政局"
CONTACTS = Contacts(phone=["0415-3157788"], email=["ljmzj_bgs@163.com"], address=["临江市人民大街188号"],
                    postcode=["118300"])
# year -> (template, rendering, faults, blank cells, article id)
REPORTS = {
    2019: ("2019", "plain", (), 0, 310217),
    2020: ("2019", "word", (), 0, 318854),
    2021: ("2021", "plain", (), 0, 327702),
    2022: ("2021", "word", ("row_total",), 2, 336415),
    2023: ("2021", "plain", (), 0, 345120),
    2024: ("2021", "word", ("balance",), 0, 353986),
}
PAGE_SCRIPT = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var html = "";
  for (var i = 0; i < _nPageCount; i++) {
    var name = (i == 0) ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt;
    html += (i == _nCurrIndex) ? "<span>" + (i + 1) + "</span> " : "<a href=\\"" + name + "\\">" + (i + 1) + "</a> ";
  }
  document.write("<div class=\\"page\\">" + html + "</div>");
}
"""


def trs_article_path(column: str, published: dt.date, article_id: int) -> str:
    return f"{column}{published:%Y%m}/t{published:%Y%m%d}_{article_id}.html"


def trs_list_pages(site: Site, chrome: Chrome, column: str, title: str, items, per_page: int) -> None:
    """A column's list pages; pages after the first are linked only via createPageHTML."""
    pages = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    for number, page_items in enumerate(pages):
        relative = [("./" + href[len(column):] if href.startswith(column) else href, t, d) for href, t, d in page_items]
        body = (f"<h3 class=\"column-title\">{escape(title)}</h3>\n{link_list(relative)}\n"
                f"<script type=\"text/javascript\">createPageHTML({len(pages)}, {number}, \"index\", \"html\");</script>")
        name = "index.html" if number == 0 else f"index_{number}.html"
        site.add(column + name, chrome.page(title, body, head='<script src="/js/page.js"></script>\n',
                                            meta={"ColumnName": title}))


def report_meta(site_name: str, column: str, title: str, published: dt.datetime) -> dict:
    return {"ArticleTitle": title, "PubDate": f"{published:%Y-%m-%d %H:%M}", "ContentSource": "办公室",
            "SiteName": site_name, "ColumnName": column}


def build(options: Options) -> Site:
    site = Site(key="trs", family="TRS static CMS", organ=ORGAN, seed_name=ORGAN, seed_path="/")
    chrome = Chrome(ORGAN, site_code="2106810012", icp="辽ICP备05011875号-1", phone="0415-2812345",
                    nav={"首页": "/", "机构概况": "/jggk/", "政府信息公开": "/xxgk/", "通知公告": "/xxgk/tzgg/",
                         "互动交流": "/hdjl/"})
    site.add("/js/page.js", PAGE_SCRIPT, content_type="application/javascript; charset=utf-8")
    report_items = []
    for year, (template, style, faults, blanks, article_id) in sorted(REPORTS.items(), reverse=True):
        report = generate(ORGAN, year, template=template, contacts=CONTACTS, faults=faults, blanks=blanks)
        if year == 2023 and options.day >= 2:
            report = report.revised({"active.licensing.decisions": report.cells["active.licensing.decisions"] + 3,
                                     "active.penalty.decisions": report.cells["active.penalty.decisions"] + 1})
        published = at(report.published, 9, 30)
        path = trs_article_path("/xxgk/ndbg/", report.published, article_id)
        views = 1301 if (year == 2022 and options.day >= 2) else 200 + article_id % 997
        html = article(chrome, report.title, published, report_body(report, style=style), views=views,
                       meta=report_meta(ORGAN, "政府信息公开年报", report.title, published))
        site.add(path, html, modified=published)
        site.add_gold(path, report)
        report_items.append((path, report.title, report.published))
    trs_list_pages(site, chrome, "/xxgk/ndbg/", "政府信息公开年报", report_items, per_page=4)

    news = []
    for i, (title, date) in enumerate(news_items(ORGAN, "tzgg")):
        path = trs_article_path("/xxgk/tzgg/", date, 400100 + i * 37)
        published = at(date, 10, 0)
        site.add(path, article(chrome, title, published, news_body(ORGAN, title, date),
                               meta=report_meta(ORGAN, "通知公告", title, published)), modified=published)
        news.append((path, title, date))
    trs_list_pages(site, chrome, "/xxgk/tzgg/", "通知公告", news, per_page=10)

    site.add("/xxgk/index.html", chrome.page("政府信息公开", (
        "<h3>政府信息公开</h3>\n<ul><li><a href=\"/xxgk/zc/\">政府信息公开指南</a></li>"
        "<li><a href=\"/xxgk/tzgg/\">通知公告</a></li><li><a href=\"/xxgk/ndbg/\">政府信息公开年报</a></li></ul>\n"
        + link_list(news[:5]))))
    site.add("/xxgk/zc/index.html", chrome.page("政府信息公开指南", "<p>为便于公民、法人和其他组织获取政府信息，"
                                                 "特编制本指南。</p>"))
    site.add("/jggk/index.html", chrome.page("机构概况", f"<h3>机构概况</h3><p>{ORGAN}是市政府工作部门，"
                                              "负责全市社会救助、养老服务、社会事务等工作。</p>"))
    site.add("/hdjl/index.html", chrome.page("互动交流", "<h3>互动交流</h3><p>局长信箱　在线咨询　意见征集</p>"))
    site.add("/index.html", chrome.page("首页", "<h3>通知公告</h3>\n" + link_list(news[:6])
                                         + "\n<p><a href=\"/xxgk/ndbg/\">政府信息公开年报</a></p>"))
    return site
