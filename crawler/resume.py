"""Resumable crawls: a JOBDIR that survives a crawl killed without warning.

Scrapy's JOBDIR resumes a crawl that was *stopped* (Ctrl-C, SIGTERM): it writes its
request queue and seen-set on the way out. A crawl killed with SIGKILL (OOM killer, a
lost machine) never writes them, and its half-written queue and seen-set would either
replay stale requests or skip pages that were never fetched. So, with a JOBDIR:

- every response is also kept in JOBDIR/httpcache (one SQLite file), each written atomically;
- a marker file says a crawl is running; finding it at start means the last run died
  (or was stopped by a signal: see `JobdirGuard.spider_closed` for why a stop is resumed
  the same way), and then Scrapy's queue state is discarded and the crawl starts again
  from the seeds, with every page the dead run fetched served from the cache instead of
  the network.

The stores skip a report they already hold, so the resumed crawl ends with the same
records as an uninterrupted one.

A crawl that *finished* leaves nothing to resume: its queue, seen-set and cache are
removed as it closes. Kept, Scrapy would filter every request of the next run with the
same JOBDIR as already seen (an empty night), and the cache would serve yesterday's pages.
"""
from __future__ import annotations

import logging
import os
import pickle
import shutil
import sqlite3
import time
from pathlib import Path

from scrapy import signals
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.response import response_from_dict

logger = logging.getLogger(__name__)

MARKER = "nianbao.running"
CACHE_DIR = "httpcache"


class JobdirGuard:
    """Detects a JOBDIR left by a killed crawl and clears Scrapy's untrustworthy state."""

    def __init__(self, jobdir: Path):
        self.jobdir = jobdir
        marker = jobdir / MARKER
        if marker.exists():
            logger.warning("the last crawl in %s was killed or stopped; starting again from the seeds, "
                           "serving the pages it fetched from %s", jobdir, jobdir / CACHE_DIR)
            shutil.rmtree(jobdir / "requests.queue", ignore_errors=True)
            for name in ("requests.seen", "spider.state"):
                (jobdir / name).unlink(missing_ok=True)
        jobdir.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()))

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        guard = cls(Path(jobdir))
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_closed(self, spider, reason):
        if reason == "shutdown":
            # Stopped by a signal: resumed like a killed crawl, from the seeds with every page
            # fetched served from the cache, not from Scrapy's saved queue. The queue would
            # carry on the walk, but a site whose walk ended before the stop would have no
            # request left in it, so the resumed run would count no page for that site and
            # record it unreachable (crawler.pipelines.archive_site_stats).
            return
        if reason == "finished":
            for name in ("requests.seen", "spider.state"):
                (self.jobdir / name).unlink(missing_ok=True)
            for name in ("requests.queue", CACHE_DIR):
                shutil.rmtree(self.jobdir / name, ignore_errors=True)
        (self.jobdir / MARKER).unlink(missing_ok=True)


class SqliteCacheStorage:
    """Scrapy's HTTP cache storage interface over one SQLite file (JOBDIR/httpcache/).

    Scrapy's FilesystemCacheStorage writes six files per response, on the reactor's
    thread: about 10 ms each on a small VM's disk, a quarter of the crawl process's time
    on a quiet night (py-spy). Here a response is one row: written whole or not at all
    (a transaction, WAL), so a crawl killed mid-write leaves the cache as it was before
    that response, as the directory renamed into place did. Pickled as Scrapy's own
    DbmCacheStorage does (`Response.to_dict`): the file is the crawl's own, in its JOBDIR.
    """

    def __init__(self, settings):
        self.cachedir = Path(settings["HTTPCACHE_DIR"])
        self.db: sqlite3.Connection | None = None
        self._fingerprinter = None

    def open_spider(self, spider) -> None:
        self.cachedir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.cachedir / f"{spider.name}.sqlite"), isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")  # consistent after a kill; a cache needs no more
        self.db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, data BLOB NOT NULL, at REAL NOT NULL)")
        self._fingerprinter = spider.crawler.request_fingerprinter

    def close_spider(self, spider) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def retrieve_response(self, spider, request):
        row = self.db.execute("SELECT data, at FROM responses WHERE key = ?", [self._key(request)]).fetchone()
        if row is None:
            return None
        request.meta["cache_timestamp"] = row[1]
        return response_from_dict(pickle.loads(row[0]))  # noqa: S301 - our own JOBDIR's file

    def store_response(self, spider, request, response) -> None:
        self.db.execute("INSERT OR REPLACE INTO responses (key, data, at) VALUES (?, ?, ?)",
                        [self._key(request), pickle.dumps(response.to_dict(), protocol=4), time.time()])

    def _key(self, request) -> str:
        return self._fingerprinter.fingerprint(request).hex()


class ResumeCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's HTTP cache, switched on (inside JOBDIR) exactly when a JOBDIR is given."""

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        settings = Settings(crawler.settings.copy_to_dict())  # the crawler's own are frozen by now
        settings.set("HTTPCACHE_ENABLED", True)
        settings.set("HTTPCACHE_DIR", str(Path(jobdir).resolve() / CACHE_DIR))
        settings.set("HTTPCACHE_STORAGE", "crawler.resume.SqliteCacheStorage")
        settings.set("HTTPCACHE_POLICY", "scrapy.extensions.httpcache.DummyPolicy")
        settings.set("HTTPCACHE_EXPIRATION_SECS", 0)
        # (and a bot shield's challenge, 521/412/202, is never the page: crawler.challenge)
        settings.set("HTTPCACHE_IGNORE_HTTP_CODES", [202, 408, 412, 429, 500, 502, 503, 504, 521, 522, 524])
        o = cls(settings, crawler.stats)
        crawler.signals.connect(o.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(o.spider_closed, signal=signals.spider_closed)
        o.crawler = crawler
        return o
