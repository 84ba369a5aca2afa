"""Resumable crawls: a JOBDIR that survives a crawl killed without warning.

Scrapy's JOBDIR resumes a crawl that was *stopped* (Ctrl-C, SIGTERM): it writes its
request queue and seen-set on the way out. A crawl killed with SIGKILL (OOM killer, a
lost machine) never writes them, and its half-written queue and seen-set would either
replay stale requests or skip pages that were never fetched. So, with a JOBDIR:

- every response is also kept in JOBDIR/httpcache, each written atomically;
- a marker file says a crawl is running; finding it at start means the last run died,
  and then Scrapy's queue state is discarded and the crawl starts again from the seeds,
  with every page the dead run fetched served from the cache instead of the network.

The stores skip a report they already hold, so the resumed crawl ends with the same
records as an uninterrupted one.

A crawl that *finished* leaves nothing to resume: its queue, seen-set and cache are
removed as it closes. Kept, Scrapy would filter every request of the next run with the
same JOBDIR as already seen (an empty night), and the cache would serve yesterday's pages.
"""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.extensions.httpcache import FilesystemCacheStorage

logger = logging.getLogger(__name__)

MARKER = "nianbao.running"
CACHE_DIR = "httpcache"


class JobdirGuard:
    """Detects a JOBDIR left by a killed crawl and clears Scrapy's untrustworthy state."""

    def __init__(self, jobdir: Path):
        self.jobdir = jobdir
        marker = jobdir / MARKER
        if marker.exists():
            logger.warning("the last crawl in %s was killed; starting again from the seeds, "
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
        # Scrapy has written a consistent queue and seen-set by now, whatever the reason
        if reason == "finished":
            for name in ("requests.seen", "spider.state"):
                (self.jobdir / name).unlink(missing_ok=True)
            for name in ("requests.queue", CACHE_DIR):
                shutil.rmtree(self.jobdir / name, ignore_errors=True)
        (self.jobdir / MARKER).unlink(missing_ok=True)


class AtomicFilesystemCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem cache, but an entry appears whole or not at all."""

    _target: Path | None = None

    def store_response(self, spider, request, response):
        final = Path(self._get_request_path(spider, request))
        partial = final.with_name(f"{final.name}.part{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        self._target = partial
        try:
            super().store_response(spider, request, response)
        finally:
            self._target = None
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)

    def _get_request_path(self, spider, request):
        if self._target is not None:
            return str(self._target)
        return super()._get_request_path(spider, request)


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
        settings.set("HTTPCACHE_STORAGE", "crawler.resume.AtomicFilesystemCacheStorage")
        settings.set("HTTPCACHE_POLICY", "scrapy.extensions.httpcache.DummyPolicy")
        settings.set("HTTPCACHE_EXPIRATION_SECS", 0)
        settings.set("HTTPCACHE_IGNORE_HTTP_CODES", [202, 408, 412, 429, 500, 502, 503, 504, 522, 524])
        o = cls(settings, crawler.stats)
        crawler.signals.connect(o.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(o.spider_closed, signal=signals.spider_closed)
        o.crawler = crawler
        return o
