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
