"""The national-scale local web: N synthetic sites, each on its own loopback address, slow."""
from __future__ import annotations

import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from archive.redis_store import ITEMS_KEY
from extractors import extract
from localweb.national import NationalWeb, address, latency, loopback_addresses_work, organ_name
from localweb.night import Night

pytestmark = pytest.mark.skipif(not loopback_addresses_work(), reason="127.0.0.0/8 is not all loopback here")


def test_names_addresses_and_latency_are_distinct_and_deterministic():
    assert len({organ_name(i) for i in range(3300)}) == 3300
    assert len({address(i) for i in range(3300)}) == 3300 and address(0) == "127.77.0.1"
    values = [latency("n0001", f"/p{i}") for i in range(500)]
    assert all(0.2 <= v <= 0.8 for v in values) and max(values) - min(values) > 0.5
    assert latency("n0001", "/p1") == latency("n0001", "/p1")


def get(url, headers=None):
    started = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers), time.monotonic() - started


def test_serves_n_sites_with_latency_reports_and_304():
    with NationalWeb(40) as web:
        assert len(set(web.urls.values())) == 40 and len({u.rsplit(":", 1)[1] for u in web.urls.values()}) == 1
        homes = [web.urls[key] + "/" for key in web.keys]
        with ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(get, homes))
        assert all(status == 200 for status, *_ in answers)
        assert all(seconds >= latency(key, "/") - 0.01 for key, (*_, seconds) in zip(web.keys, answers))
        assert organ_name(7).encode() in answers[7][1]
        gold = web.gold()
        assert len(gold) == 40 * 3
        status, body, headers, _ = get(gold[4]["url"])
        record = extract(body, url=gold[4]["url"], content_type=headers["Content-Type"], organ=gold[4]["organ"])
        assert (record["year"], record["published"], record["cells"]) == (gold[4]["year"], gold[4]["published"],
                                                                           gold[4]["cells"])
        assert get(gold[4]["url"], {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(web.urls["n0003"] + "/nothing.html")[0] == 404
        assert {(a.site, a.path) for a in web.log} >= {("n0003", "/nothing.html"), ("n0000", "/")}


def on_the_wire(log) -> list[tuple[str, float, float]]:
    """(site, arrival, answer) of every request the national web served: it answers each URL
    a fixed latency after the request came, and logs the answer's time."""
    return [(a.site, a.time - latency(a.site, urlsplit(a.path).path or "/"), a.time) for a in log]


def most_at_once(spans) -> int:
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


@pytest.mark.slow
def test_a_worker_keeps_its_slots_on_the_wire_and_each_site_polite(redis_url, tmp_path):
    """One worker, 40 slow sites, CONCURRENT_REQUESTS 16, the product's politeness (2 requests
    per site, a 0.5 s rest after each answer, AutoThrottle). A request popped for a site that
    cannot take it yet (resting, or busy in this worker) waits in one of the 16 slots: the
    worker kept about 7.5 requests on the wire that way, against 11-12 when the scheduler pops
    only requests that sites can take now (crawler/leases.py); 40 sites x 2 allow far more."""
    slots = 16
    with NationalWeb(40) as web:
        web.prebuild()
        seeds = tmp_path / "seeds.csv"
        web.write_seeds(seeds)
        (tmp_path / "night").mkdir()
        night = Night(redis_url, seeds, tmp_path / "archive.db", tmp_path / "night",
                      settings=["-s", f"CONCURRENT_REQUESTS={slots}"])
        night.reset()
        night.start_writer()
        night.start_worker()
        night.wait(timeout=600)
        requests = on_the_wire(web.log)
    assert len(requests) == 40 * 8 and night.stored.read_text(encoding="utf-8").count("\n") == 40 * 3
    sites = defaultdict(list)
    for site, arrival, answer in requests:
        sites[site].append((arrival, answer))
    # politeness: per site, at most 2 requests at once, each answer followed by a 0.5 s rest of its token
    assert max(most_at_once(spans) for spans in sites.values()) == 2
    assert max(most_at_once([(arrival, answer + 0.5 - 0.03) for arrival, answer in spans])
               for spans in sites.values()) <= 2
    # the worker's slots: requests on the wire, on average over the middle of the crawl
    first, last = min(a for _, a, _ in requests), max(b for *_, b in requests)
    start, end = first + 0.2 * (last - first), first + 0.8 * (last - first)
    wire = sum(max(0.0, min(answer, end) - max(arrival, start)) for _, arrival, answer in requests) / (end - start)
    assert wire >= 9.0, f"{wire:.1f} of {slots} requests on the wire"


def test_a_worker_waiting_on_another_workers_requests_looks_again_within_a_second(redis_url, tmp_path):
    """A worker whose own requests are done while another worker still holds some is not
    idle (the other's callbacks may queue more, and the last one out ends the night), but
    nothing on its wire will make Scrapy ask it for a request again: only the engine's 5 s
    heartbeat would. At the end of a night that is up to 5 s between the last answer and the
    writer's stop; at N = 100 a tenth of the night. It looks again every half second."""
    import redis

    from crawler.distributed import NightKeys

    keys, client = NightKeys(), redis.Redis.from_url(redis_url)
    with NationalWeb(1) as web:
        seeds = tmp_path / "seeds.csv"
        web.write_seeds(seeds)
        (tmp_path / "night").mkdir()
        night = Night(redis_url, seeds, tmp_path / "archive.db", tmp_path / "night")
        night.reset()
        # another worker, alive, holding one request of a site of its own
        client.hset(keys.workers, "other", "running")
        client.set(keys.alive("other"), "1", ex=600)
        client.hset(keys.leases("other"), "1", "0|http://127.0.0.9\nheld")
        worker = night.start_worker()
        try:
            deadline = time.monotonic() + 300
            while not idle(client, keys, worker.pid):       # the one site crawled, its leases ended
                assert worker.poll() is None and time.monotonic() < deadline, night.tail()
                time.sleep(0.2)
            before = client.info("commandstats")["cmdstat_hkeys"]["calls"]
            time.sleep(3)
            looks = client.info("commandstats")["cmdstat_hkeys"]["calls"] - before
            # every 0.5 s: 6; on the engine's heartbeat alone: 1 or 2 (seen: 1 and 2)
            assert looks >= 4, f"asked whether others still work {looks} times in 3 s"
            client.delete(keys.leases("other"))             # the other worker is done: so is this one
            worker.wait(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def idle(client, keys, pid: int) -> bool:
    """Whether the worker process `pid` joined, the queue is empty and it holds no lease."""
    names = [w.decode() for w in client.hkeys(keys.workers) if f":{pid}:" in w.decode()]
    return bool(names) and client.zcard(keys.requests) == 0 and client.hlen(keys.leases(names[0])) == 0 \
        and client.llen(ITEMS_KEY) >= 1
