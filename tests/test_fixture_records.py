"""End to end: each reader fixture through `extractors.extract` gives the expected record.

The expected records (tests/files/*.expected.json, written by make_fixtures.py from the
same tables the fixtures draw) hold the spec fields -- organ, year, title, published,
template, contacts, cells, failed_checks -- plus `tables_as_images` and `is_report`.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import extract
from extractors.documents import doc

FILES = Path(__file__).parent / "files"
EXPECTED = sorted(FILES.glob("*.expected.json"))
# Known gaps of the interpreter (extractors/record.py and after), reported to its author;
# strict: the test says so when one is fixed.
KNOWN_GAPS: dict[str, str] = {}
FIELDS = ("organ", "year", "title", "published", "template", "contacts", "cells", "failed_checks",
          "tables_as_images", "is_report")


def _params():
    for path in EXPECTED:
        expected = json.loads(path.read_text(encoding="utf-8"))
        marks = []
        if expected["fixture"] in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[expected["fixture"]]))
        if expected["fixture"].endswith(".doc"):
            marks += [pytest.mark.slow, pytest.mark.skipif(doc.converter() is None, reason="LibreOffice is not installed")]
        yield pytest.param(expected, id=expected["fixture"], marks=marks)


@pytest.mark.parametrize("expected", list(_params()))
def test_fixture_record(expected):
    record = extract((FILES / expected["fixture"]).read_bytes(), filename=expected["fixture"])
    got = {field: record.get(field) for field in FIELDS}
    want = {field: expected[field] for field in FIELDS}
    # compare the cells key by key first: a diff of 200 cells is unreadable
    wrong = {key: (got["cells"].get(key, "absent"), value) for key, value in want["cells"].items()
             if got["cells"].get(key, "absent") != value}
    extra = sorted(set(got["cells"]) - set(want["cells"]))
    assert not wrong and not extra, f"cells (got, want): {wrong}; unexpected keys: {extra}"
    assert got == want
