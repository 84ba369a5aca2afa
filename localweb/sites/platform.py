"""A bureau whose 政府信息公开 link goes to its county's disclosure platform on another origin.

微山县民政局's own site holds its news only; its 政府信息公开 link leads to the county's
platform (微山县人民政府信息公开, another site of this web), which publishes every
department's disclosure pages: a department list (县民政局, 县财政局, 县教育局 …), each
department's own catalogue with its 政府信息公开年报 column (reports titled without the
organ's name there), and a shared annual-report column listing the county government's
and some departments' reports by their full names.

The bureau's reports are its 2024 and 2022 ones in its own column on the platform and its
2023 one in the shared column. A crawl of the bureau's seed must take these and nothing
else of the platform: not the county government's report that names no organ (in the
shared column), not 县财政局's, whose own column titles name no organ either.

* ``platform_bureau`` (微山县民政局): the bureau's site, seed ``/``.
* ``platform`` (微山县人民政府): the platform, seeded for the county government.

Not part of the default web: ``build_web(1, ["platform_bureau", "platform"])`` (both).
"""
from __future__ import annotations

import datetime as dt

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, Options, Site, article, at, news_body, news_items
from localweb.sites.columns import _rows
from localweb.sites.trs import trs_article_path

BUREAU = "微山县民政局"
COUNTY = "微山县人民政府"
CONTACTS = {
    BUREAU: Contacts(phone=["0537-8212370"], email=["wsmzj@163.com"], address=["微山县夏镇奎文路15号"], postcode=["277600"]),
    COUNTY: Contacts(phone=["0537-8221001"], email=["wsxzfb@163.com"], address=["微山县夏镇建设路1号"], postcode=["277600"]),
    "微山县财政局": Contacts(phone=["0537-8213456"], email=["wsczj@163.com"], address=["微山县夏镇商业街3号"], postcode=["277600"]),
}
# departments of the platform's list: (link text, directory)
DEPARTMENTS = (("县财政局", "czj"), ("县教育局", "jyj"), ("县民政局", "mzj"), ("县人社局", "rsj"), ("县卫健局", "wjj"))
# (organ, year, where, titled with the organ?) of every report the platform publishes
REPORTS = (
    (BUREAU, 2024, "mzj", False), (BUREAU, 2022, "mzj", False), (BUREAU, 2023, "shared", True),
    (COUNTY, 2024, "shared", True), (COUNTY, 2023, "shared", False),
    ("微山县财政局", 2024, "czj", False), ("微山县财政局", 2023, "shared", True),
)


def _report(organ: str, year: int, named: bool):
    title = f"{organ}{year}年政府信息公开工作年度报告" if named else f"{year}年政府信息公开工作年度报告"
    return generate(organ, year, contacts=CONTACTS[organ], title=title)


def _path(where: str, report, number: int) -> str:
    column = "/xxgk/ndbg/" if where == "shared" else f"/bm/{where}/ndbg/"
    return trs_article_path(column, report.published, 820000 + number * 41)


def build_platform(options: Options) -> Site:
    """The county's disclosure platform, seeded for the county government."""
    site = Site(key="platform", family="county disclosure platform of every department, on its own origin",
                organ=COUNTY, seed_name=COUNTY, seed_path="/xxgk/")
    chrome = Chrome("微山县人民政府信息公开", site_code="3708260001", icp="鲁ICP备05067890号", phone="0537-8220000",
                    nav={"首页": "/xxgk/", "部门信息公开": "/bm/", "政府信息公开年报": "/xxgk/ndbg/"})
    columns: dict[str, list] = {}
    for number, (organ, year, where, named) in enumerate(REPORTS):
        report = _report(organ, year, named)
        path = _path(where, report, number)
        site.add(path, article(chrome, report.title, at(report.published, 11), report_body(report)))
        if organ == COUNTY:
            site.add_gold(path, report)
        elif organ != BUREAU:
            site.decoys.append((path, "another department's report"))
        columns.setdefault(where, []).append((f"./{path.rsplit('/', 2)[-2]}/{path.rsplit('/', 1)[-1]}",
                                              report.title, report.published))
    site.add("/xxgk/ndbg/index.html", chrome.page("政府信息公开年报", _rows(columns["shared"]),
                                                   meta={"ColumnName": "政府信息公开年报"}))
    for text, directory in DEPARTMENTS:
        name = f"微山{text}"
        body = (f"<h3>{name}</h3>\n<ul><li><a href=\"./jgzn/\">机构职能</a></li>"
                + (f"<li><a href=\"./ndbg/\">政府信息公开年报</a></li>" if directory in columns else "")
                + "</ul>")
        site.add(f"/bm/{directory}/index.html", chrome.page(name, body))
        site.add(f"/bm/{directory}/jgzn/index.html", chrome.page("机构职能", f"<p>{name}是县政府工作部门。</p>"))
        if directory in columns:
            site.add(f"/bm/{directory}/ndbg/index.html", chrome.page("政府信息公开年报", _rows(columns[directory]),
                                                                      meta={"ColumnName": "政府信息公开年报"}))
    site.add("/bm/index.html", chrome.page("部门信息公开", "<ul class=\"depts\">" + "".join(
        f"<li><a href=\"./{directory}/\">{text}</a></li>" for text, directory in DEPARTMENTS) + "</ul>"))
    news = []
    for i, (title, date) in enumerate(news_items(COUNTY, "xxgk", count=6)):
        path = trs_article_path("/xxgk/tzgg/", date, 830000 + i * 17)
        site.add(path, article(chrome, title, at(date), news_body(COUNTY, title, date)))
        news.append((path, title, date))
    site.add("/xxgk/index.html", chrome.page("微山县人民政府信息公开", "<h3>通知公告</h3>\n" + _rows(news)
                                             + "\n<p><a href=\"../bm/\">部门信息公开</a> <a href=\"./ndbg/\">政府信息公开年报</a></p>"))
    return site


def build_bureau(options: Options) -> Site:
    """The bureau's own site: news, and a 政府信息公开 link to the platform."""
    site = Site(key="platform_bureau", family="bureau site whose disclosure is on the county's platform (another origin)",
                organ=BUREAU, seed_name=BUREAU, seed_path="/")
    chrome = Chrome(BUREAU, site_code="3708260012", icp="鲁ICP备05067891号", phone="0537-8212000",
                    nav={"首页": "/", "政府信息公开": "{{origin:platform}}/xxgk/", "工作动态": "/gzdt/"})
    for number, (organ, year, where, named) in enumerate(REPORTS):
        if organ == BUREAU:
            report = _report(organ, year, named)
            site.gold.append((f"{{{{origin:platform}}}}{_path(where, report, number)}", report.gold(url=None, organ=BUREAU)))
    news = []
    for i, (title, date) in enumerate(news_items(BUREAU, "gzdt", count=8)):
        path = trs_article_path("/gzdt/", date, 840000 + i * 13)
        site.add(path, article(chrome, title, at(date), news_body(BUREAU, title, date)))
        news.append((path, title, date))
    site.add("/gzdt/index.html", chrome.page("工作动态", _rows(news)))
    site.add("/index.html", chrome.page("首页", "<h3>工作动态</h3>\n" + _rows(news[:5])))
    return site
