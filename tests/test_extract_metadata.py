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


# --- is it a report: the body decides ------------------------------------------------------

SECTION_2021 = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
                "规章\t0\t0\t0\n行政规范性文件\t3\t1\t12\n")
REQUESTS_2021 = (
    "三、收到和处理政府信息公开申请情况\n"
    "一、本年新收政府信息公开申请数量\t4\t0\t0\t0\t0\t0\t4\n"
    "二、上年结转政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    "（一）予以公开\t3\t0\t0\t0\t0\t0\t3\n"
    "（七）总计\t5\t0\t0\t0\t0\t0\t5\n"
    "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n"
)


@pytest.mark.parametrize("text,year", [
    # no title at all: the sections and the period say it
    ("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。\n一、总体情况\n我局主动公开政府信息80条。\n", 2022),
    # the outline reports used before 2019, with the period
    ("（一）总体情况\n我局主动公开政府信息80条。本报告中所列数据的统计期限自2021年1月1日至2021年12月31日止。\n"
     "（二）政府信息公开情况\n", 2021),
    # the preface naming itself, and a section
    ("根据《中华人民共和国政府信息公开条例》，现将2020年度某某市人力资源和社会保障局信息公开工作总结报告如下。\n"
     "一、总体情况\n全年受理依申请公开21件。\n", 2020),
    # an empty template filled with nothing: still its sections
    ("一、总体情况\n2019年，我乡明确专人负责政务公开工作。\n" + "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n规章\n"
     "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n", 2019),
])
def test_a_body_that_is_a_report_is_one_without_a_title(text, year):
    record = extract(text.encode("utf-8"))
    assert record["is_report"] and record["title"] is None and record["year"] == year


def test_a_report_in_traditional_characters_with_pinyin_glosses_is_read():
    text = ("本報(bào)告依據(jù)《中華人民共和國(guó)政府信息公開條例》編制。本報(bào)告中所列數(shù)據(jù)的統(tǒng)計(jì)期限自"
            "2024年1月1日起至2024年12月31日止。\n一、總體情況\n我局主動(dòng)公開政府信息635條。\n")
    record = extract(text.encode("utf-8"))
    assert record["is_report"] and record["year"] == 2024


LOOKALIKE_PAGES = {
    # a 解读 restates the report's sections and figures
    "jiedu": "《某某县民政局2023年政府信息公开工作年度报告》解读\n一、总体情况\n" + SECTION_2021 + REQUESTS_2021,
    # the national format notice re-posted with its empty template
    "format": ("信息名称 | 国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知 | 内容概述 |\n"
               "附件：\n中华人民共和国政府信息公开工作年度报告格式\n一、总体情况\n" + SECTION_2021 + REQUESTS_2021),
    # the same notice with no title line: the format's name says it
    "format untitled": ("附件：\n中华人民共和国政府信息公开工作年度报告格式\n一、总体情况\n" + SECTION_2021 + REQUESTS_2021),
    # half-year statistics with report-like headings and figures
    "half-year": ("2023年上半年某某区政府信息公开数据统计\n一、总体情况\n全区共制发公文707件，主动公开673件。\n"
                  "二、主动公开政府信息情况\n" + REQUESTS_2021),
    # a task list that names the sections' matters and numbers its tasks
    "tasks": ("某某县民政局2023年政务公开重点任务清单\n工作任务 | 序号 | 具体要求 |\n规范依申请公开 | 1 | 依法办理政府信息公开申请，"
              "做好行政复议答复和行政诉讼答辩工作。 |\n做好年度报告 | 2 | 按时发布政府信息公开工作年度报告。 |\n"),
}


@pytest.mark.parametrize("kind", LOOKALIKE_PAGES)
def test_a_lookalike_is_no_report_and_its_numbers_are_no_figures(kind):
    record = extract(LOOKALIKE_PAGES[kind].encode("utf-8"))
    assert not record["is_report"]
    assert record["cells"] == {} and record["template"] is None and record["year"] is None


