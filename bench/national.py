"""How long a national night takes: N synthetic bureaus, 1 and 2 worker processes, Redis.

    python bench/national.py [--sites 100 1000 3300] [--workers 1 2] [-s KEY=VALUE ...]

For each N (default: 100, 1,000 and 3,300, the number of 民政局), serves the national
local web (localweb/national.py: one loopback address per site, every answer 200-800 ms
late, day 2 unchanged so report requests answer 304) and runs, for each number of
workers, two nights into a fresh archive exactly as an operator would
(localweb/night.py): `nianbao crawl --redis --reset`, the writer `nianbao store --redis
--db`, the workers `nianbao crawl --redis`. `--workers 0` is the default single-machine
mode instead: one `nianbao nightly --seeds --db`, no Redis. The crawl keeps the product's politeness
(crawler/settings.py: robots.txt, per-site concurrency and delay, AutoThrottle); -s
overrides a setting for the workers.

Wall time runs from the first worker's start to the writer's exit (the archive holds the
night), so it includes starting Python and Scrapy. Printed per night: requests the web
served (robots.txt included), pages/s, and the ratio to the politeness limit

    limit = sites x pages x delay / concurrency

pages: requests per site this night (measured); delay: what one request costs one of the
crawl's concurrency slots under politeness, the server's mean latency (0.5 s) plus
DOWNLOAD_DELAY (our site tokens keep a site resting that long after each answer);
concurrency: CONCURRENT_REQUESTS x workers. A ratio of 1.0 is a crawler that never
leaves a slot idle; the per-site floor (one site's pages through its
CONCURRENT_REQUESTS_PER_DOMAIN slots) is printed too, it bounds small N. Then the goals:
a national no-change night under 15 minutes and a first national crawl under 2 hours on
one machine, and 2 workers at least 1.6x as fast as 1 where the limit allows. The load
average is printed with every night: on a shared machine it is part of the figure. So is
the CPU time the crawl's processes and the web used, and "busy": that time over cores x
wall. Near 1, the night was bound by this machine's CPU, not by the servers' politeness,
and a second worker process on the same cores cannot make it much faster.

    python bench/national.py --sites 3300 --workers 1 2 --worker-cores 0.67

stands one machine in for several: each worker, with its reading processes, runs in its
own CPU cgroup of that many cores (bench/cpu_budget.py; needs root), as it would on a
machine of its own, so two workers have twice the CPU of one; the web, Redis and the
writer share what is left. Without it, one worker already spreads over every core of
this machine and a second adds what is left, which measures the machine, not the
crawl's scaling.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler import settings as project  # noqa: E402
from localweb.national import NationalWeb  # noqa: E402
from localweb.night import Night  # noqa: E402
from localweb.redis_server import RedisServer  # noqa: E402

MEAN_LATENCY = 0.5      # localweb.national: uniform in 200-800 ms
GOAL_NO_CHANGE_S = 15 * 60
GOAL_FIRST_S = 2 * 3600
GOAL_SPEEDUP = 1.6
NATIONAL = 3300
CPU_BOUND = 0.85        # a night that kept the cores this busy was held back by the CPU


def setting(overrides: dict, name: str) -> float:
    return float(overrides.get(name, getattr(project, name)))


def cpu_seconds(since: tuple[float, float] | None = None) -> tuple[float, float]:
    """CPU seconds (user + system) used so far by the crawl's processes and by this one.

    The crawl's: every process this bench started and waited for, with the processes
    they waited for in turn (workers, their reading processes, the writer, redis-cli).
    This one's: mostly the national web, which answers from a thread of this process.
    Both share the machine's cores, so crawl + web over cores x wall says whether a
    night was bound by the CPU rather than by the servers' latency and politeness.
    """
    import resource

    children, own = (resource.getrusage(who) for who in (resource.RUSAGE_CHILDREN, resource.RUSAGE_SELF))
    now = (children.ru_utime + children.ru_stime, own.ru_utime + own.ru_stime)
    return now if since is None else (now[0] - since[0], now[1] - since[1])


def run_night(web: NationalWeb, redis_url: str, seeds: Path, db: Path, work: Path, workers: int,
              settings: list[str], budget=None) -> dict:
    """One night with `workers` workers (each in its CPU budget, if one is given); what the
    web served and how long it took."""
    work.mkdir(parents=True)
    night = Night(redis_url, seeds, db, work, settings=settings,
                  on_worker_start=budget.place if budget is not None else None)
    night.reset()
    night.start_writer(timeout=600)
    before = len(web.log)
    load = os.getloadavg()[0]
    cpu = cpu_seconds()
    throttled = budget.throttled() if budget is not None else 0.0
    started = time.monotonic()
    try:
        for _ in range(workers):
            night.start_worker()
        night.wait(timeout=4 * 3600)
    finally:
        night.stop()
    wall = time.monotonic() - started
    cpu = cpu_seconds(since=cpu)
    served = web.log[before:]
    outcomes = Counter(line.split("\t", 1)[0] for line in night.stored.read_text(encoding="utf-8").splitlines())
    return {"wall": wall, "requests": len(served), "statuses": Counter(a.status for a in served),
            "outcomes": outcomes, "load": (load, os.getloadavg()[0]), "cpu": cpu,
            "throttled": budget.throttled() - throttled if budget is not None else None}


def run_single(web: NationalWeb, seeds: Path, db: Path, work: Path, settings: list[str]) -> dict:
    """One night on one machine without Redis: `nianbao nightly --seeds --db`, the default mode."""
    import sqlite3
    import subprocess

    work.mkdir(parents=True)
    before = len(web.log)
    load = os.getloadavg()[0]
    cpu = cpu_seconds()
    started = time.monotonic()
    log = work / "nightly.log"
    with open(log, "w", encoding="utf-8") as handle:
        result = subprocess.run([sys.executable, "-m", "nianbao.cli", "nightly", "-v", "--seeds", str(seeds), "--db", str(db),
                                 *settings], cwd=REPO, stdout=handle, stderr=subprocess.STDOUT, timeout=4 * 3600)
    wall = time.monotonic() - started
    cpu = cpu_seconds(since=cpu)
    if result.returncode not in (0, 1):  # 1: some site failed, which the figures still describe
        raise RuntimeError(f"nianbao nightly failed ({result.returncode}):\n{log.read_text(encoding='utf-8')[-3000:]}")
    served = web.log[before:]
    with sqlite3.connect(db) as conn:  # what the night did to the archive's reports
        crawl = conn.execute("SELECT max(id) FROM crawls").fetchone()[0]
        outcomes = Counter(dict(conn.execute("SELECT kind, count(*) FROM events WHERE crawl_id = ? GROUP BY kind",
                                             [crawl])))
        changed = sum(outcomes.values())
        outcomes["unchanged"] = conn.execute("SELECT count(*) FROM reports WHERE last_crawl = ?",
                                             [crawl]).fetchone()[0] - changed
    return {"wall": wall, "requests": len(served), "statuses": Counter(a.status for a in served),
            "outcomes": +outcomes, "load": (load, os.getloadavg()[0]), "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[100, 1000, NATIONAL])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="worker processes of the distributed mode; 0 = one `nianbao nightly` without Redis")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                        help="a Scrapy setting for the workers (repeatable)")
    parser.add_argument("--worker-cores", type=float, default=None, metavar="CORES",
                        help="run each worker and its reading processes in a CPU cgroup of CORES cores, as on a "
                             "machine of its own (needs root; default: no budget, all share this machine)")
    parser.add_argument("--keep", type=Path, default=None, help="keep logs and archives here (default: a temp dir)")
    options = parser.parse_args()
    overrides = dict(pair.split("=", 1) for pair in options.settings)
    # the national web is on loopback addresses, which the crawl otherwise refuses (SSRF guard)
    worker_settings = ["-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True",
                       *(arg for pair in options.settings for arg in ("-s", pair))]
    cores = os.cpu_count() or 1
    delay = MEAN_LATENCY + setting(overrides, "DOWNLOAD_DELAY")
    per_slot = setting(overrides, "CONCURRENT_REQUESTS")
    per_site = setting(overrides, "CONCURRENT_REQUESTS_PER_DOMAIN")
    work = options.keep or Path(tempfile.mkdtemp(prefix="nianbao-national-"))
    print(f"machine: {os.cpu_count()} cores; politeness: DOWNLOAD_DELAY {setting(overrides, 'DOWNLOAD_DELAY'):g} s, "
          f"{per_site:g} per site, CONCURRENT_REQUESTS {per_slot:g} per worker, "
          f"AutoThrottle {overrides.get('AUTOTHROTTLE_ENABLED', project.AUTOTHROTTLE_ENABLED)}; work in {work}",
          flush=True)
    from bench.machine import describe
    print(describe(), flush=True)
    budget = None
    if options.worker_cores is not None:
        from bench.cpu_budget import CpuBudget, CpuBudgetUnavailable
        try:
            budget = CpuBudget(options.worker_cores)
        except CpuBudgetUnavailable as exc:
            parser.exit(2, f"--worker-cores: {exc}\n")
        print(f"each worker and its reading processes in a CPU budget of {options.worker_cores:g} cores "
              f"(cgroup v{budget.version}), as on a machine of its own; web, Redis and writer share the rest",
              flush=True)
    header = (f"{'sites':>6} {'workers':>7} {'night':<10} {'wall s':>8} {'requests':>8} {'pages/s':>8} "
              f"{'limit s':>8} {'ratio':>6} {'site floor s':>12} {'load 1m':>12} {'cpu crawl+web s':>15} {'busy':>5}  outcomes")
    rows, results = [], {}
    print(header, flush=True)
    with RedisServer() as redis_server, (budget or contextlib.nullcontext()):
        for sites in options.sites:
            with NationalWeb(sites) as web:
                web.prebuild()
                seeds = work / f"n{sites}" / "seeds.csv"
                seeds.parent.mkdir(parents=True, exist_ok=True)
                web.write_seeds(seeds)
                for workers in options.workers:
                    db = work / f"n{sites}" / f"w{workers}.db"
                    for night in ("first", "no-change"):
                        where = work / f"n{sites}" / f"w{workers}-{night}"
                        if workers == 0:
                            r = run_single(web, seeds, db, where, worker_settings)
                        else:
                            r = run_night(web, redis_server.url(), seeds, db, where, workers, worker_settings, budget)
                        pages = r["requests"] / sites
                        limit = sites * pages * delay / (per_slot * max(1, workers))
                        floor = pages * delay / per_site
                        results[(sites, workers, night)] = r
                        row = (f"{sites:>6} {workers or 'single':>7} {night:<10} {r['wall']:>8.0f} {r['requests']:>8} "
                               f"{r['requests'] / r['wall']:>8.1f} {limit:>8.0f} {limit / r['wall']:>6.2f} "
                               f"{floor:>12.1f} {r['load'][0]:>5.1f}->{r['load'][1]:<5.1f} "
                               f"{r['cpu'][0]:>7.0f}+{r['cpu'][1]:<7.0f} {sum(r['cpu']) / (cores * r['wall']):>5.2f}  "
                               + ", ".join(f"{n} {k}" for k, n in sorted(r["outcomes"].items()))
                               + f"; HTTP {dict(sorted(r['statuses'].items()))}"
                               + (f"; workers held back by their budgets {r['throttled']:.0f} s"
                                  if r.get("throttled") is not None else ""))
                        rows.append(row)
                        print(row, flush=True)
    print("\n" + header)
    print("\n".join(rows))
    print()
    for sites in options.sites:
        for workers in options.workers:
            first, again = results[(sites, workers, "first")], results[(sites, workers, "no-change")]
            scale = NATIONAL / sites
            print(f"N={sites}, {f'{workers} worker(s)' if workers else 'single process'}: first crawl {first['wall'] / 60:.1f} min, no-change night "
                  f"{again['wall'] / 60:.1f} min" + ("" if sites == NATIONAL else
                                                     f" (x{scale:.1f} for {NATIONAL}: {first['wall'] * scale / 60:.0f} "
                                                     f"and {again['wall'] * scale / 60:.0f} min if it scaled linearly)"))
        if sites == NATIONAL:
            best = {night: min(results[(sites, w, night)]["wall"] for w in options.workers)
                    for night in ("first", "no-change")}
            print(f"goal no-change national night < 15 min: {best['no-change'] / 60:.1f} min "
                  f"{'met' if best['no-change'] < GOAL_NO_CHANGE_S else 'MISSED'}")
            print(f"goal first national crawl < 2 h: {best['first'] / 3600:.2f} h "
                  f"{'met' if best['first'] < GOAL_FIRST_S else 'MISSED'}")
        if {1, 2} <= set(options.workers):
            for night in ("first", "no-change"):
                one, two = results[(sites, 1, night)], results[(sites, 2, night)]
                speedup = one["wall"] / two["wall"]
                limit_allows = (sites * (two["requests"] / sites) * delay / (per_slot * 2)
                                > (two["requests"] / sites) * delay / per_site)
                busy = sum(two["cpu"]) / (cores * two["wall"])
                print(f"N={sites} {night}: 2 workers {speedup:.2f}x one worker"
                      + (f", each on {options.worker_cores:g} cores" if budget is not None else ", sharing the machine")
                      + f" (goal >= {GOAL_SPEEDUP} where the "
                      f"limit allows: {'it does' if limit_allows else 'the per-site floor binds'}) "
                      f"{'met' if speedup >= GOAL_SPEEDUP else ('MISSED' if limit_allows else 'n/a')}"
                      + (f" - CPU-bound: the {cores} cores were {busy:.0%} busy with 2 workers"
                         if speedup < GOAL_SPEEDUP and busy >= CPU_BOUND else ""))
    if options.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
