"""Two TRS WCM bureaus whose long reports are split over article pages (汶上县民政局, 嘉祥县民政局).

TRS cuts a long article into t20250111_520301.html, t20250111_520301_1.html, _2.html and
writes the pager with a script, `createPageHTML(3, 0, "t20250111_520301", "html")`: the
page's source has no link to pages 2 and 3, only the call. Each report here is cut at its
sections 三 and 四, so its tables of 二, 三 and 四 sit on three different pages.

Not part of the default web (the demo's seed list and scores stay as they are): asked for
by name, ``build_web(1, ["paged", "paged_gap"])``.

* ``paged``: every page is served: each report is read whole (gold: all its cells).
* ``paged_gap``: the 2024 report's second page (section 三) answers 404. The crawl must
  store it as partial, from pages 1 and 3 (gold: the cells of 二 and 四 only), and say so in
  the record and the site's summary; its 2023 report, on one page, is the control.
"""
from __future__ import annotations

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, Options, Site, article, at, link_list, news_body, news_items
from localweb.sites.trs import PAGE_SCRIPT, report_meta, trs_article_path

COLUMN = "/xxgk/ndbg/"
# the headings a report's pages start at (its sections 三 and 四)
CUTS = ("三、收到和处理", "四、政府信息公开行政复议")
MISSING_SECTION = "requests."  # the cell keys of section 三, on the gap site's missing page

BUREAUS = {
    # key: (organ, contacts, site code, {year: (article id, split?)}, the year whose page 2 is missing)
    "paged": ("汶上县民政局", Contacts(phone=["0537-7212345"], email=["wsxmzj@163.com"], address=["汶上县中都大街66号"],
                                    postcode=["272500"]), "3708300001", {2024: (520301, True), 2023: (511877, True)}, None),
    "paged_gap": ("嘉祥县民政局", Contacts(phone=["0537-6852210"], email=["jxxmzj@126.com"], address=["嘉祥县呈祥大街19号"],
                                        postcode=["272400"]), "3708290001", {2024: (530455, True), 2023: (522190, False)}, 2024),
}


def split_pages(body: str) -> list[str]:
    """A report's HTML cut into three pages, at the start of its sections 三 and 四."""
    cuts = [body.rindex("<", 0, body.index(heading)) for heading in CUTS]
    return [body[:cuts[0]], body[cuts[0]:cuts[1]], body[cuts[1]:]]


def _build(key: str, options: Options) -> Site:
    organ, contacts, code, reports, gap_year = BUREAUS[key]
    site = Site(key=key, family="TRS static CMS, reports split over article pages", organ=organ, seed_name=organ,
                seed_path="/")
    chrome = Chrome(organ, site_code=code, icp="鲁ICP备05023456号", phone="0537-0000000",
                    nav={"首页": "/", "政府信息公开": COLUMN, "通知公告": "/xxgk/tzgg/"})
    site.add("/js/page.js", PAGE_SCRIPT, content_type="application/javascript; charset=utf-8")
    items = []
    for year, (article_id, split) in sorted(reports.items(), reverse=True):
        report = generate(organ, year, contacts=contacts)
        published = at(report.published, 10, 15)
        path = trs_article_path(COLUMN, report.published, article_id)
        meta = report_meta(organ, "政府信息公开年报", report.title, published)
        chunks = split_pages(report_body(report)) if split else [report_body(report)]
        stem = path.rsplit("/", 1)[1].rsplit(".", 1)[0]
        for number, chunk in enumerate(chunks):
            if year == gap_year and number == 1:
                continue  # published, announced by the pager, and gone: 404
            pager = (f'<script src="/js/page.js"></script>\n<script type="text/javascript">'
                     f'createPageHTML({len(chunks)}, {number}, "{stem}", "html");</script>') if split else ""
            name = path if number == 0 else path.replace(".html", f"_{number}.html")
            site.add(name, article(chrome, report.title, published, chunk, meta=meta, extra=pager), modified=published)
        if year == gap_year:
            gold = report.gold(url=None, organ=organ)
            gold["cells"] = {k: v for k, v in gold["cells"].items() if not k.startswith(MISSING_SECTION)}
            site.gold.append((path, gold))
        else:
            site.add_gold(path, report)
        items.append((path, report.title, report.published))
    site.add(COLUMN + "index.html", chrome.page("政府信息公开年报", "<h3 class=\"column-title\">政府信息公开年报</h3>\n"
                                                + link_list(items), meta={"ColumnName": "政府信息公开年报"}))
    news = []
    for i, (title, date) in enumerate(news_items(organ, "tzgg", count=8)):
        news_path = trs_article_path("/xxgk/tzgg/", date, 540100 + i * 13)
        site.add(news_path, article(chrome, title, at(date), news_body(organ, title, date)), modified=at(date))
        news.append((news_path, title, date))
    site.add("/xxgk/tzgg/index.html", chrome.page("通知公告", link_list(news)))
    site.add("/index.html", chrome.page("首页", "<h3>通知公告</h3>\n" + link_list(news[:5])
                                         + f"\n<p><a href=\"{COLUMN}\">政府信息公开年报</a></p>"))
    return site


def build(options: Options) -> Site:
    return _build("paged", options)


def build_gap(options: Options) -> Site:
    return _build("paged_gap", options)
