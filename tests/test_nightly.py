"""`nianbao nightly`: one run at a time, changes printed, exit status says what failed."""
import csv
import re
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from click.testing import CliRunner

from nianbao.nightly import EX_TEMPFAIL, exclusive_lock, failed_sites, nightly_command


def test_a_second_run_exits_with_a_clear_message_while_the_first_holds_the_lock(tmp_path):
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("name,url\n某局,http://127.0.0.1:9/\n", encoding="utf-8")
    db = tmp_path / "a.db"
    with exclusive_lock(db.with_name("a.db.lock")) as held:
        assert held
        result = CliRunner().invoke(nightly_command, ["--seeds", str(seeds), "--db", str(db)])
    assert result.exit_code == EX_TEMPFAIL
    assert "another run is still going" in result.output and "pid" in result.output
    assert not db.exists()  # nothing was crawled or written


def test_the_lock_is_free_again_after_the_holder_ends(tmp_path):
    path = tmp_path / "x.lock"
    with exclusive_lock(path) as first:
        assert first
        with exclusive_lock(path) as second:
            assert not second
    with exclusive_lock(path) as third:
        assert third


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "x.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl,sys,time; f=open(sys.argv[1],'a'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"
    ), str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with exclusive_lock(path) as acquired:
        assert not acquired
    holder.kill()
    holder.wait()
    with exclusive_lock(path) as acquired:
        assert acquired


def test_failed_sites_are_those_not_reached_or_blocked():
    sites = {
        "ok": {"pages": 12, "blocks": 0, "errors": {"http 404": 2}},
        "down": {"pages": 0, "blocks": 0, "errors": {"connection refused": 3}},
        "waf": {"pages": 3, "blocks": 2, "errors": {"blocked: http 412": 2}},
        "split": {"pages": 9, "blocks": 0, "errors": {"http 404": 1},
                  "partial_reports": {"http://s/t1.html": ["http://s/t1_1.html"]}},
    }
    failed = failed_sites(sites)
    assert len(failed) == 3
    assert failed[0].startswith("down: no page could be fetched (connection refused ×3)")
    assert failed[1].startswith("waf: blocked 2 times")
    assert failed[2] == "split: partial, 1 report(s) read from part of their article's pages (unread: http://s/t1_1.html)"


