"""What a yearly information-disclosure report (政府信息公开工作年度报告) is, in words.

One vocabulary for the two places that must agree: the crawler, which decides from a link's
title whether to open it, and the extractor, which decides from a text whether it is a
report (and so whether its numbers are figures). A title names a report when it names
disclosure work (信息公开 / 政务公开) and a report of it (报告 / 年报), and is none of the
pages that use the same words for something else (lookalikes: 解读, 图解, 工作要点, the
national format notice, half-year statistics, task lists, 考核结果…). A title is
only a hint, though: a text is a report when its body is one, the sections and sentences
every report prints whatever it is called (or not called).

All functions are pure and take text as printed: traditional characters, full-width forms
and pinyin glosses are dealt with here.
"""
from __future__ import annotations

import re
import unicodedata

from extractors.labels import to_simplified

# A pinyin gloss a re-hosting site prints inside words after a character: 規(guī)章,
# 報(bào)告, 統(tǒng)計(jì). Only a run of Latin letters with a tone mark, right after a CJK
# character: (一), (2023) or (以下简称《条例》) are text.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]\s*[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*\s*[)）]",
                           re.IGNORECASE)


def strip_pinyin_glosses(text: str) -> str:
    """The text without pinyin glosses inside words: 規(guī)章 → 規章, 統(tǒng)計(jì) → 統計."""
    return _PINYIN_GLOSS.sub("", text) if text else text


def plain(text: str | None) -> str:
    """The form every rule here matches: glosses stripped, NFKC (full-width → ASCII),
    simplified characters, no whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", strip_pinyin_glosses(text))
    return re.sub(r"[\s\u3000\u00a0\u200b\ufeff]+", "", to_simplified(text))


# --- titles ----------------------------------------------------------------------------

# disclosure work, then a report of it: 政府信息公开工作年度报告, 信息公开年报（2022年）,
# 关于2021年度政府信息公开工作的报告, 政务信息公开工作报告, …工作情况报告; 年度报 is 年度报告
# as a list cuts it
_REPORT_NAME = re.compile(r"(?:信息公开|政务公开).{0,12}?(?:报告|年报|年度报)")
# Pages that use a report's words but are something else: what is said about a report
# (解读, 图解, 问答, 评议, 考核, 通报, 检查, 评估, 排名), what comes before one (计划,
# 要点, 方案, 通知, 的函, 格式, 任务清单, 征集), other periods (上/下半年, 季度, 月报), other
# reports sharing the words (统计年报, 企业年报, 财务, 审计, 预算, 决算, 法治政府, 述职,
# 工作总结) and the section's other documents (指南, 目录, 规定, 办法, 制度).
# A 公示 is none of them: …年度报告的公示 is most often the report itself, posted for the
# public (its body decides); what is 公示'd about reports says so (评议结果公示, 考核结果).
_LOOKALIKE = re.compile(
    r"解读|图解|一图|图说|读懂|问答|评议|考核|通报|检查|抽查|自查|督查|评估|测评|排名|整改|调研|"
    r"计划|要点|方案|通知|的函|格式|模板|任务清单|重点任务|征集|意见|培训|"
    r"半年|季度|月报|"
    r"统计年报|统计公报|统计报表|企业年报|财务|审计|预算|决算|法治政府|述职|述法|工作总结(?!报告)|"
    r"指南|目录|规定|办法|制度"
)
# organs whose names hold a lookalike's word (某某县审计局, 卫生和计划生育委员会, 出入境边防
# 检查站): taken out of a title before it is judged
_ORGAN_WORDS = re.compile(r"(?:(?:审计|考核|培训|评估|检查|督查|测评)(?:局|厅|署|处|办|站|所|中心|委员会|办公室)"
                          r"|财务(?:核算|结算|管理)?(?:中心|局|处))"
                          # an organ's name goes on with the year or the report's name (not 考核办法)
                          r"(?=(?:19|20)\d{2}|[〇○零一二]{2}|关于|政府|政务|信息|[(（]|$)"
                          r"|计划生育|计生|发展计划(?:委员会|局)|计划委员会")


def names_report(title: str | None) -> bool:
    """Whether a title names a disclosure report (lookalike or not)."""
    return bool(_REPORT_NAME.search(plain(title)))


def is_lookalike(title: str | None) -> bool:
    """Whether a title is one of the pages that share a report's words but are not one."""
    return bool(_LOOKALIKE.search(_ORGAN_WORDS.sub("", plain(title))))


def is_report_title(title: str | None) -> bool:
    """Whether a title names a yearly disclosure report and is no lookalike."""
    return names_report(title) and not is_lookalike(title)


# --- bodies ----------------------------------------------------------------------------

