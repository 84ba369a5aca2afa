"""Every command given a wrong file says so in one line, exits non-zero and creates nothing.

A sweep: each command that takes an archive × a missing, empty, non-SQLite, foreign
SQLite, newer-schema and negative-schema file (and, for writers, a path whose directory
is missing), and the crawling commands × seed lists with nothing to crawl. The crawling
commands run as real processes, as an operator (or systemd) runs them: the exit status,
stderr and the files left behind are what they would see.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import schema
from archive.store import Archive
from nianbao.cli import main

REPO = Path(__file__).resolve().parent.parent
QUICK = ["-s", "RETRY_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=5"]  # should a check be missing: fail fast, not hang


def sqlite_file(path: Path, version: int, table: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE {table} (x)")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return path


def bad_archives(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (path, words the one-line error must contain)."""
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    text = tmp_path / "notes.db"
    text.write_text("这不是数据库\n", encoding="utf-8")
    return {
        "missing": (tmp_path / "missing.db", "no archive here"),
        "empty": (empty, "empty file"),
        "not sqlite": (text, "not a SQLite file"),
        "foreign sqlite": (sqlite_file(tmp_path / "other.db", 0, "photos"), "not"),
        "newer schema": (sqlite_file(tmp_path / "future.db", schema.SCHEMA_VERSION + 95, "report_versions"),
                         "newer nianbao"),
        "negative schema": (sqlite_file(tmp_path / "negative.db", -1, "report_versions"), "schema version -1"),
    }


def snapshot(tmp_path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(tmp_path)): (p.read_bytes() if p.is_file() else b"<dir>") for p in tmp_path.rglob("*")}


def assert_one_line_refusal(output: str, path: Path, words: str) -> None:
    assert "Traceback" not in output, output
    last = output.strip().splitlines()[-1]
    assert str(path) in last and words in last, output


@pytest.mark.parametrize("command", ["export", "changes"])
def test_a_read_command_refuses_a_file_that_is_no_archive_it_can_read(command, tmp_path):
    for case, (path, words) in bad_archives(tmp_path).items():
        before = snapshot(tmp_path)
        result = CliRunner().invoke(main, [command, "--db", str(path)])
        assert isinstance(result.exception, SystemExit) and result.exit_code != 0, (case, result.output)
        assert_one_line_refusal(result.output, path, words)
        assert snapshot(tmp_path) == before, case


def test_serve_refuses_a_file_that_is_no_archive_before_listening(tmp_path):
    for case, (path, words) in bad_archives(tmp_path).items():
        before = snapshot(tmp_path)
        try:  # a server that started on the wrong file would serve until killed
            result = nianbao("serve", "--db", str(path), "--port", "0", cwd=tmp_path, timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{case}: serve started on {path}")
        assert result.returncode != 0, (case, result.stderr[-2000:])
        assert_one_line_refusal(result.stderr, path, words)
        assert snapshot(tmp_path) == before, case


def test_store_refuses_an_archive_it_must_not_write(tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text("", encoding="utf-8")
    cases = {k: v for k, v in bad_archives(tmp_path).items() if k not in ("missing", "empty")}
    cases["no directory"] = (tmp_path / "nowhere" / "a.db", "not a directory")
    for case, (path, words) in cases.items():
        before = snapshot(tmp_path)
        result = CliRunner().invoke(main, ["store", "--db", str(path), "--items", str(items)])
        assert isinstance(result.exception, SystemExit) and result.exit_code != 0, (case, result.output)
        assert_one_line_refusal(result.output, path, words)
        assert snapshot(tmp_path) == before, case


def test_the_writer_itself_refuses_a_negative_schema_version(tmp_path):
    path = sqlite_file(tmp_path / "negative.db", -3, "report_versions")
    with pytest.raises(RuntimeError, match="schema version -3"):
        Archive(path)


def nianbao(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("command", ["crawl", "nightly", "demo"])
def test_a_crawling_command_refuses_an_archive_it_must_not_write_before_starting(command, tmp_path):
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("name,url\n某县民政局,http://127.0.0.1:1/\n", encoding="utf-8")
    cases = {k: v for k, v in bad_archives(tmp_path).items() if k not in ("missing", "empty")}
    cases["no directory"] = (tmp_path / "nowhere" / "a.db", "not a directory")
    for case, (path, words) in cases.items():
        before = snapshot(tmp_path)
        args = ["--db", str(path)] + ([] if command == "demo" else ["--seeds", str(seeds), *QUICK])
        result = nianbao(command, *args, cwd=tmp_path)
        assert result.returncode != 0, (case, result.stderr[-2000:])
        assert_one_line_refusal(result.stderr, path, words)
        assert "Scrapy" not in result.stderr and "local web" not in result.stderr, (case, result.stderr[-2000:])
        assert snapshot(tmp_path) == before, case  # no .lock, .job, -wal, log or demo files


def bad_seed_lists(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    header = tmp_path / "header.csv"
    header.write_text("机关,网址\n某县民政局,http://www.example.gov.cn/\n", encoding="utf-8")
    invalid = tmp_path / "invalid.csv"
    invalid.write_text("name,url\n某县民政局,ftp://www.example.gov.cn/\n某市民政局,www.example.gov.cn\n",
                       encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("name,url\n", encoding="utf-8")
    return {"wrong header": (header, "the header must name the columns name and url"),
            "only invalid urls": (invalid, "none of its rows is a usable seed"),
            "no rows": (empty, "no rows under its name,url header")}


@pytest.mark.parametrize("command", ["crawl", "nightly"])
def test_a_seed_list_with_nothing_to_crawl_stops_the_command_before_scrapy_starts(command, tmp_path):
    db = tmp_path / "night.db"
    for case, (seeds, words) in bad_seed_lists(tmp_path).items():
        before = snapshot(tmp_path)
        result = nianbao(command, "--seeds", str(seeds), "--db", str(db), *QUICK, cwd=tmp_path)
        assert result.returncode != 0, (case, result.stderr[-2000:])
        assert_one_line_refusal(result.stderr, seeds, words)
        assert "Scrapy" not in result.stderr, (case, result.stderr[-2000:])
        assert snapshot(tmp_path) == before, case
        if case == "only invalid urls":  # each row's reason, then the verdict
            assert result.stderr.count("seed skipped: line") == 2, result.stderr
    if command == "nightly":  # cron and systemd see a broken configuration, not a quiet night
        assert result.returncode == 78


@pytest.mark.parametrize("command", ["crawl", "nightly"])
def test_a_missing_seed_list_is_refused(command, tmp_path):
    result = nianbao(command, "--seeds", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "nope.csv" in result.stderr and "does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []
