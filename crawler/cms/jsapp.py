"""JavaScript front ends: pages whose lists and articles are built in the browser.

Newer portals serve an HTML shell (an empty `<ul id="list">`, a `<div id="app">`) and
fill it from a JSON API. Nothing in the raw HTML leads to a report, so such a page is
fetched again through the browser (scrapy-playwright). Detection keeps the browser for
the few pages that need it: ordinary pages stay on the fast plain downloader.
"""
from __future__ import annotations

import asyncio
import re

from parsel import Selector

_FETCHING_SCRIPT = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|axios\.|\.json\b|/api/|new\s+Vue|createApp\s*\(|ReactDOM",
    re.I,
)
_CONTAINER = re.compile(r"list|content|article|app|root|main|news|detail|zw|con", re.I)
# what a container shows until the script fills it: 加载中…, 正在加载, Loading...
_LOADING = re.compile(r"^(?:数据)?(?:加载中|正在加载(?:中)?|载入中|加载数据中|loading)[.。…·\s]*$", re.I)

MIN_LINKS = 3       # a rendered page has at least a few links of its own
MIN_TEXT_CHARS = 60  # …or some text


# Resolves with the body's size as soon as the page has content (a few links or some
# text): at once if it has, else on the DOM change that gives it some, or after the
# timeout. Event-driven on purpose: see `wait_for_content`.
_UNTIL_FILLED = """(timeoutMs) => new Promise(resolve => {
  const filled = () => document.body && (document.body.querySelectorAll('a[href]').length >= 3
                                          || document.body.innerText.trim().length >= 60);
  const size = () => document.body ? document.body.innerHTML.length : 0;
  if (filled()) return resolve(size());
  let timer;
  const observer = new MutationObserver(() => { if (filled()) done(); });
  const done = () => { observer.disconnect(); clearTimeout(timer); resolve(size()); };
  observer.observe(document.documentElement, {childList: true, subtree: true, characterData: true});
  timer = setTimeout(done, timeoutMs);
})"""
_SIZE = "() => document.body ? document.body.innerHTML.length : 0"
QUIET_SECONDS = 0.5      # content unchanged over this long: the page is built
CONTENT_TIMEOUT = 15.0   # a page still empty or changing after this is taken as it is


async def wait_for_content(page, quiet: float = QUIET_SECONDS, timeout: float = CONTENT_TIMEOUT) -> int:
    """Wait, after the "load" event, until the page has content and has stopped changing.

    "networkidle" alone is not enough on a loaded machine: the data request may not have
    started when it fires. As few timed waits as possible: on a virtual machine whose
    idle CPU wakes late, a 250 ms timer (in the page or here) can fire a second late, and
    the earlier wait (content stable over three 250 ms ticks, polled in the page) cost
    4-5 s per rendered page. Now the wait for content is event-driven (a MutationObserver)
    and the stability check is one timed wait per change. Returns the body's size.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    size = await page.evaluate(_UNTIL_FILLED, int(timeout * 1000))
    while loop.time() < deadline:
        await asyncio.sleep(quiet)
        now = await page.evaluate(_SIZE)
        if now == size:
            break
        size = now
    return size


def _containers(sel: Selector):
    return sel.xpath("//body//*[@id or @class][self::ul or self::ol or self::div or self::tbody or self::section"
                     " or self::article or self::main]")


def _loading_container(sel: Selector) -> bool:
    """A list or content container whose only text is a loading message, with no link."""
    for element in _containers(sel):
        marker = element.attrib.get("id", "") + " " + element.attrib.get("class", "")
        if not _CONTAINER.search(marker) or element.xpath(".//a[@href]"):
            continue
        if _LOADING.match("".join(t.strip() for t in element.xpath(".//text()").getall())):
            return True
    return False


def is_loading(html: str) -> bool:
    """Whether the page says outright that a script is still to fill it (加载中… in its list
    or content container): worth the browser even beside links of its own."""
    if "<script" not in html.lower():
        return False
    return _loading_container(Selector(text=html))


def needs_browser(html: str) -> bool:
    """Whether this raw HTML is a shell that only JavaScript fills.

    True when the page has scripts and a list or content container that only says 加载中…,
    or scripts and almost no links and no text of its own, or when a script fetches data
    (fetch/XHR/$.ajax/a JSON URL or a SPA framework) into an empty list/content container.
    """
    sel = Selector(text=html)
    inline = " ".join(sel.xpath("//script/text()").getall())
    external = sel.xpath("//script/@src").getall()
    if not inline.strip() and not external:
        return False
    if _loading_container(sel):
        return True  # 加载中… where the list will be: whatever the script is, it fills this
    links = [h for h in sel.xpath("//body//a/@href").getall() if h and not h.startswith(("#", "javascript"))]
    body_text = "".join(t.strip() for t in sel.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]").getall())
    if len(links) < MIN_LINKS and len(body_text) < MIN_TEXT_CHARS:
        return True  # a shell: scripts and nothing else
    if not _FETCHING_SCRIPT.search(inline + " ".join(external)):
        return False
    for element in _containers(sel):
        marker = (element.attrib.get("id", "") + " " + element.attrib.get("class", ""))
        if _CONTAINER.search(marker) and not element.xpath("./*") and not "".join(element.xpath(".//text()").getall()).strip():
            return True
    return False
