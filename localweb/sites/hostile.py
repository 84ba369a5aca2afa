"""Family 7: a site that fights back (南湖区民政局).

* robots.txt disallows /calendar/ (an endless calendar: every month links the next and
  the previous one) and /xxgk/ndbg/2018/, where a report-looking page sits;
* the report column and the 2024 report answer 503 with Retry-After on every odd request;
* the 2023 report page is slow; the column linked from the navigation (/xxgk/nb/)
  redirects (301) to the real one; some news links are dead (404);
* a very large file that is not a report (a zip of promotional material);
* decoys in the report column: 年度工作要点, 法治政府建设情况报告, a 年报解读, 部门预算公开;
* the 2022 report prints its tables only as PNG images (gold: template null, cells {}).
"""
from __future__ import annotations

import datetime as dt

from localweb.render import image
from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import (Chrome, Options, Request, Resource, Route, Site, article, at, link_list, news_body,
                                 news_items)
from localweb.tables import report_tables

ORGAN = "南湖区民政局"
CONTACTS = Contacts(phone=["0573-82091234"], email=["nhqmzj@nanhu.gov.cn"], address=["南湖区广场路88号"],
                    postcode=["314001"])
REPORTS = {2021: ("word", 410021), 2022: ("images", 410377), 2023: ("plain", 410702), 2024: ("plain", 411056)}
ROBOTS = "User-agent: *\nDisallow: /calendar/\nDisallow: /xxgk/ndbg/2018/\n"
DECOYS = (
    ("年度工作要点", "{organ}2025年政务公开工作要点", dt.date(2025, 3, 20)),
    ("法治政府建设情况报告", "{organ}2024年法治政府建设情况报告", dt.date(2025, 2, 26)),
    ("年报解读", "《{organ}2024年政府信息公开工作年度报告》解读", dt.date(2025, 1, 22)),
    ("部门预算公开", "{organ}2025年部门预算公开", dt.date(2025, 2, 14)),
)
LARGE_FILE = "/uploads/2024/nhqmz_xcsc.zip"


def _report_path(date: dt.date, number: int) -> str:
    return f"/xxgk/ndbg/{date:%Y%m}/t{date:%Y%m%d}_{number}.html"


