"""Scoring a crawl of the local web against its gold records.

A crawled record matches a gold record when both name the same organ and year (the URL
may legitimately differ: the PDF copy of a report printed in its page, a jsessionid).
Every measure is a fraction of the gold, so the gold scored against itself is 1.0 on
each and an empty crawl is 0:

recall          gold reports found
precision       crawled records that are gold reports (duplicates and strays count against)
cells           gold cells given with the right value, over gold cells plus extra cells
dates, contacts, titles, templates, failed_checks, urls
                gold reports found with that field exactly right
decoys_recorded crawled records whose URL is a decoy (should be 0)

    python -m localweb.score --gold gold.jsonl --records crawl.jsonl [--decoys decoys.jsonl]
"""
from __future__ import annotations

import json
import re
from pathlib import Path

JSESSIONID = re.compile(r";jsessionid=[^?#/]*", re.IGNORECASE)
FIELDS = {"dates": "published", "contacts": "contacts", "titles": "title", "templates": "template",
          "failed_checks": "failed_checks", "urls": "url"}


def normalize_url(url: str | None) -> str | None:
    return JSESSIONID.sub("", url.strip()) if url else url


def _key(record: dict):
    return (record.get("organ"), record.get("year"))


def match(gold: list[dict], records: list[dict]) -> list[tuple[dict, dict | None]]:
    """Each gold record with the first unused crawled record of the same organ and year."""
    unused = list(records)
    pairs = []
    for wanted in gold:
        found = next((r for r in unused if _key(r) == _key(wanted)), None)
        if found is not None:
            unused.remove(found)
        pairs.append((wanted, found))
    return pairs


def _same(field: str, a, b) -> bool:
    if field == "url":
        return normalize_url(a) == normalize_url(b)
    if field == "failed_checks":
        return sorted(a or []) == sorted(b or [])
    return a == b


def score(gold: list[dict], records: list[dict], decoys: list[dict] | None = None) -> dict:
    """The measures above, each between 0 and 1 (decoys_recorded is a count)."""
    pairs = match(gold, records)
    found = [(g, r) for g, r in pairs if r is not None]
    total = len(gold) or 1
    right_cells = 0
    all_cells = sum(len(g.get("cells") or {}) for g in gold)
    for g, r in found:
        gold_cells, crawl_cells = g.get("cells") or {}, r.get("cells") or {}
        right_cells += sum(1 for k, v in gold_cells.items() if k in crawl_cells and crawl_cells[k] == v)
        all_cells += sum(1 for k in crawl_cells if k not in gold_cells)
    result = {
        "gold": len(gold),
        "records": len(records),
        "recall": len(found) / total if gold else 0.0,
        "precision": len(found) / len(records) if records else 0.0,
        "cells": right_cells / all_cells if all_cells else float(bool(found)),
    }
    for name, field in FIELDS.items():
        result[name] = sum(1 for g, r in found if _same(field, g.get(field), r.get(field))) / total if gold else 0.0
    decoy_urls = {normalize_url(d["url"]) for d in decoys or []}
    result["decoys_recorded"] = sum(1 for r in records if normalize_url(r.get("url")) in decoy_urls)
    result["missed"] = [f"{g.get('organ')} {g.get('year')}" for g, r in pairs if r is None]
    return result


def read_jsonl(path) -> list[dict]:
    with open(Path(path), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


if __name__ == "__main__":
    from localweb.commands import score_command

    score_command()
