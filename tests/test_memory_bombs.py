"""Documents built to exhaust memory are refused by what they are, and a reader that is
made to allocate past its cap fails alone ("hostile"), without taking the machine.

The bombs are localweb.render.hostile's: small on the wire, each passing the checks the
format's declared sizes allow, each gigabytes (or minutes) if read as it asks.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.reading import reader_pool
from extractors import ExtractionError, extract
from extractors.documents import docx
from localweb.render import hostile

REPO = Path(__file__).resolve().parent.parent


def test_a_pdf_content_stream_behind_two_flate_filters_is_sized_through_both():
    """769 bytes that inflate to 64 MB of drawing operators (before: 485 MB resident, then
    the time limit); both stages are inflated only up to the page's content limit."""
    bomb = hostile.flate_chain_bomb_pdf(64)
    assert len(bomb) < 2000
    started = time.monotonic()
    with pytest.raises(ExtractionError) as error:
        extract(bomb, url="x.pdf", time_budget=10)
    assert error.value.reason == "hostile" and "page 1 draws more than" in error.value.message
    assert time.monotonic() - started < 5


def test_a_pdf_page_drawing_forms_that_draw_forms_is_refused_before_it_is_rendered():
    """Six levels of a form drawing the next ten times: a million drawings of 2 KB of PDF."""
    started = time.monotonic()
    with pytest.raises(ExtractionError) as error:
        extract(hostile.form_bomb_pdf(6), url="x.pdf", time_budget=10)
    assert error.value.reason == "hostile" and "draws forms" in error.value.message
    assert time.monotonic() - started < 5


def test_a_page_that_draws_a_few_forms_is_still_read():
    extract(hostile.form_bomb_pdf(3), url="x.pdf")  # a thousand small drawings: a busy letterhead


def test_a_docx_of_a_million_elements_is_refused_though_its_sizes_are_true():
    """7.8 MB, 30 MB of XML (under the size limit, inflating 4x): as an lxml tree ~500 MB,
    and python-docx walks it again."""
    with pytest.raises(ExtractionError) as error:
        docx.check_zip(hostile.element_bomb_docx())
    assert error.value.reason == "hostile" and "elements" in error.value.message


def allocate(megabytes: int) -> int:
    """Run in a reading process: hold `megabytes` MB at once."""
    return len(bytearray(megabytes * 1024 * 1024))


def read_in_reader(data: bytes) -> str:
    try:
        extract(data, url="x.pdf")
    except ExtractionError as exc:
        return f"{exc.reason}: {exc.message}"
    return "read"


def test_a_reading_process_cannot_take_more_memory_than_its_cap():
    pool = reader_pool(1, memory_mb=400)
    try:
        assert pool.submit(allocate, 50).result(timeout=120) == 50 * 1024 * 1024
        with pytest.raises(MemoryError):
            pool.submit(allocate, 800).result(timeout=120)
        assert pool.submit(allocate, 50).result(timeout=120) == 50 * 1024 * 1024  # and reads on
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def test_a_document_that_needs_more_than_the_cap_is_hostile_in_a_reading_process():
    """A bomb no check catches (here 3 MB of drawing operators, under the page content limit,
    against a small cap) ends as ExtractionError("hostile") when the reader's allocations
    fail, whatever error the library then raises, and not as "corrupt"."""
    pool = reader_pool(1, memory_mb=250)
    try:
        assert pool.submit(read_in_reader, hostile.flate_chain_bomb_pdf(1)).result(timeout=120) != "read"
        bomb = hostile.content_bomb_pdf(3)  # 3 MB of operators: under the content limit, ~1 GB to lay out
        assert pool.submit(read_in_reader, bomb).result(timeout=300).startswith(("hostile", "timeout"))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def test_extract_refuses_a_file_over_the_size_limit_without_reading_it_whole(tmp_path):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: no disk used
    measure = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, file=sys.stderr); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "nianbao.cli", "extract", str(big)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "too_large" in result.stderr and "Traceback" not in result.stderr
    peak_mb = int(result.stderr.strip().splitlines()[-1])
    assert peak_mb < 200, f"{peak_mb} MB resident to refuse a 300 MB file"
