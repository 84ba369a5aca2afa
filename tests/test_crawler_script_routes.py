"""A JavaScript catalogue (Guangdong's gkmlpt and its kind): the report column is a route.

The shell has the site's navigation links of its own, an external script and 加载中… where
the catalogue will be; the script builds a catalogue tree whose entries are routes of the
same page (`#2453` 政府信息公开年报) and lists the chosen catalogue from a JSON API, newest
first. Found by a blind test on sites the crawler had not seen: the shell was never sent to
the browser (it had links of its own and its fetch() is in a file), and even rendered, the
default view lists only the newest items, so the reports of earlier years were missed.
"""
from __future__ import annotations

import json
import os
import shutil

import pytest
from static_site import HTML, serve, crawl

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium")),
                                 reason="the JavaScript catalogue needs Debian's chromium")]

ORGAN = "南山区民政局"
REPORTS_CATALOGUE = 2453

APP_JS = """(function () {
  var app = document.getElementById('app');
  function render(catalogue) {
    fetch('/mzj/gkmlpt/api/all/' + (catalogue || 0) + '?page=1').then(function (r) { return r.json(); }).then(function (d) {
      var h = '<div class="tree"><a href="#0">全部</a> <a href="#2453">政府信息公开年报</a> <a href="#2460">财政信息</a></div><ul class="list">';
      d.articles.forEach(function (a) { h += '<li><a href="' + a.url + '">' + a.title + '</a><span>' + a.date + '</span></li>'; });
      app.innerHTML = h + '</ul>';
    });
  }
  window.addEventListener('hashchange', function () { render(location.hash.slice(1)); });
  render(location.hash.slice(1));
})();
"""


def catalogue_site() -> tuple[dict[str, tuple[str, bytes]], dict[int, str]]:
    """{path: (content type, body)} and {year: path} of the bureau's reports."""
    chrome = Chrome(ORGAN, site_code="4403050001", icp="粤ICP备05001234号", phone="0755-2666666",
                    nav={"首页": "/mzj/", "信息公开": "/mzj/xxgk/", "政府信息公开": "/mzj/gkmlpt/index"})
    html = HTML
    site = {"/mzj/": (html, chrome.page(ORGAN, '<p><a href="/mzj/gkmlpt/index">政府信息公开</a></p>').encode()),
            "/mzj/xxgk/": (html, chrome.page("信息公开", '<p><a href="/mzj/gkmlpt/index">政府信息公开</a></p>').encode()),
            "/mzj/gkmlpt/static/app.js": ("application/javascript", APP_JS.encode()),
            "/mzj/gkmlpt/index": (html, chrome.page(
                "政府信息公开", '<div id="app"><div class="loading">加载中…</div></div>',
                head='<script src="/mzj/gkmlpt/static/app.js" defer></script>').encode())}
    reports, news, ours = [], [], {}
    for year in (2021, 2022, 2023, 2024):
        report = generate(ORGAN, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        path = f"/mzj/gkmlpt/content/10/{year}/post_{year}01.html"
        site[path] = (html, article(chrome, report.title, at(report.published), report_body(report)).encode())
        reports.append({"url": path, "title": report.title, "date": f"{report.published:%Y-%m-%d}"})
        ours[year] = path
    for n in range(12):  # the newest items: the default view has room for these only
        path = f"/mzj/gkmlpt/content/20/{n}/post_{n}.html"
        title = f"关于做好2025年第{n + 1}批社会救助资金发放工作的通知"
        site[path] = (html, article(chrome, title, at(generate(ORGAN, 2024).published), f"<p>{title}。</p>").encode())
        news.append({"url": path, "title": title, "date": "2025-06-01"})
    newest = sorted(reports + news, key=lambda a: a["date"], reverse=True)[:10]
    for catalogue, articles in ((0, newest), (REPORTS_CATALOGUE, reports[::-1]), (2460, [])):
        site[f"/mzj/gkmlpt/api/all/{catalogue}"] = ("application/json", json.dumps({"articles": articles}).encode())
    return site, ours


@pytest.fixture(scope="module")
def catalogue():
    site, ours = catalogue_site()
    with serve(site) as base:
        yield base, ours


def test_a_catalogue_built_by_script_is_rendered_and_its_report_route_read(catalogue, tmp_path):
    base, ours = catalogue
    records = crawl(ORGAN, base + "/mzj/", tmp_path)
    assert {(r["year"], r["url"]) for r in records} == {(year, base + path) for year, path in ours.items()}


HASH_APP_JS = """(function () {
  var app = document.getElementById('app');
  function route() {
    var h = location.hash.slice(1);
    if (h.indexOf('/detail/') === 0) {
      fetch('/edu/api/detail/' + h.split('/')[2]).then(function (r) { return r.text(); })
        .then(function (t) { app.innerHTML = t; });
      return;
    }
    fetch('/edu/api/list').then(function (r) { return r.json(); }).then(function (d) {
      var s = '<ul class="list">';
      d.data.list.forEach(function (a) { s += '<li><a href="#/detail/' + a.id + '">' + a.title + '</a></li>'; });
      app.innerHTML = s + '</ul>';
    });
  }
  window.addEventListener('hashchange', route);
  route();
})();
"""


def test_the_reports_of_a_hash_routed_app_are_rendered_at_their_routes(tmp_path):
    organ = "东城区教育局"
    chrome = Chrome(organ, site_code="1101010001", icp="京ICP备05001238号", phone="010-66666666",
                    nav={"首页": "/edu/", "新闻": "/edu/news/", "政务公开": "/edu/#/list/ndbg"})
    site, items, ours = {"/edu/static/app.js": ("application/javascript", HASH_APP_JS.encode())}, [], {}
    for n, year in enumerate((2023, 2024), 1):
        report = generate(organ, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        site[f"/edu/api/detail/{n}"] = (HTML, (f"<h1>{report.title}</h1>" + report_body(report)).encode())
        items.append({"id": n, "title": report.title})
        ours[year] = f"/edu/#/detail/{n}"
    site["/edu/api/list"] = ("application/json", json.dumps({"data": {"list": items}}).encode())
    site["/edu/"] = (HTML, chrome.page(organ, '<div id="app"><div class="loading">加载中…</div></div>',
                                       head='<script src="/edu/static/app.js" defer></script>').encode())
    with serve(site) as base:
        records = crawl(organ, base + "/edu/", tmp_path)
    assert {(r["year"], r["url"]) for r in records} == {(year, base + path) for year, path in ours.items()}
