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

import os

import click

from crawler.seeds import read_seeds


def run_crawl(seeds_csv: str, *, db: str | None = None, jsonl: str | None = None, jobdir: str | None = None,
              overrides: dict | None = None, redis_url: str | None = None) -> dict:
    """Crawl every seed of a CSV; return the per-site statistics (seed name → counts).

    With `redis_url`, as a worker of the distributed crawl there (no db, jsonl or jobdir).
    """
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.sitestats import site_stats_for
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
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(ReportsSpider)
    process.crawl(crawler, seeds=seeds)
    process.start()
    if crawler.stats.get_value("finish_reason") is None:
        raise click.ClickException("the crawl did not run (see the traceback above)")
    return site_stats_for(crawler).as_dict()


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
def crawl_command(seeds_csv, db, jsonl, jobdir, redis_url, reset, settings, full):
    """Crawl every bureau of a seed list for its yearly reports."""
    if reset:
        if not redis_url:
            raise click.UsageError("--reset clears a distributed crawl's queue: give --redis URL")
        return _reset(redis_url)
    if not seeds_csv:
        raise click.UsageError("give --seeds CSV (a CSV with the header name,url)")
    if redis_url:
        return _work(seeds_csv, redis_url, db, jsonl, jobdir, parse_settings(settings))
    if not db and not jsonl:
        raise click.UsageError("give --db PATH (archive) and/or --jsonl PATH (JSON Lines)")
    overrides = parse_settings(settings)
    if full:
        overrides["NIANBAO_FULL_WALK"] = True
    sites = run_crawl(seeds_csv, db=db, jsonl=jsonl, jobdir=jobdir, overrides=overrides)
    reports = sum(s["reports"] for s in sites.values())
    pages = sum(s["pages"] for s in sites.values())
    click.echo(f"{len(sites)} sites, {reports} reports, {pages} pages"
               + (f" → {db}" if db else "") + (f" → {jsonl}" if jsonl else ""))
    if sites and pages == 0:
        raise click.ClickException("no page could be fetched from any site (see the log for why)")


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


def _work(seeds_csv, redis_url, db, jsonl, jobdir, overrides) -> None:
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
    sites = run_crawl(seeds_csv, overrides=overrides, redis_url=redis_url)
    reports = sum(s["reports"] for s in sites.values())
    pages = sum(s["pages"] for s in sites.values())
    click.echo(f"this worker: {pages} pages, {reports} reports of {len(sites)} sites → {redis_url}")


COMMANDS = [crawl_command]
