"""Held reports checked while their site's server would otherwise wait (NIANBAO_PREFETCH).

Every night asks for each report the archive holds, with If-None-Match/If-Modified-Since,
but only once the walk has found it again: home page, disclosure section, report column,
then the report. Most of a quiet night's time on a site is that chain, and any wait in
it adds up: a column that answers 503 with Retry-After, a slow page, a robots.txt
Crawl-delay. The conditional requests for the reports could be made during those waits.

So once a site's seed page has answered, its held documents (archive.Archive.
held_documents: each current report's URL, and the article page of a report read from an
attachment, when the server gave validators for them) are asked for, newest first, at
most the site's concurrency at a time, whenever the site's download slot has held nothing
of the walk for a moment (IDLE_SECONDS, or the site's download delay if longer) and the
crawl has half its CONCURRENT_REQUESTS to spare. With many sites a night is bounded by
the requests in flight, not by any one site's waits; asking ahead then only reorders the
same requests, and a walk's request waiting for an answer to come holds a place too (the
national bench's quiet night took 15 % longer before this condition). The answer, after
its retries and redirects, is kept here. When the walk reaches
the document, its request is answered with the kept answer, or waits for the one in
flight, instead of going to the server a second time; one the walk reaches first is not
asked for ahead any more.

The walk is unchanged: the spider sees the same answers, in its own order, and a report
the lists no longer link is still judged by the lists (not seen tonight), not by its URL
still answering. A document the walk never reaches was asked for once for nothing, as
it would have been had the list still linked it. Every request is counted once: an
answer given from here is flagged `prefetched`, and the statistics that count the
downloader's answers (DownloaderStats, the site budgets) skip it. A failed request
(timeout, reset) keeps nothing: the walk's own request tries again.

Needs the archive (a plain crawl or the nightly); off in a distributed worker, which has
no archive, and with NIANBAO_PREFETCH = False. The requests sent ahead call back into
this middleware, not the spider, so they cannot go to the job directory's disk queue
(Scrapy's `scheduler/unserializable` counts them): a night killed and resumed asks again,
and the resume cache answers what was fetched before the kill.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.exceptions import NotConfigured

from crawler.discovery import origin
from crawler.sitestats import seed_of, site_stats_for

logger = logging.getLogger(__name__)

FLAG = "prefetched"       # in the flags of an answer given from here, and the meta of a request sent ahead
PRIORITY = -100           # below everything the walk asks for
IDLE_SECONDS = 0.05       # a slot empty this long (or its download delay, if longer) is idle
MAX_KEPT_BYTES = 256 * 1024 * 1024  # answers kept and not yet claimed (a changed report is a whole body)


class PrefetchMiddleware:
    """Asks a site's held documents in its idle time and answers the walk's requests with
    what came back (see the module docstring). A downloader middleware below the retry
    and redirect ones, so what it keeps is a final answer."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.pending: dict[str, deque] = defaultdict(deque)  # download slot -> documents not yet asked for
        self.queued: set[tuple] = set()                      # (seed name, URL) still in `pending`
        self.in_flight: dict[tuple, asyncio.Future] = {}     # (seed name, URL) -> its answer to come
        self.claimed: set[tuple] = set()                     # in flight, and the walk's request waits for it
        self.kept: dict[tuple, tuple] = {}                   # (seed name, URL) -> (its final answer, request sent)
        self.kept_bytes = 0
        self.started: set[str] = set()                       # seeds whose documents were queued
        self.looking: set[str] = set()                       # slots with a look at them to come

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NIANBAO_PREFETCH", True):
            raise NotConfigured
        middleware = cls(crawler)
        crawler.signals.connect(middleware.response_received, signal=signals.response_received)
        crawler.signals.connect(middleware.request_left_downloader, signal=signals.request_left_downloader)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # --- queueing a site's documents, sending them when its slot is idle ------------------------

    def response_received(self, response, request, spider):
        """A seed page answered: the site's walk has begun, its documents may follow."""
        if not request.meta.get("seed_page"):
            return
        seed = seed_of(request)
        archive = getattr(self.crawler, "nianbao_archive", None)
        if archive is None or seed is None or seed["name"] in self.started:
            return
        self.started.add(seed["name"])
        slots = set()
        for document in archive.held_documents(seed["url"]):  # once per seed: keys are the seed's own
            slot = origin(document["url"])
            self.pending[slot].append(self._request(seed, document))
            self.queued.add((seed["name"], document["url"]))
            slots.add(slot)
        for slot in slots:
            self._look_later(slot)

    def request_left_downloader(self, request, spider):
        """A request of a site left its slot: the slot may be idle now."""
        slot = request.meta.get("download_slot")
        if slot in self.pending:
            self._look_later(slot)

    def _look_later(self, slot_key: str) -> None:
        """Look at the slot again in a moment: a page that just came back is still being
        read, and the requests it leads to are about to join the slot (the walk goes first)."""
        if slot_key in self.looking:
            return
        self.looking.add(slot_key)
        slot = self.crawler.engine.downloader.slots.get(slot_key) if self.crawler.engine else None
        grace = max(IDLE_SECONDS, slot.delay if slot is not None else 0.0)
        asyncio.get_event_loop().call_later(grace, self._release, slot_key)

    def _release(self, slot_key: str) -> None:
        """Send the site's next documents if its download slot has nothing of the walk in
        it, up to the slot's concurrency of documents asked ahead."""
        self.looking.discard(slot_key)
        engine = self.crawler.engine
        queue = self.pending.get(slot_key)
        if engine is None or not engine.running or queue is None:
            return
        downloader = engine.downloader
        if len(downloader.active) * 2 >= downloader.total_concurrency:
            # the crawl has no capacity to spare: with many sites, a night is bounded by the
            # requests in flight, and asking ahead would only reorder the same requests and
            # crowd out other sites' walks (a walk's request waiting for one counts too)
            return
        slot = downloader.slots.get(slot_key)
        if slot is not None and any(not r.meta.get(FLAG) for r in slot.active):
            return  # the walk is using the site: it goes first (its requests leaving call again)
        concurrency = slot.concurrency if slot is not None else downloader.domain_concurrency
        # documents asked ahead and at the server now (not those waiting out a Retry-After:
        # the server is not busy with them), at most the site's concurrency; sent together,
        # newest report first (the one most likely revised), their order kept by priority
        at_server = sum(1 for r in slot.active if r.meta.get(FLAG)) if slot is not None else 0
        for rank in range(max(0, concurrency - at_server)):
            while queue and _key(queue[0]) not in self.queued:
                queue.popleft()  # the walk asked for it first
            if not queue:
                break
            request = queue.popleft()
            key = _key(request)
            self.queued.discard(key)
            self.in_flight[key] = asyncio.get_event_loop().create_future()
            try:
                engine.crawl(request.replace(priority=PRIORITY - rank))
            except RuntimeError:  # the spider is closing: nothing more to ask for
                self.in_flight.pop(key).set_result(None)
                return
        if not queue:
            del self.pending[slot_key]

    def _request(self, seed: dict, document: dict) -> scrapy.Request:
        role = "attachment" if document["page_url"] else "article"
        meta = {"seed": seed, "role": role, FLAG: True}
        if document["page_url"]:
            meta.update(page_url=document["page_url"], attachment=True)
        return scrapy.Request(document["url"], callback=self._settled, errback=self._settled, meta=meta,
                              priority=PRIORITY, dont_filter=True)

    def _settled(self, response_or_failure):
        """The spider's side of a document asked ahead: nothing to parse (the walk's request
        gets the answer), only its site's count of requests in flight to settle."""
        request = getattr(response_or_failure, "request", None)
        if request is not None:
            self._done(request, None)  # settled in the downloader already, unless it never got there
            site_stats_for(self.crawler).settled(seed_of(request))
        return []

    # --- the downloader's side -------------------------------------------------------------

    async def process_request(self, request):
        if request.meta.get(FLAG) or request.meta.get("role") not in ("article", "attachment"):
            return None
        seed = seed_of(request)
        if seed is None:
            return None
        key = (seed["name"], request.url)
        if key in self.kept:
            answer = self.kept.pop(key)
            self.kept_bytes -= len(answer[0].body)
            return self._answer(request, *answer)
        if key in self.in_flight:
            self.claimed.add(key)
            answer = await asyncio.shield(self.in_flight[key])
            return self._answer(request, *answer) if answer is not None else None
        self.queued.discard(key)  # not asked ahead yet: the walk's own request goes instead
        return None

    def process_response(self, request, response):
        if request.meta.get(FLAG):
            self._done(request, response)
        return response

    def process_exception(self, request, exception):
        if request.meta.get(FLAG):
            self._done(request, None)
        return None

    def _done(self, request, response) -> None:
        """A document asked ahead has its final answer (None: it failed, nothing kept)."""
        key = (request.meta["seed"]["name"], (request.meta.get("redirect_urls") or [request.url])[0])
        future = self.in_flight.pop(key, None)
        if future is None:
            return  # settled already
        slot = origin(key[1])
        if key in self.claimed:
            self.claimed.discard(key)  # the walk's request is waiting: the answer is its own
        elif response is not None and self.kept_bytes + len(response.body) <= MAX_KEPT_BYTES:
            self.kept[key] = (response, request)
            self.kept_bytes += len(response.body)
        future.set_result((response, request) if response is not None else None)
        if slot in self.pending:
            self._look_later(slot)

    @staticmethod
    def _answer(request, answer, sent):
        """A kept answer as the answer to the walk's request, with what the middlewares
        below this one noted of the request that was sent (its conditional headers, the
        redirects it went through)."""
        for key, value in sent.meta.items():
            if key != FLAG:
                request.meta.setdefault(key, value)
        return answer.replace(request=request, flags=[*answer.flags, FLAG])

    def spider_closed(self, spider, reason):
        if self.kept:
            logger.info("%d held document(s) asked for ahead were not reached by the walk tonight", len(self.kept))
        self.kept.clear()


def _key(request) -> tuple:
    return request.meta["seed"]["name"], request.url


class PrefetchAwareDownloaderStats(DownloaderStats):
    """Scrapy's downloader statistics, not counting twice a document asked ahead: its
    request and answer were counted when they were made (crawler.prefetch)."""

    def process_response(self, request, response):
        if FLAG in response.flags:
            return response
        return super().process_response(request, response)
