"""Browse an archive in datasette (0.x: canned queries live in metadata.yml).

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
from datasette import hookimpl

from extractors import codebook

PLACEHOLDER = "archive"
# Canned queries can be heavier than a page of a table; still well under the 1 s goal (bench/archive.py).
SETTINGS = {"sql_time_limit_ms": 5000, "default_page_size": 100, "facet_time_limit_ms": 500}


@functools.lru_cache(maxsize=1)
def _base_metadata() -> dict:
    return yaml.safe_load(resources.files("archive").joinpath("metadata.yml").read_text(encoding="utf-8"))


def build_metadata(db_name: str) -> dict:
    """metadata.yml for a database called db_name, with a description for every figure column."""
    metadata = copy.deepcopy(_base_metadata())
    database = metadata["databases"].pop(PLACEHOLDER)
    metadata["databases"][db_name] = database
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


class _TuningPlugin:
    """Registers tune_connection() as datasette's prepare_connection hook."""

    @staticmethod
    @hookimpl
    def prepare_connection(conn):
        tune_connection(conn)


def _register_plugin() -> None:
    from datasette.plugins import pm

    if pm.get_plugin("nianbao_archive") is None:
        pm.register(_TuningPlugin, name="nianbao_archive")


def datasette_app(db_path, **kwargs):
    """A Datasette instance on the archive (used by `nianbao serve` and the tests)."""
    from datasette.app import Datasette

    _register_plugin()
    db_path = Path(db_path)
    return Datasette(
        [str(db_path)],
        metadata=build_metadata(db_path.stem),
        settings=SETTINGS,
        **kwargs,
    )


def serve(db_path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run datasette with uvicorn until interrupted."""
    import uvicorn

    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no archive here (run a crawl or `nianbao store` first)")
    app = datasette_app(db_path)
    uvicorn.run(app.app(), host=host, port=port, log_level="warning")