def test_a_lookalike_says_its_numbers_were_left_out():
    record = extract(LOOKALIKE_PAGES["jiedu"].encode("utf-8"))
    assert any(note.startswith("not a report (") and "not read as figures" in note for note in record["notes"])


def test_the_same_tables_in_a_report_are_figures():
    # the control for the lookalikes above: their tables are read when the page is a report
    record = extract(("某某县民政局2023年政府信息公开工作年度报告\n一、总体情况\n" + SECTION_2021 + REQUESTS_2021).encode("utf-8"))
    assert record["is_report"] and record["cells"]["active.normative.in_force"] == 12
    assert record["cells"]["requests.new_requests.total"] == 4


# --- metadata from the text ------------------------------------------------------------------

@pytest.mark.parametrize("text,organ", [
    # the organ that compiled it
    ("本年度报告是根据《中华人民共和国政府信息公开条例》的要求，由某某市某某区司法局编制。\n一、总体情况\n", "某某市某某区司法局"),
    ("本报告由某某市某某区司法局根据《中华人民共和国政府信息公开条例》要求编制。\n一、总体情况\n", "某某市某某区司法局"),
    ("本報告由某某縣民政局編制。\n一、總體情況\n", "某某縣民政局"),     # as printed
    # the report's own name in the preface
    ("根据《条例》和某某县行政审批服务局《关于做好2020年度政府信息公开年度报告编制公布工作的通知》精神，"
     "特编制2020年度某某县水利局政府信息公开年度报告。\n一、总体情况\n", "某某县水利局"),
    ("根据《条例》规定，《2020年度某某县水务局信息公开工作年度报告》已经研究同意，现予公开发布。\n一、总体情况\n",
     "某某县水务局"),
    ("根据《条例》规定，现公开某某市自然资源和规划局2025年政府信息公开工作报告。\n一、总体情况\n", "某某市自然资源和规划局"),
    # the page's source line
    ("发表日期:2026-01-26    文章来源:某某市自然资源和规划局\n根据《条例》规定编制本报告。\n一、总体情况\n",
     "某某市自然资源和规划局"),
    ("发布机构 | 某某县商务局 | 发文日期 | 2024-01-08 |\n根据《条例》规定编制本报告。\n一、总体情况\n", "某某县商务局"),
    # a year-first title
    ("2022年某某县卫生健康委员会信息公开年报\n一、总体情况\n", "某某县卫生健康委员会"),
])
def test_the_organ_as_the_report_names_itself(text, organ):
    assert extract(text.encode("utf-8"))["organ"] == organ


@pytest.mark.parametrize("text", [
    # the subject of a sentence
    "一、总体情况\n2021年，某某市某某区司法局认真贯彻落实《条例》。本报告中所列数据的统计期限自2021年1月1日至2021年12月31日止。\n",
    # the office to contact
    "本报告中所列数据统计期限为2023年1月1日至2023年12月31日。如对本年度报告有疑问，请与某某旗自然资源局办公室联系。\n一、总体情况\n",
    # the owner of the site to download it from
    "本报告依据《条例》编制。本报告的电子版可从某某市公安局网站下载。\n一、总体情况\n",
    # an office compiling a report compiles it for another organ
    "本报告由某某县人民政府办公室编制。\n一、总体情况\n二、主动公开政府信息情况\n",
    # the preface's name for itself as its own site calls it, without the place
    "现将2020年度市人力资源社会保障局信息公开工作总结报告如下。\n一、总体情况\n",
    # the portal it was posted on
    "文章来源：某某县人民政府\n本报告依据《条例》编制。\n一、总体情况\n",
    # a source that is the site's short name for itself
    "信息来源:省统计局发布时间:2022-01-21 16:49\n本报告依据《条例》编制。\n一、总体情况\n",
])
def test_a_name_the_text_only_mentions_is_no_organ(text):
    record = extract(text.encode("utf-8"))
    assert record["is_report"] and record["organ"] is None


PLANS = "五、存在的主要问题及改进情况\n2021年，我局将继续做好政务公开工作。2021年重点推进水利信息公开。\n"


