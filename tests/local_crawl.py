"""`nianbao crawl` of named families of the local web (the on-request sites among them) into
an archive, for the crawl tests of one kind of site each: what the crawl wrote and saw."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from localweb.score import read_jsonl
from localweb.server import LocalWeb
from localweb.web import build_web

REPO = Path(__file__).resolve().parent.parent


def crawl_sites(work: Path, keys: list[str], settings) -> dict:
    """Serve the families `keys`, crawl them with the Scrapy settings given (NAME=VALUE), and
    return records, gold, decoys, the archive's path, the log, the access log, the sites'
    URLs and their statistics; the crawl must exit 0."""
    with LocalWeb(build_web(1, keys)) as server:
        files = server.web.write(work, server.urls)
        db = work / "nianbao.db"
        result = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(files["seeds"]),
                                 "--db", str(db), "--jsonl", str(work / "reports.jsonl"),
                                 *(arg for pair in settings for arg in ("-s", pair))],
                                cwd=REPO, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        return {"records": read_jsonl(work / "reports.jsonl"), "gold": read_jsonl(files["gold"]),
                "decoys": read_jsonl(files["decoys"]), "db": db, "log": result.stderr,
                "access": list(server.log), "urls": server.urls,
                "sites": json.loads((work / "reports.jsonl.sites.json").read_text(encoding="utf-8"))}
