"""What is a report, in one place (extractors/reportwords.py): titles, lookalikes, bodies,
pinyin glosses; and the crawler and the extractor judging titles alike."""
from __future__ import annotations

import pytest

from crawler import discovery
from extractors import extract, reportwords

REPORTS = [
    "某某县民政局2024年政府信息公开工作年度报告",
    "2022年某某县卫生健康委员会信息公开年报",            # year first, 信息公开年报
    "政府信息公开年报（2022年）",                          # the year last, in brackets
    "某某县民政局关于2021年度政府信息公开工作的报告",
    "二〇二三年度某某县民政局政府信息公开工作年度报告",
    "某某县民政局2023年度政务信息公开工作报告",
    "某某县民政局2023年政府信息公开工作情况报告",
    "某某市人力资源和社会保障局2020年度政府信息公开工作总结报告",
    "某某县审计局2023年政府信息公开工作年度报告",        # 审计 in the organ's name
    "某某县卫生和计划生育局2017年政府信息公开工作年度报告",
    "某某出入境边防检查站2023年政府信息公开工作年度报告",
    "某某县财务核算中心2023年政府信息公开工作年度报告",
    "某某縣民政局2024年政府信息公開工作年度報告",        # traditional characters
    "某某县民政局2023年政府信息公开工作年度报告的公示",  # the report, posted for the public
]
LOOKALIKES = [
    "某某县2023年政府信息公开工作年度报告考核结果",
    "《某某县民政局2023年政府信息公开工作年度报告》解读",
    "图解：某某县民政局2023年政府信息公开工作年度报告",
    "某某县民政局2024年政务公开工作要点",
    "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知",
    "2022年上半年政府信息公开数据统计",
    "某某县民政局2023年政务公开重点任务清单",
    "关于报送2023年政府信息公开工作年度报告的函",
    "关于2023年度政府信息公开工作年度报告情况的通报",
    "2023年政府信息公开工作年度报告社会评议结果",
    "2023年政府信息公开工作年度报告社会评议结果公示",
    "某某县民政局2023年政府信息公开工作方案",
    "某某县民政局2023年政务公开工作总结",
    "某某县2023年第三季度政府信息公开情况报告",
    "某某县民政局2023年政府信息公开工作年度报告考核办法",   # 考核办 is no organ here
    "某某县民政局2023年政府信息公开工作年度报告编制规定",
    "某某县2023年度政府信息公开工作年度报告第三方评估报告",
    "某某县民政局2023年政府信息公开整改情况报告",
]


@pytest.mark.parametrize("title", REPORTS)
def test_report_titles(title):
    assert reportwords.is_report_title(title)


@pytest.mark.parametrize("title", LOOKALIKES)
def test_lookalike_titles(title):
    assert reportwords.is_lookalike(title) and not reportwords.is_report_title(title)


@pytest.mark.parametrize("title", REPORTS + LOOKALIKES)
def test_the_crawler_takes_the_titles_the_extractor_calls_reports(title):
    """One vocabulary: a link the crawler opens is a report to the extractor, and a page the
    extractor calls a lookalike is a link the crawler leaves (titles with a year: a title
    without one names a column to the crawler)."""
    assert discovery.is_report_title(title) is reportwords.is_report_title(title)
    body = "\n".join([title, "一、总体情况", "本年度主动公开政府信息156条。", "二、主动公开政府信息情况"])
    assert extract(body.encode("utf-8"))["is_report"] is reportwords.is_report_title(title)


@pytest.mark.parametrize("glossed,plain", [
    ("規(guī)章", "規章"),
    ("本報(bào)告", "本報告"),
    ("統(tǒng)計(jì)期限", "統計期限"),
    ("主動(dòng)公開", "主動公開"),
    ("第二十條第(一)項(xiàng)", "第二十條第(一)項"),       # (一) is text, (xiàng) a gloss
    ("國務(wù)院令第711號", "國務院令第711號"),
])
def test_pinyin_glosses_are_stripped(glossed, plain):
    assert reportwords.strip_pinyin_glosses(glossed) == plain


@pytest.mark.parametrize("text", ["（以下简称《条例》）", "第二十条第(一)项", "2023年(含)", "电话(Tel):0412-5570186",
                                  "中心(ABC)", "共(2)件"])
def test_brackets_that_are_no_gloss_stay(text):
    assert reportwords.strip_pinyin_glosses(text) == text