def build(options: Options) -> Site:
    site = Site(key="hostile", family="hostile behaviour", organ=ORGAN, seed_name=ORGAN, seed_path="/index.html",
                robots=ROBOTS)
    chrome = Chrome(ORGAN, site_code="3304020017", icp="浙ICP备05007789号", phone="0573-82000110",
                    nav={"首页": "/index.html", "机构概况": "/jggk/index.html", "政府信息公开": "/xxgk/nb/",
                         "通知公告": "/xxgk/tzgg/index.html", "互动交流": "/hdjl/index.html", "活动日历": "/calendar/?month=2025-01"})
    items = []
    for year, (style, number) in REPORTS.items():
        report = generate(ORGAN, year, contacts=CONTACTS, tables_as_images=style == "images",
                          faults=("review_total",) if year == 2021 else ())
        path = _report_path(report.published, number)
        image_urls = None
        if style == "images":
            image_urls = []
            for i, (_, table) in enumerate(report_tables(report)):
                url = f"/xxgk/ndbg/{report.published:%Y%m}/W0{report.published:%Y%m%d}{number}{i}.png"
                site.add(url, image.render(table), content_type="image/png")
                image_urls.append(url)
        body = report_body(report, style="word" if style == "word" else "plain", image_urls=image_urls)
        resource = site.add(path, article(chrome, report.title, at(report.published), body,
                                          meta={"PubDate": f"{report.published:%Y-%m-%d} 09:30"}), modified=at(report.published))
        if year == 2023:
            resource.delay = options.slow_seconds
        site.add_gold(path, report)
        items.append((path, report.title, report.published))
    old = generate(ORGAN, 2018, template="2019", contacts=CONTACTS)
    hidden = f"/xxgk/ndbg/2018/t{old.published:%Y%m%d}_409880.html"
    site.add(hidden, article(chrome, old.title, at(old.published), report_body(old)))
    site.decoys.append((hidden, "robots"))
    items.append((hidden, old.title, old.published))
    for i, (kind, title, date) in enumerate(DECOYS):
        title = title.format(organ=ORGAN)
        path = _report_path(date, 412000 + i * 17)
        site.add(path, article(chrome, title, at(date), f"<p style=\"text-indent:2em\">{title}。"
                               f"现将有关情况公布如下。</p><p style=\"text-indent:2em\">一、工作目标……</p>"))
        site.decoys.append((path, kind))
        items.append((path, title, date))
    items.sort(key=lambda item: item[2], reverse=True)
    column = site.add("/xxgk/ndbg/index.html", chrome.page("政府信息公开年报", link_list(items)))
    flaky = {"/xxgk/ndbg/index.html": column, items_path(items, 2024): site.resources[items_path(items, 2024)]}

    def sometimes_unavailable(request: Request) -> Resource:
        """503 with Retry-After on the 1st, 3rd, ... request of this URL; the page otherwise."""
        if request.count % 2 == 1:
            return Resource(b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", status=503,
                            headers={"Retry-After": "1"}, validators=False)
        return flaky[request.path]

    site.routes += [Route("GET", path, sometimes_unavailable) for path in flaky]
    redirect = Resource(b"", status=301, headers={"Location": "/xxgk/ndbg/index.html"}, validators=False)
    site.routes += [Route("GET", "/xxgk/nb/", lambda r: redirect), Route("GET", "/xxgk/nb/index.html", lambda r: redirect)]
    site.routes.append(Route("GET", "/calendar/", calendar(chrome), prefix=True))

    size = options.large_file_mb * 1024 * 1024
    site.routes.append(Route("GET", LARGE_FILE, lambda r: Resource(b"", content_type="application/zip", length=size,
                                                                  chunks=lambda: _zeros(size), validators=False)))
    site.decoys.append((LARGE_FILE, "large_file"))
    news = []
    for i, (title, date) in enumerate(news_items(ORGAN, "tzgg")):
        path = f"/xxgk/tzgg/{date:%Y%m}/t{date:%Y%m%d}_{413000 + i}.html"
        extra = f"<p>附件：<a href=\"{LARGE_FILE}\">民政宣传片素材.zip</a></p>" if i == 3 else ""
        site.add(path, article(chrome, title, at(date), news_body(ORGAN, title, date), extra=extra))
        news.append((path, title, date))
    news.insert(5, ("/xxgk/tzgg/202405/t20240510_999999.html", "关于调整部分办事窗口服务时间的通知", dt.date(2024, 5, 10)))
    news.insert(9, ("/xxgk/tzgg/202402/t20240228_999998.html", "南湖区民政局2023年度社会组织评估结果公示", dt.date(2024, 2, 28)))
    site.add("/xxgk/tzgg/index.html", chrome.page("通知公告", link_list(news)))
    site.add("/jggk/index.html", chrome.page("机构概况", f"<p>{ORGAN}是区政府工作部门。</p>"))
    site.add("/hdjl/index.html", chrome.page("互动交流", "<p>局长信箱</p>"))
    site.add("/index.html", chrome.page("首页", link_list(news[:6]) + "\n<p><a href=\"/xxgk/nb/\">政府信息公开年报</a>　"
                                         "<a href=\"/calendar/?month=2025-01\">活动日历</a></p>"))
    return site


def items_path(items, year: int) -> str:
    return next(path for path, title, _ in items if f"{year}年政府信息公开工作年度报告" in title and "解读" not in title)


def calendar(chrome: Chrome):
    """The endless calendar: any month, linking the month before and the month after."""
    def month_page(request: Request) -> Resource:
        try:
            year, month = (int(x) for x in request.query.get("month", "2025-01").split("-"))
            first = dt.date(year, month, 1)
        except ValueError:
            first = dt.date(2025, 1, 1)
        before = (first - dt.timedelta(days=1)).replace(day=1)
        after = (first + dt.timedelta(days=32)).replace(day=1)
        body = (f"<h3>活动日历 {first:%Y年%m月}</h3><p><a href=\"/calendar/?month={before:%Y-%m}\">上个月</a>　"
                f"<a href=\"/calendar/?month={after:%Y-%m}\">下个月</a></p><p>本月暂无活动。</p>")
        return Resource(chrome.page("活动日历", body).encode("utf-8"), validators=False)
    return month_page


def _zeros(size: int):
    chunk = bytes(1024 * 1024)
    for start in range(0, size, len(chunk)):
        yield chunk[: min(len(chunk), size - start)]
