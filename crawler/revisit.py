"""How often a report already in the archive is downloaded again (NIANBAO_REVISIT_DAYS).

Every night reads every list page: that is where new reports appear. A report article
or attachment the archive already holds is different: it rarely changes, and asking for
it again costs its server a whole download. So:

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

from scrapy.http import Response

REVISIT_FLAG = "revisit"


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
