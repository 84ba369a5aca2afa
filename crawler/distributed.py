"""The distributed mode: many worker processes (on many machines), one Redis, one writer.

Single-machine crawls stay the default and need no Redis. With a Redis URL
(`nianbao crawl --redis`), a worker is the same `reports` spider with scrapy-redis
underneath (`worker_settings`):

- scrapy-redis's RFPDupeFilter and PriorityQueue, under our `crawler.leases.LeasingScheduler`:
  one shared request queue and one shared seen-URL set, so every worker started with the
  same seed list queues each seed once and no page is fetched by two workers; leases
  give the requests of a worker that died back to the others (scrapy-redis alone loses
  them). SCHEDULER_PERSIST keeps queue and seen-set when one worker finishes (the others
  still use them); `reset_night` clears them before a night.
- the extraction pipelines run on the workers (extraction is the CPU-heavy part that
  scales with machines); scrapy-redis's RedisPipeline replaces StorePipeline and pushes
  each item, serialised by `archive.redis_store.dumps_item` (bytes as base64), to
  `reports:items`, which one `nianbao store --redis` process writes into the archive.
  That writer also leaves the archive's ETag/Last-Modified of every report URL in Redis
  (`reports:validators`), so workers ask conditionally as a single-machine crawl does
  and an unchanged report costs a 304.
- `SiteTokenMiddleware`: per-site politeness across workers. Scrapy's per-slot limits
  only see one process; here each request first takes one of the site's
  CONCURRENT_REQUESTS_PER_DOMAIN tokens in Redis, and keeps it for DOWNLOAD_DELAY after
  its response, so all workers together never exceed one process's politeness.
- `WorkerExtension`: each worker leaves its per-site statistics in Redis at its end (the
  writer sums them to judge which sites were crawled completely, `merge_worker_stats`),
  and the last worker out of a finished night pushes the writer's stop sentinel.

A night: `reset_night` (`nianbao crawl --redis URL --reset`) clears the last night's
queue, seen-set and statistics and opens a new night; workers join it (`join_night`)
and leave it (`leave_night`); once the queue is empty and no worker holds a lease the
night is finished, and workers started after that have nothing to do until the next reset.

Found by running scrapy-redis 0.9.1 under Scrapy 2.19 (tests/test_distributed*.py):
its dupefilter, queues and RedisPipeline work; its RedisSpider/RedisMixin (start URLs
read from a Redis list) is not used: our spider starts from `async def start()` and its
seeds, which is what Scrapy 2.19 calls. Requests are pickled into the queue
(scrapy-redis's default): the Redis must be private to the crawl.
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
from crawler.items import ReportItem
from crawler.sitestats import merge_shapes, site_stats_for

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
        "SCHEDULER": "crawler.leases.LeasingScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",  # the leases' Lua scripts speak its ZSET
        "REDIS_ITEMS_SERIALIZER": "archive.redis_store.dumps_item",
        "ITEM_PIPELINES": pipelines,
        "NIANBAO_SITE_SEARCH": False,  # a worker's statistics are its share of a site: "no report" is unknown
        "DOWNLOADER_MIDDLEWARES": {**project.DOWNLOADER_MIDDLEWARES, TOKEN_MIDDLEWARE: TOKEN_ORDER},
        "EXTENSIONS": {**project.EXTENSIONS, "crawler.distributed.WorkerExtension": 510},
    }


def command_line_settings(redis_url: str) -> list[str]:
    """`worker_settings` as `-s KEY=VALUE` arguments of `scrapy crawl` (dicts as JSON)."""
    args = []
    for key, value in worker_settings(redis_url).items():
        args += ["-s", f"{key}={json.dumps(value) if isinstance(value, (dict, bool)) else value}"]
    return args


def connect(redis_url: str):
    """A Redis client for the workers and commands: redis-py's default 5 s socket timeout is
    shorter than the pauses of a busy machine, and a timeout here would fail a request."""
    import redis

    return redis.Redis.from_url(redis_url, socket_timeout=30, socket_connect_timeout=30, retry_on_timeout=True)


def worker_id(crawler) -> str:
    """This process's name in Redis (host:pid:random), the same for scheduler and tokens."""
    name = getattr(crawler, "_nianbao_worker_id", None)
    if name is None:
        name = crawler._nianbao_worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    return name


# ------------------------------------------------------------------ the night

