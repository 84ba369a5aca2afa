"""The revisit policy (crawler/revisit.py): its rules, and what sequences of nights find.

The rules are pure functions of a date, a URL and what the archive knows. The nights are
`nianbao nightly` runs on the local web's TRS site (six reports, a report column of two
list pages, ETags everywhere), each with its date given (NIANBAO_TODAY), the site's
content changed between nights as a real site's would be. The dates are chosen from the
rules themselves (a night that is not the site's whole walk, a report whose rotation
night is not tonight), so each test shows the rule it is about and nothing else.
"""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler import revisit
from crawler.revisit import column_surprise, full_walk_due, report_due, slot, surprise, tonight, worth_asking_again
from localweb.server import LocalWeb
from localweb.sites import trs
from localweb.web import build_web

REPO = Path(__file__).resolve().parent.parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
        "-s", "NIANBAO_PREFETCH=False"]
COLUMN = "/xxgk/ndbg/"
NOVEMBER = dt.date(2026, 11, 2)   # out of the deadline season; the local web's reports are older than 60 days


# --- the rules -------------------------------------------------------------------------------

def test_every_held_report_is_due_once_in_any_seven_consecutive_nights_and_about_a_seventh_a_night():
    urls = [f"http://a.gov.cn/art/{i}.html" for i in range(700)]
    nights = [NOVEMBER + dt.timedelta(days=n) for n in range(revisit.ROTATION_NIGHTS)]
    due = [{u for u in urls if report_due(u, night, None)} for night in nights]
    assert set().union(*due) == set(urls)
    assert all(not (a & b) for i, a in enumerate(due) for b in due[i + 1:])  # once each
    assert all(50 <= len(d) <= 150 for d in due), [len(d) for d in due]  # about 100 of 700
    assert revisit.ROTATION_NIGHTS == 7


def test_recent_reports_and_the_deadline_season_are_due_every_night():
    url = "http://a.gov.cn/art/1.html"
    off = next(NOVEMBER + dt.timedelta(days=n) for n in range(7) if slot(url) != tonight(NOVEMBER + dt.timedelta(days=n)))
    assert not report_due(url, off, dt.date(2025, 1, 20))
    assert report_due(url, off, off - dt.timedelta(days=revisit.RECENT_DAYS))
    assert not report_due(url, off, off - dt.timedelta(days=revisit.RECENT_DAYS + 1))
    february = next(dt.date(2027, 2, 1) + dt.timedelta(days=n) for n in range(7)
                    if slot(url) != tonight(dt.date(2027, 2, 1) + dt.timedelta(days=n)))
    assert report_due(url, february, dt.date(2025, 1, 20))
    assert all(report_due(url, dt.date(2027, m, 15), None) for m in (1, 2, 3))


def test_a_site_is_walked_whole_on_its_night_of_the_week_and_never_less_than_weekly():
    sites = [f"http://{i}.gov.cn/" for i in range(140)]
    week = [NOVEMBER + dt.timedelta(days=n) for n in range(7)]
    for site in sites:  # walked whole yesterday: whole again only on its own night
        whole = [n for n in week if full_walk_due(site, n, n - dt.timedelta(days=1), 2)]
        assert len(whole) == 1
    spread = [sum(full_walk_due(s, n, n - dt.timedelta(days=1), 2) for s in sites) for n in week]
    assert all(8 <= k <= 35 for k in spread), spread  # spread over the week, about 20 a night
    site = sites[0]
    quiet = next(n for n in week if slot(site) != tonight(n))
    assert not full_walk_due(site, quiet, quiet - dt.timedelta(days=6), 2)
    assert full_walk_due(site, quiet, quiet - dt.timedelta(days=7), 2)  # nights were missed: a week is the most
    assert full_walk_due(site, quiet, None, 2)  # never walked whole
    assert full_walk_due(site, quiet, quiet - dt.timedelta(days=1), 0)  # no column known
    assert full_walk_due(site, quiet, quiet - dt.timedelta(days=1), 2, forced=True)  # --full
    assert full_walk_due(site, quiet, quiet - dt.timedelta(days=1), 2, unread_attachments=1)


def test_what_widens_a_quiet_walk():
    assert surprise(404, False, False) and surprise(410, True, False)
    assert surprise(200, False, True)  # a redirect
    assert surprise(200, True, False)  # a 200 where a 304 was expected
    assert surprise(304, True, False) is None and surprise(200, False, False) is None
    assert surprise(503, True, False) is None  # a failure says nothing of a change (the site is partial)
    assert column_surprise(200, False, False)  # a column that lists no report any more
    assert column_surprise(200, True, False) is None and column_surprise(304, False, False) is None
    assert column_surprise(200, False, True) is None  # a shell on its way to the browser


def test_only_a_transport_failure_or_a_busy_server_is_worth_asking_again():
    for reason in ("timeout", "connection reset", "truncated body", "http 503", "http 429"):
        assert worth_asking_again(reason), reason
    for reason in ("too large", "extract hostile", "trap", "robots.txt", "redirect loop", "http 403", "http 404"):
        assert not worth_asking_again(reason), reason


