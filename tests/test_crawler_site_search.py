"""A crawl of a bureau whose reports are filed under news and linked by no column that
names them (localweb/sites/searched.py): the walk finds nothing, and the site's own
search for 年度报告, asked last, lists them over two pages among decoys."""
from __future__ import annotations

import pytest

from localweb.score import score
from localweb.sites import searched
from tests.test_crawler_generic_columns import crawl, summary_lines

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    return crawl(tmp_path_factory.mktemp("searched"), ["searched", "columns"])


def test_the_reports_are_found_through_the_sites_search_and_no_decoy(night):
    result = score(night["gold"], night["records"], night["decoys"])
    assert (result["recall"], result["precision"], result["cells"], result["dates"]) == (1.0, 1.0, 1.0, 1.0), result
    assert result["decoys_recorded"] == 0
    assert len([r for r in night["records"] if r["organ"] == searched.ORGAN]) == 7


def test_the_summary_says_the_reports_were_found_by_search(night):
    lines = summary_lines(night["log"])
    line = lines[searched.ORGAN]
    assert line.startswith(f"{searched.ORGAN}: 7 reports") and "found by the site's search for 年度报告" in line
    assert "searchword=年度报告 2 of 2 pages read" in line
    # a site whose walk found its reports is not searched
    assert "search" not in lines["泗水县民政局"]
