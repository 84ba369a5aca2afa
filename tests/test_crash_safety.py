"""A night killed with SIGKILL at any point: the archive stays consistent and a rerun completes it.

Three sites of the local web (TRS pages, attachment-only reports in PDF/DOCX/DOC with a
page + PDF copy, Hanweb's dataproxy lists) are crawled with `nianbao nightly` exactly as
an operator runs it: into an archive, with its default job directory `<db>.job`, which
is how a killed night resumes (every rerun below is the same command, same job directory).

Twelve kill points, in two chains (one per night): a night is killed at the chain's first point,
its rerun at the second, and so on; the last rerun runs to its end. After every kill
the archive is checked (`PRAGMA integrity_check`, foreign keys, every report's latest
version present, and nothing committed before the kill missing; at a store kill point,
exactly the documents before it are there). At the end of a chain its archive must
hold what an uninterrupted night's holds: every version of every report (organ, year,
version number, URL, the spec record, the bytes it was read from) and which reports are
gone, with their reasons. Timestamps are not compared. Chaining the kills (rather than
one kill and one complete rerun each) keeps the test within a few minutes, and also shows
that a night killed several times over still ends where it should.

Night 1 goes into an empty archive; night 2 (the day-2 web: a revision, a new report, a
removed attachment) into night 1's. The points are chosen two ways:
- watching progress from outside: the local web's access log (the first page fetches) or
  the archive's rows (half a night's documents committed),
  then SIGKILL;
- the archive's test hook `NIANBAO_TEST_KILL` (archive/killpoint.py), which makes the
  process kill itself at an exact point no outside timing can hit: inside a transaction
  just before its COMMIT, or right after it (creating the schema, the crawl's first row,
  the last-but-one stored document inside its batch, just before and just after the
  second batch of documents commits, marking a removed attachment gone, the end-of-crawl
  bookkeeping and just after it, before the job directory is cleared). The archive
  commits documents in batches; a kill loses the open one, which the rerun stores.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import export, schema
from archive.records import SPEC_FIELDS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SITES = ("trs", "attachments", "hanweb")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
        "-s", "RETRY_BACKOFF_MAX=1", "-s", "NIANBAO_PROGRESS_INTERVAL=0", "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
        # batches of 4 documents (the archive commits them together): a night of ~20 is several
        "-s", "NIANBAO_STORE_BATCH_ITEMS=4",
        "--full"]  # whole walks: a night 2 that reads what it read on night 1 (quiet nights: tests/test_revisit.py)
TIMEOUT = 300


# ---------------------------------------------------------------- running a night

def night_command(seeds: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "nightly", "--seeds", str(seeds), "--db", str(db), *FAST]


def run_night(seeds: Path, db: Path, log: Path) -> None:
    """A night run to its end (exit 0: every site crawled)."""
    with open(log, "w", encoding="utf-8") as out:
        result = subprocess.run(night_command(seeds, db), cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                timeout=TIMEOUT)
    assert result.returncode == 0, log.read_text(encoding="utf-8")[-3000:]


def killed_night(seeds: Path, db: Path, log: Path, *, hook: str | None = None, until=None) -> set:
    """Start a night and have it killed: by the hook, or with SIGKILL once `until(db)` is true.

    Returns what the archive held, committed, at the last look before the kill (the
    versions a kill must not lose). The night's helpers (document readers, LibreOffice)
    are in its process group and are reaped with it, as a supervisor would.
    """
    env = dict(os.environ)
    env.pop("NIANBAO_TEST_KILL", None)
    if hook:
        env["NIANBAO_TEST_KILL"] = hook
    committed: set = set()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(night_command(seeds, db), cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
        deadline = time.monotonic() + TIMEOUT
        try:
            while process.poll() is None and time.monotonic() < deadline:
                committed = polled(versions, db, committed)
                if until is not None and polled(until, db, False):
                    committed = polled(versions, db, committed)
                    os.kill(process.pid, signal.SIGKILL)
                    break
                time.sleep(0.05)
            process.wait(timeout=60)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    text = log.read_text(encoding="utf-8")
    assert process.returncode == -signal.SIGKILL, f"the night was not killed (exit {process.returncode}):\n{text[-3000:]}"
    if hook:
        name, when, n = hook.split(":")
        assert f"killpoint: {name} {when} #{n}" in text, text[-3000:]
    return committed


# ---------------------------------------------------------------- reading an archive

def polled(look, db: Path, default):
    """`look(db)` while a night writes it; `default` if the file is not a database yet."""
    try:
        return look(db)
    except sqlite3.DatabaseError:
        return default


def query(db: Path, sql: str, args=()) -> list:
    """Rows of a read-only query; [] when the archive or its tables do not exist yet."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc) or "unable to open" in str(exc):
            return []
        raise


def versions(db: Path) -> set:
    """(organ, year, version, record_hash) of every report version committed."""
    return set(query(db, "SELECT organ, year, version, record_hash FROM report_versions"))


def content(db: Path) -> dict:
    """What must be equal to an uninterrupted night's archive (timestamps left out)."""
    conn = schema.connect(db, readonly=True)
    try:
        rows = [(r["organ"], r["year"], r["version"], r["url"], r["capture_sha256"], r["gone_since"] is not None,
                 json.dumps({f: r[f] for f in SPEC_FIELDS}, ensure_ascii=False, sort_keys=True))
                for r in export.report_records(conn, all_versions=True)]
        gone = conn.execute("SELECT organ, year, gone_reason FROM reports WHERE gone_since IS NOT NULL").fetchall()
    finally:
        conn.close()
    return {"versions": sorted(rows), "gone": sorted(map(tuple, gone))}


