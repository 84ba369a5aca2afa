"""The datasette plugin: plain `datasette DB` (no wrapper) serves the archive as `nianbao serve` does.

The plugin reaches plain datasette through the entry point declared in pyproject.toml. The
editable install of nianbao may predate it, so the tests declare the same entry point in a
throw-away distribution (a dist-info directory on PYTHONPATH, read from pyproject.toml)
and run datasette in a subprocess, where datasette loads entry points as it does for users.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import archive_days as days

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("plugin") / "nianbao.db"
    days.build(db)
    return db


@pytest.fixture(scope="module")
def entry_point_path(tmp_path_factory):
    """A directory holding a distribution that declares pyproject.toml's datasette entry points."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = declared["project"].get("entry-points", {}).get("datasette", {})
    where = tmp_path_factory.mktemp("entry_point")
    info = where / "nianbao_entry_point_probe-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nianbao-entry-point-probe\nVersion: 0\n")
    (info / "entry_points.txt").write_text(
        "[datasette]\n" + "".join(f"{name} = {target}\n" for name, target in entry_points.items()))
    return where


def run(args, entry_point_path=None, timeout=120):
    paths = ([str(entry_point_path)] if entry_point_path else []) + [str(ROOT)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout)


def plain_datasette_get(db, path, entry_point_path):
    done = run(["-m", "datasette", "serve", str(db), "--get", path], entry_point_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_plain_datasette_gets_the_metadata_and_canned_queries_by_entry_point(archive_db, entry_point_path):
    metadata = json.loads(plain_datasette_get(archive_db, "/-/metadata.json", entry_point_path))
    database = metadata["databases"]["nianbao"]
    assert database["queries"]["search"]["title"] == "全文检索 / Full-text search"
    assert database["tables"]["latest_figures"]["columns"]["requests.granted.natural"] == "（一）予以公开 / 自然人"
    body = json.loads(plain_datasette_get(
        archive_db, "/nianbao/revisions_last_crawl.json?_shape=objects", entry_point_path))
    assert {(r["organ"], r["key"], r["label"]) for r in body["rows"]} == {
        ("湘乡市民政局", "requests.new_requests.total", "一、本年新收政府信息公开申请数量 / 总计"),
        ("湘乡市民政局", "requests.granted.total", "（一）予以公开 / 总计"),
    }


def test_plugin_acts_only_on_archives(archive_db, entry_point_path, tmp_path):
    other = tmp_path / "other.db"
    conn = __import__("sqlite3").connect(other)
    conn.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY)")  # a table name in common, not an archive
    conn.close()
    metadata = json.loads(plain_datasette_get(other, "/-/metadata.json", entry_point_path))
    assert "other" not in metadata.get("databases", {})


def test_nianbao_serve_passes_datasette_options_through(archive_db):
    done = run(["-m", "nianbao.cli", "serve", "--db", str(archive_db), "-h", "127.0.0.1",
                "--setting", "default_page_size", "7", "--get", "/-/settings.json"])
    assert done.returncode == 0, done.stderr[-2000:]
    settings = json.loads(done.stdout)
    assert settings["default_page_size"] == 7  # the caller's setting wins over nianbao's
    assert settings["sql_time_limit_ms"] == 5000  # nianbao's own
    done = run(["-m", "nianbao.cli", "serve", "--db", str(archive_db), "--get", "/-/metadata.json"])
    assert json.loads(done.stdout)["databases"]["nianbao"]["queries"]["search"]


def test_nianbao_serve_without_an_archive_says_so(tmp_path):
    done = run(["-m", "nianbao.cli", "serve", "--db", str(tmp_path / "none.db")])
    assert done.returncode != 0
    assert "no archive here" in done.stderr
