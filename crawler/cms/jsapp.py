"""JavaScript front ends: pages whose lists and articles are built in the browser.

Newer portals serve an HTML shell (an empty `<ul id="list">`, a `<div id="app">`) and
fill it from a JSON API. Nothing in the raw HTML leads to a report, so such a page is
fetched again through the browser (scrapy-playwright). Detection keeps the browser for
the few pages that need it: ordinary pages stay on the fast plain downloader.
"""
from __future__ import annotations

import asyncio
import logging
import re
import weakref
from html import escape as html_escape

from parsel import Selector

logger = logging.getLogger(__name__)

_FETCHING_SCRIPT = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|axios\.|\.json\b|/api/|new\s+Vue|createApp\s*\(|ReactDOM",
    re.I,
)
_CONTAINER = re.compile(r"list|content|article|app|root|main|news|detail|zw|con|menu|nav", re.I)
# what a container shows until the script fills it: 加载中…, 正在加载, Loading...
_LOADING = re.compile(r"^(?:数据)?(?:加载中|正在加载(?:中)?|载入中|加载数据中|loading)[.。…·\s]*$", re.I)

MIN_LINKS = 3       # a rendered page has at least a few links of its own
MIN_TEXT_CHARS = 60  # …or some text


# Resolves with the body's size as soon as the page has content (a few links or some
# text): at once if it has, else on the DOM change that gives it some, or after the
# timeout. Event-driven on purpose: see `wait_for_content`.
_UNTIL_FILLED = """(timeoutMs) => new Promise(resolve => {
  // a list or content container still saying 加载中… is not filled, whatever is around it
  const LOADING = /^(?:数据)?(?:加载中|正在加载(?:中)?|载入中|加载数据中|loading)[.。…·\\s]*$/i;
  const CONTAINER = /list|content|article|app|root|main|news|detail|zw|con|menu|nav/i;
  const loading = () => [...document.querySelectorAll('[id], [class]')].some(e =>
      CONTAINER.test((e.id || '') + ' ' + (typeof e.className === 'string' ? e.className : ''))
      && LOADING.test(e.textContent.trim()));
  const filled = () => document.body && !loading() && (document.body.querySelectorAll('a[href]').length >= 3
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
        await _data_answered(page, deadline)
        await asyncio.sleep(quiet)
        now = await page.evaluate(_SIZE)
        if now == size and not in_flight(page):
            break
        size = now
    return size


# --- the page's requests still waiting for an answer -----------------------------------------

# A page's furniture (menu, footer) is content enough to look built, and a list whose data
# answers after half a second was taken empty (a blind test: a 0.6-4 s data API gave no
# report, and the empty page was kept in the render cache). So the page is not built while
# one of its own data or script requests has no answer yet. Noted per page by
# `track_requests` (crawler.chromium calls it as each page is made).
_DATA_TYPES = ("document", "script", "xhr", "fetch")
_IN_FLIGHT: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def track_requests(page) -> None:
    """Note the page's data and script requests that have no answer yet."""
    pending: set = set()
    _IN_FLIGHT[page] = pending

    def sent(request):
        if request.resource_type in _DATA_TYPES:
            pending.add(request)

    def done(request):
        pending.discard(request)

    page.on("request", sent)
    page.on("requestfinished", done)
    page.on("requestfailed", done)


def in_flight(page) -> int:
    return len(_IN_FLIGHT.get(page, ()))


async def _data_answered(page, deadline: float) -> None:
    """Until the page's data requests in flight have their answers (or the deadline)."""
    loop = asyncio.get_running_loop()
    while in_flight(page) and loop.time() < deadline:
        await asyncio.sleep(0.05)


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


def runs_own_script(html: str, url: str) -> bool:
    """Whether the page runs scripts of its own site (not only a library such as jQuery),
    or an inline script that fetches data: what may build its links after it loads."""
    from urllib.parse import urljoin

    from crawler.cms.scriptcalls import LIBRARY
    from crawler.discovery import same_site

    sel = Selector(text=html)
    if _FETCHING_SCRIPT.search(" ".join(sel.xpath("//script[not(@src)]/text()").getall())):
        return True
    for src in sel.xpath("//script/@src").getall():
        address = urljoin(url, src.strip())
        if same_site(address, url) and not LIBRARY.search(address.rsplit("/", 1)[-1]):
            return True
    return False


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
    return _empty_container(sel)


