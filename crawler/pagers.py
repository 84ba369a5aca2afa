"""A column's other pages, from whichever pager it shows, read without running its scripts.

A column of a small site lists its documents over pages, and its pager takes one of a
few shapes: links (下一页, 2 3 4, 尾页), links and buttons that call a script
(`javascript:goPage(3)`, `onclick="goPage(3)"`) whose function builds the address or
submits the page form, a page form (跳转到第[ ]页, `crawler.cms.pageforms`), and a count
(共6页, 第1/6页, 尾页 on the last page's address), and TRS's `createPageHTML` call. Links alone lead one page on at a time
and stop at the first page nobody links; a total and the way pages are named give every
page at once. `column_pages` reads all of them and says how many pages the column has,
so a crawl can tell a column read to its end from one read in part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from parsel import Selector

from crawler import discovery
from crawler.cms import pageforms, trs

MAX_PAGES = pageforms.MAX_PAGES  # a column with more pages than this is a trap, not a list

# 共6页, 第3/6页, 3/6页, 页次：3/6, 当前第3页/共6页
_TOTAL = (re.compile(r"共\s*(\d{1,4})\s*页"), re.compile(r"(\d{1,4})\s*/\s*(\d{1,4})\s*页"),
          re.compile(r"页次\s*[:：]?\s*(\d{1,4})\s*/\s*(\d{1,4})"))
_CURRENT = (re.compile(r"第\s*(\d{1,4})\s*/\s*\d{1,4}\s*页"), re.compile(r"当前(?:第)?\s*(\d{1,4})\s*页"),
            re.compile(r"页次\s*[:：]?\s*(\d{1,4})\s*/"))
_LAST_TEXT = re.compile(r"^(?:尾页|末页|最后一页|最末页)$")
_NEXT_TEXT = re.compile(r"^(?:下一页|下页|后页|后一页)\s*[>›»]*$")
# 首页 and 上一页 lead back, to pages the walk came through (and 首页 is also the site's home)
_PAGER_TEXT = re.compile(r"^(?:下一页|下页|后页|后一页|尾页|末页|最后一页|最末页|\d{1,3}|[>›»]+)\s*[>›»]*$")
# a call of the pager's function with a page number: goPage(3), gotoPage('3'), toPage(3, 10)
_PAGE_CALL = re.compile(r"([A-Za-z_$][\w$]*)\s*\(\s*['\"]?(\d{1,4})['\"]?\s*[,)]")
# the number at the end of a page's address: index_3.html, list_4.shtml, ?pageNo=5
_NUMBERED = re.compile(r"^(.*?)(\d{1,4})(\D*)$")


@dataclass
class ColumnPages:
    """The requests for a column's other pages (method, url, form fields) and the number
    of pages it says it has (None: no pager says; the walk goes on page by page)."""
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    total: int | None = None
    current: int | None = None  # the page the pager says this is


def page_count(text: str) -> int | None:
    """The number of pages a column's pager prints: 共6页, 第3/6页, 页次：3/6."""
    for pattern in _TOTAL:
        found = pattern.search(text)
        if found:
            return int(found.groups()[-1])
    return None


def current_page(text: str) -> int | None:
    """The page a column's pager says it is on: 第3/6页, 当前第3页, 页次：3/6."""
    for pattern in _CURRENT:
        found = pattern.search(text)
        if found:
            return int(found.group(1))
    return None


