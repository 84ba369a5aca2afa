"""Seeds and columns of other shapes, found by a blind test on sites the crawler had not seen:
a seed that is a report article or a report's PDF, a report column whose script sends the
visitor to the real list, and a column paged 30 deep. Each lost reports silently before."""
from __future__ import annotations

import pytest
from static_site import HTML, crawl, serve

from localweb.render.html import report_body
from localweb.render.pdf import render
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at, link_list

pytestmark = pytest.mark.slow

ORGAN = "东湖县民政局"
NOBODY = Contacts(phone=[], email=[], address=[], postcode=[])


def site(years=(2022, 2023, 2024), column_page=None, per_page=None, news=0):
    """{path: (type, body)}, {year: path}: reports as articles in /xxgk/ndbg/, each with a
    breadcrumb to the column, and a PDF copy of the newest one."""
    chrome = Chrome(ORGAN, site_code="3301000002", icp="浙ICP备05001235号", phone="0571-7777777",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/"})
    pages, ours, items = {}, {}, []
    for year in years:
        report = generate(ORGAN, year, contacts=NOBODY)
        path = f"/xxgk/ndbg/t{year}.html"
        crumb = '<div class="crumb"><a href="/xxgk/ndbg/">政府信息公开年报</a></div>'
        pages[path] = (HTML, article(chrome, report.title, at(report.published), crumb + report_body(report)).encode())
        items.append((path, report.title, report.published))
        ours[year] = path
    pages["/files/newest.pdf"] = ("application/pdf", render(generate(ORGAN, years[-1], contacts=NOBODY)))
    pages["/"] = (HTML, chrome.page(ORGAN, '<a href="/xxgk/ndbg/">政府信息公开年报</a>').encode())
    items += [(f"/xwdt/n{n}.html", f"关于做好第{n}批民政资金发放工作的通知", generate(ORGAN, 2024).published) for n in range(news)]
    items.sort(key=lambda item: (item[2], item[0]), reverse=True)
    if per_page:
        chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)]
        for n, chunk in enumerate(chunks):
            name = "index.html" if n == 0 else f"index_{n}.html"
            pager = f'<a href="index_{n + 1}.html">下一页</a>' if n + 1 < len(chunks) else ""
            pages[f"/xxgk/ndbg/{name}"] = (HTML, chrome.page("政府信息公开年报", link_list(chunk) + pager).encode())
        pages["/xxgk/ndbg/"] = pages["/xxgk/ndbg/index.html"]
    else:
        pages[column_page or "/xxgk/ndbg/"] = (HTML, chrome.page("政府信息公开年报", link_list(items)).encode())
    return pages, ours


def test_a_seed_that_is_a_report_article_leads_to_the_column_and_its_other_reports(tmp_path):
    pages, ours = site()
    with serve(pages) as base:
        records = crawl(ORGAN, base + ours[2023], tmp_path)
    assert {r["year"] for r in records} == {2022, 2023, 2024}


def test_a_seed_that_is_a_reports_pdf_is_stored_and_its_site_crawled(tmp_path):
    pages, ours = site()
    with serve(pages) as base:
        records = crawl(ORGAN, base + "/files/newest.pdf", tmp_path)
    assert (2024, base + "/files/newest.pdf") in {(r["year"], r["url"]) for r in records} or \
        (2024, base + "/xxgk/ndbg/t2024.html") in {(r["year"], r["url"]) for r in records}
    assert {r["year"] for r in records} == {2022, 2023, 2024}  # and the site it is on


