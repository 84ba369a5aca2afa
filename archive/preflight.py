"""Is this file an archive nianbao can read, or write? Asked before a command does anything.

A command given the wrong file must say so in one line and stop, before a crawl has
started or a file has been created: sqlite3 otherwise answers deep inside a query
(`no such table: report_versions`, `file is not a database`), and a writer would turn any
SQLite file into an archive by adding its tables, or upgrade a newer nianbao's archive
into something neither version reads. So the file is looked at from outside first: its
header, then, opened read-only, its schema version (`PRAGMA user_version`) and tables.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from archive.schema import SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"


class ArchiveProblem(Exception):
    """An archive path a command cannot use; the message names the file and what to do."""


def check_readable(path) -> None:
    """Raise ArchiveProblem unless `path` is a nianbao archive this version can read."""
    path = Path(path)
    if not path.exists():
        raise ArchiveProblem(f"{path}: no archive here (run a crawl or `nianbao store` first)")
    if path.is_dir():
        raise ArchiveProblem(f"{path}: is a directory, not an archive (give the archive's .db file)")
    if path.stat().st_size == 0:
        raise ArchiveProblem(f"{path}: an empty file, not an archive yet (run a crawl into it first)")
    version, tables = _inspect(path)
    if "report_versions" not in tables:
        raise ArchiveProblem(f"{path}: a SQLite database but not a nianbao archive (it has no report_versions table)")
    _check_version(path, version)


def check_writable(path) -> None:
    """Raise ArchiveProblem unless a crawl or store may write `path` (creating it if missing).

    A missing file is fine if its directory can take it (and the WAL's two files beside
    it); an existing one must be empty or a nianbao archive of a known schema version.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not path.exists():
        if not directory.is_dir():
            raise ArchiveProblem(f"{path}: cannot create the archive, {directory} is not a directory "
                                 "(create it, or give another --db)")
        if not os.access(directory, os.W_OK | os.X_OK):
            raise ArchiveProblem(f"{path}: cannot create the archive, {directory} is not writable "
                                 "(give a --db in a directory you can write)")
        return
    if path.is_dir():
        raise ArchiveProblem(f"{path}: is a directory, not an archive (give a file path for --db)")
    if not os.access(path, os.R_OK | os.W_OK):
        raise ArchiveProblem(f"{path}: the archive is not writable by this user (fix its permissions, or give another --db)")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ArchiveProblem(f"{path}: its directory {directory} is not writable, and SQLite keeps the archive's "
                             "write-ahead log there (fix the directory's permissions)")
    if path.stat().st_size == 0:
        return  # an empty file is an empty SQLite database: the writer creates the schema in it
    version, tables = _inspect(path)
    if version == 0 and tables:
        named = ", ".join(sorted(tables)[:3]) + (" …" if len(tables) > 3 else "")
        raise ArchiveProblem(f"{path}: a SQLite database of something else (tables {named}, none of them "
                             "nianbao's): not written to; give a new --db")
    _check_version(path, version)


def _inspect(path: Path) -> tuple[int, set[str]]:
    """(user_version, table names) of a SQLite file, opened read-only."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ArchiveProblem(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if header != SQLITE_HEADER:
        raise ArchiveProblem(f"{path}: not a SQLite file, so not a nianbao archive (give the archive's .db file)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ArchiveProblem(f"{path}: a damaged SQLite file ({exc}); restore it from a backup") from None
    return version, tables


def _check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise ArchiveProblem(f"{path}: written by a newer nianbao (schema version {version}, this one knows up to "
                             f"{SCHEMA_VERSION}); upgrade nianbao to use it")
    if version < 0:
        raise ArchiveProblem(f"{path}: schema version {version} is none nianbao ever wrote: not a nianbao archive, "
                             "or damaged")
