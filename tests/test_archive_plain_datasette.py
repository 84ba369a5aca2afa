"""Plain `datasette DB`, no nianbao wrapper, on an archive of two crawls of the local web.

The plugin comes in by its entry point only (declared in pyproject.toml, installed here as
a throw-away distribution, tests/test_archive_plugin.py). What a researcher sees: a canned
query with labels, two-character words found alike by the table's search box and the
canned search, the revised report's page with both versions and their diff, the archived
PDF and HTML served decompressed (the HTML sandboxed), and the scorecard.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import lxml.html
import pytest

from test_archive_plugin import ROOT, entry_point_path, run  # noqa: F401  (a fixture)
from test_crawler_localweb import crawl_command, run_crawl

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not (os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium")),
                                 reason="the local web's JavaScript-only site needs Debian's chromium")]

CLIENT = textwrap.dedent("""
    import asyncio, json, sys
    from datasette.app import Datasette

    async def main(db, paths):
        ds = Datasette([db])  # what `datasette DB` builds: no metadata, no settings, plugins by entry point
        await ds.invoke_startup()
        out = {}
        for path in paths:
            response = await ds.client.get(path)
            out[path] = {"status": response.status_code, "headers": dict(response.headers),
                         "body": response.content.hex()}
        print(json.dumps(out))

    asyncio.run(main(sys.argv[1], sys.argv[2:]))
""")


@pytest.fixture(scope="module")
def two_days(local_web, day1_crawl, tmp_path_factory):
    work = tmp_path_factory.mktemp("plain_datasette")
    db = work / "archive.db"
    db.write_bytes(day1_crawl["db"].read_bytes())
    local_web.switch_day(2)
    try:
        result = run_crawl(crawl_command(local_web.seeds_path, work / "day2.jsonl", "--db", str(db), "--full"), work / "day2.log")
    finally:
        local_web.switch_day(1)
    assert result.returncode == 0, (work / "day2.log").read_text(encoding="utf-8")[-3000:]
    return db


def datasette_get(db, path, entry_point_path):
    done = run(["-m", "datasette", "serve", str(db), "--get", path], entry_point_path)
    assert done.returncode == 0, (path, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout


def client_get(db, paths, entry_point_path):
    done = run(["-c", CLIENT, str(db), *paths], entry_point_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return {path: {**r, "body": bytes.fromhex(r["body"])} for path, r in json.loads(done.stdout).items()}


def test_a_canned_query_with_labels(two_days, entry_point_path):
    body = json.loads(datasette_get(two_days, "/archive/report_figures.json?_shape=objects&report_id=1",
                                    entry_point_path))
    assert body["rows"] and all(r["label"] and " / " in r["label"] for r in body["rows"])


@pytest.mark.parametrize("word", ["申请", "民政"])
def test_two_character_words_found_alike_by_the_search_box_and_the_canned_search(two_days, entry_point_path, word):
    table = json.loads(datasette_get(two_days, f"/archive/report_versions.json?_search={word}&_col=organ",
                                     entry_point_path))
    canned = json.loads(datasette_get(two_days, f"/archive/search.json?_shape=objects&_size=max&q={word}",
                                      entry_point_path))
    assert table["filtered_table_rows_count"] > 0
    assert table["filtered_table_rows_count"] == len(canned["rows"])
    # punctuation in the box is a search, not a SQL error (datasette_get asserts the 200)
    assert "rows" in json.loads(datasette_get(two_days, f"/archive/report_versions.json?_search={word}-人&_col=organ",
                                              entry_point_path))


def test_the_revised_reports_page_shows_both_versions_and_their_diff(two_days, entry_point_path):
    with sqlite3.connect(two_days) as conn:
        report_id, = conn.execute("SELECT report_id FROM events WHERE kind = 'revised'").fetchone()
        changed = conn.execute("SELECT key, old_value, new_value FROM changes WHERE report_id = ?", [report_id]).fetchall()
    doc = lxml.html.fromstring(datasette_get(two_days, f"/archive/-/report/{report_id}", entry_point_path))
    versions = doc.xpath('//table[contains(@class, "versions")]/tbody/tr/td[1]')
    assert [td.text_content() for td in versions] == ["第1版", "第2版"]
    diff = [[td.text_content() for td in tr.xpath("td")] for tr in doc.xpath('//table[contains(@class, "changes")]/tbody/tr')]
    assert [(row[0], row[3], row[4]) for row in diff] == [(k, str(old), str(new)) for k, old, new in changed]
    assert len(doc.xpath('//table[contains(@class, "official")]')) >= 2


def test_pdf_and_html_captures_served_decompressed_the_html_sandboxed(two_days, entry_point_path):
    import zlib

    with sqlite3.connect(two_days) as conn:
        pdf = conn.execute("SELECT c.id, b.content FROM captures c JOIN blobs b USING (sha256)"
                           " WHERE c.content_type LIKE 'application/pdf%' LIMIT 1").fetchone()
        html = conn.execute("SELECT c.id, b.content FROM captures c JOIN blobs b USING (sha256)"
                            " WHERE c.content_type LIKE 'text/html%' LIMIT 1").fetchone()
    assert pdf and html
    got = client_get(two_days, [f"/archive/-/capture/{pdf[0]}", f"/archive/-/capture/{html[0]}"], entry_point_path)
    served_pdf, served_html = got[f"/archive/-/capture/{pdf[0]}"], got[f"/archive/-/capture/{html[0]}"]
    assert served_pdf["status"] == 200 and served_pdf["body"].startswith(b"%PDF")
    assert served_pdf["body"] == zlib.decompress(pdf[1])
    assert served_pdf["headers"]["content-type"].startswith("application/pdf")
    assert served_html["body"] == zlib.decompress(html[1])
    assert served_html["headers"]["content-type"].startswith("text/html")
    assert served_html["headers"]["content-security-policy"].startswith("sandbox")


def test_scorecard_rows_with_failed_checks(two_days, entry_point_path):
    rows = json.loads(datasette_get(two_days, "/archive/scorecard.json?_shape=array&_size=max", entry_point_path))
    published = [r for r in rows if r["status"] == "published"]
    assert published and any(r["failed_checks"] for r in published)
    assert all(r["on_time"] in (0, 1, None) for r in rows)
    assert any(r["on_time"] == 1 and r["published_from"] == "printed" for r in published)
    # 云溪区民政局's 2025 report, new on day 2, prints 2026-03-12: 40 days after 31 January
    late = [r for r in published if r["on_time"] == 0]
    assert late and any(r["days_late"] == 40 for r in late)
