"""A figure goes into a column only where its place is certain (issue: real reports read
exactly). Each test is a small text written for one rule of how real pages reach us as
text: one cell per line with the rendering's pipes, blank lines between cells, rows that
lost their blanks, copies cut off mid-row, pinyin glosses, characters a copy lost."""
from extractors import extract

TITLE = "某某县民政局2023年政府信息公开工作年度报告\n"
ACTIVE_2021 = ["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
REQUEST_HEADER = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计",
                  "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
COLUMNS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")


def _lines(lines: list[str], end: str = "五、存在的主要问题及改进情况\n") -> bytes:
    return (TITLE + "\n".join(lines) + "\n" + end).encode("utf-8")


def _row(record, prefix, columns=("issued", "repealed", "in_force")):
    return [record["cells"].get(f"{prefix}.{c}", "absent") for c in columns]


def test_one_cell_per_line_with_a_pipe_line_between_cells_reads_each_row_whole():
    # every cell and every separating pipe on a line of its own: the pipes are no row ends
    lines = []
    for cell in ACTIVE_2021[1:]:
        lines += [cell, "|"]
    lines = ACTIVE_2021[:1] + lines + ["规章", "|", "0", "|", "0", "|", "3", "|", "行政规范性文件", "|", "2", "|", "1", "|", "7", "|"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == [0, 0, 3]
    assert _row(record, "active.normative") == [2, 1, 7]
    assert "active.rules.in_force" not in record["inferred"]


def test_cells_ended_by_pipes_and_merged_filler_lines_are_one_cell_per_line():
    # "value |" on each line, "||||" where merged cells were, a lone "|" opening a row
    lines = ACTIVE_2021[:2] + ["||||"] + [c + " |" for c in ACTIVE_2021[2:]] + \
        ["|", "规章 |", "0 |", "0 |", "4 |", "|", "行政规范性文件 |", "1 |", "0 |", "9 | ||"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == [0, 0, 4]
    assert _row(record, "active.normative") == [1, 0, 9]


def test_a_blank_line_between_every_cell_does_not_end_rows():
    cells = ACTIVE_2021 + ["规章", "0", "0", "0", "行政规范性文件", "0", "0", "1", "第二十条第(五)项", "信息内容",
                           "本年处理决定数量", "行政许可", "247"]
    record = extract(_lines(["\n".join([c, ""]) for c in cells]))
    assert _row(record, "active.normative") == [0, 0, 1]   # not a lone 0 spread over the row
    assert record["cells"]["active.licensing.decisions"] == 247


def test_a_row_that_lost_its_blanks_places_is_left_out_with_a_reason():
    # one cell per line, empty cells dropped by the rendering: two figures for seven columns
    lines = REQUEST_HEADER + ["一、本年新收政府信息公开申请数量", "3", "3", "二、上年结转政府信息公开申请数量",
                              "0", "0", "0", "0", "0", "0", "0"]
    record = extract(_lines(lines))
    assert not any(k.startswith("requests.new_requests.") for k in record["cells"])
    assert any(n.startswith("requests.new_requests: 2 figure(s) for 7 columns") for n in record["notes"])
    assert _row(record, "requests.carried_over", COLUMNS) == [0] * 7


def test_a_lone_zero_in_one_cell_per_line_is_not_spread_over_its_row():
    lines = ACTIVE_2021 + ["规章", "0", "行政规范性文件", "第二十条第(五)项"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == ["absent"] * 3


def test_a_lone_zero_first_in_a_row_of_cells_is_the_merged_row():
    lines = ACTIVE_2021[:1] + [" | ".join(ACTIVE_2021[1:3]) + " | " + " | ".join(ACTIVE_2021[3:]) + " |",
                               "规章 | 0 | | |", "行政规范性文件 | 1 | 0 | 1 |", "第二十条第(五)项 | |",
                               "信息内容 | 本年处理决定数量 |", "行政许可 | 5 |", "第二十条第(六)项 | |"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == [0, 0, 0]
    assert set(_row_keys("active.rules")) <= set(record["inferred"])


def test_blanks_followed_by_a_printed_total_are_blank_not_a_merged_zero():
    lines = REQUEST_HEADER + ["一、本年新收政府信息公开申请数量 | | | | | | | 0 |",
                              "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
                              "（七）总计 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]
    record = extract(_lines(lines))
    assert _row(record, "requests.new_requests", COLUMNS) == [None] * 6 + [0]


def test_a_row_printed_blank_cell_by_cell_is_null():
    lines = ACTIVE_2021[:1] + [" | ".join(ACTIVE_2021[1:]) + " |", "规章 | |||", "行政规范性文件 | 2 | 0 | 5 |",
                               "第二十条第(五)项 | |", "信息内容 | 本年处理决定数量 |", "行政许可 | 5 |"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == [None, None, None]


def test_a_copy_cut_off_mid_row_keeps_the_cells_it_printed_and_no_more():
    header = [" | ".join(REQUEST_HEADER[:2]) + " |", " | ".join(REQUEST_HEADER[2:5]) + " |", " | ".join(REQUEST_HEADER[5:]) + " |"]
    lines = header + ["一、本年新收政府信息公开申请数量 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |",
                      "二、上年结转政府信息公开申请数量 | 0 | 0 | 1 | 0 | 0 | 0 | 1 |",
                      "三、本年度办理结果 | (一)予以公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
                      "(二)部分公开 | 0 | 1 | 0 | 2"]
    record = extract(_lines(lines, end=""))
    assert _row(record, "requests.partial", COLUMNS) == [0, 1, 0] + ["absent"] * 4   # the cut 2 may be 2x
    assert _row(record, "requests.granted", COLUMNS) == [2, 0, 0, 0, 0, 0, 2]


def test_a_cut_off_row_ending_in_a_complete_zero_keeps_it():
    lines = REQUEST_HEADER + ["一、本年新收政府信息公开申请数量 |", "0 |", "5 |", "0"]
    record = extract(_lines(lines, end=""))
    assert _row(record, "requests.new_requests", COLUMNS) == [0, 5, 0] + ["absent"] * 4


def test_a_cut_off_row_is_not_read_when_other_rows_lost_their_blanks():
    lines = REQUEST_HEADER + ["一、本年新收政府信息公开申请数量", "3", "3", "二、上年结转政府信息公开申请数量", "0", "0"]
    record = extract(_lines(lines, end=""))
    assert not any(k.startswith("requests.") for k in record["cells"])


def test_pinyin_glosses_inside_labels_are_read_through():
    lines = ["二、主動(dòng)公開政府信息情況", "第二十條第(一)項(xiàng) |", "信息內容 |", "本年制發(fā)件數(shù) |",
             "本年廢止件數(shù) |", "現(xiàn)行有效件數(shù) |", "規(guī)章 |", "0 |", "0 |", "2 |", "行政規(guī)范性文件 |",
             "3 |", "0 |", "6 |", "第二十條第(五)項(xiàng) |", "信息內容 |", "本年處理決定數(shù)量 |", "行政許可 |", "8 |"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == [0, 0, 2]
    assert _row(record, "active.normative") == [3, 0, 6]
    assert record["cells"]["active.licensing.decisions"] == 8


def test_a_character_lost_before_a_figure_keeps_a_zero_and_leaves_out_anything_else():
    lines = ACTIVE_2021 + ["规章 |", "0 |", "? 0 |", "0 |", "行政规范性文件 |", "? 4 |", "0 |", "4 |",
                           "第二十条第(五)项 |", "信息内容 |", "本年处理决定数量 |", "行政许可 |", "6 |"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == [0, 0, 0]
    assert _row(record, "active.normative") == ["absent"] * 3   # "? 4" may have been -4 or 14
    assert any(n.startswith("active.normative") for n in record["notes"]) or "active.normative.issued" in record.get("left_out", {})


def _row_keys(prefix, columns=("issued", "repealed", "in_force")):
    return [f"{prefix}.{c}" for c in columns]


def test_row_labels_that_lost_a_character_are_still_their_rows():
    # a mirror site that drops characters: 政许可, 政处罚 for 行政许可, 行政处罚
    lines = ["二、主动公开政府信息情况", "第二十条第(五)项", "信息内容", "本年处理决定数量", "政许可", "132",
             "第二十条第(六)项", "信息内容", "本年处理决定数量", "政处罚", "22", "政强制", "2"]
    record = extract(_lines(lines))
    assert [record["cells"].get(f"active.{r}.decisions") for r in ("licensing", "penalty", "coercion")] == [132, 22, 2]


def test_a_row_whose_label_was_lost_is_read_by_its_place_and_marked_inferred():
    lines = ACTIVE_2021 + ["0", "2", "5", "行政规范性文件", "0", "1", "0"]
    record = extract(_lines(lines))
    assert _row(record, "active.rules") == [0, 2, 5]
    assert set(_row_keys("active.rules")) <= set(record["inferred"])
    assert any("active.rules: its label is missing" in n for n in record["notes"])


def test_figures_under_the_header_with_no_next_row_are_not_given_a_row():
    lines = ACTIVE_2021 + ["0", "2", "5", "第二十条第(五)项"]
    record = extract(_lines(lines))
    assert not any(k.startswith("active.rules.") for k in record["cells"])


def test_a_signed_change_printed_in_words_is_a_signed_figure():
    lines = ["二、主动公开政府信息情况", "第二十条第(五)项 | | | |", "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
             "行政许可 | 40 | 减4 | 36 |", "其他对外管理服务事项 | 3 | 增加5 | 8 |", "第二十条第(六)项 | | | |",
             "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |", "行政处罚 | 2 | +3 | 5 |"]
    record = extract(_lines(lines))
    assert [record["cells"][f"active.{r}.change"] for r in ("licensing", "other_admin_services", "penalty")] == [-4, 5, 3]


def test_a_typo_in_a_column_header_still_names_its_column():
    lines = ["二、主动公开政府信息情况", "第二十条第(一)项 | | | |", "信息内容 | 本年发件数 | 现行有效件数 | 本年废止件数 |",
             "规章 | 1 | 4 | 0 |", "行政规范性文件 | 2 | 9 | 1 |"]
    record = extract(_lines(lines))
    assert _row(record, "active.normative") == [2, 1, 9]   # columns by their header, not their place


def test_an_instruction_ending_in_a_full_stop_inside_a_label_is_no_prose():
    header = " | ".join(REQUEST_HEADER[1:]) + " |"
    lines = [REQUEST_HEADER[0], header,
             "一、本年新收政府信息公开申请数量（含线上线下申请。） | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
             "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]
    record = extract(_lines(lines))
    assert _row(record, "requests.new_requests", COLUMNS) == [1, 0, 0, 0, 0, 0, 1]


def _request_rows(rows):
    return _lines([REQUEST_HEADER[0], " | ".join(REQUEST_HEADER[1:]) + " |"] + rows)


def test_a_figure_broken_by_a_stray_space_is_joined_when_the_row_adds_up_only_so():
    record = extract(_request_rows(["一、本年新收政府信息公开申请数量 | 1 6 | 1 | 0 | 0 | 0 | 0 | 17 |",
                                    "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]))
    assert _row(record, "requests.new_requests", COLUMNS) == [16, 1, 0, 0, 0, 0, 17]
    assert "requests.new_requests.natural" in record["inferred"]


def test_two_cells_run_into_one_are_split_when_the_row_adds_up_only_so():
    record = extract(_request_rows(["一、本年新收政府信息公开申请数量 | 1 6 | 0 | 0 | 0 | 0 | 7 |",
                                    "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]))
    assert _row(record, "requests.new_requests", COLUMNS) == [1, 6, 0, 0, 0, 0, 7]


def test_a_broken_figure_the_arithmetic_cannot_settle_is_left_out():
    # "2 0" with no arithmetic to keep (section 二): 20, or 2 and 0?
    lines = ACTIVE_2021[:1] + [" | ".join(ACTIVE_2021[1:]) + " |", "规章 | 0 | 0 | 0 |", "行政规范性文件 | 2 0 | 1 |",
                               "第二十条第(五)项 | |", "信息内容 | 本年处理决定数量 |", "行政许可 | 5 |"]
    record = extract(_lines(lines))
    assert not any(k.startswith("active.normative.") for k in record["cells"])


def test_a_cut_off_row_whose_last_cell_was_ended_keeps_its_last_figure():
    header = [" | ".join(REQUEST_HEADER[:2]) + " |", " | ".join(REQUEST_HEADER[2:5]) + " |", " | ".join(REQUEST_HEADER[5:]) + " |"]
    lines = header + ["一、本年新收政府信息公开申请数量 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |",
                      "二、上年结转政府信息公开申请数量 | 3 | 0 | 2 | "]
    record = extract(_lines(lines, end=""))
    assert _row(record, "requests.carried_over", COLUMNS) == [3, 0, 2] + ["absent"] * 4


def test_a_cut_off_one_cell_per_line_row_ended_by_a_pipe_line_keeps_its_last_figure():
    lines = REQUEST_HEADER + ["一、本年新收政府信息公开申请数量", "|", "0", "|", "3", "|"]
    record = extract(_lines(lines, end=""))
    assert _row(record, "requests.new_requests", COLUMNS) == [0, 3] + ["absent"] * 5


def test_a_lone_zero_elsewhere_does_not_keep_a_cut_off_row_from_being_read():
    # a merged 0 (left out in one cell per line) is no sign that the layout dropped blanks
    lines = ACTIVE_2021 + ["规章", "0", "行政规范性文件", "1", "0", "4"] + REQUEST_HEADER + \
        ["一、本年新收政府信息公开申请数量", "2", "0"]
    record = extract(_lines(lines, end=""))
    assert _row(record, "active.normative") == [1, 0, 4]
    assert _row(record, "requests.new_requests", COLUMNS)[:2] == [2, 0]


def test_a_later_page_that_starts_inside_section_three_reads_its_rows():
    # page 2 of a split article: 三's rows, its heading on page 1, then 四、…
    lines = ["(四)无法提供 | 1.本机关不掌握相关政府信息 | 9 | 2 | 0 | 0 | 1 | 1 | 13 |",
             "2.没有现成信息需要另行制作 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
             "(七)总计 | 40 | 5 | 0 | 0 | 1 | 1 | 47 |",
             "四、政府信息公开行政复议、行政诉讼情况"]
    record = extract(_lines(lines))
    assert _row(record, "requests.unavailable.not_held", COLUMNS) == [9, 2, 0, 0, 1, 1, 13]
    assert _row(record, "requests.total_handled", COLUMNS) == [40, 5, 0, 0, 1, 1, 47]


def test_a_label_with_one_character_mistyped_is_still_its_row():
    header = " | ".join(REQUEST_HEADER[1:]) + " |"
    lines = ACTIVE_2021[:1] + [" | ".join(ACTIVE_2021[1:]) + " |", "规章 | 0 | 0 | 0 |", "行政规范姓文件 | 2 | 0 | 5 |",
                               REQUEST_HEADER[0], header, "三、本年度办理结果 | (一)予已公开 | 3 | 0 | 0 | 0 | 1 | 0 | 4 |",
                               "(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]
    record = extract(_lines(lines))
    assert _row(record, "active.normative") == [2, 0, 5]
    assert _row(record, "requests.granted", COLUMNS) == [3, 0, 0, 0, 1, 0, 4]
    assert _row(record, "requests.denied.state_secret", COLUMNS) == [0] * 7


PIPE_HEADER = [" | ".join(REQUEST_HEADER[:2]) + " |", " | ".join(REQUEST_HEADER[2:5]) + " |", " | ".join(REQUEST_HEADER[5:]) + " |"]


def test_in_a_pipe_table_blanks_then_a_total_before_the_rows_end_are_nulls_and_the_total():
    lines = [REQUEST_HEADER[0]] + PIPE_HEADER + [
        "一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
        "二、上年结转政府信息公开申请数量 | | | | | | | 0 |",
        "三、本年度办理结果 | (一)予以公开 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |",
        "(三)不予公开 | 1.属于国家秘密 | | | | | | | 0 |"]
    record = extract(_lines(lines))
    assert _row(record, "requests.carried_over", COLUMNS) == [None] * 6 + [0]
    assert _row(record, "requests.denied.state_secret", COLUMNS) == [None] * 6 + [0]


def test_a_cut_off_row_of_cells_that_starts_with_blanks_is_left_out():
    lines = [REQUEST_HEADER[0]] + PIPE_HEADER + [
        "一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
        "二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "三、本年度办理结果 | (一)予以公开 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |",
        "(二)部分公开 | | | 5"]
    record = extract(_lines(lines, end=""))
    assert not any(k.startswith("requests.partial.") for k in record["cells"])


REVIEW_HEADER = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 | 行政诉讼 |",
                 "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |",
                 "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |"]
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def test_section_four_s_row_of_fifteen_wrapped_over_two_pipe_lines_is_read_whole():
    lines = [REQUEST_HEADER[0]] + PIPE_HEADER + ["一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |"] + \
        REVIEW_HEADER + ["6 | 2 | 1 | 1 | 10 | 2 | 1 | 0 |", "3 | 6 | 1 | 0 | 0 | 0 | 1 |"]
    record = extract(_lines(lines))
    assert _row(record, "review.review", REVIEW_COLUMNS) == [6, 2, 1, 1, 10]
    assert _row(record, "review.suit_direct", REVIEW_COLUMNS) == [2, 1, 0, 3, 6]
    assert _row(record, "review.suit_after_review", REVIEW_COLUMNS) == [1, 0, 0, 0, 1]


def test_section_four_rows_labelled_on_one_line_with_their_figures_on_the_next():
    lines = [REQUEST_HEADER[0]] + PIPE_HEADER + ["一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
                                                 "四、政府信息公开行政复议、行政诉讼情况",
                                                 "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "行政复议 |", "12 | 3 | 1 | 2 | 18 |",
                                                 "行政诉讼(未经复议直接起诉) |", "5 | 1 | 0 | 4 | 10 |",
                                                 "行政诉讼(复议后起诉) |", "2 | 0 | 0 | 1 | 3 |"]
    record = extract(_lines(lines))
    assert _row(record, "review.review", REVIEW_COLUMNS) == [12, 3, 1, 2, 18]
    assert _row(record, "review.suit_direct", REVIEW_COLUMNS) == [5, 1, 0, 4, 10]
    assert _row(record, "review.suit_after_review", REVIEW_COLUMNS) == [2, 0, 0, 1, 3]


def test_a_figure_broken_by_a_space_in_one_cell_per_line_is_settled_by_the_count():
    lines = ["二、主动公开政府信息情况", "第二十条第(五)项 |", "信息内容 |", "上一年项目数量 |", "本年增/减 |", "处理决定数量 |",
             "行政许可 |", "14 |", "+2 |", "2 815 |", "第二十条第(六)项 |", "信息内容 |", "上一年项目数量 |", "本年增/减 |",
             "处理决定数量 |", "行政处罚 |", "6 |", "-1 |", "1 307 |"]
    record = extract(_lines(lines))
    assert [record["cells"].get(f"active.licensing.{c}") for c in ("prev_items", "change", "decisions")] == [14, 2, 2815]
    assert "active.licensing.decisions" in record["inferred"]


def test_the_format_is_told_by_section_three_where_section_two_is_not_there():
    header = [REQUEST_HEADER[0]] + PIPE_HEADER
    new = "一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |"
    record_2021 = extract(_lines(header + [new, "(六)其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]))
    record_2019 = extract(_lines(header + [new, "(六)其他处理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"]))
    assert (record_2021["template"], record_2019["template"]) == ("2021", "2019")
