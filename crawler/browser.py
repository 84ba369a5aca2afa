"""The download handler: plain pages as Scrapy's own, JavaScript pages through chromium.

Most pages never need a browser, so this is Scrapy's HTTP handler, and chromium
(scrapy-playwright, crawler.chromium) is imported and started only when the first page
with `meta["playwright"]` comes. scrapy-playwright would start Playwright with the
engine, and the engine would wait for it (2-4 s on a small machine) although most nights
meet no JavaScript-only page.

When the archive says one of tonight's sites needed the browser last time, the spider
sends `BROWSER_WANTED` as it starts, and the browser is launched in the background while
the first plain pages download, instead of on the JavaScript site's critical path; not
when those sites' pages were built recently enough to come from the render cache, where
a quiet night needs no browser at all.

A page goes straight to the browser when a page of the same shape on the same site was
an empty shell (tonight, or on a recent night): one plain fetch per shape finds out, not
one per page. The handler decides, at download time: a request has been through the
downloader middlewares long before it leaves its site's queue, often before the first
shell of its shape came back.

A page for the browser is first looked up in the render cache (crawler.rendercache):
when what it was built from answers as before, the page built then is the answer and
chromium is not asked. Every page chromium builds is kept there for the next night.
"""
from __future__ import annotations

import asyncio
import logging

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from crawler.discovery import origin, url_template
from crawler.rendercache import RenderCache

logger = logging.getLogger(__name__)

# Sent by the spider when tonight's crawl will need the browser, with the URL schemes of
# the sites that will (a signal: Scrapy's way for one component to tell another, here the
# spider to the download handlers; each scheme has its own handler, and its own browser).
BROWSER_WANTED = object()


def browser_meta(paged: bool = False) -> dict:
    """Meta that sends a request through chromium and waits for the page to be built; for
    a list (`paged`), its further parts are shown and kept too (jsapp.read_every_page)."""
    from scrapy_playwright.page import PageMethod

    from crawler.cms import jsapp

    methods = [PageMethod(jsapp.wait_for_content)]
    if paged:
        methods.append(PageMethod(jsapp.read_every_page))
    return {
        "playwright": True,
        # "load", then our own wait for content: "networkidle" never comes on a busy page
        "playwright_page_goto_kwargs": {"wait_until": "load"},
        "playwright_page_methods": methods,
        # the plain fetch of this URL is cached under the same fingerprint: never mix them up
        "dont_cache": True,
    }


def list_reading(meta: dict) -> dict:
    """What the browser's reading of a list's parts came to (crawler.cms.jsapp.read_every_page:
    parts, more, left), or {} for a page not read so."""
    for method in meta.get("playwright_page_methods") or ():
        if isinstance(getattr(method, "result", None), dict) and "parts" in method.result:
            return method.result
    return {}


def shell_key(seed_url: str, url: str) -> tuple[str, str]:
    """What a known shell is remembered by: its site and its URL shape (numbers blanked)."""
    return seed_url, url_template(url)


class BrowserDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, with chromium and the render cache for pages that need them."""

    lazy = False
    scheme = "http"  # the URL scheme this handler is set for in DOWNLOAD_HANDLERS

    def __init__(self, crawler):
        super().__init__(crawler)
        self._crawler = crawler
        self._chromium = None        # crawler.chromium.Chromium, made on first need
        self._warm_up: asyncio.Task | None = None
        self.renders = RenderCache.from_settings(crawler.settings)
        crawler.signals.connect(self._browser_wanted, signal=BROWSER_WANTED)

    async def download_request(self, request):
        self._route(request)
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        stats = self._crawler.stats
        # (a page past a challenge, crawler.challenge, is read tonight: its inputs cannot be
        # checked by plain fetches, which the challenge answers)
        renders = None if request.meta.get("challenge") else self.renders
        if renders is not None:
            kept = await self.renders.replay(request, super().download_request, _refusal)
            if kept is not None:
                stats.inc_value("render_cache/hit")
                return kept
            stats.inc_value("render_cache/miss")
        chromium = self.chromium()
        try:
            response = await chromium.download_request(request)
        finally:
            recording = chromium.recording_of(request)
        if renders is not None and recording is not None and self._whole(request, response, recording) \
                and self.renders.keep(request, response, recording.inputs):
            stats.inc_value("render_cache/kept")
        return response

    @staticmethod
    def _whole(request, response, recording) -> bool:
        """Whether a built page is whole, so worth keeping: every answer it was built from
        read, its list read to its end without leaving for another page, and no container
        still saying 加载中… (a page kept half-built would be replayed as it is)."""
        from crawler.cms import jsapp

        reading = list_reading(request.meta)
        return recording.complete_for(request.url) and not reading.get("more") and not reading.get("left") \
            and not jsapp.is_loading(response.text)

    def chromium(self):
        """scrapy-playwright's handler (crawler.chromium), imported and made on first need."""
        if self._chromium is None:
            from crawler.chromium import Chromium

            self._chromium = Chromium(self._crawler)
        return self._chromium

    async def close(self) -> None:
        await super().close()
        if self._chromium is not None:
            await self._chromium.close()
        if self.renders is not None:
            self.renders.close()

    def _route(self, request) -> None:
        """A page shaped like a known shell of its site is rendered at once (module docstring)."""
        meta = request.meta
        if meta.get("playwright") or meta.get("attachment") or request.method != "GET" \
                or meta.get("role") not in ("home", "nav", "list", "article"):
            return
        shells = getattr(self._crawler.spider, "shells", None)
        seed = meta.get("seed")
        if shells and seed and shell_key(seed["url"], request.url) in shells:
            meta.update(browser_meta(paged=meta.get("role") == "list"), browser_attempts=1)

    def _browser_wanted(self, schemes=(), sites=()):
        """Launch Playwright and chromium in the background (see the module docstring)."""
        if self.scheme not in schemes or self._warm_up is not None:
            return
        if self.renders is not None and sites and self.renders.has_fresh({origin(url) for url in sites}):
            logger.info("the browser is not started ahead of time: the JavaScript pages of tonight's sites were "
                        "built recently, and are checked against the render cache first")
            return
        self._warm_up = asyncio.ensure_future(self.chromium().launch_in_background())


class BrowserHttpsDownloadHandler(BrowserDownloadHandler):
    """The same, for https: Scrapy makes one handler per scheme, each with its own browser."""

    scheme = "https"


async def _refusal(url: str) -> str | None:
    """Why the SSRF guard would refuse a URL (crawler.middlewares.PrivateAddressMiddleware)."""
    from crawler.middlewares import PrivateAddressMiddleware

    guard = PrivateAddressMiddleware.current
    return await guard.refusal(url) if guard is not None else None
