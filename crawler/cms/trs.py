"""TRS WCM: lists paged by the script call `createPageHTML(pages, current, "index", "html")`.

A TRS column publishes index.html, index_1.html, … index_{pages-1}.html, but writes no
`<a>` to the further pages: a script builds the pager in the browser. Reading the call's
arguments gives every page without running it. Variants seen on real sites put a
container id first (`createPageHTML('page_div', 7, 1, 'index', 'html', 105)`) or pass
variables (`createPageHTML(countPage, currentPage, …)`), which are looked up in the page.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_STRING = re.compile(r"^['\"](.*)['\"]$")

MAX_PAGES = 200  # a column with more pages than this is a trap, not a list


def list_page_urls(html: str, page_url: str) -> list[str]:
    """The other pages of a TRS list, from its `createPageHTML` call; [] if there is none."""
    for call in _CALL.finditer(html):
        if re.search(r"function\s*$", html[max(0, call.start() - 12):call.start()]):
            continue  # the pager's own definition, not a call
        pages = _call_pages(call.group(1), html, page_url)
        if pages:
            return pages
    return []


def article_page_urls(html: str, article_url: str) -> list[tuple[int, str]]:
    """The further pages of an article TRS split over several, as (part number, URL): its
    `createPageHTML(3, 0, "t20250115_3101", "html")` names the article's own file stem
    (a list's call names "index"), and part n is t20250115_3101_n.html."""
    name = article_url.split("?", 1)[0].rsplit("/", 1)[-1]
    stem, _, extension = name.rpartition(".")
    stem = re.sub(r"_\d{1,2}$", "", stem)
    for call in _CALL.finditer(html):
        if re.search(r"function\s*$", html[max(0, call.start() - 12):call.start()]):
            continue
        strings = [m.group(1) for a in call.group(1).split(",") for m in [_STRING.match(a.strip())] if m]
        if len(strings) < 2 or strings[-2] != stem or strings[-1] != extension:
            continue
        pages = _call_pages(call.group(1), html, article_url)
        return [(n, url) for n, url in enumerate(pages) if n > 0]
    return []


def _call_pages(arguments: str, html: str, page_url: str) -> list[str]:
    numbers, strings = [], []
    for arg in (a.strip() for a in arguments.split(",")):
        quoted = _STRING.match(arg)
        if quoted:
            strings.append(quoted.group(1))
        elif arg.isdigit():
            numbers.append(int(arg))
        elif re.fullmatch(r"[A-Za-z_$][\w$]*", arg):
            value = re.search(rf"\b{re.escape(arg)}\s*=\s*['\"]?(\d+)", html)
            if value:
                numbers.append(int(value.group(1)))
    if not numbers:
        return []
    pages = min(numbers[0], MAX_PAGES)
    prefix, ext = (strings[-2], strings[-1]) if len(strings) >= 2 else ("index", "html")
    names = [f"{prefix}.{ext}"] + [f"{prefix}_{n}.{ext}" for n in range(1, pages)]
    return [urljoin(page_url, name) for name in names]


def is_article_url(url: str) -> bool:
    """TRS article URLs: …/202501/t20250113_3460884.html (or .shtml/.htm)."""
    return bool(re.search(r"/t\d{8}_\d+\.s?html?$", url))
