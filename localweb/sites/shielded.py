"""Two bureaus behind a bot shield's JavaScript challenge (兰陵县民政局, 沂水县民政局).

Many government sites sit behind 加速乐 or 瑞数: a client without a valid clearance
cookie gets, for any page, a small script instead (HTTP 521 or 412) that computes the
cookie, sets it with `document.cookie` and reloads. Only a client that runs the script
gets in.

Not part of the default web: asked for by name, ``build_web(1, ["shielded", "bound", "fortress"])``.

* ``shielded`` (521, 加速乐-like): the script's cookie is a clearance the server accepts
  for CLEARANCE_USES pages, then it answers with a new challenge (as a clearance that
  expires does): a crawl must pass it again, in a browser, and go on. Gold: its reports.
* ``bound`` (202, 瑞数-like): the clearance is accepted only from a browser (with the
  Sec-Fetch-* headers Chromium sends), never from a plain client that carries it: a crawl
  must read the site's pages in the browser. Gold: its reports.
* ``fortress`` (412, 瑞数-like): the script sets a cookie and reloads once, but the server
  never accepts it (it wants a fingerprint no automated browser gives): the site cannot be
  read, and a crawl must say it is blocked. No gold.

robots.txt is answered without a challenge (the crawl's own check comes first).
"""
from __future__ import annotations

import hashlib
import threading

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import (Chrome, Options, Request, Resource, Route, Site, article, at, link_list, news_body,
                                 news_items)
from localweb.sites.trs import report_meta, trs_article_path

COLUMN = "/xxgk/ndbg/"
CLEARANCE = "__jsl_clearance_s"
FORTRESS_COOKIE = "FSSBBIl1UgzbN7N80T"
CLEARANCE_USES = 5  # pages a clearance opens (the browser's reload is one) before the shield asks again
NOT_FOUND = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><h1>404</h1></body></html>"

BUREAUS = {
    "shielded": ("兰陵县民政局", Contacts(phone=["0539-5221234"], email=["llxmzj@163.com"], address=["兰陵县文化路9号"],
                                      postcode=["277700"]), "3713240001", {2024: 610233, 2023: 601847}),
    "bound": ("郯城县民政局", Contacts(phone=["0539-6211234"], email=["tcxmzj@163.com"], address=["郯城县人民路12号"],
                                   postcode=["276100"]), "3713220001", {2024: 640377, 2023: 631920}),
    "fortress": ("沂水县民政局", Contacts(phone=["0539-2251234"], email=["ysxmzj@163.com"], address=["沂水县正阳路3号"],
                                      postcode=["276400"]), "3713230001", {2024: 620118, 2023: 611502}),
}

# 加速乐's page: the cookie is computed from codes in the page, so only running it gives it
JSL_PAGE = ("<html><head><meta charset=\"utf-8\"></head><body><script>"
            "var _c=[{codes}];document.cookie='" + CLEARANCE + "='+_c.map(function(x){{return String.fromCharCode(x^23)}})"
            ".join('')+';max-age=3600;path=/';location.href=location.pathname+location.search;</script></body></html>")
# 瑞数's page: sets its cookie and reloads once; the server wants more than any script here gives
RS_PAGE = ("<html><head><meta charset=\"utf-8\"><meta id=\"9DhefwqGPrzGxEp9hPaoag\" content=\"{nonce}\"></head><body>"
           "<script>if(document.cookie.indexOf('" + FORTRESS_COOKIE + "=')<0){{document.cookie='" + FORTRESS_COOKIE
           + "={nonce}.'+navigator.userAgent.length+';path=/';location.reload();}}</script></body></html>")


def _page_of(site: Site, request: Request) -> Resource:
    path = request.path + "index.html" if request.path.endswith("/") else request.path
    return site.resources.get(path) or Resource(NOT_FOUND.encode(), status=404, validators=False)


def _cookies(request: Request) -> dict[str, str]:
    header = next((v for k, v in request.headers.items() if k.lower() == "cookie"), "")
    return dict(part.strip().split("=", 1) for part in header.split(";") if "=" in part)


