"""The site's own search, asked for 年度报告 where the walk found no report column.

Some bureaus file their reports under news (通知公告, 工作动态) and link no column that
names them; their home page still carries a search box, and the site's search engine
(TRS 检索 `was5/web/search?searchword=`, a CMS's `search?q=`) lists every page that
mentions the words. Reading its form gives the request without running a script.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin

from parsel import Selector

WORDS = "年度报告"  # what the reports' titles and texts all say

# the text field of a search form, by its name or id
_QUERY_FIELD = re.compile(r"^(?:q|query|searchword|search_?word|keys?|keywords?|kw|wd|word|searchkey|search_?text|"
                          r"searchvalue|sword|qt|text|content|title|s|search)$", re.I)
# a form whose address says it searches
_SEARCH_ACTION = re.compile(r"search|sousuo|was5|/s(?:\.|$|\?)|query|jsearch|fulltext|retrieval", re.I)
_SEARCH_TEXT = re.compile(r"搜索|检索|查询|站内")


def search_requests(html: str, page_url: str, words: str = WORDS) -> list[tuple[str, str, dict]]:
    """(method, url, form fields) of the search the page's search form makes for `words`;
    [] when the page has none. A form is a search form when its address or its button
    says so and it has a text field named as search fields are; its hidden fields (a TRS
    search's channelid) go with the words."""
    sel = Selector(text=html)
    for form in sel.xpath("//form"):
        action = (form.attrib.get("action") or "").strip()
        buttons = " ".join(form.xpath(".//input[@type='submit' or @type='button' or @type='image']/@value"
                                      " | .//button//text() | .//input/@placeholder | .//@title").getall())
        if not (_SEARCH_ACTION.search(action) or _SEARCH_TEXT.search(buttons)):
            continue
        fields, query = {}, None
        for element in form.xpath(".//input[@name] | .//select[@name]"):
            kind = element.attrib.get("type", "text").lower()
            name = element.attrib["name"]
            if kind in ("submit", "button", "image", "reset", "checkbox", "radio"):
                continue
            if kind in ("text", "search", "") and query is None and \
                    (_QUERY_FIELD.match(name) or _QUERY_FIELD.match(element.attrib.get("id", ""))):
                query = name
                continue
            fields[name] = element.attrib.get("value") or element.xpath("./option[@selected]/@value").get() or ""
        if query is None:
            continue
        fields[query] = words
        target = urljoin(page_url, action or page_url)
        if (form.attrib.get("method") or "get").lower() == "post":
            return [("POST", target, fields)]
        base, _, existing = target.partition("?")
        return [("GET", f"{base}?{existing + '&' if existing else ''}{urlencode(fields)}", {})]
    return []
