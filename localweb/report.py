"""Generated annual reports: plausible figures, prose and contacts, and their gold record.

A report is generated from a string key (organ, year, ...) with its own seeded random
generator, so the same key always gives the same report whatever else is generated, and
adding a site never changes the reports of the others.

Figures are built consistent first (every applicant column balances: new + carried over
= handled + carried forward) and then broken on purpose when a report is asked for
`faults`, because real reports do not always add up and the archive must record the
failed checks rather than repair them. `blanks` empties cells the way real tables leave
them empty.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from extractors.codebook import ACTIVE_COLUMNS, REQUEST_COLUMNS, REVIEW_COLUMNS, REVIEW_ROWS
from localweb import prose
from localweb.checks import APPLICANT_COLUMNS, failed_checks

OUTCOME_ROWS_2021 = (
    "granted", "partial",
    "denied.state_secret", "denied.prohibited", "denied.security", "denied.third_party",
    "denied.internal_affairs", "denied.process_info", "denied.enforcement_file", "denied.inquiry",
    "unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear",
    "not_processed.petition", "not_processed.duplicate", "not_processed.publication",
    "not_processed.excessive", "not_processed.confirmation",
    "other.no_correction", "other.no_fee", "other.other",
)
OUTCOME_ROWS_2019 = OUTCOME_ROWS_2021[:-3] + ("other",)
# How often a request ends each way (most are granted; real tables are mostly zeros).
OUTCOME_WEIGHTS = {"granted": 12, "partial": 2, "unavailable.not_held": 4, "unavailable.needs_creation": 1,
                   "unavailable.unclear": 1, "not_processed.petition": 1, "not_processed.duplicate": 1,
                   "denied.third_party": 0.5, "denied.process_info": 0.5, "other": 0.5, "other.other": 0.5,
                   "other.no_correction": 0.3}

FAULTS = ("row_total", "balance", "review_total", "handled")


@dataclass
class Contacts:
    phone: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    postcode: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"phone": list(self.phone), "email": list(self.email),
                "address": list(self.address), "postcode": list(self.postcode)}


@dataclass
class Report:
    organ: str
    year: int
    template: str  # "2021" | "2019"
    title: str
    published: dt.date
    contacts: Contacts
    cells: dict
    sections: list[tuple[str, list[str]]]  # (heading, paragraphs) for 一 and 五, 六
    intro: list[str]
    tables_as_images: bool = False

    @property
    def failed_checks(self) -> list[str]:
        return failed_checks(self.cells)

    def gold(self, url: str, organ: str | None = None) -> dict:
        """The spec record the extractor must give for this report found at `url`."""
        has_tables = not self.tables_as_images
        return {
            "url": url,
            "organ": organ or self.organ,
            "year": self.year,
            "title": "".join(self.title.split()),
            "published": self.published.isoformat(),
            "template": self.template if has_tables else None,
            "contacts": self.contacts.as_dict(),
            "cells": dict(self.cells) if has_tables else {},
            "failed_checks": self.failed_checks if has_tables else [],
        }

    def revised(self, changes: dict) -> "Report":
        """The same report with some figures corrected (a silent revision at the same URL)."""
        cells = dict(self.cells)
        for key, value in changes.items():
            if key not in cells:
                raise KeyError(f"revision of {self.title}: {key} is not a printed cell")
            cells[key] = value
        return replace(self, cells=cells)


def generate(organ: str, year: int, *, template: str | None = None, published: dt.date | None = None,
             contacts: Contacts | None = None, faults: tuple[str, ...] = (), blanks: int = 0,
             title: str | None = None, scale: int = 1, tables_as_images: bool = False) -> Report:
    """One report of `organ` on `year`; everything not given is drawn from a seeded generator."""
    rng = random.Random(f"report|{organ}|{year}")
    template = template or ("2021" if year >= 2021 else "2019")
    published = published or dt.date(year + 1, 1, rng.randint(8, 28))
    cells = {}
    cells.update(_active_cells(rng, template))
    cells.update(_request_cells(rng, template, scale))
    cells.update(_review_cells(rng))
    for fault in faults:
        _break(rng, cells, fault, template)
    _blank(rng, cells, blanks)
    contacts = contacts if contacts is not None else Contacts()
    title = title or f"{organ}{year}年政府信息公开工作年度报告"
    return Report(organ=organ, year=year, template=template, title=title, published=published,
                  contacts=contacts, cells=cells, intro=prose.intro(organ, year, contacts),
                  sections=prose.sections(rng, organ, year, cells), tables_as_images=tables_as_images)


def _decimal(rng: random.Random, low: float, high: float) -> float:
    """An amount in 万元 as printed: zero or up to two decimals."""
    return round(rng.uniform(low, high), rng.choice([1, 2]))


def _active_cells(rng: random.Random, template: str) -> dict:
    cells = {}
    for row, columns in ACTIVE_COLUMNS[template].items():
        for col in columns:
            cells[f"active.{row}.{col}"] = _active_value(rng, row, col)
    if template == "2019":  # what was published cannot exceed what is public in total
        for row in ("rules", "normative"):
            cells[f"active.{row}.total_public"] = max(cells[f"active.{row}.total_public"], cells[f"active.{row}.published"])
    return cells


def _active_value(rng: random.Random, row: str, col: str):
    if row == "rules":
        return 0
    if col in ("issued", "made", "published"):
        return rng.choice([0, 0, 1, 2, 3])
    if col == "repealed":
        return rng.choice([0, 0, 0, 1])
    if col in ("in_force", "total_public"):
        return rng.randint(3, 40)
    if col == "amount":
        return 0 if rng.random() < 0.6 else _decimal(rng, 0.5, 80)
    if col == "change":
        return rng.choice([0, 0, 0, 1, 2, -1, -3])
    if col == "prev_items":
        return rng.randint(0, 25)
    if col == "items":
        return rng.randint(0, 12)
    if row == "licensing":
        return rng.randint(0, 320)
    if row == "penalty":
        return rng.choice([0, 0, 1, 3, 7])
    return rng.choice([0, 0, 0, 1])


def _request_cells(rng: random.Random, template: str, scale: int) -> dict:
    outcomes = OUTCOME_ROWS_2021 if template == "2021" else OUTCOME_ROWS_2019
    rows = ("new_requests", "carried_over") + outcomes + ("total_handled", "carried_forward")
    cells = {f"requests.{row}.{col}": 0 for row in rows for col in REQUEST_COLUMNS}
    weights = [OUTCOME_WEIGHTS.get(row, 0.1) for row in outcomes]
    for col in APPLICANT_COLUMNS:
        new = rng.randint(0, 18 * scale) if col == "natural" else rng.choice([0, 0, 0, 0, 1, 2])
        carried_over = rng.choice([0, 0, 1, 2]) if new else 0
        carried_forward = rng.randint(0, min(2, new + carried_over))
        handled = new + carried_over - carried_forward
        for row in rng.choices(outcomes, weights=weights, k=handled):
            cells[f"requests.{row}.{col}"] += 1
        cells[f"requests.new_requests.{col}"] = new
        cells[f"requests.carried_over.{col}"] = carried_over
        cells[f"requests.total_handled.{col}"] = handled
        cells[f"requests.carried_forward.{col}"] = carried_forward
    for row in rows:
        cells[f"requests.{row}.total"] = sum(cells[f"requests.{row}.{c}"] for c in APPLICANT_COLUMNS)
    return cells


def _review_cells(rng: random.Random) -> dict:
    cells = {}
    for row in REVIEW_ROWS:
        parts = [0, 0, 0, 0]
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            parts[rng.choices(range(4), weights=[5, 1, 1, 1])[0]] += 1
        for col, value in zip(REVIEW_COLUMNS, parts + [sum(parts)]):
            cells[f"review.{row}.{col}"] = value
    return cells


def _break(rng: random.Random, cells: dict, fault: str, template: str) -> None:
    """Make the figures break one codebook check, the way real reports do."""
    if fault == "row_total":  # a row's 总计 that is not the sum of its applicants
        cells["requests.granted.total"] += rng.choice([1, 2, -1]) if cells["requests.granted.total"] else 1
    elif fault == "handled":  # an outcome added to one column without its 总计 row following
        cells["requests.unavailable.not_held.natural"] += 1
        cells["requests.unavailable.not_held.total"] += 1
    elif fault == "balance":  # 结转下年度 miscounted in the 自然人 column and its total
        cells["requests.carried_forward.natural"] += 1
        cells["requests.carried_forward.total"] += 1
    elif fault == "review_total":
        cells["review.review.total"] += 1
    else:
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")


def _blank(rng: random.Random, cells: dict, count: int) -> None:
    """Leave `count` cells of the rarely used 不予公开 rows blank, as sloppy tables do."""
    candidates = [k for k in cells if k.startswith("requests.denied.") and not k.endswith(".total")]
    for key in sorted(rng.sample(candidates, count)):
        cells[key] = None
