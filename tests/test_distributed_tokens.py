"""Per-site politeness across workers: Redis tokens (crawler/distributed.py)."""
from __future__ import annotations

import asyncio
import threading
import time

import redis
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.distributed import SiteTokenMiddleware, SiteTokens


def middleware(redis_url, **settings) -> SiteTokenMiddleware:
    return SiteTokenMiddleware.from_crawler(get_crawler(settings_dict={"REDIS_URL": redis_url, **settings}))


def test_two_workers_never_hold_one_site_at_once(redis_url):
    """Two middlewares (two workers: own Redis clients) hammer one site with slots=1."""
    workers = [middleware(redis_url, CONCURRENT_REQUESTS_PER_DOMAIN=1, DOWNLOAD_DELAY=0) for _ in range(2)]
    inside, most, lock = [0], [0], threading.Lock()

    async def fetch(worker, n):
        request = Request(f"http://127.77.0.1:8000/page{n}.html")
        await worker.process_request(request)
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        await asyncio.sleep(0.005)
        with lock:
            inside[0] -= 1
        await worker.process_response(request, Response(request.url))
        # another site is not held up by this one
        other = Request("http://127.77.0.2:8000/")
        await worker.process_request(other)
        await worker.process_exception(other, OSError())

    def worker_thread(worker, offset):
        async def many():
            await asyncio.gather(*(fetch(worker, offset + n) for n in range(15)))
        asyncio.run(many())

    threads = [threading.Thread(target=worker_thread, args=(w, 100 * i)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert most[0] == 1
    assert not any(redis.Redis.from_url(redis_url).keys("nianbao:site:*"))  # all released


def test_a_site_with_two_slots_has_two_holders_and_a_third_waits(redis_url):
    client = redis.Redis.from_url(redis_url)
    tokens = SiteTokens(client, slots=2, hold_ms=60_000, delay_ms=0)
    first, second = tokens.try_acquire("http://a"), tokens.try_acquire("http://a")
    assert first and second and first[0] != second[0]
    assert tokens.try_acquire("http://a") is None
    assert tokens.try_acquire("http://b") is not None
    tokens.release(*first)
    assert tokens.try_acquire("http://a") is not None


def test_the_download_delay_holds_across_workers(redis_url):
    client = redis.Redis.from_url(redis_url)
    one, other = (SiteTokens(redis.Redis.from_url(redis_url), slots=1, hold_ms=60_000, delay_ms=1500) for _ in "12")
    token = one.try_acquire("http://a")
    one.release(*token)                      # the response came: the site rests 1.5 s
    assert other.try_acquire("http://a") is None
    assert 0.05 < other.wait_seconds("http://a") <= 1.5
    time.sleep(1.6)
    assert other.try_acquire("http://a") is not None
    assert client.dbsize() == 1


def test_a_dead_workers_token_expires(redis_url):
    dead = SiteTokens(redis.Redis.from_url(redis_url), slots=1, hold_ms=500, delay_ms=0)
    alive = SiteTokens(redis.Redis.from_url(redis_url), slots=1, hold_ms=5000, delay_ms=0)
    late = dead.try_acquire("http://a")     # and never released
    assert alive.try_acquire("http://a") is None
    time.sleep(0.6)
    taken = alive.try_acquire("http://a")
    assert taken is not None
    dead.release(*late)                      # a late release does not free someone else's token
    assert alive.try_acquire("http://a") is None


def test_the_scheduler_reads_a_slots_jitter_without_scrapys_deprecation_warning():
    """busy_sites asks for the jitter of every resting site at every pop: the deprecated
    Slot.randomize_delay warns on every read (and cost a worker a large share of its CPU)."""
    import warnings

    from scrapy.core.downloader import Slot

    from crawler.leases import _jitter

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _jitter(Slot(concurrency=2, delay=0.5, jitter=0.5)) == 0.5
        assert _jitter(Slot(concurrency=2, delay=0.5, jitter=0.0)) == 0.0
