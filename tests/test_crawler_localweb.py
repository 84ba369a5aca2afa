"""The crawler against the whole local web (day 1), scored with the local web's scorer.

Each crawl runs as a subprocess (`python -m nianbao.cli crawl …`), as a person would run
it: Scrapy's reactor cannot be started twice in one process, and the kill/resume test
needs a process to kill. Politeness is turned down for the local web (it is ours), the
rest of the settings are the product's.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import shutil

import pytest

pytest.importorskip("localweb.score")
from localweb.score import read_jsonl, score  # noqa: E402
from extractors import codebook  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not (os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium")),
                                 reason="the JavaScript-only site needs Debian's chromium")]

REPO = Path(__file__).resolve().parent.parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
        "-s", "RETRY_BACKOFF_MAX=2", "-s", "NIANBAO_PROGRESS_INTERVAL=2"]
CRAWL_TIMEOUT = 900


def crawl_command(seeds: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--jsonl", str(out), *FAST, *extra]


def run_crawl(args: list[str], log: Path) -> subprocess.CompletedProcess:
    with open(log, "w", encoding="utf-8") as handle:
        return subprocess.run(args, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT, timeout=CRAWL_TIMEOUT)


def records_of(path: Path) -> set[tuple]:
    """What must be equal between two crawls: each report's identity and content."""
    return {(r["organ"], r["year"], r["url"], r["published"], r["template"], json.dumps(r["cells"], sort_keys=True))
            for r in read_jsonl(path)}


# day1_crawl (tests/conftest.py): one crawl of the whole day-1 web, shared with the distributed test.


def test_the_whole_local_web_scores_full_marks(local_web, day1_crawl):
    decoys = read_jsonl(local_web.files["decoys"])
    result = score(local_web.gold, read_jsonl(day1_crawl["out"]), decoys)
    print(json.dumps(result, ensure_ascii=False))
    assert result["missed"] == [] and result["recall"] == 1.0
    assert result["decoys_recorded"] == 0 and result["precision"] == 1.0
    assert result["cells"] >= 0.99
    assert result["dates"] == 1.0


def test_the_javascript_site_went_through_chromium(local_web, day1_crawl):
    organ = local_web.web.site("jsapp").seed_name
    site = day1_crawl["sites"][organ]
    wanted = sum(1 for g in local_web.gold if g["organ"] == organ)
    assert site["browser_pages"] > 0 and site["reports"] == wanted
    # …and only there: ordinary sites stay on the plain downloader
    others = [s for name, s in day1_crawl["sites"].items() if name != organ]
    assert all(s["browser_pages"] == 0 for s in others)


def test_politeness_and_traps_are_recorded_per_site(local_web, day1_crawl):
    hostile = day1_crawl["sites"][local_web.web.site("hostile").seed_name]
    assert hostile["errors"].get("robots.txt", 0) >= 1
    fetched = [a.path for a in local_web.log]
    assert not any(path.startswith("/calendar/") for path in fetched), "robots.txt forbids the calendar"
    assert not any("jsessionid" in path.lower() for path in fetched)
    assert "site " + local_web.web.site("trs").seed_name in day1_crawl["log"]  # one line per site at the end


def test_the_archive_holds_every_report_and_the_crawl_statistics(local_web, day1_crawl):
    with sqlite3.connect(day1_crawl["db"]) as db:
        reports = db.execute("SELECT count(*) FROM reports").fetchone()[0]
        sites = db.execute("SELECT count(*) FROM crawl_sites").fetchone()[0]
    assert reports == len(local_web.gold)
    assert sites == len(local_web.seeds)


