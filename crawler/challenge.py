"""Anti-bot JavaScript challenges (加速乐, 瑞数): passed once per site in chromium, then the
cookies it set carry the site's plain requests.

Many government sites sit behind a CDN's bot shield. Its first answer to a client it does
not know is no page but a small script: HTTP 521 (加速乐), 412 or 202 (瑞数), a page that
computes a cookie (`document.cookie = "__jsl_clearance_s=…"`) and reloads. A client that
runs no JavaScript gets the same answer for ever; read as a page it has no links, and the
site was reported as "no reports". A browser runs the script once, and the cookie it sets
is then accepted from any client with the same User-Agent for a while (an hour, a day).

So `ChallengeMiddleware` recognises such an answer, has chromium (the crawl's own
scrapy-playwright handler, crawler.browser) load that one URL and run the script, takes
the cookies the browser holds for the site, and sends the challenged request again, plain,
with them: Scrapy's cookie middleware keeps them for every later request of the site.
When they stop working (the same challenge comes back to a request that carried them),
the challenge is passed again, once; requests challenged meanwhile wait for that pass
instead of starting their own. Only the pass goes through the browser, and it is a request
of the site like any other (its download slot, its delay, its budget). A shield that binds
its cookie to the browser (the cookies of two passes refused before any page came with
them) leaves no way in but the browser: that site's pages are then read there, each past
the challenge, and still under the site's politeness.

A challenge the browser cannot pass (the page is still a challenge after its script ran,
or MAX_PASSES passes were spent) makes every
request of the site fail as "blocked: …" (crawler.sitestats counts it as a block): the
site is blocked, with the reason, never a site with no reports.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.discovery import origin

logger = logging.getLogger(__name__)

CHALLENGE_STATUSES = (521, 412, 202)
MAX_CHALLENGE_BYTES = 128 * 1024  # a 瑞数 page carries its obfuscated script inline: tens of KB
MAX_CHALLENGE_TEXT = 200          # characters a challenge page shows, scripts aside (请稍候…)
MAX_PASSES = 8                    # per site and crawl: a clearance lasts an hour or so; more is a loop
PASS_SECONDS = 15.0               # how long the browser may take to get past the script
STILL_SECONDS = 3.0               # a challenge page that has not reloaded in this long will not
# meta of a request the browser fetches for a challenge: "pass" (to get its cookies) or
# "page" (a page of a site whose cookies only a browser may send)
CHALLENGE_META = "challenge"

_SCRIPT = re.compile(rb"<script\b", re.I)
_STRIP = re.compile(rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<[^>]*>|&nbsp;|\s+", re.I | re.S)


def is_challenge(status: int, body: bytes) -> bool:
    """Whether an answer is a bot shield's script challenge, not the page: a challenge
    status, a small body with a script, and next to no text of its own."""
    if status not in CHALLENGE_STATUSES or len(body) > MAX_CHALLENGE_BYTES or not _SCRIPT.search(body[:MAX_CHALLENGE_BYTES]):
        return False
    return len(_STRIP.sub(b"", body).decode("utf-8", "replace")) <= MAX_CHALLENGE_TEXT


def challenge_kind(status: int) -> str:
    return f"JavaScript challenge (HTTP {status})"


async def pass_challenge(page, timeout: float = PASS_SECONDS, still: float = STILL_SECONDS) -> dict:
    """A scrapy-playwright page method: wait for the challenge's script to set its cookie
    and reload, until the page shown is no challenge, or is still one, no reload on its
    way, and has not moved for `still` seconds (its script gave up, or waits for a
    person), or `timeout`. Returns
    {"passed", the status of the page shown, the cookies the browser holds for it}."""
    from playwright.async_api import Error as PlaywrightError

    start = time.monotonic()
    moved, loading = [start], [False]  # the page's last move, and whether a reload is on its way

    def asked(request):
        if request.is_navigation_request() and request.frame == page.main_frame:
            moved[0], loading[0] = time.monotonic(), True

    def navigated(frame):
        if frame == page.main_frame:
            moved[0], loading[0] = time.monotonic(), False

    def failed(request):
        if request.is_navigation_request() and request.frame == page.main_frame:
            loading[0] = False

    page.on("request", asked)
    page.on("framenavigated", navigated)
    page.on("requestfailed", failed)
    passed, status = False, None
    try:
        while True:
            try:
                await page.wait_for_load_state("load")
                shown = await page.evaluate(_SHOWN)
                status = shown["status"] or None
                passed = not is_challenge(status or CHALLENGE_STATUSES[0], shown["html"].encode("utf-8"))
            except PlaywrightError:  # the script is reloading the page: look again
                passed = False
            now = time.monotonic()
            if passed or now - start > timeout or (not loading[0] and now - moved[0] > still):
                break
            await asyncio.sleep(0.2)
        cookies = await page.context.cookies(page.url)
    except PlaywrightError:
        cookies = []
    finally:
        page.remove_listener("request", asked)
        page.remove_listener("framenavigated", navigated)
        page.remove_listener("requestfailed", failed)
    return {"passed": passed, "status": status, "cookies": cookies}


# the status the page shown was answered with (Chromium's navigation timing), and its HTML
_SHOWN = """() => {
    const entry = performance.getEntriesByType('navigation')[0];
    return {status: entry ? entry.responseStatus || 0 : 0, html: document.documentElement.outerHTML};
}"""


def browser_meta(purpose: str) -> dict:
    """Meta that sends a request through chromium, past a challenge (`purpose`: "pass" or
    "page"); never from the render cache, and without the cookie jar's stale cookies for
    a pass (the browser keeps its own)."""
    from scrapy_playwright.page import PageMethod

    return {"playwright": True, "playwright_page_goto_kwargs": {"wait_until": "load"},
            "playwright_page_methods": [PageMethod(pass_challenge)], CHALLENGE_META: purpose,
            "dont_cache": True, **({"dont_merge_cookies": True, "dont_retry": True} if purpose == "pass" else {})}


def pass_result(meta: dict) -> dict:
    """What `pass_challenge` found for a request the browser fetched ({} before)."""
    return next((m.result for m in meta.get("playwright_page_methods") or ()
                 if isinstance(getattr(m, "result", None), dict) and "passed" in m.result), None) or {}


def scrapy_cookies(browser_cookies: list[dict]) -> list[dict]:
    """Playwright's cookies as Scrapy's request cookies (name, value, domain, path)."""
    return [{"name": c["name"], "value": c["value"], "domain": c.get("domain", ""), "path": c.get("path") or "/"}
            for c in browser_cookies if c.get("name")]


@dataclass
class SiteChallenge:
    """What a crawl knows of one site's challenge."""
    passes: int = 0                   # passes tried in the browser
    generation: int = 0               # bumped by every pass that got past: which cookies a request carried
    cookies: list = field(default_factory=list)
    passing: asyncio.Future | None = None
    worked: bool = False              # a plain request with this generation's cookies got a page
    refused: int = 0                  # passes whose cookies were refused before any page came with them
    in_browser: bool = False          # its cookies work for the browser alone: its pages are read there
    blocked: str | None = None        # why the site cannot be read, once known