def assert_consistent(db: Path, committed: set) -> None:
    """What a kill must leave: a sound database that lost nothing it had committed."""
    if not db.exists():
        assert not committed
        return
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "PRAGMA foreign_key_check") == []
    # every report points at its latest version, which is its highest
    assert query(db, "SELECT r.id FROM reports r LEFT JOIN report_versions v ON v.id = r.latest_version_id"
                     " WHERE v.id IS NULL OR v.version != r.latest_version"
                     " OR v.version != (SELECT max(version) FROM report_versions WHERE report_id = r.id)") == []
    missing = committed - versions(db)
    assert not missing, f"committed before the kill, missing after it: {sorted(missing)}"


# ---------------------------------------------------------------- the nights

@pytest.fixture(scope="module")
def nights(local_web, tmp_path_factory):
    """Seeds of three sites, and the archives of an uninterrupted night 1 and night 1 + night 2."""
    work = tmp_path_factory.mktemp("crash")
    seeds = work / "seeds.csv"
    prefixes = tuple(local_web.urls[key] + "/" for key in SITES)
    with open(seeds, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "url"])
        writer.writerows([s["name"], s["url"]] for s in local_web.seeds if s["url"].startswith(prefixes))
    one = work / "night1.db"
    run_night(seeds, one, work / "night1.log")
    two = work / "night2.db"
    shutil.copy(one, two)
    local_web.switch_day(2)
    try:
        run_night(seeds, two, work / "night2.log")
    finally:
        local_web.switch_day(1)
    reference = {1: content(one), 2: content(two)}
    assert len(reference[1]["versions"]) >= 15
    assert {r[2] for r in reference[2]["versions"]} == {1, 2}  # night 2 revised a report
    assert reference[2]["gone"]  # …and found an attachment removed
    # every document a night meets is one store (one capture): the count places kill points
    return {"seeds": seeds, "base": {1: None, 2: one}, "reference": reference,
            "stores": {1: captures(one), 2: captures(two) - captures(one)}}


def captures(db: Path) -> int:
    return (query(db, "SELECT count(*) FROM captures") or [(0,)])[0][0]


# Each kill point: (name, hook) or (name, condition(web, access-log start, db, captures at start, stores per night)).
FIRST_FETCHES = ("during the first page fetches",
                 lambda web, start, db, c0, stores: len(web.log) - start >= 4)
HALF_STORED = ("with half of the night's documents stored",
               lambda web, start, db, c0, stores: captures(db) >= c0 + stores // 2)
# Chains: each kill is followed by a rerun (same command, same job directory), itself
# killed at the next point; the last rerun runs to the end.
CHAINS = {
    "night 1": (1, [
        ("creating the schema", "upgrade:before:1"),
        ("just after the crawl's row was committed", "begin_crawl:after:1"),
        FIRST_FETCHES,
        HALF_STORED,
        ("inside the last-but-one document's store, in its batch", "store:before:{last}"),
        ("just before the second batch's commit", "batch:before:2"),
        ("inside the end-of-crawl bookkeeping", "end_crawl:before:1"),
        ("just after the end-of-crawl bookkeeping", "end_crawl:after:1"),
    ]),
    "night 2": (2, [
        HALF_STORED,  # (its revision is committed in a batch, by then or at the end)
        ("inside marking the removed attachment gone", "mark_gone:before:1"),
        ("just after the second batch's commit", "batch:after:2"),
        ("inside the end-of-crawl bookkeeping", "end_crawl:before:1"),
    ]),
}


@pytest.mark.parametrize("chain", list(CHAINS))
def test_a_night_killed_at_any_point_leaves_a_sound_archive_and_a_rerun_completes_it(chain, nights, local_web,
                                                                                      tmp_path):
    night, points = CHAINS[chain]
    db = tmp_path / "archive.db"
    if nights["base"][night] is not None:
        shutil.copy(nights["base"][night], db)
    stores = nights["stores"][night]
    if night == 2:
        local_web.switch_day(2)
    try:
        for i, (name, point) in enumerate(points):
            before, c0, start = versions(db), captures(db), len(local_web.log)
            hook = point.format(last=stores - 1) if isinstance(point, str) else None
            until = None if hook else (lambda path, point=point: point(local_web, start, path, c0, stores))
            committed = killed_night(nights["seeds"], db, tmp_path / f"killed{i}.log", hook=hook, until=until)
            assert_consistent(db, committed | before)
            if hook and hook.split(":")[0] in ("store", "batch"):
                # one capture per stored document: exactly those of the batches committed
                # before the kill are there (the batch it was in is lost, for the rerun to store)
                text = (tmp_path / f"killed{i}.log").read_text(encoding="utf-8")
                sizes = [int(n) for n in re.findall(r"committing a batch of (\d+) documents", text)]
                lost = sizes[-1] if hook.startswith("batch:before:") else 0
                assert captures(db) - c0 == sum(sizes) - lost, name
            if point is FIRST_FETCHES:
                assert not versions(db), "killed too late: a report was already stored"
        run_night(nights["seeds"], db, tmp_path / "rerun.log")
    finally:
        if night == 2:
            local_web.switch_day(1)
    assert content(db) == nights["reference"][night]
