"""The three statistical tables of a report (sections 二, 三, 四) as merged-cell grids.

Every renderer (HTML, Word-export HTML, PDF, DOCX, PNG) draws the same grid, so the
layout of the official forms -- merged headers, the 三、本年度办理结果 block spanning
twenty rows, 2019's 本年增/减 columns -- is written once, here.

A table is a list of rows; a row lists only the cells that start in it (HTML's model),
each with its rowspan and colspan. `place` turns that into grid positions for the
renderers that need coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass

from localweb.report import OUTCOME_ROWS_2019, OUTCOME_ROWS_2021, Report


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    figure: bool = False  # a number (centred, never wrapped)


Table = list  # list[list[Cell]]

ACTIVE_HEADING = "二、主动公开政府信息情况"
REQUESTS_HEADING = "三、收到和处理政府信息公开申请情况"
REVIEW_HEADING = "四、政府信息公开行政复议、行政诉讼情况"

APPLICANT_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
GROUP_LABELS = {
    "denied": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
OUTCOME_LABELS = {
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied.state_secret": "1.属于国家秘密",
    "denied.prohibited": "2.其他法律行政法规禁止公开",
    "denied.security": "3.危及“三安全一稳定”",
    "denied.third_party": "4.保护第三方合法权益",
    "denied.internal_affairs": "5.属于三类内部事务信息",
    "denied.process_info": "6.属于四类过程性信息",
    "denied.enforcement_file": "7.属于行政执法案卷",
    "denied.inquiry": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.unclear": "3.补正后申请内容仍不明确",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.duplicate": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.excessive": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
}
REQUEST_COLUMNS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")


def figure(value) -> str:
    """A cell value as printed: blank for None, integers plain, amounts with their decimals."""
    if value is None:
        return ""
    return str(value)


def _figures(report: Report, prefix: str, columns, colspan: int = 1) -> list[Cell]:
    return [Cell(figure(report.cells.get(f"{prefix}.{c}")), colspan=colspan, figure=True) for c in columns]


def active_table(report: Report) -> Table:
    """Section 二 in the report's format: one block per 第二十条 item."""
    w = 4
    rows: Table = []

    def block(item, header, entries):
        rows.append([Cell(f"第二十条第（{item}）项", colspan=w)])
        rows.append([Cell("信息内容")] + [Cell(text, colspan=span) for text, span in header])
        for label, key, columns, spans in entries:
            rows.append([Cell(label)] + [Cell(figure(report.cells.get(f"active.{key}.{c}")), colspan=s, figure=True)
                                         for c, s in zip(columns, spans)])

    if report.template == "2021":
        block("一", [("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)],
              [("规章", "rules", ("issued", "repealed", "in_force"), (1, 1, 1)),
               ("行政规范性文件", "normative", ("issued", "repealed", "in_force"), (1, 1, 1))])
        block("五", [("本年处理决定数量", 3)], [("行政许可", "licensing", ("decisions",), (3,))])
        block("六", [("本年处理决定数量", 3)], [("行政处罚", "penalty", ("decisions",), (3,)),
                                            ("行政强制", "coercion", ("decisions",), (3,))])
        block("八", [("本年收费金额（单位：万元）", 3)], [("行政事业性收费", "fees", ("amount",), (3,))])
    else:
        three = ("prev_items", "change", "decisions")
        header = [("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1)]
        block("一", [("本年新制作数量", 1), ("本年新公开数量", 1), ("对外公开总数量", 1)],
              [("规章", "rules", ("made", "published", "total_public"), (1, 1, 1)),
               ("规范性文件", "normative", ("made", "published", "total_public"), (1, 1, 1))])
        block("五", header, [("行政许可", "licensing", three, (1, 1, 1)),
                            ("其他对外管理服务事项", "other_admin_services", three, (1, 1, 1))])
        block("六", header, [("行政处罚", "penalty", three, (1, 1, 1)), ("行政强制", "coercion", three, (1, 1, 1))])
        block("八", [("上一年项目数量", 1), ("本年增/减", 2)],
              [("行政事业性收费", "fees", ("prev_items", "change"), (1, 2))])
        block("九", [("采购项目数量", 1), ("采购总金额", 2)],
              [("政府集中采购", "procurement", ("items", "amount"), (1, 2))])
    return rows


def requests_table(report: Report) -> Table:
    """Section 三: three label columns, six applicant columns and 总计."""
    outcomes = OUTCOME_ROWS_2021 if report.template == "2021" else OUTCOME_ROWS_2019
    rows: Table = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
         Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(label) for label in APPLICANT_LABELS],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3)] + _figures(report, "requests.new_requests", REQUEST_COLUMNS),
        [Cell("二、上年结转政府信息公开申请数量", colspan=3)] + _figures(report, "requests.carried_over", REQUEST_COLUMNS),
    ]
    result_rows = []
    seen_groups = set()
    for row in outcomes:
        group = row.split(".")[0]
        prefix = []
        if row in ("granted", "partial") or row == "other":
            label = OUTCOME_LABELS.get(row) or GROUP_LABELS[row]
            prefix = [Cell(label, colspan=2)]
        else:
            if group not in seen_groups:
                size = sum(1 for r in outcomes if r.startswith(group + "."))
                prefix.append(Cell(GROUP_LABELS[group], rowspan=size))
                seen_groups.add(group)
            prefix.append(Cell(OUTCOME_LABELS[row]))
        result_rows.append(prefix + _figures(report, f"requests.{row}", REQUEST_COLUMNS))
    result_rows.append([Cell("（七）总计", colspan=2)] + _figures(report, "requests.total_handled", REQUEST_COLUMNS))
    result_rows[0].insert(0, Cell("三、本年度办理结果", rowspan=len(result_rows)))
    rows += result_rows
    rows.append([Cell("四、结转下年度继续办理", colspan=3)] + _figures(report, "requests.carried_forward", REQUEST_COLUMNS))
    return rows


def review_table(report: Report) -> Table:
    """Section 四: 行政复议 and the two kinds of 行政诉讼, five columns each, one row of figures."""
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结")
    columns = ("upheld", "corrected", "other", "pending", "total")
    return [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [Cell(r, rowspan=2) for r in results] + [Cell("总计", rowspan=2),
                                                Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(r) for r in results + ("总计",)] * 2,
        _figures(report, "review.review", columns) + _figures(report, "review.suit_direct", columns)
        + _figures(report, "review.suit_after_review", columns),
    ]


def report_tables(report: Report) -> list[tuple[str, Table]]:
    """The headed tables of sections 二, 三, 四 in reading order."""
    return [(ACTIVE_HEADING, active_table(report)), (REQUESTS_HEADING, requests_table(report)),
            (REVIEW_HEADING, review_table(report))]


def width(table: Table) -> int:
    return sum(cell.colspan for cell in table[0])


def place(table: Table) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, columns shifted past cells spanning from above."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed
