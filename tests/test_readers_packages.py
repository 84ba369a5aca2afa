"""The zip-packaged readers: OFD, ZIP archives of a report, and WPS (Word 97 bytes).

The OFD and ZIP fixtures (tests/files/make_fixtures.py) carry the same 2021-format tables
as the other readers' fixtures, so they must read back into the same grids. Hostile
packages are built here, small: each must give ExtractionError("hostile"), read nothing
past its limits, and never crash.
"""
from __future__ import annotations

import io
import stat
import time
import zipfile
from pathlib import Path

import pytest

from extractors import extract
from extractors.documents import archive, doc, ofd
from extractors.errors import ExtractionError
from extractors.sniff import sniff
from test_readers import ACTIVE_2021, REVIEW, assert_2021_tables, paragraphs, tables

FILES = Path(__file__).parent / "files"
NS = "http://www.ofdspec.org/2016"
TITLE = "铁东区民政局2024年政府信息公开工作年度报告"


def _deadline(seconds: float = 60) -> float:
    return time.monotonic() + seconds


def _zip(members: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, data in members.items():
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0))
            package.writestr(info, data, compression)
    return buffer.getvalue()


def _ofd(page_objects: str, *, extra: dict | None = None, template: str | None = None) -> bytes:
    """A one-page OFD whose page holds `page_objects` (and a template page's, if given)."""
    common = '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
    uses = ""
    if template is not None:
        common += '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>'
        uses = '<ofd:Template TemplateID="2" ZOrder="Background"/>'
    members = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>{TITLE}'
                   f'</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>{common}</ofd:CommonData><ofd:Pages>'
                              f'<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        "Doc_0/Pages/Page_0/Content.xml": f'<ofd:Page xmlns:ofd="{NS}">{uses}<ofd:Content><ofd:Layer ID="9">{page_objects}'
                                          f'</ofd:Layer></ofd:Content></ofd:Page>',
    }
    if template is not None:
        members["Doc_0/Tpls/Tpl_0/Content.xml"] = (f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="8">{template}'
                                                   f'</ofd:Layer></ofd:Content></ofd:Page>')
    members.update(extra or {})
    return _zip(members)


def _text(x: float, y: float, text: str, *, size: float = 4, deltas: str | None = None, ctm: str | None = None) -> str:
    delta = f' DeltaX="{deltas}"' if deltas else ""
    matrix = f' CTM="{ctm}"' if ctm else ""
    return (f'<ofd:TextObject ID="1" Boundary="{x} {y} 150 10" Size="{size}"{matrix}>'
            f'<ofd:TextCode X="0" Y="{size}"{delta}>{text}</ofd:TextCode></ofd:TextObject>')


def _lying(data: bytes, name: bytes, real_size: int, declared: int) -> bytes:
    """The zip with `name`'s uncompressed size rewritten (local header and central directory)."""
    real, lie = real_size.to_bytes(4, "little"), declared.to_bytes(4, "little")
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := out.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at:name_at + len(name)] == name and out[at + offset:at + offset + 4] == real:
                out[at + offset:at + offset + 4] = lie
            at += 4
    return bytes(out)


# ---------------------------------------------------------------- OFD

def test_ofd_reads_the_grids_a_pdf_of_the_same_report_gives():
    document = ofd.read((FILES / "report_2021.ofd").read_bytes(), deadline=_deadline())
    assert document.kind == "ofd" and document.cell_rows
    assert document.title == TITLE  # OFD.xml's DocInfo/Title names a report
    active_table, requests_table, review_table = tables(document)
    assert active_table == ACTIVE_2021 and review_table == REVIEW
    assert len(requests_table) == 28 and all(len(row) == 10 for row in requests_table)
    # the title is written at half size under a CTM that doubles it: still one line, first
    assert paragraphs(document)[0] == TITLE
    assert "联系电话：0412-2227788，电子邮箱：mzjgk@163.com" in document.text  # glyph advances from DeltaX
    assert "- 1 -" not in document.text


