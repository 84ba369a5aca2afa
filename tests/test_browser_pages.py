"""Lists a script shows part by part (crawler.cms.jsapp.read_every_page), in chromium.

A script-built column often shows ten items and a 下一页 button, page numbers or a 加载更多
button with no address of their own, or loads more when scrolled to the bottom. Each of
those is shown to its end, and every part's links end up in the page the spider reads.
"""
import asyncio

import pytest

from crawler.cms.jsapp import read_every_page, wait_for_content
from crawler.settings import CHROMIUM_PATH, PLAYWRIGHT_LAUNCH_OPTIONS

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM_PATH, reason="Debian's chromium is not installed (install.sh)")]

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title>
<style>li {{ height: {row_height}px }}</style></head>
<body><ul id="list"></ul><div id="pager"></div><script>
const items = Array.from({{length: 23}}, (_, i) => ({{url: '/art/' + (2000 + i) + '.html', title: (2000 + i) + '年度报告'}}));
const size = 5;
const row = a => '<li><a href="' + a.url + '">' + a.title + '</a></li>';
const later = f => setTimeout(f, 150);  // the next part comes from a slow API
{script}
</script></body></html>"""

REPLACED_BY_NEXT = """
let page = 1;
function show() {
  document.getElementById('list').innerHTML = items.slice((page - 1) * size, page * size).map(row).join('');
  const last = page * size >= items.length;
  document.getElementById('pager').innerHTML = '<button class="next"' + (last ? ' disabled' : '') + '>下一页</button>';
  if (!last) document.querySelector('.next').onclick = () => later(() => { page += 1; show(); });
}
show();
"""

APPENDED_BY_MORE = """
let shown = 0;
function more() {
  shown += size;
  document.getElementById('list').innerHTML = items.slice(0, shown).map(row).join('');
  document.getElementById('pager').innerHTML = shown < items.length ? '<a href="javascript:;" id="more">加载更多</a>' : '没有更多了';
  const button = document.getElementById('more');
  if (button) button.onclick = () => later(more);
}
more();
"""

NUMBERED = """
function go(page) {
  document.getElementById('list').innerHTML = items.slice((page - 1) * size, page * size).map(row).join('');
  let links = '';
  for (let n = 1; n <= Math.ceil(items.length / size); n++)
    links += n === page ? '<span class="current">' + n + '</span>' : '<a href="javascript:;" onclick="later(() => go(' + n + '))">' + n + '</a>';
  document.getElementById('pager').innerHTML = '<div class="pagination">' + links + '</div>';
}
go(1);
"""

ON_SCROLL = """
let shown = 0, busy = false;
function more() {
  shown += size; busy = false;
  document.getElementById('list').innerHTML = items.slice(0, shown).map(row).join('');
}
more();
window.addEventListener('scroll', () => {
  if (!busy && shown < items.length && window.innerHeight + window.scrollY >= document.body.scrollHeight - 40) {
    busy = true; later(more);
  }
});
"""


def read_in_chromium(script: str, row_height: int = 30, **kwargs):
    from playwright.async_api import async_playwright

    async def main():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
            try:
                page = await browser.new_page()
                await page.set_content(PAGE.format(script=script, row_height=row_height), wait_until="load")
                await wait_for_content(page)
                result = await read_every_page(page, **kwargs)
                html = await page.content()
                return result, html
            finally:
                await browser.close()

    return asyncio.run(main())


def found(html: str) -> set[int]:
    import re

    return {int(year) for year in re.findall(r'href="/art/(\d{4})\.html"', html)}


@pytest.mark.parametrize("script", [REPLACED_BY_NEXT, APPENDED_BY_MORE, NUMBERED], ids=["下一页", "加载更多", "page numbers"])
def test_every_part_of_a_list_shown_by_a_control_is_read(script):
    result, html = read_in_chromium(script)
    assert found(html) == set(range(2000, 2023))
    assert result == {"parts": 5, "more": False, "left": None}


def test_a_list_that_loads_more_when_scrolled_to_its_bottom_is_read():
    result, html = read_in_chromium(ON_SCROLL, row_height=400)  # taller than the window
    assert found(html) == set(range(2000, 2023))
    assert result["more"] is False


def test_the_limit_says_more_was_left():
    result, html = read_in_chromium(REPLACED_BY_NEXT, limit=2)
    assert found(html) == set(range(2000, 2015))
    assert result == {"parts": 3, "more": True, "left": None}


def test_a_list_with_nothing_more_is_read_as_shown():
    result, html = read_in_chromium("document.getElementById('list').innerHTML = items.slice(0, 5).map(row).join('');")
    assert found(html) == set(range(2000, 2005)) and result == {"parts": 1, "more": False, "left": None}


def test_a_control_whose_script_goes_to_another_page_is_left_to_the_walk():
    # <span onclick="location.href='list_2.html'">下一页</span> is a link the walk follows
    # (crawler.discovery), not a part of this list to show here
    script = ("document.getElementById('list').innerHTML = items.slice(0, 5).map(row).join('');"
              "document.getElementById('pager').innerHTML = '<span onclick=\"location.href=\\'list_2.html\\'\">下一页</span>';")
    result, html = read_in_chromium(script)
    assert result == {"parts": 1, "more": False, "left": None} and found(html) == set(range(2000, 2005))


NEVER_DISABLED = REPLACED_BY_NEXT.replace("const last = page * size >= items.length;", "const last = false;").replace(
    "page += 1; show();", "page = Math.min(page + 1, Math.ceil(items.length / size)); show();")
GOING_ROUND = REPLACED_BY_NEXT.replace("const last = page * size >= items.length;", "const last = false;").replace(
    "page += 1; show();", "page = page % 3 + 1; show();")


def test_a_next_control_that_never_ends_or_goes_round_stops_when_nothing_new_comes():
    # (a blind test: 30 clicks every night, and the site partial, never judged)
    result, html = read_in_chromium(NEVER_DISABLED)
    assert found(html) == set(range(2000, 2023)) and result == {"parts": 5, "more": False, "left": None}
    result, html = read_in_chromium(GOING_ROUND)
    assert found(html) == set(range(2000, 2015)) and result == {"parts": 3, "more": False, "left": None}


def served_and_read(pages: dict, path: str, read: bool = True):
    """Serve `pages` ({path: (content type, body, seconds before answering)}), open `path`
    in chromium with its requests tracked as the crawl does, wait for it and read its parts."""
    import http.server
    import socketserver
    import threading
    import time

    from playwright.async_api import async_playwright

    from crawler.cms.jsapp import track_requests

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            content_type, body, delay = pages.get(self.path.split("?")[0], ("text/plain", b"", 0))
            time.sleep(delay)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    async def main():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
            try:
                page = await browser.new_page()
                track_requests(page)
                await page.goto(base + path, wait_until="load")
                await wait_for_content(page)
                result = await read_every_page(page) if read else None
                return result, await page.content(), page.url
            finally:
                await browser.close()

    try:
        return asyncio.run(main())
    finally:
        server.shutdown()
        server.server_close()


FURNITURE = ('<div class="nav"><a href="/">首页</a><a href="/jggk/">机构概况</a><a href="/hdjl/">互动交流</a></div>'
             '<p>主办单位：某县民政局　网站标识码：1234567890　联系电话：0571-6000000　建议使用1366×768分辨率浏览</p>')
SLOW_LIST = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + FURNITURE +
             '<ul id="list"><li>加载中…</li></ul><script>fetch("/api/list.json").then(r => r.json()).then(d => {'
             'document.getElementById("list").innerHTML = d.map(a => "<li><a href=\\"" + a.url + "\\">" + a.title + "</a></li>").join("");'
             '});</script></body></html>')


@pytest.mark.parametrize("seconds", [1.5])
def test_a_list_whose_data_answers_late_is_waited_for(seconds):
    # the page's furniture looked built at once, and a list whose data came after half a
    # second was taken empty (a blind test: 0 of 5 reports, and the empty page kept)
    import json

    data = json.dumps([{"url": f"/art/{y}.html", "title": f"{y}年度报告"} for y in range(2019, 2024)]).encode()
    pages = {"/list/": ("text/html; charset=utf-8", SLOW_LIST.encode(), 0),
             "/api/list.json": ("application/json", data, seconds)}
    _, html, _ = served_and_read(pages, "/list/", read=False)
    assert found(html) == set(range(2019, 2024))


def test_a_next_control_whose_handler_opens_another_page_links_that_page_and_keeps_the_first():
    # a handler added by addEventListener, not an onclick attribute: only clicking tells
    # (a blind test: page 1's links lost, the page taken half-loaded and kept)
    first = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + FURNITURE +
             '<ul id="list">' + "".join(f'<li><a href="/art/{y}.html">{y}年度报告</a></li>' for y in range(2019, 2022)) +
             '</ul><span id="next">下一页</span><script>document.getElementById("next").addEventListener("click", '
             '() => { location.href = "/list_2.html"; });</script></body></html>')
    second = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + FURNITURE + '<ul id="list">' +
              "".join(f'<li><a href="/art/{y}.html">{y}年度报告</a></li>' for y in range(2022, 2024)) + '</ul></body></html>')
    pages = {"/list/": ("text/html; charset=utf-8", first.encode(), 0),
             "/list_2.html": ("text/html; charset=utf-8", second.encode(), 0)}
    result, html, url = served_and_read(pages, "/list/")
    assert result["left"] and result["left"].endswith("/list_2.html") and not result["more"]
    assert set(range(2019, 2022)) <= found(html)  # the first page's links, kept
    assert 'href="' + result["left"] + '"' in html  # and the page it went to, for the walk


def test_an_endless_feed_below_the_reports_is_read_until_nothing_like_a_report_comes():
    # (a blind test: 30 parts every night and the site partial, never judged)
    script = """
let shown = 0;
const item = i => i < 10 ? {url: '/art/' + (2000 + i) + '.html', title: (2000 + i) + '年度报告'}
                         : {url: '/news/' + i + '.html', title: '第' + i + '条工作动态'};
function more() {
  shown += size;
  document.getElementById('list').innerHTML = Array.from({length: shown}, (_, i) => row(item(i))).join('');
  document.getElementById('pager').innerHTML = '<a href="javascript:;" id="more">加载更多</a>';
  document.getElementById('more').onclick = () => later(more);
}
more();
"""
    result, html = read_in_chromium(script)
    assert found(html) == set(range(2000, 2010))
    assert result["more"] is False and result["parts"] < 10
