"""What `nianbao crawl` puts on the terminal after its totals: the sites to look at."""
from crawler.commands import sites_to_look_at


def _site(**kw):
    base = {"pages": 5, "reports": 2, "browser_pages": 0, "errors": {}, "blocks": 0, "partial_reports": {}, "columns": {}}
    return base | kw


def test_blocked_partial_and_not_found_sites_are_told_apart_and_clean_sites_left_to_the_log():
    sites = {
        "甲县民政局": _site(),
        "乙县民政局": _site(reports=0, pages=2, blocks=1, errors={"blocked: JavaScript challenge (HTTP 412)": 1}),
        "丙县民政局": _site(partial_reports={"http://x/a.html": ["http://x/a_1.html"]}, errors={"http 404": 1}),
        "丁县民政局": _site(reports=0, pages=3),
    }
    lines = sites_to_look_at(sites)
    assert len(lines) == 3
    assert lines[0].startswith("BLOCKED 乙县民政局: 0 reports")
    assert lines[1].startswith("PARTIAL 丙县民政局: 2 reports") and "http://x/a_1.html" in lines[1]
    assert lines[2] == "NO REPORTS 丁县民政局: 0 reports from 3 pages; no errors"