@pytest.mark.parametrize("text,evidence", [
    ("一、总体情况\n正文\n二、主动公开政府信息情况\n", ["overview", "active"]),
    ("（一）总体情况\n（二）政府信息公开情况\n", ["overview"]),                 # the outline before 2019
    ("四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n", ["review", "problems"]),
    ("五、因政府信息公开申请行政复议、提起行政诉讼的情况\n", ["review"]),
    ("本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。", ["period"]),
    ("根据《条例》规定编制本报告。", ["preface"]),
    ("现将2020年度市某某局信息公开工作总结报告如下。", ["preface"]),
    ("本年度报告是根据《条例》的要求，由某某局编制。", ["preface"]),
    ("根据《条例》规定，现公开某某局2025年政府信息公开工作报告。", ["preface"]),
    ("信息内容\n本年制发件数\n", []),                                             # one label is no table
    ("第二十条第（一）项\n信息内容\n本年制发件数\n", ["table labels"]),
    # a paragraph that only mentions a section is no heading
    ("我局高度重视主动公开政府信息情况的梳理。", []),
    ("一、总体情况良好的单位予以表扬", []),
])
def test_what_in_a_body_says_it_is_a_report(text, evidence):
    assert reportwords.body_evidence(text) == evidence


def test_a_glossed_body_is_read_as_simplified():
    text = "一、總體(tǐ)情況(kuàng)\n二、主動(dòng)公開政府信息情況\n本報(bào)告所列數(shù)據(jù)的統(tǒng)計(jì)期限自2021年1月1日起至2021年12月31日止。"
    assert reportwords.body_evidence(text) == ["overview", "active", "period"]


@pytest.mark.parametrize("line,expected", [
    ("当前位置:首页 > 政府信息公开 > 政府信息公开年度报告 > 2025 > 市直部门", True),
    ("您的位置：首页 > 信息公开 > 某某局信息公开年报", True),
    ("首页>政务公开>年度报告", True),
    ("某某市自然资源和规划局2025年政府信息公开工作报告", False),
])
def test_breadcrumbs(line, expected):
    assert reportwords.is_breadcrumb(line) is expected


@pytest.mark.parametrize("text,line", [
    ("正文内容区域\n2022年上半年政府信息公开数据统计\n2022年07月25日 来源: 某某区\n一、总体情况\n", "2022年上半年政府信息公开数据统计"),
    ("附件：\n中华人民共和国政府信息公开工作年度报告格式\n一、总体情况\n", "中华人民共和国政府信息公开工作年度报告格式"),
    # a line after the first section is no heading of the page; nor is a sentence
    ("一、总体情况\n（五）2023年政务公开工作要点落实情况\n", None),
    ("根据《中华人民共和国政府信息公开条例》，编制本报告。\n一、总体情况\n", None),
    # a site's menu above an untitled report
    ("政府信息公开指南 | 政府信息公开制度 | 政府信息公开年报\n政府信息公开指南\n一、总体情况\n", None),
])
def test_the_heading_line_of_a_text_without_a_title(text, line):
    assert reportwords.heading_line(text) == line


def test_a_notice_issuing_a_work_plan_that_lists_the_yearly_report_as_a_task_is_no_report():
    from extractors import extract

    text = "\n".join(["某某区人民政府办公室关于印发《某某区2023年政务公开工作要点》的通知",
                      "各乡镇人民政府、街道办事处：", "某某区2023年政务公开工作要点",
                      "一、深化重点领域信息公开", "二、规范依申请公开工作", "三、提升年度报告质量",
                      "| 序号 | 工作任务 | 责任单位 | 完成时限 |",
                      "| 1 | 编制发布2023年政府信息公开工作年度报告 | 各部门 | 2024年1月31日前 |",
                      "| 2 | 规范办理政府信息公开申请 | 各部门 | 持续推进 |"])
    record = extract(text.encode("utf-8"))
    assert record["is_report"] is False and record["cells"] == {}


def test_a_quarters_request_statistics_laid_out_like_section_three_is_no_report():
    from extractors import extract

    rows = ["2024年第三季度依申请公开办理情况统计表", "发布日期:2024-10-15",
            "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |"]
    rows += [f"{label} | 4 | 1 | 0 | 0 | 0 | 0 | 5 |" for label in
             ("一、本季度新收政府信息公开申请数量", "（一）予以公开", "（二）部分公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开")]
    record = extract("\n".join(rows).encode("utf-8"))
    assert record["is_report"] is False and record["cells"] == {}