def column_pages(html: str, page_url: str, templates: dict | None = None, first: int | None = None,
                 selector: Selector | None = None) -> ColumnPages:
    """Every other page of the column this page is one of, by any of its pagers.

    `templates`: URL templates of the site's script functions (`crawler.cms.scriptcalls`),
    for a pager function defined in one of its script files rather than on the page.
    `first`: the number of the column's page the walk read first, asked for no more (a
    pager's 1 is the column page it came from, under another address or form)."""
    sel = selector if selector is not None else Selector(text=html)  # the page parsed once, by the caller
    pager_text = " ".join(t.strip() for t in sel.xpath("//body//text()[not(ancestor::script)]").getall())
    total = page_count(pager_text)
    current = current_page(pager_text)
    skip = {current or (1 if first is None else 0), first or 0}
    anchors = [(text, url, call) for text, url, call in _pager_anchors(sel, page_url)
               if not (text.isdigit() and int(text) in skip) and not (call and call[1] in skip)]
    out: list[tuple[str, str, dict]] = []

    linked = [(text, url) for text, url, call in anchors if url]
    out += [("GET", url, {}) for _, url in linked]
    last_by_link = _series(linked, page_url, total, current)
    out += [("GET", url, {}) for url in last_by_link[0]]
    total = total or last_by_link[1]

    calls = [(text, call) for text, url, call in anchors if call]
    if calls:
        numbers = [n for _, (_, n) in calls]
        last = [n for text, (_, n) in calls if _LAST_TEXT.match(text)]
        total = total or (max(last) if last else None)
        wanted = range(2, min(total, MAX_PAGES) + 1) if total else sorted(set(numbers))
        name = calls[0][1][0]
        out += _called_pages(html, page_url, name, [n for n in wanted if n not in skip], templates or {}, sel)
        total = total or (max(numbers) if numbers else None)

    form = pageforms.page_form(html, page_url, sel=sel)
    if form is not None:  # 转到第[ ]页, a 下一页 button's hidden page number
        value = form[2][form[3]]
        if total:
            here = {current or (int(value) if value.isdigit() else 1), first or 0}
            out += _form_requests(form, [n for n in range(1, min(total, MAX_PAGES) + 1) if n not in here])
        elif value.isdigit():  # no count: the page the form itself submits, and on page by page
            out += _form_requests(form, [int(value)])
    scripted = trs.list_page_urls(html, page_url)  # TRS: createPageHTML(6, 0, "index", "html")
    out += [("GET", url, {}) for url in scripted]
    total = total or (len(scripted) or None)
    seen, unique = set(), []
    for method, url, fields in out:
        key = request_key(method, url, fields)
        if key not in seen and urlsplit(url).netloc == urlsplit(page_url).netloc:
            seen.add(key)
            unique.append((method, url, fields))
    return ColumnPages(unique, min(total, MAX_PAGES) if total else None, current)


def column_key(url: str) -> str:
    """The name a column goes by in the site's summary: its first page's address, a
    directory and its index page (/zwgk/ and /zwgk/index.html) being one."""
    return re.sub(r"(?<=/)(?:index|default)\.(?:s?html?|jsp|aspx?|php)(?=$|\?)", "", url, flags=re.I)


def request_key(method: str, url: str, fields: dict | bytes | None = None) -> str:
    """One page of a column, whether asked for by its address or by a form's fields."""
    if isinstance(fields, bytes):
        fields = fields.decode("latin-1")
    elif isinstance(fields, dict):
        fields = urlencode(sorted(fields.items()))
    url = column_key(url)
    return f"{url} {fields}" if method.upper() == "POST" and fields else url


def _pager_anchors(sel, page_url: str) -> list[tuple[str, str | None, tuple[str, int] | None]]:
    """(text, address or None, (function, page) or None) of the page's pager controls:
    anchors, buttons and list items worded as a pager's (下一页, 3, 尾页)."""
    found = []
    for element in sel.xpath("//a | //button | //input[@type='button'] | //li[@onclick] | //span[@onclick]"):
        text = re.sub(r"\s+", "", element.attrib.get("value", "") if element.root.tag == "input"
                      else " ".join(element.xpath(".//text()").getall()))
        if not _PAGER_TEXT.match(text or ""):
            continue
        href = (element.attrib.get("href") or "").strip()
        script = f"{href if href.lower().startswith('javascript') else ''} {element.attrib.get('onclick', '')}"
        call = _PAGE_CALL.search(script)
        if call and call.group(1) not in ("void", "alert", "open"):
            found.append((text, None, (call.group(1), int(call.group(2)))))
        elif href and not href.lower().startswith(("javascript", "#", "mailto")):
            url = discovery.canonical_url(href, page_url)  # no session id, no fragment
            # a list's page by its address or words, not a calendar's day (a trap) nor a year
            if url and discovery.is_pagination(discovery.Link(url, text), page_url):
                found.append((text, url, None))
    return found


