"""A night of the distributed crawl in Redis: reset, joining, leases given back, the last
worker out, and the validators the writer leaves for the workers (crawler/distributed.py,
crawler/leases.py, archive/redis_store.py). The Lua scripts run on a real redis-server."""
from __future__ import annotations

import json

import pytest
import redis

import archive_days as days
from archive import Archive
from archive.redis_store import STOP, dumps_item, loads_item, publish_validators
from crawler import leases
from crawler.distributed import (TOKEN_PREFIX, NightError, NightKeys, SiteTokens, join_night, leave_night,
                                 release_tokens_of, reset_night)
from crawler.items import GoneItem

KEYS = NightKeys()


@pytest.fixture
def client(redis_url):
    return redis.Redis.from_url(redis_url)


def test_reset_waits_for_the_writer_then_clears_the_night_but_not_the_validators(client):
    client.rpush(KEYS.items, "{}")
    with pytest.raises(NightError, match="1 items of the last night"):
        reset_night(client)
    client.delete(KEYS.items)
    client.zadd(KEYS.requests, {b"request": -10})
    client.sadd(KEYS.dupefilter, "fp1", "fp2")
    client.hset(KEYS.leases("w1"), "1", "-10|request")
    client.set(KEYS.alive("w1"), "1")
    client.set("nianbao:site:http://a:0", "w1:3")
    client.hset(KEYS.validators, "http://a/r.html", "{}")
    assert reset_night(client) == {"queued requests": 1, "seen URLs": 2}
    assert sorted(client.keys()) == [KEYS.night.encode(), KEYS.validators.encode()]
    assert client.hget(KEYS.night, "state") == b"open"


def test_a_fresh_redis_opens_a_night_and_a_stray_queue_asks_for_a_reset(client):
    assert join_night(client)["state"] == "open"
    client.delete(KEYS.night)
    client.sadd(KEYS.dupefilter, "fp")
    with pytest.raises(NightError, match="--reset"):
        join_night(client)


def give_back(client, worker, force=False):
    script = client.register_script(leases.GIVE_BACK)
    return script(keys=[KEYS.workers, KEYS.alive(worker), KEYS.leases(worker), KEYS.requests, KEYS.dupefilter],
                  args=[worker, "force" if force else "", "dead"])


def test_a_dead_workers_requests_go_back_at_their_priority_and_its_attachments_leave_the_seen_set(client):
    enqueue_local = client.register_script(leases.ENQUEUE_LOCAL)
    client.zadd(KEYS.requests, {b"http://a\npage": -20, b"http://b\nhome": 0})
    client.hset(KEYS.workers, "w1", "running")
    client.set(KEYS.alive("w1"), "1", px=60_000)
    assert pop_for(client, "w1", "1") == b"http://a\npage"                                         # the best first
    assert enqueue_local(keys=[KEYS.dupefilter, KEYS.leases("w1")], args=["fp-pdf", "1/fp-pdf", "http://a/r.pdf"])
    assert not enqueue_local(keys=[KEYS.dupefilter, KEYS.leases("w1")], args=["fp-pdf", "1/fp-pdf", "http://a/r.pdf"])
    assert client.zrange(KEYS.requests, 0, -1) == [b"http://b\nhome"]
    assert give_back(client, "w1") is None                  # alive: nothing is taken from it
    client.delete(KEYS.alive("w1"))                          # its heartbeat expired
    assert give_back(client, "w1") == [[b"http://a\npage"], [b"http://a/r.pdf"]]
    assert client.zrange(KEYS.requests, 0, -1, withscores=True) == [(b"http://a\npage", -20.0),
                                                                     (b"http://b\nhome", 0.0)]
    assert not client.sismember(KEYS.dupefilter, "fp-pdf")   # the page, fetched again, finds it again
    assert not client.exists(KEYS.leases("w1")) and client.hget(KEYS.workers, "w1") == b"dead"
    assert give_back(client, "w1") is None                   # once


def pop_for(client, worker, lease, *busy, window=10, slots=2):
    """The scheduler's pop (LeasingScheduler.next_request) of `worker`, busy with `busy` sites."""
    pop = client.register_script(leases.POP)
    return pop(keys=[KEYS.requests, KEYS.leases(worker)], args=[lease, window, TOKEN_PREFIX, slots, 50, *busy])


def test_a_worker_busy_with_a_site_takes_another_sites_request_first(client):
    client.zadd(KEYS.requests, {b"http://a\narticle1": -20, b"http://a\narticle2": -20, b"http://b\nhome": 0})
    assert pop_for(client, "w1", "1", "http://a") == b"http://b\nhome"
    assert pop_for(client, "w1", "2", "http://a") == -1            # only busy sites left: wait for a response
    assert pop_for(client, "w1", "3") == b"http://a\narticle1"


