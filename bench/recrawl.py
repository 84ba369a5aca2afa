"""What a quiet second night costs: bytes and time of night 2 as ratios of night 1.

    python bench/recrawl.py [--sites trs,hanweb,...] [--runs N] [--keep DIR]

Serves the day-1 local web, runs `nianbao nightly` into a fresh archive (night 1), then
again into the same archive with the same content (night 2: nothing changed overnight;
the web's per-URL counters are reset, as a new day's server would be). Politeness is the
demo's (`nianbao.demo.DEMO_POLITENESS`: robots.txt, retries and AutoThrottle on, short
delays), so the figures are those of a crawl that waits for servers the way the nightly
does, only scaled down. Prints, per night: wall time, Scrapy's downloaded bytes
(`downloader/response_bytes`, headers included; the browser's own requests are not in
it), the body bytes and requests the local web served (from its access log, the
browser's requests included) and how many of them were 304s; then night
2 / night 1 for bytes and time (goals: <= 0.10 and <= 0.25, issue 7), and per site of
the local web its requests and when it last answered on each night, which shows what a
quiet night's time is made of. A pair of nights is run `--runs` times (3), each pair
into a fresh archive: one night's wall time on a small VM varies by a second, so the
ratios are given per pair and as their median. Night 2 is the day after night 1
(NIANBAO_TODAY), so the revisit policy (crawler/revisit.py) walks quietly the sites whose
night of the week it is not; `--full` walks every site whole both nights, as before the
policy. Not part of the test run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAT = re.compile(r"'(downloader/[a-z_/0-9]+|elapsed_time_seconds|item_scraped_count|playwright/[a-z_/0-9]+)': ([0-9.]+)")


# documents the extractor read: stored after reading, or dropped for what reading found
READ = re.compile(r"\[crawler\.pipelines\] INFO: report \S+ \d{4} \(|Dropped: (?:not a report|\S+ only points|\S+ is the same report)")


def scrapy_stats(log: str) -> dict[str, float]:
    """The numeric stats Scrapy dumps at the end of a crawl's log."""
    return {key: float(value) for key, value in STAT.findall(log)}


