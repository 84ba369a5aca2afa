"""scrapy-playwright's download handler, started when a page first needs the browser.

scrapy-playwright starts Playwright (its Node.js driver) when the engine starts, once
for the http handler and once for the https one, and the engine waits for both before
its first request: 2-4 s on a small machine, paid by every crawl, although most nights
meet no JavaScript-only page and ordinary requests never touch Playwright (the handler
passes them to Scrapy's own HTTP handler). Here the start is put off until the first
request with `meta["playwright"]`; the rest is scrapy-playwright's own code.

When the archive says one of tonight's sites needed the browser last time, the spider
sends `BROWSER_WANTED` as it starts and the browser is launched in the background while
the first plain pages download, instead of on the JavaScript site's critical path.

A page goes straight to the browser when a page of the same shape on the same site was
an empty shell (tonight, or on a recent night): one plain fetch per shape finds out, not
one per page. The handler decides, at download time: a request has been through the
downloader middlewares long before it leaves its site's queue, often before the first
shell of its shape came back.

It leans on three private methods of scrapy-playwright (`_launch`, `_download_request`,
`_maybe_launch_browser`); tests/test_crawler_localweb.py (the JavaScript site),
tests/test_nightly.py (a JavaScript site over two nights) and
tests/test_crawler_scrapy_cli.py (a crawl with no such page starts no Playwright) fail
if a new version changes them.
"""
from __future__ import annotations

import asyncio
import inspect
import logging

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.discovery import url_template

logger = logging.getLogger(__name__)

# Sent by the spider when tonight's crawl will need the browser, with the URL schemes of
# the sites that will (a signal: Scrapy's way for one component to tell another, here the
# spider to the download handlers; each scheme has its own handler, and its own browser).
BROWSER_WANTED = object()


def browser_meta() -> dict:
    """Meta that sends a request through chromium and waits for the page to be built."""
    from scrapy_playwright.page import PageMethod

    from crawler.cms import jsapp

    return {
        "playwright": True,
        # "load", then our own wait for content: "networkidle" never comes on a busy page
        "playwright_page_goto_kwargs": {"wait_until": "load"},
        "playwright_page_methods": [PageMethod(jsapp.wait_for_content)],
        # the plain fetch of this URL is cached under the same fingerprint: never mix them up
        "dont_cache": True,
    }


def shell_key(seed_url: str, url: str) -> tuple[str, str]:
    """What a known shell is remembered by: its site and its URL shape (numbers blanked)."""
    return seed_url, url_template(url)


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """Starts Playwright on the first page that needs the browser (see the module docstring)."""

    scheme = "http"  # the URL scheme this handler is set for in DOWNLOAD_HANDLERS

    def __init__(self, crawler):
        super().__init__(crawler)
        self._start_lock: asyncio.Lock | None = None
        self.playwright_started = False
        self._warm_up: asyncio.Task | None = None
        self._crawler = crawler
        crawler.signals.connect(self._browser_wanted, signal=BROWSER_WANTED)

    # the same two forms as the parent's, whichever this Scrapy calls
    if inspect.iscoroutinefunction(ScrapyPlaywrightDownloadHandler.download_request):
        async def download_request(self, request):
            self._route(request)
            return await super().download_request(request)
    else:
        def download_request(self, request, spider):
            self._route(request)
            return super().download_request(request, spider)

    def _route(self, request) -> None:
        """A page shaped like a known shell of its site is rendered at once (module docstring)."""
        meta = request.meta
        if meta.get("playwright") or meta.get("attachment") or request.method != "GET" \
                or meta.get("role") not in ("home", "nav", "list", "article"):
            return
        shells = getattr(self._crawler.spider, "shells", None)
        seed = meta.get("seed")
        if shells and seed and shell_key(seed["url"], request.url) in shells:
            meta.update(browser_meta(), browser_attempts=1)

    def _browser_wanted(self, schemes=()):
        """Launch Playwright and chromium in the background (see the module docstring)."""
        if self.scheme in schemes and self._warm_up is None:
            self._warm_up = asyncio.ensure_future(self._launch_browser())

    async def _launch_browser(self) -> None:
        try:
            await self._start_playwright()
            await self._maybe_launch_browser()
        except Exception as exc:  # the first page that needs it will try again, and fail for itself
            logger.warning("could not start the browser ahead of time: %s", exc)

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


class LazyPlaywrightHttpsDownloadHandler(LazyPlaywrightDownloadHandler):
    """The same, for https: Scrapy makes one handler per scheme, each with its own browser."""

    scheme = "https"