def test_a_site_without_a_free_token_is_skipped_and_the_wait_is_told(client):
    """A request popped for a site whose tokens are all taken (held by another worker, or
    resting after an answer) would sit in one of the worker's CONCURRENT_REQUESTS slots until
    the site can take it; the pop leaves it in the queue and takes another site's."""
    client.zadd(KEYS.requests, {b"http://a\narticle": -30, b"http://b\narticle": -20, b"http://c\nhome": 0})
    tokens = SiteTokens(client, slots=2, hold_ms=60_000, delay_ms=800, worker="w2")
    held = tokens.try_acquire("http://a"), tokens.try_acquire("http://a")     # another worker downloads two of a
    rested = tokens.try_acquire("http://b"), tokens.try_acquire("http://b")
    for token in rested:
        tokens.release(*token)                                               # b answered: it rests 0.8 s
    assert pop_for(client, "w1", "1") == b"http://c\nhome"
    assert pop_for(client, "w1", "2") == 50                                  # held by another worker: look again soon
    assert 700 < pop_for(client, "w1", "3", "http://a") <= 800               # resting: look again when it ends
    assert client.zcard(KEYS.requests) == 2 and client.hlen(KEYS.leases("w1")) == 1
    tokens.release(*held[0])                                                 # one of a's answers came
    assert pop_for(client, "w1", "4", "http://b") == 50                      # resting, the other still held
    client.delete(held[0][0])                                                # and its rest is over
    assert pop_for(client, "w1", "5") == b"http://a\narticle"
    assert pop_for(client, "w1", "6", slots=3) == b"http://b\narticle"      # a third token of b is free


def test_the_last_worker_out_finishes_the_night_and_stops_the_writer_once(client):
    join_night(client)
    for worker in ("w1", "w2"):
        client.hset(KEYS.workers, worker, "running")
        client.set(KEYS.alive(worker), "1")
    client.rpush(KEYS.items, "item")
    assert not leave_night(client, "w1", KEYS.items)         # w2 still works
    client.zadd(KEYS.requests, {b"late": 0})
    assert not leave_night(client, "w2", KEYS.items)         # the queue is not empty: a restarted worker will do it
    client.delete(KEYS.requests)
    client.hset(KEYS.workers, "w3", "running")               # died holding a request: it goes back first
    client.hset(KEYS.leases("w3"), "1", "0|request")
    assert not leave_night(client, "w2", KEYS.items)
    client.delete(KEYS.leases("w3"))                         # died holding nothing: nothing to wait for
    assert leave_night(client, "w2", KEYS.items)
    assert client.lrange(KEYS.items, 0, -1) == [b"item", json.dumps(STOP).encode()]
    assert client.hget(KEYS.night, "state") == b"finished"
    assert not leave_night(client, "w1", KEYS.items)         # no second sentinel


def test_a_dead_workers_site_tokens_are_freed(client):
    client.set("nianbao:site:http://a:0", "host:1:abc:7")
    client.set("nianbao:site:http://a:1", "host:1:abcd:2")   # another worker whose name starts alike
    client.set("nianbao:site:http://b:0", "resting")
    assert release_tokens_of(client, "host:1:abc") == 1
    assert sorted(client.keys("nianbao:site:*")) == [b"nianbao:site:http://a:1", b"nianbao:site:http://b:0"]


def test_a_gone_item_says_so_on_the_wire():
    gone = GoneItem(seed_name="鞍山市民政局", seed_url=days.SITES["鞍山市民政局"], url="http://a/r.pdf", reason="http_404")
    assert loads_item(dumps_item(gone)) == {"kind": "gone", **dict(gone)}


def test_the_writer_leaves_validators_for_the_workers_but_not_of_pages_whose_attachments_it_holds(client, tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        crawl = archive.begin_crawl(days.seeds())
        items = days.day1_items()
        page = dict(items[2], url=items[2]["page_url"], record={**items[2]["record"], "is_report": False},
                    etag='"page"')
        for it in [*items, page]:
            archive.store(crawl, it)
        archive.end_crawl(crawl)
        assert publish_validators(client, archive, KEYS.validators) == 5
    published = {k.decode(): json.loads(v) for k, v in client.hgetall(KEYS.validators).items()}
    assert page["url"] not in published                       # a 304 would hide its PDF from a worker
    assert published[items[2]["url"]] == {"etag": items[2]["etag"], "last_modified": None}
    assert set(published) == {it["url"] for it in items}
