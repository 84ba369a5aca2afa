"""The wait for a JavaScript page to be built (crawler.cms.jsapp.wait_for_content), in chromium.

A rendered page is handed to the spider only once its script has filled it and it has
stopped changing: taken too early, a list's links or an article's tables are missing.
"""
import asyncio

import pytest

from crawler.cms.jsapp import wait_for_content
from crawler.settings import CHROMIUM_PATH, PLAYWRIGHT_LAUNCH_OPTIONS

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM_PATH, reason="Debian's chromium is not installed (install.sh)")]

SHELL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head>
<body><div id="app"></div><script>{script}</script></body></html>"""

# three steps, as a list built from two data requests would be: the first batch of links
# makes the page "filled"; the second comes 300 ms later and must not be missed
IN_TWO_BATCHES = """
const app = document.getElementById('app');
const add = (from, to) => { for (let i = from; i < to; i++) {
  const a = document.createElement('a'); a.href = '/a/' + i + '.html'; a.textContent = '2024年度报告 ' + i;
  app.appendChild(a); } };
setTimeout(() => { add(0, 3); setTimeout(() => add(3, 9), 300); }, 200);
"""

NEVER_FILLED = "document.getElementById('app').textContent = '加载中';"


def run_in_chromium(html: str, **kwargs):
    from playwright.async_api import async_playwright

    async def main():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
            try:
                page = await browser.new_page()
                await page.set_content(html, wait_until="load")
                size = await wait_for_content(page, **kwargs)
                links = await page.evaluate("() => document.querySelectorAll('a[href]').length")
                final = await page.evaluate("() => document.body.innerHTML.length")
                return size, links, final
            finally:
                await browser.close()

    return asyncio.run(main())


def test_waits_for_the_second_batch_of_a_list_built_in_two_steps():
    size, links, final = run_in_chromium(SHELL.format(script=IN_TWO_BATCHES))
    assert links == 9
    assert size == final


def test_a_page_that_never_fills_is_taken_as_it_is_after_the_timeout():
    size, links, final = run_in_chromium(SHELL.format(script=NEVER_FILLED), timeout=1.0)
    assert links == 0 and size == final
