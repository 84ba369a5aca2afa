"""Report extraction: bytes in, report record out. Pure: no network, no global state.

    >>> from extractors import extract, ExtractionError
    >>> record = extract(data, url=..., content_type=..., organ=...)

The record follows ../shared/spec/README.md (url, organ, year, title, published,
template, contacts, cells, failed_checks) plus extra fields readers of that format
ignore: ``inferred`` (cell keys whose value was inferred: a merged cell spread over the
columns it spans, digits run together and split by the table's arithmetic),
``tables_as_images`` (a report whose tables are pictures: template null, cells {}),
``is_report`` (whether the document is a yearly report at all), ``kind`` (the reader
used), ``text`` (cleaned report text) and ``notes`` (what a person reviewing it should know).

Every failure is an `ExtractionError`; nothing else escapes `extract`.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import time

from extractors.errors import ExtractionError

__all__ = ["extract", "ExtractionError", "MAX_BYTES"]

# A report is a few hundred KB as HTML and a few MB as a scanned PDF; anything past this
# is no report we can use (and the crawler's download limit is set to match).
MAX_BYTES = 40 * 1024 * 1024
# Wall-clock budget for one document; readers check it between pages/tables.
TIME_BUDGET_S = 60.0
# Readers check the budget between pages, but one page can be built to take hours (a
# content stream of millions of drawing operators, a parser looping on a crafted file).
# So, where a signal can be had (the main thread: the CLI, the crawler's reading
# processes), an alarm stops the reading this long after the budget, whatever it is doing.
HARD_LIMIT_GRACE_S = 5.0


def extract(
    data: bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    organ: str | None = None,
    filename: str | None = None,
    deadline: float | None = None,
    time_budget: float | None = None,
    explain: bool = False,
) -> dict:
    """Read one document (text, HTML, PDF, OFD, DOCX, DOC/WPS, or a ZIP of one) and return its report record.

    `deadline` (time.monotonic()) or `time_budget` (seconds from now, default
    TIME_BUDGET_S) bounds the reading; past it the error's reason is "timeout".
    `explain` adds an ``explanation`` field: for each figure the row and column it was
    read under and how, for each cell left out why (`nianbao extract --explain`).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ExtractionError("unreadable", f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise ExtractionError("empty", "the document is empty")
    if len(data) > MAX_BYTES:
        raise ExtractionError("too_large", f"{len(data)} bytes is over the {MAX_BYTES}-byte limit for one report")
    deadline = deadline or (time.monotonic() + (time_budget or TIME_BUDGET_S))
    peak_before = _address_space_peak()
    try:
        with _hard_limit(deadline + HARD_LIMIT_GRACE_S):
            document = _read(data, content_type=content_type, filename=filename or url, deadline=deadline)
            from extractors.record import build_record

            return build_record(document, url=url, organ=organ, explain=explain)
    except _Overtime:
        raise ExtractionError("timeout", "reading did not stop at the time budget and was interrupted") from None
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise ExtractionError("hostile", f"document nesting too deep ({exc})") from None
    except MemoryError:
        raise ExtractionError("hostile", "document needs too much memory to read") from None
    except Exception as exc:  # a reader library choking on malformed input
        if _hit_memory_cap(peak_before, exc):
            raise ExtractionError("hostile", "document needs more memory than a reader may take "
                                             f"({type(exc).__name__}: {exc})"[:500]) from None
        raise ExtractionError("corrupt", f"{type(exc).__name__}: {exc}"[:500]) from None


def _address_space_peak() -> int | None:
    """This process's peak address space in bytes (VmPeak), where it runs under RLIMIT_AS."""
    import resource

    if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
        return None
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _hit_memory_cap(peak_before: int | None, exc: Exception) -> bool:
    """Did this document take the process to its address-space cap?

    Under the cap a failed allocation in a C extension does not always come back as
    MemoryError: it surfaces as SystemError ("error return without exception set", an
    extension that returned NULL from a failed malloc) or as the library's own error. A
    SystemError under a cap, or a peak that rose to the cap while reading, says the
    document is the cause, not damage. (A single large request that failed leaves the
    peak where it was, hence the first test.)
    """
    import resource

    if peak_before is None:
        return False
    if isinstance(exc, SystemError):
        return True
    peak = _address_space_peak()
    cap = resource.getrlimit(resource.RLIMIT_AS)[0]
    return peak is not None and peak > peak_before and peak >= 0.9 * cap


def preload() -> None:
    """Import the readers' libraries and load the codebook now, not on the first document.

    A crawler's reading process calls this as it starts (with the night's first document
    to read), so every reader imports trafilatura, pdfplumber, python-docx and OpenCC at
    once, while the first document is read, instead of each holding up its own first one.
    """
    import importlib

    for name in ("trafilatura", "pdfplumber", "docx", "dateparser"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    sample = "<html><body><h1>2024年政府信息公开工作年度报告</h1><table><tr><td>一、主动公开政府信息情况</td></tr></table></body></html>"
    with contextlib.suppress(ExtractionError):
        extract(sample.encode("utf-8"), url="preload.html", content_type="text/html; charset=utf-8")


_ALARM_REPEAT_S = 0.1


class _Overtime(BaseException):
    """Raised by the alarm; a BaseException so that no reader's `except Exception` swallows it."""


@contextlib.contextmanager
def _hard_limit(at: float):
    """Interrupt the block at time.monotonic() == `at` (SIGALRM; main thread only, else no-op).

    The alarm repeats every _ALARM_REPEAT_S until the block is over: an exception raised by
    a signal handler is swallowed when it lands in a garbage-collector callback or a
    `__del__` (Python reports it as "unraisable" and carries on), and a single alarm would
    then be lost.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    armed = True

    def ring(signum, frame):
        if armed:  # not once the block is over and the timer is being disarmed
            raise _Overtime()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(0.001, at - time.monotonic()), _ALARM_REPEAT_S)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _read(data: bytes, *, content_type, filename, deadline, depth: int = 0):
    from extractors.sniff import sniff

    kind = sniff(data, content_type, filename)
    if kind == "binary":
        raise ExtractionError("unreadable", "binary data that is no PDF, OFD, DOCX, DOC/WPS, ZIP, HTML or text document")
    if kind == "zip":
        from extractors.documents import archive

        def read_member(member: bytes, name: str, member_deadline: float, member_depth: int):
            return _read(member, content_type=None, filename=name, deadline=member_deadline, depth=member_depth)

        return archive.read(data, deadline=deadline, read_document=read_member, depth=depth)
    if kind == "ofd":
        from extractors.documents import ofd

        return ofd.read(data, deadline=deadline)
    if kind == "pdf":
        from extractors.documents import pdf

        return pdf.read(data, deadline=deadline)
    if kind == "docx":
        from extractors.documents import docx

        return docx.read(data, deadline=deadline)
    if kind == "doc":
        from extractors.documents import doc

        document = doc.read(data, deadline=deadline)
        if (filename or "").lower().split("?")[0].endswith(".wps"):
            document.kind = "wps"
        return document
    from extractors.encoding import decode

    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0]
    if kind == "html":
        from extractors.documents import html

        return html.read(data, declared_charset=declared, deadline=deadline)
    from extractors.documents import text

    return text.read(decode(data, declared))
