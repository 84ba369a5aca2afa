"""Extract → one report per (organ, year) → validate → store.

The spider hands over every document that *might* be a report (a page whose title says
so, the attachments of such a page). Only its content decides: the extractor's
`is_report` drops the one-sentence "see the attachment" pages and anything else that
only looks like a report. A report published both as the page body and as a PDF copy
is one report: the page is kept.
"""
from __future__ import annotations

import asyncio
import functools
import json
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
import logging
from collections import Counter
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DropItem

from crawler.items import GoneItem, ReportItem
from crawler.reading import reader_pool
from crawler.sitestats import site_stats_for

logger = logging.getLogger(__name__)

SPEC_FIELDS = ("url", "organ", "year", "title", "published", "template", "contacts", "cells", "failed_checks")


def to_read(item) -> bool:
    """Whether an item brings a document to read: not a gone URL, a 304, or bytes the archive has."""
    return isinstance(item, ReportItem) and item.get("body") is not None and not item.get("unchanged")


def _pending_pages(crawler) -> dict:
    """Page URL → future done when that page's extraction is; shared by two pipelines."""
    pending = getattr(crawler, "_nianbao_pending_pages", None)
    if pending is None:
        pending = crawler._nianbao_pending_pages = {}
    return pending


class ExtractPipeline:
    """Reads each document with `extractors.extract`, off the reactor (PDFs take a while).

    A document with the same sha256 as the URL's last capture in the archive is not read
    again (item["unchanged"] = "same bytes"): the archive already holds what it says, and
    reading is the expensive part of a night in which little changed.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.pending = _pending_pages(crawler)
        self.page_published: dict[str, str | None] = {}
        # The readers are CPU-bound: worker processes read documents side by side with the
        # downloads. Processes, not threads, even for one worker: a reader stuck on a
        # document built to hang it is interrupted there (extractors' hard time limit needs
        # a main thread), or else killed with its process, and the crawl goes on.
        # Two at least: while one waits on LibreOffice converting a .doc, the other reads on.
        self.workers = crawler.settings.getint("NIANBAO_EXTRACT_WORKERS") or max(2, min(4, (os.cpu_count() or 1) - 1))
        self.time_budget = crawler.settings.getfloat("NIANBAO_EXTRACT_SECONDS") or None
        self.slots = asyncio.Semaphore(self.workers)
        self.pool = None
        self.archived_published: dict[str, asyncio.Future] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        """Reading processes, started with the first document to read, not with the crawl:
        most nights nothing changed, nothing is read, and starting them (each imports
        trafilatura, pdfplumber, python-docx, dateparser: 1-2 s of CPU) would be waste."""
        from extractors import preload

        # niced, memory-capped, and ending with the crawl (crawler/reading.py)
        pool = reader_pool(self.workers, self.crawler.settings.getint("NIANBAO_READER_MEMORY_MB"))
        for _ in range(self.workers):
            pool.submit(preload)
        logger.info("started %d reading processes", self.workers)
        return pool

    def _replace_pool(self) -> None:
        """Kill the reading processes (one is stuck or dead) and start afresh."""
        old, self.pool = self.pool, self._new_pool()
        for process in list((getattr(old, "_processes", None) or {}).values()):
            process.kill()
        old.shutdown(wait=False, cancel_futures=True)

    def close_spider(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def _extract(self, item) -> dict:
        from extractors import extract

        call = functools.partial(extract, item["body"], url=item["url"], content_type=item.get("content_type"),
                                 organ=item["seed_name"], time_budget=self.time_budget)
        return await self._run(call)

    async def _run(self, call):
        from extractors import HARD_LIMIT_GRACE_S, TIME_BUDGET_S, ExtractionError

        async with self.slots:
            if self.pool is None:
                self.pool = self._new_pool()
            # the reader's own alarm comes first; this is for a reader stuck where no
            # signal reaches it (inside a C library) or a process that died
            limit = (self.time_budget or TIME_BUDGET_S) + HARD_LIMIT_GRACE_S + 60  # + starting a process
            try:
                return await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(self.pool, call), limit)
            except asyncio.TimeoutError:
                self._replace_pool()
                raise ExtractionError("timeout", f"the reading process was still busy after {limit:.0f} s and was killed") from None
            except BrokenProcessPool:
                self._replace_pool()
                raise ExtractionError("crashed", "the reading process died (out of memory, or a reader library crashed)") from None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        from extractors import ExtractionError

        if not to_read(item):
            return item  # a gone URL, or a 304: nothing to read
        archive = getattr(self.crawler, "nianbao_archive", None)
        last = archive.validators(item["url"]) if archive is not None else None
        if last and last["sha256"] == item["sha256"]:
            item["unchanged"] = "same bytes"
            return item
        is_page = item["url"] == item.get("page_url")
        done = asyncio.get_running_loop().create_future() if is_page else None
        if done is not None:
            self.pending[item["url"]] = done
        try:
            seed = {"name": item["seed_name"], "url": item["seed_url"]}
            try:
                record = await self._extract(item)
            except ExtractionError as exc:
                site_stats_for(self.crawler).error(seed, f"extract {exc.reason}", item["url"],
                                                   "article" if is_page else "attachment")
                raise DropItem(f"cannot read {item['url']}: {exc}") from None
            if is_page:
                self.page_published[item["url"]] = record.get("published")
            elif not record.get("published") and item.get("page_url") in self.pending:
                # a PDF rarely prints its date; the article that published it does
                await self.pending[item["page_url"]]
                record["published"] = self.page_published.get(item["page_url"])
            elif not record.get("published") and item.get("page_url"):
                # …and when that article was not read again tonight (unchanged), the copy
                # the archive holds says the same
                record["published"] = await self._archived_page_published(item)
            if not record.get("is_report"):
                item["verdict"] = "not a report"
                raise DropItem(f"not a report: {item['url']} ({record.get('title')!r})", log_level="INFO")
            # (cells all blank are no figures: a sentence "…予以公开，详见附件" beside a
            # "浏览次数：37" reads as a row of blanks, and must not stand for the attachment)
            figures = any(v is not None for v in (record.get("cells") or {}).values())
            if is_page and not figures and self._links_attachments(item):
                item["verdict"] = "points to its attachments"
                raise DropItem(f"{item['url']} only points to its attachments: the report is there", log_level="INFO")
            if item.get("missing_parts"):
                mark_partial(record, item["missing_parts"], item.get("article_pages"))
                site_stats_for(self.crawler).partial_report(seed, item["url"], item["missing_parts"])
            record["url"] = item["url"]
            record["organ"] = item["seed_name"]  # the spec: a crawled report's organ is its seed's name
            item["record"] = record
            item["text"] = record.get("text")
            item["published"] = record.get("published")
            item["contacts"] = record.get("contacts")
            return item
        finally:
            if done is not None and not done.done():
                done.set_result(None)


    async def _archived_page_published(self, item) -> str | None:
        """The publication date of the article an attachment came from, read from the
        archive's copy of it (once per page)."""
        from extractors import ExtractionError, extract

        page_url = item["page_url"]
        if page_url not in self.archived_published:
            future = self.archived_published[page_url] = asyncio.get_running_loop().create_future()
            published = None
            archive = getattr(self.crawler, "nianbao_archive", None)
            held = archive.last_body(page_url) if archive is not None else None
            if held is not None:
                try:
                    record = await self._run(functools.partial(extract, held[0], url=page_url, content_type=held[1],
                                                               organ=item["seed_name"]))
                    published = record.get("published")
                except ExtractionError:
                    pass
            future.set_result(published)
        return await asyncio.shield(self.archived_published[page_url])

    @staticmethod
    def _links_attachments(item) -> bool:
        """Whether a page links report attachments (the one-sentence 详见附件 article)."""
        from crawler.discovery import links_in, report_attachments
        from extractors.encoding import decode

        text = decode(item["body"], _charset(item.get("content_type")))
        return bool(report_attachments(links_in(text, item["url"])))


