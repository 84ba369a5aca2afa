"""Small bureaus whose reports sit in a generically named column among ordinary documents.

No column of these sites is called 年度报告 or lives under …/ndbg/: a small site files its
yearly reports with everything else it publishes, newest first, in a column named after
the section (政府信息公开) or after nothing (其他, under 信息公开目录), and only its first
page is linked. The reports are titled as real ones are — year first, 二〇一九年度, 年报
（2022年）, 关于…工作的报告 — and the column also holds notices and news that mention
年度报告 in passing (decoys). Links are relative (./, ../).

* ``columns`` (泗水县民政局): the column 政府信息公开 at /zwgk/, index.html, index_1.html …,
  paged by `javascript:goPage(n)` links, a 尾页 and a 跳转到第[ ]页 box; the function goPage
  is the page's own (index.html for page 1, index_{n-1}.html after), and the pager prints
  共N页. Reports are on the first, middle and last pages.
* ``columns_form`` (曲阜市民政局): the column 其他 of 信息公开目录 at /xxgk/list.jsp?cid=19,
  paged by a POST form (cid, curPage) that the site's /js/common.js goPage submits:
  `onclick="goPage(3)"` links, 第1/N页.

Not part of the default web (the demo's seed list and scores stay as they are): asked for
by name, ``build_web(1, ["columns", "columns_form"])``.
"""
from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import parse_qs

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import NEWS_TEMPLATES, Chrome, Options, Resource, Route, Site, article, at, news_body
from localweb.sites.trs import report_meta, trs_article_path

PER_PAGE = 15

# year -> how the report is titled (the organ's name where it has one)
TITLES = {
    2024: "{organ}2024年政府信息公开工作年度报告",
    2023: "2023年度{organ}政府信息公开工作年度报告",
    2022: "{organ}政府信息公开工作年报（2022年）",
    2021: "关于{organ}2021年政府信息公开工作的报告",
    2020: "{organ}二〇二〇年度政府信息公开工作年度报告",
    2019: "2019年政府信息公开工作年度报告",
    2018: "{organ}2018年政府信息公开工作年度报告",
}
# documents that mention the annual report in their title, and are none
DECOYS = (
    ("关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知", dt.date(2024, 12, 16)),
    ("{organ}{year}年政府信息公开工作年度报告解读", dt.date(2024, 1, 26)),
    ("{organ}召开{year}年度工作总结暨年度报告编制部署会", dt.date(2023, 1, 6)),
    ("{organ}{year}年度部门决算公开", dt.date(2021, 8, 30)),
)

BUREAUS = {
    "columns": ("泗水县民政局", Contacts(phone=["0537-4231456"], email=["ssxmzj@163.com"], address=["泗水县泉林大街12号"],
                                     postcode=["273200"]), "3708310001", "鲁ICP备05034567号"),
    "columns_form": ("曲阜市民政局", Contacts(phone=["0537-4412873"], email=["qfsmzj@126.com"], address=["曲阜市静轩中路8号"],
                                          postcode=["273100"]), "3708810001", "鲁ICP备05045678号"),
}

GO_PAGE = ("<script type=\"text/javascript\">\nfunction goPage(n) {\n  n = parseInt(n, 10);\n"
           "  if (isNaN(n) || n <= 1) { location.href = 'index.html'; return; }\n"
           "  location.href = 'index_' + (n - 1) + '.html';\n}\n</script>")
COMMON_JS = ("function goPage(p) {\n  var form = document.forms['pageForm'];\n  form.curPage.value = p;\n"
             "  form.submit();\n}\nfunction openWin(url) { window.open(url); }\n")


def entries(organ: str, key: str, count: int) -> list[tuple[str, dt.date, str]]:
    """(title, date, kind) of the column: ordinary documents a month or so apart, newest
    first, with the organ's reports (kind "report:YEAR") and decoys ("decoy") among them."""
    items, day = [], dt.date(2025, 12, 20)
    for i in range(count):
        day -= dt.timedelta(days=27 + (i * 7) % 11)
        template = NEWS_TEMPLATES[(i * 5) % len(NEWS_TEMPLATES)]
        items.append((template.format(organ=organ, year=day.year, n=i % 9 + 1), day, "news"))
    for title, date in DECOYS:
        items.append((title.format(organ=organ, year=date.year - (0 if "通知" in title else 1)), date, "decoy"))
    for year in TITLES:
        items.append(("", dt.date(year + 1, 1, 10 + year % 17), f"report:{year}"))
    return sorted(items, key=lambda item: item[1], reverse=True)


