"""Behaviours of the extractor on plain-text reports, one per flattening trap."""
from pathlib import Path

import opencc
import pytest

from extractors import ExtractionError, extract
from extractors import dates

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
HEADER = "三、收到和处理政府信息公开申请情况\n"
NEEDS_SHARED = pytest.mark.skipif(not (SHARED / "reports").is_dir(), reason="../shared not beside this checkout")


def _requests_table(rows: list[str]) -> bytes:
    text = "某某县民政局2023年政府信息公开工作年度报告\n" + HEADER + "\n".join(rows) + "\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n"
    return text.encode("utf-8")


def test_more_digits_than_cells_are_split_by_the_row_arithmetic():
    record = extract(_requests_table(["一、本年新收政府信息公开申请数量120000012", "二、上年结转政府信息公开申请数量0000000"]))
    cells = record["cells"]
    assert [cells[f"requests.new_requests.{c}"] for c in ("natural", "commercial", "total")] == [12, 0, 12]
    assert "requests.new_requests.total" in record["inferred"]


def test_an_ambiguous_run_is_not_guessed():
    # 1100011 into seven cells with natural+...+other_org = total has no unique answer
    # once the row is on its own; the figures must stay unread rather than invented
    record = extract(_requests_table(["一、本年新收政府信息公开申请数量11000000011", "二、上年结转政府信息公开申请数量0000000"]))
    values = [record["cells"].get(f"requests.new_requests.{c}") for c in ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")]
    assert values == [None] * 7 or sum(values[:-1]) == values[-1]
    assert values == [None] * 7  # several splits add up: none is chosen


def test_blank_cells_are_null_never_zero():
    record = extract(_requests_table(["一、本年新收政府信息公开申请数量\t3\t\t0\t0\t0\t0\t3"]))
    assert record["cells"]["requests.new_requests.commercial"] is None
    assert record["cells"]["requests.new_requests.natural"] == 3


def test_a_row_not_printed_has_no_keys():
    record = extract(_requests_table(["一、本年新收政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0", "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0"]))
    assert not any(k.startswith("requests.granted.") for k in record["cells"])


def test_a_blank_term_skips_the_check_and_a_wrong_total_fails_it():
    rows = ["一、本年新收政府信息公开申请数量\t1\t\t0\t0\t0\t0\t5", "（一）予以公开\t1\t0\t0\t0\t0\t0\t2"]
    record = extract(_requests_table(rows))
    assert "requests.row_total.new_requests" not in record["failed_checks"]
    assert "requests.row_total.granted" in record["failed_checks"]


def test_social_organisation_alias_and_rows_in_any_order():
    rows = ["\t自然人\t商业企业\t科研机构\t社会组织\t法律服务机构\t其他\t总计",
            "（七）总计\t4\t0\t0\t1\t0\t0\t5",
            "一、本年新收政府信息公开申请数量\t4\t0\t0\t1\t0\t0\t5"]
    cells = extract(_requests_table(rows))["cells"]
    assert cells["requests.total_handled.nonprofit"] == 1
    assert cells["requests.new_requests.total"] == 5


def test_title_organ_and_year_covered_not_published():
    text = "XX市民政局\n\n2023 年政府信息公开工作年度报告\n发布日期：二〇二四年一月十五日\n一、总体情况\n正文。\n"
    record = extract(text.encode("utf-8"))
    assert record["title"] == "XX市民政局2023年政府信息公开工作年度报告"
    assert record["organ"] == "XX市民政局"
    assert record["year"] == 2023
    assert record["published"] == "2024-01-15"


def test_organ_given_by_the_caller_wins():
    record = extract("某县2024年政府信息公开工作年度报告".encode("utf-8"), organ="某县民政局")
    assert record["organ"] == "某县民政局"


def test_contacts_printed_in_the_report():
    text = ("某局2024年政府信息公开工作年度报告\n如对本报告有疑问，请联系：地址：幸福路1号；邮编：100000；"
            "联系电话：010-12345678；电子邮箱：gk@example.gov.cn。\n")
    contacts = extract(text.encode("utf-8"))["contacts"]
    assert contacts == {"phone": ["010-12345678"], "email": ["gk@example.gov.cn"], "address": ["幸福路1号"], "postcode": ["100000"]}


@pytest.mark.parametrize("text,expected", [
    ("2025年1月7日", "2025-01-07"), ("2025-01-07 08:23:24", "2025-01-07"), ("发布时间：2025-01-07", "2025-01-07"),
    ("二〇二五年一月七日", "2025-01-07"), ("二〇二五年一月二十七日", "2025-01-27"), ("2025/1/7", "2025-01-07"),
    ("2025年13月1日", None), ("", None),
])
def test_dates(text, expected):
    assert dates.parse(text) == expected


@NEEDS_SHARED
def test_traditional_characters_read_like_simplified():
    source = (SHARED / "reports" / "000_089711a08f4e65e5.txt").read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(source)
    assert traditional != source
    simple = extract(source.encode("utf-8"))
    converted = extract(traditional.encode("utf-8"))
    assert converted["cells"] == simple["cells"] and len(simple["cells"]) == 200
    assert converted["year"] == 2024 and converted["template"] == "2021"


@NEEDS_SHARED
@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gbk_bytes_without_a_declared_charset(encoding):
    source = (SHARED / "reports" / "002_350edbf2c6a86c93.txt").read_text(encoding="utf-8")
    record = extract(source.encode(encoding, errors="replace"))
    assert record["title"] == "阜新市细河区民政局2023年政府信息公开工作年度报告"
    assert record["cells"]["active.licensing.decisions"] == 75


@NEEDS_SHARED
def test_gbk_bytes_with_a_wrong_declared_charset():
    source = (SHARED / "reports" / "002_350edbf2c6a86c93.txt").read_text(encoding="utf-8")
    record = extract(source.encode("gb18030"), content_type="text/plain; charset=utf-8")
    assert record["cells"]["active.licensing.decisions"] == 75


def test_a_text_that_is_not_a_report_gives_an_empty_record():
    record = extract("关于开展2024年冬季送温暖活动的通知\n各乡镇：现将有关事项通知如下。\n".encode("utf-8"))
    assert record["is_report"] is False
    assert record["cells"] == {} and record["template"] is None and record["failed_checks"] == []


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"   \n", "empty"), (bytes(range(256)) * 40, "unreadable"),
])
def test_bad_input_raises_the_documented_error(data, reason):
    with pytest.raises(ExtractionError) as info:
        extract(data)
    assert info.value.reason == reason


