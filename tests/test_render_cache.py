"""The render cache (crawler/rendercache.py): a JavaScript report column over three nights.

Night 1 builds the column in chromium and keeps it with what it was built from. Night 2,
nothing changed: the column's document, script and data are asked for again, without
the browser, and the kept page is the answer, so no browser starts. Night 3, the data
lists a new report: the column is built again and the new report is found.
"""
from __future__ import annotations

import json
import os
import shutil

import pytest
from static_site import HTML, nightly, serve

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, article, at

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not (os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium")),
                                 reason="the JavaScript column needs Debian's chromium")]

ORGAN = "青石县民政局"
LIST_JS = """fetch('/api/ndbg.json').then(function (r) { return r.json(); }).then(function (d) {
  var h = '';
  d.items.forEach(function (a) { h += '<li><a href="' + a.url + '">' + a.title + '</a> <span>' + a.date + '</span></li>'; });
  document.getElementById('list').innerHTML = h;
});
"""


def column_site() -> tuple[dict[str, tuple[str, bytes]], list[dict]]:
    """The site's pages, and the report column's data items of every year (newest first)."""
    chrome = Chrome(ORGAN, site_code="3301220001", icp="浙ICP备05004321号", phone="0571-6000000",
                    nav={"首页": "/", "政府信息公开年报": "/xxgk/ndbg/"})
    pages = {"/": (HTML, chrome.page(ORGAN, '<p><a href="/xxgk/ndbg/">政府信息公开年报</a></p>').encode()),
             "/static/list.js": ("application/javascript", LIST_JS.encode()),
             "/xxgk/ndbg/": (HTML, chrome.page("政府信息公开年报", '<ul id="list"><li>加载中…</li></ul>',
                                               head='<script src="/static/list.js" defer></script>').encode())}
    items = []
    for year in (2024, 2023, 2022):
        report = generate(ORGAN, year, contacts=Contacts(phone=[], email=[], address=[], postcode=[]))
        path = f"/xxgk/ndbg/{year}.html"
        pages[path] = (HTML, article(chrome, report.title, at(report.published), report_body(report)).encode())
        items.append({"url": path, "title": report.title, "date": f"{report.published:%Y-%m-%d}"})
    return pages, items


def listing(items: list[dict]) -> tuple[str, bytes]:
    return "application/json", json.dumps({"items": items}, ensure_ascii=False).encode("utf-8")


def test_an_unchanged_javascript_column_is_not_built_again_and_a_changed_one_is(tmp_path):
    pages, items = column_site()
    pages["/api/ndbg.json"] = listing(items[1:])  # the 2024 report is not published yet
    log: list = []
    with serve(pages, log=log) as base:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(f"name,url\n{ORGAN},{base}/\n", encoding="utf-8")
        db = tmp_path / "archive.db"

        first = nightly(seeds, db)
        assert "new: 2" in first.stdout
        assert "'render_cache/kept': 1" in first.stderr  # the column, built by chromium
        assert (tmp_path / "archive.db.renders").exists()

        since = len(log)
        second = nightly(seeds, db, "--full")  # a whole walk: the column and the seed page as night 1 read them
        assert "new: 0" in second.stdout and "gone: 0" in second.stdout
        assert "'render_cache/hit': 1" in second.stderr and "render_cache/miss" not in second.stderr
        assert "Launching browser" not in second.stderr  # a quiet night needs no browser
        asked = [path for _, path in log[since:]]
        # what the column is built from is still asked for every night, once
        assert asked.count("/xxgk/ndbg/") == 1 and asked.count("/static/list.js") == 1, asked
        assert asked.count("/api/ndbg.json") == 1, asked

        pages["/api/ndbg.json"] = listing(items)  # the 2024 report appears in the column's data
        third = nightly(seeds, db)  # a quiet night: the column is asked, its new report found
        assert "'render_cache/miss': 1" in third.stderr and "Launching browser" in third.stderr
        assert "new: 1" in third.stdout  # found: the kept page did not hide it


