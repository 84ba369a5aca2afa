"""`nianbao demo`, the README's first command: the local web crawled into an archive that
matches its gold, then the next day's revision, new report and removal."""
import json
import re
import socket
import subprocess

import pytest

from localweb.web import build_web

SITES = len(build_web(1).sites)


def free_port_block(size: int) -> int:
    """A first port with `size` free ports after it (the demo serves its sites on consecutive ports)."""
    for base in range(23400, 60000, 97):
        sockets = []
        try:
            for port in range(base, base + size):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    pytest.skip("no block of free ports for the demo")


def demo(*args: str) -> str:
    result = subprocess.run(["nianbao", "demo", *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def gold_scores(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("Archive against the local web's gold:"))
    return json.loads(line.split(":", 1)[1])


@pytest.mark.slow
def test_two_demo_days_on_the_same_ports_find_the_revision_the_new_report_and_the_removal(tmp_path):
    db, port = tmp_path / "demo.db", str(free_port_block(SITES))
    first = demo("--db", str(db), "--port", port, "--out", str(tmp_path / "day1"))
    assert f"Crawled {SITES} sites" in first
    assert gold_scores(first) == {"recall": 1.0, "precision": 1.0, "cells": 1.0, "dates": 1.0, "contacts": 1.0,
                                  "decoys_recorded": 0}
    assert re.search(r"This crawl: \d+ new, 0 revised, 0 gone", first)
    assert f"nianbao demo --day 2 --db {db}" in first and "free ports" not in first

    second = demo("--db", str(db), "--port", port, "--day", "2", "--out", str(tmp_path / "day2"))
    assert "This crawl: 1 new, 1 revised, 1 gone" in second
    assert gold_scores(second)["precision"] == 1.0 and gold_scores(second)["recall"] == 1.0


@pytest.mark.slow
def test_a_demo_on_free_ports_says_a_second_day_would_not_see_the_same_sites(tmp_path):
    output = demo("--db", str(tmp_path / "demo.db"), "--port", "0", "--out", str(tmp_path / "day1"))
    assert gold_scores(output)["recall"] == 1.0
    assert "served on free ports" in output and "--day 2 --db" not in output