def _relaid(data: bytes) -> bytes:
    """The OFD as another producer writes it: a TextObject per glyph (X in the TextCode,
    no DeltaX) and each ruling line a thin filled rectangle, no stroke."""
    from lxml import etree

    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            members[name] = package.read(name)
    for name in [n for n in members if n.endswith("Content.xml")]:
        root = etree.fromstring(members[name])
        layer = root.find(f".//{{{NS}}}Layer")
        for obj in list(layer):
            x, y, w, h = (float(v) for v in obj.get("Boundary").split())
            if obj.tag == f"{{{NS}}}TextObject":
                code = obj.find(f"{{{NS}}}TextCode")
                deltas = ofd._deltas(code.get("DeltaX"), len(code.text))
                scale = 2.0 if obj.get("CTM") else 1.0
                offset = 0.0
                for i, char in enumerate(code.text):
                    glyph = etree.SubElement(layer, f"{{{NS}}}TextObject", ID="1", Size=str(float(obj.get("Size")) * scale),
                                             Boundary=f"{x + offset} {y} 10 10")
                    etree.SubElement(glyph, f"{{{NS}}}TextCode", X="0", Y=str(float(code.get("Y")) * scale)).text = char
                    offset += (deltas[i] if i < len(deltas) else 0) * scale
            else:
                horizontal = h < 0.01
                rect = f"{x} {y - 0.1} {w} 0.2" if horizontal else f"{x - 0.1} {y} 0.2 {h}"
                width, height = (w, 0.2) if horizontal else (0.2, h)
                filled = etree.SubElement(layer, f"{{{NS}}}PathObject", ID="2", Boundary=rect, Fill="true", Stroke="false")
                etree.SubElement(filled, f"{{{NS}}}AbbreviatedData").text = f"M 0 0 L {width} 0 L {width} {height} L 0 {height} C"
            layer.remove(obj)
        members[name] = etree.tostring(root)
    return _zip(members)


def test_ofd_written_a_glyph_at_a_time_with_filled_rulings_reads_the_same():
    original = (FILES / "report_2021.ofd").read_bytes()
    relaid = ofd.read(_relaid(original), deadline=_deadline())
    assert relaid.rows == ofd.read(original, deadline=_deadline()).rows


def test_ofd_glyph_advances_abbreviated_and_text_moved_by_its_ctm():
    """DeltaX "g 3 4" is three advances of 4 mm; a CTM translation moves the text object."""
    page = (_text(20, 20, "行政许可", deltas="g 3 4") + _text(0, 0, "36", deltas="2", ctm="1 0 0 1 80 20")
            + _text(20, 40, "其他说明"))
    rows = ofd.read(_ofd(page), deadline=_deadline()).rows
    assert rows == [["行政许可 36"], ["其他说明"]]
    # no DeltaX: advances estimated, a space the text has kept, glyphs apart by less than half an em joined
    page = _text(20, 20, "Microsoft Word") + "".join(_text(20 + 3.2 * i, 30, ch) for i, ch in enumerate("mzjgk"))
    assert ofd.read(_ofd(page), deadline=_deadline()).rows == [["Microsoft Word"], ["mzjgk"]]


def test_ofd_ruled_table_from_path_objects_and_a_template_pages_text():
    """Cells from PathObjects (a closed rectangle and lines, coordinates from their Boundary);
    the template page's text (a header) is on the page as well."""
    lines = "".join(f'<ofd:PathObject ID="2" Boundary="{x} 50 0 20"><ofd:AbbreviatedData>M 0 0 L 0 20</ofd:AbbreviatedData></ofd:PathObject>'
                    for x in (80,))
    box = '<ofd:PathObject ID="3" Boundary="20 50 120 20"><ofd:AbbreviatedData>M 0 0 L 120 0 L 120 20 L 0 20 C</ofd:AbbreviatedData></ofd:PathObject>'
    middle = '<ofd:PathObject ID="4" Boundary="20 60 120 0"><ofd:AbbreviatedData>M 0 0 L 120 0</ofd:AbbreviatedData></ofd:PathObject>'
    page = (box + lines + middle + _text(25, 52, "行政许可") + _text(85, 52, "36") + _text(25, 62, "行政处罚")
            + _text(85, 62, "3"))
    document = ofd.read(_ofd(page, template=_text(20, 10, "铁东区民政局文件")), deadline=_deadline())
    assert document.cell_rows
    assert document.rows == [["铁东区民政局文件"], ["行政许可", "36"], ["行政处罚", "3"], []]


