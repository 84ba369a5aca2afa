"""Family 6: a county government portal with one column for every department's report.

Since 政府网站集约化 most county bureaus have no site of their own: the portal of 安平县人民政府
lists the reports of ~15 departments in its 部门信息公开年报 column. The seed names 安平县民政局
and points at that column; only the 民政局's reports are its reports, the others are not
(they are listed as decoys of kind ``other_organ``).
"""
from __future__ import annotations

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, Options, Site, article, at, link_list, news_body, news_items

PORTAL = "安平县人民政府"
SEED_ORGAN = "安平县民政局"
DEPARTMENTS = ("安平县发展和改革局", "安平县教育局", "安平县公安局", SEED_ORGAN, "安平县司法局", "安平县财政局",
               "安平县人力资源和社会保障局", "安平县自然资源和规划局", "安平县住房和城乡建设局", "安平县交通运输局",
               "安平县农业农村局", "安平县卫生健康局", "安平县市场监督管理局", "安平县应急管理局", "安平县医疗保障局")
YEARS = (2022, 2023, 2024)
COLUMN = "/bmxxgknb/"
PER_PAGE = 20


def build(options: Options) -> Site:
    site = Site(key="county", family="county portal, all departments in one column", organ=PORTAL,
                seed_name=SEED_ORGAN, seed_path=COLUMN + "index.html")
    chrome = Chrome(PORTAL, site_code="1311250001", icp="冀ICP备05008765号", phone="0318-7822345",
                    nav={"首页": "/index.html", "机构概况": "/zjap/index.html", "政府信息公开": COLUMN + "index.html",
                         "通知公告": "/tzgg/index.html", "互动交流": "/hdjl/index.html"})
    items = []
    for d, department in enumerate(DEPARTMENTS):
        for year in YEARS:
            contacts = Contacts(phone=[f"0318-78{d + 10:02d}{year % 100:03d}"[:13]], email=[], address=[f"安平县为民路{d + 1}号"],
                                postcode=["053600"])
            report = generate(department, year, contacts=contacts, faults=("row_total",) if (d + year) % 7 == 0 else ())
            date = report.published
            path = f"{COLUMN}{date:%Y%m}/t{date:%Y%m%d}_{700000 + d * 101 + year % 100}.html"
            site.add(path, article(chrome, report.title, at(date, 8 + d % 8), report_body(report), source=department,
                                   meta={"PubDate": f"{date:%Y-%m-%d} {8 + d % 8:02d}:30", "ContentSource": department}),
                     modified=at(date))
            if department == SEED_ORGAN:
                site.add_gold(path, report)
            else:
                site.decoys.append((path, "other_organ"))
            items.append((path, report.title, date))
    items.sort(key=lambda item: (item[2], item[0]), reverse=True)
    pages = -(-len(items) // PER_PAGE)
    for number in range(pages):
        pager = " ".join(f"<a href=\"{COLUMN}index{'' if n == 0 else '_' + str(n)}.html\">{n + 1}</a>" for n in range(pages))
        name = COLUMN + ("index.html" if number == 0 else f"index_{number}.html")
        site.add(name, chrome.page("部门信息公开年报", "<h3>部门信息公开年报</h3>\n"
                                   + link_list(items[number * PER_PAGE:(number + 1) * PER_PAGE])
                                   + f"\n<div class=\"page\">{pager}</div>"))
    news = []
    for i, (title, date) in enumerate(news_items(PORTAL, "tzgg")):
        path = f"/tzgg/{date:%Y%m}/t{date:%Y%m%d}_{710000 + i}.html"
        site.add(path, article(chrome, title, at(date), news_body(PORTAL, title, date)))
        news.append((path, title, date))
    site.add("/tzgg/index.html", chrome.page("通知公告", link_list(news)))
    site.add("/zjap/index.html", chrome.page("机构概况", "<p>安平县隶属河北省衡水市。</p>"))
    site.add("/hdjl/index.html", chrome.page("互动交流", "<p>县长信箱　政民互动</p>"))
    site.add("/index.html", chrome.page("首页", link_list(news[:8]) + f"\n<p><a href=\"{COLUMN}index.html\">部门信息公开年报</a></p>"))
    return site
