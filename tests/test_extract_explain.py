"""`nianbao extract --explain`: where each figure was read and how, why each cell was left out."""
from click.testing import CliRunner

from extractors import extract
from extractors.commands import extract_command

REPORT = "\n".join([
    "某某县民政局2023年政府信息公开工作年度报告",
    "二、主动公开政府信息情况",
    "第二十条第(一)项 | | | |",
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
    "规章 | 0 | | |",
    "行政规范性文件 | 3 | 1 | 12 |",
    "三、收到和处理政府信息公开申请情况",
    "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
    "一、本年新收政府信息公开申请数量 | 5 | 2 |",
    "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
    "五、存在的主要问题及改进情况",
]).encode("utf-8")


def test_the_explanation_says_where_and_how_each_figure_was_read():
    explanation = extract(REPORT, explain=True)["explanation"]
    figures = {f["key"]: f for f in explanation["figures"]}
    assert figures["active.normative.in_force"]["how"] == "cell"
    assert figures["active.normative.in_force"]["label"] == "行政规范性文件 / 现行有效件数"
    assert figures["active.rules.in_force"]["how"].startswith("merged cell")
    assert figures["active.rules.in_force"]["inferred"]
    left = {c["key"]: c["why"] for c in explanation["left_out"]}
    assert "2 figure(s) for 7 columns" in left["requests.new_requests.total"]


def test_a_record_carries_no_explanation_unless_asked():
    assert "explanation" not in extract(REPORT)


def test_extract_explain_prints_figures_and_cells_left_out(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT)
    result = CliRunner().invoke(extract_command, ["--explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "active.normative.in_force = 12" in result.output
    assert "under 行政规范性文件 / 现行有效件数; read as: cell" in result.output
    assert "active.rules.in_force = 0 [inferred]" in result.output
    assert "left out:" in result.output and "requests.new_requests.{natural, commercial" in result.output
