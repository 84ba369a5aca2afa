"""The one writer of a distributed crawl: report items from Redis into the archive.

In the distributed mode (crawler/distributed.py) many worker processes crawl, but the
archive stays one SQLite file with one writer, so its versioning rules (archive.store)
stay exactly those of a single-machine crawl. The workers push every report item, as one
JSON object, onto a Redis list (scrapy-redis's RedisPipeline, `reports:items`); this
module is both ends of that wire:

- `dumps_item` / `loads_item`: the wire format. An item carries raw bytes (`body`), which
  JSON cannot, so every bytes value travels as `<field>_base64` - the same convention
  `nianbao store --items` reads, so a queue dumped with `redis-cli LRANGE` is a valid
  items file. `crawler.distributed` plugs `dumps_item` into REDIS_ITEMS_SERIALIZER.
- `RedisWriter`: pops items and stores those that came within BATCH_SECONDS together, in
  one archive transaction (a commit costs more than a report's rows: Archive.batch). An
  item is moved (LMOVE) to a `<key>:writing` list before it is stored and removed from
  there only after its transaction commits, so a writer killed at any moment loses nothing: the next
  writer stores what is left in `<key>:writing` first (storing an item twice is harmless:
  the second time it is "unchanged"). A gone item (a report URL answering 404/410) marks
  its report gone, as StorePipeline does. And the writer keeps one report per (seed,
  year) in a crawl, as OneReportPipeline does in one process: two workers may each
  find a copy of the same report at different URLs, and the first one stored wins.
- `publish_validators`: before the items come, the writer leaves the archive's ETag and
  Last-Modified of every report URL in Redis, so that workers (which have no archive)
  ask conditionally and an unchanged report costs a 304, as in a single-machine crawl.

It stops on a sentinel (`request_stop`, pushed behind the last item, so everything
before it is stored) or after `until_idle` seconds without an item. Per-site statistics
come from the workers too (`<spider>:sitestats`, one JSON object per worker at its end);
the crawl is closed with their sum, so that only sites every worker finished are judged
and reports not seen on them are marked gone.
"""
from __future__ import annotations

import base64
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from archive.store import BATCH_ITEMS, BATCH_SECONDS  # items per archive transaction, how long gathered

ITEMS_KEY = "reports:items"            # scrapy-redis's "%(spider)s:items" for the reports spider
STOP = {"nianbao": "stop"}             # the sentinel: no more items will come
STOP_DATA = json.dumps(STOP).encode()
POLL_SECONDS = 1.0                     # how long one blocking pop waits (and the stop-check granularity)
OUTAGE_SECONDS = 300.0                 # how long the writer waits for a Redis that does not answer


def sitestats_key(items_key: str) -> str:
    """Where workers leave their per-site statistics: reports:items -> reports:sitestats."""
    return items_key.rsplit(":", 1)[0] + ":sitestats"


def writing_key(items_key: str) -> str:
    return items_key + ":writing"


def validators_key(items_key: str) -> str:
    """Where the writer leaves the archive's validators: reports:items -> reports:validators."""
    return items_key.rsplit(":", 1)[0] + ":validators"


# ------------------------------------------------------------------ the wire format

GONE = "gone"                          # `kind` of a GoneItem on the wire


def dumps_item(item) -> str:
    """One item as JSON; bytes values become `<field>_base64` (REDIS_ITEMS_SERIALIZER).

    A GoneItem says so (`"kind": "gone"`): as a plain dict it would look like a report."""
    from crawler.items import GoneItem

    row = {"kind": GONE} if isinstance(item, GoneItem) else {}
    for key, value in dict(item).items():
        if isinstance(value, (bytes, bytearray)):
            row[key + "_base64"] = base64.b64encode(value).decode("ascii")
        else:
            row[key] = value
    return json.dumps(row, ensure_ascii=False, default=str)


