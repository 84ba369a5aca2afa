"""Browse an archive in datasette (0.x: canned queries live in metadata.yml).

The plugin (archive.datasette_plugin) gives any datasette the metadata built here;
`nianbao serve` is `datasette serve` with the plugin and the settings below.

The archive is opened read-only (`mode=ro`, datasette's treatment of a mutable file), not
`immutable`: immutable tells SQLite the file never changes, which is false while a crawl
writes to it and would serve stale or torn pages. In WAL mode readers and the one writer
do not block each other, so `nianbao serve` and `nianbao crawl` can run together.
"""
from __future__ import annotations

import copy
import functools
from importlib import resources
from pathlib import Path

import yaml

from extractors import codebook

PLACEHOLDER = "archive"
PLUGIN_NAME = "nianbao"
# Canned queries can be heavier than a page of a table; still well under the 1 s goal (bench/archive.py).
SETTINGS = {"sql_time_limit_ms": 5000, "default_page_size": 100, "facet_time_limit_ms": 500}


@functools.lru_cache(maxsize=1)
def _base_metadata() -> dict:
    return yaml.safe_load(resources.files("archive").joinpath("metadata.yml").read_text(encoding="utf-8"))


def build_metadata(db_name: str) -> dict:
    """metadata.yml for a database called db_name, with a description for every figure column."""
    return copy.deepcopy(_built_metadata(db_name))


@functools.lru_cache(maxsize=64)
def _built_metadata(db_name: str) -> dict:
    metadata = copy.deepcopy(_base_metadata())
    database = metadata["databases"].pop(PLACEHOLDER)
    metadata["databases"][db_name] = database
    dashboards = metadata.get("plugins", {}).get("datasette-dashboards", {})
    if PLACEHOLDER in dashboards:
        dashboard = dashboards.pop(PLACEHOLDER)
        for chart in dashboard["charts"].values():
            if chart.get("db") == PLACEHOLDER:
                chart["db"] = db_name
        dashboards[db_name] = dashboard
    labels = {key: codebook.label_of(key) for key in codebook.all_keys()}
    tables = database["tables"]
    tables["latest_figures"].setdefault("columns", {}).update(labels)
    return metadata


def tune_connection(conn) -> None:
    """Read settings for a large archive: memory-mapped reads, a 64 MB page cache, sorts in memory.

    The canned queries walk index ranges of a table with millions of cells; with the 2 MB
    default cache every page is a system call. Used by datasette's connections and the bench.
    """
    conn.execute("PRAGMA mmap_size = 1073741824")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA temp_store = MEMORY")  # GROUP BY/ORDER BY sorters: a temp file costs seconds on a busy disk


def register_plugin() -> None:
    """Register the archive's datasette plugin in this process.

    Once nianbao is installed its entry point does this for every `datasette`; `nianbao
    serve` and the tests register it themselves so they work from a source checkout too.
    Idempotent: the entry point may have registered it already.
    """
    from datasette.plugins import pm

    from archive import datasette_plugin

    if pm.get_plugin(PLUGIN_NAME) is None and not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name=PLUGIN_NAME)


def datasette_app(db_path, **kwargs):
    """A Datasette instance on the archive, as `nianbao serve` makes it (used by the tests)."""
    from datasette.app import Datasette

    register_plugin()
    return Datasette([str(db_path)], settings=SETTINGS, **kwargs)


def datasette_args(db_path, args=()) -> list[str]:
    """`datasette serve` arguments for the archive: our settings first, so the caller's win."""
    settings = [part for name, value in SETTINGS.items() for part in ("--setting", name, str(value))]
    return ["serve", str(db_path), *settings, *args]


def serve(db_path, args=()) -> None:
    """Run `datasette serve` on the archive with the plugin; args are datasette's own options."""
    from datasette import cli

    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no archive here (run a crawl or `nianbao store` first)")
    register_plugin()
    cli.cli.main(datasette_args(db_path, args), prog_name="nianbao serve")
