"""What a crawl shows on the terminal: progress and its summary, not Scrapy's log (crawler/console.py).

Real processes over the local web, with the environment an operator has: the tests'
NIANBAO_VERBOSE (conftest.py) is taken out, so each command runs with its default.
Scrapy's banner, settings, per-report lines and stats dump must go to the log file
beside the archive and stay off the terminal unless -v; -q leaves errors only; a
terminal (a pty here) gets a live progress line, anything else plain progress lines.
"""
from __future__ import annotations

import csv
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
FAST = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_BACKOFF_MAX=1",
        "-s", "NIANBAO_PROGRESS_LINES_SECONDS=0.5"]
SCRAPY_LOG = ("Scrapy 2.", "Overridden settings", "Enabled downloader middlewares", "Dumping Scrapy stats",
              "[scrapy.core.engine] INFO")


def operator_env() -> dict:
    env = dict(os.environ)
    env.pop("NIANBAO_VERBOSE", None)
    return env


@pytest.fixture(scope="module")
def seeds(local_web, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("terminal") / "seeds.csv"
    prefixes = tuple(local_web.urls[key] + "/" for key in ("trs", "attachments"))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "url"])
        writer.writerows([s["name"], s["url"]] for s in local_web.seeds if s["url"].startswith(prefixes))
    return path


def crawl(seeds: Path, db: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--db", str(db),
                           *options, *FAST], cwd=REPO, capture_output=True, text=True, timeout=300, env=operator_env())


def test_a_crawl_prints_progress_lines_and_its_summary_and_keeps_scrapys_log_in_a_file(seeds, tmp_path):
    db = tmp_path / "a.db"
    result = crawl(seeds, db)
    assert result.returncode == 0, result.stderr[-3000:]
    terminal = result.stdout + result.stderr
    for text in SCRAPY_LOG:
        assert text not in terminal, terminal[-3000:]
    assert "Warning" not in terminal and "Traceback" not in terminal, terminal[-3000:]
    assert re.search(r"^progress: \d+/2 sites done, \d+ reports found, \d+ pages, \d+ errors \(\d+ blocks\), "
                     r"\dm\d\ds$", result.stderr, re.M), result.stderr
    assert re.fullmatch(rf"2 sites, \d+ reports, \d+ pages → {re.escape(str(db))} \(log: {re.escape(str(db))}.log\)\n",
                        result.stdout), result.stdout
    log = Path(f"{db}.log").read_text(encoding="utf-8")
    for text in SCRAPY_LOG:
        assert text in log
    assert "DeprecationWarning" not in log  # their causes fixed, not hidden in the file


def test_verbose_shows_scrapys_log_and_quiet_only_errors(seeds, tmp_path):
    verbose = crawl(seeds, tmp_path / "v.db", "-v")
    assert verbose.returncode == 0, verbose.stderr[-3000:]
    assert "Dumping Scrapy stats" in verbose.stderr and "Overridden settings" in verbose.stderr
    assert "Dumping Scrapy stats" in Path(f"{tmp_path / 'v.db'}.log").read_text(encoding="utf-8")

    quiet = crawl(seeds, tmp_path / "q.db", "-q")
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    assert quiet.stdout == "" and quiet.stderr == ""
    assert "Dumping Scrapy stats" in Path(f"{tmp_path / 'q.db'}.log").read_text(encoding="utf-8")


def test_a_terminal_gets_a_live_progress_line(seeds, tmp_path):
    db = tmp_path / "tty.db"
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--db", str(db),
                                *FAST], cwd=REPO, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                               env=operator_env())
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=300) == 0
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert re.search(r"\d/2 sites done \|.*\| \d+ reports, \d+ pages, \d+ errors, \d+ blocks", screen), screen[-2000:]
    assert "\r" in screen.replace("\r\n", "")  # redrawn in place
    assert "progress: " not in screen  # no plain lines on a terminal
    for text in SCRAPY_LOG:
        assert text not in screen
    assert re.search(r"2 sites, \d+ reports, \d+ pages", screen)


def test_the_demo_fits_one_screen(tmp_path):
    db = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", "demo", "--port", "0", "--db", str(db)], cwd=REPO,
                            capture_output=True, text=True, timeout=600, env=operator_env())
    assert result.returncode == 0, result.stderr[-3000:]
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) <= 40, "\n".join(lines)
    assert not any("Warning" in line or any(text in line for text in SCRAPY_LOG) for line in lines), "\n".join(lines)
    assert f"the crawl's log {db}.log" in result.stdout
    assert "Dumping Scrapy stats" in Path(f"{db}.log").read_text(encoding="utf-8")