def jsl_shield(site: Site, status: int = 521, browser_only: bool = False, cookie: str = CLEARANCE):
    """The handler of every page of a 加速乐-like site: the page with a live clearance (from
    a browser only, if `browser_only`), else a new challenge."""
    lock = threading.Lock()
    live: dict[str, int] = {}  # clearance -> pages it still opens
    issued = [0]

    def handle(request: Request) -> Resource:
        with lock:
            token = _cookies(request).get(cookie)
            from_browser = any(k.lower() == "sec-fetch-mode" for k in request.headers)
            if token in live and live[token] > 0 and (from_browser or not browser_only):
                live[token] -= 1
                return _page_of(site, request)
            issued[0] += 1
            token = hashlib.sha1(f"{site.key}|{issued[0]}".encode()).hexdigest()[:20]
            live[token] = CLEARANCE_USES
        body = JSL_PAGE.replace(CLEARANCE, cookie).format(codes=",".join(str(ord(c) ^ 23) for c in token))
        return Resource(body.encode(), status=status, validators=False,
                        headers={"Set-Cookie": f"__jsluid_s={token[::-1]}; max-age=31536000; path=/; HttpOnly"})
    return handle


def rs_shield(site: Site):
    """The handler of every page of the 412 site: always the challenge."""
    def handle(request: Request) -> Resource:
        nonce = hashlib.sha1(f"{site.key}|{request.path}".encode()).hexdigest()[:16]
        return Resource(RS_PAGE.format(nonce=nonce).encode(), status=412, validators=False)
    return handle


def _build(key: str, options: Options) -> Site:
    organ, contacts, code, reports = BUREAUS[key]
    family = {"shielded": "521, passable", "bound": "202, cookie for the browser only", "fortress": "412, not passable"}
    site = Site(key=key, family=f"behind a JavaScript challenge ({family[key]})",
                organ=organ, seed_name=organ, seed_path="/")
    chrome = Chrome(organ, site_code=code, icp="鲁ICP备05034567号", phone="0539-0000000",
                    nav={"首页": "/", "政府信息公开": COLUMN, "通知公告": "/xxgk/tzgg/"})
    items = []
    for year, article_id in sorted(reports.items(), reverse=True):
        report = generate(organ, year, contacts=contacts)
        published = at(report.published, 9, 0)
        path = trs_article_path(COLUMN, report.published, article_id)
        site.add(path, article(chrome, report.title, published, report_body(report),
                               meta=report_meta(organ, "政府信息公开年报", report.title, published)), modified=published)
        if key != "fortress":
            site.add_gold(path, report)
        items.append((path, report.title, report.published))
    site.add(COLUMN + "index.html", chrome.page("政府信息公开年报", link_list(items), meta={"ColumnName": "政府信息公开年报"}))
    news = []
    for i, (title, date) in enumerate(news_items(organ, "tzgg", count=6)):
        news_path = trs_article_path("/xxgk/tzgg/", date, 630100 + i * 11)
        site.add(news_path, article(chrome, title, at(date), news_body(organ, title, date)), modified=at(date))
        news.append((news_path, title, date))
    site.add("/xxgk/tzgg/index.html", chrome.page("通知公告", link_list(news)))
    site.add("/index.html", chrome.page("首页", "<h3>通知公告</h3>\n" + link_list(news[:4])
                                         + f"\n<p><a href=\"{COLUMN}\">政府信息公开年报</a></p>"))
    handler = {"shielded": lambda: jsl_shield(site), "bound": lambda: jsl_shield(site, 202, browser_only=True, cookie=CLEARANCE[:-2]),
               "fortress": lambda: rs_shield(site)}[key]()
    site.routes.append(Route("GET", "/", handler, prefix=True))
    return site


def build(options: Options) -> Site:
    return _build("shielded", options)


def build_bound(options: Options) -> Site:
    return _build("bound", options)


def build_fortress(options: Options) -> Site:
    return _build("fortress", options)
