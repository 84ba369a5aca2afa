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
                                "partial_reports": {}, "columns": {}}
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

    def column_pages(self, seed: dict | None, column: str, asked: list[str], total: int | None = None) -> None:
        """Pages of a paged column (`column`: its first page's URL) asked for, and the
        number of pages its pager says it has."""
        if seed:
            held = self._column(seed, column)
            held["asked"] = sorted(set(held["asked"]) | set(asked))
            held["total"] = max(held["total"] or 0, total or 0) or None

    def searched(self, seed: dict | None, url: str, words: str) -> None:
        """The site's own search was asked for `words` (`url`), no report having been found."""
        if seed:
            self._site(seed["name"], seed.get("url"))["searched"] = {"url": url, "words": words}

    def platform(self, seed: dict | None, origin: str) -> None:
        """The seed's disclosure pages are on another host's platform, read for its reports only."""
        if seed:
            held = self._site(seed["name"], seed.get("url")).setdefault("platforms", [])
            if origin not in held:
                held.append(origin)

    def column_read(self, seed: dict | None, column: str | None, page: str, total: int | None = None) -> None:
        """A page of a paged column read (`page`: its URL, or its URL and form fields);
        `column` None for a listing page of no paged column, which may still be one a
        column asked for (the walk reached it first another way)."""
        if not seed:
            return
        site = self._site(seed["name"], seed.get("url"))
        site.setdefault("listings_read", set()).add(page)
        if column:
            held = self._column(seed, column)
            held["read"] = sorted(set(held["read"]) | {page})
            held["total"] = max(held["total"] or 0, total or 0) or None

    def _column(self, seed: dict, column: str) -> dict:
        columns = self._site(seed["name"], seed.get("url")).setdefault("columns", {})
        return columns.setdefault(column, {"asked": [], "read": [], "total": None})

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
        return {name: {**{k: v for k, v in site.items() if k != "listings_read"}, "errors": dict(site["errors"]),
                       "columns": self.columns(name)} for name, site in self.sites.items()}

    def columns(self, name: str) -> dict:
        """The site's paged columns, each page the walk read another way counted as read."""
        site = self.sites[name]
        elsewhere = site.get("listings_read") or set()
        return {url: {**column, "read": sorted(set(column["read"]) | (set(column["asked"]) & elsewhere))}
                for url, column in (site.get("columns") or {}).items()}

    def summary_line(self, name: str) -> str:
        """One line per site: what was found and what failed."""
        s = self.sites[name]
        errors = ", ".join(f"{reason} ×{n}" for reason, n in sorted(s["errors"].items(), key=lambda kv: -kv[1]))
        partial = s.get("partial_reports") or {}
        columns = self.columns(name)
        unread = {url for url, column in columns.items() if column_unread(column)}
        if s["blocks"] and not s["reports"]:
            status = "BLOCKED "
        elif not s["reports"] and not unread and s.get("walk") != "quiet":  # a quiet walk asks for only some (crawler.revisit)
            status = "NO REPORTS "
        else:
            status = "PARTIAL " if partial or unread else ""
        searched = s.get("searched")
        return (f"{status}{name}: {s['reports']} reports from {s['pages']} pages"
                + ((f", found by the site's search for {searched['words']}" if s["reports"]
                    else f", none found by the site's search for {searched['words']} either") if searched else "")
                + (f", its disclosure read on {', '.join(s['platforms'])} (its own pages only)" if s.get("platforms") else "")
                + (f", {len(partial)} of them partial (article pages unread: "
                   f"{', '.join(u for urls in partial.values() for u in urls)})" if partial else "")
                + (f" ({s['browser_pages']} through the browser)" if s["browser_pages"] else "")
                + (f" ({s['render_cache_pages']} built by the browser before, inputs unchanged)"
                   if s.get("render_cache_pages") else "")
                + (f"; paged columns: {', '.join(column_line(url, c) for url, c in columns.items())}"
                   if any(column_pages_of(c) > 1 or url in unread for url, c in columns.items()) else "")
                + (" (a quiet walk: its columns and tonight's due reports)" if s.get("walk") == "quiet" else "")
                + (f"; errors: {errors}" if errors else "; no errors"))


def progress_text(t: dict) -> str:
    """A crawl's progress in one line, from `SiteStats.totals()` (the log's and the terminal's)."""
    return (f"progress: {t['sites_done']}/{t['sites']} sites done, {t['reports']} reports found, {t['pages']} pages, "
            f"{t['errors']} errors ({t['blocks']} blocks)")


def column_pages_of(column: dict) -> int:
    """How many pages a column has: as many as its pager says, or as were asked for and read."""
    return max(column.get("total") or 0, len(set(column.get("asked", ())) | set(column.get("read", ()))))


def column_unread(column: dict) -> int:
    """How many of a column's pages were not read (asked for and failed, or never asked for:
    over the site's budget or a pager's limit)."""
    read = set(column.get("read", ()))
    return max(len(set(column.get("asked", ())) - read), (column.get("total") or 0) - len(read), 0)


def column_line(url: str, column: dict) -> str:
    """/xxgk/qt/ 6 of 6 pages read."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    pages = column_pages_of(column)
    read = pages - column_unread(column)
    return f"{parts.path}{'?' + unquote(parts.query) if parts.query else ''} {read} of {pages} pages read"


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
        logger.info(progress_text(self.stats.totals()))

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
