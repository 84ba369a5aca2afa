"""`nianbao export`, `nianbao changes`, `nianbao serve`, `nianbao store`: the archive's CLI.

A thin click layer: each command opens the archive, calls one function of
`archive.export`, `archive.serve` or `archive.store`, and prints.
"""
from __future__ import annotations

import base64
import contextlib
import json
import sqlite3
import sys
from pathlib import Path

import click

from archive import export, schema
from archive.preflight import ArchiveProblem, check_readable, check_writable
from archive.store import Archive

DB_OPTION = click.option(
    "--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The archive (SQLite file) to read or write.",
)


def _open_readonly(db_path: Path):
    usable(check_readable, db_path)
    return schema.connect(db_path, readonly=True)


def usable(check, db_path) -> None:
    """Run a preflight check (check_readable, check_writable); its refusal is the command's one-line error."""
    try:
        check(db_path)
    except ArchiveProblem as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def reading(db_path: Path):
    """A SQLite error while reading (the file changed or broke after the check) as one line, not a traceback."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{db_path}: cannot be read as an archive ({exc})") from None


@click.command("export")
@DB_OPTION
@click.option("--all-versions", is_flag=True, help="Every version of every report, not only the latest.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="JSON Lines (records in the spec's format) or CSV (one column per codebook key).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write (default: standard output).")
def export_command(db_path, all_versions, fmt, output):
    """Report records in the spec's format, plus version, first_seen, last_seen, gone_since, url and capture_sha256.

    Gone reports are exported too (gone_since set): the archive keeps what was published.
    """
    db = _open_readonly(db_path)
    with reading(db_path):
        rows = export.report_records(db, all_versions=all_versions)
        n = (export.write_csv if fmt == "csv" else export.write_jsonl)(rows, output)
    click.echo(f"nianbao export: {n} records", err=True)


@click.command("changes")
@DB_OPTION
@click.option("--since", default=None, metavar="DATE",
              help="Every crawl started on or after this date (YYYY-MM-DD) instead of only the last crawl.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as one JSON object.")
def changes_command(db_path, since, as_json):
    """What the last crawl (or every crawl since DATE) found: new, revised (cell by cell), gone, returned."""
    db = _open_readonly(db_path)
    with reading(db_path):
        result = export.changes(db, since=since)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(export.format_changes(result))


@click.command("serve", context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                          "help_option_names": ["--help"]})
@DB_OPTION
@click.argument("datasette_options", nargs=-1, type=click.UNPROCESSED)
def serve_command(db_path, datasette_options):
    """Browse the archive in datasette, read-only; a crawl may write meanwhile (WAL).

    `datasette serve DB` with the nianbao plugin and settings: every other option is
    datasette's own and passed through (-h/--host, -p/--port, --setting NAME VALUE, -o/--open,
    --reload, --metadata ...; see `datasette serve --help`).
    """
    from archive import serve

    usable(check_readable, db_path)
    serve.serve(db_path, datasette_options)


@click.command("store")
@DB_OPTION
@click.option("--items", "items_file", type=click.File("r", encoding="utf-8"),
              help="Report items as JSON Lines ('-' for standard input); the body as body_base64 or a text body.")
@click.option("--complete", is_flag=True,
              help="The items are a complete crawl of their sites: reports of those sites not among them are gone.")
@click.option("--redis", "redis_url", metavar="redis://HOST:PORT/N",
              help="Instead of --items: be the writer of a distributed crawl, storing the workers' items from Redis.")
@click.option("--key", "items_key", default="reports:items", show_default=True,
              help="With --redis: the Redis list the workers push items to.")
@click.option("--until-idle", type=float, default=None, metavar="SECONDS",
              help="With --redis: stop after this long without an item (default: only on the stop sentinel).")
def store_command(db_path, items_file, complete, redis_url, items_key, until_idle):
    """Store crawled report items as one crawl (for tests, replays and the distributed mode).

    Each line is a ReportItem as a JSON object. Prints one line per item: its outcome,
    organ, year and url, and a summary on standard error. With --redis, the items come
    from a distributed crawl's workers (archive/redis_store.py) until told to stop.
    """
    if (items_file is None) == (redis_url is None):
        raise click.UsageError("give either --items FILE or --redis URL")
    usable(check_writable, db_path)
    if redis_url:
        from archive.redis_store import store_from_redis

        return store_from_redis(redis_url, db_path, items_key, until_idle, echo=click.echo)
    items = [_item(line, n) for n, line in enumerate(items_file, 1) if line.strip()]
    counts: dict[str, int] = {}
    with Archive(db_path) as archive:
        seeds = {it["seed_url"]: {"name": it.get("seed_name") or it["seed_url"], "url": it["seed_url"]}
                 for it in items if it.get("seed_url")}
        crawl_id = archive.begin_crawl(seeds.values())
        for it in items:
            outcome = archive.store(crawl_id, it)
            counts[outcome] = counts.get(outcome, 0) + 1
            record = it.get("record") or {}
            click.echo(f"{outcome}\t{record.get('organ') or it.get('seed_name')}\t{record.get('year')}\t{it.get('url')}")
        stats = {url: {"name": s["name"], "status": "ok"} for url, s in seeds.items()} if complete else {}
        gone = archive.end_crawl(crawl_id, stats)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing"
    click.echo(f"nianbao store: crawl {crawl_id}: {summary}; {len(gone)} gone", err=True)


def _item(line: str, n: int) -> dict:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"items line {n}: not JSON ({exc})") from None
    if "body_base64" in item:
        item["body"] = base64.b64decode(item.pop("body_base64"))
    elif isinstance(item.get("body"), str):
        item["body"] = item["body"].encode("utf-8")
    return item


COMMANDS = [export_command, changes_command, serve_command, store_command]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(click.Group(commands={c.name: c for c in COMMANDS})())
