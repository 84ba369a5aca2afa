"""Family 3: a JavaScript-only site (东港市民政局).

Every page is the same empty shell; /static/app.js reads the address, asks the JSON API
(/api/site, /api/columns/<column>/articles?page=&size=, /api/articles/<id>) and builds the
navigation, lists, article and footer in the browser. The raw HTML holds no link and no
report: only a browser (or a crawler that speaks the API) finds anything.
"""
from __future__ import annotations

import json
from html import escape

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Options, Request, Resource, Route, Site, at, news_body, news_items

ORGAN = "东港市民政局"
CONTACTS = Contacts(phone=["0415-7126630"], email=["dgsmzj@163.com"], address=["东港市新兴路56号"], postcode=["118399"])
REPORTS = {2021: ("plain", (), 0, 9101), 2022: ("plain", (), 0, 9245), 2023: ("word", ("row_total",), 0, 9388),
           2024: ("plain", (), 0, 9517)}
SITE_INFO = {"organ": ORGAN, "siteCode": "2106810034", "icp": "辽ICP备10004321号", "phone": "0415-7120001",
             "nav": [["首页", "/index.html"], ["机构概况", "/list.html?column=jggk"], ["政府信息公开", "/list.html?column=ndbg"],
                     ["通知公告", "/list.html?column=tzgg"], ["互动交流", "/list.html?column=hdjl"]]}
SHELL = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>东港市民政局</title>
<script src="/static/app.js" defer></script></head>
<body><div id="app"></div><noscript>请开启浏览器的JavaScript功能。</noscript></body>
</html>
"""
APP_JS = r"""(function () {
  function get(url) { return fetch(url).then(function (r) { return r.json(); }); }
  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  var app = document.getElementById("app");
  var params = new URLSearchParams(location.search);
  get("/api/site").then(function (site) {
    var nav = site.nav.map(function (n) { return '<li><a href="' + n[1] + '">' + esc(n[0]) + '</a></li>'; }).join("");
    var footer = '<div class="footer"><p>主办单位：' + esc(site.organ) + '　网站标识码：' + site.siteCode + '　' + esc(site.icp) +
      '</p><p>联系电话：' + site.phone + '</p></div>';
    var header = '<div class="header"><h2>' + esc(site.organ) + '</h2><ul class="nav">' + nav + '</ul></div>';
    var main;
    if (location.pathname === "/detail.html") {
      main = get("/api/articles/" + params.get("id")).then(function (a) {
        document.title = a.title;
        return '<h1 class="title">' + esc(a.title) + '</h1><div class="info">发布时间：' + a.publishTime +
          '　来源：' + esc(a.source) + '</div><div class="content">' + a.content + '</div>';
      });
    } else {
      var column = params.get("column") || "tzgg", page = params.get("page") || "1";
      main = get("/api/columns/" + column + "/articles?page=" + page + "&size=10").then(function (l) {
        var items = l.items.map(function (i) { return '<li><a href="' + i.url + '">' + esc(i.title) + '</a><span>' + i.date + '</span></li>'; }).join("");
        var more = l.pages > l.page ? '<a href="/list.html?column=' + column + '&page=' + (l.page + 1) + '">下一页</a>' : "";
        return '<h3>' + esc(l.name) + '</h3><ul class="list">' + items + '</ul>' + more;
      });
    }
    main.then(function (html) { app.innerHTML = header + '<div class="main">' + html + '</div>' + footer; });
  });
})();
"""
COLUMNS = {"tzgg": "通知公告", "ndbg": "政府信息公开年报", "jggk": "机构概况", "hdjl": "互动交流"}


def rendered_article(api_answer: dict) -> str:
    """The article as app.js puts it in the page (tests use it in place of a browser)."""
    return (f"<html><head><meta charset=\"utf-8\"><title>{escape(api_answer['title'])}</title></head><body><div id=\"app\">"
            f"<div class=\"main\"><h1 class=\"title\">{escape(api_answer['title'])}</h1><div class=\"info\">发布时间："
            f"{api_answer['publishTime']}　来源：{escape(api_answer['source'])}</div><div class=\"content\">"
            f"{api_answer['content']}</div></div></div></body></html>")


def _json(data) -> Resource:
    return Resource(json.dumps(data, ensure_ascii=False).encode("utf-8"), content_type="application/json;charset=UTF-8")


def build(options: Options) -> Site:
    site = Site(key="jsapp", family="JavaScript-only front end on a JSON API", organ=ORGAN, seed_name=ORGAN,
                seed_path="/index.html")
    articles: dict[str, dict] = {}
    columns: dict[str, list[dict]] = {c: [] for c in COLUMNS}
    for i, (title, date) in enumerate(news_items(ORGAN, "tzgg")):
        aid = str(8000 + i * 11)
        articles[aid] = {"id": aid, "title": title, "publishTime": f"{date:%Y-%m-%d} 10:00:00", "source": "办公室",
                         "content": news_body(ORGAN, title, date)}
        columns["tzgg"].append({"title": title, "date": f"{date:%Y-%m-%d}", "url": f"/detail.html?id={aid}"})
    for year, (style, faults, blanks, number) in sorted(REPORTS.items(), reverse=True):
        report = generate(ORGAN, year, contacts=CONTACTS, faults=faults, blanks=blanks)
        aid = str(number)
        articles[aid] = {"id": aid, "title": report.title, "publishTime": f"{at(report.published):%Y-%m-%d %H:%M:%S}",
                         "source": ORGAN, "content": report_body(report, style=style)}
        columns["ndbg"].append({"title": report.title, "date": f"{report.published:%Y-%m-%d}",
                                "url": f"/detail.html?id={aid}"})
        site.add_gold(f"/detail.html?id={aid}", report)
    site.jsapp_articles = articles  # the API's answers, for tests that render like a browser

    def article_api(request: Request) -> Resource:
        found = articles.get(request.path.rsplit("/", 1)[-1])
        return _json(found) if found else Resource(b'{"error":"not found"}', "application/json", status=404,
                                                     validators=False)

    def list_api(request: Request) -> Resource:
        column = request.path.split("/")[3]
        if column not in columns:
            return Resource(b'{"error":"no such column"}', "application/json", status=404, validators=False)
        page, size = int(request.query.get("page", 1)), min(50, int(request.query.get("size", 10)))
        items = columns[column]
        return _json({"name": COLUMNS[column], "page": page, "pages": max(1, -(-len(items) // size)),
                      "total": len(items), "items": items[(page - 1) * size: page * size]})

    site.routes += [Route("GET", "/api/articles/", article_api, prefix=True),
                    Route("GET", "/api/columns/", list_api, prefix=True),
                    Route("GET", "/api/site", lambda request: _json(SITE_INFO))]
    for page in ("/index.html", "/list.html", "/detail.html"):
        site.add(page, SHELL)
    site.add("/static/app.js", APP_JS, content_type="application/javascript; charset=utf-8")
    return site
