"""Scrapy's feed exports (`scrapy crawl reports -O out.jsonl`) as report records.

A crawled item carries the raw bytes it was read from, for the archive; a feed export of it
would be bytes a JSON exporter cannot write. The JSON Lines exporter here writes what
`nianbao crawl --jsonl` writes for each report (pipelines.jsonl_row): the spec record first,
then where and when it was fetched. Items that are no report (a URL gone) are left out.
"""
from __future__ import annotations

from scrapy.exporters import JsonLinesItemExporter

from crawler.items import ReportItem
from crawler.pipelines import jsonl_row


class ReportRecordExporter(JsonLinesItemExporter):
    def export_item(self, item):
        if not isinstance(item, ReportItem) or not item.get("record"):
            return
        super().export_item(jsonl_row(item))
