"""Transport concerns: scope, per-site budgets, WAF blocks, retries with backoff,
redirect loops, and no requests to private addresses (SSRF).

The spider only decides which links are worth following; whether a request may go out
(its seed's origin, the site's limits, a trap's URL shape) and what a response really
is (a challenge page is a block, not "no report"; a 503 asks us to come back later) is
decided here, once for every spider.
"""
from __future__ import annotations

import asyncio
import codecs
import email.utils
import ipaddress
import logging
import socket
import time
from collections import Counter
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.misc import build_from_crawler

from crawler.cms import jsp
from crawler.discovery import origin, same_site, url_template
from crawler.prefetch import FLAG as PREFETCHED
from crawler.rendercache import FLAG as RENDER_CACHE_FLAG
from crawler.sitestats import seed_of, site_stats_for

logger = logging.getLogger(__name__)


class ScopeMiddleware:
    """Keeps each seed's crawl on its own origin (attachments may live elsewhere).

    Also makes the site's origin (scheme, host and port) its download slot, so that the
    per-site concurrency and AutoThrottle apply per site even when several sites share
    one host on different ports, and strips session ids a redirect may have put back.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        request.meta.setdefault("download_slot", origin(request.url))
        stripped = jsp.strip_session_id(request.url)
        if stripped != request.url:
            return request.replace(url=stripped)
        seed = seed_of(request)
        if not seed or request.meta.get("attachment"):
            return None
        if request.meta.get("seed_page") and request.meta.get("redirect_urls"):
            return None  # the seed page itself moved: where it went is the site now (the spider follows it there)
        allowed = {origin(seed["url"])} | set(request.meta.get("also_allowed_origins", ()))
        if not any(same_site(request.url, site) for site in allowed):
            raise IgnoreRequest(f"off-site: {request.url} is outside {origin(seed['url'])}")
        return None


class SiteBudgetMiddleware:
    """Per-site limits: requests, bytes, and requests per URL shape (calendar traps)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.max_pages = settings.getint("SITE_MAX_PAGES")
        self.max_bytes = settings.getint("SITE_MAX_BYTES")
        self.max_per_template = settings.getint("SITE_MAX_PER_URL_TEMPLATE")
        self.requests: Counter = Counter()
        self.templates: Counter = Counter()
        self.bytes: Counter = Counter()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        seed = seed_of(request)
        if not seed or request.meta.get("budget_counted"):
            return None
        name = seed["name"]
        # 0 means no limit, as with Scrapy's own limits
        if self.max_pages and self.requests[name] >= self.max_pages:
            raise IgnoreRequest(f"limit: site page limit {self.max_pages} reached")
        if self.max_bytes and self.bytes[name] >= self.max_bytes:
            raise IgnoreRequest(f"limit: site byte limit {self.max_bytes} reached")
        template = (name, url_template(request.url))
        if self.max_per_template and self.templates[template] >= self.max_per_template:
            raise IgnoreRequest(f"trap: more than {self.max_per_template} URLs shaped {template[1]}")
        self.templates[template] += 1
        self.requests[name] += 1
        request.meta["budget_counted"] = True
        return None

    def process_response(self, request, response):
        seed = seed_of(request)
        if not seed or "revisit" in response.flags:  # a report not fetched (crawler.revisit) is no page
            return response
        if PREFETCHED not in response.flags:  # what the server sent (an answer asked for ahead: when it came)
            self.bytes[seed["name"]] += len(response.body)
        if request.meta.get(PREFETCHED):
            # asked for ahead (crawler.prefetch): the site's pages are its walk's, so the
            # answers (a 503, then the retry's 304) count when the walk takes the last one;
            # the list is shared by the request's retries and redirects, which copy its meta
            request.meta.setdefault("prefetch_answers", []).append(len(response.body))
        else:
            stats = site_stats_for(self.crawler)
            answers = request.meta.get("prefetch_answers") if PREFETCHED in response.flags else None
            stats.count(seed, "pages", len(answers) if answers else 1)
            stats.count(seed, "bytes", sum(answers) if answers else len(response.body))
            if RENDER_CACHE_FLAG in response.flags:
                stats.count(seed, "render_cache_pages")
            elif request.meta.get("playwright"):
                stats.count(seed, "browser_pages")
        return response


