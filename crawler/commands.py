"""`nianbao crawl`: run the `reports` spider in-process over a seed list.

The same crawl as `scrapy crawl reports -a seeds=CSV`, with the project's settings, plus
where to keep the results (`--db` archive, `--jsonl` file) and a job directory to resume
from. Progress and a line per site go to the log (stderr).

With `--redis URL` the process is one worker of a distributed crawl
(crawler/distributed.py): it shares the queue and seen-set in that Redis with the other
workers and pushes its items there for the one writer (`nianbao store --redis`);
`--redis URL --reset` clears the last night and opens a new one. Nothing of Redis is
imported otherwise.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import click

from crawler.seeds import SeedListError, read_seeds, usable_seeds

logger = logging.getLogger(__name__)


class CrawlStopped(Exception):
    """The crawl was stopped by a signal (SIGTERM from `systemctl stop`, Ctrl-C) before its end.

    Its process must not exit 0 nor print a summary as if the crawl were done: its sites
    were not all walked. With a job directory the crawl is left open in the archive and
    the next run with the same job directory resumes it (crawler.resume).
    """

    def __init__(self, signum: int, totals: dict):
        self.signum = signum
        self.totals = totals
        super().__init__(f"stopped by {signal.Signals(signum).name} before the crawl's end "
                         f"({totals['sites_done']} of {totals['sites']} sites done, {totals['reports']} reports "
                         f"and {totals['pages']} pages so far)")

    @property
    def exit_status(self) -> int:
        """128 + the signal's number, as a shell reports a process ended by it (143 for SIGTERM)."""
        return 128 + self.signum


class StopOnSignal:
    """SIGTERM or SIGINT: stop the crawl as Scrapy does (requests in flight end, the spider
    closes with reason "shutdown"), remembering the signal; a second one stops at once.

    In place of Scrapy's own handlers, which stop the crawl just the same but keep no
    record of it: `process.start()` returns as after a finished crawl.
    """

    def __init__(self, process):
        self.process = process
        self.signum: int | None = None

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._received)

    def _received(self, signum, _frame) -> None:
        from twisted.internet import reactor

        if self.signum is None:
            self.signum = signum
            reactor.callFromThread(self._stop, signum)
        else:
            reactor.callFromThread(self._stop_now, signum)

    def _stop(self, signum: int) -> None:  # logging, not in the signal handler (see Scrapy's crawler.py)
        logger.warning("received %s: stopping the crawl once the requests in flight are done "
                       "(send it again to stop at once)", signal.Signals(signum).name)
        self.process.stop()

    def _stop_now(self, signum: int) -> None:
        from twisted.internet import reactor

        logger.warning("received %s again: stopping at once", signal.Signals(signum).name)
        if reactor.running:
            reactor.stop()


