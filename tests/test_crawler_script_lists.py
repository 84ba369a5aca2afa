"""A portal whose way to the reports is all script: a menu built from a JSON API on a
seed page that has a header, a footer and news of its own, and a report column that shows
five rows at a time, each row a <div onclick>, with a 下一页 button that fetches the next
five. Found by a blind test of script-built lists: the seed was never rendered (0 of 6
reports), the rows were no links, only the first five rows were read, and a report that
a new one pushed onto the second page was judged gone.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest
from static_site import HTML, nightly, serve

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not (os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium")),
                                 reason="the script-built pages need Debian's chromium")]

ORGAN = "南岭县民政局"
MENU_JS = """fetch('/api/menu.json').then(r => r.json()).then(menu => {
  document.getElementById('menu').innerHTML = menu.map(m => '<a href="' + m.url + '">' + m.name + '</a>').join(' ');
});"""
LIST_JS = """let page = 1;
function show() {
  fetch('/api/ndbg.json').then(r => r.json()).then(d => {
    const rows = d.items.slice((page - 1) * 5, page * 5);
    document.getElementById('list').innerHTML = rows.map(a =>
      '<div class="row" onclick="location.href=\\'' + a.url + '\\'"><span>' + a.title + '</span><em>' + a.date + '</em></div>').join('');
    const last = page * 5 >= d.items.length;
    document.getElementById('pager').innerHTML = '<span class="btn' + (last ? ' disabled' : '') + '">下一页</span>';
    if (!last) document.querySelector('#pager .btn').onclick = () => { page += 1; show(); };
  });
}
show();"""


def portal() -> tuple[dict, list[dict]]:
    chrome = Chrome(ORGAN, site_code="4501000001", icp="桂ICP备05001234号", phone="0771-5000000", nav={"首页": "/"})
    news = "".join(f'<li><a href="/news/{n}.html">{ORGAN}开展第{n}次社会救助政策宣传活动</a></li>' for n in range(1, 6))
    home = chrome.page(ORGAN, f'<div id="menu" class="nav"></div><ul class="news">{news}</ul>',
                       head='<script src="/js/menu.js"></script>')
    pages = {"/": (HTML, home.encode()), "/js/menu.js": ("application/javascript", MENU_JS.encode()),
             "/js/list.js": ("application/javascript", LIST_JS.encode()),
             "/api/menu.json": ("application/json", json.dumps([{"name": "机构概况", "url": "/jggk/"},
                                                                {"name": "政府信息公开年报", "url": "/xxgk/ndbg/"}],
                                                               ensure_ascii=False).encode()),
             "/jggk/": (HTML, chrome.page("机构概况", f"<p>{ORGAN}是县政府工作部门。</p>").encode()),
             "/xxgk/ndbg/": (HTML, chrome.page("政府信息公开年报", '<div id="list"></div><div id="pager"></div>',
                                               head='<script src="/js/list.js" defer></script>').encode())}
    for n in range(1, 6):
        pages[f"/news/{n}.html"] = (HTML, article(chrome, f"{ORGAN}开展第{n}次社会救助政策宣传活动", at(generate(ORGAN, 2023).published),
                                                  "<p>活动现场。</p>").encode())
    items = []
    for year in range(2025, 2018, -1):
        report = generate(ORGAN, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        path = f"/art/{year}/art_{9000 + year}.html"
        pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
        items.append({"url": path, "title": report.title, "date": f"{report.published:%Y-%m-%d}"})
    return pages, items


def test_a_script_built_menu_and_a_paged_column_of_script_rows_over_two_nights(tmp_path):
    pages, items = portal()
    pages["/api/ndbg.json"] = ("application/json", json.dumps({"items": items[1:]}, ensure_ascii=False).encode())
    with serve(pages) as base:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(f"name,url\n{ORGAN},{base}/\n", encoding="utf-8")
        db = tmp_path / "archive.db"
        first = nightly(seeds, db)
        assert "new: 6" in first.stdout, first.stderr[-3000:]  # 2019-2024, over two parts of the list
        # the 2025 report is published: it pushes 2019 onto the second part
        pages["/api/ndbg.json"] = ("application/json", json.dumps({"items": items}, ensure_ascii=False).encode())
        second = nightly(seeds, db)
        assert "new: 1" in second.stdout and "gone: 0" in second.stdout, second.stdout
    with sqlite3.connect(db) as conn:
        years = [year for (year,) in conn.execute("SELECT year FROM reports WHERE gone_since IS NULL ORDER BY year")]
    assert years == list(range(2019, 2026))
