"""The distributed mode: many worker processes (on many machines), one Redis, one writer.

Single-machine crawls stay the default and need no Redis. With a Redis URL, a worker is
the same `reports` spider with scrapy-redis underneath (`worker_settings`):

- scrapy-redis's Scheduler and RFPDupeFilter: one shared request queue and one shared
  seen-URL set, so every worker started with the same seed list queues each seed once
  and no page is fetched by two workers. SCHEDULER_PERSIST keeps them when one worker
  finishes (the others still use them); `reset` clears them before a night.
- the extraction pipelines run on the workers (extraction is the CPU-heavy part that
  scales with machines); scrapy-redis's RedisPipeline replaces StorePipeline and pushes
  each report item, serialised by `archive.redis_store.dumps_item` (bytes as base64), to
  `reports:items`, which one `nianbao store --redis` process writes into the archive.
- `SiteTokenMiddleware`: per-site politeness across workers. Scrapy's per-slot limits
  only see one process; here each request first takes one of the site's
  CONCURRENT_REQUESTS_PER_DOMAIN tokens in Redis, and keeps it for DOWNLOAD_DELAY after
  its response, so all workers together never exceed one process's politeness.
- `WorkerStatsExtension`: each worker leaves its per-site statistics in Redis at its end;
  the writer sums them to judge which sites were crawled completely (`merge_worker_stats`).

Found by running scrapy-redis 0.9.1 under Scrapy 2.19 (tests/test_distributed*.py):
its Scheduler, dupefilter, queues and RedisPipeline work; its RedisSpider/RedisMixin
(start URLs read from a Redis list) is not used: our spider starts from `async def
start()` and its seeds, which is what Scrapy 2.19 calls. Requests are pickled into the
queue (scrapy-redis's default): the Redis must be private to the crawl.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import socket
import time
import uuid

from scrapy import signals

from crawler.discovery import origin
from crawler.sitestats import seed_of, site_stats_for

logger = logging.getLogger(__name__)

SPIDER = "reports"
TOKEN_PREFIX = "nianbao:site:"         # nianbao:site:<origin>:<slot> -> holder, with an expiry
TOKEN_MIDDLEWARE = "crawler.distributed.SiteTokenMiddleware"
TOKEN_ORDER = 950                      # after scope, robots.txt, budget and the resume cache:
                                       # only requests that really go out take a token


def worker_settings(redis_url: str) -> dict:
    """Settings that turn a crawl into a worker of the distributed crawl at `redis_url`."""
    from crawler import settings as project

    pipelines = {name: order for name, order in project.ITEM_PIPELINES.items()
                 if not name.endswith(".StorePipeline")}
    pipelines["scrapy_redis.pipelines.RedisPipeline"] = 900
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "REDIS_ITEMS_SERIALIZER": "archive.redis_store.dumps_item",
        "ITEM_PIPELINES": pipelines,
        "DOWNLOADER_MIDDLEWARES": {**project.DOWNLOADER_MIDDLEWARES, TOKEN_MIDDLEWARE: TOKEN_ORDER},
        "EXTENSIONS": {**project.EXTENSIONS, "crawler.distributed.WorkerStatsExtension": 510},
    }


def command_line_settings(redis_url: str) -> list[str]:
    """`worker_settings` as `-s KEY=VALUE` arguments of `nianbao crawl` (dicts as JSON)."""
    args = []
    for key, value in worker_settings(redis_url).items():
        args += ["-s", f"{key}={json.dumps(value) if isinstance(value, (dict, bool)) else value}"]
    return args


def shared_keys(spider: str = SPIDER) -> list[str]:
    """The Redis keys one night of a distributed crawl lives in (besides the site tokens)."""
    return [f"{spider}:requests", f"{spider}:dupefilter", f"{spider}:items", f"{spider}:items:writing",
            f"{spider}:sitestats"]


def reset(client, spider: str = SPIDER) -> None:
    """Clear the last night's queue, seen-URL set, items and statistics before a new night.

    The seen-URL set must start empty each night (a persistent one would skip every page
    already fetched once); it is not flushed by the workers themselves because a worker
    that starts late would wipe the queue the others are working on.
    """
    client.delete(*shared_keys(spider))
    for key in client.scan_iter(match=TOKEN_PREFIX + "*", count=1000):
        client.delete(key)


# ------------------------------------------------------------------ per-site tokens

# Release a token only if we still hold it (it may have expired and been taken by another
# worker), and let the site rest `delay` ms under it: the download delay, across workers.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then return redis.call('SET', KEYS[1], 'resting', 'PX', ARGV[2]) end
  return redis.call('DEL', KEYS[1])
end
return 0
"""
POLL_SECONDS = 0.05  # how often a request waiting for a busy site looks again