def loads_item(data: bytes | str) -> dict:
    """The item `dumps_item` wrote (also accepts a text `body`, as `nianbao store --items` does)."""
    row = json.loads(data)
    for key in [k for k in row if k.endswith("_base64")]:
        row[key[: -len("_base64")]] = base64.b64decode(row.pop(key))
    if isinstance(row.get("body"), str):
        row["body"] = row["body"].encode("utf-8")
    return row


def request_stop(client, items_key: str = ITEMS_KEY) -> None:
    """Tell the writer to stop once it has stored every item queued so far."""
    client.rpush(items_key, STOP_DATA)


# ------------------------------------------------------------------ the writer

@dataclass
class WriterResult:
    crawl_id: int
    outcomes: dict = field(default_factory=dict)
    gone: list = field(default_factory=list)
    stopped_by: str = ""

    @property
    def stored(self) -> int:
        return sum(self.outcomes.values())

    def summary(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items())) or "nothing"
        return f"crawl {self.crawl_id}: {counts}; {len(self.gone)} gone (stopped by {self.stopped_by})"


class RedisWriter:
    """Consumes one items list into one archive as one crawl."""

    def __init__(self, client, archive, items_key: str = ITEMS_KEY, *, seeds=(),
                 on_item: Callable[[str, dict], None] | None = None):
        self.client = client
        self.archive = archive
        self.items_key = items_key
        self.seeds = list(seeds)
        self.on_item = on_item or (lambda outcome, item: None)
        self.kept: dict[tuple, str] = {}   # (seed, year) -> the URL stored for it in this crawl

    def run(self, until_idle: float | None = None, poll: float = POLL_SECONDS) -> WriterResult:
        """Store items until the sentinel (or `until_idle` seconds without one); close the crawl."""
        result = WriterResult(crawl_id=self.archive.begin_crawl(self.seeds))
        result.stopped_by = self._consume(result, until_idle, poll)
        result.gone = self.archive.end_crawl(result.crawl_id, self.site_stats())
        return result

    def _consume(self, result: WriterResult, until_idle: float | None, poll: float) -> str:
        writing = writing_key(self.items_key)
        # what a killed writer had taken but not committed comes first
        left = self.client.lrange(writing, 0, -1)
        if left and self._handle(result, left, writing):
            return "sentinel"
        idle_since = time.monotonic()
        while True:
            data = self._next(writing, poll)
            if data is None:
                if until_idle is not None and time.monotonic() - idle_since >= until_idle:
                    return f"{until_idle:g} s idle"
                continue
            idle_since = time.monotonic()
            if self._handle(result, self._waiting_after(data, writing), writing):
                return "sentinel"

    def _waiting_after(self, first: bytes, writing: str) -> list[bytes]:
        """`first` and the items that come within BATCH_SECONDS after it, up to BATCH_ITEMS,
        moved to `writing`. Not past the sentinel: what follows it is the next night's."""
        import redis

        batch, deadline = [first], time.monotonic() + BATCH_SECONDS
        try:
            while len(batch) < BATCH_ITEMS and batch[-1] != STOP_DATA:
                data = self.client.lmove(self.items_key, writing, "LEFT", "RIGHT")
                if data is None:
                    left = deadline - time.monotonic()
                    if left < 0.01:
                        break
                    data = self.client.blmove(self.items_key, writing, left, "LEFT", "RIGHT")
                    if data is None:
                        break
                batch.append(data)
        except (redis.ConnectionError, redis.TimeoutError):
            pass  # store what was taken; the next pop waits for Redis (_next)
        return batch

    def _next(self, writing: str, poll: float) -> bytes | None:
        """The next item, moved to `writing`; a Redis that does not answer (a busy or
        restarting server) is waited for, up to OUTAGE_SECONDS: nothing is lost meanwhile."""
        import redis

        failing_since = None
        while True:
            try:
                return self.client.blmove(self.items_key, writing, poll, "LEFT", "RIGHT")
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                failing_since = failing_since or time.monotonic()
                if time.monotonic() - failing_since > OUTAGE_SECONDS:
                    raise
                print(f"nianbao store: Redis does not answer ({exc}); trying again", file=sys.stderr, flush=True)
                time.sleep(1.0)

    def _handle(self, result: WriterResult, batch: list[bytes], writing: str) -> bool:
        """Store queued entries in one archive transaction, up to the sentinel (True if it
        came); then forget them. A kill before the commit leaves them all in `writing`."""
        stored, is_stop = [], False
        with self.archive.batch():
            for data in batch:
                item = loads_item(data)
                if item == STOP:
                    is_stop = True
                    break
                stored.append((self._store(result.crawl_id, item), item))
        for outcome, item in stored:
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            self.on_item(outcome, item)
        forget = self.client.pipeline(transaction=False)
        for data in batch[:len(stored) + is_stop]:  # anything behind a sentinel stays for the next writer
            forget.lrem(writing, 1, data)
        forget.execute()
        return is_stop

    def _store(self, crawl_id: int, item: dict) -> str:
        if item.pop("kind", None) == GONE:
            return "gone" if self.archive.mark_gone(crawl_id, item["url"], item["reason"]) else "gone (not held)"
        year = (item.get("record") or {}).get("year")
        if item.get("body") is not None and year is not None:
            kept = self.kept.setdefault((item.get("seed_name"), year), item["url"])
            if kept != item["url"]:
                return "dropped (same report as another URL)"
        return self.archive.store(crawl_id, item)

    def site_stats(self) -> dict:
        """The workers' per-site statistics summed, in the archive's shape (see end_crawl)."""
        from crawler.distributed import merge_worker_stats

        reports = [json.loads(raw) for raw in self.client.lrange(sitestats_key(self.items_key), 0, -1)]
        return merge_worker_stats(reports)


