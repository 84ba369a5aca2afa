"""Held reports asked for while their site's server would otherwise wait (crawler/prefetch.py).

The local web's hostile site answers its report column's first request with 503 and
Retry-After: 1, and so does its 2024 report. On a quiet second night the walk could only
reach the reports after the column's second answer, a second later, and then wait out
the report's own Retry-After too. With the held reports asked for during the column's
wait, the walk finds their answers ready; nothing is asked twice, nothing is counted
twice, and a report the column no longer links is still judged gone.
"""
from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from localweb.server import LocalWeb
from localweb.sites.base import Resource, Route
from localweb.web import build_web

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
# the demo's politeness: a delay between a site's requests, AutoThrottle, retries that wait
POLITE = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_START_DELAY=0.05", "-s", "AUTOTHROTTLE_MAX_DELAY=2.0",
          "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True", "-s", "LOG_LEVEL=DEBUG",
          # a whole walk each night (the site's held reports are all asked for): the revisit
          # policy's quiet nights do not ask ahead at all (tests/test_revisit.py)
          "-s", "NIANBAO_FULL_WALK=True"]
COLUMN = "/xxgk/ndbg/index.html"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile site served, and an archive of its first night."""
    work = tmp_path_factory.mktemp("prefetch")
    web = build_web(1, ["hostile"], slow_seconds=0.3)
    with LocalWeb(web) as server:
        seeds = web.write(work, server.urls)["seeds"]
        first = work / "night1.db"
        night(seeds, first, server, web)
        yield {"server": server, "web": web, "seeds": seeds, "night1": first, "work": work}


def night(seeds: Path, db: Path, server, web, *settings: str) -> tuple[subprocess.CompletedProcess, list]:
    """One `nianbao nightly` on a new day of the same content; its log and the requests served."""
    server.switch(web)  # the servers' per-URL counters start again: the column's first answer is a 503
    since = len(server.log)
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", "nightly", "--seeds", str(seeds), "--db", str(db),
                             *POLITE, *settings], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, server.log[since:]


def copy_of(archive: Path, to: Path) -> Path:
    source, copy = sqlite3.connect(archive), sqlite3.connect(to)
    source.backup(copy)
    source.close()
    copy.close()
    return to


def held_reports(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {re.sub(r"^https?://[^/]+", "", url) for (url,) in conn.execute("SELECT url FROM reports")}


def test_held_reports_are_asked_while_the_column_waits_and_not_asked_twice(hostile, tmp_path):
    db = copy_of(hostile["night1"], tmp_path / "archive.db")
    held = held_reports(db)
    result, served = night(hostile["seeds"], db, hostile["server"], hostile["web"])
    assert "new: 0" in result.stdout and "revised: 0" in result.stdout and "gone: 0" in result.stdout
    column_ok = next(i for i, a in enumerate(served) if a.path == COLUMN and a.status == 200)
    asked = [a for a in served if a.path in held]
    # every held report was asked for before the column's second answer: during its Retry-After
    assert {a.path for a in asked[:len(held)]} == held and all(served.index(a) < column_ok for a in asked[:len(held)])
    # once each (the flaky 2024 report: its 503, then the 304 of the retry), never again by the walk
    assert sorted(a.status for a in asked).count(304) == len(held) and len(asked) == len(held) + 1, asked
    # Scrapy counted each answer once: the walk's request answered from what came ahead is not another
    counted = int(re.search(r"'downloader/response_count': (\d+)", result.stderr).group(1))
    assert counted == len(served), (counted, len(served))
    assert result.stderr.count("(not modified, not read again)") == len(held)


def test_without_prefetch_the_held_reports_wait_for_the_walk(hostile, tmp_path):
    """The same night with NIANBAO_PREFETCH off: what the test above rules out happens."""
    db = copy_of(hostile["night1"], tmp_path / "archive.db")
    held = held_reports(db)
    _, served = night(hostile["seeds"], db, hostile["server"], hostile["web"], "-s", "NIANBAO_PREFETCH=False")
    column_ok = next(i for i, a in enumerate(served) if a.path == COLUMN and a.status == 200)
    assert all(i > column_ok for i, a in enumerate(served) if a.path in held)


def test_a_report_the_column_no_longer_links_is_gone_though_its_url_still_answers(hostile, tmp_path):
    db = copy_of(hostile["night1"], tmp_path / "archive.db")
    with sqlite3.connect(db) as conn:
        url, year = conn.execute("SELECT url, year FROM reports ORDER BY year LIMIT 1").fetchone()
    path = re.sub(r"^https?://[^/]+", "", url)
    delisted = build_web(1, ["hostile"], slow_seconds=0.3)
    column = delisted.sites[0].resources[COLUMN]
    column.body = re.sub(rb'<li[^>]*>\s*<a href="' + re.escape(path.encode()) + rb'".*?</li>', b"", column.body,
                         flags=re.S)
    assert path.encode() not in column.body
    try:
        result, served = night(hostile["seeds"], db, hostile["server"], delisted)
    finally:
        hostile["server"].switch(hostile["web"])
    assert [a.status for a in served if a.path == path] == [304]  # asked for ahead, and still there
    assert "gone: 1" in result.stdout, result.stdout  # but the lists no longer show it
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT gone_reason FROM reports WHERE year = ?", [year]).fetchone() == ("not_seen",)


@pytest.mark.parametrize("prefetch", [True, False])
@pytest.mark.parametrize("column_links", ["old", "new"])
def test_a_report_moved_with_the_same_bytes_is_moved_not_gone(hostile, tmp_path, prefetch, column_links):
    """A held report's address now answers 301 to a new one serving the same bytes (so the
    same ETag), the column linking the old address or the new one. The old address's
    If-None-Match must not follow the redirect: sent on, the new address answered 304,
    which says nothing of an address the archive does not hold, and the report was judged
    gone (a blind test of nights, with and without asking ahead)."""
    db = copy_of(hostile["night1"], tmp_path / "archive.db")
    with sqlite3.connect(db) as conn:
        url, year = conn.execute("SELECT url, year FROM reports ORDER BY year LIMIT 1").fetchone()
    old = re.sub(r"^https?://[^/]+", "", url)
    new = old.replace(".html", "_moved.html")
    moved = build_web(1, ["hostile"], slow_seconds=0.3)
    site = moved.sites[0]
    site.resources[new] = site.resources[old]
    site.routes.insert(0, Route("GET", old, lambda request: Resource(b"", status=301, headers={"Location": new},
                                                                     validators=False)))
    if column_links == "new":
        column = site.resources[COLUMN]
        column.body = column.body.replace(f'href="{old}"'.encode(), f'href="{new}"'.encode())
    try:
        result, _ = night(hostile["seeds"], db, hostile["server"], moved, "-s", f"NIANBAO_PREFETCH={prefetch}")
    finally:
        hostile["server"].switch(hostile["web"])
    assert "moved: 1" in result.stdout and "gone: 0" in result.stdout, result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT url, gone_since FROM reports WHERE year = ?", [year]).fetchone()[1] is None
        assert conn.execute("SELECT url FROM reports WHERE year = ?", [year]).fetchone()[0].endswith(new)
    assert not re.search(r"http 304 \(", result.stderr)  # no 304 taken for an error


def test_a_site_counts_the_same_pages_and_reports_with_or_without_asking_ahead(hostile, tmp_path):
    """A site's statistics are its walk's: a document asked for ahead counts as a page when
    the walk takes its answer, not when it comes (nor if the walk never does)."""
    counted = []
    for prefetch in (True, False):
        db = copy_of(hostile["night1"], tmp_path / f"archive-{prefetch}.db")
        night(hostile["seeds"], db, hostile["server"], hostile["web"], "-s", f"NIANBAO_PREFETCH={prefetch}")
        with sqlite3.connect(db) as conn:
            counted.append(conn.execute("SELECT pages, reports, errors, status FROM crawl_sites"
                                        " WHERE crawl_id = (SELECT max(id) FROM crawls)").fetchall())
    assert counted[0] == counted[1], counted