@pytest.mark.parametrize("text,year", [
    ("根据《条例》规定，《2020年度某某县水务局信息公开工作年度报告》已经研究同意，现予公开发布。\n一、总体情况\n" + PLANS, 2020),
    ("本报告中所列数据的统计期限为2020年1月1日起至12月31日。\n一、总体情况\n二、主动公开政府信息情况\n" + PLANS, 2020),
])
def test_the_year_from_the_preface(text, year):
    # the prose names the next year more often (its plans): the preface says which was covered
    assert extract(text.encode("utf-8"))["year"] == year


def test_no_year_printed_is_no_year_even_with_a_publication_date():
    text = "发布时间：2024-01-15\n本报告根据《条例》编制。\n一、总体情况\n一年来，我局主动公开政府信息56条。\n二、主动公开政府信息情况\n"
    record = extract(text.encode("utf-8"))
    assert record["is_report"] and record["published"] == "2024-01-15" and record["year"] is None


@pytest.mark.parametrize("line,published", [
    ("发表日期:2026-01-26    文章来源:某某市自然资源和规划局", "2026-01-26"),
    ("信息来源:省统计局发布时间:2022-01-21 16:49被阅览数:", "2022-01-21"),
    ("发文日期 | 2024-01-08 15:47 |", "2024-01-08"),
])
def test_the_publication_date_labels(line, published):
    assert extract(f"{line}\n{T}\n一、总体情况\n".encode("utf-8"))["published"] == published


def test_a_breadcrumb_is_never_the_title():
    text = f"当前位置:首页 > 政府信息公开 > 政府信息公开年度报告 > 2024 > 县直部门\n{T}\n一、总体情况\n"
    record = extract(text.encode("utf-8"))
    assert (record["title"], record["organ"], record["year"]) == (T, "某某县民政局", 2024)


def test_a_title_in_a_metadata_row_without_an_opening_bar():
    text = f"索引号 | 001/2025-00013 | 发布日期 | 2025-01-15 |\n信息名称 | {T} | 内容概述 |\n一、总体情况\n"
    record = extract(text.encode("utf-8"))
    assert (record["title"], record["published"]) == (T, "2025-01-15")


def test_a_report_posted_for_the_public_is_one_when_its_body_is():
    title = "某某镇2023年政府信息公开工作年度报告的公示"
    notice = f"{title}\n现将我镇2023年政府信息公开工作年度报告予以公示，公示期为7天。\n附件：年度报告.pdf\n"
    assert not extract(notice.encode("utf-8"))["is_report"]
    report = f"{title}\n一、总体情况\n2023年，我镇主动公开政府信息56条。\n二、主动公开政府信息情况\n"
    assert extract(report.encode("utf-8"))["is_report"]


def test_the_date_on_an_articles_byline_is_its_publication_date():
    from extractors import metadata

    assert metadata.published("首页 > 政务公开\n二〇二二年度政府信息公开工作年度报告\n来源:朝阳区人民政府    2023-01-30\n一、总体情况") == "2023-01-30"
    assert metadata.published("某某报告\n2022年07月25日 来源: 上海普陀\n正文") == "2022-07-25"
    # a 来源 line deep in the text (a quoted source in prose) is no byline
    body = "\n".join(["某某报告"] + ["正文段落。"] * 20 + ["来源:某某局 2019-05-01"])
    assert metadata.published(body) is None


def test_a_date_line_under_the_title_with_only_the_pages_buttons_is_the_publication_date():
    from extractors import metadata

    assert metadata.published("2023年度某某县农业农村委员会政府信息公开工作年度报告\n2024-01-19  【打印】【关闭】\n根据…") == "2024-01-19"
    assert metadata.published("某某报告\n2024年1月19日 10:30 字号：大 中 小 浏览次数：215\n正文") == "2024-01-19"
    # a date in a sentence near the top is not the page's date
    assert metadata.published("某某报告\n2024-01-19召开了专题会议，研究部署年报编制工作\n正文") is None
