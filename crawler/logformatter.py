"""How the crawl's routine events are logged.

Scrapy logs a dropped item at WARNING with the whole item, which for us includes the raw
bytes of a PDF. A drop here is routine (a page that is no report, the PDF copy of a
report already kept): one line with the reason, at the level the pipeline chose.
"""
import logging

from scrapy.logformatter import LogFormatter


class CrawlLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        level = getattr(exception, "log_level", None) or "INFO"
        return {
            "level": getattr(logging, str(level).upper(), logging.INFO),
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }

    def item_error(self, item, exception, response, spider=None):
        entry = super().item_error(item, exception, response, spider)
        entry["msg"] = "Error processing %(url)s"
        entry["args"] = {"url": (item or {}).get("url")}
        return entry
