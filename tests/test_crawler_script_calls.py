"""Links written as calls to the site's own script functions: `onclick="openArticle('2371')"`.

Older portals list articles this way and define the function inline or in /js/common.js
(`function openArticle(id){window.open('/xxgk/content_' + id + '.html');}`). Found by a
blind test on sites the crawler had not seen: the reports listed so were never requested.
"""
from __future__ import annotations

import pytest
from static_site import HTML, crawl, serve

from crawler import discovery
from crawler.cms import scriptcalls
from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at

ORGAN = "青松县应急管理局"


def test_url_templates_of_script_functions():
    script = ("function openArticle(id){window.open('/xxgk/content_'+id+'.html');}\n"
              "var showDoc = function (docId, col) { location.href = \"detail.jsp?id=\" + docId; };\n"
              "function share(){ window.open('https://share.example.com/?u=' + encodeURIComponent(location.href)); }\n"
              "function add(a, b) { return a + b; }")
    assert scriptcalls.templates(script) == {"openArticle": ("/xxgk/content_", ".html"), "showDoc": ("detail.jsp?id=", "")}
    assert scriptcalls.call("javascript:void(0)") is None
    assert scriptcalls.call("javascript:showDoc(77, 'ndbg')") == ("showDoc", "77")
    assert scriptcalls.resolve(" openArticle('2371');return false;", scriptcalls.templates(script)) == "/xxgk/content_2371.html"


def test_a_link_to_a_function_the_page_defines_inline_is_followed():
    html = ("<html><head><script>function openArticle(id){window.open('/xxgk/content_'+id+'.html');}</script></head>"
            "<body><a href='javascript:void(0)' onclick=\"openArticle('2371')\">2024年报</a></body></html>")
    assert [link.url for link in discovery.links_in(html, "http://a.gov.cn/xxgk/ndbg/index.html")] == \
        ["http://a.gov.cn/xxgk/content_2371.html"]


def script_site() -> tuple[dict[str, tuple[str, bytes]], dict[int, str]]:
    chrome = Chrome(ORGAN, site_code="3311270001", icp="浙ICP备05001234号", phone="0578-5555555",
                    nav={"首页": "/index.html", "信息公开": "/xxgk/ndbg/index.html", "安全生产": "/aqsc/index.html"})
    pages, ours, rows = {}, {}, []
    for n, year in enumerate((2022, 2023, 2024)):
        report = generate(ORGAN, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        pages[f"/xxgk/content_{2000 + n}.html"] = (HTML, article(chrome, report.title, at(report.published),
                                                                  report_body(report)).encode())
        ours[year] = f"/xxgk/content_{2000 + n}.html"
        rows.append(f"<tr><td>{n + 1}</td><td><a href='javascript:void(0)' onclick=\"openArticle('{2000 + n}')\" "
                    f"title='{report.title}'>{report.title}</a></td><td>{report.published}</td></tr>")
    listing = chrome.page("政府信息公开年报", "<table class='tab_list'>" + "".join(rows) + "</table>",
                          head="<script src='/js/jquery-1.8.3.min.js'></script><script src='/js/common.js'></script>")
    pages["/xxgk/ndbg/index.html"] = (HTML, listing.encode())
    pages["/js/common.js"] = ("application/javascript", b"function openArticle(id){window.open('/xxgk/content_'+id+'.html');}")
    pages["/js/jquery-1.8.3.min.js"] = ("application/javascript", b"/* a library: never read for templates */")
    return pages, ours


@pytest.mark.slow
def test_links_to_a_function_of_the_sites_script_file_are_followed(tmp_path):
    pages, ours = script_site()
    with serve(pages) as base:
        records = crawl(ORGAN, base + "/xxgk/ndbg/index.html", tmp_path)
    assert {(r["year"], r["url"]) for r in records} == {(year, base + path) for year, path in ours.items()}
