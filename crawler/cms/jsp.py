"""Legacy JSP/ASP portals: session ids in URLs.

Such servers append `;jsessionid=…` (or a `sid=` query) to every link they write for a
client without cookies, so each visit mints new URLs for the same pages and a crawl never
runs out of "new" links. Stripping them makes the duplicate filter see one page.
"""
from __future__ import annotations

import re

_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|aspsessionid[a-z]*)=[^?#/]*", re.I)
_QUERY_SESSION = re.compile(r"(?:^|&)(?:jsessionid|phpsessid|sid|sessionid|aspsessionid[a-z]*)=[^&]*", re.I)


def strip_session_id(url: str) -> str:
    """The URL without `;jsessionid=…` in its path or session parameters in its query."""
    url = _PATH_SESSION.sub("", url)
    if "?" not in url:
        return url
    head, _, query = url.partition("?")
    query = _QUERY_SESSION.sub("", query).lstrip("&")
    return f"{head}?{query}" if query else head
