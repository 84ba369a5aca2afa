"""A national-scale local web: N synthetic bureau sites (N up to ~3,300), each its own origin.

The seven hand-made sites (localweb.web) prove the crawler right; these prove it fast
enough. Each synthetic bureau is a small, plain site of the most common shape - a home
page, a 政府信息公开 section, an annual-report column listing `reports` yearly reports
(HTML articles made by the same generator and renderer as the other sites, so the
extractor reads them for real), and a few news pages - answering every request after a
deterministic 200-800 ms (a hash of the URL: the same URL is always as slow, so runs
compare), the latency of a small government server far away.

Serving: one asyncio HTTP/1.1 server in one background thread, bound to a distinct
loopback address per site (127.0.0.0/8 is all loopback on Linux: 127.77.X.Y) on one
shared port, never 0.0.0.0. Distinct addresses, not ports, because an origin per
address is what real sites have and 3,300 listening ports would crowd the ephemeral
range the crawler's own connections need. One event loop rather than a thread per site
(localweb.server) because 3,300 sites x several open connections, each mostly asleep in
its latency, is what asyncio is for. Sites are generated on their first request (about
3 ms each) and kept, so starting a web of 3,300 is instant.

Day 2 is the no-change night: the same bytes, so ETag/Last-Modified answer 304 to a
conditional request, like the static CMS output most bureaus serve.
"""
from __future__ import annotations

import asyncio
import hashlib
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urlsplit

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.server import NOT_FOUND, Access
from localweb.sites.base import Chrome, Resource, Site, article, at, link_list, news_body, news_items

MAX_SITES = 250 * 250
YEARS = (2024, 2023, 2022, 2021, 2020)
# Place names: two syllables make 60 x 60 = 3,600 distinct counties (enough for the 3,300 民政局).
SYLLABLES = ("安", "宝", "昌", "德", "丰", "广", "海", "和", "恒", "华", "嘉", "建", "金", "景", "静", "开",
             "康", "乐", "临", "龙", "隆", "茂", "宁", "平", "清", "庆", "瑞", "山", "尚", "寿", "顺", "泰",
             "通", "万", "文", "武", "西", "祥", "新", "兴", "阳", "永", "裕", "元", "云", "泽", "长", "正",
             "中", "忠", "舟", "竹", "东", "南", "北", "江", "河", "湖", "石", "林")


