"""Faults and hostile input on the local web's fault site (localweb/sites/faults.py).

One crawl of the fault site, as a subprocess like a person would run it, and one test per
fault or attack: the crawl finishes, each failure is recorded in the archive against its
site and URL (crawl_errors, crawl_sites), nothing crashes, and every report that can be
read is archived. The same crawl runs with an audit hook in every Python process it starts
(a sitecustomize on PYTHONPATH) that logs each file it opens for writing, so the test of
attachment names with path traversal can show that nothing is written outside the
crawl's own temporary directory. A second night then checks that a report whose URL
failed is not judged gone while a withdrawn one is.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from localweb.server import LocalWeb
from localweb.sites import faults
from localweb.web import build_web

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
# The product's settings, but short timeouts (the slow page waits 8 s, the timeout is 3 s),
# one retry, a download limit an endless body reaches in well under the timeout, and the
# local web's loopback address allowed.
SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_TIMEOUT=3", "RETRY_TIMES=1",
            "RETRY_BACKOFF_MAX=0.5", "DOWNLOAD_MAXSIZE=8000000", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
            "NIANBAO_PROGRESS_INTERVAL=0"]
AUDIT_HOOK = '''
import os, sys
_log = os.open(os.environ["NIANBAO_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

def _hook(event, args):
    path = None
    if event == "open" and isinstance(args[0], (str, bytes)):
        mode, flags = args[1], args[2] or 0
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or flags & _WRITE:
            path = args[0]
    elif event in ("os.rename", "os.replace", "os.link", "os.symlink", "shutil.copyfile", "shutil.move"):
        path = args[1]
    elif event in ("os.mkdir", "os.truncate", "os.remove", "os.rmdir", "sqlite3.connect", "shutil.rmtree"):
        path = args[0]
    elif event == "subprocess.Popen":
        path = " ".join(map(str, args[1] or ()))
    if isinstance(path, (str, bytes, os.PathLike)):
        line = "%s\\t%s\\n" % (event, os.fsdecode(path))
        os.write(_log, line.encode("utf-8", "replace"))

sys.addaudithook(_hook)
'''


def run_crawl(seeds: Path, work: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    """`nianbao crawl` in `work`, with HOME, TMPDIR and the audit log all inside it."""
    hook_dir = work / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
    (work / "home").mkdir(exist_ok=True)
    (work / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(hook_dir), str(REPO)])),
           "NIANBAO_AUDIT_LOG": str(work / "writes.log"), "HOME": str(work / "home"),
           "TMPDIR": str(work / "tmp"), "PYTHONDONTWRITEBYTECODE": "1"}
    settings = [arg for pair in SETTINGS for arg in ("-s", pair)]
    args = [sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--db", str(db),
            "--jsonl", str(work / "reports.jsonl"), *settings, *extra]
    return subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def fault_web():
    with LocalWeb(build_web(1, ["faults"])) as server:
        yield server


@pytest.fixture(scope="module")
def night(fault_web, tmp_path_factory):
    """One crawl of the fault site; its seed list also has bad rows and a duplicate."""
    work = tmp_path_factory.mktemp("faults")
    base = fault_web.urls["faults"]
    seeds = work / "seeds.csv"
    seeds.write_text("name,url\n"
                     f"{faults.ORGAN},{base}/index.html\n"          # line 2: the one good row
                     ",http://nobody.example.gov.cn/\n"            # line 3: no name
                     "坏网址局,ftp://files.example.gov.cn/\n"         # line 4: not http(s)
                     f"{faults.ORGAN},{base}/index.html\n"          # line 5: duplicate
                     "括号局,http://[::1/\n"                         # line 6: a URL urlsplit rejects
                     "端口局,http://bad-port.gov.cn:99999/\n",        # line 7: no such port
                     encoding="utf-8")
    db = work / "archive.db"
    result = run_crawl(seeds, work, db, "--jobdir", str(work / "job"))  # the resume cache writes files too
    with sqlite3.connect(db) as database:
        reports = dict(database.execute("SELECT url, year FROM reports").fetchall())
        errors = {url: (role, reason) for url, role, reason in database.execute(
            "SELECT url, role, reason FROM crawl_errors WHERE crawl_id = 1")}
        status, reasons = database.execute("SELECT status, reasons FROM crawl_sites WHERE crawl_id = 1").fetchone()
    return {"result": result, "work": work, "db": db, "base": base, "reports": reports, "errors": errors,
            "status": status, "reasons": json.loads(reasons),
            "sites": json.loads((work / "reports.jsonl.sites.json").read_text(encoding="utf-8"))}


def test_the_crawl_finishes_and_archives_every_readable_report(night):
    result = night["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    gold = {night["base"] + path: record["year"] for path, record in build_web(1, ["faults"]).sites[0].gold}
    assert night["reports"] == gold
    assert night["status"] == "ok"  # failed report URLs are recorded, the site itself was crawled


@pytest.mark.parametrize("year,reasons", [
    (2017, {"connection reset"}),
    (2016, {"truncated body"}),
    (2015, {"redirect loop"}),
    (2014, {"too large", "timeout"}),   # an endless body: cut by DOWNLOAD_MAXSIZE, or by the timeout first
    (2013, {"timeout"}),                # no answer for longer than DOWNLOAD_TIMEOUT
    (2012, {"timeout"}),                # an answer that trickles forever
], ids=lambda v: faults.TRANSPORT.get(v, "") if isinstance(v, int) else "")
def test_a_transport_fault_is_recorded_against_its_site_and_url(night, year, reasons):
    url = night["base"] + faults.article_path(year)
    assert year not in night["reports"].values()
    role, reason = night["errors"][url]
    assert role == "article" and reason in reasons
    assert night["reasons"][reason] >= 1
    assert night["sites"][faults.ORGAN]["failed"][url]["reason"] == reason


@pytest.mark.parametrize("year", [2023, 2022, 2021, 2020])
def test_a_report_served_with_a_wrong_or_no_content_type_is_archived(night, year):
    kind = faults.READABLE[year][1]
    url = night["base"] + (faults.article_path(year) if kind == "html" else faults.attachment_path(year, kind))
    assert night["reports"].get(url) == year


@pytest.mark.parametrize("year,reasons", [
    (2011, {"extract hostile"}),                       # zip bomb: refused before inflating
    (2010, {"extract hostile"}),                       # entity bomb: refused before parsing
    (2006, {"extract hostile"}),                       # content bomb: refused before parsing
    (2007, {"extract corrupt"}),                       # xref chain that loops
    (2009, {None, "extract timeout"}),                 # 20,000 pages: the first 300 read, or the time is up
    (2008, {None}),                                    # page tree that loops: walked once, nothing in it
], ids=lambda v: faults.HOSTILE[v][0] if isinstance(v, int) else "")
def test_a_hostile_document_is_stopped_by_a_limit_and_recorded(night, year, reasons):
    _, kind, _ = faults.HOSTILE[year]
    url = night["base"] + faults.attachment_path(year, kind)
    assert url not in night["reports"]
    assert night["errors"].get(url, (None, None))[1] in reasons


def test_attachment_names_never_write_outside_the_crawls_own_directory(night):
    """The .doc named ../../../<canary>.doc went through LibreOffice, the PDF named
    /tmp/<canary>.pdf and linked as ../../../../etc/passwd.pdf was archived, every answer
    went into the resume cache (--jobdir): every file any process of the crawl opened for
    writing is inside its temporary directory."""
    work = night["work"].resolve()
    writes = (work / "writes.log").read_text(encoding="utf-8").splitlines()
    assert any("--convert-to" in line for line in writes), "the .doc was not converted: no proof"
    assert any("/job/httpcache/" in line for line in writes), "nothing went through the cache: no proof"
    outside = []
    for line in writes:
        event, _, target = line.partition("\t")
        paths = [target]
        if event == "subprocess.Popen":  # where a program is told to write: LibreOffice's profile and --outdir
            words = target.split(" ")
            paths = [w.split("=file://")[-1] for w in words if w.startswith("-env:UserInstallation=")]
            paths += [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--outdir"]
        for path in paths:
            if path.startswith("/") and not path.startswith("/dev/") and not Path(path).resolve().is_relative_to(work):
                outside.append(line)
    assert outside == []
    assert not any(faults.CANARY in line for line in writes)
    assert not Path(f"/tmp/{faults.CANARY}.pdf").exists()
    assert not (work / f"../../../{faults.CANARY}.doc").resolve().exists()
    assert not list(work.parent.glob(f"**/{faults.CANARY}*"))
    assert night["reports"].get(night["base"] + "/etc/passwd.pdf") == 2018


def test_bad_and_duplicate_seed_rows_are_named_by_line_and_the_rest_crawled(night):
    stderr = night["result"].stderr
    for line, what in [(3, "no name"), (4, "bad url"), (5, "duplicate"), (6, "bad url"), (7, "bad url")]:
        assert any(f"line {line}:" in row and what in row for row in stderr.splitlines() if "seed skipped" in row), \
            (line, stderr[-2000:])
    assert list(night["sites"]) == [faults.ORGAN]


def test_a_report_whose_url_failed_tonight_is_not_judged_gone(night, fault_web, tmp_path):
    """Day 2: the 2024 report's article resets the connection, the 2023 report is no longer
    listed. The archive marks 2023 gone (the site was crawled, the report was not there)
    but not 2024: a reset says nothing about whether the report is still published."""
    db = tmp_path / "archive.db"
    db.write_bytes(night["db"].read_bytes())
    fault_web.switch(build_web(2, ["faults"]))
    try:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(f"name,url\n{faults.ORGAN},{night['base']}/index.html\n", encoding="utf-8")
        result = run_crawl(seeds, tmp_path, db)
    finally:
        fault_web.switch(build_web(1, ["faults"]))
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db) as database:
        gone = dict(database.execute("SELECT year, gone_reason FROM reports WHERE gone_since IS NOT NULL").fetchall())
        failed = database.execute("SELECT role, reason FROM crawl_errors WHERE crawl_id = 2 AND url = ?",
                                  [night["base"] + faults.article_path(2024)]).fetchone()
    assert gone == {2023: "not_seen"}
    assert failed == ("article", "connection reset")
