"""The `reports` spider: from each seed to its yearly reports, whatever the site's CMS.

A walk has three kinds of page, carried in `request.meta["role"]`:

- ``home``/``nav``: the seed page and pages of the disclosure section; we look for the
  annual-report column, deeper disclosure links and report links;
- ``list``: the annual-report column and its further pages (ordinary links, TRS's
  `createPageHTML`, Hanweb's dataproxy); we look for report articles, per-year
  sub-columns and more pages;
- ``article``: a page whose title is this organ's report: it becomes a `ReportItem`
  and its attachments (PDF, DOC, DOCX, WPS, OFD, ZIP) are fetched as items too.

The spider only parses: the pipelines decide from the content whether an item is a
report, the middlewares keep requests in scope and polite.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone

from urllib.parse import urldefrag

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import discovery, pagers, search
from crawler.browser import BROWSER_WANTED, browser_meta, list_reading, shell_key
from crawler.cms import hanweb, jsapp, pageforms, scriptcalls, trs
from crawler.discovery import Link
from crawler.items import GoneItem, ReportItem
from crawler.seeds import Seed, read_seeds
from crawler.sitestats import seed_of, site_stats_for

MAX_NAV_DEPTH = 3  # seed → 政府信息公开 → 部门 → …: deeper than this the column is not there
MAX_SCRIPT_FILES = 4  # of one page's own script files, read for a link function's template
# Characters outside links that even the shortest report page prints (its 总体情况 alone is
# longer); a column page has its site's name and footer
MIN_REPORT_TEXT = 300

PRIORITY = {"attachment": 30, "article": 20, "list": 10, "search": 10, "nav": 0, "home": 0}

# the meta keys of ours a request carries; Scrapy's own (depth, download_slot …) are not copied
OWN_META = ("seed", "role", "page_url", "nav_depth", "attachment", "hanweb_proxy", "hanweb_next_start",
            "browser_attempts", "seed_page", "also_allowed_origins", "column", "column_first", "platform",
            "platform_organ", "report_column", "revisit_column")
BROWSER_ATTEMPTS = 2  # a page still empty after the browser's second try is what it is


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, seeds: str | list[Seed] | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(seeds, str):
            self.seeds, problems = read_seeds(seeds)
            for problem in problems:
                self.logger.warning("seed %s", problem)
        else:
            self.seeds = list(seeds or [])
        if not self.seeds:
            self.logger.error("no seeds to crawl: pass -a seeds=FILE.csv (a CSV with the header name,url)")
        # (seed url, URL shape) -> when a plain fetch of that shape was an empty shell: more of
        # the same shape go to the browser at once (crawler.browser.BrowserDownloadHandler)
        self.shells: dict[tuple[str, str], str] = {}
        self._rendered_routes: set[str] = set()  # page#route rendered for its report column
        self._script_templates: dict[str, dict] = {}  # site -> URL templates of its script functions
        self._scripts_read: set[str] = set()
        # seed name -> (the search its home page's search form makes, the site's origins)
        self._searches: dict[str, tuple[list, list]] = {}
        self._searched: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if crawler.settings.getbool("NIANBAO_SITE_SEARCH", True):
            crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    def spider_idle(self):
        """When every walk has ended: the sites where it found no report are searched, by
        their own search for 年度报告, before the crawl closes (the last resort)."""
        requests = list(self._last_resort_searches())
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def _last_resort_searches(self):
        """The search requests of each site that gave no report and is not blocked, once."""
        stats = site_stats_for(self.crawler)
        for seed in self.seeds:
            site = stats.sites.get(seed.name) or {}
            if seed.name in self._searched or seed.name not in self._searches or site.get("reports") or site.get("blocks"):
                continue
            self._searched.add(seed.name)
            found, origins = self._searches[seed.name]
            seed_meta = seed_meta_of(seed)
            for method, url, fields in found:
                stats.searched(seed_meta, url if method == "GET" else f"{url} {fields}", search.WORDS)
                meta = {"seed": seed_meta, "role": "search", **({"also_allowed_origins": origins} if origins else {})}
                if method == "POST":
                    yield scrapy.FormRequest(url, formdata=fields, callback=self.parse, errback=self.on_error,
                                             priority=PRIORITY["search"], meta=meta)
                else:
                    yield scrapy.Request(url, callback=self.parse, errback=self.on_error, priority=PRIORITY["search"],
                                         meta=meta)

    async def start(self):
        stats = site_stats_for(self.crawler)
        held = self._held_shells()
        for seed in self.seeds:
            seed_meta = seed_meta_of(seed)
            stats.add_seed(seed_meta)
            for shape, learned in held.get(seed.url, {}).items():
                self.shells[(seed.url, shape)] = learned
                stats.learned_shell(seed_meta, shape, learned)
        if self.shells:
            self.crawler.signals.send_catch_log(BROWSER_WANTED, schemes={url.split(":")[0] for url, _ in self.shells},
                                                sites={url for url, _ in self.shells})
        for seed in self.seeds:
            yield self._request(seed.url, seed_meta_of(seed), "home", seed_page=True)

    def _held_shells(self) -> dict[str, dict[str, str]]:
        """The shell shapes of each site learned on a recent night (archive.Archive.browser_shapes)."""
        archive = getattr(self.crawler, "nianbao_archive", None)
        if archive is None:
            return {}
        days = self.crawler.settings.getfloat("NIANBAO_SHELL_DAYS", 7)
        since = (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {url: {shape: at for shape, at in shapes.items() if at >= since}
                for url, shapes in archive.browser_shapes().items()}

    # --- callbacks -------------------------------------------------------------------------

    def parse(self, response):
        """A seed, disclosure-section or list page: follow what leads to reports."""
        try:
            yield from self._parse_listing(response)
        finally:
            site_stats_for(self.crawler).settled(seed_of(response.request))

    def parse_article(self, response):
        """A page whose title is a report of this organ: the page and its attachments."""
        try:
            yield from self._parse_article(response)
        finally:
            site_stats_for(self.crawler).settled(seed_of(response.request))

    def parse_attachment(self, response):
        """A PDF/DOC/DOCX/WPS/OFD/ZIP linked from a report article (always fetched without the browser)."""
        try:
            yield self._report_item(response)
        finally:
            site_stats_for(self.crawler).settled(seed_of(response.request))

    def on_error(self, failure):
        """Count a failed request against its site, with a short reason."""
        request = failure.request
        seed = seed_of(request)
        stats = site_stats_for(self.crawler)
        try:
            reason = error_reason(failure)
            if reason:
                stats.error(seed, reason, request.url, request.meta.get("role"),
                            via=(request.meta.get("redirect_urls") or [None])[0])
                self.logger.info("%s: %s (%s)", seed["name"] if seed else "?", reason, request.url)
            status = failure.value.response.status if failure.check(HttpError) else None
            if seed and status in (404, 410) and request.meta.get("role") in ("article", "attachment") \
                    and "part_of" not in request.meta:
                yield GoneItem(seed_name=seed["name"], seed_url=seed["url"], url=request.url, reason=f"http_{status}")
        finally:
            stats.settled(seed)

    # --- pages -----------------------------------------------------------------------------------

    def _parse_listing(self, response):
        if not _is_page(response):
            if response.meta.get("role") == "home" and response.meta.get("seed_page"):
                # a seed that is a report's file: the file, and the site it is on
                yield self._report_item(response)
                root = discovery.origin(response.url) + "/"
                if root != response.url:
                    yield self._request(root, response.meta["seed"], "home", response)
            return
        meta = response.meta
        seed, role = meta["seed"], meta["role"]
        if meta.get("seed_page") and seed["name"] not in self._searches:
            found = search.search_requests(response.text, response.url)
            if found:  # kept for the end, in case the walk finds no report
                self._searches[seed["name"]] = (found, sorted(self._site_origins(response) - {discovery.origin(seed["url"])}))
        in_column = role == "list" or self._is_column_page(response)
        links = self._links(response)
        framed = sum(1 for link in links if not link.embedded) < jsapp.MIN_LINKS  # a frameset, or nearly
        found = []
        for link in links:
            request = self._embedded(link, response, in_column, framed) if link.embedded \
                else self._follow(link, response, in_column)
            if request is not None:
                found.append(request)
        found.extend(self._cms_pages(response, "list" if in_column else role))
        found.extend(self._routes(response))
        found.extend(self._script_files(response))
        titled = any(r.meta["role"] in ("article", "attachment") for r in found)
        # a column's other pages first: a page also linked another way is then read as the column's
        found[:0] = self._column_pages(response, in_column, titled or role == "search")
        if (not found and len(links) < jsapp.MIN_LINKS) or \
                (in_column and not any(r.meta["role"] in ("article", "attachment") for r in found)):
            # nothing here but a script that sends the visitor on (or a report column whose
            # script sends it to the real list: location.replace('list_new.html')): follow
            # it without the browser
            target = discovery.script_redirect(" ".join(response.xpath("//script[not(@src)]/text()").getall()), response.url)
            if target and target != response.url and self._on_site(target, response):
                found.append(self._request(target, seed, role, response, nav_depth=meta.get("nav_depth", 0)))
        has_reports = any(r.meta["role"] in ("article", "attachment") for r in found)
        if not has_reports and self._is_own_report(response):
            # reached as a list (a year link in the column: 2022年), the page is the report
            # itself, as a report module's page is (Hanweb's xxgkAnnualReport.jsp?fbtime=2022)
            yield from self._parse_article(response)
            # its other links still lead on: the column a seed's breadcrumb names, the other
            # years a report module offers (<option> fbtime=2023 …)
            yield from found
            return
        if self._may_render(response) and not has_reports and self._built_by_script(response, found, in_column):
            yield self._through_browser(response, paged=in_column)
            return
        if in_column and meta.get("playwright"):
            # a script-built list the browser could not read whole (more parts offered at
            # its limit, or still saying 加载中… when taken): the reports of what was not
            # shown are unknown tonight, not gone
            if list_reading(meta).get("more"):
                site_stats_for(self.crawler).error(seed, f"list parts left unread (more than {jsapp.MAX_LIST_PAGES})",
                                                   response.url, "list")
            elif not has_reports and jsapp.is_loading(response.text):
                site_stats_for(self.crawler).error(seed, "list still loading when taken", response.url, "list")
        yield from found

    def _column_pages(self, response, in_column: bool, titled: bool) -> list:
        """The other pages of the column this page is one of, by any of its pagers
        (`crawler.pagers`), when the page is a report column, lists a report of the organ
        whatever the column is called (`titled`: 政府信息公开, 其他, 信息公开目录), or is a
        page of such a column. Each page asked for and read is counted against the column
        (its first page's URL), so a column read in part makes the site partial."""
        meta, request = response.meta, response.request
        seed = meta["seed"]
        stats = site_stats_for(self.crawler)
        key = pagers.request_key(request.method, response.url, request.body)
        column = meta.get("column")
        if not (column or in_column or titled):
            stats.column_read(seed, None, key)
            return []
        paging = pagers.column_pages(response.text, response.url, self._script_templates.get(discovery.site_key(response.url)),
                                     first=meta.get("column_first") if column else None,
                                     selector=response.selector if response.selector.type == "html" else None)
        first = meta.get("column_first") if column else (paging.current or 1)
        column = column or pagers.column_key(response.url)
        stats.column_read(seed, column, key, paging.total)
        role = "list" if in_column else "search" if meta["role"] == "search" else "nav"
        out = []
        for method, url, fields in paging.requests:
            if not self._on_site(url, response) or not discovery.is_page_url(url):
                continue
            page = self._request(url, seed, role, response, nav_depth=meta.get("nav_depth", 0), column=column,
                                 column_first=first)
            if method == "POST":
                page = scrapy.FormRequest(url, formdata=fields, callback=self.parse, errback=self.on_error,
                                          priority=PRIORITY[role], meta=page.meta)
            out.append(page)
        stats.column_pages(seed, column, [pagers.request_key(r.method, r.url, r.body) for r in out], paging.total)
        return out

    def _built_by_script(self, response, found: list, in_column: bool) -> bool:
        """Whether this page's links are made by its scripts, so only the browser sees them
        (the caller knows it links no report): an empty shell, a list or menu that says
        加载中…, or, running scripts of its own site, a report column with an empty list
        container or a seed page that leads nowhere (a menu built from a JSON API beside the
        page's header and footer, a column whose list.js fills an empty <div>: blind tests)."""
        text = response.text
        if (in_column or not found or jsapp.is_loading(text)) and jsapp.needs_browser(text):
            return True
        dead_end_seed = bool(response.meta.get("seed_page") and not found)
        return (dead_end_seed or (in_column and jsapp.has_empty_list(text))) and jsapp.runs_own_script(text, response.url)

    def _parse_article(self, response):
        if response.status == 304:  # unchanged since the archive's capture: its links are those of our copy
            yield self._report_item(response)
            yield from self._archived_attachments(response)
            return
        if not _is_page(response):  # a report link that answers with the document itself
            yield self._report_item(response)
            return
        links = self._links(response) if isinstance(response, TextResponse) else []
        book = discovery.book_first_page(links, response.url)
        short = isinstance(response, TextResponse) and self._own_text_chars(response) < MIN_REPORT_TEXT
        if book or short:
            # the report's text is elsewhere: a flip-book's pages (its script-built viewer is
            # no page to render), or a full-text page linked as 点击阅读 / 阅读全文
            targets = [book] if book else [link.url for link in discovery.read_on_links(links, response.url)]
            for url in targets:
                yield self._request(url, response.meta["seed"], "article", response, page_url=response.url)
            if book and short:
                return
        if isinstance(response, TextResponse) and self._may_render(response) and jsapp.needs_browser(response.text):
            yield self._through_browser(response)
            return
        if isinstance(response, TextResponse) and self._is_column_not_article(response):
            # a per-year column linked by a report's title (2024年政府信息公开工作年度报告 →
            # ./2024n/): read it as the list it is
            response.meta["role"] = "list"
            yield from self.parse(response)
            return
        parts = discovery.continuation_pages(links, response.url, response.text) if isinstance(response, TextResponse) else []
        if parts:  # the article goes on over further pages: read them all, then the report is whole
            yield self._part_request(response, parts, [response.body], [response.url], [])
        else:
            yield self._report_item(response)
        files = discovery.report_attachments(links) + discovery.titled_downloads(links, organ_names(response.meta["seed"]), response.url)
        for link in files:
            yield self._request(link.url, response.meta["seed"], "attachment", response, page_url=response.url)

    # --- articles over several pages ----------------------------------------------------------

    def _part_request(self, response, remaining: list[str], bodies: list[bytes], read: list[str], missing: list[dict]):
        """The next page of an article split over several, carrying the pages read so far
        (bytes and the first page's headers only: a request may wait in the job's disk
        queue), their URLs, and the pages that could not be read."""
        first = response.meta.get("part_of") or {
            "url": response.url, "status": response.status, "page_url": response.meta.get("page_url"),
            "headers": {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}}
        request = self._request(remaining[0], response.meta["seed"], "article", response)
        # never dropped as a duplicate (the chain, bounded by parts_seen, would end unseen)
        return request.replace(callback=self.parse_part, errback=self.on_part_error, dont_filter=True,
                               meta={**request.meta, "part_of": first, "parts_read": bodies, "parts_left": remaining[1:],
                                     "parts_seen": [*read, remaining[0]], "parts_missing": missing})

    def parse_part(self, response):
        """A further page of an article: the next one is asked for, or the report is whole."""
        try:
            meta = response.meta
            bodies = [*meta["parts_read"], response.body]
            links = self._links(response) if isinstance(response, TextResponse) else []
            text = response.text if isinstance(response, TextResponse) else None
            # a page may announce pages the first did not (a flip-book links only its next
            # page, a 下一页 button leads one page on): the chain grows as it is read
            seen = meta["parts_seen"]
            left = meta["parts_left"] + [url for url in discovery.continuation_pages(links, response.url, text,
                                                                                      first=meta["part_of"]["url"])
                                         if url not in meta["parts_left"] and url not in seen]
            yield from self._next_part_or_whole(response, left, bodies, seen, meta["parts_missing"])
            for link in discovery.report_attachments(links):
                yield self._request(link.url, meta["seed"], "attachment", response, page_url=meta["part_of"]["url"])
        finally:
            site_stats_for(self.crawler).settled(seed_of(response.request))

    def on_part_error(self, failure):
        """A page of an article could not be read: the error is counted against the site, as
        any other, the article's other pages are still read, and the report is what they
        hold, marked as missing this page (never whole)."""
        yield from self.on_error(failure)
        request = failure.request
        meta = request.meta
        missing = [*meta["parts_missing"], {"url": request.url, "reason": error_reason(failure) or "not read"}]
        page = HtmlResponse(request.url, body=b"", request=request)
        yield from self._next_part_or_whole(page, meta["parts_left"], meta["parts_read"], meta["parts_seen"], missing)

    def _next_part_or_whole(self, response, left: list[str], bodies: list[bytes], seen: list[str], missing: list[dict]):
        if left and len(seen) < discovery.MAX_ARTICLE_PAGES:
            yield self._part_request(response, left, bodies, seen, missing)
            return
        if left:  # more pages than an article has: a trap, or a report too long to read whole
            missing = [*missing, *({"url": url, "reason": f"over {discovery.MAX_ARTICLE_PAGES} pages"} for url in left)]
        yield self._whole_article(response.meta, bodies, missing)

    def _whole_article(self, meta, bodies: list[bytes], missing: list[dict]) -> ReportItem:
        """One report item of an article's pages, their bodies one after another in the first
        page's document (its head, so its metadata, kept). No validators: the first page
        answering 304 says nothing of the others. Pages that could not be read go with it
        (`missing_parts`): the report is partial."""
        first = meta["part_of"]
        request = scrapy.Request(first["url"], meta={"seed": meta["seed"], "role": "article",
                                                      "page_url": first.get("page_url"), "whole_article": True})
        pages = [HtmlResponse(first["url"], body=body, headers=first["headers"], request=request) for body in bodies]
        html = combine_pages([page.text for page in pages])
        headers = {**first["headers"], "Content-Type": "text/html; charset=utf-8"}
        item = self._report_item(HtmlResponse(first["url"], status=first["status"], body=html.encode("utf-8"),
                                              headers=headers, request=request))
        item["article_pages"] = len(bodies) + len(missing)
        if missing:
            item["missing_parts"] = missing
        return item

    def _archived_attachments(self, response):
        """Requests for the attachments of the archive's copy of an unchanged article.

        The page is not downloaded again, but its attachments must still be asked for:
        each is a report (or its copy) whose own changes, or removal, tonight's crawl
        must see, and a crawl resumed after a kill may not have fetched them yet.
        """
        archive = getattr(self.crawler, "nianbao_archive", None)
        held = archive.last_body(response.url) if archive is not None else None
        if held is None:
            return
        body, content_type = held
        page = HtmlResponse(response.url, body=body, headers={"Content-Type": content_type or "text/html"},
                            request=response.request)
        links = self._links(page)
        for link in discovery.report_attachments(links) + discovery.titled_downloads(links, organ_names(response.meta["seed"]), page.url):
            yield self._request(link.url, response.meta["seed"], "attachment", page, page_url=response.url)

    def _follow(self, link: Link, response, in_column: bool):
        """The request a link deserves from this page, or None."""
        seed, role = response.meta["seed"], response.meta["role"]
        organ = organ_names(seed)
        if response.meta.get("platform") and discovery.same_site(response.url, response.meta["platform"]):
            return self._follow_on_platform(link, response, in_column)
        if role in ("home", "nav") and not response.meta.get("platform") and not self._on_site(link.url, response) \
                and discovery.is_platform_link(link, response.url):
            return self._platform_request(link, response)
        if discovery.is_report_title(link.text, in_report_column=in_column) \
                and discovery.names_this_organ(link.text, organ):
            if discovery.is_attachment_url(link.url, link.text):
                return self._request(link.url, seed, "attachment", response, page_url=response.url)
            if discovery.is_page_url(link.url):
                return self._request(link.url, seed, "article", response)
            return None
        if not discovery.is_page_url(link.url) or not self._on_site(link.url, response):
            return None
        if discovery.is_other_organ_link(link, organ):
            return None  # another department's pages on the portal: its reports are not ours
        if discovery.is_report_column(link):
            return self._request(link.url, seed, "list", response, report_column=True)  # a quiet night's start (crawler.revisit)
        if in_column and (discovery.is_pagination(link, response.url) or discovery.is_year_subcolumn(link, response.url)
                          or discovery.is_subcolumn(link, response.url)):
            return self._request(link.url, seed, "list", response)
        nav_depth = response.meta.get("nav_depth", 0)
        if role in ("home", "nav") and nav_depth < MAX_NAV_DEPTH \
                and (discovery.is_disclosure_section(link) or discovery.is_organ_link(link, organ)):
            return self._request(link.url, seed, "nav", response, nav_depth=nav_depth + 1)
        return None

    def _platform_request(self, link: Link, response):
        """The disclosure platform of the county or city, on another host, that the
        bureau's 政府信息公开 link leads to: read for this organ's reports only
        (`_follow_on_platform`); its host is allowed for this chain of requests alone."""
        platform = discovery.origin(link.url)
        site_stats_for(self.crawler).platform(response.meta["seed"], platform)
        request = self._request(link.url, response.meta["seed"], "nav", response,
                                nav_depth=response.meta.get("nav_depth", 0) + 1, platform=platform)
        origins = sorted({*request.meta.get("also_allowed_origins", ()), platform})
        return request.replace(meta={**request.meta, "also_allowed_origins": origins})

    def _follow_on_platform(self, link: Link, response, in_column: bool):
        """A link on a disclosure platform of many organs: the way to this organ's pages (its
        name in the platform's department list) and their reports, and the reports that
        name this organ in the platform's shared columns. Nothing else of the platform:
        not its other departments, not its news, not the reports that name no organ outside
        this organ's own pages (the platform's owner's)."""
        meta = response.meta
        seed, organ = meta["seed"], organ_names(meta["seed"])
        own = bool(meta.get("platform_organ"))  # on this organ's own pages of the platform
        if discovery.is_report_title(link.text, in_report_column=in_column) and discovery.names_this_organ(link.text, organ) \
                and (own or any(form in link.text for form in discovery.organ_forms(organ))):
            if discovery.is_attachment_url(link.url, link.text):
                return self._request(link.url, seed, "attachment", response, page_url=response.url)
            return self._request(link.url, seed, "article", response) if discovery.is_page_url(link.url) else None
        if not discovery.same_site(link.url, meta["platform"]) or not discovery.is_page_url(link.url):
            return None
        if discovery.is_other_organ_link(link, organ):
            return None
        nav_depth = meta.get("nav_depth", 0)
        if not own and discovery.is_organ_link(link, organ):
            return self._request(link.url, seed, "nav", response, nav_depth=nav_depth, platform_organ=link.url)
        if discovery.is_report_column(link):
            return self._request(link.url, seed, "list", response)
        if in_column and (discovery.is_pagination(link, response.url) or discovery.is_year_subcolumn(link, response.url)
                          or discovery.is_subcolumn(link, response.url)):
            return self._request(link.url, seed, "list", response)
        # the way to the department list, by its words (部门信息公开), not every column of the
        # platform's /xxgk/; on the organ's own pages, its sections below its page
        if meta["role"] == "nav" and nav_depth < MAX_NAV_DEPTH and (
                discovery.is_disclosure_section(link) and discovery.is_below(link.url, meta["platform_organ"]) if own
                else discovery.names_disclosure(link)):
            return self._request(link.url, seed, "nav", response, nav_depth=nav_depth + 1)
        return None

    def _embedded(self, link: Link, response, in_column: bool, framed: bool):
        """An <iframe>'s page is part of the page around it (an older CMS shows the report
        column's list in a frame): it is read in the same role, at the same depth. On the
        seed page, only a frame that looks like the disclosure section or the column is,
        unless the page is a frameset (`framed`: next to no links of its own)."""
        seed, role = response.meta["seed"], response.meta["role"]
        if not self._on_site(link.url, response) or not discovery.is_page_url(link.url):
            return None
        if in_column:
            return self._request(link.url, seed, "list", response)
        if role == "nav" or (role == "home" and (framed or discovery.is_report_column(link)
                                                 or discovery.is_disclosure_section(link))):
            return self._request(link.url, seed, role, response, nav_depth=response.meta.get("nav_depth", 0))
        return None

    def _cms_pages(self, response, role: str):
        """Further list pages only a CMS's script knows: TRS createPageHTML, Hanweb dataproxy,
        a JSP/ASP portal's page form (crawler.cms.pageforms)."""
        seed = response.meta["seed"]
        text = response.text
        for url in trs.list_page_urls(text, response.url):
            yield self._request(url, seed, role, response)
        if role == "list":  # a column's page form (转到第 N 页, a 下一页 button): not a search box
            for method, url, fields in pageforms.page_requests(text, response.url):
                request = self._request(url, seed, role, response)
                if method == "POST":
                    request = scrapy.FormRequest(url, formdata=fields, callback=self.parse, errback=self.on_error,
                                                 priority=PRIORITY["list"], meta=request.meta)
                yield request
        paging = hanweb.paging(text, response.url)
        if paging is None:
            return
        if response.meta.get("hanweb_proxy"):
            if paging.total is not None or paging.shown < paging.perpage:
                return  # all ranges were asked for at once, or this was the last one
            paging.shown = response.meta["hanweb_next_start"] - 1
        for url, form in hanweb.next_page_requests(paging):
            request = scrapy.FormRequest(
                url, formdata=form, callback=self.parse, errback=self.on_error,
                priority=PRIORITY["list"],
                meta={"seed": seed, "role": role, "hanweb_proxy": True,
                      "hanweb_next_start": int(url.split("endrecord=")[1].split("&")[0]) + 1},
            )
            yield request

    # --- helpers -------------------------------------------------------------------------------

    def _links(self, response) -> list[Link]:
        """Every anchor of the page, plus those inside Hanweb's `<datastore>` records."""
        selector = response.selector  # parsed once for the spider's other questions too
        return discovery.links_in(response.text, response.url, root=selector.root if selector.type == "html" else None,
                                  templates=self._script_templates.get(discovery.site_key(response.url)))

    # --- links written as calls to the site's script functions --------------------------------

    def _script_files(self, response):
        """The site's own script files, when this page lists a report of the organ as a call
        to a function none of its inline scripts defines (`openArticle('2371')`): the
        function, and so the link, is in one of them (crawler.cms.scriptcalls). Each file is
        read once a crawl; the page is read again once it has come."""
        site = discovery.site_key(response.url)
        known = self._script_templates.get(site, {})
        organ = organ_names(response.meta["seed"])
        missing = False
        for anchor in response.xpath("//*[@onclick or (self::a and starts-with(normalize-space(@href), 'javascript'))]"):
            made = scriptcalls.call(f"{anchor.attrib.get('href', '')} {anchor.attrib.get('onclick', '')}")
            text = discovery.link_title(" ".join(anchor.xpath(".//text()").getall()), anchor.attrib.get("title"))
            if made and made[0] not in known and discovery.is_report_title(text, in_report_column=True) \
                    and discovery.names_this_organ(text, organ):
                missing = True
                break
        if not missing:
            return
        listing = {"url": response.url, "body": response.body,
                   "headers": {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}}
        sources = [response.urljoin(src) for src in response.xpath("//script/@src").getall()]
        for url in [u for u in dict.fromkeys(sources) if discovery.same_site(u, response.url)
                    and not scriptcalls.LIBRARY.search(u.rsplit("/", 1)[-1])][:MAX_SCRIPT_FILES]:
            if url in self._scripts_read:
                continue
            self._scripts_read.add(url)
            request = self._request(url, response.meta["seed"], "list", response)
            yield request.replace(callback=self.parse_script, meta={**request.meta, "listing": listing})

    def parse_script(self, response):
        """A script file of the site: its URL templates learnt, the page that needed them read again."""
        try:
            script = response.body.decode(getattr(response, "encoding", None) or "utf-8", errors="replace")
            site = discovery.site_key(response.url)
            self._script_templates.setdefault(site, {}).update(scriptcalls.templates(script))
            listing = response.meta["listing"]
            meta = {key: response.meta[key] for key in OWN_META if key in response.meta}
            page = HtmlResponse(listing["url"], body=listing["body"], headers=listing["headers"],
                                request=scrapy.Request(listing["url"], meta=meta))
            yield from self._parse_listing(page)
        finally:
            site_stats_for(self.crawler).settled(seed_of(response.request))

    def _routes(self, response):
        """On a page the browser built, the report column as one of its script's routes
        (`<a href="#2453">政府信息公开年报</a>` in a gkmlpt catalogue tree), or a report
        (`<a href="#/detail/12">…年度报告</a>` in a hash-routed app): the same page rendered
        again at that route. The plain fetch ignores fragments, so only the browser can
        read it; each route is rendered once a crawl."""
        if not response.meta.get("playwright") or not isinstance(response, TextResponse):
            return
        page = urldefrag(response.url)[0]
        for anchor in response.xpath("//a[starts-with(@href, '#') and string-length(@href) > 1]"):
            href = anchor.attrib["href"]
            text = discovery.clean_title(" ".join(anchor.xpath(".//text()").getall()))
            route = page + href
            if route in self._rendered_routes:
                continue
            if discovery.is_report_column(Link(route, text)):
                role = "list"
            elif discovery.is_report_title(text, in_report_column=response.meta.get("role") == "list") \
                    and discovery.names_this_organ(text, organ_names(response.meta["seed"])):
                role = "article"  # a report of a hash-routed app (#/detail/12): built by the script too
            else:
                continue
            self._rendered_routes.add(route)
            request = self._request(route, response.meta["seed"], role, response)
            yield request.replace(meta={**request.meta, **browser_meta(paged=role == "list"),
                                        "browser_attempts": BROWSER_ATTEMPTS - 1},
                                  dont_filter=True)

    def _is_column_not_article(self, response) -> bool:
        """A page reached as a report whose URL is a column's and whose text, links aside,
        is too short for a report, with no attachment to hold one: a column of links."""
        if not discovery.is_column_url(response.url) or self._own_text_chars(response) >= MIN_REPORT_TEXT:
            return False
        return not discovery.report_attachments(self._links(response))

    @staticmethod
    def _own_text_chars(response) -> int:
        """Characters of the page's text outside links, scripts and styles (whitespace aside)."""
        own = "".join(response.xpath("//body//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)]").getall())
        return len("".join(own.split()))

    def _is_own_report(self, response) -> bool:
        """Whether the page's own title, or its heading, is a yearly report that names this
        seed's organ. A report module's page may be titled only 政府信息公开年报 and name the
        organ and year in the heading above the report (<h1>…</h1>, a title class)."""
        organ = organ_names(response.meta["seed"])
        titles = [response.xpath("//meta[@name='ArticleTitle']/@content").get(), response.xpath("//title/text()").get()]
        titles += response.xpath("(//h1|//h2|//h3|//*[contains(@class, 'title')])[position() <= 8]"
                                 "[not(.//a)]/descendant-or-self::text()").getall()
        for title in (discovery.clean_title(t) for t in titles if t):
            if discovery.is_report_title(title) and discovery.names_this_organ(title, organ) \
                    and any(form in title for form in discovery.organ_forms(organ)):
                return True
        return False

    def _is_column_page(self, response) -> bool:
        """Whether this page is itself an annual-report column (a portal seed often is)."""
        name = " ".join(filter(None, [
            response.xpath("//meta[@name='ColumnName']/@content").get(),
            response.xpath("//title/text()").get(),
        ]))
        return discovery.is_report_column(Link(response.url, discovery.clean_title(name)[:12])) \
            or discovery.is_report_column_url(response.url)

    def _request(self, url, seed, role, response=None, **meta):
        callback = {"article": self.parse_article, "attachment": self.parse_attachment}.get(role, self.parse)
        inherited = {key: response.meta[key] for key in ("platform", "platform_organ")
                     if response is not None and key in response.meta}
        meta = {"seed": seed, "role": role, **inherited, **meta}
        moved = sorted(self._site_origins(response) - {discovery.origin(seed["url"])}) if response is not None else []
        if moved:
            meta["also_allowed_origins"] = moved
        if role == "attachment":
            meta["attachment"] = True
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta,
                              priority=PRIORITY[role])

    def _site_origins(self, response) -> set[str]:
        """The origins the seed's site lives on: the seed URL's and, when the seed page
        redirected elsewhere (http → https, a bureau domain folded into the county portal),
        where it went. Carried in each request's meta, so any process can judge a link."""
        meta = response.meta
        origins = {discovery.origin(meta["seed"]["url"]), *meta.get("also_allowed_origins", ())}
        if meta.get("seed_page") and discovery.origin(response.url) not in origins:
            self.logger.info("%s: the seed %s moved to %s", meta["seed"]["name"], meta["seed"]["url"], response.url)
            origins.add(discovery.origin(response.url))
            meta["also_allowed_origins"] = sorted(origins - {discovery.origin(meta["seed"]["url"])})
        return origins

    def _on_site(self, url: str, response) -> bool:
        return any(discovery.same_site(url, site) for site in self._site_origins(response))

    def _may_render(self, response) -> bool:
        return response.meta.get("browser_attempts", 0) < BROWSER_ATTEMPTS

    def _through_browser(self, response, paged: bool = False):
        """The same request again, rendered by chromium (scrapy-playwright); a list's further
        parts shown and read too (`paged`)."""
        request = response.request
        seed = request.meta["seed"]
        shell = shell_key(seed["url"], request.url)
        self.shells[shell] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        site_stats_for(self.crawler).learned_shell(seed, shell[1], self.shells[shell])
        own = {key: request.meta[key] for key in OWN_META if key in request.meta}
        own["browser_attempts"] = request.meta.get("browser_attempts", 0) + 1
        return request.replace(meta={**own, **browser_meta(paged=paged)}, dont_filter=True)

    def _report_item(self, response) -> ReportItem:
        seed = response.meta["seed"]
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        body = response.body if response.status != 304 else None
        # A page built by the browser: the ETag/Last-Modified are those of the empty shell,
        # which stays the same when the content the script loads changes. Not kept as
        # validators, so the next night reads the page again instead of trusting a 304.
        built = bool(response.meta.get("playwright") or response.meta.get("whole_article"))
        unchanged = None
        if response.status == 304:
            unchanged = "revisit" if "revisit" in response.flags else "not modified"
        return ReportItem(
            seed_name=seed["name"], seed_url=seed["url"],
            url=response.url, page_url=response.meta.get("page_url", response.url),
            fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            status=response.status,
            content_type=headers.get("Content-Type"),
            headers=headers,
            etag=None if built else headers.get("Etag") or headers.get("ETag"),
            last_modified=None if built else headers.get("Last-Modified"),
            body=body,
            sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
            unchanged=unchanged,
        )