def test_ofd_page_locations_written_from_the_package_root_are_found():
    """Document.xml in Doc_0/ naming its page "Doc_0/Pages/Page_0/Content.xml" (from the root,
    without the leading slash the standard asks for), as some producers write it."""
    with zipfile.ZipFile(io.BytesIO(_ofd(_text(20, 20, "行政许可")))) as package:
        members = {name: package.read(name) for name in package.namelist()}
    members["Doc_0/Document.xml"] = members["Doc_0/Document.xml"].replace(b'BaseLoc="Pages/', b'BaseLoc="Doc_0/Pages/')
    assert ofd.read(_zip(members), deadline=_deadline()).rows == [["行政许可"]]


def test_a_scanned_ofd_counts_its_page_images_so_the_record_can_say_why_no_table_was_read():
    page = '<ofd:ImageObject ID="5" Boundary="0 0 210 297" ResourceID="7"/>'
    document = ofd.read(_ofd(page), deadline=_deadline())
    assert document.images == 1 and document.rows == []


def test_an_ofd_page_that_is_all_table_has_no_lines_left_and_reads():
    box = '<ofd:PathObject ID="3" Boundary="20 50 120 20"><ofd:AbbreviatedData>M 0 0 L 120 0 L 120 20 L 0 20 C</ofd:AbbreviatedData></ofd:PathObject>'
    line = '<ofd:PathObject ID="4" Boundary="80 50 0 20"><ofd:AbbreviatedData>M 0 0 L 0 20</ofd:AbbreviatedData></ofd:PathObject>'
    document = ofd.read(_ofd(box + line + _text(25, 55, "行政许可") + _text(85, 55, "36")), deadline=_deadline())
    assert document.rows == [["行政许可", "36"], []]


def test_an_ofd_page_of_malformed_xml_is_read_as_far_as_it_goes_and_says_so():
    page = _text(20, 20, "行政许可") + _text(20, 40, "A & B")  # a bare "&"
    document = ofd.read(_ofd(page), deadline=_deadline())
    assert ["行政许可"] in document.rows
    assert any("malformed XML" in note and "Page_0/Content.xml" in note for note in document.notes)
    assert not ofd.read(_ofd(_text(20, 20, "行政许可")), deadline=_deadline()).notes


def test_an_ofd_through_extract_is_sniffed_by_its_members_whatever_its_name():
    record = extract((FILES / "report_2021.ofd").read_bytes(), url="http://x.gov.cn/u/download?id=5")
    assert record["kind"] == "ofd" and record["year"] == 2024 and record["template"] == "2021"
    assert record["cells"]["requests.new_requests.total"] == 6