class ConditionalRequestMiddleware:
    """Asks for a report again only if it changed: If-None-Match / If-Modified-Since.

    With an archive, the last capture of a report URL gives its ETag and Last-Modified;
    an unchanged report then costs the server a 304, and the archive records it as seen.
    A worker of the distributed crawl has no archive: it asks the writer's copy of the
    validators in Redis (`crawler.nianbao_validators`, crawler/distributed.py).
    Only report articles and attachments are asked conditionally: lists must be read.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        archive = getattr(self.crawler, "nianbao_archive", None) or getattr(self.crawler, "nianbao_validators", None)
        if archive is None or request.meta.get("role") not in ("article", "attachment") \
                or request.meta.get("playwright") or request.meta.get("conditional_url") == request.url:
            return None
        if request.meta.get("conditional_url") is not None:
            # a redirect: the validators it carries are the old address's. Sent on, a copy
            # of the same bytes at the new address answered 304, which says nothing of an
            # address the archive does not hold (the report was judged gone, not moved)
            for header in ("If-None-Match", "If-Modified-Since"):
                request.headers.pop(header, None)
            request.meta["handle_httpstatus_list"] = [s for s in request.meta.get("handle_httpstatus_list", ()) if s != 304]
        validators = archive.validators(request.url) or {}
        request.meta["conditional_url"] = request.url
        if validators.get("etag"):
            request.headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            request.headers["If-Modified-Since"] = validators["last_modified"]
        if validators.get("etag") or validators.get("last_modified"):
            request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", ()), 304]
        return None


# What WAF challenge and rate-limit pages say (served with 200, 202 or 412), looked for in
# the bytes as UTF-8 and as GB18030 (the two encodings of Chinese pages), each with a plain
# substring search: every small answer of the night passes here, and neither decoding the
# page nor one regex of all the phrases (tried at every byte) is cheap.
_BLOCK_PHRASES = ("访问过于频繁", "您的访问被拦截", "访问被拦截", "访问受限", "请求过于频繁", "安全验证", "访问已被拒绝",
                  "Access Denied", "Request blocked")
_BLOCK_FORMS = [(phrase, form) for phrase in _BLOCK_PHRASES
                for form in dict.fromkeys(phrase.lower().encode(codec) if phrase.isascii() else phrase.encode(codec)
                                          for codec in ("utf-8", "gb18030"))]


def block_reason(status: int, body: bytes) -> str | None:
    """Why a response is a WAF block rather than content, or None."""
    head = body[:20000]
    if status == 412:
        return "blocked: HTTP 412 challenge"
    if status == 202 and (b"<script" in head.lower() or len(body) < 4096):
        return "blocked: HTTP 202 challenge"
    if status in (200, 403) and len(body) < 20000:
        lowered = None  # for the English phrases only: GB18030 trail bytes can be ASCII letters
        for phrase, form in _BLOCK_FORMS:
            if phrase.isascii():
                lowered = head.lower() if lowered is None else lowered
                if form in lowered:
                    return f"blocked: page says {phrase}"
            elif form in head:
                return f"blocked: page says {phrase}"
    return None


class CharsetMiddleware:
    """A page whose Content-Type names the wrong charset (utf-8 on a GBK page, as old
    servers send) is read in the one its bytes are in. Scrapy trusts the header over the
    page's <meta>, and every link title came out as U+FFFD, so no report was recognised
    (a blind test); the extractor's own decoding (extractors.encoding) decides here too."""

    def process_response(self, request, response):
        if not isinstance(response, TextResponse):
            return response
        from extractors.sniff import sniff

        if sniff(response.body[:2048]) not in ("html", "text"):
            return response  # a document (Scrapy makes a TextResponse of a PDF): its reader decodes it
        garbled = response.text.count("\ufffd")
        if garbled <= max(10, len(response.text) // 100):  # a stray bad byte is no wrong charset
            return response
        from extractors.encoding import charset_of

        encoding = charset_of(response.body, response.encoding)
        if codecs.lookup(encoding).name == codecs.lookup(response.encoding).name:
            return response
        return response.replace(encoding=encoding)


class BlockDetectionMiddleware:
    """Turns WAF challenge pages into an error the site's statistics record as a block."""

    def process_response(self, request, response):
        reason = block_reason(response.status, response.body)
        if reason:
            raise IgnoreRequest(f"{reason} at {request.url}")
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Retries that wait: Retry-After when the server gives it, else exponential backoff.

    Scrapy's own retry re-sends at once, which on a small server answering 503 "too
    busy" only makes things worse. The wait is capped (RETRY_BACKOFF_MAX) so one site
    cannot stall the crawl; it does not hold the site's download slot.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        await asyncio.sleep(self.delay(request, response.headers.get(b"Retry-After")))
        return self._retry(request, f"HTTP {response.status}") or response

    async def process_exception(self, request, exception):
        if request.meta.get("dont_retry") or not (isinstance(exception, self.exceptions_to_retry)
                                                  or is_browser_timeout(exception)):
            return None
        await asyncio.sleep(self.delay(request, None))
        return self._retry(request, exception)

    def delay(self, request, retry_after: bytes | None) -> float:
        """Seconds to wait before the next attempt of this request."""
        if retry_after:
            seconds = parse_retry_after(retry_after.decode("latin-1"))
            if seconds is not None:
                return min(seconds, self.cap)
        attempt = request.meta.get("retry_times", 0)
        return min(self.base * (2 ** attempt), self.cap)


def is_browser_timeout(exception) -> bool:
    """A browser page that did not load in time (Playwright's TimeoutError, known by name:
    importing Playwright to name its class would cost every night's start)."""
    kind = type(exception)
    return kind.__name__ == "TimeoutError" and kind.__module__.startswith("playwright.")


def parse_retry_after(value: str) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


async def browser_should_abort(request) -> bool:
    """The browser needs a page's scripts and data, not its images, fonts or media; and,
    as for every request of the crawl, nothing from a private address (a page's script
    must not fetch the intranet for us: PrivateAddressMiddleware)."""
    if request.resource_type in ("image", "media", "font"):
        return True
    guard = PrivateAddressMiddleware.current
    return guard is not None and await guard.refusal(request.url) is not None


REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class RedirectLoopMiddleware:
    """Names a redirect loop (A → B → A) as the error it is.

    Scrapy's RedirectMiddleware would send the request for A again, and the duplicate
    filter would then drop it without a word: the report behind the loop would be
    missing with no error against its site. Runs before RedirectMiddleware sees the
    answer (a higher number: responses go through the chain backwards).
    """

    def process_response(self, request, response):
        if response.status not in REDIRECT_STATUSES or request.meta.get("dont_redirect") \
                or b"Location" not in response.headers:
            return response
        target = urljoin(request.url, response.headers[b"Location"].decode("latin-1")).split("#")[0]
        if target in [*request.meta.get("redirect_urls", ()), request.url]:
            raise IgnoreRequest(f"redirect loop: {request.url} redirects back to {target}")
        return response


class PrivateAddressMiddleware:
    """Refuses requests to private, loopback, link-local or reserved addresses (SSRF guard).

    The seed list names public government sites. A link or a redirect from one of them
    to 127.0.0.1, 10.x, 192.168.x or 169.254.169.254 (a cloud's metadata service) would
    make the crawler fetch, and archive, what the machine's own network serves, on behalf
    of whoever runs that site. So every request, the seeds' included, is refused when its
    host is, or resolves to, such an address, unless NIANBAO_ALLOW_PRIVATE_HOSTS is on
    (the local web, the demo and the tests run on 127.0.0.1).

    NIANBAO_PRIVATE_NETWORKS, when given, replaces "not a global address" as the test
    of private: it lets a test on a machine with no public address play one (127.0.0.1
    public, 127.0.0.2 private). The name is resolved here and again by the downloader: a
    DNS server that answers differently the second time (rebinding) is not stopped.
    """

    current: "PrivateAddressMiddleware | None" = None  # the crawl's, for browser_should_abort

    def __init__(self, crawler):
        settings = crawler.settings
        self.allowed = settings.getbool("NIANBAO_ALLOW_PRIVATE_HOSTS")
        networks = settings.getlist("NIANBAO_PRIVATE_NETWORKS")
        self.networks = [ipaddress.ip_network(n.strip(), strict=False) for n in networks if n.strip()] or None
        self.addresses: dict[str, list] = {}
        PrivateAddressMiddleware.current = self

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        refusal = await self.refusal(request.url)
        if refusal:
            came = request.meta.get("redirect_urls")
            raise IgnoreRequest(f"private address: {refusal}" + (f", redirected to from {came[0]}" if came else "")
                                + "; not fetched (NIANBAO_ALLOW_PRIVATE_HOSTS allows it)")
        return None

    async def refusal(self, url: str) -> str | None:
        """Why the URL may not be fetched ("host is address"), or None."""
        host = urlsplit(url).hostname
        if self.allowed or not host:
            return None
        for address in await self._addresses(host):
            if self.is_private(address):
                return f"{host} is {address}"
        return None

    def is_private(self, address) -> bool:
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        if self.networks is not None:
            return any(address.version == n.version and address in n for n in self.networks)
        return not address.is_global or address.is_multicast

    async def _addresses(self, host: str) -> list:
        """The host's addresses: itself if it is one, else what DNS says (once per crawl)."""
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        if host not in self.addresses:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
                self.addresses[host] = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
            except (OSError, ValueError):  # no such name: the downloader will say so
                self.addresses[host] = []
        return self.addresses[host]


def set_crawl_delay(crawler, slot_key: str, delay: float) -> None:
    """Remember a site's robots.txt Crawl-delay and apply it to its download slot now (the
    throttle keeps the slot's delay from going under it later: crawler.throttle)."""
    delays = crawler.__dict__.setdefault("nianbao_crawl_delays", {})
    delays[slot_key] = delay
    slot = crawler.engine.downloader.slots.get(slot_key) if crawler.engine else None
    if slot is not None and slot.delay < delay:
        slot.delay = delay


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with one fetch a night per site for all workers.

    Each process keeps its own parsed robots.txt per site, so every worker of a distributed
    crawl fetched each site's robots.txt again: one more request per site per worker, under
    the site's politeness. With a store (`crawler.nianbao_robots`, the worker's Redis:
    crawler.distributed.RedisRobots) the body the first worker fetched is parsed by the
    others; a failed fetch is not shared (each worker tries for itself, as before). A
    single-process crawl has no store and this is Scrapy's middleware unchanged. Leans on
    Scrapy's `_parsers`, `_parserimpl` and `_parse_robots` (tests/test_distributed_crawl.py
    counts robots.txt fetches).
    """

    async def robot_parser(self, request, *args):
        store = getattr(self.crawler, "nianbao_robots", None)
        netloc = urlsplit(request.url).netloc
        if store is not None and netloc not in self._parsers:
            body = store.get(netloc)
            if body is not None:
                self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, body)
                self._stats.inc_value("robotstxt/shared")
        return await super().robot_parser(request, *args)

    def process_request_2(self, rp, request) -> None:
        """Scrapy's check, then the site's `Crawl-delay` (which Scrapy reads but never applies):
        the least time between two requests to the site, capped at NIANBAO_MAX_CRAWL_DELAY."""
        super().process_request_2(rp, request)
        protego = getattr(rp, "rp", None)
        if protego is None or not hasattr(protego, "crawl_delay"):
            return
        agent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        if isinstance(agent, bytes):
            agent = agent.decode("latin-1")
        try:
            asked = protego.crawl_delay(agent)
        except Exception:  # a malformed Crawl-delay line is no delay
            return
        if asked:
            delay = min(float(asked), self.crawler.settings.getfloat("NIANBAO_MAX_CRAWL_DELAY", 10.0))
            slot_key = request.meta.get("download_slot") or urlsplit(request.url).netloc
            set_crawl_delay(self.crawler, slot_key, delay)

    async def _parse_robots(self, response, netloc, *args):
        store = getattr(self.crawler, "nianbao_robots", None)
        if store is not None:
            store.put(netloc, response.body)
        return await super()._parse_robots(response, netloc, *args)
