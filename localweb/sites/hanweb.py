"""Family 2: a Hanweb/大汉-style site (云溪区民政局).

The column /col/col4521/index.html mixes news and reports. Its first page of records sits
inside ``<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]></record>…``; the
next pages exist only as answers to POST /module/web/jpage/dataproxy.jsp?startrecord=
&endrecord=&perpage= (a GET there gives an empty datastore). Articles live at
/art/YYYY/M/D/art_4521_NNNNN.html. Day 2 publishes the 2025 report at the top of the list.
"""
from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import parse_qs

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, Options, Request, Resource, Route, Site, article, at, news_body, news_items

ORGAN = "云溪区民政局"
COLUMN_ID = 4521
UNIT_ID = 17352
PER_PAGE = 15
CONTACTS = Contacts(phone=["0730-8456213"], email=["yxqmzj@126.com"], address=["云溪区云溪大道36号"],
                    postcode=["414009"])
# year -> (template, rendering, faults, blanks, article id); 2025 appears on day 2 only,
# published late (after the 31 January deadline), as some bureaus do
LATE = {2025: dt.date(2026, 3, 12)}
REPORTS = {
    2021: ("2021", "plain", (), 0, 61023),
    2022: ("2021", "word", ("handled",), 0, 63390),
    2023: ("2021", "plain", ("review_total",), 0, 65871),
    2024: ("2021", "plain", (), 1, 68112),
    2025: ("2021", "word", (), 0, 70544),
}
PROXY = "/module/web/jpage/dataproxy.jsp"


def art_path(date: dt.date, article_id: int) -> str:
    return f"/art/{date.year}/{date.month}/{date.day}/art_{COLUMN_ID}_{article_id}.html"


def record(href: str, title: str, date: dt.date) -> str:
    return (f"<record><![CDATA[<li><a href=\"{escape(href)}\" title=\"{escape(title)}\" target=\"_blank\">"
            f"{escape(title)}</a><span class=\"bt-data-time\">{date:%Y-%m-%d}</span></li>]]></record>")


def datastore(items, total: int) -> str:
    records = "\n".join(record(*item) for item in items)
    return f"<datastore>\n<totalrecord>{total}</totalrecord>\n<recordset>\n{records}\n</recordset>\n</datastore>"


def build(options: Options) -> Site:
    site = Site(key="hanweb", family="Hanweb datastore + POST dataproxy", organ=ORGAN, seed_name=ORGAN,
                seed_path="/")
    chrome = Chrome(ORGAN, site_code="4306030021", icp="湘ICP备12003456号", phone="0730-8412000",
                    nav={"首页": "/index.html", "机构概况": "/col/col4518/index.html",
                         "政府信息公开": f"/col/col{COLUMN_ID}/index.html", "通知公告": "/col/col4519/index.html",
                         "互动交流": "/col/col4520/index.html"})
    items = []
    for title, date in news_items(ORGAN, "col4521", count=24):
        path = art_path(date, 50000 + date.toordinal() % 9973)
        site.add(path, article(chrome, title, at(date, 15, 20), news_body(ORGAN, title, date),
                               meta={"ArticleTitle": title, "PubDate": f"{date:%Y-%m-%d} 15:20"}))
        items.append((path, title, date))
    news = list(items)
    for year, (template, style, faults, blanks, article_id) in REPORTS.items():
        if year == 2025 and options.day < 2:
            continue
        report = generate(ORGAN, year, template=template, contacts=CONTACTS, faults=faults, blanks=blanks,
                          published=LATE.get(year))
        published = at(report.published, 16, 5)
        path = art_path(report.published, article_id)
        site.add(path, article(chrome, report.title, published, report_body(report, style=style),
                               meta={"ArticleTitle": report.title, "PubDate": f"{published:%Y-%m-%d %H:%M}",
                                     "ContentSource": ORGAN}))
        site.add_gold(path, report)
        items.append((path, report.title, report.published))
    items.sort(key=lambda item: item[2], reverse=True)

    first = datastore(items[:PER_PAGE], len(items))
    body = (f"<h3>政府信息公开</h3>\n<div id=\"{UNIT_ID}\">\n<script type=\"text/xml\">\n{first}\n</script>\n"
            f"<script type=\"text/javascript\">$(\"#{UNIT_ID}\").jpage({{perPage:{PER_PAGE}, totalRecord:{len(items)}, "
            f"proxyUrl:\"{PROXY}\", ajaxParam:{{col:1, appid:1, webid:21, path:\"/\", columnid:{COLUMN_ID}, "
            f"sourceContentType:1, unitid:\"{UNIT_ID}\", webname:\"{ORGAN}\", permissiontype:0}}}});</script>\n</div>")
    site.add(f"/col/col{COLUMN_ID}/index.html", chrome.page(
        "政府信息公开", body, head='<script src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>\n'))
    site.add("/module/jslib/jquery/jpage/jquery.page.min.js", "/* jpage: pages the datastore through POST dataproxy.jsp */",
             content_type="application/javascript")

    def dataproxy(request: Request) -> Resource:
        """Records startrecord..endrecord (1-based, inclusive) of the column, for POST only."""
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        params = {**request.query, **form}
        if request.method != "POST" or str(params.get("columnid")) != str(COLUMN_ID):
            return Resource(datastore([], 0).encode(), content_type="text/xml; charset=utf-8", validators=False)
        start = max(1, int(params.get("startrecord", 1)))
        end = int(params.get("endrecord", start + PER_PAGE - 1))
        xml = '<?xml version="1.0" encoding="utf-8"?>\n' + datastore(items[start - 1:end], len(items))
        return Resource(xml.encode(), content_type="text/xml; charset=utf-8", validators=False)

    site.routes.append(Route("POST", PROXY, dataproxy))
    site.routes.append(Route("GET", PROXY, dataproxy))
    site.add("/col/col4518/index.html", chrome.page("机构概况", f"<p>{ORGAN}是区政府工作部门。</p>"))
    site.add("/col/col4519/index.html", chrome.page("通知公告", "<ul>" + "".join(
        f"<li><a href=\"{h}\">{escape(t)}</a></li>" for h, t, _ in news[:8]) + "</ul>"))
    site.add("/col/col4520/index.html", chrome.page("互动交流", "<p>书记信箱　区长信箱　网上调查</p>"))
    site.add("/index.html", chrome.page("首页", f"<p><a href=\"/col/col{COLUMN_ID}/index.html\">政府信息公开</a></p>"))
    return site