def run_crawl(seeds_csv: str, *, db: str | None = None, jsonl: str | None = None, jobdir: str | None = None,
              overrides: dict | None = None, redis_url: str | None = None, verbosity: str = "normal",
              log_file: Path | None = None) -> dict:
    """Crawl every seed of a CSV; return the per-site statistics (seed name → counts).

    With `redis_url`, as a worker of the distributed crawl there (no db, jsonl or jobdir).
    Scrapy's log goes to `log_file` (default: crawler.console.log_file_for), the terminal
    shows what `verbosity` says (crawler/console.py).
    """
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler import console
    from crawler.spiders.reports import ReportsSpider

    seeds, problems = read_seeds(seeds_csv)
    for problem in problems:
        click.echo(f"seed skipped: {problem}", err=True)
    settings = get_project_settings()
    settings.set("NIANBAO_DB", db, priority="cmdline")
    settings.set("NIANBAO_JSONL", jsonl, priority="cmdline")
    if jobdir:
        settings.set("JOBDIR", jobdir, priority="cmdline")
    if redis_url:
        from crawler.distributed import worker_settings

        for key, value in worker_settings(redis_url).items():
            settings.set(key, value, priority="cmdline")
    log_file = log_file or console.log_file_for(db, jsonl)
    for key, value in console.output_settings(verbosity, log_file).items():
        settings.set(key, value, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    terminal = console.attach_terminal(verbosity, settings, log_file)
    try:
        return _run(process, ReportsSpider, seeds, log_file)
    finally:
        console.detach_terminal(terminal)


def _run(process, spider_class, seeds, log_file) -> dict:
    from crawler.sitestats import site_stats_for

    crawler = process.create_crawler(spider_class)  # installs the reactor
    process.crawl(crawler, seeds=seeds)
    from twisted.internet import reactor

    stop = StopOnSignal(process)
    reactor.addSystemEventTrigger("after", "startup", stop.install)
    process.start(install_signal_handlers=False)
    if stop.signum is not None and crawler.stats.get_value("finish_reason") != "finished":
        raise CrawlStopped(stop.signum, site_stats_for(crawler).totals())
    if crawler.stats.get_value("finish_reason") is None:
        raise click.ClickException(f"the crawl did not run (see why in {log_file or 'the log above'})")
    return site_stats_for(crawler).as_dict()


def check_inputs(seeds_csv: str, db: str | None = None) -> None:
    """Refuse, before Scrapy starts or a file is created, a seed list with nothing to crawl
    or an archive this crawl cannot write (click.ClickException, one line each)."""
    from archive.preflight import ArchiveProblem, check_writable

    try:
        usable_seeds(seeds_csv)
    except SeedListError as exc:
        for problem in read_seeds(seeds_csv)[1]:
            if problem.line > 1:
                click.echo(f"seed skipped: {problem}", err=True)
        raise click.ClickException(str(exc)) from None
    if db:
        try:
            check_writable(db)
        except ArchiveProblem as exc:
            raise click.ClickException(str(exc)) from None


def output_options(command):
    """-v/--verbose, -q/--quiet and --log-file, for every command that crawls."""
    command = click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                           help="Where the crawl's full (Scrapy) log is appended (default: beside the archive, "
                                "<db>.log, or <jsonl>.log).")(command)
    command = click.option("-q", "--quiet", is_flag=True,
                           help="Only errors from the crawl: no progress line, no log (and `crawl` prints no summary; "
                                "nightly's changes and demo's summary still come).")(command)
    command = click.option("-v", "--verbose", is_flag=True, envvar="NIANBAO_VERBOSE",
                           help="Also show Scrapy's log on the terminal (env NIANBAO_VERBOSE=1).")(command)
    return command


def verbosity_of(verbose: bool, quiet: bool) -> str:
    if verbose and quiet:
        raise click.UsageError("give --verbose or --quiet, not both")
    return "verbose" if verbose else "quiet" if quiet else "normal"


def parse_settings(pairs: tuple[str, ...]) -> dict:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="-s")
        overrides[key.strip()] = value
    return overrides


@click.command("crawl")
@click.option("--seeds", "seeds_csv", type=click.Path(exists=True, dir_okay=False),
              help="Seed list: a CSV with the header name,url (more columns allowed).")
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite archive to store the reports in.")
@click.option("--jsonl", type=click.Path(dir_okay=False), help="Also (or instead) write reports as JSON Lines here.")
@click.option("--jobdir", type=click.Path(file_okay=False),
              help="Job directory: a crawl stopped or killed resumes from here when run again.")
@click.option("--redis", "redis_url", metavar="redis://HOST:PORT/N",
              help="Be one worker of a distributed crawl: share the queue in this Redis with the other workers; "
                   "items go there for the writer (`nianbao store --redis URL --db ARCHIVE`), not to --db.")
@click.option("--reset", is_flag=True,
              help="With --redis: clear the last night's queue and seen-URL set and open a new night, then exit "
                   "(run once before the workers).")
@click.option("-s", "--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting (e.g. -s ROBOTSTXT_OBEY=False), as with `scrapy crawl -s`.")
@click.option("--full", is_flag=True, help="Walk every site whole tonight, whatever the revisit policy says "
                                           "(NIANBAO_FULL_WALK, crawler/revisit.py).")