class NightKeys:
    """The Redis keys one night of a distributed crawl lives in (besides the site tokens)."""

    def __init__(self, spider: str = SPIDER):
        self.spider = spider
        self.requests = f"{spider}:requests"        # scrapy-redis's queue (ZSET by priority)
        self.dupefilter = f"{spider}:dupefilter"    # scrapy-redis's seen-URL set
        self.items = f"{spider}:items"              # RedisPipeline -> the writer
        self.writing = f"{spider}:items:writing"    # what the writer took but has not committed
        self.sitestats = f"{spider}:sitestats"      # one JSON object per worker, at its end
        self.workers = f"{spider}:workers"          # worker -> running | closed | dead
        self.night = f"{spider}:night"              # state open | finished, opened_at, finished_at
        self.reclaimed = f"{spider}:reclaimed"      # requests given back from dead workers (JSON)
        self.validators = f"{spider}:validators"    # report URL -> the archive's ETag/Last-Modified
        self.robots = f"{spider}:robots"            # site (host:port) -> tonight's robots.txt body

    def alive(self, worker: str) -> str:
        return f"{self.spider}:alive:{worker}"

    def leases(self, worker: str) -> str:
        return f"{self.spider}:leases:{worker}"

    def cleared_by_reset(self) -> list[str]:
        """Not the items (the writer's) nor the validators (the archive's, refreshed by the writer)."""
        return [self.requests, self.dupefilter, self.sitestats, self.workers, self.night, self.reclaimed,
                self.robots]


class NightError(Exception):
    """The Redis is not ready for this command; the message says what to run."""


def reset_night(client, spider: str = SPIDER) -> dict:
    """Clear the last night's queue, seen-URL set, leases and statistics; open a new night.

    The seen-URL set must start empty each night (a persistent one would skip every page
    already fetched once); the workers never clear it themselves because a worker that
    starts late would wipe the queue the others are working on. Refuses while items of
    the last night wait for the writer: they would be lost.
    """
    keys = NightKeys(spider)
    waiting = client.llen(keys.items) + client.llen(keys.writing)
    if waiting:
        raise NightError(f"{waiting} items of the last night are not in the archive yet: run "
                         f"`nianbao store --redis URL --db ARCHIVE` until it stops, then reset")
    cleared = {"queued requests": client.zcard(keys.requests), "seen URLs": client.scard(keys.dupefilter)}
    client.delete(*keys.cleared_by_reset())
    for pattern in (keys.alive("*"), keys.leases("*"), TOKEN_PREFIX + "*"):
        for key in client.scan_iter(match=pattern, count=1000):
            client.delete(key)
    client.hset(keys.night, mapping={"state": "open", "opened_at": _now()})
    return cleared


def join_night(client, spider: str = SPIDER) -> dict:
    """The night a worker joins: {"state": "open" | "finished", ...}.

    A fresh Redis opens a night by itself; one that holds a queue or seen-set but no
    night record (left by an older version, or by hand) must be reset first.
    """
    keys = NightKeys(spider)
    night = {k.decode(): v.decode() for k, v in client.hgetall(keys.night).items()}
    if night:
        return night
    if client.exists(keys.requests, keys.dupefilter):
        raise NightError("this Redis holds a crawl queue but no open night: reset it first with "
                         "`nianbao crawl --redis URL --reset`")
    client.hsetnx(keys.night, "state", "open")
    client.hsetnx(keys.night, "opened_at", _now())
    return {k.decode(): v.decode() for k, v in client.hgetall(keys.night).items()}


# The last worker out of a night whose work is all done finishes it and tells the writer.
LEAVE = """
redis.call('HSET', KEYS[1], ARGV[1], 'closed')
redis.call('DEL', ARGV[2] .. 'alive:' .. ARGV[1])
if redis.call('HGET', KEYS[3], 'state') ~= 'open' then return 0 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
local workers = redis.call('HGETALL', KEYS[1])
for i = 1, #workers, 2 do
  if redis.call('EXISTS', ARGV[2] .. 'leases:' .. workers[i]) == 1 then return 0 end
  if workers[i + 1] == 'running' and redis.call('EXISTS', ARGV[2] .. 'alive:' .. workers[i]) == 1 then return 0 end
end
redis.call('HSET', KEYS[3], 'state', 'finished', 'finished_at', ARGV[4])
redis.call('RPUSH', KEYS[4], ARGV[3])
return 1
"""


