"""Per-site statistics: what each seed's crawl found and what it could not reach.

Coverage is the researchers' first question ("is a missing report missing, or did the
crawler miss it?"), so each seed keeps its own counts: pages fetched, reports stored,
errors by reason (404, timeout, robots.txt, over a limit …) and WAF blocks. The
middlewares, spider and pipelines count into one `SiteStats` attached to the crawler; the
extension prints progress while the crawl runs and one line per site at its end, and the
store keeps the numbers with the crawl.

Every failed URL is kept too (`failed`: url → {reason, role}), not only counted: the
archive records each against its site, and must not call a report "gone" because tonight
its URL timed out, or the list page that links it did.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger("nianbao.sites")


def seed_of(request) -> dict | None:
    """The seed a request belongs to ({"name", "url"}), carried in its meta."""
    return request.meta.get("seed") if request is not None else None


class SiteStats:
    """Counters per seed name; every part of the crawl counts into the same instance."""

    def __init__(self):
        self.sites: dict[str, dict] = {}
        self.pending: Counter = Counter()
        self.done: set[str] = set()

    def add_seed(self, seed: dict) -> None:
        self._site(seed["name"], seed.get("url"))

    def _site(self, name: str, url: str | None = None) -> dict:
        if name not in self.sites:
            self.sites[name] = {"seed": name, "url": url, "pages": 0, "bytes": 0, "reports": 0,
                                "browser_pages": 0, "render_cache_pages": 0, "errors": defaultdict(int), "blocks": 0,
                                "error_examples": [], "failed": {}, "browser_shapes": {},
                                "partial_reports": {}}
        return self.sites[name]

    def count(self, seed: dict | None, key: str, n: int = 1) -> None:
        if seed:
            self._site(seed["name"], seed.get("url"))[key] += n

    def learned_shell(self, seed: dict | None, shape: str, learned_at: str) -> None:
        """A URL shape of this site whose plain page is an empty shell (kept by the archive,
        so the next nights send such pages to the browser at once)."""
        if seed:
            merge_shapes(self._site(seed["name"], seed.get("url"))["browser_shapes"], {shape: learned_at})

    def error(self, seed: dict | None, reason: str, url: str, role: str | None = None, via: str | None = None) -> None:
        """An error with its reason ('http 404', 'timeout', 'robots.txt', 'blocked: …'), the
        role of the URL in the walk (home, nav, list, article, attachment) and, for a
        redirected request, the URL the walk asked for (`via`): both are failed URLs."""
        if not seed:
            return
        site = self._site(seed["name"], seed.get("url"))
        site["errors"][reason] += 1
        site["failed"][url] = {"reason": reason, "role": role}
        if via and via != url:
            site["failed"][via] = {"reason": reason, "role": role, "redirected_to": url}
        if reason.startswith("blocked"):
            site["blocks"] += 1
        if len(site["error_examples"]) < 5:
            site["error_examples"].append(f"{reason}: {url}")

    def partial_report(self, seed: dict | None, url: str, missing: list[dict]) -> None:
        """A report stored from part of its pages: [{"url", "reason"}] could not be read."""
        if seed:
            self._site(seed["name"], seed.get("url"))["partial_reports"][url] = [part["url"] for part in missing]

    # a site is done when none of its requests is waiting or in flight
    def scheduled(self, seed: dict | None) -> None:
        if seed:
            self.pending[seed["name"]] += 1
            self.done.discard(seed["name"])

    def settled(self, seed: dict | None) -> None:
        if seed:
            self.pending[seed["name"]] = max(0, self.pending[seed["name"]] - 1)
            if self.pending[seed["name"]] == 0:
                self.done.add(seed["name"])

    def totals(self) -> dict:
        return {
            "sites": len(self.sites),
            "sites_done": len(self.done & set(self.sites)),
            "pages": sum(s["pages"] for s in self.sites.values()),
            "reports": sum(s["reports"] for s in self.sites.values()),
            "errors": sum(sum(s["errors"].values()) for s in self.sites.values()),
            "blocks": sum(s["blocks"] for s in self.sites.values()),
        }

    def as_dict(self) -> dict:
        """Plain JSON-able per-site statistics, keyed by seed name."""
        return {name: {**site, "errors": dict(site["errors"])} for name, site in self.sites.items()}

    def summary_line(self, name: str) -> str:
        """One line per site: what was found and what failed."""
        s = self.sites[name]
        errors = ", ".join(f"{reason} ×{n}" for reason, n in sorted(s["errors"].items(), key=lambda kv: -kv[1]))
        partial = s.get("partial_reports") or {}
        if s["blocks"] and not s["reports"]:
            status = "BLOCKED "
        elif not s["reports"] and s.get("walk") != "quiet":  # a quiet walk asks for only some (crawler.revisit)
            status = "NO REPORTS "
        else:
            status = "PARTIAL " if partial else ""
        return (f"{status}{name}: {s['reports']} reports from {s['pages']} pages"
                + (f", {len(partial)} of them partial (article pages unread: "
                   f"{', '.join(u for urls in partial.values() for u in urls)})" if partial else "")
                + (f" ({s['browser_pages']} through the browser)" if s["browser_pages"] else "")
                + (f" ({s['render_cache_pages']} built by the browser before, inputs unchanged)"
                   if s.get("render_cache_pages") else "")
                + (" (a quiet walk: its columns and tonight's due reports)" if s.get("walk") == "quiet" else "")
                + (f"; errors: {errors}" if errors else "; no errors"))


def merge_shapes(into: dict[str, str], shapes: dict[str, str]) -> None:
    """Add shell shapes to a site's, keeping the later date where both know a shape."""
    for shape, learned_at in shapes.items():
        into[shape] = max(learned_at, into.get(shape, ""))


def site_stats_for(crawler) -> SiteStats:
    """The crawl's one `SiteStats`, created on first use."""
    stats = getattr(crawler, "_nianbao_site_stats", None)
    if stats is None:
        stats = SiteStats()
        crawler._nianbao_site_stats = stats
    return stats


class SiteStatsExtension:
    """Progress lines while crawling and a line per site at the end."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = site_stats_for(crawler)
        self.interval = crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL", 5.0)
        self.loop = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        if self.interval > 0:
            self.loop = task.LoopingCall(self.log_progress)
            self.loop.start(self.interval, now=False)

    def request_scheduled(self, request, spider):
        self.stats.scheduled(seed_of(request))

    def request_dropped(self, request, spider):
        self.stats.settled(seed_of(request))

    def log_progress(self):
        t = self.stats.totals()
        logger.info("progress: %d/%d sites done, %d reports found, %d pages, %d errors (%d blocks)",
                    t["sites_done"], t["sites"], t["reports"], t["pages"], t["errors"], t["blocks"])

    def spider_closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        self.stats.done |= set(self.stats.sites) if reason == "finished" else set()
        for name in self.stats.sites:
            logger.info("site %s", self.stats.summary_line(name))
        t = self.stats.totals()
        logger.info("crawl %s: %d sites, %d reports, %d pages, %d errors (%d blocks)",
                    reason, t["sites"], t["reports"], t["pages"], t["errors"], t["blocks"])
        self.crawler.stats.set_value("nianbao/sites", self.stats.as_dict())