# --- nights on the local web -------------------------------------------------------------------

@pytest.fixture
def site(tmp_path):
    """The TRS site served, its seed list and an archive after a first (whole) night."""
    web = build_web(1, ["trs"])
    with LocalWeb(web) as server:
        seeds = web.write(tmp_path, server.urls)["seeds"]
        seed_url = server.urls["trs"].rstrip("/") + "/"
        db = tmp_path / "archive.db"
        first = quiet_nights(seed_url, NOVEMBER, 1)[0] - dt.timedelta(days=1)
        result, _ = night(server, web, seeds, db, first)
        assert "new: 6" in result.stdout, result.stdout
        yield {"server": server, "web": web, "seeds": seeds, "db": db, "seed_url": seed_url, "first": first,
               "tmp": tmp_path}


def night(server, web, seeds, db, today: dt.date, *settings):
    server.switch(web)
    since = len(server.log)
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", "nightly", "--seeds", str(seeds), "--db", str(db),
                             *FAST, "-s", f"NIANBAO_TODAY={today.isoformat()}", *settings],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, [a for a in server.log[since:] if a.site == "trs"]


def quiet_nights(seed_url: str, start: dt.date, count: int) -> list[dt.date]:
    """`count` consecutive nights from about `start`, none of them the site's whole walk."""
    for offset in range(14):
        nights = [start + dt.timedelta(days=offset + n) for n in range(count)]
        if all(slot(seed_url) != tonight(n) for n in nights):
            return nights
    raise AssertionError("no such nights")


def paths(served) -> list[str]:
    return [a.path for a in served]


def reports(db) -> dict[int, tuple]:
    with sqlite3.connect(db) as conn:
        return {year: (re.sub(r"^https?://[^/]+", "", url), gone, version) for year, url, gone, version in
                conn.execute("SELECT year, url, gone_since, latest_version FROM reports")}


def test_a_quiet_night_asks_the_column_and_tonights_reports_only_and_judges_nothing_it_did_not_ask(site):
    """The night after a whole walk, not the site's night: its column's first page
    (conditionally: 304), the reports due tonight, nothing else; and a report removed
    (its page 404, its link gone from the column's second page) is not judged gone by a
    night that did not ask for it."""
    held = reports(site["db"])
    tonight_ = site["first"] + dt.timedelta(days=1)
    due = {path for year, (path, _, _) in held.items() if report_due(site["seed_url"] + path[1:], tonight_, None)}
    removed_year = next(y for y, (p, _, _) in held.items() if p not in due and y <= 2020)  # on the second list page
    removed = held[removed_year][0]
    web = build_web(1, ["trs"])
    del web.sites[0].resources[removed]
    page2 = web.sites[0].resources[COLUMN + "index_1.html"]
    page2.body = re.sub(rb'<li[^>]*>\s*<a href="[^"]*' + re.escape(removed.rsplit("/", 1)[1].encode()) + rb'".*?</li>',
                        b"", page2.body, flags=re.S)
    result, served = night(site["server"], web, site["seeds"], site["db"], tonight_)
    assert "a quiet walk tonight" in result.stderr and "widened" not in result.stderr, result.stderr[-3000:]
    asked = paths(served)
    assert COLUMN in asked and "/" not in asked and "/index.html" not in asked and "/xxgk/" not in asked
    assert COLUMN + "index_1.html" not in asked
    assert {p for p in asked if p in {h[0] for h in held.values()}} == due
    assert {a.status for a in served if a.path in due} <= {304}
    assert "gone: 0" in result.stdout, result.stdout
    assert reports(site["db"])[removed_year][1] is None  # not asked: not judged


def test_a_removed_report_is_found_gone_within_seven_nights(site):
    held = reports(site["db"])
    removed_year = 2019
    removed = held[removed_year][0]
    web = build_web(1, ["trs"])
    del web.sites[0].resources[removed]
    page2 = web.sites[0].resources[COLUMN + "index_1.html"]
    page2.body = page2.body.replace(removed.rsplit("/", 1)[1].encode(), b"gone.html")
    for n in range(1, 8):
        result, _ = night(site["server"], web, site["seeds"], site["db"], site["first"] + dt.timedelta(days=n))
        if reports(site["db"])[removed_year][1] is not None:
            break
    assert reports(site["db"])[removed_year][1] is not None, f"not gone after {n} nights"
    assert all(reports(site["db"])[y][1] is None for y in held if y != removed_year)


def test_a_new_report_is_in_the_archive_after_its_first_night(site, monkeypatch):
    monkeypatch.setitem(trs.REPORTS, 2025, ("2021", "plain", (), 0, 362431))
    web = build_web(1, ["trs"])
    tonight_ = quiet_nights(site["seed_url"], site["first"] + dt.timedelta(days=1), 1)[0]
    result, served = night(site["server"], web, site["seeds"], site["db"], tonight_)
    assert "new: 1" in result.stdout, result.stdout
    assert 2025 in reports(site["db"])


