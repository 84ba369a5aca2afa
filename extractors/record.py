"""A read document to a report record (../shared/spec/README.md, plus extra fields).

The last step of extraction: tables to cells (`tables`), checks (`checks`), metadata
(`metadata`). Kept apart from the readers so every format ends in the same record.
"""
from __future__ import annotations

from extractors import checks, codebook, metadata, reportwords, tables
from extractors.document import Document

# A document with this many figures is a report's tables even when it says nothing else.
MIN_CELLS_FOR_REPORT = 20


def build_record(document: Document, *, url: str | None = None, organ: str | None = None, explain: bool = False) -> dict:
    text = document.text or "\n".join("\t".join(c or "" for c in row) for row in document.rows)
    reading = tables.read_tables(document)
    # metadata is read with pinyin glosses taken out of words (報(bào)告 → 報告)
    plain_text = reportwords.strip_pinyin_glosses(text)
    title = metadata.title(plain_text, document.title, trust_declared=document.kind == "html")
    published = metadata.published(plain_text, document.published)
    looks_like_report, why_not = _is_report(plain_text, title, len(reading.cells), document.images)
    tables_as_images = bool(looks_like_report and not reading.cells and document.images > 0)
    notes = list(document.notes) + reading.notes
    if tables_as_images:
        notes.append("the report's tables are images: figures need a person (or OCR) to read them")
    elif not text.strip() and document.images > 0:
        # a scan with no text layer says nothing, not even its title: say what it is
        notes.append(f"no text, {document.images} image(s): a scanned document needs OCR to be read")
    cells = reading.cells if looks_like_report else {}
    if why_not and reading.cells:
        notes.append(f"not a report ({why_not}): its {len(reading.cells)} number(s) are not read as figures")
    left_out = reading.left_out if looks_like_report else {}
    record = {
        "url": url,
        "organ": organ or (metadata.organ(title, plain_text) if looks_like_report else metadata.organ_from_title(title)),
        # a page that is no report covers no year (its news items' dates would say one)
        "year": metadata.year(title, plain_text) if looks_like_report else None,
        "title": title,
        "published": published,
        # a report's section 二 table names its format even when no figure could be read
        "template": reading.template if cells or looks_like_report else None,
        "contacts": metadata.contacts(text),
        "cells": cells,
        "failed_checks": checks.failed_checks(cells),
        # extra fields (readers of the spec format ignore them)
        "inferred": sorted((k for k in reading.inferred if k in cells), key=list(cells).index),
        # cells left out because their place or value is not certain, and why
        "left_out": {k: left_out[k] for k in sorted(left_out, key=lambda k: codebook.key_order().get(k, 10**6))},
        "tables_as_images": tables_as_images,
        "is_report": bool(looks_like_report),
        "kind": document.kind,
        "notes": notes,
        "text": text,
    }
    if explain:
        # a lookalike's numbers are no figures: nothing to explain but why
        record["explanation"] = explanation(reading) if looks_like_report else {"figures": [], "left_out": [], "not_a_report": why_not}
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


def _is_report(text: str, title: str | None, cells: int, images: int) -> tuple[bool, str | None]:
    """Whether the text is a report, and if not, why. The body decides: a report prints its
    sections, its period, its preface or its tables whatever its title (year first, 年报（2022
    年）, none at all); a title that names a report needs one such sign (a portal's per-year
    column titled like a report holds only links), no title two, tables of figures suffice
    alone. A lookalike (解读, 工作要点, the format notice, half-year statistics…) is none,
    however report-like its body: it uses the same sections and words."""
    # (the page's own first heading counts too: a notice that 印发 a 工作要点 may list
    # 编制发布…年度报告 as one of its tasks, which reads like a title)
    for heading in dict.fromkeys(h for h in (title, reportwords.heading_line(text)) if h):
        if reportwords.is_lookalike(heading):
            return False, f"titled {heading}"
    evidence = reportwords.body_evidence(text)
    if cells and "table labels" not in evidence:
        evidence.append("tables")
    if title and reportwords.names_report(title) and (evidence or images or reportwords.mentions_report_work(text, title)):
        return True, None
    if cells >= MIN_CELLS_FOR_REPORT or len(evidence) >= 2:
        return True, None
    return False, "nothing in it reads as a report's sections, period or tables"
