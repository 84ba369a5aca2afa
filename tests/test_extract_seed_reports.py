"""The five real reports of ../shared/reports extract to their hand-checked gold records.

Each flattens the tables differently (tabs, one cell per line, run-together digits,
pipes with a merged 0), so each is its own case.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import extract

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = sorted((SHARED / "reports").glob("*.txt"))
FIELDS = ["organ", "year", "title", "published", "template", "contacts", "cells", "failed_checks"]

pytestmark = pytest.mark.skipif(not REPORTS, reason="../shared/reports is not beside this checkout")


def _gold(report: Path) -> dict:
    return json.loads((SHARED / "gold" / (report.stem + ".json")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("report", REPORTS, ids=[p.stem[:3] for p in REPORTS])
def test_seed_report_is_exact(report):
    record = extract(report.read_bytes())
    gold = _gold(report)
    for field in FIELDS:
        assert record[field] == gold[field], field


def test_run_together_cells_are_marked_inferred():
    report = next(p for p in REPORTS if p.name.startswith("003"))
    record = extract(report.read_bytes())
    assert "requests.new_requests.natural" in record["inferred"]
    assert record["cells"]["requests.new_requests.natural"] == 2


def test_merged_zero_is_spread_and_marked_inferred():
    report = next(p for p in REPORTS if p.name.startswith("004"))
    record = extract(report.read_bytes())
    assert record["cells"]["active.rules.in_force"] == 0
    assert "active.rules.in_force" in record["inferred"]
    assert "active.licensing.decisions" not in record["inferred"]


def test_compare_tool_reports_all_exact(tmp_path):
    out = tmp_path / "out.jsonl"
    result = subprocess.run([sys.executable, "-m", "nianbao.cli", "extract", *map(str, REPORTS)],
                            capture_output=True, text=True, check=True)
    out.write_text(result.stdout, encoding="utf-8")
    compare = subprocess.run([sys.executable, str(SHARED / "tools" / "compare_records.py"), str(out)],
                             capture_output=True, text=True)
    assert compare.stdout.strip().splitlines()[-1] == f"{len(REPORTS)}/{len(REPORTS)} records exact", compare.stdout
