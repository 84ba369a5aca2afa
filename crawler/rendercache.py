"""Pages the browser built, kept with what they were built from (NIANBAO_RENDER_CACHE).

A JavaScript site's report column is an HTML shell, a script and the JSON the script
asks for. Its list has to be read every night, since that is where a new report shows
up, but building it in chromium costs the browser's start (about a second, and most of a
small machine's CPU while it lasts) and half a second or more per page waiting for the
page to stop changing. On a quiet night the page comes out the same as the night before.

So a page the browser builds is kept here with the answers it was built from: the
document, its scripts and its data requests (method, URL, body, status, sha256, ETag and
Last-Modified), in a SQLite file of its own beside the archive. The next time the page is
asked for, those requests are made again without the browser, conditionally where the
server gave validators. If every answer is the same as before, the kept page is the
answer. If any differs, fails or was never hashed, or the kept page is older than
NIANBAO_RENDER_CACHE_DAYS, the browser builds the page again. What the page is built from
is fetched every night; only the build is saved.

This assumes a page is made of what it fetched. A page whose script writes the time or a
random number into its links would be missed only between builds, and the age limit
bounds that. It is a transport concern, as Scrapy's HTTP cache is, so the download
handler reads and writes it (crawler.browser), not the pipelines. A render is kept only
when it is complete: its answer was 200, no request of the page failed, and every input
was hashed before the page closed.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import sqlite3
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.discovery import origin

logger = logging.getLogger(__name__)

# What a page is built from. Stylesheets, images, fonts and media do not make links or
# text (the last three are not even fetched: crawler.middlewares.browser_should_abort).
INPUT_TYPES = ("document", "script", "xhr", "fetch")
REDIRECTS = (301, 302, 303, 307, 308)
FLAG = "render cache"  # in the flags of a response that is a kept page
REPLAYS_AT_ONCE = 4    # a page's inputs asked for side by side, as the browser does


@dataclass
class Input:
    """One answer a page was built from."""
    method: str
    url: str
    body: str | None            # a POST's body (latin-1, as sent)
    content_type: str | None    # of a POST's body
    status: int
    sha256: str | None          # of the answer's body; None when it could not be read
    location: str | None = None  # a redirect's target
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    async def of(cls, response) -> "Input":
        """From a Playwright response (its body read now, before the page closes)."""
        request = response.request
        headers = await response.all_headers()
        status = response.status
        digest = location = None
        if status in REDIRECTS:
            location = headers.get("location")
        else:
            try:
                digest = hashlib.sha256(await response.body()).hexdigest()
            except Exception:  # the page closed, or the body is gone: this render cannot be checked
                digest = None
        post = request.post_data_buffer
        return cls(method=request.method, url=response.url, body=post.decode("latin-1") if post else None,
                   content_type=(await request.all_headers()).get("content-type") if post else None,
                   status=status, sha256=digest, location=location,
                   etag=headers.get("etag"), last_modified=headers.get("last-modified"))

    @property
    def complete(self) -> bool:
        return self.sha256 is not None or (self.status in REDIRECTS and self.location is not None)


class RenderCache:
    """The kept pages, in one SQLite file; `replay` answers a request from it when it can."""

    def __init__(self, path: Path, days: float, timeout: float, maxsize: int, user_agent: str | None = None):
        self.path = Path(path)
        self.days = days
        self.timeout = timeout
        self.maxsize = maxsize
        self.user_agent = user_agent
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS renders (key TEXT PRIMARY KEY, url TEXT NOT NULL, origin TEXT NOT NULL,"
            " rendered_at TEXT NOT NULL, final_url TEXT NOT NULL, status INTEGER NOT NULL, html BLOB NOT NULL,"
            " inputs TEXT NOT NULL)")
        self.db.execute("CREATE INDEX IF NOT EXISTS renders_origin ON renders(origin, rendered_at)")

    @classmethod
    def from_settings(cls, settings) -> "RenderCache | None":
        """The cache the settings name: NIANBAO_RENDER_CACHE, else `<NIANBAO_DB>.renders`;
        None (no cache) without either, or with NIANBAO_RENDER_CACHE_DAYS = 0."""
        days = settings.getfloat("NIANBAO_RENDER_CACHE_DAYS", 7)
        path = settings.get("NIANBAO_RENDER_CACHE") or (f"{settings.get('NIANBAO_DB')}.renders"
                                                         if settings.get("NIANBAO_DB") else None)
        if not path or days <= 0:
            return None
        return cls(Path(path), days, timeout=settings.getfloat("DOWNLOAD_TIMEOUT", 60),
                   maxsize=settings.getint("DOWNLOAD_MAXSIZE", 0), user_agent=settings.get("USER_AGENT"))

    def close(self) -> None:
        """Close, forgetting pages older than the age limit (never replayed again: a page no
        longer asked for would otherwise stay in the file for ever)."""
        self.db.execute("DELETE FROM renders WHERE rendered_at < ?", [_ago(self.days)])
        self.db.close()

    # --- keeping -----------------------------------------------------------------------------

    def keep(self, request, response, inputs: list[Input]) -> bool:
        """Keep a page the browser just built, if it can be checked again later (module
        docstring); returns whether it was kept."""
        if response.status != 200 or not inputs or not all(i.complete for i in inputs) \
                or not any(i.method == request.method and i.status == 200 for i in inputs):
            return False
        self.db.execute(
            "INSERT OR REPLACE INTO renders (key, url, origin, rendered_at, final_url, status, html, inputs)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [key_of(request), request.url, origin(request.url), _now(), response.url, response.status,
             zlib.compress(response.body), json.dumps([asdict(i) for i in inputs], ensure_ascii=False)])
        return True

    def has_fresh(self, origins) -> bool:
        """Whether every one of these sites has a page built recently enough to be replayed
        (then a night need not start the browser before a page proves to need it)."""
        since = _ago(self.days)
        return all(self.db.execute("SELECT 1 FROM renders WHERE origin = ? AND rendered_at >= ? LIMIT 1",
                                   [site, since]).fetchone() for site in origins)

    # --- replaying -------------------------------------------------------------------------------

    async def replay(self, request, download, refusal=None):
        """The kept page for this request when everything it was built from answers as it
        did then; None when the browser must build it. `download(request)` fetches without
        the browser; `refusal(url)` says why a URL may not be fetched (the SSRF guard)."""
        row = self.db.execute("SELECT rendered_at, final_url, status, html, inputs FROM renders WHERE key = ?",
                              [key_of(request)]).fetchone()
        if row is None:
            return None
        rendered_at, final_url, status, html, inputs = row
        if rendered_at < _ago(self.days):
            return None
        inputs = [Input(**i) for i in json.loads(inputs)]
        if refusal is not None:
            for i in inputs:
                if await refusal(i.url):
                    return None
        at_once = asyncio.Semaphore(REPLAYS_AT_ONCE)

        async def same(i: Input) -> bool:
            async with at_once:
                return await self._answers_as_before(i, download)

        if not all(await asyncio.gather(*(same(i) for i in inputs))):
            return None
        return HtmlResponse(final_url, status=status, body=zlib.decompress(html), encoding="utf-8",
                            headers={"Content-Type": "text/html; charset=utf-8"}, request=request,
                            flags=["playwright", FLAG])

    async def _answers_as_before(self, kept: Input, download) -> bool:
        headers = {"User-Agent": self.user_agent} if self.user_agent else {}
        if kept.content_type:
            headers["Content-Type"] = kept.content_type
        if kept.etag:
            headers["If-None-Match"] = kept.etag
        if kept.last_modified:
            headers["If-Modified-Since"] = kept.last_modified
        request = Request(kept.url, method=kept.method, body=kept.body.encode("latin-1") if kept.body else None,
                          headers=headers, meta={"download_timeout": self.timeout, "download_maxsize": self.maxsize,
                                                 "dont_cache": True})
        try:
            response = await download(request)
        except Exception as exc:  # any failure: the browser builds the page, and meets it itself
            logger.debug("render cache: %s failed (%s)", kept.url, exc)
            return False
        if response.status == 304 and (kept.etag or kept.last_modified):
            return True
        if response.status != kept.status:
            return False
        if kept.status in REDIRECTS:
            location = response.headers.get("Location")
            return location is not None and response.urljoin(location.decode("latin-1")) == response.urljoin(kept.location)
        return hashlib.sha256(response.body).hexdigest() == kept.sha256


def key_of(request) -> str:
    """A page's key: method, URL (with its #route) and, for a POST, its body's sha256."""
    body = hashlib.sha256(request.body).hexdigest() if request.body else ""
    return f"{request.method} {request.url} {body}".rstrip()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ago(days: float) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
