"""What kind of document a byte string is, from its bytes first and its name/type second.

Servers send wrong Content-Types (a PDF as text/html, a DOCX as application/octet-stream),
so magic numbers decide; the declared type and file name only break ties.
"""
from __future__ import annotations

import re

KINDS = ("pdf", "docx", "ofd", "zip", "doc", "html", "text", "binary")

_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|table|div|p|title)\b", re.I)


def sniff(data: bytes, content_type: str | None = None, filename: str | None = None) -> str:
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, (filename or "").lower())
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # Word 97, and WPS (Kingsoft writes .wps in Word 97's format)
    if head.startswith(b"{\\rtf"):
        return "doc"  # LibreOffice converts RTF the same way
    ctype = (content_type or "").split(";")[0].strip().lower()
    name = (filename or "").lower()
    if _looks_binary(head):
        return "binary"
    if _HTML_HINT.search(head) or ctype in ("text/html", "application/xhtml+xml") or name.endswith((".html", ".htm", ".shtml", ".jhtml", ".jsp")):
        return "html"
    return "text"


def _zip_kind(data: bytes, name: str) -> str:
    """A zip is a DOCX (word/document.xml), an OFD (OFD.xml) or an archive of other files.

    Its central directory says which. Given only the first bytes (the crawler sniffing a
    response's head), the first member's name in its local header does -- DOCX writers
    start with [Content_Types].xml or word/, OFD writers often with OFD.xml -- or the
    file's name; the readers check the zip holds what they need."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.lower().lstrip("/") for n in archive.namelist()}
    except Exception:  # a head only, or a damaged zip: guess, the reader decides
        names = set()
    if "word/document.xml" in names:
        return "docx"
    if "ofd.xml" in names:
        return "ofd"
    if names:
        return "zip"
    first = data[30:30 + int.from_bytes(data[26:28], "little")].lower() if len(data) > 30 else b""
    if first == b"ofd.xml" or name.endswith(".ofd"):
        return "ofd"
    if name.endswith(".zip") and not first.startswith((b"[content_types]", b"word/", b"_rels/", b"docprops/")):
        return "zip"
    return "docx"  # the DOCX reader says whether it is one


def _looks_binary(head: bytes) -> bool:
    """Control bytes other than whitespace mean this is no text in any encoding we read."""
    if not head:
        return False
    if b"\x00" in head:
        # UTF-16 text has NULs too; a BOM says which
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(2, len(head) // 100)