@pytest.mark.slow
def test_a_night_on_one_local_site_then_a_quiet_second_night(local_web, tmp_path):
    """The second night of an unchanged site asks for every document it holds with a
    conditional request (each answers 304) and reads none of them again."""
    seeds = tmp_path / "seeds.csv"
    with open(seeds, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "url"])
        writer.writerows([[s["name"], s["url"]] for s in local_web.seeds if "trs" in local_web.urls and s["url"].startswith(local_web.urls["trs"])])
    db = tmp_path / "night.db"
    fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
            "--full"]  # a whole walk both nights: every held document is asked (quiet nights: tests/test_revisit.py)
    first = subprocess.run(["nianbao", "nightly", "--seeds", str(seeds), "--db", str(db), *fast], capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "new: 6" in first.stdout
    assert "1 of 1 sites crawled" in first.stderr
    with sqlite3.connect(db) as conn:
        held = {urlsplit(url)._replace(scheme="", netloc="").geturl()
                for (url,) in conn.execute("SELECT url FROM captures WHERE sha256 IS NOT NULL")}
    assert len(held) >= 6  # the reports, and the documents judged not to be reports
    since = len(local_web.log)
    second = subprocess.run(["nianbao", "nightly", "--seeds", str(seeds), "--db", str(db), *fast], capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "new: 0" in second.stdout and "revised: 0" in second.stdout
    asked = {a.path: a.status for a in local_web.log[since:] if a.site == "trs" and a.path in held}
    assert asked and set(asked.values()) == {304}, asked  # every held document asked conditionally: 304
    assert set(asked) == held
    assert second.stderr.count("not read again") == len(held)
    assert not re.search(r"INFO: report \S+ \d{4} \(|Dropped:", second.stderr)  # nothing read again
    assert "reading processes" in first.stderr and "reading processes" not in second.stderr  # none started


@pytest.mark.slow
@pytest.mark.browser
def test_a_javascript_site_sends_known_shells_to_the_browser_and_a_quiet_night_skips_held_reports(local_web, tmp_path):
    """Night 1: once a page of the JavaScript site was an empty shell, the other pages of
    its shape waiting in the site's queue go straight to chromium (no plain fetch of another
    shell first). Night 2: the shapes learned on night 1 go to chromium at once (the seed
    and the list are fetched once each, rendered), and the reports, held without validators
    and younger than NIANBAO_REVISIT_DAYS, are neither fetched nor rendered again."""
    seeds = tmp_path / "seeds.csv"
    base = local_web.urls["jsapp"]
    with open(seeds, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["name", "url"], *[[s["name"], s["url"]] for s in local_web.seeds
                                                    if s["url"].startswith(base)]])
    db = tmp_path / "night.db"
    # a delay between a site's requests, as in production: the first shell is read before
    # the next page of its shape leaves the queue
    polite = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "AUTOTHROTTLE_ENABLED=False",
              "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True", "--full"]
    reports = sum(1 for g in local_web.gold if g["url"].startswith(base))

    def night():
        since = len(local_web.log)
        result = subprocess.run(["nianbao", "nightly", "--seeds", str(seeds), "--db", str(db), *polite],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        return result, [a.path for a in local_web.log[since:] if a.site == "jsapp"]

    first, paths = night()
    assert f"new: {reports}" in first.stdout
    details = [p for p in paths if p.startswith("/detail.html")]
    assert len(details) == reports + 1, details  # one plain shell, then each report once in chromium
    assert paths.count("/index.html") == 2 and paths.count("/list.html?column=ndbg") == 2  # plain, then rendered
    second, paths = night()
    assert "new: 0" in second.stdout and "revised: 0" in second.stdout and "gone: 0" in second.stdout
    assert paths.count("/index.html") == 1 and paths.count("/list.html?column=ndbg") == 1, paths
    assert not [p for p in paths if p.startswith(("/detail.html", "/api/articles"))], paths
    assert second.stderr.count("(revisit, not read again)") == reports


def test_a_site_whose_report_list_failed_counts_as_failed_tonight():
    # the home page answered, the report column timed out: the reports were not checked,
    # and the night's exit status and summary must say so (before: "1 of 1 sites crawled", exit 0)
    sites = {
        "partial": {"pages": 3, "blocks": 0, "errors": {"timeout": 2},
                    "failed": {"http://a.gov.cn/xxgk/ndbg/": {"reason": "timeout", "role": "list"}}},
        "fine": {"pages": 9, "blocks": 0, "errors": {"http 404": 1},
                 "failed": {"http://b.gov.cn/xxgk/ndbg/old.html": {"reason": "http 404", "role": "list"},
                            "http://b.gov.cn/t1.html": {"reason": "timeout", "role": "article"}}},
    }
    failed = failed_sites(sites)
    assert len(failed) == 1 and failed[0].startswith("partial: partial, 1 page(s) on the way to its reports failed")


def test_a_night_with_a_site_down_exits_1_with_its_summary_and_reasons_written(tmp_path):
    """The process ends at once after the night (nianbao.nightly.end_night): everything it
    printed is there, and its exit status says a site failed."""
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("name,url\n某县民政局,http://127.0.0.1:1/\n", encoding="utf-8")
    result = subprocess.run(["nianbao", "nightly", "--seeds", str(seeds), "--db", str(tmp_path / "night.db"),
                             "-s", "RETRY_ENABLED=False", "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "new: 0" in result.stdout and "gone: 0" in result.stdout  # the change summary
    assert "某县民政局: no page could be fetched (connection refused" in result.stderr
    assert result.stderr.rstrip().endswith("nianbao nightly: 0 of 1 sites crawled")
