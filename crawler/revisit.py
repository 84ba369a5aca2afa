"""When a site and a held report are asked for again: the revisit policy of a night.

Two parts, one decision: how much of each site a night walks, and which reports it
holds it asks for again.

The policy (issue 25; heritrix's adaptive revisiting is the model):

- a new report appears at the top of a report column's first page: every night asks every
  known column's first page (conditionally, with the validators it last answered with),
  and follows whatever new it links;
- a held report is asked for on a rotation, about a seventh a night, so each at least every
  ROTATION_NIGHTS nights; those published in the last RECENT_DAYS days, and every report
  during the deadline season (January to March, when most corrections happen), nightly;
- each site is walked whole (home page, disclosure section, every list page, every held
  report) at least every ROTATION_NIGHTS nights, sites spread over the week;
- any surprise on a quietly walked site (a new link, a 200 where a 304 was expected, a 404,
  a redirect, a column that no longer lists reports) widens it to a whole walk that night;
- a report a night did not ask for is not judged gone by it: the archive judges "not seen"
  only on a site walked whole (archive.store.Archive.end_crawl).

The rules are the pure functions below; `WalkPolicyMiddleware` (a spider middleware)
applies them: it replaces a quiet site's seed request by its columns and tonight's due
reports, holds back what a column links that tonight does not need (further list pages,
held reports not due), and lets it all go, with the seed page, when the site surprises.
Its state (each site's last whole walk, its columns and their validators) is the
archive's (tables site_walks and report_columns). A crawl without an archive, NIANBAO_FULL_WALK
and `--full` walk every site whole. The night's date is NIANBAO_TODAY when set (tests).

`RevisitPolicyMiddleware`, below, is the downloader's side for reports without
validators (NIANBAO_REVISIT_DAYS):

A report article or attachment the archive already holds rarely changes, and asking
for it again costs its server a whole download. So, when a night asks for it:

- with validators (the archive's last capture has an ETag or a Last-Modified),
  `ConditionalRequestMiddleware` asks every night with If-None-Match /
  If-Modified-Since: an unchanged report costs a 304 of a few hundred bytes;
- without validators (servers that send neither, pages built by the browser), the only
  way to know is to download it again; this middleware does not, while the last
  download is younger than NIANBAO_REVISIT_DAYS and the report is not marked gone. It
  answers the request itself with a 304 flagged "revisit", which the spider and the
  archive treat as "still listed tonight, not fetched" (nothing is stored but the crawl's
  sighting, so the report is not judged gone). After the window it is downloaded again,
  and bytes equal to the last capture are not read again (ExtractPipeline).

NIANBAO_REVISIT_DAYS = 0 downloads every report without validators every night.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

import scrapy
from scrapy import signals
from scrapy.http import Response

from crawler.discovery import origin
from crawler.sitestats import seed_of, site_stats_for

logger = logging.getLogger(__name__)

REVISIT_FLAG = "revisit"
ROTATION_NIGHTS = 7          # a held report is asked for, and a site walked whole, at least this often
RECENT_DAYS = 60             # reports published this recently are asked for every night
DEADLINE_MONTHS = (1, 2, 3)  # the deadline season: every report every night
REPORT_ROLES = ("article", "attachment")


# --- the rules ------------------------------------------------------------------------------

def today_of(settings) -> dt.date:
    """The night's date: NIANBAO_TODAY (an ISO date) when set, else today in UTC."""
    given = settings.get("NIANBAO_TODAY")
    return dt.date.fromisoformat(str(given)) if given else dt.datetime.now(dt.timezone.utc).date()


