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
@click.option("--explain", is_flag=True,
              help="Instead of records, say for each figure the row and column it was read under and how "
                   "(a cell, a merged cell, digits split), and for each cell left out why.")
def extract_command(paths, pretty, organ, url, explain):
    """Read report files (text, HTML, PDF, DOCX, DOC) and print one report record per file.

    A file that cannot be read gets a message on stderr; the others are still extracted
    and the exit status is 1.
    """
    failed = 0
    for path in paths:
        try:
            data = _read_at_most(path, MAX_BYTES)
            record = extract(data, url=url, organ=organ, filename=path.name, explain=explain)
        except OSError as exc:
            click.echo(f"nianbao extract: {path}: cannot read: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        except ExtractionError as exc:
            click.echo(f"nianbao extract: {path}: {exc}", err=True)
            failed += 1
            continue
        if explain:
            click.echo(explain_text(path, record))
        elif pretty:
            click.echo(json.dumps(record, ensure_ascii=False, indent=1))
        else:
            click.echo(json.dumps(record, ensure_ascii=False))
    if failed:
        click.echo(f"nianbao extract: {failed} of {len(paths)} files could not be read", err=True)
        sys.exit(1)


def explain_text(path, record: dict) -> str:
    """A record's figures and left-out cells as lines a person reads beside the original."""
    explanation = record["explanation"]
    what = "a report" if record.get("is_report") else "not a report"
    lines = [f"{path}: {what}; {record.get('title') or '(no title printed)'}; organ {record.get('organ') or '?'}, "
             f"year {record.get('year') or '?'}, {record.get('template') or 'no'} format; "
             f"{len(explanation['figures'])} figures, {len(explanation['left_out'])} cells left out"]
    for fig in explanation["figures"]:
        value = "blank" if fig["value"] is None else fig["value"]
        official_row = fig["label"].split(" / ")[0]
        printed = f" (printed row: {fig['printed_row']})" if fig["printed_row"] and fig["printed_row"] != official_row else ""
        mark = " [inferred]" if fig["inferred"] else ""
        lines.append(f"  {fig['key']} = {value}{mark}\n      under {fig['label']}{printed}; read as: {fig['how']}")
    if explanation["left_out"]:
        lines.append("  left out:")
        groups: dict[str, list] = {}
        for cell in explanation["left_out"]:
            groups.setdefault(cell["why"], []).append(cell)
        for why, cells in groups.items():
            names = ", ".join(c["key"].rsplit(".", 1)[1] for c in cells)
            row = cells[0]["key"].rsplit(".", 1)[0]
            lines.append(f"  {row}.{{{names}}} ({cells[0]['label'].split(' / ')[0]})\n      why: {why}")
    for check in record.get("failed_checks") or []:
        lines.append(f"  check failed: {check}")
    return "\n".join(lines)


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, refused as too large once past `limit`, before the rest is read:
    a 300 MB file (or /dev/zero) is not held in memory only to be turned down."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ExtractionError("too_large", f"over the {limit}-byte limit for one report (not read further)")
    return data


COMMANDS = [extract_command]
