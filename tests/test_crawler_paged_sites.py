"""A crawl of the local web's bureaus whose reports are split over article pages
(localweb/sites/paged.py): one read whole, one with a page gone and its report partial.

The pager of a TRS article is a script call, `createPageHTML(3, 0, "t…", "html")`: the
page links neither of its other pages, and a crawl that read only what is linked stored
section 二 alone, and called the report complete.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from local_crawl import crawl_sites
from localweb.score import score
from localweb.sites import paged

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "ROBOTSTXT_OBEY=True", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
            "NIANBAO_PROGRESS_INTERVAL=0"]


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """One `nianbao crawl` of both bureaus into an archive: its records, log and files."""
    yield crawl_sites(tmp_path_factory.mktemp("paged"), ["paged", "paged_gap"], SETTINGS)


def test_both_bureaus_score_full_marks_against_their_gold(night):
    result = score(night["gold"], night["records"])
    assert (result["recall"], result["precision"], result["cells"], result["dates"]) == (1.0, 1.0, 1.0, 1.0), result


def test_a_report_split_by_create_page_html_is_read_from_all_three_pages(night):
    organ = paged.BUREAUS["paged"][0]
    records = [r for r in night["records"] if r["organ"] == organ]
    assert len(records) == 2
    for record in records:
        assert {key.split(".")[0] for key in record["cells"]} == {"active", "requests", "review"}
        assert not record.get("partial")


def test_a_report_with_a_page_gone_is_stored_partial_and_said_so(night):
    organ = paged.BUREAUS["paged_gap"][0]
    by_year = {r["year"]: r for r in night["records"] if r["organ"] == organ}
    gap = by_year[2024]
    assert gap["partial"] is True and len(gap["missing_parts"]) == 1 and gap["missing_parts"][0].endswith("_1.html")
    assert any(note.startswith("partial:") and "http 404" in note for note in gap["notes"])
    assert not any(key.startswith(paged.MISSING_SECTION) for key in gap["cells"])
    assert not by_year[2023].get("partial")
    with sqlite3.connect(night["db"]) as conn:
        statuses = dict(conn.execute("SELECT s.name, cs.status FROM crawl_sites cs JOIN sites s ON s.id = cs.site_id"))
        held = conn.execute("SELECT record FROM report_versions WHERE organ = ? AND year = 2024", [organ]).fetchone()[0]
    assert statuses == {paged.BUREAUS["paged"][0]: "ok", organ: "partial"}
    assert '"partial": true' in held


def test_the_summary_lines_tell_a_partial_site_from_a_whole_one(night):
    lines = {line.split("site ", 1)[1].split(":")[0]: line.split("site ", 1)[1]
             for line in night["log"].splitlines() if "[nianbao.sites] INFO: site " in line}
    assert lines[paged.BUREAUS["paged"][0]].startswith(f"{paged.BUREAUS['paged'][0]}: 2 reports")
    gap = lines["PARTIAL " + paged.BUREAUS["paged_gap"][0]]
    assert "1 of them partial" in gap and "http 404" in gap
