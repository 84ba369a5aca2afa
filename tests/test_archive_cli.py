"""`nianbao export`, `changes` and `store` through the real CLI."""
from __future__ import annotations

import base64
import csv
import io
import json

from click.testing import CliRunner

import archive_days as days
from nianbao.cli import main


def test_export_jsonl_latest_and_all_versions(tmp_path):
    db = tmp_path / "a.db"
    days.build(db)
    result = CliRunner().invoke(main, ["export", "--db", str(db)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["organ"], r["year"], r["version"], r["gone_since"]) for r in records] == [
        ("惠济区民政局", 2024, 1, None),
        ("湘乡市民政局", 2024, 2, None),
        ("阜新市细河区民政局", 2023, 1, None),
        ("阜新市细河区民政局", 2024, 1, None),
        ("鞍山市民政局", 2024, 1, "2026-11-22T09:00:00Z"),
        ("黄石市下陆区民政局", 2024, 1, None),
    ]
    assert list(records[1]) == ["url", "organ", "year", "title", "published", "template", "contacts", "cells",
                                "failed_checks", "version", "first_seen", "last_seen", "gone_since", "capture_sha256",
                                "inferred", "left_out"]
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--all-versions", "--format", "csv"])
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["organ"], r["version"], r["requests.granted.total"]) for r in table if r["organ"] == "湘乡市民政局"] == [
        ("湘乡市民政局", "1", "0"), ("湘乡市民政局", "2", "5")
    ]


def test_changes_command_prints_the_cell_diff(tmp_path):
    db = tmp_path / "a.db"
    days.build(db)
    result = CliRunner().invoke(main, ["changes", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "crawls: 2",
        "new: 1",
        f"  阜新市细河区民政局 2024 v1 {days.url_of('阜新市细河区民政局', 2024)}",
        "revised: 1",
        f"  湘乡市民政局 2024 v2 {days.url_of('湘乡市民政局', 2024)}",
        "    requests.new_requests.total: 0 -> 6",
        "    requests.granted.total: 0 -> 5",
        "gone: 1",
        f"  鞍山市民政局 2024 v1 (http_404) {days.url_of('鞍山市民政局', 2024, 'pdf')}",
        "returned: 0",
        "moved: 0",
    ]


def test_store_command_replays_items(tmp_path):
    items = tmp_path / "items.jsonl"
    lines = []
    for it in days.day1_items()[:2]:
        it["body_base64"] = base64.b64encode(it.pop("body")).decode()
        lines.append(json.dumps(it, ensure_ascii=False))
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["store", "--db", str(db), "--items", str(items)])
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[:3] for line in result.stdout.splitlines()] == [
        ["new", "惠济区民政局", "2024"], ["new", "湘乡市民政局", "2024"]
    ]
    result = CliRunner().invoke(main, ["store", "--db", str(db), "--items", str(items)])
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["unchanged", "unchanged"]


def test_export_of_missing_archive_says_so(tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0 and "no archive here" in result.output


def test_export_marks_inferred_and_left_out_cells(tmp_path):
    from extractors import extract

    text = "\n".join(["某某县民政局2023年政府信息公开工作年度报告", "二、主动公开政府信息情况",
                      "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "规章 | 0 | | |",
                      "三、收到和处理政府信息公开申请情况",
                      "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
                      "一、本年新收政府信息公开申请数量 | 5 | 2 |", "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
                      "五、存在的主要问题及改进情况"])
    db = tmp_path / "a.db"
    record = extract(text.encode("utf-8"))
    days.store_extracted(db, "惠济区民政局", record)
    result = CliRunner().invoke(main, ["export", "--db", str(db)])
    record = json.loads(result.stdout.splitlines()[0])
    assert "active.rules.in_force" in record["inferred"]
    assert "2 figure(s) for 7 columns" in record["left_out"]["requests.new_requests.total"]
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "csv"])
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert "active.rules.issued" in row["inferred"].split(";")
    assert "requests.new_requests.natural" in row["left_out"].split(";")


def test_the_uncertain_cells_view_lists_cells_left_out_with_why(tmp_path):
    import sqlite3

    from extractors import extract

    text = "\n".join(["某某县民政局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                      "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
                      "一、本年新收政府信息公开申请数量 | 5 | 2 |", "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
                      "五、存在的主要问题及改进情况"])
    record = extract(text.encode("utf-8")) | {"organ": "惠济区民政局"}
    db = tmp_path / "a.db"
    days.store_extracted(db, "惠济区民政局", record)
    rows = sqlite3.connect(db).execute("SELECT organ, key, label, why FROM uncertain_cells ORDER BY key").fetchall()
    assert len(rows) == 7 and rows[0][0] == "惠济区民政局"
    assert ("requests.new_requests.total", "一、本年新收政府信息公开申请数量 / 总计") in [(r[1], r[2]) for r in rows]
    assert all("2 figure(s) for 7 columns" in r[3] for r in rows)