def leave_night(client, worker: str, items_key: str, spider: str = SPIDER) -> bool:
    """Mark `worker` closed; if it was the last and nothing is left, finish the night and
    push the writer's stop sentinel (after every item: the workers pushed theirs already)."""
    from archive.redis_store import STOP

    keys = NightKeys(spider)
    script = client.register_script(LEAVE)
    return bool(script(keys=[keys.workers, keys.requests, keys.night, items_key],
                       args=[worker, f"{spider}:", json.dumps(STOP), _now()]))


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class RedisValidators:
    """The archive's ETag/Last-Modified per report URL, as the writer left them in Redis
    (`archive.redis_store.publish_validators`); what ConditionalRequestMiddleware asks."""

    def __init__(self, client, key: str):
        self.client = client
        self.key = key

    def validators(self, url: str) -> dict | None:
        data = self.client.hget(self.key, url)
        return json.loads(data) if data else None


class RedisRobots:
    """Tonight's robots.txt of each site, fetched by one worker and parsed by all
    (crawler.middlewares.SharedRobotsTxtMiddleware); cleared with the night (`--reset`)."""

    def __init__(self, client, key: str):
        self.client = client
        self.key = key

    def get(self, netloc: str) -> bytes | None:
        return self.client.hget(self.key, netloc)

    def put(self, netloc: str, body: bytes) -> None:
        self.client.hsetnx(self.key, netloc, body)


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
    than a download may take), and sooner when another worker finds it dead
    (`release_tokens_of`); holders are "<worker>:<n>", unique, so a late release never
    frees a token someone else took since.
    """

    def __init__(self, client, slots: int, hold_ms: int, delay_ms: int, worker: str | None = None):
        self.client = client
        self.slots = max(1, slots)
        self.hold_ms = hold_ms
        self.delay_ms = delay_ms
        self.release_script = client.register_script(RELEASE)
        self.is_async = type(client).__module__.startswith("redis.asyncio")
        self.prefix = f"{worker or socket.gethostname() + ':' + str(os.getpid()) + ':' + uuid.uuid4().hex[:8]}:"
        self.counter = 0

    def keys(self, site: str) -> list[str]:
        return [f"{TOKEN_PREFIX}{site}:{i}" for i in range(self.slots)]

    def try_acquire(self, site: str):
        """(key, holder) of a free token of `site`, taken; or None if all are held.
        With a redis.asyncio client, a coroutine (as are `wait_seconds` and `release`)."""
        self.counter += 1
        holder = f"{self.prefix}{self.counter}"
        keys = random.sample(self.keys(site), self.slots)
        if self.is_async:
            return self._try_acquire_async(keys, holder)
        for key in keys:
            if self.client.set(key, holder, nx=True, px=self.hold_ms):
                return key, holder
        return None

    async def _try_acquire_async(self, keys, holder):
        for key in keys:
            if await self.client.set(key, holder, nx=True, px=self.hold_ms):
                return key, holder
        return None

    def wait_seconds(self, site: str):
        """How long to wait before trying `site` again: until a resting token frees, or a poll."""
        pipe = self.client.pipeline(transaction=False)
        for key in self.keys(site):
            pipe.get(key)
            pipe.pttl(key)
        if self.is_async:
            return self._wait_async(pipe)
        return self._wait(pipe.execute())

    async def _wait_async(self, pipe):
        return self._wait(await pipe.execute())

    @staticmethod
    def _wait(answers) -> float:
        waits = [POLL_SECONDS if value != b"resting" else max(0, ttl) / 1000
                 for value, ttl in zip(answers[::2], answers[1::2])]
        return min(waits, default=0)

    def release(self, key: str, holder: str):
        return self.release_script(keys=[key], args=[holder, self.delay_ms])


RELEASE_ALL = """
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def release_tokens_of(client, worker: str) -> int:
    """Free every site token a dead worker still holds; returns how many."""
    script = client.register_script(RELEASE_ALL)
    return sum(script(keys=[key], args=[f"{worker}:"]) for key in client.scan_iter(match=TOKEN_PREFIX + "*", count=1000))


