"""The datasette plugin of a nianbao archive, registered by entry point (pyproject.toml).

With it installed, plain `datasette nianbao.db` (and `datasette publish`) serves what
`nianbao serve` serves: the bilingual metadata and canned queries of archive/metadata.yml,
a page per report version, the archived originals decompressed, and the search that finds
two-character Chinese words. It acts only on databases that are nianbao archives (they
have `reports`, `report_versions` and `cells`), so it can sit beside other databases.

Metadata comes from the `get_metadata` hook, not a metadata.yml on the command line, so
the labels follow the codebook of the installed nianbao; a user's own `--metadata` still
wins (datasette merges it last).
"""
from __future__ import annotations

import sqlite3

from datasette import hookimpl

from archive import serve

ARCHIVE_TABLES = {"reports", "report_versions", "cells"}


def is_archive(path) -> bool:
    """Whether the SQLite file at path is a nianbao archive (read-only peek at its tables)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return ARCHIVE_TABLES <= names


def archive_names(datasette) -> list[str]:
    """Names of the served databases that are archives (looked at once per Datasette and file)."""
    known = datasette.__dict__.setdefault("_nianbao_archives", {})
    names = []
    for name, db in datasette.databases.items():
        if db.path is None:  # :memory: and the internal database
            continue
        if (name, db.path) not in known:
            known[(name, db.path)] = is_archive(db.path)
        if known[(name, db.path)]:
            names.append(name)
    return names


@hookimpl
def get_metadata(datasette, key, database, table):
    names = archive_names(datasette)
    if not names:
        return {}
    metadata = None
    for name in names:
        built = serve.build_metadata(name)
        if metadata is None:
            metadata = built
        else:
            metadata["databases"].update(built["databases"])
    return metadata


@hookimpl
def prepare_connection(conn, database, datasette):
    serve.tune_connection(conn)