def has_empty_list(html: str) -> bool:
    """Whether the page has a list or content container with nothing in it (for a script
    to fill) and shows no list of its own: fewer than MIN_LINKS links named like items of
    a list (a title of 8 characters or more; a menu's 首页, 机构概况 are shorter). A column
    of other organs' reports beside an empty advertising <div> is no script's list."""
    sel = Selector(text=html)
    titled = sum(1 for text in (" ".join(a.xpath(".//text()").getall()) for a in sel.xpath("//body//a[@href]"))
                 if len("".join(text.split())) >= 8)
    return titled < MIN_LINKS and _empty_container(sel)


def _empty_container(sel: Selector) -> bool:
    for element in _containers(sel):
        marker = (element.attrib.get("id", "") + " " + element.attrib.get("class", ""))
        if _CONTAINER.search(marker) and not element.xpath("./*") and not "".join(element.xpath(".//text()").getall()).strip():
            return True
    return False


# --- lists paged by a script: 下一页 and page-number buttons, 加载更多, infinite scroll ------------

MAX_LIST_PAGES = 30       # as deep as a column's plain pages are followed (DEPTH_LIMIT allows more)
STALE_PARTS = 5           # parts in a row with nothing named like a report: the list has moved on
_REPORT_ITEM = re.compile(r"年度报|年报|工作报告|信息公开")
CLICK_TIMEOUT = 3.0       # a click that changes nothing in this long did nothing (the next part's data is slow)
SCROLL_TIMEOUT = 1.0      # a scroll to the bottom that loads nothing in this long: no infinite scroll

# Shows the next part of the list and resolves "changed" on the first change it makes to
# the page, "unchanged" if none comes in time, "none" when there is nothing to do. The
# control is one with no page of its own (a link to one the walk follows like any link):
# its own text says next or more, or it is the next page's number in a pager; it is clicked
# as a visitor would, and a control disabled or hidden is the list's end. Without one, a
# page taller than the window is scrolled to its bottom (infinite scroll), if `scroll`.
_NEXT_PART = r"""([page, scroll, clickMs, scrollMs]) => new Promise(resolve => {
  const NEXT = /^(?:下一页|下页|后页|下一頁|加载更多|查看更多|点击加载更多|点击查看更多|显示更多|更多|next|nextpage|more|loadmore|>|›|»|＞)$/i;
  const text = e => ((e.tagName === 'INPUT' ? e.value : e.textContent) || '').replace(/\s+/g, '');
  const ownPage = e => { const h = (e.getAttribute('href') || '').trim().toLowerCase();
                         return e.tagName === 'A' && h !== '' && !h.startsWith('#') && !h.startsWith('javascript'); };
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                       return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const off = e => e.disabled || !!e.closest('[disabled], .disabled, .disable, .is-disabled, [aria-disabled="true"]');
  // a control whose script goes to another page is a link (the walk follows it), not a part
  const leaves = e => /location|window\.open|\.href\s*=|\.submit\(/.test(e.getAttribute('onclick') || '');
  const usable = e => !ownPage(e) && !leaves(e) && !e.closest('#nianbao-pages') && shown(e) && !off(e);
  const all = [...document.querySelectorAll('button, a, span, li, div, input[type=button], em, i, b')];
  let next = all.find(e => NEXT.test(text(e)) && usable(e) && ![...e.children].some(c => NEXT.test(text(c))));
  if (!next) {
    const number = String(page + 1);
    next = all.find(e => text(e) === number && e.children.length === 0 && usable(e)
                         && !!e.closest('[class*=page], [class*=pag], [id*=page], [id*=pag]'));
  }
  const tall = document.documentElement.scrollHeight > window.innerHeight + 40;
  if (!next && !(scroll && tall)) return resolve('none');
  let timer;
  const observer = new MutationObserver(() => { observer.disconnect(); clearTimeout(timer); resolve('changed'); });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  timer = setTimeout(() => { observer.disconnect(); resolve('unchanged'); }, next ? clickMs : scrollMs);
  if (next) next.click(); else window.scrollTo(0, document.documentElement.scrollHeight);
})"""
# The links (and script-call rows) of the list as it is now, and the addresses and
# scripts they hold (what says whether a part brought anything new).
_KEEP_PART = r"""() => {
  const rows = new Set();
  for (const e of document.querySelectorAll('a[href], [onclick], [data-url], [data-href]')) {
    if (e.closest('#nianbao-pages')) continue;
    const row = e.closest('li, tr, dd, p');
    rows.add(row && row.textContent.length <= 300 ? row : e);
  }
  const part = document.createElement('div'), keys = [];
  for (const row of rows) {
    const copy = row.cloneNode(row.textContent.length <= 300);
    if (copy.childNodes.length === 0) copy.textContent = row.textContent.trim().slice(0, 120);
    part.appendChild(copy);
    keys.push((row.getAttribute('href') || '') + ' ' + (row.getAttribute('onclick') || '') + ' ' + row.textContent.trim().slice(0, 60));
  }
  return {html: part.innerHTML, keys: keys};
}"""
# Every part read, put in a hidden `#nianbao-pages` at the end of the page as it is now.
_PUT_PARTS = r"""(parts) => {
  const box = document.createElement('div');
  box.id = 'nianbao-pages';
  box.hidden = true;
  box.innerHTML = parts.map(p => '<div class="nianbao-part">' + p + '</div>').join('');
  document.body.appendChild(box);
}"""


