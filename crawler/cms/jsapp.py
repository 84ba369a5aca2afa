"""JavaScript front ends: pages whose lists and articles are built in the browser.

Newer portals serve an HTML shell (an empty `<ul id="list">`, a `<div id="app">`) and
fill it from a JSON API. Nothing in the raw HTML leads to a report, so such a page is
fetched again through the browser (scrapy-playwright). Detection keeps the browser for
the few pages that need it: ordinary pages stay on the fast plain downloader.
"""
from __future__ import annotations

import re

from parsel import Selector

_FETCHING_SCRIPT = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|axios\.|\.json\b|/api/|new\s+Vue|createApp\s*\(|ReactDOM",
    re.I,
)
_CONTAINER = re.compile(r"list|content|article|app|root|main|news|detail|zw|con", re.I)

MIN_LINKS = 3       # a rendered page has at least a few links of its own
MIN_TEXT_CHARS = 60  # …or some text


# Evaluated in the page after navigation: resolves once the DOM has content (a few links
# or some text) and has stopped changing for ~0.75 s, or after 15 s. "networkidle" alone
# is not enough on a loaded machine: the data request may not have started when it fires.
WAIT_FOR_CONTENT = """() => new Promise(resolve => {
  const started = Date.now(); let last = -1, stable = 0;
  const tick = () => {
    const body = document.body;
    const size = body ? body.innerHTML.length : 0;
    const filled = body && (body.querySelectorAll('a[href]').length >= 3 || body.innerText.trim().length >= 60);
    stable = (size === last) ? stable + 1 : 0; last = size;
    if ((filled && stable >= 3) || Date.now() - started > 15000) resolve(size); else setTimeout(tick, 250);
  };
  tick();
})"""


def needs_browser(html: str) -> bool:
    """Whether this raw HTML is a shell that only JavaScript fills.

    True when the page has scripts and almost no links and no text of its own, or when a
    script fetches data (fetch/XHR/$.ajax/a JSON URL or a SPA framework) into an empty
    list/content container.
    """
    sel = Selector(text=html)
    inline = " ".join(sel.xpath("//script/text()").getall())
    external = sel.xpath("//script/@src").getall()
    if not inline.strip() and not external:
        return False
    links = [h for h in sel.xpath("//body//a/@href").getall() if h and not h.startswith(("#", "javascript"))]
    body_text = "".join(t.strip() for t in sel.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]").getall())
    if len(links) < MIN_LINKS and len(body_text) < MIN_TEXT_CHARS:
        return True  # a shell: scripts and nothing else
    if not _FETCHING_SCRIPT.search(inline + " ".join(external)):
        return False
    for element in sel.xpath("//body//*[@id or @class][self::ul or self::ol or self::div or self::tbody or self::section or self::article]"):
        marker = (element.attrib.get("id", "") + " " + element.attrib.get("class", ""))
        if _CONTAINER.search(marker) and not element.xpath("./*") and not "".join(element.xpath(".//text()").getall()).strip():
            return True
    return False