@pytest.mark.parametrize("members, reason", [
    ({"Doc_0/Document.xml": "<x/>"}, "corrupt"),  # no OFD.xml: a zip, but no OFD
    ({"OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'},
     "corrupt"),  # names a document it does not hold
    ({"OFD.xml": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><ofd:OFD>&lol2;</ofd:OFD>'},
     "hostile"),
])
def test_broken_or_hostile_ofd_packages(members, reason):
    with pytest.raises(ExtractionError) as error:
        ofd.read(_zip(members), deadline=_deadline())
    assert error.value.reason == reason


def test_ofd_page_blocks_nested_without_end_are_hostile():
    page = "<ofd:PageBlock>" * (ofd.MAX_NESTING + 5) + _text(20, 20, "行政许可") + "</ofd:PageBlock>" * (ofd.MAX_NESTING + 5)
    with pytest.raises(ExtractionError) as error:
        ofd.read(_ofd(page), deadline=_deadline())
    assert error.value.reason == "hostile"


def test_an_ofd_page_of_endless_objects_is_hostile(monkeypatch):
    monkeypatch.setattr(ofd, "MAX_OBJECTS", 50)
    with pytest.raises(ExtractionError) as error:
        ofd.read(_ofd(_text(20, 20, "行") * 51), deadline=_deadline())
    assert error.value.reason == "hostile" and "objects" in error.value.message


def test_an_ofd_text_object_of_endless_glyphs_is_hostile(monkeypatch):
    monkeypatch.setattr(ofd, "MAX_GLYPHS", 1000)
    with pytest.raises(ExtractionError) as error:
        ofd.read(_ofd(_text(20, 20, "行" * 1001)), deadline=_deadline())
    assert error.value.reason == "hostile" and "glyphs" in error.value.message


def test_an_ofd_whose_page_lies_about_its_size_is_hostile():
    """A page declared 200 bytes long that inflates to 50 MB: stopped at the lie, not after."""
    page = f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content>'.encode() + b" " * (50 * 2**20) + b"</ofd:Content></ofd:Page>"
    name = "Doc_0/Pages/Page_0/Content.xml"
    data = _lying(_ofd("", extra={name: page}), name.encode(), len(page), 200)
    with pytest.raises(ExtractionError) as error:
        ofd.read(data, deadline=_deadline())
    assert error.value.reason == "hostile" and "declared 200" in error.value.message


def test_an_ofd_of_more_pages_than_are_read_says_so(monkeypatch):
    monkeypatch.setattr(ofd, "MAX_PAGES", 1)
    document = ofd.read((FILES / "report_2021.ofd").read_bytes(), deadline=_deadline())
    assert any(note.startswith("only the first 1 of ") for note in document.notes)
    assert paragraphs(document)[0] == TITLE and "四、政府信息公开行政复议、行政诉讼情况" not in document.text


def test_ofd_timeout():
    with pytest.raises(ExtractionError) as error:
        ofd.read((FILES / "report_2021.ofd").read_bytes(), deadline=time.monotonic() - 1)
    assert error.value.reason == "timeout"


# ---------------------------------------------------------------- ZIP archives

def test_a_zip_archive_reads_the_report_inside_it_named_in_gbk():
    document = extract((FILES / "report_2021.zip").read_bytes(), filename="P020250120.zip")
    assert document["kind"] == "zip/docx"
    assert document["notes"][0] == f"read {TITLE}.docx from a zip archive"  # the .txt beside it is no document
    assert document["year"] == 2024 and document["cells"]["active.licensing.decisions"] == 36


def test_the_member_named_as_the_report_is_read_before_its_interpretation_and_larger_files():
    interpretation = (FILES / "report_2021.pdf").read_bytes() * 3  # larger, and a 解读
    data = _zip({"政策解读.pdf": interpretation, "2024年度报告.ofd": (FILES / "report_2021.ofd").read_bytes(),
                 "photos/1.jpg": b"\xff\xd8\xff" + b"\0" * 100})
    document = archive.read(data, deadline=_deadline(), read_document=_member_reader)
    assert document.kind == "zip/ofd"
    assert_2021_tables(document)
    assert "政策解读.pdf" in document.notes[0]


def _member_reader(member: bytes, name: str, deadline: float, depth: int):
    from extractors import _read

    return _read(member, content_type=None, filename=name, deadline=deadline, depth=depth)


def test_a_zip_holding_no_document_is_no_report_and_no_reading_error():
    record = extract(_zip({"1.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 64, "报表.xls": b"\xd0\xcf" + b"\0" * 64}),
                     filename="fj.zip")
    assert record["is_report"] is False and record["cells"] == {}
    assert "holds no report document" in record["notes"][0]


def test_a_zip_inside_a_zip_is_read_and_deeper_nesting_is_hostile():
    inner = (FILES / "report_2021.zip").read_bytes()
    record = extract(_zip({"年报.zip": inner}), filename="a.zip")
    assert record["kind"] == "zip/zip/docx" and record["year"] == 2024
    deeper = inner
    for _ in range(archive.MAX_DEPTH):
        deeper = _zip({"年报.zip": deeper})
    with pytest.raises(ExtractionError) as error:
        extract(deeper, filename="a.zip")
    assert error.value.reason == "hostile" and "nested" in error.value.message


@pytest.mark.parametrize("name", ["../../etc/cron.d/x.pdf", "/etc/x.pdf", "a/../../x.pdf", "C:/Windows/x.pdf", "..\\x.pdf"])
def test_a_zip_member_pointing_outside_the_archive_is_hostile(name):
    with pytest.raises(ExtractionError) as error:
        extract(_zip({name: (FILES / "report_2021.pdf").read_bytes()}), filename="a.zip")
    assert error.value.reason == "hostile" and "outside" in error.value.message


def test_a_zip_member_that_is_a_symlink_is_hostile():
    link = zipfile.ZipInfo("report.pdf", (2025, 1, 1, 0, 0, 0))
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(ExtractionError) as error:
        extract(_zip({link: b"/etc/passwd"}), filename="a.zip")
    assert error.value.reason == "hostile" and "symbolic link" in error.value.message


def test_a_zip_of_endless_members_is_hostile():
    data = _zip({f"{i}.txt": b"x" for i in range(archive.LIMITS.members + 1)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(ExtractionError) as error:
        extract(data, filename="a.zip")
    assert error.value.reason == "hostile" and "members" in error.value.message


def test_a_zip_bomb_that_declares_its_size_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        with package.open("年报.pdf", "w", force_zip64=True) as member:
            for _ in range(130):
                member.write(b"\0" * 2**20)
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(ExtractionError) as error:
        extract(buffer.getvalue(), filename="a.zip")
    assert error.value.reason == "hostile" and "declares" in error.value.message


def test_a_zip_bomb_that_lies_about_its_size_is_stopped_while_inflating():
    """Declared 1 KB, inflating to 30 MB: hostile (zipfile alone would stop at 1 KB and call it a bad CRC)."""
    bomb = b"%PDF-1.4\n" + b"\0" * (30 * 2**20)
    data = _lying(_zip({"年报.pdf": bomb}), "年报.pdf".encode(), len(bomb), 1024)
    with pytest.raises(ExtractionError) as error:
        extract(data, filename="a.zip")
    assert error.value.reason == "hostile" and "declared 1024" in error.value.message


def test_a_damaged_member_is_corrupt_not_hostile():
    """A bit flipped on the way (the CRC no longer matches): damaged, not built to harm."""
    data = bytearray(_zip({"年报.pdf": (FILES / "report_2021.pdf").read_bytes()}))
    for signature, offset in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = data.find(signature) + offset
        data[at] ^= 0xFF
    with pytest.raises(ExtractionError) as error:
        extract(bytes(data), filename="a.zip")
    assert error.value.reason == "corrupt"


# ---------------------------------------------------------------- sniffing

def test_zip_kinds_are_told_apart_by_their_members_or_from_a_head_by_the_first_one():
    docx = (FILES / "report_2021.docx").read_bytes()
    package = (FILES / "report_2021.ofd").read_bytes()
    attachment = (FILES / "report_2021.zip").read_bytes()
    assert [sniff(d) for d in (docx, package, attachment)] == ["docx", "ofd", "zip"]
    # the crawler sniffs a response's first 2 KB: the first member's name or the file's tells
    assert sniff(package[:2048]) == "ofd"
    assert sniff(attachment[:2048], filename="http://x.gov.cn/fj/2024nb.zip") == "zip"
    assert sniff(docx[:2048], filename="http://x.gov.cn/fj/2024nb.docx") == "docx"


# ---------------------------------------------------------------- WPS

@pytest.mark.slow
@pytest.mark.skipif(doc.converter() is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_a_wps_file_is_read_as_the_word_97_document_it_is():
    """Kingsoft WPS writes .wps in Word 97's compound-file format (the .doc fixture's bytes)."""
    record = extract((FILES / "report_2021.doc").read_bytes(), url="http://x.gov.cn/u/P0202501.wps", time_budget=120)
    assert record["kind"] == "wps" and record["year"] == 2024
    assert record["cells"]["requests.new_requests.total"] == 6