def night(seeds: Path, db: Path, web, settings: list[str], log_path: Path) -> dict:
    """Run one `nianbao nightly` and return what it cost, as seen by Scrapy and by the web."""
    first = len(web.log)
    started, started_wall = time.monotonic(), time.time()
    with open(log_path, "w", encoding="utf-8") as log:
        result = subprocess.run([sys.executable, "-m", "nianbao.cli", "nightly", "-v", "--seeds", str(seeds), "--db", str(db),
                                 *settings], cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    wall = time.monotonic() - started
    text = log_path.read_text(encoding="utf-8")
    if result.returncode not in (0, 1):  # 1: some site failed, which the figures still describe
        raise SystemExit(f"nianbao nightly failed ({result.returncode}):\n{text[-3000:]}")
    served = web.log[first:]
    with open(log_path.with_suffix(".access.tsv"), "w", encoding="utf-8") as access:  # for a look at where time went
        for a in served:
            access.write(f"{a.time - started_wall:.2f}\t{a.site}\t{a.method}\t{a.status}\t{a.path}\n")
    stats = scrapy_stats(text)
    return {"wall": wall, "elapsed": stats.get("elapsed_time_seconds", 0.0), "sites": per_site(served, started_wall),
            "bytes": stats.get("downloader/response_bytes", 0.0),
            "requests": len(served), "statuses": Counter(a.status for a in served), "served": sum(a.size for a in served),
            "scrapy_requests": stats.get("downloader/request_count", 0.0), "exit": result.returncode,
            "read": len(READ.findall(text)), "not_read": text.count("not read again"), "log": text}


def per_site(served, started_wall: float) -> dict[str, dict]:
    """Per site of the local web: requests it served, how many were 304s and 503s, and when
    (seconds after the nightly started) it answered first and last. A night is as long as
    its slowest site's chain of requests, plus the process's start and close."""
    sites: dict[str, dict] = {}
    for a in served:
        site = sites.setdefault(a.site, {"requests": 0, "statuses": Counter(), "first": None, "last": 0.0})
        at = a.time - started_wall
        site["requests"] += 1
        site["statuses"][a.status] += 1
        site["first"] = at if site["first"] is None else min(site["first"], at)
        site["last"] = max(site["last"], at)
    return sites


def where_time_went(one: dict, two: dict) -> str:
    """A table of both nights per site, then what the second night's wall time is made of."""
    rows = [f"{'site':<12} {'night 1: requests':>17} {'last answer':>12}   {'night 2: requests':>17} {'304':>4} {'503':>4} "
            f"{'last answer':>12}"]
    for name in sorted(set(one["sites"]) | set(two["sites"]), key=lambda n: -two["sites"].get(n, {"last": 0})["last"]):
        a, b = one["sites"].get(name), two["sites"].get(name)
        rows.append(f"{name:<12} {a['requests'] if a else 0:>17d} {a['last'] if a else 0:>11.2f}s   "
                    f"{b['requests'] if b else 0:>17d} {b['statuses'][304] if b else 0:>4d} {b['statuses'][503] if b else 0:>4d} "
                    f"{b['last'] if b else 0:>11.2f}s")
    if two["sites"]:
        first = min(s["first"] for s in two["sites"].values())
        slowest = max(two["sites"], key=lambda n: two["sites"][n]["last"])
        last = two["sites"][slowest]["last"]
        rows.append(f"night 2 = {first:.2f} s before the first request (process start) + {last - first:.2f} s to the last "
                    f"answer ({slowest}) + {two['wall'] - last:.2f} s after it (closing, change summary)")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default="", help="Comma-separated site families (default: the whole local web).")
    parser.add_argument("--runs", type=int, default=3, help="Pairs of nights to run, each into a fresh archive (default 3).")
    parser.add_argument("--full", action="store_true", help="Walk every site whole on night 2 too (NIANBAO_FULL_WALK).")
    parser.add_argument("--keep", type=Path, default=None,
                        help="Keep the archive, the logs and the access logs (night<N>.access.tsv) of the last pair here.")
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs must be at least 1")

    sys.path.insert(0, str(REPO))
    from localweb.server import LocalWeb
    from localweb.web import build_web
    from nianbao.demo import DEMO_POLITENESS

    settings = [arg for key, value in DEMO_POLITENESS.items() for arg in ("-s", f"{key}={value}")]
    work = options.keep or Path(tempfile.mkdtemp(prefix="nianbao-recrawl-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "recrawl.db"
    web = build_web(1, [s for s in options.sites.split(",") if s] or None, slow_seconds=1.0)
    from bench.machine import describe

    print(describe(), flush=True)
    print(f"serving {len(web.sites)} sites of the day-1 local web; work in {work}", flush=True)
    pairs = []
    with LocalWeb(web) as server:
        seeds = web.write(work, server.urls)["seeds"]
        for run in range(1, options.runs + 1):
            for stale in db.parent.glob(db.name + "*"):  # the archive, its WAL, its render cache (.renders) …
                if stale.is_file():
                    stale.unlink()
            nights = []
            for n in (1, 2):
                server.switch(web)  # a new day, same content: the servers' per-URL counters start again
                today = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=n - 1)
                policy = ["-s", f"NIANBAO_TODAY={today.isoformat()}", *(["--full"] if options.full else [])]
                nights.append(night(seeds, db, server, [*settings, *policy], work / f"night{n}.log"))
                m = nights[-1]
                print(f"run {run} night {n}: {m['wall']:6.1f} s (crawl {m['elapsed']:5.1f} s)  {m['bytes'] / 1024:7.0f} KiB "
                      f"({m['served'] / 1024:.0f} KiB of bodies served, the browser's included)  "
                      f"{m['requests']:4d} requests served ({m['statuses'].get(304, 0)} × 304, {m['statuses'].get(200, 0)} × 200)  "
                      f"{m['scrapy_requests']:.0f} Scrapy requests  {m['read']} documents read, {m['not_read']} not read again  "
                      f"exit {m['exit']}", flush=True)
            one, two = nights
            pairs.append((one, two))
            print(f"run {run}: night 2 / night 1: bytes {two['bytes'] / one['bytes']:.3f} "
                  f"(served {two['served'] / one['served']:.3f}), time {two['wall'] / one['wall']:.3f} "
                  f"(crawl alone {two['elapsed'] / one['elapsed']:.3f}), requests {two['requests'] / one['requests']:.3f}",
                  flush=True)
    times = sorted(two["wall"] / one["wall"] for one, two in pairs)
    size = sorted(two["bytes"] / one["bytes"] for one, two in pairs)
    served = statistics.median(two["served"] / one["served"] for one, two in pairs)
    print(f"night 2 / night 1 over {len(pairs)} run(s): bytes {statistics.median(size):.3f} (goal <= 0.10; "
          f"{size[0]:.3f}-{size[-1]:.3f}; bodies the web served {served:.3f}), time {statistics.median(times):.3f} (goal <= 0.25; {times[0]:.3f}-{times[-1]:.3f}); "
          f"night 1 {statistics.median(o['wall'] for o, _ in pairs):.1f} s, night 2 {statistics.median(t['wall'] for _, t in pairs):.1f} s "
          f"(medians)")
    print(f"where the time went, run {len(pairs)}:")
    print(where_time_went(*pairs[-1]))
    if options.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
