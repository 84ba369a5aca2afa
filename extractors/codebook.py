"""The codebook (package data) and the order of its keys.

The YAML is the spec's own file, shipped unchanged, so the keys the extractor writes, the
columns the archive documents and the checks it evaluates all come from one place.
"""
from __future__ import annotations

import functools
from importlib import resources

import yaml

SECTIONS = ("active", "requests", "review")

# Official column order of the two tables whose layout does not depend on the format.
REQUEST_COLUMNS = ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total")
REVIEW_ROWS = ("review", "suit_direct", "suit_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# Section 二 columns of each row, by format, in the official order.
ACTIVE_COLUMNS = {
    "2021": {
        "rules": ("issued", "repealed", "in_force"),
        "normative": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
    "2019": {
        "rules": ("made", "published", "total_public"),
        "normative": ("made", "published", "total_public"),
        "licensing": ("prev_items", "change", "decisions"),
        "other_admin_services": ("prev_items", "change", "decisions"),
        "penalty": ("prev_items", "change", "decisions"),
        "coercion": ("prev_items", "change", "decisions"),
        "fees": ("prev_items", "change"),
        "procurement": ("items", "amount"),
    },
}

DECIMAL_COLUMNS = {"amount"}
SIGNED_COLUMNS = {"change"}


@functools.lru_cache(maxsize=1)
def load() -> dict:
    """The parsed codebook.yaml."""
    text = resources.files("extractors").joinpath("codebook.yaml").read_text(encoding="utf-8")
    # libyaml's loader where PyYAML has it: the pure-Python one took 40 ms of every crawl's
    # start (the archive checks its cell keys against the codebook when it opens)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.lru_cache(maxsize=1)
def request_rows() -> tuple[str, ...]:
    """Row keys of section 三 in codebook order (both formats)."""
    return tuple(load()["sections"]["requests"]["rows"].keys())


@functools.lru_cache(maxsize=1)
def request_row_formats() -> dict[str, tuple[str, ...]]:
    """Row key of section 三 -> the formats that print it (a row without `formats`: both)."""
    rows = load()["sections"]["requests"]["rows"]
    return {row: tuple(str(f) for f in (spec or {}).get("formats", ("2021", "2019"))) for row, spec in rows.items()}


def all_keys() -> list[str]:
    """Every cell key of both formats in codebook order (used to order records)."""
    keys: list[str] = []
    for row in load()["sections"]["active"]["rows"]:
        for fmt in ("2021", "2019"):
            for col in ACTIVE_COLUMNS[fmt].get(row, ()):
                if f"active.{row}.{col}" not in keys:
                    keys.append(f"active.{row}.{col}")
    for row in request_rows():
        for col in REQUEST_COLUMNS:
            keys.append(f"requests.{row}.{col}")
    for row in REVIEW_ROWS:
        for col in REVIEW_COLUMNS:
            keys.append(f"review.{row}.{col}")
    return keys


@functools.lru_cache(maxsize=1)
def key_order() -> dict[str, int]:
    return {k: i for i, k in enumerate(all_keys())}


def label_of(key: str) -> str:
    """Official Chinese label of a cell key, e.g. 'requests.granted.natural' -> '（一）予以公开 / 自然人'."""
    section, rest = key.split(".", 1)
    row, col = rest.rsplit(".", 1)
    sec = load()["sections"][section]
    row_label = sec["rows"].get(row, {}).get("label", row)
    col_label = sec["columns"].get(col, {}).get("label", col)
    if col == "amount" and row == "procurement":
        col_label = "采购总金额（单位：万元）"
    if col == "decisions" and "decisions" not in sec["columns"]:
        col_label = "处理决定数量"
    return f"{row_label} / {col_label}"
