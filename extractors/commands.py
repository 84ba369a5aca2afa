"""`nianbao extract FILE...`: report records as JSON Lines, one per file, in the order given."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extractors import MAX_BYTES, ExtractionError, extract


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pretty", is_flag=True, help="Indented JSON for people instead of one line per record.")
@click.option("--organ", default=None, help="Name of the publishing body, when the files do not print it.")
@click.option("--url", default=None, help="Where the file came from (recorded in the record's url field).")
def extract_command(paths, pretty, organ, url):
    """Read report files (text, HTML, PDF, DOCX, DOC) and print one report record per file.

    A file that cannot be read gets a message on stderr; the others are still extracted
    and the exit status is 1.
    """
    failed = 0
    for path in paths:
        try:
            data = _read_at_most(path, MAX_BYTES)
            record = extract(data, url=url, organ=organ, filename=path.name)
        except OSError as exc:
            click.echo(f"nianbao extract: {path}: cannot read: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        except ExtractionError as exc:
            click.echo(f"nianbao extract: {path}: {exc}", err=True)
            failed += 1
            continue
        if pretty:
            click.echo(json.dumps(record, ensure_ascii=False, indent=1))
        else:
            click.echo(json.dumps(record, ensure_ascii=False))
    if failed:
        click.echo(f"nianbao extract: {failed} of {len(paths)} files could not be read", err=True)
        sys.exit(1)


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, refused as too large once past `limit`, before the rest is read:
    a 300 MB file (or /dev/zero) is not held in memory only to be turned down."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ExtractionError("too_large", f"over the {limit}-byte limit for one report (not read further)")
    return data


COMMANDS = [extract_command]
