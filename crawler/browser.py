"""scrapy-playwright's download handler, started when a page first needs the browser.

scrapy-playwright starts Playwright (its Node.js driver) when the engine starts, once
for the http handler and once for the https one, and the engine waits for both before
its first request: 2-4 s on a small machine, paid by every crawl, although most nights
meet no JavaScript-only page and ordinary requests never touch Playwright (the handler
passes them to Scrapy's own HTTP handler). Here the start is put off until the first
request with `meta["playwright"]`; the rest is scrapy-playwright's own code.

It leans on two private methods of scrapy-playwright (`_launch`, `_download_request`);
tests/test_crawler_localweb.py (the JavaScript site) and tests/test_crawler_scrapy_cli.py
(a crawl with no such page starts no Playwright) fail if a new version changes them.
"""
from __future__ import annotations

import asyncio

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """Starts Playwright on the first page that needs the browser (see the module docstring)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._start_lock: asyncio.Lock | None = None
        self.playwright_started = False

    # connected to engine_started by the parent: do nothing there (one or the other is used,
    # depending on the Scrapy version)
    def _engine_started(self):
        return None

    async def _maybe_launch_in_thread(self) -> None:
        return None

    async def _download_request(self, request, spider=None):
        await self._start_playwright()
        return await super()._download_request(request, spider)

    async def _start_playwright(self) -> None:
        if self.playwright_started:
            return
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if not self.playwright_started:
                await self._launch()
                self.playwright_started = True
