"""`nianbao demo-web` (serve the local web) and `nianbao score` (score a crawl against its gold)."""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import click

from localweb.score import read_jsonl, score
from localweb.server import LocalWeb
from localweb.web import FAMILIES, ON_REQUEST, build_web


@click.command("demo-web")
@click.option("--day", type=click.IntRange(1, 2), default=1, show_default=True,
              help="Which day of the web to serve: 2 has a revised report, a new one, a removed attachment.")
@click.option("--port", type=int, default=8401, show_default=True,
              help="Port of the first site; the others follow (N+1, N+2, ...). 0 picks free ports.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write seeds.csv, gold.jsonl and decoys.jsonl (default: a new temporary directory).")
@click.option("--site", "sites", multiple=True, type=click.Choice([*FAMILIES, *ON_REQUEST]),
              help="Serve only these site families (repeatable; default: all but the fault site, `faults`).")
@click.option("--slow-seconds", type=float, default=3.0, show_default=True, help="Delay of the slow page.")
def demo_web_command(day, port, out_dir, sites, slow_seconds):
    """Serve the local web of bureau sites on 127.0.0.1 until Ctrl-C."""
    web = build_web(day, list(sites) or None, slow_seconds=slow_seconds)
    server = LocalWeb(web, first_port=port)
    out_dir = out_dir or Path(tempfile.mkdtemp(prefix="nianbao-localweb-"))
    paths = web.write(out_dir, server.urls)
    server.start()
    for site in web.sites:
        click.echo(f"{server.urls[site.key]}{site.seed_path}\t{site.key}\t{site.seed_name}\t({site.family})")
    click.echo(f"seeds:  {paths['seeds']}")
    click.echo(f"gold:   {paths['gold']}")
    click.echo(f"decoys: {paths['decoys']}")
    click.echo("Serving; press Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@click.command("score")
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Gold records (JSON Lines) written by demo-web.")
@click.option("--records", "records_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The crawl's records (JSON Lines).")
@click.option("--decoys", "decoys_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Decoy URLs (JSON Lines) to count decoys recorded as reports.")
def score_command(gold_path, records_path, decoys_path):
    """Score a crawl against the gold: recall, precision, cells, dates, contacts, decoys."""
    result = score(read_jsonl(gold_path), read_jsonl(records_path), read_jsonl(decoys_path) if decoys_path else None)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


COMMANDS = [demo_web_command, score_command]