class ChallengeMiddleware:
    """Passes a site's script challenge in chromium and sends its cookies with the site's
    plain requests (see the module docstring). Set between the block detection and the
    budget (a challenge is no block until it cannot be passed)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.sites: dict[str, SiteChallenge] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        state = self.sites.get(origin(request.url))
        if state is None or request.meta.get(CHALLENGE_META):
            return None
        if state.in_browser and not request.meta.get("playwright") and not request.meta.get("attachment"):
            request.meta.update(browser_meta("page"))  # a plain fetch would only be challenged
        elif state.generation:
            request.meta["challenge_generation"] = state.generation  # the cookies it goes out with
        return None

    async def process_response(self, request, response):
        purpose = request.meta.get(CHALLENGE_META)
        if purpose == "pass":
            return response
        state = self.sites.get(origin(request.url))
        if purpose == "page":
            result = pass_result(request.meta)
            if result.get("passed"):  # the page shown, answered with the status of its reload
                return response.replace(status=result.get("status") or 200)
            state.blocked = state.blocked or f"blocked: {challenge_kind(response.status)} not passed in the browser"
            raise IgnoreRequest(f"{state.blocked} at {request.url}")
        if not is_challenge(response.status, response.body):
            if state is not None and request.meta.get("challenge_generation") == state.generation:
                state.worked = True
            return response
        if state is None:
            state = self.sites[origin(request.url)] = SiteChallenge()
        kind = challenge_kind(response.status)
        sent_with = request.meta.get("challenge_generation")
        if state.passing is not None:
            await asyncio.shield(state.passing)  # another request of the site is passing it now
        elif state.blocked is None and not state.in_browser and (state.generation == 0 or sent_with == state.generation):
            # not passed yet, or the cookies this request carried (the newest) no longer work
            if state.generation and not state.worked:
                state.refused += 1
            if state.refused >= 2:
                # refused at once, twice: the shield binds its cookie to the browser (瑞数
                # does), so the site's pages are read in the browser, which passes it each time
                state.in_browser = True
                logger.info("%s: the cookies of the challenge's pass work in the browser only: the site's pages "
                            "are read there", origin(request.url))
            elif state.passes >= MAX_PASSES:
                state.blocked = f"blocked: {kind} still asked after {MAX_PASSES} passes in the browser"
            else:
                failed = await self._pass(state, request, kind)
                if failed:
                    raise IgnoreRequest(f"{failed} at {request.url}")
        if state.blocked:
            raise IgnoreRequest(f"{state.blocked} at {request.url}")
        if state.in_browser:
            return request.replace(meta={**request.meta, **browser_meta("page")}, dont_filter=True)
        logger.debug("%s: sent again with the cookies of the challenge's pass", request.url)
        # (never answered from the resume cache, which may hold the challenge: crawler.resume)
        return request.replace(cookies=state.cookies, dont_filter=True,
                               meta={**request.meta, "challenge_generation": state.generation, "dont_cache": True})

    async def _pass(self, state: SiteChallenge, request, kind: str) -> str | None:
        """Load the challenged URL in chromium and keep the cookies its script set; why
        this request cannot be read, if the browser failed to load it."""
        state.passing = asyncio.get_running_loop().create_future()
        state.passes += 1
        try:
            # (robots.txt's own request may be the one challenged: its pass must not wait for it)
            kept = ("seed", "role", "dont_obey_robotstxt")
            browser = Request(request.url, meta={**{k: request.meta[k] for k in kept if k in request.meta},
                                                 "download_slot": request.meta.get("download_slot", origin(request.url)),
                                                 **browser_meta("pass")}, dont_filter=True, priority=request.priority)
            try:
                answer = await self.crawler.engine.download_async(browser)
            except IgnoreRequest:  # the answer shown is still a challenge (BlockDetectionMiddleware)
                answer = None
            except Exception as exc:  # the browser could not load it (a timeout, a crash): this request
                # fails, and the next challenged one tries again (MAX_PASSES bounds them)
                logger.info("%s: the browser could not pass its challenge: %s", request.url, exc)
                return f"blocked: {kind}, the browser could not load it ({type(exc).__name__})"
            result = pass_result(browser.meta)
            if not result.get("passed"):
                state.blocked = f"blocked: {kind} not passed in the browser"
                logger.info("%s: %s (answered %s)", request.url, state.blocked, getattr(answer, "status", "?"))
                return None
            state.cookies = scrapy_cookies(result.get("cookies") or [])
            state.generation += 1
            state.worked = False
            logger.info("%s: the site's JavaScript challenge was passed in the browser (%d cookies)",
                        origin(request.url), len(state.cookies))
            return None
        finally:
            state.passing.set_result(None)
            state.passing = None
