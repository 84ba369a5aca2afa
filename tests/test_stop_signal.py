"""SIGTERM (`systemctl stop`, a systemd timeout) or Ctrl-C ends a crawl cleanly and says so.

The night is run as an operator runs it, a real `nianbao nightly` process over three
sites of the local web, with its default job directory; once it has stored a few
documents it gets SIGTERM. It must exit 143 (not 0), say it was stopped (never "N of N
sites crawled"), leave the crawl open in the archive with no site recorded failed, and
keep its job directory; the same command run again resumes that crawl and ends with
what an uninterrupted night holds.
"""
from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SITES = ("trs", "attachments", "hanweb")
# slow enough that the stop comes half-way, fast enough for a test
SETTINGS = ["-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_BACKOFF_MAX=1",
            "-s", "NIANBAO_PROGRESS_INTERVAL=0", "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True"]
TIMEOUT = 300


@pytest.fixture(scope="module")
def seeds(local_web, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stop") / "seeds.csv"
    prefixes = tuple(local_web.urls[key] + "/" for key in SITES)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "url"])
        writer.writerows([s["name"], s["url"]] for s in local_web.seeds if s["url"].startswith(prefixes))
    return path


def rows(db: Path, sql: str) -> list:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []


def stored(db: Path) -> int:
    return (rows(db, "SELECT count(*) FROM captures") or [(0,)])[0][0] if db.exists() else 0


def terminated(command: list[str], local_web, pages: int = 8) -> subprocess.CompletedProcess:
    """Run `command`; once the local web has served it `pages` requests, SIGTERM the process (its own pid only)."""
    start = len(local_web.log)
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while process.poll() is None and len(local_web.log) - start < pages and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.poll() is None, "the crawl ended before it could be stopped:\n" + process.stderr.read()[-3000:]
        os.kill(process.pid, signal.SIGTERM)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def nightly(seeds: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "nightly", "--seeds", str(seeds), "--db", str(db), *SETTINGS]


def archived(db: Path) -> dict:
    """What a night leaves that must not depend on its being stopped: versions and gone reports."""
    return {"versions": set(rows(db, "SELECT r.organ, r.year, v.version, v.record_hash, v.url FROM report_versions v"
                                     " JOIN reports r ON r.id = v.report_id")),
            "gone": set(rows(db, "SELECT organ, year, gone_reason FROM reports WHERE gone_since IS NOT NULL")),
            "sites": sorted(rows(db, "SELECT s.name, cs.status FROM crawl_sites cs JOIN sites s ON s.id = cs.site_id"))}


def test_a_night_stopped_by_sigterm_exits_143_keeps_its_job_and_the_next_run_resumes_it(seeds, local_web, tmp_path):
    reference = tmp_path / "reference.db"
    whole = subprocess.run(nightly(seeds, reference), cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)
    assert whole.returncode == 0, whole.stderr[-3000:]

    db = tmp_path / "night.db"
    job = tmp_path / "night.db.job"
    stopped = terminated(nightly(seeds, db), local_web)
    assert stopped.returncode == 143, stopped.stderr[-3000:]
    assert "nianbao nightly: stopped by SIGTERM before the crawl's end" in stopped.stderr
    assert f"the night is kept in {job}" in stopped.stderr
    assert "sites crawled" not in stopped.stderr and "Traceback" not in stopped.stderr
    assert stopped.stdout == ""  # no change summary of a night half done
    assert (job / "crawl_id").exists() and (job / "nianbao.running").exists()
    assert rows(db, "SELECT count(*), count(ended_at) FROM crawls") == [(1, 0)]  # open, as after a kill
    assert rows(db, "SELECT count(*) FROM crawl_sites") == [(0,)]  # no site recorded failed for good
    assert stored(db) < stored(reference)  # stopped half-way

    resumed = subprocess.run(nightly(seeds, db), cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "nianbao nightly: 3 of 3 sites crawled" in resumed.stderr
    assert rows(db, "SELECT count(*), count(ended_at) FROM crawls") == [(1, 1)]  # the same crawl, now ended
    assert not job.exists()
    assert archived(db) == archived(reference)
    assert {status for _, status in archived(db)["sites"]} == {"ok"}


def test_a_crawl_stopped_by_sigterm_exits_143_without_a_summary(seeds, local_web, tmp_path):
    db = tmp_path / "crawl.db"
    job = tmp_path / "job"
    command = [sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--db", str(db),
               "--jobdir", str(job), *SETTINGS]
    stopped = terminated(command, local_web)
    assert stopped.returncode == 143, stopped.stderr[-3000:]
    assert "nianbao crawl: stopped by SIGTERM before the crawl's end" in stopped.stderr
    assert f"run the same command again to resume it from {job}" in stopped.stderr
    assert " reports, " not in stopped.stdout and "Traceback" not in stopped.stderr
    assert (job / "crawl_id").exists()