@output_options
def crawl_command(seeds_csv, db, jsonl, jobdir, redis_url, reset, settings, full, verbose, quiet, log_file):
    """Crawl every bureau of a seed list for its yearly reports.

    The terminal shows a progress line and the summary; Scrapy's log goes to <db>.log
    (or --log-file), -v shows it too, -q shows errors only.
    """
    verbosity = verbosity_of(verbose, quiet)
    if reset:
        if not redis_url:
            raise click.UsageError("--reset clears a distributed crawl's queue: give --redis URL")
        return _reset(redis_url)
    if not seeds_csv:
        raise click.UsageError("give --seeds CSV (a CSV with the header name,url)")
    if redis_url:
        check_inputs(seeds_csv)
        return _work(seeds_csv, redis_url, db, jsonl, jobdir, parse_settings(settings), verbosity, log_file)
    if not db and not jsonl:
        raise click.UsageError("give --db PATH (archive) and/or --jsonl PATH (JSON Lines)")
    check_inputs(seeds_csv, db)
    from crawler.console import log_file_for

    overrides = parse_settings(settings)
    if full:
        overrides["NIANBAO_FULL_WALK"] = True
    try:
        sites = run_crawl(seeds_csv, db=db, jsonl=jsonl, jobdir=jobdir, overrides=overrides,
                          verbosity=verbosity, log_file=log_file)
    except CrawlStopped as stopped:
        click.echo(f"nianbao crawl: {stopped}; " + (f"run the same command again to resume it from {jobdir}"
                   if jobdir else "without --jobdir it cannot resume: the next crawl starts afresh"), err=True)
        sys.exit(stopped.exit_status)
    reports = sum(s["reports"] for s in sites.values())
    pages = sum(s["pages"] for s in sites.values())
    if verbosity != "quiet":
        click.echo(f"{len(sites)} sites, {reports} reports, {pages} pages"
                   + (f" → {db}" if db else "") + (f" → {jsonl}" if jsonl else "")
                   + f" (log: {log_file or log_file_for(db, jsonl)})")
        for line in sites_to_look_at(sites):
            click.echo(f"  {line}")
    if sites and pages == 0:
        raise click.ClickException("no page could be fetched from any site (see the log for why)")


def sites_to_look_at(sites: dict) -> list[str]:
    """The summary lines of the sites an operator must look at: blocked, read in part, with
    no report found, or with errors (the others are in the log)."""
    from crawler.sitestats import SiteStats

    stats = SiteStats()
    stats.sites = sites
    lines = [stats.summary_line(name) for name in sites]
    return [line for line in lines if line.startswith(("BLOCKED ", "PARTIAL ", "NO REPORTS ")) or "; errors: " in line]


def _redis_client(redis_url: str):
    import redis

    from crawler.distributed import connect

    client = connect(redis_url)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise click.ClickException(f"cannot reach Redis at {redis_url}: {exc}") from None
    return client


def _reset(redis_url: str) -> None:
    from crawler.distributed import NightError, reset_night

    try:
        cleared = reset_night(_redis_client(redis_url))
    except NightError as exc:
        raise click.ClickException(str(exc).replace("URL", redis_url)) from None
    click.echo(f"reset {redis_url}: cleared {cleared['queued requests']} queued requests and {cleared['seen URLs']} "
               f"seen URLs; a new night is open.\nNow start the writer (nianbao store --redis {redis_url} --db ARCHIVE) "
               f"and the workers (nianbao crawl --seeds CSV --redis {redis_url}).")


def _work(seeds_csv, redis_url, db, jsonl, jobdir, overrides, verbosity, log_file) -> None:
    from crawler.distributed import NightError, join_night

    if db or jsonl or jobdir:
        raise click.UsageError("a worker keeps nothing locally: its items go to Redis, where "
                               f"`nianbao store --redis {redis_url} --db ARCHIVE` stores them (drop --db/--jsonl/--jobdir)")
    try:
        night = join_night(_redis_client(redis_url))
    except NightError as exc:
        raise click.ClickException(str(exc).replace("URL", redis_url)) from None
    if night.get("state") == "finished":
        click.echo(f"the night opened at {night.get('opened_at')} at {redis_url} finished at {night.get('finished_at')}: "
                   f"nothing to do. For a new night: nianbao crawl --redis {redis_url} --reset")
        return
    try:
        sites = run_crawl(seeds_csv, overrides=overrides, redis_url=redis_url, verbosity=verbosity, log_file=log_file)
    except CrawlStopped as stopped:  # its unfinished requests go back to the queue (crawler/leases.py)
        click.echo(f"this worker: {stopped}", err=True)
        sys.exit(stopped.exit_status)
    reports = sum(s["reports"] for s in sites.values())
    pages = sum(s["pages"] for s in sites.values())
    click.echo(f"this worker: {pages} pages, {reports} reports of {len(sites)} sites → {redis_url}")


COMMANDS = [crawl_command]
