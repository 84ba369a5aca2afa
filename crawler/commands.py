"""`nianbao crawl`: run the `reports` spider in-process over a seed list.

The same crawl as `scrapy crawl reports -a seeds=CSV`, with the project's settings, plus
where to keep the results (`--db` archive, `--jsonl` file) and a job directory to resume
from. Progress and a line per site go to the log (stderr).
"""
from __future__ import annotations

import os

import click

from crawler.seeds import read_seeds


def run_crawl(seeds_csv: str, *, db: str | None = None, jsonl: str | None = None, jobdir: str | None = None,
              overrides: dict | None = None) -> dict:
    """Crawl every seed of a CSV; return the per-site statistics (seed name → counts)."""
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
@click.option("--seeds", "seeds_csv", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Seed list: a CSV with the header name,url (more columns allowed).")
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite archive to store the reports in.")
@click.option("--jsonl", type=click.Path(dir_okay=False), help="Also (or instead) write reports as JSON Lines here.")
@click.option("--jobdir", type=click.Path(file_okay=False),
              help="Job directory: a crawl stopped or killed resumes from here when run again.")
@click.option("-s", "--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting (e.g. -s ROBOTSTXT_OBEY=False), as with `scrapy crawl -s`.")
def crawl_command(seeds_csv, db, jsonl, jobdir, settings):
    """Crawl every bureau of a seed list for its yearly reports."""
    if not db and not jsonl:
        raise click.UsageError("give --db PATH (archive) and/or --jsonl PATH (JSON Lines)")
    sites = run_crawl(seeds_csv, db=db, jsonl=jsonl, jobdir=jobdir, overrides=parse_settings(settings))
    reports = sum(s["reports"] for s in sites.values())
    pages = sum(s["pages"] for s in sites.values())
    click.echo(f"{len(sites)} sites, {reports} reports, {pages} pages"
               + (f" → {db}" if db else "") + (f" → {jsonl}" if jsonl else ""))
    if sites and pages == 0:
        raise click.ClickException("no page could be fetched from any site (see the log for why)")


COMMANDS = [crawl_command]
