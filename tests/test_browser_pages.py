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
    assert result == {"parts": 5, "more": False}


def test_a_list_that_loads_more_when_scrolled_to_its_bottom_is_read():
    result, html = read_in_chromium(ON_SCROLL, row_height=400)  # taller than the window
    assert found(html) == set(range(2000, 2023))
    assert result["more"] is False


def test_the_limit_says_more_was_left():
    result, html = read_in_chromium(REPLACED_BY_NEXT, limit=2)
    assert found(html) == set(range(2000, 2015))
    assert result == {"parts": 3, "more": True}


def test_a_list_with_nothing_more_is_read_as_shown():
    result, html = read_in_chromium("document.getElementById('list').innerHTML = items.slice(0, 5).map(row).join('');")
    assert found(html) == set(range(2000, 2005)) and result == {"parts": 1, "more": False}


def test_a_control_whose_script_goes_to_another_page_is_left_to_the_walk():
    # <span onclick="location.href='list_2.html'">下一页</span> is a link the walk follows
    # (crawler.discovery), not a part of this list to show here
    script = ("document.getElementById('list').innerHTML = items.slice(0, 5).map(row).join('');"
              "document.getElementById('pager').innerHTML = '<span onclick=\"location.href=\\'list_2.html\\'\">下一页</span>';")
    result, html = read_in_chromium(script)
    assert result == {"parts": 1, "more": False} and found(html) == set(range(2000, 2005))