def test_a_file_over_the_size_limit_is_refused_without_reading_it():
    from extractors import MAX_BYTES

    with pytest.raises(ExtractionError) as info:
        extract(b"a" * (MAX_BYTES + 1))
    assert info.value.reason == "too_large"


def test_the_2019_format_by_its_labels():
    data = (Path(__file__).parent / "files" / "text_2019_tabs.txt").read_bytes()
    record = extract(data)
    cells = record["cells"]
    assert record["template"] == "2019"
    assert (cells["active.licensing.prev_items"], cells["active.licensing.change"], cells["active.licensing.decisions"]) == (12, 2, 340)
    assert cells["active.other_admin_services.change"] == -1
    assert (cells["active.procurement.items"], cells["active.procurement.amount"]) == (3, 12.5)
    assert cells["active.fees.prev_items"] == 0 and "active.fees.amount" not in cells
    assert cells["requests.other.natural"] == 1 and not any(k.startswith("requests.other.other.") for k in cells)
    assert cells["review.suit_direct.upheld"] == 1 and cells["review.suit_direct.total"] == 1
    assert record["failed_checks"] == []


# --- rows whose cells are separated by spaces (copied out of a web page or a PDF) ----------

def test_figures_separated_by_spaces_are_cells_not_a_run_of_digits():
    # run together, 1100011 into seven cells has several splits that add up (see
    # test_an_ambiguous_run_is_not_guessed); the spaces already say where each cell ends
    rows = ["一、本年新收政府信息公开申请数量  1  10  0  0  0  0  11",
            "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
            "（一）予以公开\u3000\u30001\u30000\u30000\u30000\u30000\u30000\u30001"]
    record = extract(_requests_table(rows))
    cells = record["cells"]
    assert [cells[f"requests.new_requests.{c}"] for c in ("natural", "commercial", "research", "total")] == [1, 10, 0, 11]
    assert cells["requests.carried_over.total"] == 0
    assert cells["requests.granted.natural"] == 1 and cells["requests.granted.total"] == 1
    assert not record["inferred"]  # read, not worked out from the arithmetic


def test_spaces_inside_a_label_or_prose_split_nothing():
    rows = ["三、本 年度办 理结果 （一） 予以 公开 5 0 0 0 0 0 5",  # a PDF's letter-spaced label
            "全年共收到申请 5 件，均已按时答复。"]
    record = extract(_requests_table(rows))
    assert record["cells"]["requests.granted.total"] == 5
    assert not record["notes"]


