"""Serving a `Web`: one ThreadingHTTPServer per site on 127.0.0.1, each its own origin.

Runs in background threads of the calling process (the pytest fixture, `nianbao
demo-web`), with no dependency beyond the standard library. Every request is written to
an access log the tests read ("was this URL fetched twice?", "was robots.txt obeyed?").
`switch` swaps a day's content in behind the same ports, the way a real site changes
overnight. `latency` delays every answer, for benchmarks of many-site webs.
"""
from __future__ import annotations

import dataclasses
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from localweb.sites.base import Request, Resource, Site
from localweb.web import Web

JSESSIONID = re.compile(r";jsessionid=[^?#/]*", re.IGNORECASE)
NOT_FOUND = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>"
             "<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p><p><a href=\"/\">返回首页</a></p></body></html>")


@dataclass(frozen=True)
class Access:
    time: float
    site: str
    method: str
    path: str       # as requested, with query
    status: int
    referer: str | None = None  # the page that led the client here (benchmarks replay the walk's order)
    size: int = 0   # body bytes answered (0 for a 304 or a HEAD; an endless body counts as its first chunk)


class SiteState:
    """The site a server currently answers for, and how often it saw each request."""

    def __init__(self, site: Site, log: list, latency: float):
        self.site = site
        self.log = log
        self.latency = latency
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()
        self.origins: dict[str, str] = {}  # site key -> base URL, for pages that link another site

    def with_origins(self, resource: Resource) -> Resource:
        """The resource with `{{origin:KEY}}` in its body replaced by that site's base URL
        (a bureau's page linking its county's platform on another origin)."""
        if b"{{origin:" not in resource.body:
            return resource
        body = re.sub(rb"\{\{origin:([\w-]+)\}\}", lambda m: self.origins[m.group(1).decode()].encode(), resource.body)
        return dataclasses.replace(resource, body=body)

    def count(self, key: str) -> int:
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]


# Transport faults a resource can ask for (Resource.fault), as flaky small servers commit them:
#   reset      the connection is reset (RST) after the request is read: no answer at all
#   truncated  Content-Length promises more than is sent before the connection closes
#   endless    a chunked body that never ends, as fast as the client reads
#   trickle    a chunked body that never ends, a few bytes a second (slower than any timeout)
# The endless bodies stop after ENDLESS_MAX_SECONDS or ENDLESS_MAX_BYTES all the same, so a
# client that never gives up cannot keep a server thread forever.
FAULTS = ("reset", "truncated", "endless", "trickle")
ENDLESS_MAX_SECONDS = 120.0
ENDLESS_MAX_BYTES = 512 * 1024 * 1024
TRICKLE_INTERVAL = 0.5


class SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    state: SiteState  # set on the per-site subclass

    def log_message(self, format, *args):  # the access log replaces stderr noise
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # a client that gave up (its timeout, its size limit)
            self.close_connection = True

    def do_GET(self):
        self._answer(send_body=True)

    def do_POST(self):
        self._answer(send_body=True)

    def do_HEAD(self):
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        state = self.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if state.latency:
            time.sleep(state.latency)
        resource = state.with_origins(self._resolve(state, body))
        status = resource.status
        if status == 200 and resource.validators and self._not_modified(resource):
            status = 304
        size = 0 if status == 304 or self.command == "HEAD" else (resource.length if resource.chunks else len(resource.body))
        state.log.append(Access(time.time(), state.site.key, self.command, self.path, status,
                                self.headers.get("Referer"), size))
        if resource.delay:
            time.sleep(resource.delay)
        if resource.fault == "reset":
            self._reset()
            return
        self.send_response(status)
        headers = {"Content-Type": resource.content_type, **resource.headers}
        headers = {name: value for name, value in headers.items() if value is not None}
        if resource.validators:
            headers["ETag"] = resource.etag
            headers["Last-Modified"] = resource.last_modified
        for name, value in headers.items():
            self.send_header(name, value)
        if status == 304:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if resource.fault in ("endless", "trickle"):
            self._endless(resource, slow=resource.fault == "trickle")
            return
        size = resource.length if resource.chunks else len(resource.body)
        if resource.fault == "truncated":
            size, self.close_connection = 2 * len(resource.body) + 1024, True
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if not send_body or self.command == "HEAD":
            return
        try:
            if resource.chunks:
                for chunk in resource.chunks():
                    self.wfile.write(chunk)
            else:
                self.wfile.write(resource.body)
        except (BrokenPipeError, ConnectionResetError):  # a client that gave up on the big file
            self.close_connection = True

    def _reset(self) -> None:
        """Close with a TCP reset (SO_LINGER 0) before answering anything."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()  # really closed (with RST) once the handler lets go of its files

    def _endless(self, resource: Resource, slow: bool) -> None:
        """A chunked body that repeats resource.body and never sends its last chunk."""
        self.close_connection = True
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = resource.body[:64] if slow else (resource.body * (65536 // max(1, len(resource.body)) + 1))[:65536]
        started, sent = time.monotonic(), 0
        try:
            while time.monotonic() - started < ENDLESS_MAX_SECONDS and sent < ENDLESS_MAX_BYTES:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                sent += len(chunk)
                if slow:
                    time.sleep(TRICKLE_INTERVAL)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            pass

    def _resolve(self, state: SiteState, body: bytes) -> Resource:
        site = state.site
        raw = JSESSIONID.sub("", self.path) if site.strip_jsessionid else self.path
        parts = urlsplit(raw)
        path = parts.path or "/"
        if path == "/robots.txt":
            return Resource(site.robots.encode(), content_type="text/plain; charset=utf-8")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        request = Request(self.command if self.command != "HEAD" else "GET", path, query, body,
                          dict(self.headers), state.count(f"{self.command} {raw}"))
        for route in site.routes:
            if route.method == request.method and (path == route.path or (route.prefix and path.startswith(route.path))):
                return route.handler(request)
        lookup = path + "index.html" if path.endswith("/") else path
        for key in (f"{lookup}?{parts.query}" if parts.query else None, lookup):
            if key and key in site.resources:
                resource = site.resources[key]
                if request.method == "POST" and (resource.content_type or "").startswith("text/html"):
                    return Resource(b"Method Not Allowed", content_type="text/plain", status=405, validators=False)
                return resource
        return Resource(NOT_FOUND.encode(), status=404, validators=False)

    def _not_modified(self, resource: Resource) -> bool:
        tag = self.headers.get("If-None-Match")
        if tag is not None:
            return resource.etag in [t.strip() for t in tag.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since and resource.modified is not None:
            try:
                return parsedate_to_datetime(resource.last_modified) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False


class LocalWeb:
    """A running web: `urls` maps site key -> base URL; `log` is the access log."""

    def __init__(self, web: Web, host: str = "127.0.0.1", first_port: int = 0, latency: float = 0.0):
        self.web = web
        self.host = host
        self.log: list[Access] = []
        self.states: dict[str, SiteState] = {}
        self.servers: list[ThreadingHTTPServer] = []
        self.urls: dict[str, str] = {}
        for i, site in enumerate(web.sites):
            state = SiteState(site, self.log, latency)
            handler = type(f"{site.key.title()}Handler", (SiteHandler,), {"state": state})
            server = ThreadingHTTPServer((host, first_port + i if first_port else 0), handler)
            server.daemon_threads = True
            self.states[site.key] = state
            self.servers.append(server)
            self.urls[site.key] = f"http://{host}:{server.server_address[1]}"
        for state in self.states.values():
            state.origins = self.urls

    def start(self) -> "LocalWeb":
        for server in self.servers:
            threading.Thread(target=server.serve_forever, args=(0.05,), name=f"localweb-{server.server_address[1]}",
                             daemon=True).start()
        return self

    def switch(self, web: Web) -> None:
        """Serve `web` (e.g. day 2) behind the same ports; per-request counters start again."""
        for site in web.sites:
            state = self.states[site.key]
            with state.lock:
                state.site = site
                state.counts.clear()
        self.web = web

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