def organ_name(index: int) -> str:
    """The index-th synthetic bureau: 安宝县民政局, 安昌县民政局, ... (distinct up to 3,600)."""
    first, second = divmod(index % (len(SYLLABLES) ** 2), len(SYLLABLES))
    kind = ("县", "市", "区")[index // len(SYLLABLES) ** 2 % 3] if index >= len(SYLLABLES) ** 2 else "县"
    return f"{SYLLABLES[first]}{SYLLABLES[second]}{kind}民政局"


def address(index: int) -> str:
    """The loopback address of the index-th site: 127.77.0.1, ... 127.77.0.250, 127.77.1.1, ..."""
    if not 0 <= index < MAX_SITES:
        raise ValueError(f"at most {MAX_SITES} synthetic sites")
    return f"127.77.{index // 250}.{index % 250 + 1}"


def latency(site_key: str, path: str, low: float = 0.2, high: float = 0.8) -> float:
    """Seconds this URL always takes to answer: uniform in [low, high], fixed by a hash."""
    digest = hashlib.sha1(f"{site_key}|{path}".encode()).digest()
    return low + (high - low) * int.from_bytes(digest[:4], "big") / 2 ** 32


def build_site(index: int, reports: int = 3, news: int = 3) -> Site:
    """The index-th synthetic bureau site (the same bytes every time)."""
    organ = organ_name(index)
    key = f"n{index:04d}"
    site = Site(key=key, family="synthetic county bureau", organ=organ, seed_name=organ, seed_path="/")
    chrome = Chrome(organ, site_code=f"{3100000000 + index}", icp=f"京ICP备{10000000 + index}号",
                    phone=f"0{310 + index % 600}-{2000000 + index}",
                    nav={"首页": "/", "政府信息公开": "/xxgk/", "新闻动态": "/xwdt/"})
    contacts = Contacts(phone=[f"0{310 + index % 600}-{3000000 + index}"], email=[f"mzj{index:04d}@example.gov.cn"],
                        address=[f"{organ[:3]}人民路{index % 300 + 1}号"], postcode=[f"{100000 + index:06d}"])
    listed = []
    for n, year in enumerate(YEARS[:reports]):
        report = generate(organ, year, template="2021", contacts=contacts)
        path = f"/xxgk/ndbg/{report.published:%Y%m}/t{report.published:%Y%m%d}_{index * 10 + n}.html"
        published = at(report.published)
        site.add(path, article(chrome, report.title, published, report_body(report),
                               meta={"ArticleTitle": report.title, "PubDate": f"{published:%Y-%m-%d %H:%M}",
                                     "SiteName": organ, "ColumnName": "政府信息公开年报"}), modified=published)
        site.add_gold(path, report)
        listed.append((path, report.title, report.published))
    site.add("/xxgk/ndbg/index.html", chrome.page("政府信息公开年报", "<h3>政府信息公开年报</h3>\n" + link_list(listed),
                                                  meta={"ColumnName": "政府信息公开年报"}))
    stories = []
    for n, (title, date) in enumerate(news_items(organ, "xwdt", count=news)):
        path = f"/xwdt/{date:%Y%m}/t{date:%Y%m%d}_{index * 10 + n}.html"
        site.add(path, article(chrome, title, at(date), news_body(organ, title, date)), modified=at(date))
        stories.append((path, title, date))
    site.add("/xwdt/index.html", chrome.page("新闻动态", "<h3>新闻动态</h3>\n" + link_list(stories)))
    site.add("/xxgk/index.html", chrome.page("政府信息公开", (
        "<h3>政府信息公开</h3>\n<ul><li><a href=\"/xxgk/zn/\">政府信息公开指南</a></li>"
        "<li><a href=\"/xxgk/ndbg/\">政府信息公开年报</a></li></ul>")))
    site.add("/xxgk/zn/index.html", chrome.page("政府信息公开指南", "<p>为便于公民、法人和其他组织获取政府信息，特编制本指南。</p>"))
    site.add("/index.html", chrome.page("首页", "<h3>新闻动态</h3>\n" + link_list(stories)
                                         + "\n<p><a href=\"/xxgk/ndbg/\">政府信息公开年报</a></p>"))
    return site


@dataclass(frozen=True)
class NationalOptions:
    sites: int
    reports: int = 3                # reports per site (the annual-report column's length)
    news: int = 3
    low: float = 0.2                # latency range, seconds
    high: float = 0.8


class NationalWeb:
    """N synthetic sites served from one asyncio loop in a background thread.

    `urls` maps site key -> base URL, `log` is the access log (localweb.server.Access),
    as with `LocalWeb`; `seeds()` and `gold()` give the seed list and the gold records.
    """

    def __init__(self, sites: int, *, port: int = 0, reports: int = 3, news: int = 3,
                 low: float = 0.2, high: float = 0.8):
        self.options = NationalOptions(sites, reports, news, low, high)
        self.port = port
        self.log: list[Access] = []
        self.keys = [f"n{i:04d}" for i in range(sites)]
        self.urls: dict[str, str] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list = []
        self._site = lru_cache(maxsize=None)(lambda index: build_site(index, reports, news))

    # ------------------------------------------------------------ content

    def site(self, index: int) -> Site:
        return self._site(index)

    def prebuild(self) -> "NationalWeb":
        """Generate every site now (~8 ms each), so that a benchmark measures the crawl only."""
        for index in range(len(self.keys)):
            self._site(index)
        return self

    def seeds(self) -> list[dict]:
        return [{"name": organ_name(i), "url": self.urls[key] + "/"} for i, key in enumerate(self.keys)]

    def gold(self) -> list[dict]:
        return [{**record, "url": self.urls[key] + path}
                for i, key in enumerate(self.keys) for path, record in self.site(i).gold]

    def write_seeds(self, path) -> None:
        import csv

        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["name", "url"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.seeds())

    # ------------------------------------------------------------ serving

    def start(self) -> "NationalWeb":
        ready = threading.Event()
        failure: list[BaseException] = []

        def run():
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._listen())
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="national-web", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise RuntimeError(f"the national web could not listen: {failure[0]}") from failure[0]
        return self

    async def _listen(self) -> None:
        port = self.port
        for index, key in enumerate(self.keys):
            host = address(index)
            handler = (lambda idx: lambda r, w: self._connection(idx, r, w))(index)
            server = await asyncio.start_server(handler, host=host, port=port, backlog=64, reuse_address=True)
            port = port or server.sockets[0].getsockname()[1]  # the first site picks, the others follow
            self._servers.append(server)
            self.urls[key] = f"http://{host}:{port}"
        self.port = port

    def stop(self) -> None:
        if self._loop is None:
            return

        async def close():
            for server in self._servers:
                server.close()
            for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
                task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop = None

    def __enter__(self) -> "NationalWeb":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    async def _connection(self, index: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One keep-alive connection: answer requests until the client closes."""
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                method, target, headers = _parse_head(head)
                if int(headers.get("content-length") or 0):
                    await reader.readexactly(int(headers["content-length"]))
                path = urlsplit(target).path or "/"
                await asyncio.sleep(latency(self.keys[index], path, self.options.low, self.options.high))
                if path != "/robots.txt" and self._site.cache_info().currsize < len(self.keys):
                    # a site not generated yet: generate it off the loop, the other sites keep answering
                    await asyncio.get_running_loop().run_in_executor(None, self._site, index)
                status, resource = self._resolve(index, path, headers)
                self.log.append(Access(time.time(), self.keys[index], method, target, status))
                writer.write(_response(status, resource, send_body=method != "HEAD"))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            writer.close()

    def _resolve(self, index: int, path: str, headers: dict) -> tuple[int, Resource]:
        if path == "/robots.txt":
            return 200, Resource(b"User-agent: *\nDisallow:\n", content_type="text/plain; charset=utf-8",
                                 validators=False)
        site = self.site(index)
        resource = site.resources.get(path + "index.html" if path.endswith("/") else path)
        if resource is None:
            return 404, Resource(NOT_FOUND.encode(), status=404, validators=False)
        if _not_modified(resource, headers):
            return 304, resource
        return 200, resource


def _parse_head(head: bytes) -> tuple[str, str, dict]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = (lines[0].split(" ") + ["", ""])[:3]
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return method, target, headers


def _not_modified(resource: Resource, headers: dict) -> bool:
    if not resource.validators:
        return False
    if "if-none-match" in headers:
        return resource.etag in [t.strip() for t in headers["if-none-match"].split(",")]
    if "if-modified-since" in headers and resource.modified is not None:
        try:
            return parsedate_to_datetime(resource.last_modified) <= parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError):
            return False
    return False


def _response(status: int, resource: Resource, send_body: bool) -> bytes:
    reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}.get(status, "OK")
    body = b"" if status == 304 else resource.body
    lines = [f"HTTP/1.1 {status} {reason}", "Server: nginx", f"Content-Type: {resource.content_type}",
             f"Content-Length: {len(body)}"]
    if resource.validators:
        lines += [f"ETag: {resource.etag}", f"Last-Modified: {resource.last_modified}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body if send_body else b"")


def loopback_addresses_work() -> bool:
    """Whether this machine routes all of 127.0.0.0/8 to loopback (Linux does; macOS does not)."""
    try:
        with socket.socket() as sock:
            sock.bind((address(1), 0))
        return True
    except OSError:
        return False