@NEEDS_SHARED
@pytest.mark.parametrize("name,separator", [("000_089711a08f4e65e5", "\t"), ("004_41b620bcb19def59", "|")])
@pytest.mark.parametrize("gap", ["  ", "\u3000", "\u00a0\u00a0\u00a0"])
def test_a_seed_report_with_its_cells_separated_by_spaces_reads_as_its_gold(name, separator, gap):
    import json

    source = (SHARED / "reports" / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads((SHARED / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    spaced = "\n".join(gap.join(cell.strip() for cell in line.split(separator)) if separator in line else line
                       for line in source.splitlines())
    assert separator not in spaced
    record = extract(spaced.encode("utf-8"))
    assert record["cells"] == gold["cells"]
    assert (record["year"], record["template"]) == (gold["year"], gold["template"])


NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _html_cells(section: str) -> dict:
    """The cells of a report page whose section 三 is `section` (HTML)."""
    page = (f"<html><body><h1>某某县民政局2023年政府信息公开工作年度报告</h1>{section}"
            "<p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>")
    return extract(page.encode("utf-8"), content_type="text/html")["cells"]


def test_a_section_heading_that_is_the_first_cell_of_the_header_row_opens_its_section():
    # the heading shares its row with the column header (and the table's note) instead of
    # having a row of its own
    row = "<tr><td>{}</td>" + "<td>{}</td>" * 7 + "</tr>"
    cells = _html_cells(
        f"<table><tr><td>三、收到和处理政府信息公开申请情况</td><td>{NOTE}</td><td>申请人情况</td></tr>"
        + row.format("", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
        + row.format("一、本年新收政府信息公开申请数量", 2, 0, 0, 0, 0, 0, 2) + row.format("（一）予以公开", 2, 0, 0, 0, 0, 0, 2)
        + "</table>")
    assert cells["requests.new_requests.total"] == 2 and cells["requests.granted.natural"] == 2


def test_a_row_laid_out_as_a_paragraph_with_nbsp_gaps():
    gap = "&nbsp;" * 4
    cells = _html_cells(f"<p>三、收到和处理政府信息公开申请情况{gap}{NOTE}{gap}申请人情况</p>"
                        f"<p>一、本年新收政府信息公开申请数量{gap.join(['', '3', '0', '0', '0', '0', '0', '3'])}</p>")
    assert cells["requests.new_requests.natural"] == 3 and cells["requests.new_requests.total"] == 3


# --- title and year --------------------------------------------------------------------------

def test_full_width_digits_in_the_title_give_the_year():
    record = extract("某某县民政局２０２３年政府信息公开工作年度报告\n一、总体情况\n正文。\n".encode("utf-8"))
    assert record["year"] == 2023 and record["organ"] == "某某县民政局"


def test_the_organ_on_a_line_well_above_a_title_that_starts_with_the_year():
    record = extract("阜新市细河区民政局\n\n\n\n\n2023 年政府信息公开工作年度报告\n一、总体情况\n".encode("utf-8"))
    assert record["organ"] == "阜新市细河区民政局"
    assert record["title"] == "阜新市细河区民政局2023年政府信息公开工作年度报告"


def test_a_title_laid_out_in_a_table_cell_beside_the_date():
    # older CMS pages put the article header in a layout table: title | 发布时间
    page = ("<html><body><table><tr><td>鞍山市民政局2024年政府信息公开工作年度报告</td>"
            "<td>时间:2025-01-07 08:23:24 来源:办公室</td></tr></table>"
            "<p>一、总体情况</p><p>2024年，本局主动公开政府信息313条。</p></body></html>")
    record = extract(page.encode("utf-8"), content_type="text/html")
    assert record["title"] == "鞍山市民政局2024年政府信息公开工作年度报告"
    assert record["organ"] == "鞍山市民政局" and record["published"] == "2025-01-07"


def test_without_section_headings_a_labelled_row_of_another_table_is_not_the_review_row():
    # no 四、…行政复议、行政诉讼 heading: the review table is found by its own header, and
    # the 规章 row of section 二 must not be read as its unlabeled row of 15 figures
    text = ("某某县民政局2023年政府信息公开工作年度报告\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
            "规章\t0\t0\t2\n规范性文件\t1\t0\t5\n")
    cells = extract(text.encode("utf-8"))["cells"]
    assert cells["active.rules.in_force"] == 2
    assert not any(k.startswith("review.") for k in cells)
    headless_review = text + "行政复议结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n" + "\t".join(["1", "0", "0", "0", "1"] + ["0"] * 10) + "\n"
    assert extract(headless_review.encode("utf-8"))["cells"]["review.review.total"] == 1


def test_figure_cells_spanning_split_columns_are_read_as_one_cell_each():
    # Word's tables (and grids rebuilt from a PDF's rulings) split a column where another
    # row has sub-columns: a figure spans two grid columns, leaving an empty sliver
    wide = "<td>{}</td><td colspan='2'>{}</td><td>{}</td><td colspan='2'>{}</td><td>{}</td><td>{}</td><td colspan='3'>{}</td>"
    page = ("<p>三、收到和处理政府信息公开申请情况</p><table>"
            "<tr><td rowspan='2'></td><td>自然人</td><td colspan='2'>商业企业</td><td>科研机构</td><td colspan='2'>社会公益组织</td>"
            "<td>法律服务机构</td><td>其他</td><td colspan='3'>总计</td></tr>"
            "<tr><td></td><td>a</td><td>b</td><td></td><td>c</td><td>d</td><td></td><td></td><td>e</td><td>f</td><td>g</td></tr>"
            "<tr><td>一、本年新收政府信息公开申请数量</td>" + wide.format(3, 1, 0, 0, 0, 0, 4) + "</tr>"
            "<tr><td>（一）予以公开</td>" + wide.format(2, 1, 0, 0, 0, 0, 3) + "</tr>"
            "</table>")
    cells = _html_cells(page)
    assert [cells[f"requests.new_requests.{c}"] for c in ("natural", "commercial", "research", "total")] == [3, 1, 0, 4]
    assert cells["requests.granted.total"] == 3 and cells["requests.granted.commercial"] == 1


def test_the_publication_date_from_an_articles_metadata_table():
    # 索引号 | … | 成文日期 | … / 发布日期 | … : label and date in cells side by side, no colon;
    # the publication date wins over the date the document was written
    page = ("<html><body><table><tr><td>索引号</td><td>11/2025-00012</td><td>成文日期</td><td>2025-01-10</td></tr>"
            "<tr><td>发布日期</td><td>2025-01-15</td><td>发布机构</td><td>某某县民政局</td></tr></table>"
            "<h1>某某县民政局2024年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
            "<p>统计时间 2024年1月1日至2024年12月31日。</p></body></html>")
    assert extract(page.encode("utf-8"), content_type="text/html")["published"] == "2025-01-15"
    prose = "某某县民政局2024年政府信息公开工作年度报告\n统计时间 2024年1月1日至2024年12月31日。\n"
    assert extract(prose.encode("utf-8"))["published"] is None  # a bare 时间 needs its colon


def _seed_rows(name: str) -> list[list[str]]:
    """A tab-separated seed report as rows of cells (a line without tabs is one cell)."""
    source = (SHARED / "reports" / f"{name}.txt").read_text(encoding="utf-8")
    return [[cell.strip() for cell in line.split("\t")] for line in source.splitlines()]


def _gold(name: str) -> dict:
    import json

    return json.loads((SHARED / "gold" / f"{name}.json").read_text(encoding="utf-8"))


@NEEDS_SHARED
@pytest.mark.parametrize("name", ["000_089711a08f4e65e5", "002_350edbf2c6a86c93"])
def test_a_seed_report_with_its_tables_as_markdown_reads_as_its_gold(name):
    # border pipes at both ends close a row; they are no blank cells, and the |---| rule
    # under the header row is no row
    lines, in_table = [], False
    for row in _seed_rows(name):
        if len(row) > 1:
            lines.append("| " + " | ".join(row) + " |")
            if not in_table:
                lines.append("|" + "---|" * len(row))
            in_table = True
        else:
            lines.append(row[0])
            in_table = False
    record = extract("\n".join(lines).encode("utf-8"))
    gold = _gold(name)
    assert record["cells"] == gold["cells"]
    assert record["template"] == gold["template"]


@NEEDS_SHARED
def test_a_seed_report_with_its_tables_as_csv_reads_as_its_gold():
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # quotes the cells that hold a comma
    for row in _seed_rows("000_089711a08f4e65e5"):
        if len(row) > 1:
            writer.writerow(row)
        else:
            out.write(row[0] + "\n")
    assert '"(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)"' in out.getvalue()
    record = extract(out.getvalue().encode("utf-8"))
    gold = _gold("000_089711a08f4e65e5")
    assert record["cells"] == gold["cells"]
    assert record["template"] == gold["template"]


def test_prose_with_ascii_commas_is_not_a_csv_table():
    prose = "\n".join(["今年以来,共发布主动公开信息57条,其中民生信息49条,均按时发布。"] * 6)
    rows = ["（七）总计\t5\t0\t0\t0\t0\t0\t5", "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0"]
    record = extract((prose + "\n").encode("utf-8") + _requests_table(rows))
    assert record["cells"]["requests.total_handled.total"] == 5
    from extractors.documents import text
    assert text.flattening(prose.splitlines()) == "lines"


def test_a_numbered_heading_run_into_the_table_header_by_single_spaces_opens_its_section():
    text = "\n".join([
        "二、主动公开政府信息情况",
        "行政许可 3",
        "三、收到和处理政府信息公开申请情况 " + NOTE + " 申请人情况",
        "自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
        "一、本年新收政府信息公开申请数量 6 0 0 0 0 0 6",
        "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
        "（七）总计 6 0 0 0 0 0 6",
        "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼",
        "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
        "五、存在的主要问题及改进情况 2024年我局工作稳步推进，仍有不足。",
    ])
    cells = extract(text.encode("utf-8"))["cells"]
    assert cells["requests.new_requests.natural"] == 6
    assert cells["requests.new_requests.total"] == 6
    assert cells["requests.total_handled.total"] == 6
    assert cells["review.review.total"] == 0 and cells["review.suit_after_review.total"] == 0
    assert not any(k.startswith("active.") and k != "active.licensing.decisions" for k in cells)


def test_a_paragraph_that_only_mentions_a_section_heading_opens_nothing():
    from extractors import labels

    assert labels.heading_at_start("（二）依申请公开：收到和处理政府信息公开申请情况良好，全年收到申请6件。")[0] is None
    assert labels.heading_at_start("三、本年度办理结果（一）予以公开")[0] is None
    assert labels.heading_at_start("一、本年新收政府信息公开申请数量")[0] is None
    assert labels.heading_at_start("三、收到和处理政府信息公开申请情况（本列数据）申请人情况") == ("requests", "（本列数据）申请人情况")


@pytest.mark.parametrize("period,year", [
    ("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。", 2023),
    ("本报告中所列数据的统计期限自202511日起至20251231日止。", 2025),   # 年 and 月 lost in the page text
    ("本报告所列数据统计期限为20241月1 日至202412月31日。", 2024),
])
def test_without_a_year_in_the_title_the_period_covered_gives_it(period, year):
    # the prose names the next year more often (its plans), the period says which was covered
    text = "\n".join(["某县民政局政府信息公开工作年度报告", period,
                      "2026年，我局将继续做好政务公开工作。2026年重点推进养老服务信息公开。"])
    assert extract(text.encode("utf-8"))["year"] == year


def test_a_page_titled_like_a_report_with_nothing_but_links_is_not_a_report():
    # a portal's per-year column, 2024年政府信息公开工作年度报告, holds only its sub-columns' links
    page = ("<html><head><title>2024年政府信息公开工作年度报告_金沙县人民政府</title></head><body>"
            "<div class='head'><a href='/'>金沙县人民政府</a></div><div class='con'>"
            "<a href='./xzf/'>县政府</a> <a href='./qzbm/'>县直部门</a> <a href='./xz/'>乡镇（街道）</a></div>"
            "<div class='foot'>金沙县人民政府办公室主办</div></body></html>")
    record = extract(page.encode("utf-8"), filename="index.htm")
    assert not record["is_report"] and record["year"] is None
    # a report whose body is all prose (its tables are elsewhere) still is one
    prose = "2024年政府信息公开工作年度报告\n一、总体情况\n本年度我局主动公开政府信息57条。"
    assert extract(prose.encode("utf-8"))["is_report"]


def test_blank_cells_printed_as_dashes_among_single_spaced_figures_keep_their_places():
    # before, only the figures after the last dash were cells: 1 and 1,239 filled the first columns
    cells = extract(_requests_table(["（一）予以公开 1,234 4 — — — 1 1,239"]))["cells"]
    assert [cells[f"requests.granted.{c}"] for c in ("natural", "commercial", "research", "nonprofit", "legal",
                                                      "other_org", "total")] == [1234, 4, None, None, None, 1, 1239]


def test_full_width_thousands_commas_and_decimal_points_inside_figures():
    text = ("二、主动公开政府信息情况\n信息内容 本年收费金额（单位：万元）\n行政事业性收费 ２．５\n"
            "三、收到和处理政府信息公开申请情况\n（一）予以公开 １，２３４ ４ ０ ０ ０ １ １，２３９\n")
    cells = extract(text.encode("utf-8"))["cells"]
    assert cells["active.fees.amount"] == 2.5
    assert (cells["requests.granted.natural"], cells["requests.granted.total"]) == (1234, 1239)
    # a full-width comma in prose between figures is punctuation, not a thousands separator
    from extractors.tables import _spaced_cells
    assert _spaced_cells("共收到５件，办结３件") == ["共收到５件，办结３件"]


def test_figures_of_a_short_row_whose_blanks_lost_their_places_are_left_out():
    # 3 figures for 7 columns with nothing to say where the 4 blanks were: no column is
    # certain, so the row is left out (not null, not guessed) and the notes say why
    record = extract(_requests_table(["（一）予以公开 5 1 6", "（七）总计 5 1 0 0 0 0 6"]))
    assert not any(k.startswith("requests.granted.") for k in record["cells"])
    assert any(n.startswith("requests.granted: 3 figure(s) for 7 columns") for n in record["notes"])
    assert record["cells"]["requests.total_handled.total"] == 6


def test_a_row_whose_label_broke_across_a_page_is_joined_to_its_tail():
    # Word/LibreOffice let a ruled row break across a page: the label's tail opens the
    # next page as a row with no figures
    from extractors.document import Document
    from extractors.tables import read_tables

    blank = [None] * 7
    rows = [["三、收到和处理政府信息公开申请情况"],
            ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益", "28", "2", "2", "0", "1", "0", "33"],
            ["三、本年度办理结果", "（三）不予公开", "5.属于", "0", "1", "0", "2", "0", "1", "4"],
            [None, None, "三类内部事务信息"] + blank,
            [None, "（六）其他处理", "2.申请人逾期", "0", "0", "2", "0", "1", "1", "4"],
            [None, None, "未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"] + blank,
            [None, "（六）其他处理", "3.其他", "1", "0", "0", "0", "0", "0", "1"],
            [None, None, "4.无正当理由大量反复申请"] + blank, []]   # a next row of its own, all blank: no tail
    cells = read_tables(Document(rows=rows, text="", kind="pdf", cell_rows=True)).cells
    assert cells["requests.denied.third_party.total"] == 33
    assert [cells[f"requests.denied.internal_affairs.{c}"] for c in ("natural", "commercial", "total")] == [0, 1, 4]
    assert cells["requests.other.no_fee.total"] == 4 and cells["requests.other.other.total"] == 1
    assert not any(k.startswith("requests.other.natural") for k in cells)  # not the 2019 format's 其他处理 row


def test_rows_printed_figures_first_and_label_last():
    # text copied out of some PDF viewers puts a row's figures before its label
    cells = extract(_requests_table(["1366 28 23 13 18 26 1474 一、本年新收政府信息公开申请数量",
                                     "74 3 0 2 1 0 80 二、上年结转政府信息公开申请数量"]))["cells"]
    assert (cells["requests.new_requests.natural"], cells["requests.new_requests.total"]) == (1366, 1474)
    assert cells["requests.carried_over.total"] == 80
    numbered = extract(_requests_table(["10 1 0 1 0 1 13 （三）不予公开 1.属于国家秘密"]))["cells"]
    assert numbered["requests.denied.state_secret.total"] == 13
    # one figure before a label that names a row: 1520 行政许可
    active = extract("二、主动公开政府信息情况\n1520 行政许可\n2.5 行政事业性收费\n".encode("utf-8"))["cells"]
    assert (active["active.licensing.decisions"], active["active.fees.amount"]) == (1520, 2.5)
    # a year before a title, or figures inside prose, are no such row
    from extractors.tables import _spaced_cells
    assert _spaced_cells("2024 年政府信息公开工作年度报告") == ["2024 年政府信息公开工作年度报告"]
    assert _spaced_cells("3 5 7 件申请，办结9件") == ["3 5 7 件申请，办结9件"]


def test_a_sentence_that_names_a_row_is_no_row():
    # "现将…予以公开，详见附件。" then "浏览次数：37": before, seven blank 予以公开 cells
    text = ("某某县卫生健康局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "现将某某县卫生健康局2021年政府信息公开工作年度报告予以公开，详见附件。\n浏览次数：37\n")
    assert not any(k.startswith("requests.granted") for k in extract(text.encode("utf-8"))["cells"])


def test_figures_bracketed_or_with_a_footnote_marker():
    cells = extract(_requests_table(["（一）予以公开\t1234*\t（0）\t（0）\t0\t0\t1※\t1235"]))["cells"]
    assert [cells[f"requests.granted.{c}"] for c in ("natural", "commercial", "research", "other_org", "total")] == \
        [1234, 0, 0, 1, 1235]


def test_a_table_drawn_with_box_drawing_characters():
    text = "\n".join(["三、收到和处理政府信息公开申请情况",
                      "┌────────────┬───┬───┬───┬───┬───┬───┬───┐",
                      "│（一）予以公开│1234│4│0│0│0│1│1239│",
                      "├────────────┼───┼───┼───┼───┼───┼───┼───┤",
                      "│（七）总计│1234│4│0│0│0│1│1239│",
                      "└────────────┴───┴───┴───┴───┴───┴───┴───┘"])
    cells = extract(text.encode("utf-8"))["cells"]
    assert (cells["requests.granted.natural"], cells["requests.total_handled.total"]) == (1234, 1239)


HEAD3 = "某县民政局2024年政府信息公开工作年度报告\n\n一、总体情况\n\n略。\n\n"
S4_ZEROS = "\n四、政府信息公开行政复议、行政诉讼情况\n\n" + "\t".join(["0"] * 15) + "\n"
S5_END = "\n五、存在的主要问题及改进情况\n\n无。\n"


def test_a_second_report_or_a_jiedu_after_the_end_does_not_fill_rows_this_report_left_out():
    first = (HEAD3 + "二、主动公开政府信息情况\n\n行政许可\t3\n\n三、收到和处理政府信息公开申请情况\n\n"
             "一、本年新收政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2\n" + S4_ZEROS + S5_END)
    jiedu = ("\n关于《某县民政局2024年政府信息公开工作年度报告》的解读\n二、主动公开政府信息情况\n行政处罚\t40\n"
             "三、收到和处理政府信息公开申请情况\n二、上年结转政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5\n")
    record = extract((first + jiedu).encode("utf-8"))
    assert "active.penalty.decisions" not in record["cells"] and "requests.carried_over.total" not in record["cells"]
    assert record["cells"]["active.licensing.decisions"] == 3
    assert any("after the report's end" in note for note in record["notes"])


def test_a_printed_request_row_whose_cells_are_all_blank_is_null_not_missing():
    record = extract(_requests_table(["（一）予以公开\t2\t0\t0\t0\t0\t0\t2",
                                      "\t（三）不予公开\t2. 其他法律行政法规禁止公开\t—\t—\t—\t—\t—\t—\t—"]))
    assert record["cells"]["requests.denied.prohibited.natural"] is None
    assert record["cells"]["requests.denied.prohibited.total"] is None


def test_run_together_rows_settled_one_after_another_by_the_column_checks():
    # cells run together: 本年新收 and 总计 print the same ambiguous run (12 2 0 1 3 0 18 or
    # 1 2 20 1 3 0 18 …); 总计 is settled by its column checks first, and then, on a second
    # pass, 本年新收 (before: one pass, and 本年新收 stayed blank with a stale note)
    figures = {"一、本年新收政府信息公开申请数量": "122013018", "二、上年结转政府信息公开申请数量": "1000102",
               "三、本年度办理结果(一)予以公开": "4100106", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)": "2000002",
               "4.保护第三方合法权益": "1000001", "(四)无法提供1.本机关不掌握相关政府信息": "3101106",
               "2.重复申请": "1000001", "(六)其他处理": "1000102", "(七)总计": "122013018", "四、结转下年度继续办理": "1000102"}
    rows = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果(一)予以公开",
            "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "(三)不予公开1.属于国家秘密", "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
            "8.属于行政查询事项", "(四)无法提供1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
            "(五)不予处理1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息", "(六)其他处理", "(七)总计", "四、结转下年度继续办理"]
    text = ("某市民政局2024年政府信息公开工作年度报告\n\n    三、收到和处理政府信息公开申请情况\n\n"
            "    自然人法人或其他组织总计\n    商业企业科研机构社会公益组织法律服务机构其他\n"
            + "".join(f"    {label}{figures.get(label, '0000000')}\n" for label in rows)
            + "\n    五、存在的主要问题及改进情况\n    无。\n")
    record = extract(text.encode("utf-8"))
    cells = record["cells"]
    assert (cells["requests.total_handled.natural"], cells["requests.new_requests.natural"],
            cells["requests.new_requests.total"]) == (12, 12, 18)
    assert not any("requests.new_requests: digits" in n for n in record["notes"])


def test_a_label_line_then_its_figures_line_in_a_tabbed_document():
    # (tabs in five or more lines of section 二 make it a tab-separated document: a line is a row)
    text = (HEAD3 + "二、主动公开政府信息情况\n\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n"
            "行政规范性文件\t1\t0\t3\n信息内容\t本年处理决定数量\n行政许可\t3\n行政处罚\t0\n\n"
            "三、收到和处理政府信息公开申请情况\n\n一、本年新收政府信息公开申请数量\n2 0 0 0 0 0 2\n"
            "（七）总计\n2 0 0 0 0 0 2\n" + S4_ZEROS + S5_END)
    cells = extract(text.encode("utf-8"))["cells"]
    assert (cells["requests.new_requests.natural"], cells["requests.total_handled.total"]) == (2, 2)


def test_the_organ_of_a_jiedu_title_is_the_reports_organ_unquoted():
    text = "关于《惠济区民政局2024年政府信息公开工作年度报告》的解读\n\n近日，惠济区民政局发布了年度报告。\n"
    assert extract(text.encode("utf-8"))["organ"] in (None, "惠济区民政局")


def test_an_extra_subtotal_column_that_can_be_dropped_more_than_one_way_is_never_guessed():
    # 法人或其他组织 with a 合计 column of its own: 8 figures for 7 columns, and both "drop the
    # 合计" and "shift by one" add up; before, the shifted reading put the subtotal under 总计
    rows = ["\t\t自然人\t法人或其他组织\t\t\t\t\t\t总计", "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t合计\t",
            "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t1\t0\t1\t2",
            "（七）总计\t\t1\t0\t0\t0\t1\t0\t1\t2"]
    record = extract(_requests_table(rows))
    new = [record["cells"].get(f"requests.new_requests.{c}") for c in ("natural", "legal", "total")]
    assert new in ([1, 1, 2], [None, None, None])  # right, or blank with a note: never a shifted row
    assert new == [1, 1, 2] or any("ways to drop the extra ones add up" in n for n in record["notes"])


@pytest.mark.parametrize("section", [
    "行政复议\t1\t0\t0\t0\t1\n行政诉讼\t0\t0\t0\t1\t1\t1\t0\t0\t0\t1\n",                       # two rows: 5, then 10
    "\t".join(f"{w} {v}" for w, v in zip(["维持", "纠正", "其他", "尚未审结", "总计"] * 3,
                                          [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1])) + "\n",  # a word in each cell
    "（一）行政复议\n结果维持：1\n结果纠正：0\n其他结果：0\n尚未审结：0\n总计：1\n"                 # a list under headings
    "（二）行政诉讼（未经复议直接起诉）\n结果维持：0\n结果纠正：0\n其他结果：0\n尚未审结：1\n总计：1\n"
    "（三）行政诉讼（复议后起诉）\n结果维持：1\n结果纠正：0\n其他结果：0\n尚未审结：0\n总计：1\n",
])
def test_section_four_printed_other_ways(section):
    text = (HEAD3 + "三、收到和处理政府信息公开申请情况\n\n（七）总计\t1\t0\t0\t0\t0\t0\t1\n"
            "\n四、政府信息公开行政复议、行政诉讼情况\n\n" + section + S5_END)
    cells = extract(text.encode("utf-8"))["cells"]
    assert (cells["review.review.upheld"], cells["review.review.total"]) == (1, 1)
    assert (cells["review.suit_direct.pending"], cells["review.suit_direct.total"]) == (1, 1)
    assert (cells["review.suit_after_review.upheld"], cells["review.suit_after_review.total"]) == (1, 1)


def test_a_label_wrapped_over_three_lines_with_its_figures_on_the_middle_one():
    text = (HEAD3 + "三、收到和处理政府信息公开申请情况\n\n"
            "三、本年度办理结果\t(一) 予以公开\t1\t0\t0\t0\t0\t0\t1\n"
            "\t(四) 无法提供\t1. 本机关不\t\t\t\t\t\t\t\n\t\t掌握相关政府\t1\t0\t0\t0\t0\t0\t1\n\t\t信息\t\t\t\t\t\t\t\n"
            "(七) 总计\t\t2\t0\t0\t0\t0\t0\t2\n" + S4_ZEROS + S5_END)
    cells = extract(text.encode("utf-8"))["cells"]
    assert (cells["requests.unavailable.not_held.natural"], cells["requests.unavailable.not_held.total"]) == (1, 1)


def test_an_extra_column_is_dropped_where_the_tables_other_rows_show_it():
    # the 法人 subtotal column (合计) is the 7th figure of every row: rows that fit one way only
    # show it, and the rows that fit several ways are read the same way
    rows = ["\t\t自然人\t法人或其他组织\t\t\t\t\t\t总计", "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t合计\t",
            "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t1\t0\t1\t2",      # fits "drop the 合计" and a shift
            "三、本年度办理结果\t（一）予以公开\t4\t1\t0\t0\t2\t0\t3\t7",      # these fit "drop the 合计" only
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t3\t0\t1\t0\t0\t1\t2\t5",
            "（七）总计\t\t8\t1\t1\t0\t3\t1\t6\t14"]
    record = extract(_requests_table(rows))
    cells = record["cells"]
    assert [cells[f"requests.new_requests.{c}"] for c in ("natural", "legal", "total")] == [1, 1, 2]
    assert cells["requests.granted.total"] == 7 and cells["requests.total_handled.total"] == 14
    assert "requests.new_requests.total" in record["inferred"]


def test_a_2021_group_label_printed_with_blanks_is_no_2019_row():
    # （六）其他处理 is a row of the 2019 table but only a group label in 2021's
    text = (HEAD3 + "二、主动公开政府信息情况\n\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n\n"
            "三、收到和处理政府信息公开申请情况\n\n三、本年度办理结果\t（一）予以公开\t2\t0\t0\t0\t0\t0\t2\n"
            "\t（六）其他处理\t\t\t\t\t\t\t\t\n"
            "\t\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n"
            "（七）总计\t\t2\t0\t0\t0\t0\t0\t2\n" + S4_ZEROS + S5_END)
    record = extract(text.encode("utf-8"))
    assert record["template"] == "2021"
    assert not any(k.startswith("requests.other.") and k.count(".") == 2 for k in record["cells"])
    assert record["cells"]["requests.other.no_correction.total"] == 0
