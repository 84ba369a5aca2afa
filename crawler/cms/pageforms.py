"""Lists paged by a form: JSP/ASP portals' "转到第 [3] 页 GO" and "下一页" buttons.

Older portals page a column with a `<form>` instead of links: a text field or a hidden
input holding the page number (`page`, `pageNo`, `currentPage` …), submitted by GET or
POST, next to "共75条 第3/5页". No `<a>` leads to the other pages, so a crawl that follows
links sees the first page only. Reading the form and the page count gives every page's
request without running a script.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin

from parsel import Selector

_PAGE_FIELD = re.compile(r"^(?:page|pageno|page_no|pagenum|pagenumber|pageindex|page_index|currentpage|curpage|cpage|pn|p)$", re.I)
# 第3/5页, 3/5页, 共5页
_PAGE_COUNT = (re.compile(r"(\d{1,4})\s*/\s*(\d{1,4})\s*页"), re.compile(r"共\s*(\d{1,4})\s*页"))
MAX_PAGES = 200  # a column with more pages than this is a trap, not a list


def page_requests(html: str, page_url: str) -> list[tuple[str, str, dict]]:
    """(method, url, form fields) of the column's other pages its page form asks for; []
    when the page has no page form. With a page count, every page; without one, the page
    the form itself submits (a 下一页 button's hidden pageNo), so the walk goes on page by page."""
    sel = Selector(text=html)
    form = page_form(html, page_url, sel=sel)
    if form is None:
        return []
    method, action, fields, page_field = form
    total = _page_count(" ".join(sel.xpath("//body//text()").getall()))
    if total:
        pages = [str(n) for n in range(1, min(total, MAX_PAGES) + 1)]
    elif fields[page_field].isdigit():
        pages = [fields[page_field]]
    else:
        return []
    out = []
    for page in pages:
        data = {**fields, page_field: page}
        if method == "GET":
            out.append(("GET", f"{action.split('?')[0]}?{urlencode(data)}", {}))
        else:
            out.append(("POST", action, data))
    return out


def page_form(html: str, page_url: str, field: str | None = None, sel=None) -> tuple[str, str, dict, str] | None:
    """(method, action, fields, the page field) of the page's first form with a page
    field: one named as page fields are, or `field` (by name or id), the field a pager
    script sets before it submits the form."""
    sel = sel if sel is not None else Selector(text=html)
    for form in sel.xpath("//form"):
        fields = {}
        page_field = None
        for element in form.xpath(".//input[@name] | .//select[@name]"):
            name = element.attrib["name"]
            value = element.attrib.get("value") or element.xpath("./option[@selected]/@value").get() or ""
            if element.attrib.get("type", "").lower() in ("submit", "button", "image", "reset"):
                continue
            fields[name] = value
            named = field is not None and field in (name, element.attrib.get("id"))
            if named or (page_field is None and field is None and _PAGE_FIELD.match(name)):
                page_field = name
        if page_field is None:
            continue
        method = (form.attrib.get("method") or "get").upper()
        return method, urljoin(page_url, form.attrib.get("action") or page_url), fields, page_field
    return None


def _page_count(text: str) -> int | None:
    for pattern in _PAGE_COUNT:
        found = pattern.search(text)
        if found:
            return int(found.groups()[-1])
    return None