# --- the cache's own rules, with a download function standing in for the network -------------

def kept_page(tmp_path, inputs):
    """A render cache holding one built page of http://a.gov.cn/list/ made of `inputs`."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from crawler.rendercache import RenderCache

    cache = RenderCache(tmp_path / "renders", days=7, timeout=10, maxsize=0)
    request = Request("http://a.gov.cn/list/")
    built = HtmlResponse("http://a.gov.cn/list/", body="<ul><li>built</li></ul>".encode(), encoding="utf-8",
                         request=request)
    assert cache.keep(request, built, inputs)
    return cache, request


def answer(url, status=200, body=b"", headers=None):
    from scrapy.http import Response

    return Response(url, status=status, body=body, headers=headers or {})


def run(coroutine):
    import asyncio

    return asyncio.new_event_loop().run_until_complete(coroutine)


def inputs_of(pages: dict[str, bytes], etag_of: str | None = None):
    import hashlib

    from crawler.rendercache import Input

    return [Input(method="GET", url=url, body=None, content_type=None, status=200,
                  sha256=hashlib.sha256(body).hexdigest(), etag='"v1"' if url == etag_of else None)
            for url, body in pages.items()]


PAGES = {"http://a.gov.cn/list/": b"<div id=list></div>", "http://a.gov.cn/app.js": b"fetch('/api')",
         "http://a.gov.cn/api": b'{"items": [1]}'}


def test_the_kept_page_answers_when_every_input_answers_the_same(tmp_path):
    cache, request = kept_page(tmp_path, inputs_of(PAGES, etag_of="http://a.gov.cn/app.js"))
    asked = []

    async def download(r):
        asked.append((r.url, r.headers.get("If-None-Match")))
        if r.headers.get("If-None-Match") == b'"v1"':
            return answer(r.url, 304)
        return answer(r.url, body=PAGES[r.url])

    page = run(cache.replay(request, download))
    assert page is not None and b"built" in page.body and "render cache" in page.flags
    assert sorted(asked) == sorted([(url, b'"v1"' if url.endswith("app.js") else None) for url in PAGES])


def test_a_changed_failed_or_old_input_means_building_the_page_again(tmp_path):
    cache, request = kept_page(tmp_path, inputs_of(PAGES))

    async def changed(r):
        return answer(r.url, body=PAGES[r.url] + (b" 2" if r.url.endswith("/api") else b""))

    async def failing(r):
        if r.url.endswith("/api"):
            raise ConnectionError("reset")
        return answer(r.url, body=PAGES[r.url])

    async def gone(r):
        return answer(r.url, status=404 if r.url.endswith("/api") else 200, body=PAGES[r.url])

    for download in (changed, failing, gone):
        assert run(cache.replay(request, download)) is None, download.__name__

    async def same(r):
        return answer(r.url, body=PAGES[r.url])

    assert run(cache.replay(request, same)) is not None
    cache.db.execute("UPDATE renders SET rendered_at = '2020-01-01T00:00:00Z'")  # older than the age limit (7 days)
    assert run(cache.replay(request, same)) is None
    cache.close()  # and forgotten when the cache closes
    import sqlite3

    assert sqlite3.connect(tmp_path / "renders").execute("SELECT count(*) FROM renders").fetchone() == (0,)


def test_a_render_that_could_not_be_checked_later_is_not_kept(tmp_path):
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from crawler.rendercache import RenderCache

    cache = RenderCache(tmp_path / "renders", days=7, timeout=10, maxsize=0)
    request = Request("http://a.gov.cn/list/")
    built = HtmlResponse(request.url, body=b"<p>x</p>", request=request)
    unread = inputs_of(PAGES)
    unread[2].sha256 = None  # the page closed before this answer's body was read
    assert not cache.keep(request, built, unread)
    assert not cache.keep(request, built.replace(status=500), inputs_of(PAGES))
    assert not cache.keep(request, built, [])
