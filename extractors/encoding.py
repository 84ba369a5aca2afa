"""Bytes to text for Chinese government pages.

Old sites serve GB2312/GBK and declare it only in <meta>, or declare utf-8 on a GBK page,
or declare nothing. A declared charset is trusted only if the bytes decode cleanly with
it; otherwise UTF-8, then GB18030 (a superset of GB2312 and GBK), then charset-normalizer.
"""
from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Declarations that mean "some GB encoding": decode all of them as the superset.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def normalise_charset(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_in_html(data: bytes) -> str | None:
    """Charset named by a <meta> tag in the first 4 KB, if any."""
    m = _META_CHARSET.search(data[:4096])
    return normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to str, never raising; see the module docstring for the order tried."""
    encoding = charset_of(data, declared)
    return data[len(_bom(data)[0]):].decode(encoding, errors="replace")


def _bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return bom, enc
    return b"", None


def charset_of(data: bytes, declared: str | None = None) -> str:
    """The encoding `decode` reads these bytes in: a BOM's, else the first of the declared
    charset, the <meta> one, UTF-8 and GB18030 that decodes them cleanly, else
    charset-normalizer's guess, else GB18030."""
    bom, enc = _bom(data)
    if enc:
        return enc
    tried = []
    for enc in (normalise_charset(declared), declared_in_html(data), "utf-8", "gb18030"):
        if not enc or enc in tried:
            continue
        tried.append(enc)
        try:
            data.decode(enc)
            return enc
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            codecs.lookup(best.encoding)
            return best.encoding
    except Exception:  # charset-normalizer is a last resort only
        pass
    return "gb18030"