def _reports(organ: str, contacts: Contacts) -> dict:
    return {year: generate(organ, year, contacts=contacts, title=title.format(organ=organ),
                           published=dt.date(year + 1, 1, 10 + year % 17)) for year, title in TITLES.items()}


def _decoy_body(organ: str, title: str, date: dt.date) -> str:
    return (f"<p style=\"text-indent:2em\">{date.month}月{date.day}日，{escape(title)}。会上强调，要按照《中华人民共和国政府"
            f"信息公开条例》要求，认真做好政府信息公开工作年度报告的编制和发布，确保数据准确。</p>\n"
            f"<p style=\"text-indent:2em\">{escape(organ)}各科室负责同志参加。</p>")


def _pager_links(number: int, pages: int) -> str:
    """A goPage pager: 首页 上一页 1 2 3 … 下一页 尾页, 共N页, 跳转到第[ ]页."""
    parts = [f"<span>共{pages}页 当前第{number}页</span>", "<a href=\"javascript:goPage(1)\">首页</a>"]
    if number > 1:
        parts.append(f"<a href=\"javascript:goPage({number - 1})\">上一页</a>")
    for n in range(max(1, number - 2), min(pages, number + 2) + 1):
        parts.append(f"<b>{n}</b>" if n == number else f"<a href=\"javascript:goPage({n})\">{n}</a>")
    if number < pages:
        parts.append(f"<a href=\"javascript:goPage({number + 1})\">下一页</a>")
    parts.append(f"<a href=\"javascript:goPage({pages})\">尾页</a>")
    parts.append("跳转到第<input type=\"text\" id=\"jumpTo\" size=\"2\">页 "
                 "<a href=\"javascript:goPage(document.getElementById('jumpTo').value)\">GO</a>")
    return "<div class=\"pager\">" + " ".join(parts) + "</div>"


def _rows(rows: list[tuple[str, str, dt.date]]) -> str:
    return "<ul class=\"list\">\n" + "\n".join(
        f"<li><a href=\"{escape(href)}\" title=\"{escape(title)}\" target=\"_blank\">{escape(title)}</a>"
        f"<span class=\"date\">{date:%Y-%m-%d}</span></li>" for href, title, date in rows) + "\n</ul>"


def build(options: Options) -> Site:
    """泗水县民政局: the column 政府信息公开, paged by goPage links to index_{n-1}.html."""
    organ, contacts, code, icp = BUREAUS["columns"]
    column = "/zwgk/"
    site = Site(key="columns", family="small site, reports in the column 政府信息公开 paged by goPage(n)",
                organ=organ, seed_name=organ, seed_path="/")
    chrome = Chrome(organ, site_code=code, icp=icp, phone="0537-4230000",
                    nav={"首页": "/", "政府信息公开": column, "工作动态": "/gzdt/"})
    reports = _reports(organ, contacts)
    rows = []
    for i, (title, date, kind) in enumerate(entries(organ, "zwgk", 74)):
        path = trs_article_path(column, date, 610000 + i * 37)
        if kind.startswith("report:"):
            report = reports[int(kind.split(":")[1])]
            published, title = at(report.published, 10, 5), report.title
            site.add(path, article(chrome, title, published, report_body(report),
                                   meta=report_meta(organ, "政府信息公开", title, published)), modified=published)
            site.add_gold(path, report)
        else:
            body = _decoy_body(organ, title, date) if kind == "decoy" else news_body(organ, title, date)
            site.add(path, article(chrome, title, at(date), body), modified=at(date))
            if kind == "decoy":
                site.decoys.append((path, "mentions the annual report"))
        # linked from the column's pages as ./YYYYMM/… or ../zwgk/YYYYMM/…
        rows.append((("./" if i % 2 else "../zwgk/") + path[len(column):], title, date))
    pages = [rows[i:i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)]
    for number, page_rows in enumerate(pages, 1):
        name = "index.html" if number == 1 else f"index_{number - 1}.html"
        body = (f"<h3 class=\"column-title\">政府信息公开</h3>\n{_rows(page_rows)}\n"
                f"{_pager_links(number, len(pages))}\n{GO_PAGE}")
        site.add(column + name, chrome.page("政府信息公开", body, meta={"ColumnName": "政府信息公开"}))
    site.add("/gzdt/index.html", chrome.page("工作动态", "<p>暂无信息</p>"))
    site.add("/index.html", chrome.page("首页", f"<h3>政府信息公开</h3>\n<p><a href=\".{column}index.html\">更多&gt;&gt;</a></p>"))
    return site


