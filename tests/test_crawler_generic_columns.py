"""A crawl of the local web's bureaus whose reports sit in a generically named column
(localweb/sites/columns.py): 政府信息公开 paged by `javascript:goPage(n)`, 其他 paged by a
POST form a site script submits. Only the columns' first pages are linked; a crawl that
followed links alone read one page of each and called the site done with "no errors".
"""
from __future__ import annotations

from pathlib import Path

import pytest

from local_crawl import crawl_sites
from localweb.score import score
from localweb.sites import columns

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "ROBOTSTXT_OBEY=True", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
            "NIANBAO_PROGRESS_INTERVAL=0"]


def crawl(work: Path, keys: list[str], settings: tuple[str, ...] = ()) -> dict:
    """One `nianbao crawl` of the named sites into an archive: records, gold, decoys, log."""
    return crawl_sites(work, keys, [*SETTINGS, *settings])


def summary_lines(log: str) -> dict[str, str]:
    return {line.split("site ", 1)[1].split(":")[0].split(" ")[-1]: line.split("site ", 1)[1]
            for line in log.splitlines() if "[nianbao.sites] INFO: site " in line}


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return crawl(tmp_path_factory.mktemp("columns"), ["columns", "columns_form"])


def test_every_report_of_both_columns_is_found_and_no_decoy(night):
    result = score(night["gold"], night["records"], night["decoys"])
    assert (result["recall"], result["precision"], result["cells"], result["dates"]) == (1.0, 1.0, 1.0, 1.0), result
    assert result["decoys_recorded"] == 0
    assert {r["year"] for r in night["records"]} == set(columns.TITLES)


def test_the_summary_says_how_many_pages_each_column_had_and_read(night):
    lines = summary_lines(night["log"])
    goto, form = (columns.BUREAUS[key][0] for key in ("columns", "columns_form"))
    assert lines[goto].startswith(f"{goto}: 7 reports")
    assert "/zwgk/ 6 of 6 pages read" in lines[goto] and lines[goto].endswith("no errors")
    assert lines[form].startswith(f"{form}: 7 reports")
    assert "/xxgk/list.jsp?cid=19 5 of 5 pages read" in lines[form]


def test_a_column_cut_by_the_site_budget_makes_the_site_partial(tmp_path):
    """Pages over the site's budget are not read: the column is read in part, the site is
    partial (its unread pages' reports unknown), never "no errors"."""
    cut = crawl(tmp_path, ["columns"], ("SITE_MAX_PAGES=5",))
    organ = columns.BUREAUS["columns"][0]
    line = summary_lines(cut["log"])[organ]
    assert line.startswith(f"PARTIAL {organ}: ") and " of 6 pages read" in line and "6 of 6" not in line, line
    import sqlite3

    with sqlite3.connect(cut["db"]) as conn:
        status = conn.execute("SELECT cs.status FROM crawl_sites cs JOIN sites s ON s.id = cs.site_id").fetchone()[0]
    assert status == "partial"
