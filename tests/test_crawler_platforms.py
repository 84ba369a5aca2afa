"""A crawl of a bureau whose 政府信息公开 link goes to its county's disclosure platform on
another origin (localweb/sites/platform.py): the bureau's reports are read there, by its
name in the platform's department list and shared column, and nothing else of the
platform is crawled for it."""
from __future__ import annotations

import pytest

from localweb.score import score
from localweb.server import LocalWeb
from localweb.sites import platform
from localweb.web import build_web
from tests.static_site import crawl as crawl_seed
from tests.test_crawler_generic_columns import crawl, summary_lines

pytestmark = pytest.mark.slow


def test_the_bureau_and_the_platforms_own_seed_score_full_marks(tmp_path):
    night = crawl(tmp_path, ["platform_bureau", "platform"])
    result = score(night["gold"], night["records"], night["decoys"])
    assert (result["recall"], result["precision"], result["cells"], result["dates"]) == (1.0, 1.0, 1.0, 1.0), result
    assert result["decoys_recorded"] == 0
    line = summary_lines(night["log"])[platform.BUREAU]
    assert line.startswith(f"{platform.BUREAU}: 3 reports") and "its disclosure read on http://" in line


def test_on_the_platform_only_the_bureaus_pages_are_read(tmp_path):
    web = build_web(1, ["platform_bureau", "platform"])
    with LocalWeb(web) as server:
        records = crawl_seed(platform.BUREAU, server.urls["platform_bureau"] + "/", tmp_path, robots=True)
        read = {access.path for access in server.log if access.site == "platform"}
        gold = [row["url"] for row in web.gold(server.urls) if row["organ"] == platform.BUREAU]
    assert sorted(r["url"] for r in records if r.get("is_report", True)) == sorted(gold)
    assert {r["organ"] for r in records} == {platform.BUREAU}
    others = [path for path in read if path.startswith(("/bm/czj", "/bm/jyj", "/bm/rsj", "/bm/wjj", "/xxgk/tzgg", "/bm/mzj/jgzn"))]
    assert not others, others
    assert "/bm/mzj/ndbg/" in read or "/bm/mzj/ndbg/index.html" in read
