"""Title, organ, covered year, publication date and contacts of a report.

All read from the report itself (its text and the container's metadata), never from the
site around it: the contacts researchers want are the ones printed in the report, not the
site-wide footer's, and the year is the one the report covers (the title's), not the
January it was published in.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extractors import dates, reportwords
from extractors.labels import to_simplified

_YEAR = re.compile(r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年")
# the end of the period the figures cover: 至2024年12月31日止, or with 年 and 月 lost in the
# page text as some sites print it (到20241231日, 至202412月31 日)
_PERIOD_END = re.compile(r"(?:至|到|~|～|—|－|-)\s*((?:19|20)\d{2})\s*年?\s*12\s*月?\s*31\s*日")
# …统计期限为2020年1月1日起至12月31日: the year once, at the start of a whole year
_PERIOD_START = re.compile(r"统计(?:期限|时限|期间|区间|时段|周期)[^。\n]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
                           r"[^。\n]{0,6}?(?:至|到|~|～|—|－|-)\s*12\s*月\s*31\s*日")
_ORGAN_END = re.compile(r"(?:局|委员会|委|办公室|办|厅|院|人民政府|政府|中心|所|会|处|部|署|馆|站|街道办事处|街道|镇|乡|队|社)$")
# a date after its label: 发布时间：2025-01-07, or, in an article's metadata table, the label
# and the date in cells side by side (发布日期 | 2025-01-15) with no colon between them (only
# for the labels that name a document's date: 统计时间 2024年1月1日 in prose is no such label)
_DATE_LABEL = re.compile(
    r"(?:(?:[发發]布[时時][间間]|[发發]布日期|[发發][表文]日期|[发發]表[时時][间間]|成文日期|公[开開]日期)(?:\s*[:：]\s*|[\s|]+)"
    r"|(?:生成日期|更新[时時][间間]|(?<![\u4e00-\u9fff])(?:[时時][间間]|日期))\s*[:：]\s*)"
    r"((?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)|(?:[〇○零一二三四五六七八九]{4}\s*年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日))"
)
_BYLINE = re.compile(r"(?:信息|文章)?[来來]源\s*[:：]|[发發]布机构\s*[:：]")
_BYLINE_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
# a date line under an article's title with nothing but the page's buttons beside it:
# 2024-01-19  【打印】【关闭】, 2024年1月19日 字号：大 中 小
_DATE_AND_CHROME = re.compile(
    r"^\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\s|【[^】]{1,6}】|\[[^\]]{1,6}\]|字号|[:：]|[大中小]|打印|关闭|分享|收藏|浏览(?:次数|量)?|点击(?:数|量)?|\d+次?)*$")
_PUBLISHED_LABELS = ("发布时间", "发布日期", "公开日期", "发表日期", "发表时间", "發布時間", "發布日期", "公開日期", "發表日期")
# A date alone on one of the last lines, or after the organ's name (a PDF line often
# carries both): 鞍山市民政局 2025年1月7日
_SIGNATURE_DATE = re.compile(
    r"^\s*(?:[\u4e00-\u9fff（）()]{2,30}(?<=局|委|会|办|厅|院|府|心|所|处|部|署|馆|站|镇|乡|队|社)\s+)?(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[〇○零一二三四五六七八九]{4}\s*年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)\s*$"
)
# a table row as page text prints it: | cell | cell |, or without the opening bar (cell | cell |)
_TABLE_ROW = re.compile(r"^\s*(?:\|.*|[^|]+\|.*)\|\s*$")
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# 0412-5570186, 0412－5570186, (0412)5570186, 0412 5570186
_PHONE_WITH_AREA = re.compile(r"(?<![\d\-])(?:[(（]0\d{2,3}[)）]\s?\d{7,8}|0\d{2,3}\s?[-－—–]\s?\d{7,8}(?:\s?[-－—–]\s?\d{1,4})?)(?!\d)")
_PHONE_BARE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{9,11}|\d{7,8})(?!\d)")
# Cue words in simplified and traditional characters (the values are kept as printed).
_PHONE_CUE = re.compile(r"(?:电话|電話|联系方式|聯繫方式|咨询|諮詢|热线|熱線|手机|手機|Tel|TEL|tel)[^。；;\n]{0,12}$")
_FAX_CUE = re.compile(r"传真|傳真|[Ff]ax|FAX")
# further numbers sharing the area code just read: 、5570187 / 或5570188
_MORE_NUMBERS = re.compile(r"(?:\s*[、/，,或和]\s*\d{7,8}(?!\d))+")
# a label typeset with a space inside (地　址, 邮　编, 电　话, 邮　箱)
_SPACED_LABEL = re.compile(r"([地邮电传])[ \t]+([址编话箱真])")
_POSTCODE = re.compile(r"(?:邮编|郵編|邮政编码|郵政編碼)\s*[:：]?\s*(\d{6})(?!\d)")
_ADDRESS = re.compile(
    r"(?:通讯地址|通訊地址|联系地址|聯繫地址|办公地址|辦公地址|通信地址|地址)\s*(?:为|是|為)?\s*[:：]?\s*"
    r"([^，,；;。、\n:：]{4,60}?)\s*(?=[，,；;。、\n(（]|邮编|郵編|邮政编码|郵政編碼|联系电话|聯繫電話|电话|電話|$)"
)


def clean(text: str | None) -> str:
    return re.sub(r"[\s\u3000\u00a0]+", "", unicodedata.normalize("NFKC", text or "")) if text else ""


def _lines(text: str) -> list[str]:
    """The text's lines; a table row written as "| cell | cell |" (the running text of an
    HTML page prints tables so) gives one line per cell: an old CMS lays out the title
    and the date as cells of a table."""
    lines = []
    for line in text.splitlines():
        if _TABLE_ROW.match(line):
            lines.extend(cell.strip(" \t\u3000\u00a0") for cell in line.strip().strip("|").split("|"))
        else:
            lines.append(line.strip(" \t\u3000\u00a0"))
    return lines


def title(text: str, declared: str | None = None, *, trust_declared: bool = True) -> str | None:
    """The title as printed, whitespace removed. A declared title (a page's ArticleTitle)
    wins when it names a report and its year; else the first short line near the top that
    names a report. A document's own metadata (`trust_declared=False`: a DOCX's or PDF's
    title property, often last year's file's, or a bare 政府信息公开工作年度报告) only
    stands in when nothing printed names the report."""
    declared_names = reportwords.names_report(declared)
    if declared_names and trust_declared and _YEAR.search(unicodedata.normalize("NFKC", declared)):
        return re.sub(r"[\s\u3000\u00a0]+", "", declared.strip())
    printed = _printed_title(text)
    if printed or not declared_names:
        return printed
    return re.sub(r"[\s\u3000\u00a0]+", "", declared.strip())


def _printed_title(text: str) -> str | None:
    """The first short line near the top that names a report (joined with the lines its
    title wrapped onto, and the organ's line above a title that starts with the year)."""
    lines = _lines(text)[:60]
    for i, line in enumerate(lines):
        simple = clean(to_simplified(line))
        if not simple or len(simple) > 60 or "。" in simple or reportwords.is_breadcrumb(simple):
            continue
        # a title wrapped anywhere: 某某市自然资源局2024年度政府信息 / 公开工作年度报告
        wrapped = len(simple) <= 40 and _YEAR.search(simple) and re.search(r"政府|政务|信息", simple)
        if not (reportwords.names_report(simple) or wrapped):
            continue
        parts = [line]
        joined = simple
        # a title broken over lines: 湘乡市民政局2024年政府信息公开工作 / 年度报告
        j = i + 1
        while not re.search(r"报告$|年报$|[)）》]$|通知$|的函$", joined) and j < len(lines) and len(clean(lines[j])) <= 12:
            if clean(lines[j]):
                parts.append(lines[j])
                joined += clean(to_simplified(lines[j]))
            j += 1
        if not reportwords.names_report(joined):
            continue
        # the organ printed on the line above a title that starts with the year
        if re.match(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年", joined):
            for k in range(i - 1, max(-1, i - 9), -1):  # the nearest line above that is not blank
                above = clean(lines[k])
                if above:
                    if len(above) <= 30 and _ORGAN_END.search(clean(to_simplified(lines[k]))):
                        parts.insert(0, lines[k])
                    break
        return re.sub(r"[\s\u3000\u00a0]+", "", "".join(parts))
    return None


def organ_from_title(title_text: str | None) -> str | None:
    """鞍山市民政局2024年政府信息公开工作年度报告 → 鞍山市民政局."""
    if not title_text:
        return None
    title_text = re.sub(r"^(?:关于)?[《〈“\"]", "", title_text)  # 关于《…》的解读: the title quoted
    m = re.match(r"^(.{2,40}?)(?:关于)?(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年", title_text)
    if m and _ORGAN_END.search(to_simplified(m.group(1))):
        return m.group(1)
    m = re.match(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年度?(.{2,40}?)(?:(?:政府|政务)?信息公开|政务公开)", title_text)
    if m and _ORGAN_END.search(to_simplified(m.group(1))):
        return m.group(1)
    m = re.match(r"^(?:关于)?(.{3,40}?)(?:政府信息公开|政务公开|信息公开)", title_text)  # the year last, in brackets
    if m and _ORGAN_END.search(to_simplified(m.group(1))) and not re.search(r"\d{4}|年", m.group(1)):
        return m.group(1)
    return None


# a name in full: a place and its level first (阿巴嘎旗自然资源局, 大冶市自然资源和规划局), not
# 省统计局 or 县政府办, which say who posted the page as its own site calls itself
_FULL_ORGAN = re.compile(r"^[\u4e00-\u9fff]{2,}?(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|自治旗|镇|乡|街道)"
                         r"[\u4e00-\u9fff()（）]{0,30}$")
# the report's own name in its preface: 《2020年度如东县水务局信息公开工作年度报告》已经研究同意,
# 特编制2020年度扶风县水利局政府信息公开年度报告
_NAMED_IN_PREFACE = re.compile(r"《([^《》]{6,60})》|特编制(?:了)?([^,，。;；《》]{6,60}?(?:年度报告|年报))"
                               r"|现(?:予)?公开([^,，。;；《》]{6,60}?报告)|现将([^,，。;；《》]{6,60}?报告)如下")
# 本年度报告…由杭州市上城区司法局编制: the organ that compiled it (an office compiling a report
# compiles it for another organ: its government, its bureau)
_COMPILED_BY = re.compile(r"(?:本|此)(?:年度)?(?:报告|年报)[^。]{0,80}?由([\u4e00-\u9fff()（）]{4,30}?)"
                          r"(?:(?:根据|依据|依照|按照)[^。]{0,80}?)?(?:负责)?(?:编制|编写|制作)")
# 文章来源:大冶市自然资源和规划局 / 发布机构 | 某某局: the organ that published the page
_SOURCE = re.compile(r"(?:^|[\s|])(?:文章来源|信息来源|来源|发布机构|发布单位|发文机关)\s*[:：|]?\s*"
                     r"([\u4e00-\u9fff()（）]{4,30}?)(?=\s|[|]|$|发布|发表|时间|日期|浏览|阅读|点击|字号|【)", re.M)


def preface_report_name(text: str) -> str | None:
    """The report's own name as its preface quotes it, when that name is a report title."""
    head = reportwords.strip_pinyin_glosses(text[:3000])
    for m in _NAMED_IN_PREFACE.finditer(head):
        name = clean(next(g for g in m.groups() if g))
        if reportwords.is_report_title(name) and _YEAR.search(unicodedata.normalize("NFKC", name)):
            return name
    return None


def organ(title_text: str | None, text: str) -> str | None:
    """The organ whose report this is, as the report names itself: its title, its name
    quoted in the preface, the organ that compiled it (由…编制), the page's 来源 or 发布机构.
    Never a name the text only mentions: the subject of a sentence (海口市龙华区司法局认真
    贯彻…), the office to contact (请与某某局办公室联系), the site to download from (可从
    某某局网站下载), which may be another organ or only part of one."""
    found = organ_from_title(title_text)
    if found:
        return found
    # a preface may call its organ as its own site does (现将2020年度市人社局…报告如下): only a full name
    found = organ_from_title(preface_report_name(text))
    if found and _FULL_ORGAN.match(to_simplified(found)):
        return found
    head = reportwords.strip_pinyin_glosses(text[:3000])
    printed = clean(head)
    simple = clean(to_simplified(head))
    m = _COMPILED_BY.search(simple)
    if m and _ORGAN_END.search(m.group(1)) and not m.group(1).endswith("办公室") and _FULL_ORGAN.match(m.group(1)):
        # the name as printed where simplifying kept every character in its place
        return printed[m.start(1):m.end(1)] if len(printed) == len(simple) else m.group(1)
    for m in _SOURCE.finditer(head):
        name = to_simplified(m.group(1))
        # a 来源 that is a government is the portal the page was posted on, often not its organ
        portal = m.group(0).lstrip().startswith(("文章来源", "信息来源", "来源")) and name.endswith("政府")
        if _ORGAN_END.search(name) and _FULL_ORGAN.match(name) and not name.endswith("办公室") and not portal:
            return m.group(1)
    return None


def _year_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return dates.cn_year(text)


def year(title_text: str | None, text: str) -> int | None:
    """The covered year, as the report prints it: its title's, else its name quoted in its
    preface (《2020年度某某局信息公开工作年度报告》), else the period the figures cover (统计
    期限…至2024年12月31日止, or …自2020年1月1日起至12月31日), else the year the text names
    most. None when the text prints no year: never a guess from the publication date or the
    URL. Full-width digits (２０２４年) are read as digits."""
    for name in (title_text, preface_report_name(text)):
        m = _YEAR.search(unicodedata.normalize("NFKC", name or ""))
        if m:
            return _year_value(m.group(1))
    head = unicodedata.normalize("NFKC", reportwords.strip_pinyin_glosses(text[:20000]))
    period = _PERIOD_END.search(head) or _PERIOD_START.search(head)
    if period:
        return int(period.group(1))
    counts = Counter(y for y in (_year_value(m.group(1)) for m in _YEAR.finditer(head)) if y and 1990 <= y <= 2100)
    if counts:
        best = max(counts.values())
        # ties go to the earlier year: a report names the year it covers and, less
        # often, the next year's plans
        return min(y for y, n in counts.items() if n == best)
    return None


def published(text: str, declared: str | None = None) -> str | None:
    """From page metadata, else a labelled date (发布时间：…), else a signature date line."""
    date = dates.parse(declared) if declared else None
    if date:
        return date
    simple = unicodedata.normalize("NFKC", text)
    # the publication date first (a metadata table lists 成文日期 before 发布日期)
    labelled = sorted(_DATE_LABEL.finditer(simple), key=lambda m: (not m.group(0).startswith(_PUBLISHED_LABELS), m.start()))
    for m in labelled:
        date = dates.parse(m.group(1))
        if date:
            return date
    # an article's byline near the top: 来源:朝阳区人民政府    2023-01-30 / 2022年07月25日 来源: 上海普陀
    for line in [ln for ln in _lines(simple) if ln][:15]:
        if len(line) <= 80 and (_BYLINE.search(line) or _DATE_AND_CHROME.match(line)):
            date = _BYLINE_DATE.search(line)
            if date and dates.parse(date.group(0)):
                return dates.parse(date.group(0))
    tail = [ln for ln in _lines(simple) if ln][-8:]
    for line in reversed(tail):
        if _SIGNATURE_DATE.match(line):
            date = dates.parse(line)
            if date:
                return date
    return None


# the rest of an address a PDF line wrap pushed onto the next line: a short run that ends
# where the address would (the next field, a comma, a bracket)
_ADDRESS_TAIL = re.compile(r"\n(?![一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])"
                           r"([^\n，,；;。、:：()（）]{1,20}?)\s*(?=[，,；;。)）(（]|邮编|郵編|电话|電話|联系电话)")


def _address_with_wrap(match, text: str) -> str:
    """An address as printed; one that ends at a line break (a PDF's line wrap, as in
    某某县建 / 设路88号，邮编…) goes on with the next line's run up to the next field."""
    address = match.group(1).strip()
    tail = _ADDRESS_TAIL.match(text, match.end(1))
    if tail and match.end(1) < len(text) and text[match.end(1)] == "\n":
        return address + tail.group(1).strip()
    return address


def _unique(items):
    return list(dict.fromkeys(i for i in items if i))


def contacts(text: str) -> dict:
    """Phone, email, address and postcode as printed in the report text (a fax number is
    no phone; a second number after a shared area code, 0412-5570186、5570187, is)."""
    simple = text.replace("\u00a0", " ").replace("\u3000", " ")
    simple = _SPACED_LABEL.sub(lambda m: m.group(1) + m.group(2), simple)  # 地　址 / 电　话 as typeset
    phones = []
    for m in _PHONE_WITH_AREA.finditer(simple):
        if _FAX_CUE.search(simple[max(0, m.start() - 8):m.start()]):
            continue
        phones.append(m.group(0).strip())
        more = _MORE_NUMBERS.match(simple, m.end())
        if more:
            phones += re.findall(r"\d{7,8}", more.group(0))
    for m in _PHONE_BARE.finditer(simple):
        before = simple[max(0, m.start() - 16):m.start()]
        if _PHONE_CUE.search(before) and not any(m.group(0) in p for p in phones):
            phones.append(m.group(0))
    emails = [m.group(0) for m in _EMAIL.finditer(simple)]
    postcodes = [m.group(1) for m in _POSTCODE.finditer(simple)]
    addresses = [_address_with_wrap(m, simple) for m in _ADDRESS.finditer(simple)]
    return {
        "phone": _unique(phones),
        "email": _unique(emails),
        "address": _unique(addresses),
        "postcode": _unique(postcodes),
    }

