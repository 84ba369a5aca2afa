"""Publication dates as Chinese pages print them, to YYYY-MM-DD.

dateparser (languages=["zh"]) reads 2025年1月7日 and 2025-01-07 08:23:24 but not a
发布日期： prefix or 二〇二五年一月七日, and htmldate can pick a wrong year out of the
body; so the common Chinese forms are parsed here first and dateparser is the fallback
for whatever else a <meta> tag holds.
"""
from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零Ｏ一二三四五六七八九十"
NUMERIC = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)")
CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*日")
ISO_COMPACT = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十七 → 17, 二十 → 20, 二十七 → 27, 〇七 → 7."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGITS[ch]
    return value


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date.isoformat() if 1990 <= year <= 2100 else None


def parse(text: str | None) -> str | None:
    """The first date in `text` as YYYY-MM-DD, or None."""
    if not text:
        return None
    text = text.strip()
    m = NUMERIC.search(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = CHINESE.search(text)
    if m:
        return _valid(_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
    m = ISO_COMPACT.search(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return _dateparser(text)


def _dateparser(text: str) -> str | None:
    if len(text) > 64 or not re.search(r"\d", text):
        return None
    try:
        import dateparser

        parsed = dateparser.parse(text, languages=["zh", "en"], settings={"STRICT_PARSING": True})
    except Exception:
        return None
    return _valid(parsed.year, parsed.month, parsed.day) if parsed else None


def cn_year(text: str) -> int | None:
    """二〇二四 → 2024."""
    if len(text) == 4 and all(ch in _CN_DIGITS for ch in text):
        return _cn_number(text)
    return None