def test_a_silent_revision_in_the_deadline_season_is_found_the_first_night(site):
    """In February every held report is asked every night: the 2023 report revised on the
    local web's day 2 is found the first night, though neither the site's whole walk nor
    the report's rotation night is tonight."""
    held = reports(site["db"])
    revised = site["seed_url"] + held[2023][0][1:]
    february = next(d for d in quiet_nights(site["seed_url"], dt.date(2027, 2, 1), 1) + [
        dt.date(2027, 2, 1) + dt.timedelta(days=n) for n in range(14)]
        if slot(site["seed_url"]) != tonight(d) and slot(revised) != tonight(d))
    # a whole walk in January, the night before: the state a February night starts from
    night(site["server"], site["web"], site["seeds"], site["db"], february - dt.timedelta(days=1), "--full")
    result, served = night(site["server"], build_web(2, ["trs"]), site["seeds"], site["db"], february)
    assert "a quiet walk tonight" in result.stderr
    assert "revised: 1" in result.stdout, result.stdout
    assert reports(site["db"])[2023][2] == 2


def test_a_silent_revision_out_of_the_season_is_found_within_seven_nights(site):
    web = build_web(2, ["trs"])
    for n in range(1, 8):
        result, _ = night(site["server"], web, site["seeds"], site["db"], site["first"] + dt.timedelta(days=n))
        if reports(site["db"])[2023][2] == 2:
            break
    assert reports(site["db"])[2023][2] == 2, f"not found in {n} nights"


def test_a_moved_column_widens_the_night_to_a_whole_walk_that_finds_it(site):
    """The report column moves (its old address answers 404, the disclosure section links
    the new one): the quiet night's 404 widens it, and the new column is the one known."""
    web = build_web(1, ["trs"])
    resources = web.sites[0].resources
    for path in [p for p in resources if p.startswith(COLUMN) and p.rsplit("/", 1)[1].startswith("index")]:
        moved = resources[path.replace(COLUMN, "/xxgk/nb/")] = resources.pop(path)
        moved.body = moved.body.replace(b'href="./', f'href="{COLUMN}'.encode())  # the reports stay where they were
    for path in ("/xxgk/index.html", "/index.html"):
        resources[path].body = resources[path].body.replace(COLUMN.encode(), b"/xxgk/nb/")
    tonight_ = quiet_nights(site["seed_url"], site["first"] + dt.timedelta(days=1), 1)[0]
    result, served = night(site["server"], web, site["seeds"], site["db"], tonight_)
    assert "widened to a whole walk tonight (http 404" in result.stderr, result.stderr[-3000:]
    assert "gone: 0" in result.stdout, result.stdout
    with sqlite3.connect(site["db"]) as conn:
        columns = [re.sub(r"^https?://[^/]+", "", u) for (u,) in conn.execute("SELECT url FROM report_columns")]
    assert columns and all(c.startswith("/xxgk/nb/") for c in columns), columns


def test_full_walks_every_site_whole(site):
    tonight_ = quiet_nights(site["seed_url"], site["first"] + dt.timedelta(days=1), 1)[0]
    result, served = night(site["server"], site["web"], site["seeds"], site["db"], tonight_, "--full")
    assert "a quiet walk tonight" not in result.stderr
    assert "/" in paths(served) or "/index.html" in paths(served)
    assert COLUMN + "index_1.html" in paths(served)


def test_an_article_the_last_night_could_not_fetch_is_asked_again_on_a_quiet_night(site):
    """A report article that answered 503 all night (not a 404: it says nothing of the
    report) is not in the archive; the next night is quiet, and asks for it again."""
    from localweb.sites.base import Resource, Route

    held = reports(site["db"])
    failing = held[2024][0]
    with sqlite3.connect(site["db"]) as conn:  # forget it, as if night 1 had never read it
        conn.execute("DELETE FROM captures WHERE url LIKE ?", ["%" + failing])
    down = build_web(1, ["trs"])
    down.sites[0].routes.insert(0, Route("GET", failing, lambda request: Resource(b"busy", status=503,
                                                                                validators=False)))
    url = site["seed_url"] + failing[1:]
    nights = next(n for n in (quiet_nights(site["seed_url"], site["first"] + dt.timedelta(days=k), 2) for k in range(1, 15))
                  if not report_due(url, n[1], None))  # not its rotation night: only the rule asks for it
    night(site["server"], down, site["seeds"], site["db"], nights[0], "-s", "RETRY_ENABLED=False", "--full")
    result, served = night(site["server"], site["web"], site["seeds"], site["db"], nights[1])
    assert "a quiet walk tonight" in result.stderr and "1 unread last time" in result.stderr, result.stderr[-2000:]
    assert [a.status for a in served if a.path == failing] == [200]