def seed_meta_of(seed: Seed) -> dict:
    """What requests carry of their seed: its name and URL, and its former names if any."""
    aliases = [a.strip() for a in re.split(r"[;；|、]", (seed.extra or {}).get("aliases", "")) if a.strip()]
    return {"name": seed.name, "url": seed.url, **({"aliases": aliases} if aliases else {})}


def organ_names(seed: dict) -> list[str]:
    """The names a seed's reports may give their organ: its own, and the former names a
    seed list gives in an `aliases` column (机构改革: 某县民政和人力资源社会保障局 before 2019)."""
    return [seed["name"], *seed.get("aliases", ())]


def _is_page(response) -> bool:
    """Whether a response is a page to read links from, not a document (Scrapy makes a
    TextResponse of a PDF too: its bytes say what it is)."""
    from extractors.sniff import sniff

    if not isinstance(response, TextResponse):
        return False
    return sniff(response.body[:2048], response.headers.get("Content-Type", b"").decode("latin-1"), response.url) \
        in ("html", "text")


def combine_pages(pages: list[str]) -> str:
    """The HTML of an article's pages as one document: the first page, with the body of each
    further page appended to its body, declared as UTF-8 (what it is re-encoded to)."""
    import lxml.html

    document = lxml.html.document_fromstring(pages[0])
    for meta in document.xpath("//meta[@charset or translate(@http-equiv, 'CONTENT-TYPE', 'content-type') = 'content-type']"):
        meta.getparent().remove(meta)
    head = document.find("head")
    if head is None:
        head = lxml.html.Element("head")
        document.insert(0, head)
    head.insert(0, lxml.html.Element("meta", charset="utf-8"))
    body = document.find("body")
    for page in pages[1:]:
        part = lxml.html.document_fromstring(page).find("body")
        if part is not None and body is not None:
            section = lxml.html.Element("div", {"class": "article-page"})
            section.extend(list(part))
            body.append(section)
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def error_reason(failure) -> str | None:
    """A short, countable reason for a failed request; None for what is no error (scope)."""
    exc = failure.value
    if failure.check(HttpError):
        return f"http {exc.response.status}"
    if failure.check(IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message:
            return "robots.txt"
        if message.startswith("blocked"):
            return message.split(" at ")[0]
        if message.startswith(("limit", "trap", "private address", "redirect loop")):
            return message.split(":")[0]
        if message.startswith("max redirections"):  # Scrapy's own: more than REDIRECT_MAX_TIMES
            return "redirect loop"
        if message.startswith("off-site"):
            return None
        return "ignored"
    names = _exception_names(exc)
    if names & {"ResponseDataLossError", "_DataLoss", "PotentialDataLoss"}:
        return "truncated body"  # the connection closed before Content-Length bytes came
    if any("Timeout" in name for name in names):
        return "timeout"
    if any("DNS" in name or "CannotResolveHost" in name for name in names):
        return "dns"
    if any("Refused" in name for name in names):
        return "connection refused"
    if names & {"DownloadCancelledError", "CancelledError"}:
        return "too large"  # the downloader cancels a body only when it outgrows DOWNLOAD_MAXSIZE
    if names & {"ConnectionLost", "ConnectionResetError", "ConnectionAborted"}:
        return "connection reset"
    if "ConnectionDone" in names:
        return "connection closed"  # closed cleanly, but before a whole answer
    return type(exc).__name__


def _exception_names(exc, depth: int = 0) -> set[str]:
    """Names of an exception and of what it wraps: Scrapy's DownloadFailedError has the
    Twisted error as its cause, Twisted's ResponseFailed lists its reasons."""
    if exc is None or depth > 5:
        return set()
    names = {type(exc).__name__}
    names |= _exception_names(exc.__cause__, depth + 1)
    for reason in getattr(exc, "reasons", None) or ():
        names |= _exception_names(getattr(reason, "value", reason), depth + 1)
    return names
