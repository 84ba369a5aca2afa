"""`scrapy crawl reports -a seeds=CSV` is the same crawl as `nianbao crawl`.

Operators who know Scrapy use its own command line (and scrapyd); the spider must find
the project's settings through scrapy.cfg and take its seed list as a spider argument.
One site of the local web (the TRS family: no browser needed) is enough to show it.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from localweb.score import read_jsonl, score

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


def _seed_list(local_web, organ, tmp_path) -> Path:
    """A seed list of one site of the local web."""
    seeds = tmp_path / "seeds.csv"
    with open(seeds, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["name", "url"])
        writer.writeheader()
        writer.writerows(s for s in local_web.seeds if s["name"] == organ)
    return seeds


def test_scrapy_crawl_with_a_seeds_argument_finds_the_sites_reports(local_web, tmp_path):
    organ = local_web.web.site("trs").seed_name
    seeds = _seed_list(local_web, organ, tmp_path)
    out = tmp_path / "reports.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "reports", "-a", f"seeds={seeds}",
         "-s", f"NIANBAO_JSONL={out}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True"],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    gold = [g for g in local_web.gold if g["organ"] == organ]
    found = score(gold, read_jsonl(out))
    assert found["recall"] == 1.0 and found["precision"] == 1.0, found
    assert f"site {organ}" in result.stderr  # the per-site line at the end of the log
    # no page of this site needs the browser, so Playwright is never started (crawler/browser.py)
    assert "Starting download handler" not in result.stderr


def test_scrapy_feed_export_writes_valid_report_records(local_web, tmp_path):
    """`scrapy crawl reports -a seeds=… -O out.jsonl`: Scrapy's own feed export writes one
    report record per line, as `nianbao crawl --jsonl` does (the raw bytes stay out)."""
    import json

    organ = local_web.web.site("trs").seed_name
    seeds = _seed_list(local_web, organ, tmp_path)
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "reports", "-a", f"seeds={seeds}", "-O", str(out),
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True"],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    gold = [g for g in local_web.gold if g["organ"] == organ]
    assert len(rows) == len(gold)
    for row in rows:
        assert {"url", "organ", "year", "cells", "failed_checks", "sha256"} <= set(row)
        assert "body" not in row
    found = score(gold, rows)
    assert found["recall"] == 1.0 and found["precision"] == 1.0, found