# The sections every report since 2008 prints (the 2019 and 2021 formats, and the outline
# before them), as a heading line: numbered (一、 / （一） / 1.), or alone on its line.
_SECTIONS = (
    ("overview", r"总体情况|概述"),
    ("active", r"主动公开政府信息(?:的)?情况"),
    ("requests", r"收到和处理政府信息公开申请(?:的)?情况|依申请公开政府信息(?:的)?情况"),
    ("review", r"(?:因)?政府信息公开(?:申请)?(?:提起)?(?:的)?行政复议.{0,4}行政诉讼(?:的)?情况"),
    ("fees", r"政府信息公开(?:的)?收费及减免情况"),
    ("problems", r"(?:政府信息公开工作)?存在的主要问题(?:及|和|与)改进(?:情况|措施)"),
    ("other", r"其他需要报告的事项"),
)
_SECTION_NUMBER = r"(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\)|\d{1,2}[、.])"
_SECTION_LINE = tuple(
    (name, re.compile(rf"^(?:{_SECTION_NUMBER}(?:行政机关|本机关)?(?:{words})(?![\u4e00-\u9fff])|(?:{words})$)"))
    for name, words in _SECTIONS
)
# the period the figures cover: 本报告所列数据的统计期限自2023年1月1日起至…, 统计时限为…
_PERIOD = re.compile(r"统计(?:期限|时限|期间|区间|时段|周期)[^。\n]{0,20}?(?:19|20)\d{2}")
# how a report speaks of itself in its preface
_SELF_NAMED = re.compile(
    r"编制本(?:年度)?(?:报告|年报)|特编制.{0,40}?(?:年度报告|年报)"
    r"|(?:^|[。\n])(?:本|此)(?:年度)?(?:报告|年报)(?:是|系)?(?:根据|依据|依照|按照|由)"
    r"|现将.{0,40}?报告如下|现(?:予)?公开.{0,40}?(?:年度报告|年报|工作报告)(?:[。,，]|$)"
    r"|《[^《》]{0,60}(?:年度报告|年报)》.{0,12}(?:现予|予以)(?:公开|公布|发布)"
    r"|全文(?:包括|共分为?|分为).{0,12}总体情况"
)
# the statistical tables' own labels (a table whose cells were lost still prints them)
_TABLE_LABELS = (
    re.compile(r"第二十条第?\([一五六八九]\)项"),
    re.compile(r"本年新收政府信息公开申请数量|本年新收政府信息公开申请"),
    re.compile(r"本年制发件数|本年新制作数量|本年新制作"),
    re.compile(r"上年结转政府信息公开申请数量"),
)
def _plain_lines(text: str) -> list[str]:
    return [line for line in (plain(raw.strip().strip("|")) for raw in text.splitlines()) if line]


def report_sections(text: str) -> list[str]:
    """The report sections the text prints as heading lines, in the order first seen."""
    found: list[str] = []
    for line in _plain_lines(text):
        for name, pattern in _SECTION_LINE:
            if name not in found and pattern.search(line):
                found.append(name)
    return found


def body_evidence(text: str) -> list[str]:
    """What in the text says it is a report, whatever its title: one entry per section
    heading, and 'period' (统计期限 …), 'preface' (编制本报告, 现将…报告如下, 全文包括…),
    'table labels' (the statistical tables' own row and column labels)."""
    head = plain(text[:6000])
    evidence = report_sections(text)
    if _PERIOD.search(head):
        evidence.append("period")
    if _SELF_NAMED.search("\n".join(_plain_lines(text[:6000]))):
        evidence.append("preface")
    whole = plain(text)
    if sum(bool(p.search(whole)) for p in _TABLE_LABELS) >= 2:
        evidence.append("table labels")
    return evidence


# what a report's body speaks of, in passing or in headings: for a text whose title already
# names a report, a sign that more than links follow it
_REPORT_WORK = re.compile(r"总体情况|主动公开|依申请公开|政府信息公开申请|行政复议|政府信息管理|监督保障|存在的主要问题|统计期限|统计期间")


def mentions_report_work(text: str, title: str | None = None) -> bool:
    """Whether the text beyond its title speaks of what a report reports."""
    body = text.replace(title, "", 1) if title else text
    return bool(_REPORT_WORK.search(plain(body)))


def heading_line(text: str) -> str | None:
    """The first short line that names disclosure work before the report's first section,
    for a text with no report title: 2022年上半年政府信息公开数据统计, or 中华人民共和国政府
    信息公开工作年度报告格式 above the format's empty template, says what the page is."""
    for line in _plain_lines(text[:4000])[:40]:
        if any(p.search(line) for _, p in _SECTION_LINE):
            return None
        # a document's name: a sentence is none, nor a menu (政府信息公开指南 | 政府信息公开目录)
        # or a menu's item (short and without a year)
        if len(line) <= 40 and not re.search(r"[。,;，；|]", line) and re.search(r"信息公开|政务公开|依申请公开", line) \
                and (len(line) >= 12 or re.search(r"(?:19|20)\d{2}", line)) and not is_breadcrumb(line):
            return line
    return None


_BREADCRUMB = re.compile(r"^(?:您?(?:当前|现在)?(?:所在)?的?位置|当前所在位置|所在位置)[:：]|首页\s*[>›»/＞]|[>›»＞].*[>›»＞]")


def is_breadcrumb(line: str) -> bool:
    """A site's 当前位置:首页>…>… line: it names the column, never the report."""
    return bool(_BREADCRUMB.search(plain(line)))
