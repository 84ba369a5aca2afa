"""`nianbao demo`: the whole product on the embedded local web, for a newcomer.

Starts the local web of bureau sites (localweb) on free loopback ports, crawls it with
the real crawler into a real archive, scores what it found against the web's gold and
prints a summary with the next commands to try. Nothing to set up; run it twice (the
second time with ``--day 2``) to see a silent revision, a new report and a removed
attachment land in the archive as versions and changes.
"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import click

from crawler.commands import output_options

DEMO_POLITENESS = {"DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_START_DELAY": 0.05, "AUTOTHROTTLE_MAX_DELAY": 2.0,
                   "NIANBAO_ALLOW_PRIVATE_HOSTS": True}  # the local web is on 127.0.0.1


@click.command("demo")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=Path("nianbao-demo.db"),
              show_default=True, help="Archive to crawl into (created if missing; reuse it for --day 2).")
@click.option("--day", type=click.IntRange(1, 2), default=1, show_default=True,
              help="Day of the local web: 2 has a silently revised report, a new one and a removed attachment.")
@click.option("--port", type=int, default=8401, show_default=True,
              help="Port of the first local site (the others follow); the same ports on both days keep URLs stable. 0: any free ports.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to keep the web's seeds/gold files and the crawl's records (default: a temporary directory).")
@output_options
def demo_command(db: Path, day: int, port: int, out_dir: Path | None, verbose: bool, quiet: bool,
                 log_file: Path | None):
    """Serve the local web, crawl it into an archive, and print what was found."""
    from crawler.commands import CrawlStopped, run_crawl, verbosity_of

    verbosity = verbosity_of(verbose, quiet)
    log_file = log_file or Path(f"{db}.log")
    from localweb.score import read_jsonl, score
    from localweb.server import LocalWeb
    from localweb.web import build_web

    from archive.preflight import ArchiveProblem, check_writable

    try:
        check_writable(db)
    except ArchiveProblem as exc:
        raise click.ClickException(str(exc)) from None
    out_dir = out_dir or Path(tempfile.mkdtemp(prefix="nianbao-demo-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    click.echo(f"Building the local web (day {day}) ...", err=True)
    web = build_web(day, slow_seconds=1.0)
    fixed_ports = bool(port)
    try:
        server = LocalWeb(web, first_port=port).start()
    except OSError as exc:
        click.echo(f"Ports from {port} are taken ({exc.strerror}); serving on free ports instead "
                   "(URLs will differ from an earlier demo's).", err=True)
        server = LocalWeb(web, first_port=0).start()
        fixed_ports = False
    try:
        paths = web.write(out_dir, server.urls)
        click.echo(f"Serving {len(web.sites)} bureau sites on 127.0.0.1; seed list {paths['seeds']}", err=True)
        started = time.monotonic()
        # the local web is ours: still robots.txt and retries, but no need to wait long
        # between requests as the nightly defaults do for small government servers
        # a whole walk each day: the demo shows day 2's every change at once, where the
        # revisit policy would find a silent revision within a week (crawler/revisit.py)
        try:
            sites = run_crawl(str(paths["seeds"]), db=str(db), overrides={**DEMO_POLITENESS, "NIANBAO_FULL_WALK": True},
                              verbosity=verbosity, log_file=log_file)
        except CrawlStopped as stopped:
            click.echo(f"nianbao demo: {stopped}", err=True)
            raise SystemExit(stopped.exit_status) from None
        seconds = time.monotonic() - started
    finally:
        server.stop()
    # Score the archive, not this crawl's output: a second night re-reads only what
    # changed, and the archive is what researchers get.
    from archive import export, schema

    records = [r for r in export.report_records(schema.connect(db, readonly=True)) if not r.get("gone_since")]
    result = score(read_jsonl(paths["gold"]), records, read_jsonl(paths["decoys"]))
    changes = export.changes(schema.connect(db, readonly=True))
    _summary(sites, records, result, seconds, db, day, changes, fixed_ports, log_file)


def _summary(sites: dict, records: list[dict], result: dict, seconds: float, db: Path, day: int, changes: dict,
             fixed_ports: bool, log_file: Path):
    click.echo("")
    click.echo(f"Crawled {len(sites)} sites in {seconds:.0f} s:")
    for name, stats in sites.items():
        problems = ", ".join(f"{reason} ×{count}" for reason, count in sorted((stats.get("errors") or {}).items()))
        click.echo(f"  {name:<12} {stats.get('reports', 0):>3} reports  {stats.get('pages', 0):>4} pages"
                   + (f"  ({problems})" if problems else ""))
    failing = [r for r in records if r.get("failed_checks")]
    click.echo(f"This crawl: {len(changes['new'])} new, {len(changes['revised'])} revised, "
               f"{len(changes['gone'])} gone (details: nianbao changes)")
    click.echo(f"Reports in the archive: {len(records)}; with figures that do not add up: {len(failing)}")
    click.echo("Archive against the local web's gold: " + json.dumps(
        {k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items() if k in ("recall", "precision", "cells", "dates", "contacts", "decoys_recorded")},
        ensure_ascii=False))
    click.echo("")
    click.echo(f"The archive is {db}, the crawl's log {log_file}. Next:")
    click.echo(f"  nianbao export --db {db} | head -c 600     # report records (JSON Lines)")
    click.echo(f"  nianbao changes --db {db}                  # what this crawl found new, revised, gone")
    click.echo(f"  nianbao serve --db {db}                    # browse it in datasette")
    if day == 1 and fixed_ports:
        click.echo(f"  nianbao demo --day 2 --db {db}             # the next day: a revision, a new report, a removal")
    if not fixed_ports:
        # A site is its seed URL: on other ports, day 2's sites are new sites to the archive,
        # whose reports are all "new" and whose day-1 reports are never judged gone.
        click.echo("These sites were served on free ports: their URLs differ from any other run's, so a "
                   "--day 2 run does not see them as the same sites. For the two-day demo run both days "
                   "on the same fixed --port (the default).")


COMMANDS = [demo_command]
