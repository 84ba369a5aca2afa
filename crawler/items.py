"""What a crawl hands to the pipelines and the archive.

One `ReportItem` per fetched report document (an article page or an attachment). The
spider fills the transport fields; the extraction pipeline fills `record`, `text`,
`published` and `contacts` from the raw bytes with `extractors.extract`; the archive
stores it. The archive's writer accepts the same fields as a plain dict, so tests and
`nianbao store` need no Scrapy.
"""
import scrapy


class ReportItem(scrapy.Item):
    # the seed entry this report belongs to
    seed_name = scrapy.Field()      # e.g. "鞍山市民政局" (becomes record["organ"])
    seed_url = scrapy.Field()
    # where the report's content is (article page, or the attachment for attachment-only reports)
    url = scrapy.Field()
    page_url = scrapy.Field()       # the article page that linked the attachment (== url for pages)
    # the capture
    fetched_at = scrapy.Field()     # ISO 8601 UTC, e.g. "2026-11-23T10:31:02Z"
    status = scrapy.Field()         # HTTP status
    content_type = scrapy.Field()
    headers = scrapy.Field()        # dict of response headers (str -> str)
    etag = scrapy.Field()
    last_modified = scrapy.Field()
    body = scrapy.Field()           # raw bytes as served
    sha256 = scrapy.Field()         # hex sha256 of body
    # why the archive's copy is still current and nothing is read again (None: read it):
    # "not modified" (a 304), "same bytes" (sha256 of the last capture), "revisit" (not
    # fetched: a copy without validators younger than NIANBAO_REVISIT_DAYS)
    unchanged = scrapy.Field()
    # why a fetched document is kept as a capture only (not a report, a copy of the page …):
    # its validators then let the next night ask for it conditionally
    verdict = scrapy.Field()
    # an article split over several pages: how many it announced, and those that could not
    # be read ([{"url", "reason"}]): the report is then partial, never taken for whole
    article_pages = scrapy.Field()
    missing_parts = scrapy.Field()
    # what extraction made of it
    record = scrapy.Field()         # the report record (spec format, plus extra fields)
    text = scrapy.Field()           # cleaned article text
    published = scrapy.Field()      # "YYYY-MM-DD" or None
    contacts = scrapy.Field()       # {"phone": [...], "email": [...], "address": [...], "postcode": [...]}


class GoneItem(scrapy.Item):
    """A report URL that now answers 404/410: the archive marks its report gone.

    Emitted by the spider's errback for article and attachment requests only (a missing
    list page says nothing about a report).
    """
    seed_name = scrapy.Field()
    seed_url = scrapy.Field()
    url = scrapy.Field()
    reason = scrapy.Field()         # e.g. "http_404"