class SiteTokenMiddleware:
    """Takes a site token before a request goes out, gives it back after the response.

    Through redis.asyncio: a blocking Redis round trip on the reactor costs every
    request in flight a scheduling delay of the redis-server, which on a loaded machine
    (bench/national.py) was most of the worker's time.
    """

    def __init__(self, crawler):
        import redis.asyncio

        settings = crawler.settings
        self.crawler = crawler
        client = redis.asyncio.Redis.from_url(settings.get("REDIS_URL"), socket_timeout=30,
                                              socket_connect_timeout=30, retry_on_timeout=True)
        self.tokens = SiteTokens(
            client, slots=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2),
            hold_ms=int((settings.getfloat("DOWNLOAD_TIMEOUT", 60) + 30) * 1000),
            delay_ms=int(settings.getfloat("DOWNLOAD_DELAY", 0) * 1000), worker=worker_id(crawler))
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
            taken = await self.tokens.try_acquire(site)
            if taken:
                request.meta["site_token"] = taken
                self.waited += time.monotonic() - started
                return None
            await asyncio.sleep(await self.tokens.wait_seconds(site) + random.uniform(0, 0.01))

    async def process_response(self, request, response):
        await self._release(request)
        return response

    async def process_exception(self, request, exception):
        await self._release(request)
        return None

    async def _release(self, request) -> None:
        token = request.meta.pop("site_token", None)
        if token:
            await self.tokens.release(*token)


# ------------------------------------------------------------------ the worker's part of the night

class WorkerExtension:
    """What a worker does besides crawling: validators from Redis, statistics, leaving the night.

    - gives ConditionalRequestMiddleware the writer's validators (`RedisValidators`);
    - counts reports per site (StorePipeline, which counts them in one process, does not
      run here) and leaves the worker's per-site statistics in Redis at its end, for the
      writer (`merge_worker_stats`);
    - then leaves the night; the last worker out of a finished night pushes the writer's
      stop sentinel, behind every item and every worker's statistics.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.client = connect(crawler.settings.get("REDIS_URL"))
        self.keys = NightKeys(SPIDER)
        crawler.nianbao_validators = RedisValidators(self.client, self.keys.validators)
        crawler.nianbao_robots = RedisRobots(self.client, self.keys.robots)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def item_scraped(self, item, response, spider):
        if isinstance(item, ReportItem) and item.get("body") is not None:  # as StorePipeline counts
            site_stats_for(self.crawler).count({"name": item["seed_name"], "url": item["seed_url"]}, "reports")

    def spider_closed(self, spider, reason):
        from archive.redis_store import ITEMS_KEY, sitestats_key

        items_key = self.crawler.settings.get("REDIS_ITEMS_KEY") or ITEMS_KEY
        worker = worker_id(self.crawler)
        report = {"worker": worker, "finish_reason": reason, "sites": site_stats_for(self.crawler).as_dict()}
        self.client.rpush(sitestats_key(items_key), json.dumps(report, ensure_ascii=False))
        if leave_night(self.client, worker, items_key, spider.name):
            logger.info("the night is over: every request is done; told the writer to stop")


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
                                             "render_cache_pages": 0, "blocks": 0, "errors": {}, "error_examples": [],
                                             "failed": {}})
            for key in ("pages", "bytes", "reports", "browser_pages", "render_cache_pages", "blocks"):
                total[key] += site.get(key, 0)
            total["failed"].update(site.get("failed") or {})  # every worker's failed URLs: not judged gone
            total["partial_reports"] = {**(total.get("partial_reports") or {}), **(site.get("partial_reports") or {})}
            columns = total["columns"] = dict(total.get("columns") or {})  # a column's pages, read by any worker
            for url, column in (site.get("columns") or {}).items():
                held = columns.get(url) or {"asked": [], "read": [], "total": None}
                columns[url] = {"asked": sorted({*held["asked"], *column.get("asked", ())}),
                                "read": sorted({*held["read"], *column.get("read", ())}),
                                "total": max(held["total"] or 0, column.get("total") or 0) or None}
            total["browser_shapes"] = dict(total.get("browser_shapes") or {})
            merge_shapes(total["browser_shapes"], site.get("browser_shapes") or {})
            for reason, n in site.get("errors", {}).items():
                total["errors"][reason] = total["errors"].get(reason, 0) + n
    reasons = {r["finish_reason"] for r in reports}
    finished = "finished" if reasons == {"finished"} else ",".join(sorted(reasons - {"finished"})) or None
    return archive_site_stats(merged, finished)
