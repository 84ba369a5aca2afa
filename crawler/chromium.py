"""scrapy-playwright's download handler as the crawl runs it: started on first need, and
noting what each page was built from.

This module is imported only when a page first needs the browser (crawler.browser):
scrapy-playwright and Playwright take a tenth of a second or more to import, and a night
with no JavaScript page, or whose JavaScript pages all come from the render cache, need
not pay it.

- scrapy-playwright starts Playwright (its Node.js driver) when the engine starts, and
  the engine waits for it before its first request: 2-4 s on a small machine. Here the
  start waits for the first page that needs it (or for `launch_in_background`, when the
  archive says tonight's sites will).
- While a page loads, each answer of a kind a page is built from (crawler.rendercache.
  INPUT_TYPES) is noted with its body's sha256. After the page's own waits, and before
  it closes, the notes are awaited, so the handler can keep the built page with them.

It leans on private methods of scrapy-playwright (`_launch`, `_maybe_launch_browser`,
`_download_request`, `_create_page`, `_apply_page_methods`, `_engine_started`,
`_maybe_launch_in_thread`). tests/test_crawler_localweb.py (the JavaScript site),
tests/test_nightly.py and tests/test_render_cache.py (JavaScript sites over several
nights) fail if a new version changes them.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.cms import jsapp
from crawler.rendercache import INPUT_TYPES, Input

logger = logging.getLogger(__name__)


@dataclass
class Recording:
    """What one page was built from, noted as its answers come."""
    inputs: list[Input] = field(default_factory=list)
    pending: list[asyncio.Future] = field(default_factory=list)
    failed_urls: list[str] = field(default_factory=list)  # requests of the page that got no answer
    unreadable: bool = False                               # an answer whose body could not be read

    def on_response(self, response) -> None:
        if response.request.resource_type in INPUT_TYPES:
            self.pending.append(asyncio.ensure_future(Input.of(response)))

    def on_request_failed(self, request) -> None:
        if request.resource_type in INPUT_TYPES:
            self.failed_urls.append(request.url)

    async def settle(self) -> None:
        done = await asyncio.gather(*self.pending, return_exceptions=True)
        self.inputs = [d for d in done if isinstance(d, Input)]
        self.unreadable = len(self.inputs) != len(done)

    def complete_for(self, page_url: str) -> bool:
        """Whether the page can be checked again later from these inputs: every answer read,
        and no request to its own site failed (another site's analytics or share script that
        did not load builds no link, and would otherwise keep a page from ever being kept)."""
        from crawler.discovery import same_site

        return not self.unreadable and not any(same_site(url, page_url) for url in self.failed_urls)


class Chromium(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, started on first need, noting each page's inputs."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._start_lock: asyncio.Lock | None = None
        self.playwright_started = False
        self.recordings: dict[int, Recording] = {}  # id(request) -> its page's inputs

    # connected to engine_started by the parent (one or the other, by Scrapy version): this
    # handler is made after the engine started, and starts Playwright itself
    def _engine_started(self):
        return None

    async def _maybe_launch_in_thread(self) -> None:
        return None

    async def launch_in_background(self) -> None:
        """Start Playwright and chromium before any page needs them."""
        try:
            await self._start_playwright()
            await self._maybe_launch_browser()
        except Exception as exc:  # the first page that needs it will try again, and fail for itself
            logger.warning("could not start the browser ahead of time: %s", exc)

    async def _start_playwright(self) -> None:
        if self.playwright_started:
            return
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if not self.playwright_started:
                await self._launch()
                self.playwright_started = True

    async def _download_request(self, request, spider=None):
        await self._start_playwright()
        return await super()._download_request(request, spider)

    async def _create_page(self, request, spider):
        page = await super()._create_page(request, spider)
        recording = self.recordings[id(request)] = Recording()  # a new page for a retry: a new recording
        page.on("response", recording.on_response)
        page.on("requestfailed", recording.on_request_failed)
        jsapp.track_requests(page)  # the wait for the page to be built waits for its data too
        return page

    async def _apply_page_methods(self, page, request, spider) -> None:
        await super()._apply_page_methods(page, request, spider)
        recording = self.recordings.get(id(request))
        if recording is not None:
            await recording.settle()  # before the page's content is read and the page closed

    def recording_of(self, request) -> Recording | None:
        """What the page of this request was built from (and forget it)."""
        return self.recordings.pop(id(request), None)
