"""Labels to codebook keys, by meaning.

Real reports vary the official labels (typos, traditional characters, spaces inside
words, 社会组织 for 社会公益组织, 规范性文件 for 行政规范性文件, group labels such as
三、本年度办理结果 repeated in front of a row's own label), so a row is recognised by
the words that make it unique, not by the whole string or its position.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# (key, pattern) in the order they are tried: the first match wins, so a label that
# contains another row's words (部分公开…不计其他情形 contains 其他) is caught by its own
# row first.
REQUEST_ROWS = (
    ("new_requests", r"本年新收|新收.*申请"),
    ("carried_over", r"上年结转|上年度结转"),
    ("carried_forward", r"结转下年|下年度继续办理|继续办理"),
    ("partial", r"部分公开"),
    ("granted", r"予以公开"),
    ("denied.state_secret", r"国家秘密"),
    ("denied.prohibited", r"禁止公开"),
    ("denied.security", r"三安全一稳定|危及"),
    ("denied.third_party", r"第三方"),
    ("denied.internal_affairs", r"内部事务"),
    ("denied.process_info", r"过程性"),
    ("denied.enforcement_file", r"执法案卷"),
    ("denied.inquiry", r"查询事项"),
    ("unavailable.not_held", r"不掌握"),
    ("unavailable.needs_creation", r"另行制作|没有现成"),
    ("unavailable.unclear", r"仍不明确|补正后申请"),
    ("not_processed.petition", r"信访|举报投诉"),
    ("not_processed.duplicate", r"重复申请"),
    ("not_processed.publication", r"出版物"),
    ("not_processed.excessive", r"大量反复|反复申请"),
    ("not_processed.confirmation", r"重新出具|确认或重新"),
    ("other.no_correction", r"不补正"),
    ("other.no_fee", r"收费通知|缴纳费用|未按收费|按收费通知"),
    # "3.其他" under (六)其他处理 in the 2021 format: a numbered sub-row
    ("other.other", r"(?:^|[)）])\d[.、]?其他|^其他$"),
    # (六)其他处理 as one row: the 2019 format
    ("other", r"其他处理"),
    ("total_handled", r"总计|合计"),
)

ACTIVE_ROWS = (
    ("normative", r"规范性文件"),
    ("rules", r"规章"),
    ("other_admin_services", r"对外管理服务"),
    ("licensing", r"行政许可"),
    ("penalty", r"行政处罚"),
    ("coercion", r"行政强制"),
    ("fees", r"事业性收费"),
    ("procurement", r"集中采购"),
)

# Column headings of section 二, tried longest-meaning first; each match is blanked out
# before the next so 上一年项目数量 is not also read as 采购项目数量.
ACTIVE_COLUMNS = (
    ("prev_items", r"上一?年(?:度)?项目数量|上一年"),
    ("change", r"本年增\s*[/／、]?\s*减|增\s*[/／]\s*减|增减"),
    ("made", r"新制作"),
    ("published", r"新公开"),
    ("total_public", r"公开总数"),
    ("issued", r"制发|本年发件"),
    ("repealed", r"废止"),
    ("in_force", r"现行有效"),
    ("decisions", r"处理决定"),
    ("items", r"采购项目"),
    ("amount", r"收费金额|采购总金额|总金额"),
)

# Words that exist only in one format's section 二 (codebook `formats`).
FORMAT_2019_WORDS = re.compile(r"新制作数量|新公开数量|对外公开总数|上一年项目数量|本年增\s*[/／]?\s*减|对外管理服务事项|政府集中采购|采购项目数量")
FORMAT_2021_WORDS = re.compile(r"制发件数|废止件数|现行有效件数|本年收费金额|收费金额")

SECTION_HEADINGS = (
    ("active", re.compile(r"主动公开政府信息(?:的)?情况|主动公开政府信息$")),
    ("requests", re.compile(r"收到和处理政府信息公开申请|政府信息公开申请(?:的)?(?:情况|办理情况)")),
    ("review", re.compile(r"行政复议.{0,4}行政诉讼|复议.{0,2}诉讼情况")),
    ("end", re.compile(r"存在的主要问题|改进情况|其他需要报告|其他应报告|其他需报告")),
)

_REQUEST_PATTERNS = tuple((k, re.compile(p)) for k, p in REQUEST_ROWS)
_ACTIVE_PATTERNS = tuple((k, re.compile(p)) for k, p in ACTIVE_ROWS)
_ACTIVE_COLUMN_PATTERNS = tuple((k, re.compile(p)) for k, p in ACTIVE_COLUMNS)
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


@functools.lru_cache(maxsize=1)
def _t2s():
    """OpenCC's traditional→simplified converter (C++, ~40× the pure-Python one)."""
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # no OpenCC: traditional labels will not match, simplified ones still do
        return None


def to_simplified(text: str) -> str:
    converter = _t2s()
    return converter.convert(text) if converter and text else text


