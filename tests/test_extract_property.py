"""Property: whatever bytes come in, only ExtractionError (or a record) comes out.

Real inputs, mutated and truncated: the seed reports and every document under
tests/files (HTML, PDF, DOCX, DOC), cut at random points, with bytes flipped, inserted
and deleted, plus raw random bytes.
"""
from pathlib import Path

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import ExtractionError, extract
from extractors.documents.doc import converter

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
SAMPLES = sorted((SHARED / "reports").glob("*.txt"))[:3] + sorted(
    p for p in (HERE / "files").rglob("*") if p.is_file() and p.suffix.lower() in (".html", ".htm", ".pdf", ".docx", ".doc", ".txt")
)[:12]
# .doc goes through LibreOffice (a second or more a file): its own test, with fewer examples
SEEDS = [p.read_bytes() for p in SAMPLES if p.suffix != ".doc"] or ["某局2024年政府信息公开工作年度报告\n规章\t0\t0\t0\n".encode()]
DOC_SEEDS = [p.read_bytes() for p in SAMPLES if p.suffix == ".doc"]


def _check(data: bytes, **options):
    try:
        record = extract(data, **options)
    except ExtractionError as exc:
        assert exc.reason in ExtractionError.REASONS
        return
    assert isinstance(record, dict)
    assert set(record) >= {"organ", "year", "title", "published", "template", "contacts", "cells", "failed_checks"}
    assert all(v is None or isinstance(v, (int, float)) for v in record["cells"].values())


@st.composite
def mutated(draw, seeds=SEEDS):
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "cut":
            data = data[:at]
        elif op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[at:at + draw(st.integers(1, 512))]
    return bytes(data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_documents_raise_only_the_documented_error(data):
    _check(data)


@pytest.mark.skipif(not DOC_SEEDS or converter() is None, reason="needs a .doc sample and LibreOffice")
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(DOC_SEEDS or SEEDS))
def test_mutated_doc_files_raise_only_the_documented_error(data):
    # a damaged .doc can keep LibreOffice busy until the time budget: a short one here
    _check(data, time_budget=15)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_raise_only_the_documented_error(data):
    _check(data)
