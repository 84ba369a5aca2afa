"""A site of fixed pages on a port of its own, and a `nianbao crawl` of it, for tests.

Some tests need a site shaped unlike any of the local web's families (a portal's per-year
columns, a script catalogue): they build its pages with the local web's page helpers and
serve them here, then crawl them as a user would, through the command line.
"""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HTML = "text/html; charset=utf-8"


@contextlib.contextmanager
def serve(pages: dict[str, tuple[str, bytes]], log: list | None = None, query: bool = False):
    """Serve {path: (content type, body)} (query strings ignored, or with `query` matched as
    the last parameter: /x.jsp?fbtime=2023 of /x.jsp?area=1&fbtime=2023; 404 elsewhere);
    yields the base URL. `log`, if given, gets (time.monotonic(), path) for every request."""

    class Static(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if log is not None:
                log.append((time.monotonic(), self.path))
            path, _, params = self.path.partition("?")
            last = params.split("&")[-1] if params else ""
            found = (pages.get(f"{path}?{last}") if query and last else None) or pages.get(path)
            if found is None:
                self.send_response(404)
                self.end_headers()
                return
            content_type, body = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            # a form's POST answered as the GET of its fields: /list.jsp + pageNo=3 is
            # served from "/list.jsp?pageNo=3" (with `query`)
            length = int(self.headers.get("Content-Length") or 0)
            fields = self.rfile.read(length).decode("ascii", "replace")
            self.path = f"{self.path.split('?', 1)[0]}?{fields}" if fields else self.path
            self.do_GET()

        def log_message(self, *args):
            pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Static)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def crawl(organ: str, seed_url: str, work: Path, more: list[tuple[str, str]] = (), db: Path | None = None,
          robots: bool = False, aliases: str = "", settings: tuple[str, ...] = ()) -> list[dict]:
    """`nianbao crawl` of a seed (and `more` seeds) with politeness off (robots.txt too,
    unless `robots`), the first seed with its `aliases` column if given, and more Scrapy
    `settings` ("NAME=value"); the report records it wrote."""
    seeds = work / "seeds.csv"
    rows = [(organ, seed_url, aliases), *((n, u, "") for n, u in more)]
    seeds.write_text("name,url,aliases\n" + "".join(f"{n},{u},{a}\n" for n, u, a in rows), encoding="utf-8")
    out = work / "reports.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_ALLOW_PRIVATE_HOSTS"}
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--jsonl", str(out),
                             *(["--db", str(db)] if db else []),
                             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"ROBOTSTXT_OBEY={robots}",
                             "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True", "-s", "NIANBAO_PROGRESS_INTERVAL=0",
                             *(arg for pair in settings for arg in ("-s", pair))],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]


def nightly(seeds: Path, db: Path, *options: str) -> subprocess.CompletedProcess:
    """`nianbao nightly` of a seed list into an archive, politeness off (robots.txt too);
    it must exit 0."""
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", "nightly", "--seeds", str(seeds), "--db", str(db),
                             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False",
                             "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True", *options],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result
