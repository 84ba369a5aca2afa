"""Bounded reading of ZIP containers from the open web: an OFD package, a ZIP of reports.

A zip's central directory is written by whoever built the file, so nothing it declares is
trusted: a member's uncompressed size is checked as declared (to refuse early) and again
as its bytes are inflated (a bomb declares 1 KB and inflates to gigabytes), and the sum
over every member read is bounded too. Names are checked as well: a member named
``../../etc/x`` or ``/etc/x`` or stored as a symlink is no part of any document, only of
an attack on whoever unpacks it, and says the archive is hostile. Nothing is ever written
to disk: members are read into memory, within these limits.
"""
from __future__ import annotations

import io
import re
import stat
import zipfile

from extractors.errors import ExtractionError

CHUNK = 64 * 1024
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


class Limits:
    """The bounds one archive is read under (members, bytes per member, bytes in all)."""

    def __init__(self, *, members: int, member_bytes: int, total_bytes: int):
        self.members = members
        self.member_bytes = member_bytes
        self.total_bytes = total_bytes


class BoundedZip:
    """A zip archive whose members are read within `Limits`; every failure an ExtractionError."""

    def __init__(self, data: bytes, limits: Limits, *, what: str):
        self.what = what
        self.limits = limits
        self.read_bytes = 0
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise ExtractionError("corrupt", f"not a readable zip archive, so no {what} ({exc})") from None
        if len(infos) > limits.members:
            raise ExtractionError("hostile", f"{len(infos)} members in one {what} (limit {limits.members})")
        for info in infos:
            check_member(info, what)
        declared = sum(info.file_size for info in infos)
        if declared > limits.total_bytes:
            raise ExtractionError("hostile", f"{what} declares {declared} bytes uncompressed (limit {limits.total_bytes})")
        self.infos = [info for info in infos if not info.is_dir()]

    def names(self) -> list[str]:
        return [info.filename for info in self.infos]

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """A member by name, matched without case and leading slash (producers differ)."""
        wanted = name.lstrip("/").replace("\\", "/").casefold()
        return next((info for info in self.infos if info.filename.replace("\\", "/").casefold() == wanted), None)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """A member's bytes, stopped as soon as they run past its declared size or a limit."""
        limit = min(self.limits.member_bytes, self.limits.total_bytes - self.read_bytes)
        if info.file_size > limit:
            raise ExtractionError("hostile", f"{info.filename} declares {info.file_size} bytes (limit {limit})")
        if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1:
            data = self._inflate(info, limit)
            self.read_bytes += len(data)
            return data
        out = bytearray()
        try:
            with self.archive.open(info) as member:
                while True:
                    chunk = member.read(CHUNK)
                    if not chunk:
                        break
                    out += chunk
                    if len(out) > info.file_size or len(out) > limit:
                        raise ExtractionError("hostile", f"{info.filename} inflates past its declared {info.file_size} "
                                                         f"bytes (a zip bomb lies about its sizes)")
        except ExtractionError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
            raise ExtractionError("corrupt", f"{info.filename} in the {self.what}: {exc}") from None
        self.read_bytes += len(out)
        return bytes(out)

    def _inflate(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        """A deflated member inflated here, not by zipfile: zipfile stops at the declared
        size and reports the lie as a bad CRC, which would call a bomb merely corrupt."""
        import zlib

        fp = self.archive.fp
        fp.seek(info.header_offset)
        header = fp.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise ExtractionError("corrupt", f"{info.filename}: bad local header in the {self.what}")
        start = info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
        fp.seek(start)
        compressed = fp.read(info.compress_size)
        inflater = zlib.decompressobj(-15)
        out = bytearray()
        try:
            for i in range(0, len(compressed) + 1, CHUNK):
                out += inflater.decompress(compressed[i:i + CHUNK], limit + 1 - len(out))
                if len(out) > info.file_size or len(out) > limit:
                    raise ExtractionError("hostile", f"{info.filename} inflates past its declared {info.file_size} "
                                                     "bytes (a zip bomb lies about its sizes)")
                while inflater.unconsumed_tail:
                    out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
                    if len(out) > info.file_size or len(out) > limit:
                        raise ExtractionError("hostile", f"{info.filename} inflates past its declared {info.file_size} "
                                                         "bytes (a zip bomb lies about its sizes)")
            out += inflater.flush()
        except zlib.error as exc:
            raise ExtractionError("corrupt", f"{info.filename} in the {self.what}: {exc}") from None
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            raise ExtractionError("corrupt", f"{info.filename} in the {self.what} is damaged (size or CRC differ)")
        return bytes(out)

    def read_xml(self, info: zipfile.ZipInfo) -> bytes:
        """A member that must be XML, refused when it declares a DTD (entity bombs live there)."""
        data = self.read(info)
        if _DTD.search(data[:4096]):
            raise ExtractionError("hostile", f"{info.filename} declares a DTD/entities")
        return data


def check_member(info: zipfile.ZipInfo, what: str) -> None:
    """Refuse a member whose name leaves the archive or that is a symlink."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in name.split("/") or "\0" in name:
        raise ExtractionError("hostile", f"{what} member {info.filename!r} points outside the archive")
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        raise ExtractionError("hostile", f"{what} member {info.filename!r} is a symbolic link")


def parse_xml(data: bytes, name: str, damaged: list | None = None):
    """XML bytes -> an lxml element, never resolving entities or reaching the network.

    Producers write malformed XML now and then (a stray "&", a part cut short): such a
    part is read as far as lxml's recovery gets, and its name is added to `damaged`, so
    the document can say that what it shows of that part may be incomplete."""
    from lxml import etree

    options = dict(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(data, etree.XMLParser(**options))
    except etree.XMLSyntaxError:
        pass
    try:
        root = etree.fromstring(data, etree.XMLParser(recover=True, **options))
    except etree.XMLSyntaxError as exc:
        raise ExtractionError("corrupt", f"{name} is no XML ({exc})") from None
    if root is None:
        raise ExtractionError("corrupt", f"{name} is no XML")
    if damaged is not None:
        damaged.append(name)
    return root
