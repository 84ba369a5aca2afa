"""A crawl of the local web's attachments site stores its OFD- and ZIP-attached reports.

北山区民政局 publishes its 2023 report as an OFD and its 2020 report as a ZIP holding the
DOCX (GBK member names); its 2021 article also links a ZIP of photos. The crawl (a
subprocess, as a person runs it) must store both reports with the gold's figures, and
not the photos' ZIP -- read, found no report, and no reading error of the site either.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from localweb.score import read_jsonl, score

REPO = Path(__file__).resolve().parent.parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
        "-s", "NIANBAO_PROGRESS_INTERVAL=0"]


@pytest.mark.slow
def test_a_crawl_stores_the_ofd_and_zip_attached_reports_with_their_figures(tmp_path):
    from localweb.server import LocalWeb
    from localweb.web import build_web

    with LocalWeb(build_web(1, ["attachments"])) as web:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text("name,url\n" + "".join(f"{s['name']},{s['url']}\n" for s in web.web.seeds(web.urls)),
                         encoding="utf-8")
        out, db = tmp_path / "crawl.jsonl", tmp_path / "a.db"
        result = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--jsonl", str(out),
                                 "--db", str(db), *FAST], cwd=REPO, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr[-3000:]
        gold, decoys = web.web.gold(web.urls), web.web.decoys(web.urls)
        asked = {access.path for access in web.log}
    records = read_jsonl(out)
    by_year = {r["year"]: r for r in records}
    for extension in ("ofd", "zip"):
        wanted = next(g for g in gold if g["url"].endswith("." + extension))
        got = by_year[wanted["year"]]
        assert got["url"] == wanted["url"]
        assert got["cells"] == wanted["cells"] and got["failed_checks"] == wanted["failed_checks"]
        assert got["published"] == wanted["published"] and got["template"] == wanted["template"]
    photos = next(d for d in decoys if d["kind"] == "zip without a report")
    assert photos["url"].split(web.urls["attachments"], 1)[1] in asked  # fetched and read: it could have held one
    assert photos["url"] not in {r["url"] for r in records}
    with sqlite3.connect(db) as database:
        errors = [url for (url,) in database.execute("SELECT url FROM crawl_errors")]
        status = [s for (s,) in database.execute("SELECT status FROM crawl_sites")]
    assert photos["url"] not in errors and status == ["ok"]
    result = score(gold, records, decoys)
    print(json.dumps(result, ensure_ascii=False))
    assert result["recall"] == 1.0 and result["precision"] == 1.0 and result["cells"] == 1.0
    assert result["decoys_recorded"] == 0