async def read_every_page(page, limit: int = MAX_LIST_PAGES, scroll: bool = True) -> dict:
    """After the page is built (wait_for_content): show the rest of its list as a visitor
    would, part by part, and keep every part's links in the page.

    A script-built column often shows ten items and a 下一页 button, page numbers or a
    加载更多 button with no address of their own (a click fetches the next part from a JSON
    API), or loads more when scrolled to the bottom. Read as first shown, the older years'
    reports were missed, and a report that a new one pushed onto page 2 was judged gone (a
    blind test: 1-2 of 6 reports on four such columns). Each part's links are kept aside
    (a pager may replace its list) and put in a hidden `#nianbao-pages` at the end.

    The reading ends when there is no control left to use, when using it changes nothing,
    when a part brings no link not seen before (a 下一页 that never disables, a pager that
    goes round), after STALE_PARTS parts in a row with nothing named like a report (an
    endless feed of news below the reports), when a control turns out to open another page (its handler navigates:
    the page it went to is linked for the walk, which reads it as a page of its own), or at
    `limit`. Returns {"parts", "more": a new part was still coming at the limit, "left":
    the address a control went to, or None}.
    """
    from playwright.async_api import Error as PlaywrightError

    start = page.url
    parts, seen, more, left, stale = [], set(), False, None, 0
    navigations: list[str] = []  # a control's handler sent the page elsewhere

    def on_request(request):
        if request.is_navigation_request() and request.frame == page.main_frame:
            navigations.append(request.url)

    page.on("request", on_request)
    try:
        part = await page.evaluate(_KEEP_PART)
        parts.append(part["html"])
        seen.update(part["keys"])
        for number in range(1, limit + 1):
            outcome = await page.evaluate(_NEXT_PART, [number, scroll, int(CLICK_TIMEOUT * 1000),
                                                       int(SCROLL_TIMEOUT * 1000)])
            if navigations or outcome != "changed":
                break
            await wait_for_content(page)
            part = await page.evaluate(_KEEP_PART)
            new = set(part["keys"]) - seen
            if not new:
                break
            parts.append(part["html"])
            seen.update(new)
            stale = 0 if any(_REPORT_ITEM.search(key) for key in new) else stale + 1
            if stale >= STALE_PARTS:
                break  # an endless feed of news after the reports: nothing of ours comes any more
            more = number == limit
    except PlaywrightError as exc:  # the page went elsewhere while it was read
        logger.info("reading the parts of %s stopped: %s", start, str(exc).splitlines()[0])
    finally:
        page.remove_listener("request", on_request)
    if navigations:
        left = navigations[-1]
        parts.append(f'<a href="{html_escape(left)}">下一页</a>')
        try:  # the page it went to, loaded (not the one it is leaving)
            await page.wait_for_url(lambda url: url != start, wait_until="load", timeout=CONTENT_TIMEOUT * 1000)
        except PlaywrightError:
            pass
    try:
        await page.evaluate(_PUT_PARTS, parts)
    except PlaywrightError as exc:
        logger.info("the parts of %s could not be kept in the page: %s", start, str(exc).splitlines()[0])
    return {"parts": len(parts) - bool(left), "more": more, "left": left}
