"""Hanweb (大汉) JCMS: lists kept in a `<datastore>` XML block and paged by a POST proxy.

A Hanweb column page (/col/col123/index.html) carries its first records inside
`<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a …>]]></record>…`,
which an HTML parser sees as script text, not links. Further records come only from
`POST /module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=` with the column
id in the form, answered with the same XML. Articles live at /art/2025/1/17/art_123_456.html.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

_RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup[^>]*>\s*<!\[CDATA\[(.*?)\]\]>", re.S | re.I)
_TOTAL = re.compile(r"(?:<totalrecord>\s*(\d+)|totalRecord\s*[:=]\s*['\"]?(\d+)|totalrecord\s*[:=]\s*['\"]?(\d+))", re.I)
_PERPAGE = re.compile(r"(?:<perpage>\s*(\d+)|perPage\s*[:=]\s*['\"]?(\d+))", re.I)
_PROXY = re.compile(r"proxyUrl\s*[:=]\s*['\"]([^'\"]+)['\"]", re.I)
_AJAX_PARAM = re.compile(r"ajaxParam\s*:\s*\{([^}]*)\}", re.I)
_JS_PAIR = re.compile(r"([A-Za-z_]\w*)\s*:\s*(?:\"([^\"]*)\"|'([^']*)'|([\w.]+))")
_COLUMN_IN_URL = re.compile(r"/col/col(\d+)/")
_COLUMN_IN_TEXT = re.compile(r"columnid\s*[:=]\s*['\"]?(\d+)", re.I)

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
MAX_RECORDS = 3000  # a column listing more than this is a trap, not a list


@dataclass
class Paging:
    """What it takes to ask the proxy for more of a column's records."""

    proxy_url: str
    total: int | None
    perpage: int
    shown: int
    form: dict = field(default_factory=dict)


def has_datastore(text: str) -> bool:
    """Whether a page or proxy answer carries Hanweb's `<datastore>` records."""
    return "<datastore" in text.lower() or bool(_RECORD.search(text))


def record_fragments(text: str) -> list[str]:
    """The HTML of each `<record>` (usually one `<li><a href=…>title</a><span>date</span>`)."""
    return [m.group(1) for m in _RECORD.finditer(text)]


def paging(text: str, page_url: str) -> Paging | None:
    """How to fetch the rest of this column through the dataproxy, or None if not Hanweb-paged."""
    if not has_datastore(text):
        return None
    form: dict[str, str] = {}
    nextgroup = _NEXTGROUP.search(text)
    if nextgroup:
        href = re.search(r"href=['\"]([^'\"]+)['\"]", nextgroup.group(1))
        if href:
            form.update(parse_qsl(urlsplit(href.group(1).replace("&amp;", "&")).query))
    ajax = _AJAX_PARAM.search(text)
    if ajax:  # jpage({…, ajaxParam: {col:1, webid:21, columnid:4521, …}})
        for key, *values in _JS_PAIR.findall(ajax.group(1)):
            form[key] = next((v for v in values if v), "")
    column = _COLUMN_IN_URL.search(page_url) or _COLUMN_IN_TEXT.search(text)
    if column and "columnid" not in form:
        form["columnid"] = column.group(1)
    if "columnid" not in form:
        return None
    form.pop("page", None)
    form.setdefault("col", "1")
    form.setdefault("appid", "1")
    total = _first_int(_TOTAL.search(text))
    perpage = _first_int(_PERPAGE.search(text)) or 15
    proxy = _PROXY.search(text)
    proxy_url = urljoin(page_url, proxy.group(1) if proxy else DATAPROXY)
    return Paging(proxy_url=proxy_url, total=total, perpage=perpage, shown=len(record_fragments(text)), form=form)


def next_page_requests(p: Paging) -> list[tuple[str, dict]]:
    """(url, form) of every POST that fetches the records past the first page.

    With the total known, all ranges at once; without it, only the next range (the
    spider asks again after each full answer).
    """
    start = p.shown + 1
    last = min(p.total, MAX_RECORDS) if p.total is not None else start + p.perpage - 1
    requests = []
    while start <= last:
        end = min(start + p.perpage - 1, last)
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": p.perpage})
        requests.append((f"{p.proxy_url}?{query}", dict(p.form)))
        start = end + 1
    return requests


def is_article_url(url: str) -> bool:
    """Hanweb article URLs: /art/2025/1/17/art_123_456.html."""
    return bool(re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", url))


def _first_int(match: re.Match | None) -> int | None:
    if not match:
        return None
    return next(int(g) for g in match.groups() if g)
