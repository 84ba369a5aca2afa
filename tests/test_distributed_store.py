"""The writer of a distributed crawl: items through Redis end in the archive exactly as
if the crawl had stored them itself (archive/redis_store.py, `nianbao store --redis`)."""
from __future__ import annotations

import json

import redis
from click.testing import CliRunner

import archive_days as days
from archive import Archive
from archive.redis_store import (ITEMS_KEY, RedisWriter, dumps_item, loads_item, request_stop, sitestats_key,
                                 writing_key)
from crawler.distributed import merge_worker_stats
from crawler.items import ReportItem
from nianbao.cli import main


def worker_report(failed=(), finish_reason="finished") -> dict:
    """What a worker leaves in Redis at its end: its per-site statistics (crawler.sitestats shape)."""
    sites = {name: {"seed": name, "url": url, "pages": 5, "bytes": 100, "reports": 1, "browser_pages": 0,
                    "errors": {"blocked: waf": 1} if name in failed else {}, "blocks": int(name in failed),
                    "error_examples": []}
             for name, url in days.SITES.items()}
    for name in failed:
        sites[name]["reports"] = 0
    return {"worker": "test:1", "finish_reason": finish_reason, "sites": sites}


def test_serializer_round_trips_an_item_with_bytes():
    item = ReportItem(**days.day1_items()[2])  # the PDF one
    item["body"] = b"%PDF-1.7\x00\xff\xfe binary \xe4\xb8\xad"
    data = dumps_item(item)
    assert isinstance(data, str) and "body_base64" in json.loads(data)
    back = loads_item(data.encode())
    assert back == dict(item)
    assert back["body"] == item["body"] and back["record"]["cells"] == item["record"]["cells"]


def test_writer_accepts_what_store_items_reads():
    """A text body (the --items convenience) is accepted too, as bytes."""
    assert loads_item('{"url": "u", "body": "<p>中</p>"}') == {"url": "u", "body": "<p>中</p>".encode()}


def night_through_redis(client, db, items, report, runner=CliRunner()):
    for it in items:
        client.rpush(ITEMS_KEY, dumps_item(it))
    client.rpush(sitestats_key(ITEMS_KEY), json.dumps(report))
    request_stop(client)
    result = runner.invoke(main, ["store", "--redis", _url(client), "--db", str(db)])
    assert result.exit_code == 0, result.output
    client.delete(sitestats_key(ITEMS_KEY))
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


def _url(client) -> str:
    kw = client.connection_pool.connection_kwargs
    return f"redis://{kw['host']}:{kw['port']}/{kw.get('db', 0)}"


def night_direct(archive, items, report):
    crawl = archive.begin_crawl()
    outcomes = [archive.store(crawl, it) for it in items]
    archive.end_crawl(crawl, merge_worker_stats([report]))
    return outcomes


def archive_content(db) -> list[tuple]:
    """Every version of every report, without the clock's timestamps."""
    with Archive(db) as archive:
        rows = archive.db.execute(
            "SELECT r.organ, r.year, v.version, r.gone_since IS NOT NULL, v.record_hash, v.url"
            " FROM reports r JOIN report_versions v ON v.report_id = r.id ORDER BY r.organ, r.year, v.version"
        ).fetchall()
        events = archive.db.execute(
            "SELECT e.kind, r.organ, r.year FROM events e JOIN reports r ON r.id = e.report_id ORDER BY e.id"
        ).fetchall()
    return [tuple(r) for r in rows] + [tuple(e) for e in events]


def test_store_redis_versions_like_direct_storing(redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    day2 = [it for it in days.day2_items()]  # 鞍山市 not seen on day 2: gone; no failed site
    via_redis, direct = tmp_path / "redis.db", tmp_path / "direct.db"
    out1 = night_through_redis(client, via_redis, days.day1_items(), worker_report())
    out2 = night_through_redis(client, via_redis, day2, worker_report(failed=("黄石市下陆区民政局",)))
    with Archive(direct) as archive:
        assert night_direct(archive, days.day1_items(), worker_report()) == out1 == ["new"] * 5
        assert night_direct(archive, day2, worker_report(failed=("黄石市下陆区民政局",))) == out2 \
            == ["unchanged", "revised", "unchanged", "new"]
    assert archive_content(via_redis) == archive_content(direct)
    content = archive_content(via_redis)
    assert ("鞍山市民政局", 2024, 1, 1) == content[[r[0] for r in content].index("鞍山市民政局")][:4]  # gone
    assert client.llen(ITEMS_KEY) == 0 and client.llen(writing_key(ITEMS_KEY)) == 0


def test_an_item_taken_by_a_killed_writer_is_stored_by_the_next(redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    items = days.day1_items()[:3]
    for it in items:
        client.rpush(ITEMS_KEY, dumps_item(it))
    # a writer took the first item and died before its transaction committed
    client.lmove(ITEMS_KEY, writing_key(ITEMS_KEY), "LEFT", "RIGHT")
    with Archive(tmp_path / "a.db") as archive:
        result = RedisWriter(client, archive).run(until_idle=0.2, poll=0.1)
    assert result.outcomes == {"new": 3} and result.stopped_by == "0.2 s idle"
    assert client.llen(writing_key(ITEMS_KEY)) == 0


def test_items_waiting_together_are_one_transaction_and_a_kill_before_its_commit_loses_none(redis_url, tmp_path):
    """The writer stores the items already queued in one commit; killed just before it,
    it leaves all of them in `writing`, and the next writer stores them."""
    import os
    import subprocess
    import sys

    client = redis.Redis.from_url(redis_url)
    items = days.day1_items()
    for it in items:
        client.rpush(ITEMS_KEY, dumps_item(it))
    request_stop(client)
    db = tmp_path / "a.db"
    killed = subprocess.run([sys.executable, "-m", "nianbao.cli", "store", "--redis", _url(client), "--db", str(db)],
                            env={**os.environ, "NIANBAO_TEST_KILL": "batch:before:1"}, capture_output=True, text=True,
                            timeout=120)
    assert killed.returncode == -9 and "killpoint: batch before #1" in killed.stderr
    assert client.llen(writing_key(ITEMS_KEY)) == len(items) + 1  # the five and the sentinel, in one batch
    with Archive(db) as archive:
        assert archive.db.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
        result = RedisWriter(client, archive).run()
    assert result.outcomes == {"new": len(items)} and result.stopped_by == "sentinel"
    assert client.llen(writing_key(ITEMS_KEY)) == 0 and client.llen(ITEMS_KEY) == 0


def test_writer_stops_at_the_sentinel_after_the_items_before_it(redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    first, second = days.day1_items()[:2]
    client.rpush(ITEMS_KEY, dumps_item(first))
    request_stop(client)
    client.rpush(ITEMS_KEY, dumps_item(second))  # the next night's: left in the queue
    with Archive(tmp_path / "a.db") as archive:
        result = RedisWriter(client, archive).run()
    assert result.outcomes == {"new": 1} and result.stopped_by == "sentinel"
    assert client.llen(ITEMS_KEY) == 1


def test_store_needs_items_or_redis(tmp_path):
    result = CliRunner().invoke(main, ["store", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2 and "either --items FILE or --redis URL" in result.output