def test_a_crawl_killed_half_way_resumes_to_the_same_records(local_web, day1_crawl, tmp_path):
    out, jobdir = tmp_path / "reports.jsonl", tmp_path / "job"
    args = crawl_command(local_web.seeds_path, out, "--jobdir", str(jobdir))
    total = len(local_web.gold)
    with open(tmp_path / "killed.log", "w", encoding="utf-8") as handle:
        process = subprocess.Popen(args, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + CRAWL_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if out.exists() and out.read_text(encoding="utf-8").count("\n") >= total // 3:
                break
            time.sleep(0.2)
        assert process.poll() is None, "the crawl finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    written = out.read_text(encoding="utf-8").count("\n")
    assert written < total, "killed too late to show anything"

    result = run_crawl(args, tmp_path / "resumed.log")
    resumed_log = (tmp_path / "resumed.log").read_text(encoding="utf-8")
    assert result.returncode == 0, resumed_log[-3000:]
    assert "was killed" in resumed_log
    assert records_of(out) == records_of(day1_crawl["out"])
    assert len(read_jsonl(out)) == total  # nothing stored twice


def test_day_two_revision_new_report_and_removed_attachment_reach_the_archive(local_web, day1_crawl, tmp_path):
    """Day 2 after day 1 in the same archive: unchanged reports answer 304, the revised
    one makes version 2, the new one version 1, the removed attachment is marked gone."""
    db = tmp_path / "archive.db"
    db.write_bytes(day1_crawl["db"].read_bytes())
    seen_before = len(local_web.log)
    local_web.switch_day(2)
    try:
        # a whole walk: day 2's every change found the first night (quiet nights: tests/test_revisit.py)
        result = run_crawl(crawl_command(local_web.seeds_path, tmp_path / "day2.jsonl", "--db", str(db), "--full"),
                           tmp_path / "day2.log")
    finally:
        statuses = [a.status for a in local_web.log[seen_before:]]
        local_web.switch_day(1)
    assert result.returncode == 0, (tmp_path / "day2.log").read_text(encoding="utf-8")[-3000:]
    with sqlite3.connect(db) as database:
        kinds = dict(database.execute(
            "SELECT kind, count(*) FROM events WHERE crawl_id = (SELECT max(id) FROM crawls) GROUP BY kind").fetchall())
        reasons = [r for (r,) in database.execute("SELECT gone_reason FROM reports WHERE gone_since IS NOT NULL")]
    assert kinds.get("revised") == 1 and kinds.get("new") == 1, kinds
    assert "http_404" in reasons
    assert statuses.count(304) >= 10  # unchanged reports cost the servers a 304, not a download

    # what a researcher gets out of the archive with `nianbao export`
    exported = subprocess.run([sys.executable, "-m", "nianbao.cli", "export", "--db", str(db)], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    latest = [json.loads(line) for line in exported.stdout.splitlines()]
    with sqlite3.connect(db) as database:
        revised = database.execute(
            "SELECT r.id, r.organ, r.year FROM events e JOIN reports r ON r.id = e.report_id "
            "WHERE e.kind = 'revised'").fetchone()
        versions = [v for (v,) in database.execute(
            "SELECT version FROM report_versions WHERE report_id = ? ORDER BY version", (revised[0],))]
        changed = database.execute(
            "SELECT key, change FROM changes WHERE report_id = ? AND from_version = 1 AND to_version = 2",
            (revised[0],)).fetchall()
        new_version = database.execute(
            "SELECT r.latest_version FROM events e JOIN reports r ON r.id = e.report_id "
            "WHERE e.kind = 'new' AND e.crawl_id = (SELECT max(id) FROM crawls)").fetchone()[0]
        # report URLs captured with other bytes on day 2 whose report still has one version
        chrome_only = database.execute(
            "SELECT c.url FROM captures c JOIN report_versions v ON v.url = c.url "
            "JOIN reports r ON r.id = v.report_id WHERE r.latest_version = 1 AND r.gone_since IS NULL "
            "GROUP BY c.url HAVING count(DISTINCT c.sha256) > 1").fetchall()
    cell_keys = set(codebook.all_keys())
    assert versions == [1, 2]
    assert len(changed) == 2 and all(key in cell_keys and change == "changed" for key, change in changed), changed
    assert new_version == 1
    assert chrome_only, "the page whose footer or counter changed was fetched again but made no new version"

    gone = [r for r in latest if r["gone_since"]]
    assert len(gone) == 1 and gone[0]["url"].endswith((".pdf", ".doc", ".docx"))  # kept, marked gone
    result = score(local_web_day2_gold(local_web), [r for r in latest if not r["gone_since"]],
                   read_jsonl(local_web.files["decoys"]))
    assert result["recall"] == 1.0 and result["precision"] == 1.0, result
    assert result["cells"] == 1.0 and result["dates"] == 1.0, result


def local_web_day2_gold(local_web) -> list[dict]:
    """The day-2 gold records (the fixture serves day 1 again after the test)."""
    return local_web.generate(2).gold(local_web.urls)
