"""AutoThrottle that lets a site's delay come down again on a night of 304s.

Scrapy's AutoThrottle only lowers a slot's delay on a 200: an error page is small and
quick, and letting it shorten the delay would speed a crawl up just as a server starts
failing. A 304 is no error but the answer a conditional request hopes for, and on a
quiet night it is most of what a site answers (every report asked with If-None-Match).
Counted as an error, one slow early answer pins the site's delay at its worst for the
rest of the night: on the local web, 209 ms between requests where 50 ms was allowed,
for every report of the site. Here a 304 adjusts the delay like a 200. The floor stays
DOWNLOAD_DELAY and the ceiling AUTOTHROTTLE_MAX_DELAY, so politeness is unchanged; a
site's robots.txt Crawl-delay (crawler.middlewares.set_crawl_delay) is a floor of its own.
"""
from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class ConditionalAutoThrottle(AutoThrottle):
    """AutoThrottle in which "304 Not Modified" counts as a successful answer."""

    def _adjust_delay(self, slot, latency, response):
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
        request = response.request
        key = request.meta.get("download_slot") if request is not None else None
        floor = getattr(self.crawler, "nianbao_crawl_delays", {}).get(key)
        if floor and slot.delay < floor:
            slot.delay = floor