def slot(key: str) -> int:
    """The night of the week (0-6) a URL belongs to: stable, and spread evenly over keys."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % ROTATION_NIGHTS


def tonight(today: dt.date) -> int:
    """Which of the ROTATION_NIGHTS slots tonight is: consecutive nights, consecutive slots."""
    return today.toordinal() % ROTATION_NIGHTS


def full_walk_due(seed_url: str, today: dt.date, last_full: dt.date | None, columns: int,
                  forced: bool = False, unread_attachments: int = 0) -> bool:
    """Whether a site is walked whole tonight: forced; never walked whole, or no report
    column known (nothing to walk quietly); an attachment its last night could not fetch
    (only the walk knows the article that links it); its last whole walk a rotation ago or
    more (a night missed); or tonight is its night of the week."""
    if forced or last_full is None or columns == 0 or unread_attachments:
        return True
    return (today - last_full).days >= ROTATION_NIGHTS or slot(seed_url) == tonight(today)


def report_due(url: str, today: dt.date, published: dt.date | None) -> bool:
    """Whether a held report is asked for tonight: in the deadline season, when published
    in the last RECENT_DAYS days, or on its night of the rotation."""
    if today.month in DEADLINE_MONTHS:
        return True
    if published is not None and (today - published).days <= RECENT_DAYS:
        return True
    return slot(url) == tonight(today)


def surprise(status: int, conditional: bool, redirected: bool) -> str | None:
    """What in an answer to a quiet walk's request says the site changed, or None: a 404
    or 410, a redirect, a 200 to a conditional request (a 304 was expected)."""
    if status in (404, 410):
        return f"http {status}"
    if redirected:
        return "redirect"
    if status == 200 and conditional:
        return "changed (200 where 304 was expected)"
    return None


def column_surprise(status: int, links_reports: bool, to_browser: bool) -> str | None:
    """A known column that answered but lists no report (and is not on its way to the
    browser, which builds its list): the column is gone or moved."""
    if status == 200 and not links_reports and not to_browser:
        return "column lists no report"
    return None


def worth_asking_again(reason: str) -> bool:
    """Whether a document the last night could not fetch may answer tonight: a failure of
    the transport or a busy server, not what the document is (too large, hostile to read,
    a trap, forbidden by robots.txt), which another night only repeats."""
    return reason in ("timeout", "connection reset", "connection closed", "truncated body", "dns",
                      "connection refused") or bool(re.fullmatch(r"http (5\d\d|429|408)", reason))


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class RevisitPolicyMiddleware:
    """Skips reports without validators whose archived copy is recent (see the module docstring)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.days = crawler.settings.getfloat("NIANBAO_REVISIT_DAYS", 0.0)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        archive = getattr(self.crawler, "nianbao_archive", None)
        # browser requests too: a page of a JavaScript site's shape goes to the browser
        # directly (ReportsSpider.shells), and its copy is as recent as a plain page's
        if archive is None or self.days <= 0 or request.meta.get("role") not in ("article", "attachment"):
            return None
        held = archive.validators(request.url)
        if not held or held["etag"] or held["last_modified"] or held["gone"] or not self._recent(held["fetched_at"]):
            return None
        request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", ()), 304]
        request.meta["dont_cache"] = True  # nothing was fetched: nothing for the resume cache
        return Response(request.url, status=304, request=request, flags=[REVISIT_FLAG])

    def _recent(self, fetched_at: str | None) -> bool:
        if not fetched_at:
            return False
        try:
            when = dt.datetime.strptime(fetched_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return False
        return dt.datetime.now(dt.timezone.utc) - when < dt.timedelta(days=self.days)


class WalkPolicyMiddleware:
    """Applies the revisit policy to the spider's requests (see the module docstring)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.forced = crawler.settings.getbool("NIANBAO_FULL_WALK", False)
        self.today = today_of(crawler.settings)
        self.quiet: dict[str, dict] = {}      # seed name -> {seed, held, due, deferred, columns}
        self.widened: set[str] = set()
        self.seeds: dict[str, dict] = {}

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware.response_received, signal=signals.response_received)
        return middleware

    # --- the night's start ----------------------------------------------------------------------

    async def process_start(self, start):
        async for request in start:
            seed = seed_of(request) if isinstance(request, scrapy.Request) else None
            if seed is None or not request.meta.get("seed_page"):
                yield request
                continue
            for planned in self._plan(seed, request):
                yield planned

    def _plan(self, seed: dict, seed_request):
        """The seed request, or, for a site walked quietly tonight, its columns and due reports."""
        archive = getattr(self.crawler, "nianbao_archive", None)
        stats = site_stats_for(self.crawler)
        site = stats._site(seed["name"], seed.get("url"))
        site["walk_on"] = self.today.isoformat()
        self.seeds[seed["name"]] = seed
        state = archive.site_walk(seed["url"]) if archive is not None else None
        unread = [d for d in archive.unread_documents(seed["url"]) if worth_asking_again(d["reason"])] \
            if state is not None else []
        if archive is None or full_walk_due(seed["url"], self.today, parse_date((state or {}).get("full_walk_on")),
                                            len((state or {}).get("columns") or ()), self.forced,
                                            sum(d["role"] == "attachment" for d in unread)):
            site["walk"] = "full"
            site["report_columns"] = {}
            yield seed_request
            return
        site["walk"] = "quiet"
        site["report_columns"] = {c["url"]: c for c in state["columns"]}
        documents = archive.revisit_documents(seed["url"])
        held = {d["url"] for d in documents}
        due = {d["url"] for d in documents if report_due(d["report_url"], self.today, parse_date(d["published"]))}
        self.quiet[seed["name"]] = {"held": held, "due": due, "deferred": [], "columns": set(site["report_columns"])}
        spider = self.crawler.spider
        for column in state["columns"]:
            elsewhere = origin(column["url"]) != origin(seed["url"])  # the site moved there (a redirected seed)
            request = spider._request(column["url"], seed, "list", column=True,
                                      **({"also_allowed_origins": [origin(column["url"])]} if elsewhere else {}))
            headers = {}
            if column.get("etag"):
                headers["If-None-Match"] = column["etag"]
            if column.get("last_modified"):
                headers["If-Modified-Since"] = column["last_modified"]
            yield request.replace(headers=headers, dont_filter=True,
                                  # not kept by the resume cache: a 304 from it would answer the whole
                                  # walk's own request for the column, should the site widen
                                  meta={**request.meta, "revisit_column": True, "dont_cache": True,
                                        **({"handle_httpstatus_list": [304]} if headers else {})})
        for document in documents:
            if document["url"] in due:
                role = "attachment" if document["page_url"] else "article"
                yield spider._request(document["url"], seed, role,
                                      **({"page_url": document["page_url"]} if document["page_url"] else {}))
        for document in unread:  # articles that failed last night: as good as new links
            yield spider._request(document["url"], seed, document["role"])
        logger.info("%s: a quiet walk tonight (%d column(s), %d of %d held document(s) due, %d unread last time)",
                    seed["name"], len(state["columns"]), len(due), len(documents), len(unread))

    # --- surprises ---------------------------------------------------------------------------------

    def response_received(self, response, request, spider):
        seed = seed_of(request)
        if seed is None or seed["name"] not in self.quiet or seed["name"] in self.widened:
            return
        if REVISIT_FLAG in response.flags:
            return
        conditional = bool(request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"))
        why = surprise(response.status, conditional, bool(request.meta.get("redirect_urls")))
        if why:
            self._widen(seed, f"{why} at {request.url}", into=None)

    def _widen(self, seed: dict, why: str, into: list | None):
        """Walk the site whole tonight: the seed page, and what was held back. Given `into`
        (a spider output being read), the requests go there; else to the engine."""
        name = seed["name"]
        self.widened.add(name)
        site = site_stats_for(self.crawler)._site(name, seed.get("url"))
        site["walk"] = "full"
        site["widened"] = why
        site["report_columns"] = {}  # learned again by the whole walk: a column gone is forgotten
        logger.info("%s: widened to a whole walk tonight (%s)", name, why)
        spider = self.crawler.spider
        requests = [spider._request(self.seeds[name]["url"], self.seeds[name], "home", seed_page=True),
                    *self.quiet[name]["deferred"]]
        self.quiet[name]["deferred"] = []
        if into is not None:
            into.extend(requests)
            return
        for request in requests:
            self.crawler.engine.crawl(request)

    # --- what a page leads to --------------------------------------------------------------------

    def process_spider_output(self, response, result):
        yield from self._filter(response, list(result))

    async def process_spider_output_async(self, response, result):
        out = [item async for item in result]
        for item in self._filter(response, out):
            yield item

    def _filter(self, response, out: list):
        request = response.request
        seed = seed_of(request)
        if seed is None:
            return out
        name = seed["name"]
        self._learn_column(response, out)
        if name not in self.quiet or name in self.widened:
            return out
        plan = self.quiet[name]
        archive = getattr(self.crawler, "nianbao_archive", None)
        passed, extra = [], []
        new = None
        for thing in out:
            if not isinstance(thing, scrapy.Request):
                passed.append(thing)
                continue
            role = thing.meta.get("role")
            if role in REPORT_ROLES:
                if thing.url in plan["due"] or thing.meta.get("part_of") or thing.meta.get("playwright"):
                    passed.append(thing)
                elif thing.url in plan["held"] or (archive is not None and archive.validators(thing.url)):
                    plan["deferred"].append(thing)
                else:
                    new = new or thing.url
                    passed.append(thing)
            elif role == "list" and (thing.url in plan["columns"] or thing.meta.get("playwright")):
                passed.append(thing)
            else:
                plan["deferred"].append(thing)
        if new:
            self._widen(seed, f"a new link {new}", into=extra)
        elif request.meta.get("revisit_column") and name not in self.widened:
            why = column_surprise(response.status, any(isinstance(t, scrapy.Request) and t.meta.get("role") in REPORT_ROLES
                                                       for t in out),
                                  any(isinstance(t, scrapy.Request) and t.meta.get("playwright") for t in out))
            if why:
                self._widen(seed, f"{why} at {request.url}", into=extra)
        if name in self.widened:
            return [*passed, *extra]
        return passed

    def _learn_column(self, response, out: list) -> None:
        """A report column the walk read (linked as one, or a seed page listing reports),
        with the validators it answered with, for the next quiet nights."""
        meta = response.meta
        if response.status != 200 or not (meta.get("report_column") or meta.get("seed_page")):
            return
        if not any(isinstance(t, scrapy.Request) and t.meta.get("role") in REPORT_ROLES for t in out):
            return
        site = site_stats_for(self.crawler)._site(meta["seed"]["name"], meta["seed"].get("url"))
        url = response.request.url if meta.get("revisit_column") else response.url
        built = bool(meta.get("playwright"))
        headers = response.headers
        site.setdefault("report_columns", {})[url] = {
            "url": url,
            "etag": None if built else (headers.get("ETag") or b"").decode("latin-1") or None,
            "last_modified": None if built else (headers.get("Last-Modified") or b"").decode("latin-1") or None,
        }
