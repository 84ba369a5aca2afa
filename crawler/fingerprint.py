"""Request fingerprints per seed: each seed walks its own pages, shared or not.

Scrapy filters a request whose fingerprint it has seen, whatever asked for it. On a county
portal the departments' seeds meet: the 部门信息公开年报 column that lists every office's
reports is reached from each of them, and the second seed to get there found it "seen"
and came back with nothing (a blind test: two bureaus crawled together, the second 0
reports where alone it found 5). The seed's name is part of the fingerprint, so a page is
fetched once per seed that reaches it: a shared column costs its server one request per
department a night (a 304 on a quiet night) in exchange for none of them losing it.
"""
from __future__ import annotations

import hashlib

from scrapy.utils.request import RequestFingerprinter


class SeedRequestFingerprinter:
    """Scrapy's fingerprint of the request, salted with the name of the seed it belongs to."""

    def __init__(self, crawler=None):
        self._scrapy = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request) -> bytes:
        plain = self._scrapy.fingerprint(request)
        seed = request.meta.get("seed")
        if not seed:
            return plain
        return hashlib.sha1(plain + seed["name"].encode("utf-8")).digest()
