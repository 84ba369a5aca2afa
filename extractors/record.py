"""A read document to a report record (../shared/spec/README.md, plus extra fields).

The last step of extraction: tables to cells (`tables`), checks (`checks`), metadata
(`metadata`). Kept apart from the readers so every format ends in the same record.
"""
from __future__ import annotations

import re

from extractors import checks, codebook, metadata, tables
from extractors.labels import to_simplified
from extractors.document import Document

# A document with this many figures is a report's tables even when it has no title.
MIN_CELLS_FOR_REPORT = 20
# What every report's body says, in either format and whatever became of its tables: its
# sections' words. A page titled like a report without them (a per-year column of a
# portal, 2024年政府信息公开工作年度报告, holding only links) is not one.
_REPORT_BODY = re.compile(r"总体情况|主动公开|依申请公开|政府信息公开申请|行政复议|政府信息管理|监督保障|存在的主要问题|统计期限|统计期间")


def build_record(document: Document, *, url: str | None = None, organ: str | None = None, explain: bool = False) -> dict:
    text = document.text or "\n".join("\t".join(c or "" for c in row) for row in document.rows)
    reading = tables.read_tables(document)
    title = metadata.title(text, document.title, trust_declared=document.kind == "html")
    published = metadata.published(text, document.published)
    looks_like_report = (metadata.is_report_title(title) and (reading.cells or document.images > 0 or _has_report_body(text, title))) \
        or (title is None and len(reading.cells) >= MIN_CELLS_FOR_REPORT)
    tables_as_images = bool(looks_like_report and not reading.cells and document.images > 0)
    notes = list(document.notes) + reading.notes
    if tables_as_images:
        notes.append("the report's tables are images: figures need a person (or OCR) to read them")
    elif not text.strip() and document.images > 0:
        # a scan with no text layer says nothing, not even its title: say what it is
        notes.append(f"no text, {document.images} image(s): a scanned document needs OCR to be read")
    cells = reading.cells
    record = {
        "url": url,
        "organ": organ or metadata.organ_from_title(title),
        # a page that is no report covers no year (its news items' dates would say one)
        "year": metadata.year(title, text, published) if looks_like_report or cells else None,
        "title": title,
        "published": published,
        # a report's section 二 table names its format even when no figure could be read
        "template": reading.template if cells or looks_like_report else None,
        "contacts": metadata.contacts(text),
        "cells": cells,
        "failed_checks": checks.failed_checks(cells),
        # extra fields (readers of the spec format ignore them)
        "inferred": sorted(reading.inferred, key=list(cells).index),
        # cells left out because their place or value is not certain, and why
        "left_out": {k: reading.left_out[k] for k in sorted(reading.left_out, key=lambda k: codebook.key_order().get(k, 10**6))},
        "tables_as_images": tables_as_images,
        "is_report": bool(looks_like_report),
        "kind": document.kind,
        "notes": notes,
        "text": text,
    }
    if explain:
        record["explanation"] = explanation(reading)
    return record


def explanation(reading) -> dict:
    """Where each figure was read and how, and why each cell left out was: for a person
    checking a surprising figure against the original."""
    figures = []
    for key, value in reading.cells.items():
        printed, column, how = reading.provenance.get(key, ("", key.rsplit(".", 1)[1], "cell"))
        figures.append({"key": key, "value": value, "label": codebook.label_of(key), "printed_row": printed,
                        "how": how, "inferred": key in reading.inferred})
    left_out = [{"key": key, "label": codebook.label_of(key), "why": why} for key, why in reading.left_out.items()]
    left_out.sort(key=lambda e: codebook.key_order().get(e["key"], 10**6))
    return {"figures": figures, "left_out": left_out}


def _has_report_body(text: str, title: str | None) -> bool:
    """Whether the text beyond the title reads like a report's body (its sections' words)."""
    return bool(_REPORT_BODY.search(to_simplified(text.replace(title or "", "", 1) if title else text)))