def mark_partial(record: dict, missing: list[dict], pages: int | None) -> None:
    """Flag a report read from some of its article's pages only: its figures on the others
    are not there, and a person (or tomorrow's crawl) must not take it for the whole."""
    record["partial"] = True
    record["missing_parts"] = [part["url"] for part in missing]
    which = "; ".join(f"{part['url']} ({part['reason']})" for part in missing)
    record["notes"] = [*(record.get("notes") or []),
                       f"partial: {len(missing)} of the article's {pages or '?'} pages could not be read, "
                       f"its sections and figures there are missing: {which}"]


def _charset(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
        try:
            "".encode(charset)
            return charset
        except LookupError:
            return None
    return None


class OneReportPipeline:
    """One report per (seed, year) in a crawl; the page body wins over its PDF copy."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.pending = _pending_pages(crawler)
        self.kept: dict[tuple, dict] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        if not isinstance(item, ReportItem):
            return item
        page_url = item.get("page_url")
        if not to_read(item):
            # a page not read again still wins over its copies: the archive says which
            # reports it holds
            archive = getattr(self.crawler, "nianbao_archive", None)
            if item.get("unchanged") and archive is not None and item["url"] == page_url:
                for _, year in archive.report_years_at(page_url):
                    self.kept.setdefault((item["seed_name"], year), {"url": page_url, "page_url": page_url})
            return item
        if item["url"] != page_url and page_url in self.pending:
            await self.pending[page_url]  # let the page it came from decide first
        key = (item["seed_name"], item["record"].get("year"))
        kept = self.kept.get(key)
        if kept is not None and kept["url"] != item["url"]:
            item["verdict"] = "a copy of " + kept["url"]
            raise DropItem(f"{item['url']} is the same report as {kept['url']} ({key[0]} {key[1]})", log_level="INFO")
        self.kept[key] = {"url": item["url"], "page_url": page_url}
        return item


class ValidatePipeline:
    """Checks each report's fields and reports per-field pass rates at the end (city-scrapers style)."""

    def __init__(self):
        self.passed: Counter = Counter()
        self.total = 0

    def process_item(self, item):
        if not to_read(item):
            return item
        record = item["record"]
        if not isinstance(record.get("year"), int):
            item["verdict"] = "no year"
            raise DropItem(f"a report without a year cannot be archived: {item['url']}")
        self.total += 1
        checks = {
            "title": bool(record.get("title")),
            "published": bool(record.get("published")),
            "template": record.get("template") in ("2021", "2019", 2021, 2019),
            "cells": bool(record.get("cells")),
            "contacts": any((record.get("contacts") or {}).values()),
            "etag_or_last_modified": bool(item.get("etag") or item.get("last_modified")),
        }
        for name, ok in checks.items():
            self.passed[name] += ok
        return item

    def close_spider(self):
        if self.total:
            rates = ", ".join(f"{name} {100 * n / self.total:.0f}%" for name, n in sorted(self.passed.items()))
            logger.info("validation over %d reports: %s", self.total, rates)


class StorePipeline:
    """Keeps reports in the archive (`--db`) and/or as JSON Lines (`--jsonl`).

    `scrapy crawl reports` with neither setting writes ./reports.jsonl. Per-site
    statistics go with the crawl: into the archive's crawl_sites, or beside the JSON
    Lines file as <file>.sites.json.

    A document the pipelines dropped for what it is (not a report, a copy of its page)
    is still kept in the archive as a capture: its validators let the next night ask
    for it with a conditional request, and its sha256 spares reading it again.

    Documents are committed in batches (NIANBAO_STORE_BATCH_ITEMS, _SECONDS): one commit
    costs as much as a report's rows. A crawl killed loses its open batch, as it loses
    the pages it had not fetched: the rerun with its job directory stores both.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = settings.get("NIANBAO_DB")
        self.jsonl_path = settings.get("NIANBAO_JSONL")
        self.jobdir = settings.get("JOBDIR")
        self.archive = None
        self.batch = None
        self.timer = None
        self.crawl_id = None
        self.jsonl = None
        self.jsonl_seen: set[tuple] = set()

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self):
        spider = self.crawler.spider
        if self.db_path:
            from twisted.internet import task

            from archive import Archive
            from archive.store import OpenBatch

            self.archive = Archive(self.db_path)
            self.crawler.nianbao_archive = self.archive  # for ConditionalRequestMiddleware
            settings = self.crawler.settings
            self.batch = OpenBatch(self.archive, settings.getint("NIANBAO_STORE_BATCH_ITEMS"),
                                   settings.getfloat("NIANBAO_STORE_BATCH_SECONDS"))
            self.timer = task.LoopingCall(self.batch.commit_if_due)
            self.timer.start(max(0.1, self.batch.seconds / 4), now=False)
            self.crawl_id = self._resumed_crawl_id()
            if self.crawl_id is None:
                self.crawl_id = self.archive.begin_crawl(
                    [{"name": s.name, "url": s.url, "region": s.extra.get("region")} for s in spider.seeds])
                if self.jobdir:
                    Path(self.jobdir).mkdir(parents=True, exist_ok=True)
                    # atomically: a crawl killed while writing it must not leave an empty marker
                    partial = Path(self.jobdir) / "crawl_id.part"
                    partial.write_text(str(self.crawl_id))
                    os.replace(partial, Path(self.jobdir) / "crawl_id")
        # (with neither, ./reports.jsonl, unless a feed export (-O/-o) was asked for instead)
        if self.jsonl_path or not (self.db_path or self.crawler.settings.getdict("FEEDS")):
            path = Path(self.jsonl_path or "reports.jsonl")
            self.jsonl_seen = read_jsonl_keys(path)
            self.jsonl = path.open("a", encoding="utf-8")

    def _resumed_crawl_id(self) -> int | None:
        """The crawl a JOBDIR belongs to, so a resumed crawl continues it."""
        if not self.jobdir:
            return None
        marker = Path(self.jobdir) / "crawl_id"
        if not marker.exists():
            return None
        crawl_id = int(marker.read_text())
        if self.archive.db.execute("SELECT 1 FROM crawls WHERE id = ?", [crawl_id]).fetchone() is None:
            logger.warning("%s names crawl %d, which %s does not hold: starting a new crawl", marker, crawl_id,
                           self.db_path)
            return None
        return crawl_id

    def process_item(self, item):
        if isinstance(item, GoneItem):
            if self.archive is not None:
                self.batch.mark_gone(self.crawl_id, item["url"], item["reason"])
            return item
        if item.get("body") is None or item.get("unchanged"):  # the archive's copy is still current
            outcome = self.batch.store(self.crawl_id, dict(item)) if self.archive is not None else "not modified"
            if outcome in ("unchanged", "returned"):
                site_stats_for(self.crawler).count({"name": item["seed_name"], "url": item["seed_url"]}, "reports")
            logger.info("report %s %s (%s, not read again): %s", item["seed_name"], outcome,
                        item.get("unchanged") or "not modified", item["url"])
            return item
        outcome = "stored"
        if self.archive is not None:
            outcome = self.batch.store(self.crawl_id, dict(item))
        if self.jsonl is not None:
            key = (item["url"], item["sha256"])
            if key not in self.jsonl_seen:
                self.jsonl_seen.add(key)
                self.jsonl.write(json.dumps(jsonl_row(item), ensure_ascii=False) + "\n")
                self.jsonl.flush()
        site_stats_for(self.crawler).count({"name": item["seed_name"], "url": item["seed_url"]}, "reports")
        logger.info("report %s %s (%s): %s", item["seed_name"], item["record"].get("year"), outcome, item["url"])
        return item

    def item_dropped(self, item, response, exception, spider):
        """Keep a dropped document as a capture when it was dropped for what it is."""
        if self.archive is None or not isinstance(item, ReportItem) or not item.get("verdict") \
                or item.get("body") is None:
            return
        self.batch.store(self.crawl_id, {**dict(item), "record": {"is_report": False}})

    def spider_closed(self, spider, reason):
        """End the crawl in the archive, knowing why it closed.

        Not in close_spider: Scrapy closes the pipelines before it says why the spider
        closed (stats' finish_reason is still unset then), and without "finished" no site
        would ever be judged and no unseen report marked gone.
        """
        if self.archive is None:
            return
        if self.timer.running:
            self.timer.stop()
        self.batch.commit()  # what the crawl stored is kept, however it ended
        if reason == "shutdown" and self.jobdir:
            # Stopped (SIGTERM, Ctrl-C) with a job directory to resume from: the crawl stays
            # open, as after a kill, and the next run continues it. Ended now, every site not
            # walked to its end would be recorded failed for good, and the resumed run's
            # statistics could not replace them.
            logger.info("crawl %d left open in %s for the next run to resume", self.crawl_id, self.db_path)
            self.archive.close()
            return
        self.archive.end_crawl(self.crawl_id, archive_site_stats(site_stats_for(self.crawler).as_dict(), reason))
        self.archive.close()
        if self.jobdir:
            (Path(self.jobdir) / "crawl_id").unlink(missing_ok=True)

    def close_spider(self):
        if self.jsonl is not None:
            self.jsonl.close()
            sites = Path(str(self.jsonl.name) + ".sites.json")
            sites.write_text(json.dumps(site_stats_for(self.crawler).as_dict(), ensure_ascii=False, indent=1),
                             encoding="utf-8")


def read_jsonl_keys(path: Path) -> set[tuple]:
    """(url, sha256) of the rows a JSON Lines file already holds, so a resumed crawl appends
    without repeating them; a last line cut short by a killed crawl is removed."""
    if not path.exists():
        return set()
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        path.write_bytes(data)
    keys = set()
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            keys.add((row.get("url"), row.get("sha256")))
    return keys


def jsonl_row(item) -> dict:
    """One JSON Lines row: the spec record first, then where and when it was fetched."""
    record = dict(item["record"])
    row = {field: record.pop(field, None) for field in SPEC_FIELDS}
    row.update({
        "seed_name": item["seed_name"], "seed_url": item["seed_url"], "page_url": item.get("page_url"),
        "fetched_at": item.get("fetched_at"), "sha256": item["sha256"], "content_type": item.get("content_type"),
        "etag": item.get("etag"), "last_modified": item.get("last_modified"),
    })
    row.update(record)  # the extractor's extra fields (is_report, inferred, tables_as_images, text …)
    return row


def archive_site_stats(sites: dict, finish_reason: str | None) -> dict:
    """Per-site statistics in the archive's shape: {seed_url: {name, pages, reports, errors, reasons, status[, failed]}}.

    A site is judged ("ok") only when the crawl finished and the site answered: the
    reports of a blocked site ("blocked": a WAF, a challenge no browser passes), of an
    unreachable one or of an interrupted crawl ("failed") are not marked gone, nor those
    of a site where a page of the walk to them failed or a report was read in part
    ("partial": a list page that timed out hides the reports it lists). `failed` (every
    failed URL with its reason and role) goes along: the archive keeps it, and does not
    judge a report whose own URL failed.
    """
    shaped = {}
    for name, site in sites.items():
        errors = site["errors"]
        failed = site.get("failed") or {}
        blocked = bool(site["blocks"] and not site["reports"])
        reachable = site["pages"] > 0 and not blocked
        walk_failed = bool(walk_failures(site)) or bool(site.get("partial_reports")) or bool(unread_columns(site))
        status = "blocked" if blocked and site["pages"] > 0 else "failed"
        if finish_reason == "finished" and reachable:
            status = "partial" if walk_failed else "ok"
        this = {
            "name": name, "pages": site["pages"], "reports": site["reports"],
            "errors": sum(errors.values()), "reasons": dict(errors), "status": status,
            **({"failed": failed} if failed else {}),
            **({"browser_shapes": site["browser_shapes"]} if site.get("browser_shapes") else {}),
            **({"walk": site["walk"], "walk_on": site.get("walk_on"), "report_columns": site.get("report_columns") or {}}
               if site.get("walk") else {}),
        }
        # two organs seeded at one URL (a portal column both are listed on) share the
        # archive's site row: its statistics are theirs together, judged as the worse
        shaped[site["url"]] = _together(shaped[site["url"]], this) if site["url"] in shaped else this
    return shaped


def _together(one: dict, other: dict) -> dict:
    worse = max(one["status"], other["status"], key=("ok", "partial", "blocked", "failed").index)
    reasons = Counter(one["reasons"]) + Counter(other["reasons"])
    failed = {**one.get("failed", {}), **other.get("failed", {})}
    shapes = {**one.get("browser_shapes", {}), **other.get("browser_shapes", {})}
    return {"name": one["name"], "pages": one["pages"] + other["pages"], "reports": one["reports"] + other["reports"],
            "errors": one["errors"] + other["errors"], "reasons": dict(reasons), "status": worse,
            **({"failed": failed} if failed else {}), **({"browser_shapes": shapes} if shapes else {}),
            **_walks_together(one, other)}


def _walks_together(one: dict, other: dict) -> dict:
    """Two organs of one site row: walked whole only if both were (crawler.revisit)."""
    walks = [s["walk"] for s in (one, other) if s.get("walk")]
    if not walks:
        return {}
    return {"walk": "quiet" if "quiet" in walks else "full", "walk_on": one.get("walk_on") or other.get("walk_on"),
            "report_columns": {**(one.get("report_columns") or {}), **(other.get("report_columns") or {})}}


def unread_columns(site: dict) -> dict:
    """{first page: pages unread} of a site's paged columns not read to their end (a page
    that failed, pages over the site's budget): the reports on them were not seen."""
    from crawler.sitestats import column_unread

    return {url: n for url, column in (site.get("columns") or {}).items() for n in [column_unread(column)] if n}


def walk_failures(site: dict) -> dict:
    """{url: why} of the pages on the way to a site's reports that failed uncertainly (a
    list page that timed out): the site's reports were not all checked tonight."""
    return {url: why for url, why in (site.get("failed") or {}).items()
            if why.get("role") in WALK_ROLES and why.get("reason") not in CERTAIN_FAILURES}


# Pages on the way to the reports, and failures that say for sure what a page is (there
# is nothing to find behind a 404, robots.txt forbids it, it is a calendar trap): any
# other failure of such a page leaves the site's unseen reports unjudged.
WALK_ROLES = ("home", "nav", "list")
CERTAIN_FAILURES = ("http 404", "http 410", "robots.txt", "trap")
