"""A ZIP archive attached as the report -> the Document of the report inside it.

Bureaus zip a report (PDF, DOC/DOCX/WPS, OFD; sometimes with its 解读 or the scanned
signed copy beside it) to get it past an upload filter. One archive is one attachment,
so one report: the member whose name says it is a yearly report (年度报告, 年报) is read
first, then the other documents, largest first; the first one its reader can read is the
archive's document, and the others are named in its notes. An archive that holds no
document (photos, spreadsheets) gives an empty document, which the record calls no
report -- it is not stored as one, and is no reading error of its site either.

Member names are decoded as the archiver wrote them: without the zip's UTF-8 flag,
Chinese Windows archivers write GBK, which zipfile would show as cp437 mojibake. Reading
is bounded by documents.zipfiles (sizes declared and actual, member count, paths,
symlinks); an archive inside the archive is read too, MAX_DEPTH deep at most.
"""
from __future__ import annotations

import re
import time

from extractors.document import Document
from extractors.documents.zipfiles import BoundedZip, Limits
from extractors.errors import ExtractionError

# a report attachment is at most extractors.MAX_BYTES; an archive of a few of them
LIMITS = Limits(members=500, member_bytes=40 * 1024 * 1024, total_bytes=120 * 1024 * 1024)
MAX_DEPTH = 2
DOCUMENT = re.compile(r"\.(pdf|docx?|wps|ofd|rtf|zip)$", re.I)
_REPORT_NAME = re.compile(r"年度?报告|年报")
_DECOY_NAME = re.compile(r"解读|图解|问答|申请表|目录")
_UTF8_FLAG = 0x800


def read(data: bytes, *, deadline: float, read_document, depth: int = 0, **_) -> Document:
    """`read_document(data, filename, deadline, depth)` reads a member (extractors._read)."""
    if depth >= MAX_DEPTH:
        raise ExtractionError("hostile", f"zip archives nested over {MAX_DEPTH} deep")
    archive = BoundedZip(data, LIMITS, what="zip archive")
    members = [(member_name(info), info) for info in archive.infos]
    documents = sorted(((name, info) for name, info in members if DOCUMENT.search(name)), key=_rank)
    others = [name for name, _ in members if not DOCUMENT.search(name)]
    failures: list[str] = []
    for name, info in documents:
        if time.monotonic() > deadline:
            raise ExtractionError("timeout", "reading the zip archive took longer than the time budget")
        member = archive.read(info)
        try:
            document = read_document(member, name, deadline, depth + 1)
        except ExtractionError as exc:
            if exc.reason in ("hostile", "timeout"):
                raise
            failures.append(f"{name} ({exc.reason})")
            continue
        rest = [n for n, _ in documents if n != name]
        document.notes.insert(0, f"read {name} from a zip archive" + (f"; it also holds {', '.join(rest)}" if rest else ""))
        if failures:
            document.notes.append(f"unreadable in the archive: {', '.join(failures)}")
        document.kind = f"zip/{document.kind}"
        return document
    if failures:
        raise ExtractionError("corrupt", f"no document in the zip archive could be read: {', '.join(failures)}")
    held = ", ".join(others[:10]) or "nothing"
    return Document(rows=[], text="", kind="zip", cell_rows=False,
                    notes=[f"the zip archive holds no report document ({held})"])


def member_name(info) -> str:
    """The member's name as its archiver meant it (GBK when the UTF-8 flag is not set)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _rank(member) -> tuple:
    name, info = member
    base = name.rsplit("/", 1)[-1]
    return (not (_REPORT_NAME.search(base) and not _DECOY_NAME.search(base)), bool(_DECOY_NAME.search(base)),
            -info.file_size, name)
