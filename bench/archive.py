"""Benchmark of the archive: a synthetic archive of N reports (200 cells each).

    python bench/archive.py                 # N = 100,000 (the target size)
    python bench/archive.py --n 20000       # quicker; the figures say which N ran

Prints: insert rate through the batched writer (`Archive.batch()`, BATCH_ITEMS reports per
transaction as the crawl's StorePipeline and `nianbao store --redis` commit them; `--batch 1`
is one transaction per report), overall and over each last 20,000, size on disk per report (and per table when SQLite has dbstat), and the time of
every canned query in archive/metadata.yml (goal: each < 1 s). Not part of the test run.

The synthetic reports: N/5 bureaus x 5 covered years; 2021-format cells (the 200 keys
a full 2021 report prints, as the gold records do; the issue estimated ~150); small
random figures with some denials; a failed check on one report in ten; a short Chinese
text. A second crawl then revises 1% of them in two cells.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import Archive, report_page, search, serve  # noqa: E402
from archive.store import BATCH_ITEMS  # noqa: E402
from extractors import codebook  # noqa: E402

YEARS = (2020, 2021, 2022, 2023, 2024)
TEXT = ("{organ}{year}年政府信息公开工作年度报告。根据《中华人民共和国政府信息公开条例》，现公布本机关"
        "{year}年度政府信息公开工作情况。本年度持续推进养老服务、社会救助、婚姻登记等领域信息公开，"
        "主动公开政府信息{n}条，依申请公开办理及时规范。") * 3
PARAMS = {"report_figures": {"report_id": 1}, "search": {"q": "养老服务"}}
# What the plugin's pages and the table pages run, beside the canned queries: the report page
# (archive.report_page), a page of the scorecard, one report in the long figures view, and
# the table search box with words of two characters (count, as datasette shows it).
PAGES = {
    "report page": None,
    "scorecard (100 rows)": ("SELECT * FROM scorecard LIMIT 100", {}),
    "scorecard of one body": ("SELECT * FROM scorecard WHERE site_id = :site", {"site": 1}),
    "figures of one report": ("SELECT * FROM figures WHERE report_id = :report_id", {"report_id": 1}),
    "search 民政 (count)": ("SELECT count(*) FROM report_search WHERE report_search MATCH nianbao_match(:q)", {"q": "民政"}),
    "search 婚姻登记 (count)": ("SELECT count(*) FROM report_search WHERE report_search MATCH nianbao_match(:q)",
                            {"q": "婚姻登记"}),
}
# The views as datasette's pages read them: a first page of 101 rows, and one report's rows
# (a row's page, or a filter by report_id). Their count(*) is datasette's to cut short.
VIEW_READS = {
    "latest_reports": ("SELECT * FROM latest_reports LIMIT 101", "SELECT * FROM latest_reports WHERE report_id = ?"),
    "latest_figures": ("SELECT * FROM latest_figures LIMIT 101", "SELECT * FROM latest_figures WHERE report_id = ?"),
    "cells_named": ("SELECT * FROM cells_named LIMIT 101", "SELECT * FROM cells_named WHERE report_id = ?"),
    "changes_named": ("SELECT * FROM changes_named LIMIT 101", "SELECT * FROM changes_named WHERE report_id = ?"),
}


def keys_2021() -> list[str]:
    keys = [f"active.{row}.{col}" for row, cols in codebook.ACTIVE_COLUMNS["2021"].items() for col in cols]
    for key in codebook.all_keys():
        section, rest = key.split(".", 1)
        if section in ("requests", "review") and rest.rsplit(".", 1)[0] != "other":  # `other`: the 2019 row
            keys.append(key)
    return keys


def record(i: int, rng: random.Random, keys: list[str]) -> dict:
    organ = f"测试{i // len(YEARS):06d}区民政局"
    year = YEARS[i % len(YEARS)]
    cells = {k: (rng.randint(0, 3) if rng.random() < 0.3 else 0) for k in keys}
    failed = ["requests.row_total.granted"] if rng.random() < 0.1 else []
    published = f"{year + 1}-{rng.choice((1, 1, 1, 2, 3)):02d}-{rng.randint(5, 28):02d}" if rng.random() < 0.8 else None
    return {"organ": organ, "year": year, "title": f"{organ}{year}年政府信息公开工作年度报告",
            "published": published,
            "template": "2021", "contacts": {"phone": ["0412-5570186"], "email": [], "address": [], "postcode": []},
            "cells": cells, "failed_checks": failed}


def item(rec: dict, crawl_day: int, i: int) -> dict:
    text = TEXT.format(organ=rec["organ"], year=rec["year"], n=i % 997)
    body = f"<html><body><h1>{rec['title']}</h1><p>{text}</p><p>{sorted(rec['cells'].items())}</p></body></html>".encode()
    site = f"http://site{i // len(YEARS):06d}.example/"
    return {"seed_name": rec["organ"], "seed_url": site, "url": f"{site}art/{rec['year']}/report.html",
            "fetched_at": f"2026-11-{crawl_day:02d}T10:00:00Z", "status": 200, "content_type": "text/html",
            "headers": {"Server": "nginx"}, "etag": f'"{i}-{crawl_day}"', "body": body,
            "sha256": hashlib.sha256(body).hexdigest(), "record": rec, "text": text}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="number of reports (default 100,000)")
    parser.add_argument("--db", type=Path, default=None, help="archive file to build (default: a temporary file)")
    parser.add_argument("--batch", type=int, default=BATCH_ITEMS,
                        help=f"reports per transaction (default {BATCH_ITEMS}, the writers'; 1: store() alone)")
    parser.add_argument("--queries-only", action="store_true",
                        help="only time the canned queries on an existing archive given with --db (a real one, too)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each canned query; the best is printed")
    args = parser.parse_args()

    workdir = None
    if args.db is None:
        workdir = tempfile.TemporaryDirectory(prefix="nianbao-bench-")
        args.db = Path(workdir.name) / "bench.db"
    if args.queries_only:
        if not args.db.exists():
            sys.exit(f"{args.db}: no archive to time the queries on")
        n = sqlite3.connect(args.db).execute("SELECT count(*) FROM reports").fetchone()[0]
        print(f"N = {n:,} reports in {args.db}")
        return time_queries(args.db, n, args.repeat)
    if args.db.exists():
        sys.exit(f"{args.db} exists: give a new path, the bench builds its archive from scratch")

    rng = random.Random(6)
    keys = keys_2021()
    print(f"N = {args.n:,} reports, {len(keys)} cells each, archive {args.db}")
    records = []
    with Archive(args.db) as archive:
        crawl = archive.begin_crawl(started_at="2026-11-01T09:00:00Z")
        t0 = last = time.perf_counter()
        for start in range(0, args.n, args.batch):
            batch = []
            for i in range(start, min(start + args.batch, args.n)):
                rec = record(i, rng, keys)
                if i % 100 == 0:
                    records.append(rec)
                batch.append(item(rec, 1, i))
            if args.batch == 1:
                archive.store(crawl, batch[0])
            else:
                archive.store_many(crawl, batch)
            if start // 20_000 != (start + len(batch)) // 20_000:
                done, now = start + len(batch), time.perf_counter()
                print(f"  {done:,} stored, {done / (now - t0):,.0f} reports/s, the last 20,000 at "
                      f"{20_000 / (now - last):,.0f}/s", flush=True)
                last = now
        elapsed = time.perf_counter() - t0
        archive.end_crawl(crawl, {})
        print(f"insert: {args.n:,} reports in {elapsed:.1f} s = {args.n / elapsed:,.0f} reports/s "
              f"({args.n * len(keys) / elapsed:,.0f} cells/s), {args.batch} report(s) per transaction")

        crawl = archive.begin_crawl(started_at="2026-11-02T09:00:00Z")
        t0 = time.perf_counter()
        revised = []
        for j, rec in enumerate(records):  # 1%: a silent correction of two cells
            rec["cells"]["requests.granted.natural"] += 1
            rec["cells"]["requests.granted.total"] += 1
            revised.append(item(rec, 2, j * 100))
        for start in range(0, len(revised), args.batch):
            archive.store_many(crawl, revised[start:start + args.batch])
        archive.end_crawl(crawl, {})
        print(f"revise: {len(records):,} reports in {time.perf_counter() - t0:.1f} s")
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        archive.db.execute("PRAGMA analysis_limit = 1000")  # as `PRAGMA optimize` would: minutes -> seconds
        archive.db.execute("ANALYZE")

    size = args.db.stat().st_size
    print(f"size: {size / 1e6:,.1f} MB on disk = {size / args.n / 1024:.1f} KiB per report")
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    try:
        by_table = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").fetchall()
        print("  largest: " + ", ".join(f"{name} {bytes_ / args.n:,.0f} B/report" for name, bytes_ in by_table))
    except sqlite3.OperationalError:
        pass  # SQLite built without dbstat
    conn.close()

    status = time_queries(args.db, args.n, args.repeat)
    if workdir:
        workdir.cleanup()
    return status


def time_queries(db: Path, n: int, repeat: int) -> int:
    """Time every canned query of metadata.yml, the pages of PAGES and the dashboard's charts on db,
    best of `repeat` runs; 1 if one is >= 1 s."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    serve.tune_connection(conn)  # as datasette's connections are
    queries = serve.build_metadata("bench")["databases"]["bench"]["queries"]
    slow = []
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"canned queries (best of {repeat}, goal < 1 s; load average {load} on {os.cpu_count()} CPUs):")
    search.register_functions(conn)  # as the plugin does
    runs = {name: (lambda sql=query["sql"], params=PARAMS.get(name, {}): conn.execute(sql, params).fetchall())
            for name, query in queries.items()}
    dashboards = serve.build_metadata("bench")["plugins"]["datasette-dashboards"]["bench"]["charts"]
    for name, chart in dashboards.items():  # the dashboard's charts, each one query
        runs[f"chart {name}"] = lambda sql=chart["query"]: conn.execute(sql).fetchall()
    for name, page in PAGES.items():
        if page is None:  # the report page: its reads and its layout
            runs[name] = lambda: report_page.tables(report_page.load(conn, 1)["cells"], "2021")
        else:
            runs[name] = lambda sql=page[0], params=page[1]: conn.execute(sql, params).fetchall()
    for name, run in runs.items():
        best, rows = float("inf"), 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = len(run())
            best = min(best, time.perf_counter() - t0)
        slow += [name] if best >= 1 else []
        print(f"  {name:24s} {best * 1000:8.1f} ms  {rows:6,} rows")
    revised = conn.execute("SELECT report_id FROM changes ORDER BY id DESC LIMIT 1").fetchone()
    report_id = revised[0] if revised else 1  # a report with two versions and a change
    print(f"views (best of {repeat}): the first page, and report {report_id}'s rows:")
    for name, reads in VIEW_READS.items():
        for label, sql in zip(("page", "report"), reads):
            best, rows = float("inf"), 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                rows = len(conn.execute(sql, [report_id] if "?" in sql else []).fetchall())
                best = min(best, time.perf_counter() - t0)
            slow += [f"{name} ({label})"] if best >= 1 else []
            print(f"  {name + ' ' + label:24s} {best * 1000:8.1f} ms  {rows:6,} rows")
    conn.close()
    print(f"N = {n:,}: {'every canned query, page and view read under 1 s' if not slow else 'over 1 s: ' + ', '.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
