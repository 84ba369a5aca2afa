"""Documents built to hurt a reader: what the crawler must stop by its limits, not read.

Each is small on the wire and written by hand (no library would produce them): the
point of each is one trick an attacker, or a broken generator, plays on a parser.

* ``zip_bomb_docx``: a DOCX whose document.xml inflates ~1000x (to 150 MB of spaces);
* ``element_bomb_docx``: a DOCX of a million empty paragraphs, true sizes, little compression;
* ``entity_bomb_docx``: a DOCX whose document.xml declares nested XML entities
  ("billion laughs");
* ``many_pages_pdf``: a PDF of tens of thousands of empty pages (a page tree to walk);
* ``looping_pages_pdf``: a PDF whose page tree lists itself among its own kids;
* ``looping_xref_pdf``: a PDF whose trailer's /Prev points back to the same xref table;
* ``content_bomb_pdf``: a one-page PDF whose content stream inflates to many MB of
  drawing operators (each costs the reader a Python object);
* ``flate_chain_bomb_pdf``: the same behind two Flate filters in a row (each ~1000x);
* ``form_bomb_pdf``: a page drawing a form XObject that draws another ten times, and so on.

All are deterministic: the same call gives the same bytes.
"""
from __future__ import annotations

import io
import struct
import zlib

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
_DOCUMENT_OPEN = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                  b'main"><w:body><w:p><w:r><w:t>')
_DOCUMENT_CLOSE = b"</w:t></w:r></w:p></w:body></w:document>"
_DOS_DATE = (2025 - 1980) << 9 | 1 << 5 | 1  # 2025-01-01, 00:00:00


def repeated_deflate(chunk: bytes, times: int) -> bytes:
    """Raw deflate data of `chunk` repeated `times` times, without compressing it that often.

    After a full flush the compressor starts afresh, so every repetition compresses to the
    same bytes: compress once, repeat the block. (Level 9 over 150 MB takes seconds; this
    takes milliseconds, and the local web is built on every test run.)
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * times + compressor.flush()


def _zip(parts: list[tuple[str, bytes, bytes, int, int]]) -> bytes:
    """A zip of (name, raw deflate data, crc32 and size of the inflated bytes) parts.

    Written by hand because zipfile insists on compressing the bytes itself.
    """
    out, central = io.BytesIO(), io.BytesIO()
    for name, deflated, crc, size in parts:
        offset = out.tell()
        encoded = name.encode("utf-8")
        fields = (20, 0, 8, 0, _DOS_DATE, crc, len(deflated), size, len(encoded), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + deflated)
        central.write(struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHH", *fields)
                      + struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded)
    start, directory = out.tell(), central.getvalue()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), start, 0))
    return out.getvalue()


def _part(name: str, data: bytes) -> tuple:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def zip_bomb_docx(megabytes: int = 150) -> bytes:
    """A DOCX-shaped zip whose document.xml inflates to `megabytes` MB (about 1000:1)."""
    chunk = b" " * (1 << 20)
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = (head.compress(_DOCUMENT_OPEN) + head.flush(zlib.Z_FULL_FLUSH)
                + repeated_deflate(chunk, megabytes)[:-2])  # the middle blocks, not the final one
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated += tail.compress(_DOCUMENT_CLOSE) + tail.flush()
    crc = zlib.crc32(_DOCUMENT_OPEN)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(_DOCUMENT_CLOSE, crc)
    size = len(_DOCUMENT_OPEN) + megabytes * len(chunk) + len(_DOCUMENT_CLOSE)
    return _zip([_part("[Content_Types].xml", CONTENT_TYPES.encode()), ("word/document.xml", deflated, crc, size)])


def entity_bomb_docx(levels: int = 10) -> bytes:
    """A DOCX whose document.xml expands to 10**levels "lol"s if its entities are resolved."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels))
    xml = (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><w:document xmlns:w="http://schemas.openxmlformats.org/'
           f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol{levels - 1};</w:t></w:r></w:p></w:body></w:document>')
    return _zip([_part("[Content_Types].xml", CONTENT_TYPES.encode()), _part("word/document.xml", xml.encode())])


def pdf_of(objects: list[bytes], *, root: int = 1, prev_loop: bool = False) -> bytes:
    """A PDF from object bodies (numbered from 1), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if prev_loop:
        trailer += b" /Prev %d" % xref
    out.write(b"trailer\n<<%s>>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref))
    return out.getvalue()


def many_pages_pdf(pages: int = 50_000) -> bytes:
    """A PDF of `pages` empty pages: cheap to send, expensive to walk page by page."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return pdf_of(objects)


def looping_pages_pdf() -> bytes:
    """A page tree whose root is one of its own kids (a reader must not walk it forever)."""
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])


def looping_xref_pdf() -> bytes:
    """A trailer whose /Prev names its own xref table (a reader must not follow it forever)."""
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"], prev_loop=True)


def content_bomb_pdf(megabytes: int = 64) -> bytes:
    """One page whose Flate content stream inflates to `megabytes` MB of line drawings."""
    line = b"0 0 m 1 1 l S\n"
    block = line * ((1 << 20) // len(line))
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(block, adler)
    data = b"\x78\xda" + repeated_deflate(block, megabytes) + struct.pack(">I", adler)  # a zlib stream
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                   b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)])


def flate_chain_bomb_pdf(megabytes: int = 64) -> bytes:
    """One page whose content stream is Flate-compressed twice (/Filter [/FlateDecode
    /FlateDecode]): each stage inflates ~1000x, so a few KB become `megabytes` MB."""
    line = b"0 0 m 1 1 l S\n"
    block = line * ((1 << 20) // len(line))
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(block, adler)
    inner = b"\x78\xda" + repeated_deflate(block, megabytes) + struct.pack(">I", adler)
    data = zlib.compress(inner, 9)
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                   b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n%s\nendstream" % (len(data), data)])


def form_bomb_pdf(levels: int = 6, fanout: int = 10) -> bytes:
    """One page that draws form XObject 0, which draws form 1 `fanout` times, and so on:
    a few hundred bytes of content that a reader rendering forms repeats fanout**levels times."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    first_form = 5
    objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                   b"/Resources << /XObject << /X0 %d 0 R >> >> >>" % first_form)
    page = b"/X0 Do\n"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page))
    for level in range(levels):
        if level < levels - 1:
            body = b"q 1 0 0 1 1 1 cm /X Do Q\n" * fanout
            resources = b"/Resources << /XObject << /X %d 0 R >> >>" % (first_form + level + 1)
        else:
            body, resources = b"0 0 m 1 1 l S\n" * fanout, b""
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] %s /Length %d >>\nstream\n%s\nendstream"
                       % (resources, len(body), body))
    return pdf_of(objects)


def element_bomb_docx(elements: int = 1_200_000) -> bytes:
    """A DOCX whose document.xml is `elements` empty paragraphs with distinct ids: every size
    its zip declares is true and under the limits, and it inflates only ~4x, yet as an lxml
    tree it is gigabytes."""
    rows = b"".join(b'<w:p w:rsidR="%08X"/>' % (i * 2654435761 % 2**32) for i in range(elements))
    body = _DOCUMENT_OPEN.replace(b"<w:p><w:r><w:t>", b"") + rows + b"</w:body></w:document>"
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    deflated = compressor.compress(body) + compressor.flush()
    return _zip([_part("[Content_Types].xml", CONTENT_TYPES.encode()),
                 ("word/document.xml", deflated, zlib.crc32(body), len(body))])