def normalise(text: str) -> str:
    """The form labels are matched in: simplified, NFKC (full-width → ASCII), no spaces."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", text)


def request_row(label: str) -> str | None:
    for key, pattern in _REQUEST_PATTERNS:
        if pattern.search(label):
            return key
    return _by_misprint(label, _request_misprints())


def active_row(label: str) -> str | None:
    for key, pattern in _ACTIVE_PATTERNS:
        if pattern.search(label):
            return key
    return _by_misprint(label, _active_misprints())


_TABLE_WORDS = ("不予公开", "无法提供", "不予处理", "其他处理", "本年度办理结果", "申请人情况", "法人或其他组织",
                "商业企业", "科研机构", "社会公益组织", "法律服务机构", "信息内容", "本年新制作数量", "本年新公开数量",
                "对外公开总数量", "上一年项目数量", "本年增减", "处理决定数量", "本年处理决定数量", "本年制发件数",
                "本年废止件数", "现行有效件数", "本年收费金额", "采购项目数量", "采购总金额", "结转下年度继续办理",
                "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉")


def _misprinted_variants(rows) -> tuple:
    """(key, pattern) for a row's literal label words (four characters or more) as a copy
    misprints them: one character left out, as a mirror that drops characters prints them
    (行政许可 → 政许可), or one inside the word typed as another (予以公开 → 予已公开,
    规范性文件 → 规范姓文件). A variant that also fits another row's words is no evidence."""
    literals = [(key, word) for key, pattern in rows for word in pattern.split("|")
                if len(word) >= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", word)]
    # the tables' other words, which no row's misprint may read as: group labels, headers
    others = [(None, word) for word in _TABLE_WORDS]
    out = set()
    for key, word in literals:
        # (not the last character left out: what is left is the start of other words,
        # 本年新 of 本年新收 is 本年新制作数量's)
        variants = [re.escape(word[:i] + word[i + 1:]) for i in range(len(word) - 1)]
        variants += [re.escape(word[:i]) + "[\u4e00-\u9fff]" + re.escape(word[i + 1:]) for i in range(1, len(word) - 1)]
        for variant in variants:
            pattern = re.compile(variant)
            if not any(pattern.search(other) for k, other in literals + others if k != key):
                out.add((key, pattern))
    return tuple(sorted(out, key=lambda kp: (-len(kp[1].pattern), kp[0])))


@functools.lru_cache(maxsize=1)
def _active_misprints() -> tuple:
    return _misprinted_variants(ACTIVE_ROWS + (("normative", "行政规范性文件"), ("fees", "行政事业性收费"),
                                               ("procurement", "政府集中采购"), ("other_admin_services", "其他对外管理服务事项")))


@functools.lru_cache(maxsize=1)
def _request_misprints() -> tuple:
    return _misprinted_variants(REQUEST_ROWS)


def _by_misprint(label: str, variants) -> str | None:
    """The one row whose label, misprinted by one character, the label holds; else None."""
    found = {key for key, pattern in variants if pattern.search(label)}
    return found.pop() if len(found) == 1 else None


def review_row(label: str) -> str | None:
    """A row of section 四 printed with its own label (a transposed layout)."""
    if len(label) > 14:
        return None
    if "直接起诉" in label:
        return "suit_direct"
    if "复议后起诉" in label:
        return "suit_after_review"
    if re.fullmatch(r"(?:\d[.、]?|[(（][一二三][)）])?行政复议", label):
        return "review"
    return None


def active_columns(header: str) -> list[str]:
    """Column keys named in a section 二 heading text, in the order they appear."""
    found = []
    for key, pattern in _ACTIVE_COLUMN_PATTERNS:
        for m in pattern.finditer(header):
            found.append((m.start(), key))
            header = header[: m.start()] + "#" * (m.end() - m.start()) + header[m.end():]
            break
    return [k for _, k in sorted(found)]


def section_of_heading(text: str) -> str | None:
    """Which section a short heading opens ('active', 'requests', 'review', 'end')."""
    if len(text) > 40:
        return None
    for name, pattern in SECTION_HEADINGS:
        if pattern.search(text):
            return name
    return None


_NUMBERED = re.compile(r"^[一二三四五六七八九十]{1,2}[、.]")
_HEADING_TAIL = re.compile(r"(?:的)?(?:情况|办理情况)?")


def heading_at_start(text: str) -> tuple[str | None, str]:
    """The section a numbered heading at the start of a longer cell opens, and the rest.

    A row flattened with single spaces runs the heading into what shared its line: the
    table's note and header ("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为…）
    申请人情况") or the first paragraph. The heading must come first, numbered, and start
    within a few characters of its number; (None, text) otherwise."""
    number = _NUMBERED.match(text)
    if not number:
        return None, text
    for name, pattern in SECTION_HEADINGS:
        hit = pattern.search(text, number.end(), number.end() + 30)
        if hit and hit.start() - number.end() <= 8:
            end = hit.end() + _HEADING_TAIL.match(text, hit.end()).end() - hit.end()
            return name, text[end:]
    return None, text