def publish_validators(client, archive, key: str) -> int:
    """Leave the archive's validators of every report URL in Redis (url -> JSON) for the workers.

    Written aside and renamed into place, so workers never see half a set. Left out: pages
    whose attachments were captured (a worker answered 304 has no copy of the page to find
    them in, so it must read the page again; the attachments are then asked conditionally)
    and reports marked gone (they must be fetched whole to come back).
    """
    staging = key + ":new"
    client.delete(staging)
    pipe = client.pipeline(transaction=False)
    count = 0
    for url, etag, last_modified, links_attachments in archive.all_validators():
        if links_attachments:
            continue
        pipe.hset(staging, url, json.dumps({"etag": etag, "last_modified": last_modified}))
        count += 1
        if count % 5000 == 0:
            pipe.execute()
    pipe.execute()
    if count:
        client.rename(staging, key)
    else:
        client.delete(key)
    return count


def store_from_redis(redis_url: str, db_path, items_key: str = ITEMS_KEY, until_idle: float | None = None,
                     echo=print) -> WriterResult:
    """`nianbao store --redis`: one line per item stored (as `--items` prints), a summary at the end."""
    import redis

    from archive.store import Archive

    def report(outcome: str, item: dict) -> None:
        record = item.get("record") or {}
        echo(f"{outcome}\t{record.get('organ') or item.get('seed_name')}\t{record.get('year')}\t{item.get('url')}")

    # redis-py's default 5 s socket timeout is shorter than a busy machine's pauses
    client = redis.Redis.from_url(redis_url, socket_timeout=30, socket_connect_timeout=30)
    client.ping()
    with Archive(db_path) as archive:
        published = publish_validators(client, archive, validators_key(items_key))
        print(f"nianbao store: {published} report validators published for the workers; waiting for items at "
              f"{redis_url} {items_key}", file=sys.stderr, flush=True)
        result = RedisWriter(client, archive, items_key, on_item=report).run(until_idle=until_idle)
    print(f"nianbao store: {result.summary()}", file=sys.stderr)
    return result