class SiteTokens:
    """A counting semaphore per site in Redis: `slots` keys, each held with an expiry.

    Expiry makes a dead worker's tokens come back by themselves (after `hold_ms`, longer
    than a download may take); holders are unique strings so a late release never frees a
    token someone else took since.
    """

    def __init__(self, client, slots: int, hold_ms: int, delay_ms: int):
        self.client = client
        self.slots = max(1, slots)
        self.hold_ms = hold_ms
        self.delay_ms = delay_ms
        self.release_script = client.register_script(RELEASE)
        self.prefix = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:"
        self.counter = 0

    def keys(self, site: str) -> list[str]:
        return [f"{TOKEN_PREFIX}{site}:{i}" for i in range(self.slots)]

    def try_acquire(self, site: str) -> tuple[str, str] | None:
        """(key, holder) of a free token of `site`, taken; or None if all are held."""
        self.counter += 1
        holder = f"{self.prefix}{self.counter}"
        for key in random.sample(self.keys(site), self.slots):
            if self.client.set(key, holder, nx=True, px=self.hold_ms):
                return key, holder
        return None

    def wait_seconds(self, site: str) -> float:
        """How long to wait before trying `site` again: until a resting token frees, or a poll."""
        pipe = self.client.pipeline(transaction=False)
        for key in self.keys(site):
            pipe.get(key)
            pipe.pttl(key)
        answers = pipe.execute()
        waits = [POLL_SECONDS if value != b"resting" else max(0, ttl) / 1000
                 for value, ttl in zip(answers[::2], answers[1::2])]
        return min(waits, default=0)

    def release(self, key: str, holder: str) -> None:
        self.release_script(keys=[key], args=[holder, self.delay_ms])


class SiteTokenMiddleware:
    """Takes a site token before a request goes out, gives it back after the response."""

    def __init__(self, crawler):
        import redis

        settings = crawler.settings
        self.crawler = crawler
        client = redis.Redis.from_url(settings.get("REDIS_URL"))
        self.tokens = SiteTokens(
            client, slots=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2),
            hold_ms=int((settings.getfloat("DOWNLOAD_TIMEOUT", 60) + 30) * 1000),
            delay_ms=int(settings.getfloat("DOWNLOAD_DELAY", 0) * 1000))
        self.waited = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        if "site_token" in request.meta:
            return None
        site = origin(request.url)
        started = time.monotonic()
        while True:
            taken = self.tokens.try_acquire(site)
            if taken:
                request.meta["site_token"] = taken
                self.waited += time.monotonic() - started
                return None
            await asyncio.sleep(self.tokens.wait_seconds(site) + random.uniform(0, 0.01))

    def process_response(self, request, response):
        self._release(request)
        return response

    def process_exception(self, request, exception):
        self._release(request)
        return None

    def _release(self, request) -> None:
        token = request.meta.pop("site_token", None)
        if token:
            self.tokens.release(*token)


# ------------------------------------------------------------------ per-site statistics

class WorkerStatsExtension:
    """Counts reports per site (StorePipeline does not run here) and leaves the worker's
    per-site statistics in Redis at its end, for the writer (`merge_worker_stats`)."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def item_scraped(self, item, response, spider):
        site_stats_for(self.crawler).count({"name": item["seed_name"], "url": item["seed_url"]}, "reports")

    def spider_closed(self, spider, reason):
        import redis

        from archive.redis_store import ITEMS_KEY, sitestats_key

        client = redis.Redis.from_url(self.crawler.settings.get("REDIS_URL"))
        report = {"worker": f"{socket.gethostname()}:{os.getpid()}", "finish_reason": reason,
                  "sites": site_stats_for(self.crawler).as_dict()}
        client.rpush(sitestats_key(self.crawler.settings.get("REDIS_ITEMS_KEY") or ITEMS_KEY),
                     json.dumps(report, ensure_ascii=False))


def merge_worker_stats(reports: list[dict]) -> dict:
    """Per-site statistics of all workers summed, in the archive's shape.

    A site is judged (status "ok", its unseen reports marked gone) only if every worker
    finished normally and, all workers together, the site answered: a worker's share of a
    site is rarely the whole site, so it cannot be judged per worker.
    """
    from crawler.pipelines import archive_site_stats

    merged: dict[str, dict] = {}
    for report in reports:
        for name, site in report["sites"].items():
            total = merged.setdefault(name, {**site, "pages": 0, "bytes": 0, "reports": 0, "browser_pages": 0,
                                             "blocks": 0, "errors": {}, "error_examples": []})
            for key in ("pages", "bytes", "reports", "browser_pages", "blocks"):
                total[key] += site.get(key, 0)
            for reason, n in site.get("errors", {}).items():
                total["errors"][reason] = total["errors"].get(reason, 0) + n
    reasons = {r["finish_reason"] for r in reports}
    finished = "finished" if reasons == {"finished"} else ",".join(sorted(reasons - {"finished"})) or None
    return archive_site_stats(merged, finished)
