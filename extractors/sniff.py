"""What kind of document a byte string is, from its bytes first and its name/type second.

Servers send wrong Content-Types (a PDF as text/html, a DOCX as application/octet-stream),
so magic numbers decide; the declared type and file name only break ties.
"""
from __future__ import annotations

import re

KINDS = ("pdf", "docx", "doc", "html", "text", "binary")

_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|table|div|p|title)\b", re.I)


def sniff(data: bytes, content_type: str | None = None, filename: str | None = None) -> str:
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # the DOCX reader checks the zip really holds word/document.xml
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "doc"  # LibreOffice converts RTF the same way
    ctype = (content_type or "").split(";")[0].strip().lower()
    name = (filename or "").lower()
    if _looks_binary(head):
        return "binary"
    if _HTML_HINT.search(head) or ctype in ("text/html", "application/xhtml+xml") or name.endswith((".html", ".htm", ".shtml", ".jhtml", ".jsp")):
        return "html"
    return "text"


def _looks_binary(head: bytes) -> bool:
    """Control bytes other than whitespace mean this is no text in any encoding we read."""
    if not head:
        return False
    if b"\x00" in head:
        # UTF-16 text has NULs too; a BOM says which
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(2, len(head) // 100)