def build_form(options: Options) -> Site:
    """曲阜市民政局: the column 其他 of 信息公开目录, paged by a POST form its common.js submits."""
    organ, contacts, code, icp = BUREAUS["columns_form"]
    site = Site(key="columns_form", family="JSP portal, reports in the column 其他 paged by a POST form",
                organ=organ, seed_name=organ, seed_path="/index.jsp")
    chrome = Chrome(organ, site_code=code, icp=icp, phone="0537-4410000",
                    nav={"首页": "/index.jsp", "信息公开目录": "/xxgk/index.jsp", "政务动态": "/news/list.jsp"})
    site.add("/js/common.js", COMMON_JS, content_type="application/javascript; charset=utf-8")
    reports = _reports(organ, contacts)
    rows = []
    for i, (title, date, kind) in enumerate(entries(organ, "qt", 50)):
        article_id = 3000 + i * 7
        path = f"/xxgk/content_{article_id}.jsp"
        if kind.startswith("report:"):
            report = reports[int(kind.split(":")[1])]
            published, title = at(report.published, 9, 40), report.title
            site.add(path, article(chrome, title, published, report_body(report, style="word")), modified=published)
            site.add_gold(path, report)
        else:
            body = _decoy_body(organ, title, date) if kind == "decoy" else news_body(organ, title, date)
            site.add(path, article(chrome, title, at(date), body), modified=at(date))
            if kind == "decoy":
                site.decoys.append((path, "mentions the annual report"))
        rows.append((f"../xxgk/content_{article_id}.jsp", title, date))
    pages = [rows[i:i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)]

    def list_page(number: int) -> str:
        number = min(max(number, 1), len(pages))
        pager = [f"共{len(rows)}条 第{number}/{len(pages)}页"]
        if number > 1:
            pager.append(f"<a href=\"javascript:void(0)\" onclick=\"goPage({number - 1})\">上一页</a>")
        if number < len(pages):
            pager.append(f"<a href=\"javascript:void(0)\" onclick=\"goPage({number + 1})\">下一页</a>")
        pager.append(f"<a href=\"javascript:void(0)\" onclick=\"goPage({len(pages)})\">尾页</a>")
        form = ("<form name=\"pageForm\" id=\"pageForm\" action=\"list.jsp\" method=\"post\">"
                "<input type=\"hidden\" name=\"cid\" value=\"19\">"
                f"<input type=\"hidden\" name=\"curPage\" value=\"{number}\"></form>")
        body = (f"<div class=\"crumb\">信息公开目录 &gt; 其他</div>\n{_rows(pages[number - 1])}\n"
                f"<div class=\"pager\">{' '.join(pager)}</div>\n{form}")
        return chrome.page("其他", body, head="<script src=\"/js/common.js\"></script>\n")

    def column(request) -> Resource:
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        params = {**request.query, **form}
        if str(params.get("cid")) != "19":
            return Resource(chrome.page("栏目", "<p>暂无信息</p>").encode("utf-8"), validators=False)
        page = int(params.get("curPage") or 1) if str(params.get("curPage") or "1").isdigit() else 1
        return Resource(list_page(page).encode("utf-8"), validators=False)

    site.routes += [Route("GET", "/xxgk/list.jsp", column), Route("POST", "/xxgk/list.jsp", column)]
    catalogue = ("<h3>信息公开目录</h3>\n<ul class=\"tree\"><li><a href=\"list.jsp?cid=11\">机构概况</a></li>"
                 "<li><a href=\"list.jsp?cid=12\">法规文件</a></li><li><a href=\"list.jsp?cid=19\">其他</a></li></ul>")
    site.add("/xxgk/index.jsp", chrome.page("信息公开目录", catalogue))
    site.add("/news/list.jsp", chrome.page("政务动态", "<p>暂无信息</p>"))
    site.add("/index.jsp", chrome.page("首页", "<p><a href=\"xxgk/index.jsp\">信息公开目录</a></p>"))
    return site
