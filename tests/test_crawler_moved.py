"""A seed whose site moved: http → https, a bureau domain folded into the county portal.

The seed list keeps an address for years; the site behind it redirects elsewhere. Here the
local web's TRS site stands for the new address and a small server on another port for
the old one, answering every request with a 301 to the same path on the new site (as
http://x.gov.cn/ → https://www.x.gov.cn/ does). Before, the crawler refused the seed's
own redirect as off-site and the site came back with no page and no error.
"""
from __future__ import annotations

import http.server
import os
import socketserver
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from localweb.server import LocalWeb
from localweb.web import build_web

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def moved_site():
    web = build_web(1, ["trs"])
    with LocalWeb(web) as server:
        new = server.urls["trs"]

        class MovedPermanently(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(301)
                self.send_header("Location", new + self.path)
                self.end_headers()

            def log_message(self, *args):
                pass

        old = socketserver.ThreadingTCPServer(("127.0.0.1", 0), MovedPermanently)
        threading.Thread(target=old.serve_forever, daemon=True).start()
        try:
            seed = web.seeds(server.urls)[0]
            yield {"name": seed["name"], "old": seed["url"].replace(new, f"http://127.0.0.1:{old.server_address[1]}"),
                   "new": new, "gold": web.sites[0].gold}
        finally:
            old.shutdown()
            old.server_close()


def test_a_seed_that_redirects_to_another_origin_is_crawled_there(moved_site, tmp_path):
    seeds = tmp_path / "seeds.csv"
    seeds.write_text(f"name,url\n{moved_site['name']},{moved_site['old']}\n", encoding="utf-8")
    db = tmp_path / "moved.db"
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_ALLOW_PRIVATE_HOSTS"}
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--db", str(db),
                             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                             "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True", "-s", "NIANBAO_PROGRESS_INTERVAL=0"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"the seed {moved_site['old']} moved to {moved_site['new']}" in result.stderr
    with sqlite3.connect(db) as archive:
        urls = {url for (url,) in archive.execute("SELECT url FROM reports WHERE organ = ?", [moved_site["name"]])}
        pages = archive.execute("SELECT pages FROM crawl_sites").fetchone()[0]
    assert urls == {moved_site["new"] + path for path, _ in moved_site["gold"]}
    assert pages > 1
