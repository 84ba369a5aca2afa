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

import time

from extractors.errors import ExtractionError

__all__ = ["extract", "ExtractionError", "MAX_BYTES"]

# A report is a few hundred KB as HTML and a few MB as a scanned PDF; anything past this
# is no report we can use (and the crawler's download limit is set to match).
MAX_BYTES = 40 * 1024 * 1024
# Wall-clock budget for one document; readers check it between pages/tables.
TIME_BUDGET_S = 60.0


def extract(
    data: bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    organ: str | None = None,
    filename: str | None = None,
    deadline: float | None = None,
) -> dict:
    """Read one document (text, HTML, PDF, DOCX, DOC) and return its report record."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ExtractionError("unreadable", f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise ExtractionError("empty", "the document is empty")
    if len(data) > MAX_BYTES:
        raise ExtractionError("too_large", f"{len(data)} bytes is over the {MAX_BYTES}-byte limit for one report")
    deadline = deadline or (time.monotonic() + TIME_BUDGET_S)
    try:
        document = _read(data, content_type=content_type, filename=filename or url, deadline=deadline)
        from extractors.record import build_record

        return build_record(document, url=url, organ=organ)
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise ExtractionError("hostile", f"document nesting too deep ({exc})") from None
    except MemoryError:
        raise ExtractionError("hostile", "document needs too much memory to read") from None
    except Exception as exc:  # a reader library choking on malformed input
        raise ExtractionError("corrupt", f"{type(exc).__name__}: {exc}"[:500]) from None


def _read(data: bytes, *, content_type, filename, deadline):
    from extractors.sniff import sniff

    kind = sniff(data, content_type, filename)
    if kind == "binary":
        raise ExtractionError("unreadable", "binary data that is no PDF, DOCX, DOC, HTML or text document")
    if kind == "pdf":
        from extractors.documents import pdf

        return pdf.read(data, deadline=deadline)
    if kind == "docx":
        from extractors.documents import docx

        return docx.read(data, deadline=deadline)
    if kind == "doc":
        from extractors.documents import doc

        return doc.read(data, deadline=deadline)
    from extractors.encoding import decode

    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0]
    if kind == "html":
        from extractors.documents import html

        return html.read(data, declared_charset=declared, deadline=deadline)
    from extractors.documents import text

    return text.read(decode(data, declared))
