"""Sites behind a bot shield's JavaScript challenge (localweb/sites/shielded.py), crawled.

The first answer of such a site is HTTP 521 or 412 with a script that sets a cookie and
reloads. Without a browser the crawl got nothing and called the site "no reports"; now the
challenge is passed in chromium, its cookies carry the plain requests, a clearance that
stops working is passed again, and a challenge no browser passes makes the site blocked.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.challenge import is_challenge
from crawler.settings import CHROMIUM_PATH
from local_crawl import crawl_sites
from localweb.score import read_jsonl, score
from localweb.server import LocalWeb
from localweb.sites import shielded
from localweb.web import build_web

REPO = Path(__file__).resolve().parent.parent
SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
            "NIANBAO_PROGRESS_INTERVAL=0"]


def needs_browser(test):
    for mark in (pytest.mark.slow, pytest.mark.browser,
                 pytest.mark.skipif(not CHROMIUM_PATH, reason="Debian's chromium is not installed (install.sh)")):
        test = mark(test)
    return test


def test_a_challenge_is_a_small_script_page_with_a_challenge_status():
    page = (b"<html><body><script>document.cookie='__jsl_clearance_s=1|0|x;path=/';"
            b"location.href=location.pathname+location.search</script></body></html>")
    assert is_challenge(521, page) and is_challenge(412, page) and is_challenge(202, page)
    assert not is_challenge(200, page)                            # a page that runs a script
    assert not is_challenge(521, b"<html><body>Web server is down</body></html>")  # Cloudflare's 521: no script
    article = b"<html><body><script>var a=1;</script><div>" + "政府信息公开工作年度报告".encode() * 40 + b"</div></body></html>"
    assert not is_challenge(412, article)                         # a page with its text, whatever its status


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """One `nianbao crawl` of both shielded bureaus into an archive: records, log, access log."""
    yield crawl_sites(tmp_path_factory.mktemp("shielded"), ["shielded", "bound", "fortress"], SETTINGS)


def summary_lines(log: str) -> dict[str, str]:
    lines = [line.split("site ", 1)[1] for line in log.splitlines() if "[nianbao.sites] INFO: site " in line]
    return {line.split(":")[0].split(" ")[-1]: line for line in lines}


@needs_browser
def test_a_challenge_a_browser_passes_gives_the_sites_reports(night):
    organ = shielded.BUREAUS["shielded"][0]
    records = [r for r in night["records"] if r["organ"] == organ]
    result = score([g for g in night["gold"] if g["organ"] == organ], records)
    assert (result["recall"], result["precision"], result["cells"], result["dates"]) == (1.0, 1.0, 1.0, 1.0), result
    site = night["sites"][organ]
    assert site["blocks"] == 0 and not any(reason.startswith("blocked") for reason in site["errors"])
    assert summary_lines(night["log"])[organ].startswith(f"{organ}: 2 reports")


@needs_browser
def test_the_browser_passes_the_challenge_only_when_the_cookies_stop_working(night):
    organ = shielded.BUREAUS["shielded"][0]
    site = night["sites"][organ]
    served = [a for a in night["access"] if a.site == "shielded" and a.path != "/robots.txt"]
    pages = [a for a in served if a.status == 200]
    challenges = [a for a in served if a.status == 521]
    # each clearance opens CLEARANCE_USES pages, the browser's reload one of them: the rest
    # were plain requests with its cookie, and a new pass came only when it ran out
    passes = len(challenges) // 2  # a pass answers the challenged request again in the browser
    assert site["browser_pages"] == passes >= 2
    assert len(pages) > site["browser_pages"]  # most pages were fetched plain, with the cookie
    assert passes <= -(-len(pages) // (shielded.CLEARANCE_USES - 1)) + 1


@needs_browser
def test_a_site_whose_cookie_works_in_the_browser_only_is_read_in_the_browser(night):
    organ = shielded.BUREAUS["bound"][0]
    records = [r for r in night["records"] if r["organ"] == organ]
    result = score([g for g in night["gold"] if g["organ"] == organ], records)
    assert (result["recall"], result["precision"], result["cells"], result["dates"]) == (1.0, 1.0, 1.0, 1.0), result
    assert "work in the browser only: the site's pages are read there" in night["log"]
    site = night["sites"][organ]
    assert site["blocks"] == 0 and site["reports"] == 2
    # two passes whose cookies were refused, then its pages in the browser, not a plain
    # challenged request before each
    served = [a for a in night["access"] if a.site == "bound" and a.path != "/robots.txt"]
    plain_challenged = len(served) - site["browser_pages"] - sum(1 for a in served if a.status == 200)
    assert site["browser_pages"] >= 4 and plain_challenged <= 4


@needs_browser
def test_a_challenge_no_browser_passes_makes_the_site_blocked_not_empty(night):
    organ = shielded.BUREAUS["fortress"][0]
    line = summary_lines(night["log"])[organ]
    assert line.startswith(f"BLOCKED {organ}: 0 reports"), line
    assert "blocked: JavaScript challenge (HTTP 412) not passed in the browser" in line
    with sqlite3.connect(night["db"]) as conn:
        rows = dict(conn.execute("SELECT s.name, cs.status FROM crawl_sites cs JOIN sites s ON s.id = cs.site_id"))
        reasons = json.loads(conn.execute("SELECT cs.reasons FROM crawl_sites cs JOIN sites s ON s.id = cs.site_id"
                                          " WHERE s.name = ?", [organ]).fetchone()[0])
    assert rows == {shielded.BUREAUS["shielded"][0]: "ok", shielded.BUREAUS["bound"][0]: "ok", organ: "blocked"}
    assert any(reason.startswith("blocked: JavaScript challenge (HTTP 412)") for reason in reasons)
    # the browser tried once, and the plain requests stopped there: no hammering of the shield
    served = [a for a in night["access"] if a.site == "fortress" and a.path != "/robots.txt"]
    assert len(served) <= 3


@needs_browser
def test_a_resumable_crawl_passes_the_challenge_as_a_plain_one_does(tmp_path):
    """With a JOBDIR every answer is kept for a resumed crawl (crawler.resume): a challenge
    is never the page, and the request sent again with the pass's cookies must be fetched,
    not answered with the challenge kept."""
    with LocalWeb(build_web(1, ["shielded"])) as server:
        files = server.web.write(tmp_path, server.urls)
        result = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(files["seeds"]),
                                 "--jsonl", str(tmp_path / "reports.jsonl"), "--jobdir", str(tmp_path / "job"),
                                 *(arg for pair in SETTINGS for arg in ("-s", pair))],
                                cwd=REPO, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        records = read_jsonl(tmp_path / "reports.jsonl")
        assert score(read_jsonl(files["gold"]), records)["recall"] == 1.0
        assert "work in the browser only" not in result.stderr
        served = [a for a in server.log if a.path != "/robots.txt"]
        assert sum(1 for a in served if a.status == 200) > 2 * sum(1 for a in served if a.status == 521) - 2