def _series(linked: list[tuple[str, str]], page_url: str, total: int | None, current: int | None) -> tuple[list[str], int | None]:
    """The pages between those the pager links, by the way their addresses are numbered
    (index_1.html … index_5.html with 尾页 on index_5.html), up to the total the pager
    prints; and the total the last page's link gives when none is printed."""
    numbered = [(text, url, m) for text, url in linked for m in [_NUMBERED.match(url)] if m]
    if not numbered:
        return [], None
    shape = _shape_of(numbered, page_url)
    if shape is None:
        return [], None
    prefix, suffix = shape
    ours = [(text, int(m.group(2))) for text, url, m in numbered if (m.group(1), m.group(3)) == shape]
    offset = None  # address number = page number + offset
    for text, number in ours:
        if text.isdigit():
            offset = number - int(text)
            break
    here = _NUMBERED.match(page_url)
    here_number = int(here.group(2)) if here and (here.group(1), here.group(3)) == shape else None
    if offset is None:
        nexts = [number for text, number in ours if _NEXT_TEXT.match(text)]
        page = current or (None if here_number is not None else 1)
        if nexts and page:
            offset = nexts[0] - (page + 1)
    lasts = [number for text, number in ours if _LAST_TEXT.match(text)]
    if total is None and lasts and offset is not None:
        total = lasts[0] - offset
    if offset is None:
        if not lasts:
            return [], None
        numbers = range(min(n for _, n in ours), lasts[0] + 1)  # 尾页's number: every page up to it
    elif total:
        numbers = range(max(0, 2 + offset), min(total, MAX_PAGES) + offset + 1)
    else:
        return [], None
    urls = [f"{prefix}{n}{suffix}" for n in numbers if n != here_number]
    return urls[:MAX_PAGES], total


def _shape_of(numbered, page_url: str) -> tuple[str, str] | None:
    """The (before, after) of the number in the column's page addresses: the shape most
    of the pager's links share, in the column's own directory."""
    counts: dict[tuple[str, str], int] = {}
    directory = urlsplit(page_url).path.rsplit("/", 1)[0]
    for _, url, m in numbered:
        if urlsplit(url).path.rsplit("/", 1)[0] != directory:
            continue
        counts[(m.group(1), m.group(3))] = counts.get((m.group(1), m.group(3)), 0) + 1
    return max(counts, key=counts.get) if counts else None


def _called_pages(html: str, page_url: str, name: str, pages: list[int], templates: dict, sel) -> list[tuple[str, str, dict]]:
    """The requests a pager function makes for `pages`: the address it builds (defined on
    the page, or in a site script's `templates`), or the page form it submits."""
    built = page_function(html, name)
    if built is None and name in templates:
        before, after = templates[name]
        built = ("url", before, 0, after)
    if built is not None and built[0] == "url":
        _, before, offset, after = built
        return [("GET", urljoin(page_url, f"{before}{n + offset}{after}"), {}) for n in pages if n + offset >= 0]
    form = pageforms.page_form(html, page_url, field=built[1] if built else None, sel=sel)
    return _form_requests(form, pages) if form is not None else []


def _form_requests(form: tuple, pages: list[int]) -> list[tuple[str, str, dict]]:
    """The requests of a page form (method, action, fields, page field) for `pages`."""
    method, action, fields, page_field = form
    out = []
    for n in pages:
        data = {**fields, page_field: str(n)}
        out.append(("GET", f"{action.split('?')[0]}?{urlencode(data)}", {}) if method == "GET" else ("POST", action, data))
    return out


_FUNCTION = r"(?:function\s+{name}\s*\(\s*([A-Za-z_$][\w$]*)[^)]*\)|{name}\s*=\s*function\s*\(\s*([A-Za-z_$][\w$]*)[^)]*\))\s*\{{"
_BODY_LIMIT = 800


def page_function(html: str, name: str) -> tuple | None:
    """What the page's own pager function `name` does with its page number:
    ("url", before, offset, after) when it builds an address ('index_' + (n - 1) + '.html'
    gives ("index_", -1, ".html"); its special case of page 1 aside), ("form", field) when
    it puts the number in a form field and submits the form."""
    definition = re.search(_FUNCTION.format(name=re.escape(name)), html)
    if not definition:
        return None
    param = definition.group(1) or definition.group(2)
    body = html[definition.end():definition.end() + _BODY_LIMIT].split("function", 1)[0]
    p, q = re.escape(param), r"['\"]"
    built = re.search(rf"{q}([^'\"\s]*){q}\s*\+\s*\(?\s*{p}\s*(?:([-+])\s*(\d+))?\s*\)?(?:\s*\+\s*{q}([^'\"\s]*){q})?", body)
    if built and ("/" in built.group(1) or "." in (built.group(4) or "") or "?" in built.group(1)
                  or "_" in built.group(1) or "=" in built.group(1)):
        offset = int(built.group(3) or 0) * (-1 if built.group(2) == "-" else 1)
        return ("url", built.group(1), offset, built.group(4) or "")
    field_set = re.search(rf"""(?:\[\s*['"]|\.)([A-Za-z_$][\w$]*)['"]?\s*\]?\s*\.value\s*=\s*{p}\b"""
                          rf"""|getElementById\(\s*['"]([\w$-]+)['"]\s*\)\.value\s*=\s*{p}\b""", body)
    if field_set and "submit" in body:
        return ("form", field_set.group(1) or field_set.group(2))
    return None
