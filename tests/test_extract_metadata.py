"""Title, organ, publication date, contacts and "is it a report" on page layouts found by a
blind test of report pages from CMS templates the project had not seen."""
from __future__ import annotations

import io

import pytest

from extractors import extract

T = "某某县民政局2024年政府信息公开工作年度报告"
BODY = "<p>一、总体情况</p><p>本年度主动公开政府信息156条。</p>"


def page(head: str, body: str) -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode("utf-8")


@pytest.mark.parametrize("body,published", [
    # a gkmlpt metadata table lists 成文日期 before 发布日期
    (f"<table><tr><td>成文日期：</td><td>2025-01-10</td><td>发布日期：</td><td>2025-01-15</td></tr></table><h1>{T}</h1>{BODY}",
     "2025-01-15"),
    (f"<table><tr><td>发布日期</td><td>2025-01-15</td></tr></table><div><h1>{T}</h1>{BODY * 5}</div>", "2025-01-15"),
    (f"<h1>{T}</h1><div class='info'><span>2025-01-15 10:23</span><span>阅读：256</span></div>{BODY}", "2025-01-15"),
    (f"<h1>{T}</h1><div class='info'>發布日期：2025-01-15</div>{BODY}", "2025-01-15"),
    # the statistics period is never the publication date
    (f"<h1>{T}</h1>{BODY}<p>统计时间：2024年1月1日至2024年12月31日</p>", None),
    (f"<h1>{T}</h1>{BODY}<p>（数据统计截止日期：2024年12月31日）</p>", None),
    (f"<h1>{T}</h1>{BODY}<p>数据统计截至 2024年12月31日</p>", None),
    (f"<h1>{T}</h1>{BODY}<p>某某县民政局 2025年1月15日</p>", "2025-01-15"),  # a signature still is
])
def test_the_publication_date(body, published):
    assert extract(page(f"<title>{T}</title>", body), filename="a.html")["published"] == published


@pytest.mark.parametrize("head,body", [
    (f"<meta property='og:title' content='{T}_某某县人民政府'>", f"<h1>{T}</h1>{BODY}"),          # site name appended
    (f"<title>{T}</title>", f"<div class='column_title'>政府信息公开年报</div><div class='art_title'>{T}</div>{BODY}"),
    ("<title>某某县人民政府</title>", f"<div class='header'>某某县人民政府</div><div class='tit'>{T}</div><div>{BODY * 4}</div>"),
])
def test_the_title_on_other_templates(head, body):
    record = extract(page(head, body), filename="a.html")
    assert (record["title"], record["organ"], record["year"], record["is_report"]) == (T, "某某县民政局", 2024, True)


def test_a_title_wrapped_mid_phrase():
    text = "某某市自然资源局2024年度政府信息\n公开工作年度报告\n一、总体情况\n本年度主动公开政府信息156条。\n"
    record = extract(text.encode("utf-8"))
    assert (record["title"], record["organ"]) == ("某某市自然资源局2024年度政府信息公开工作年度报告", "某某市自然资源局")


def test_a_documents_stale_title_property_does_not_beat_its_printed_title():
    import docx as python_docx

    document = python_docx.Document()
    document.core_properties.title = "某某县民政局2023年政府信息公开工作年度报告"  # last year's file, saved again
    document.add_paragraph(T)
    document.add_paragraph("一、总体情况")
    data = io.BytesIO()
    document.save(data)
    record = extract(data.getvalue(), filename="report.docx")
    assert (record["title"], record["year"]) == (T, 2024)


@pytest.mark.parametrize("title,organ", [
    ("某某县民政局政府信息公开工作年度报告（2024年度）", "某某县民政局"),
    ("某某县供销合作社联合社2024年政府信息公开工作年度报告", "某某县供销合作社联合社"),
])
def test_the_organ_from_other_titles(title, organ):
    assert extract(page(f"<title>{title}</title>", f"<h1>{title}</h1>{BODY}"), filename="a.html")["organ"] == organ


def test_a_report_in_traditional_characters_without_tables_is_a_report():
    title = "某某縣民政局2024年政府信息公開工作年度報告"
    record = extract(page(f"<title>{title}</title>", f"<h1>{title}</h1><p>一、總體情況</p><p>本年度主動公開政府信息156條。</p>"),
                     filename="a.html")
    assert record["is_report"] and record["year"] == 2024


@pytest.mark.parametrize("title", ["一图读懂某某县民政局2024年政府信息公开工作年度报告",
                                   "关于报送2024年政府信息公开工作年度报告的函",
                                   "关于2024年度政府信息公开工作年度报告情况的通报",
                                   "2024年政府信息公开工作年度报告社会评议结果公示"])
def test_pages_about_a_report_are_not_reports(title):
    assert not extract(page(f"<title>{title}</title>", f"<h1>{title}</h1>{BODY}"), filename="a.html")["is_report"]


def test_contacts_a_shared_area_code_spaced_labels_and_no_fax():
    text = (f"{T}\n一、总体情况\n如对本报告有疑问，请与本机关联系（地　址：某某县建设路88号，邮　编：114100，"
            "电　话：0412-5570186、5570187，传真：0412-5570188）。\n")
    contacts = extract(text.encode("utf-8"))["contacts"]
    assert contacts["phone"] == ["0412-5570186", "5570187"]
    assert (contacts["address"], contacts["postcode"]) == (["某某县建设路88号"], ["114100"])


@pytest.mark.parametrize("text,address", [
    ("请与县民政局联系（地址：某某县建\n设路88号，邮编：114100）", "某某县建设路88号"),  # a PDF's line wrap
    ("地址：某某县建设路88号\n二、主动公开政府信息情况", "某某县建设路88号"),             # the next line is a heading
    ("地址：某某县建设路88号\n邮编：114100", "某某县建设路88号"),
])
def test_an_address_wrapped_onto_the_next_line(text, address):
    from extractors import metadata

    assert metadata.contacts(text)["address"] == [address]
