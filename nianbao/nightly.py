"""`nianbao nightly`: the unattended run — crawl, then say what changed, under a lock.

Operators schedule this (systemd timer or cron, see the README) and read two things from
it: the change summary on stdout and the exit status. Two runs must never write the
same archive at once (a slow night overrunning into the next), so the run holds an
exclusive lock on ``<db>.lock`` (flock: released by the kernel if the process dies, so a
killed run never leaves a stale lock behind).

Exit status: 0 every site was reached; 1 some sites (or all) could not be crawled at all,
were blocked or only partly read (listed on stderr); 75 (EX_TEMPFAIL) another run holds
the lock; 78 (EX_CONFIG) the seed list or the archive cannot be used (nothing was
started, no file created: a broken configuration must not look like a quiet night);
143 (128 + SIGTERM; 130 for SIGINT) the night was stopped before its end: its job
directory is kept, and the next run resumes the night where it stopped.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sys
from pathlib import Path

import click

from crawler.commands import output_options

EX_TEMPFAIL = 75
EX_CONFIG = 78


@contextlib.contextmanager
def exclusive_lock(path: Path):
    """Yield True while holding the lock at `path`, False when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}\n")
        handle.flush()
        yield True
    finally:
        handle.close()


def holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "another process"
    except OSError:
        return "another process"


def failed_sites(sites: dict) -> list[str]:
    """Sites the night did not reach (no page fetched, a WAF block), or reached only in part:
    a page on the way to the reports failed (a list that timed out), so the reports it
    lists were not checked, or a report was read from part of its pages ("partial" in the
    archive's crawl_sites)."""
    from crawler.pipelines import unread_columns, walk_failures

    failed = []
    for name, stats in sites.items():
        if not stats.get("pages"):
            failed.append(f"{name}: no page could be fetched ({_reasons(stats) or 'no reason recorded'})")
        elif stats.get("blocks"):
            failed.append(f"{name}: blocked {stats['blocks']} times ({_reasons(stats)})")
        elif walk_failures(stats):
            pages = walk_failures(stats)
            first, why = next(iter(pages.items()))
            failed.append(f"{name}: partial, {len(pages)} page(s) on the way to its reports failed "
                          f"({why.get('reason')} at {first}); the reports they list were not checked")
        elif unread_columns(stats):
            columns = unread_columns(stats)
            failed.append(f"{name}: partial, {sum(columns.values())} page(s) of {len(columns)} paged column(s) unread "
                          f"({', '.join(columns)}); the reports they list were not checked")
        elif stats.get("partial_reports"):
            reports = stats["partial_reports"]
            failed.append(f"{name}: partial, {len(reports)} report(s) read from part of their article's pages "
                          f"(unread: {', '.join(u for urls in reports.values() for u in urls)})")
    return failed


def _reasons(stats: dict) -> str:
    errors = stats.get("errors") or {}
    return ", ".join(f"{reason} ×{count}" for reason, count in sorted(errors.items()))


@click.command("nightly")
@click.option("--seeds", "seeds_csv", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Seed list: a CSV with the header name,url.")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The archive (SQLite file) the night writes to.")
@click.option("--jobdir", type=click.Path(file_okay=False), default=None,
              help="Job directory, so a night killed half-way resumes where it stopped (default: <db>.job).")
@click.option("-s", "--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting, as with `nianbao crawl -s` (e.g. -s DOWNLOAD_DELAY=2).")
@click.option("--lock", "lock_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Lock file that keeps two runs apart (default: <db>.lock).")
@click.option("--full", is_flag=True, help="Walk every site whole tonight, whatever the revisit policy says "
                                           "(NIANBAO_FULL_WALK, crawler/revisit.py).")
@output_options
def nightly_command(seeds_csv, db_path: Path, jobdir, settings, lock_path, full, verbose, quiet, log_file):
    """Crawl every seed into the archive, then print what changed; exit non-zero if sites failed.

    Scrapy's log is appended to <db>.log (or --log-file); the terminal (or the journal)
    gets progress lines, the changes and the sites that failed.
    """
    from archive import export, schema
    from crawler.commands import CrawlStopped, check_inputs, parse_settings, run_crawl, verbosity_of

    verbosity = verbosity_of(verbose, quiet)
    log_file = log_file or db_path.with_name(db_path.name + ".log")

    try:
        check_inputs(seeds_csv, str(db_path))
    except click.ClickException as exc:
        click.echo(f"nianbao nightly: {exc.message}", err=True)
        sys.exit(EX_CONFIG)
    lock_path = lock_path or db_path.with_name(db_path.name + ".lock")
    with exclusive_lock(lock_path) as acquired:
        if not acquired:
            click.echo(f"nianbao nightly: another run is still going ({holder(lock_path)}, lock {lock_path}); "
                       "not starting a second one", err=True)
            sys.exit(EX_TEMPFAIL)
        jobdir = jobdir or str(db_path.with_name(db_path.name + ".job"))
        overrides = parse_settings(settings)
        if full:
            overrides["NIANBAO_FULL_WALK"] = True
        try:
            sites = run_crawl(seeds_csv, db=str(db_path), jobdir=jobdir, overrides=overrides,
                              verbosity=verbosity, log_file=log_file)
        except CrawlStopped as stopped:
            click.echo(f"nianbao nightly: {stopped}; the night is kept in {jobdir} and the next run resumes it "
                       f"(log: {log_file})", err=True)
            end_night(stopped.exit_status)
        _finish_job(Path(jobdir))
        click.echo(export.format_changes(export.changes(schema.connect(db_path, readonly=True))))
    failed = failed_sites(sites)
    for line in failed:
        click.echo(f"nianbao nightly: {line}", err=True)
    if failed:
        click.echo(f"nianbao nightly: what went wrong where is in {log_file}", err=True)
    click.echo(f"nianbao nightly: {len(sites) - len(failed)} of {len(sites)} sites crawled", err=True)
    end_night(1 if failed or not sites else 0)


def end_night(status: int) -> None:
    """Exit with `status`, at once when this is the `nianbao` process itself.

    By now the archive, the render cache and the job's files are closed, the reading
    processes have ended and the lock is released. What is left is the interpreter's own
    teardown, freeing every module and object of Scrapy, Twisted and lxml one by one:
    0.15-0.2 s of every night, a tenth of a quiet one, that closes nothing. So the output
    is flushed and the process ends. Called in-process (click's CliRunner, pytest), where
    sys.stdout is not the process's own, it exits normally.
    """
    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
        sys.exit(status)
    import logging

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _finish_job(jobdir: Path) -> None:
    """A finished night's job directory is spent: the next night starts afresh.

    (Scrapy keeps the seen-request set in JOBDIR; reused, it would skip every page.)"""
    import shutil

    if jobdir.is_dir():
        shutil.rmtree(jobdir, ignore_errors=True)


COMMANDS = [nightly_command]
