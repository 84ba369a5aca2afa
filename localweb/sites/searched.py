"""A bureau whose reports are filed under news, found only through the site's search (邹城市民政局).

The site links no column that names its reports: they are filed in 通知公告 with the
notices, and the section 政府信息公开 holds only the bureau's 机构职能. Its home page has
a TRS search box (`/was5/web/search?channelid=…&searchword=`), whose result list, ten
hits a page with 下一页 and 尾页 links, shows every page that mentions the words: the
reports (titled in every real wording), and the notices and news that mention 年度报告 in
passing (decoys). A crawl that walks links finds nothing and must say it searched.

Not part of the default web: asked for by name, ``build_web(1, ["searched"])``.
"""
from __future__ import annotations

import math
from html import escape
from urllib.parse import quote

from localweb.render.html import report_body
from localweb.report import Contacts
from localweb.sites.base import Chrome, Options, Resource, Route, Site, article, at, news_body
from localweb.sites.columns import _decoy_body, _reports, _rows, entries
from localweb.sites.trs import report_meta, trs_article_path

ORGAN = "邹城市民政局"
CONTACTS = Contacts(phone=["0537-5212960"], email=["zcsmzj@163.com"], address=["邹城市千泉街道太平东路9号"], postcode=["273500"])
CHANNEL = "246218"
SEARCH = "/was5/web/search"
PER_PAGE = 10


def build(options: Options) -> Site:
    site = Site(key="searched", family="TRS site, reports filed under news, found by its was5 search",
                organ=ORGAN, seed_name=ORGAN, seed_path="/")
    column = "/xwzx/tzgg/"
    chrome = Chrome(ORGAN, site_code="3708830001", icp="鲁ICP备05056789号", phone="0537-5210000",
                    nav={"首页": "/", "新闻中心": "/xwzx/", "政府信息公开": "/xxgk/"})
    reports = _reports(ORGAN, CONTACTS)
    documents = []  # (path, title, date, text) of every page the search engine indexes
    for i, (title, date, kind) in enumerate(entries(ORGAN, "tzgg", 30)):
        path = trs_article_path(column, date, 710000 + i * 29)
        if kind.startswith("report:"):
            report = reports[int(kind.split(":")[1])]
            published, title = at(report.published, 15, 30), report.title
            content = report_body(report)
            site.add(path, article(chrome, title, published, content,
                                   meta=report_meta(ORGAN, "通知公告", title, published)), modified=published)
            site.add_gold(path, report)
        else:
            content = _decoy_body(ORGAN, title, date) if kind == "decoy" else news_body(ORGAN, title, date)
            site.add(path, article(chrome, title, at(date), content), modified=at(date))
            if kind == "decoy":
                site.decoys.append((path, "mentions the annual report"))
        documents.append((path, title, date, title + content))
    site.add(column + "index.html", chrome.page("通知公告", _rows([(p, t, d) for p, t, d, _ in documents[:20]])))
    site.add("/xwzx/index.html", chrome.page("新闻中心", f"<p><a href=\"./tzgg/\">通知公告</a></p>"))
    site.add("/xxgk/index.html", chrome.page("政府信息公开", "<h3>机构职能</h3>\n<p>邹城市民政局是市政府工作部门。</p>"))
    search_box = (f"<form action=\"{SEARCH}\" method=\"get\" target=\"_blank\" class=\"search\">"
                  f"<input type=\"hidden\" name=\"channelid\" value=\"{CHANNEL}\">"
                  "<input type=\"text\" name=\"searchword\" placeholder=\"请输入关键字\">"
                  "<input type=\"submit\" value=\"搜索\"></form>")
    site.add("/index.html", chrome.page("首页", search_box + "\n<h3>通知公告</h3>\n"
                                         + _rows([(p, t, d) for p, t, d, _ in documents[:5]])))

    def results(request) -> Resource:
        words = request.query.get("searchword", "").strip()
        if request.query.get("channelid") != CHANNEL or not words:
            return Resource(chrome.page("检索结果", "<p>请输入检索词</p>").encode("utf-8"), validators=False)
        hits = [d for d in documents if words in d[3]]
        pages = max(1, math.ceil(len(hits) / PER_PAGE))
        page = int(request.query.get("page", "1")) if request.query.get("page", "1").isdigit() else 1
        page = min(max(page, 1), pages)
        shown = hits[(page - 1) * PER_PAGE:page * PER_PAGE]
        rows = "\n".join(f"<li><a href=\"{p}\" target=\"_blank\">{escape(t).replace(escape(words), f'<em>{escape(words)}</em>')}"
                         f"</a><span>{d:%Y-%m-%d}</span></li>" for p, t, d, _ in shown)
        address = f"search?channelid={CHANNEL}&searchword={quote(words)}&page="
        pager = f"共{len(hits)}条记录 共{pages}页 "
        if page < pages:
            pager += f"<a href=\"{address}{page + 1}\">下一页</a> "
        pager += f"<a href=\"{address}{pages}\">尾页</a>"
        body = f"<h3>检索结果</h3>\n<ul class=\"results\">\n{rows}\n</ul>\n<div class=\"pager\">{pager}</div>"
        return Resource(chrome.page("检索结果", body).encode("utf-8"), validators=False)

    site.routes.append(Route("GET", SEARCH, results))
    return site