def test_a_column_whose_script_sends_the_visitor_to_the_real_list(tmp_path):
    pages, ours = site(column_page="/xxgk/ndbg/list_new.html")
    chrome = Chrome(ORGAN, site_code="3301000002", icp="x", phone="0571-7777777",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/", "互动交流": "/hdjl/"})
    pages["/xxgk/ndbg/"] = (HTML, chrome.page("政府信息公开年报", "<p>页面跳转中…</p>",
                                              head="<script>window.location.replace('list_new.html');</script>").encode())
    with serve(pages) as base:
        records = crawl(ORGAN, base + "/xxgk/ndbg/", tmp_path)
    assert {r["year"] for r in records} == {2022, 2023, 2024}


def test_the_oldest_reports_of_a_column_paged_thirty_deep(tmp_path):
    pages, ours = site(years=(2008, 2016, 2024), per_page=10, news=290)
    with serve(pages) as base:
        records = crawl(ORGAN, base + "/xxgk/ndbg/", tmp_path)
    assert {r["year"] for r in records} == {2008, 2016, 2024}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_column_paged_only_by_a_page_form(method, tmp_path):
    # 转到第 [N] 页 GO (GET), or a 下一页 button posting a hidden pageNo: no <a> to the other pages
    chrome = Chrome(ORGAN, site_code="3301000002", icp="x", phone="0571-7777777", nav={"首页": "/index.html"})
    years, pages, items = (2020, 2021, 2022, 2023, 2024), {}, []
    for year in years:
        report = generate(ORGAN, year, contacts=NOBODY)
        path = f"/xxgk/ndbg/t{year}.html"
        pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
        items.append((path, report.title, report.published))
    items.reverse()
    for n in range(1, 4):  # 2 reports a page, 3 pages
        if method == "get":
            form = (f'<form action="list.jsp" method="get">共5条 第{n}/3页 转到第<input type="text" name="page" value="{n}">页'
                    '<input type="submit" value="GO"></form>')
        else:
            form = (f'<form action="list.jsp" method="post"><input type="hidden" name="pageNo" value="{n + 1}">'
                    f'<input type="submit" value="下一页"></form>' if n < 3 else "")
        html = chrome.page("政府信息公开年报", link_list(items[2 * (n - 1):2 * n]) + form).encode()
        pages[f"/xxgk/ndbg/list.jsp?{'page' if method == 'get' else 'pageNo'}={n}"] = (HTML, html)
    pages["/xxgk/ndbg/list.jsp"] = pages[f"/xxgk/ndbg/list.jsp?{'page' if method == 'get' else 'pageNo'}=1"]
    with serve(pages, query=True) as base:
        records = crawl(ORGAN, base + "/xxgk/ndbg/list.jsp", tmp_path)
    assert {r["year"] for r in records} == set(years)


def test_reports_published_under_the_organs_former_name_are_its_reports(tmp_path):
    # 机构改革: 白沙县民政局 was 白沙县民政和人力资源社会保障局 before 2019; on the county's
    # shared column its old reports carry the old name, beside other offices' reports
    former = "白沙县民政和人力资源社会保障局"
    chrome = Chrome("白沙县人民政府", site_code="4601000001", icp="琼ICP备05001239号", phone="0898-2222222",
                    nav={"首页": "/index.html"})
    pages, items, ours = {}, [], set()
    for organ, year in ((former, 2017), (former, 2018), (ORGAN.replace("东湖", "白沙"), 2019), ("白沙县财政局", 2018)):
        report = generate(organ, year, contacts=NOBODY)
        path = f"/xxgk/bmnb/t{year}_{len(items)}.html"
        pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
        items.append((path, report.title, report.published))
        if organ != "白沙县财政局":
            ours.add((year, path))
    pages["/xxgk/bmnb/"] = (HTML, chrome.page("部门信息公开年报", link_list(items)).encode())
    with serve(pages) as base:
        records = crawl("白沙县民政局", base + "/xxgk/bmnb/", tmp_path, aliases=former)
    assert {(r["year"], r["url"]) for r in records} == {(year, base + path) for year, path in ours}
    assert {r["organ"] for r in records} == {"白沙县民政局"}  # archived under the seed's name


def test_a_report_column_whose_list_cuts_titles_short_gives_every_report(tmp_path):
    """List templates cut titles to N characters, here 18 with an ellipsis and no title
    attribute (石门县卫生健康局2023年政府信…): a blind test's lists of such titles gave no report."""
    from localweb.render.html import report_body
    from localweb.report import Contacts, generate
    from localweb.sites.base import Chrome, article, at
    from static_site import HTML, crawl, serve

    organ = "石门县卫生健康局"
    chrome = Chrome(organ, site_code="4307260001", icp="湘ICP备05001234号", phone="0736-5000000", nav={"首页": "/"})
    pages, rows = {}, []
    for year in (2021, 2022, 2023):
        report = generate(organ, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        path = f"/a/xxgk/ndbg/{year}/0125/{year}12.html"
        pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
        rows.append(f'<li><a href="{path}">{report.title[:18]}…</a><span>{report.published}</span></li>')
    pages["/"] = (HTML, chrome.page(organ, '<p><a href="/a/xxgk/ndbg/">政府信息公开年报</a></p>').encode())
    pages["/a/xxgk/ndbg/"] = (HTML, chrome.page("政府信息公开年报", '<ul class="list">' + "".join(rows) + "</ul>").encode())
    with serve(pages) as base:
        records = crawl(organ, f"{base}/", tmp_path)
    assert sorted(r["year"] for r in records) == [2021, 2022, 2023]
