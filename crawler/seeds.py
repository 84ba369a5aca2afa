"""Seed lists: a CSV of bureaus (`name,url`, more columns allowed) into `Seed`s.

A nightly crawl of fifty sites must not die because one row is wrong, so a bad row
(no name, a URL that is not http(s), a duplicate) becomes a `SeedProblem` naming its line
and the rest are crawled.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Seed:
    """One bureau to crawl: its name (the organ its reports belong to) and where to start."""

    name: str
    url: str
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def origin(self) -> str:
        """scheme://host[:port], the boundary a seed's crawl stays within."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass(frozen=True)
class SeedProblem:
    """A row that cannot be crawled, with where it is and what to do about it."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def read_seeds(path: str | Path) -> tuple[list[Seed], list[SeedProblem]]:
    """Read a seed CSV file; see `parse_seeds`."""
    text = Path(path).read_text(encoding="utf-8-sig")
    seeds, problems = parse_seeds(text)
    return seeds, [SeedProblem(p.line, f"{path}: {p.message}") for p in problems]


def parse_seeds(text: str) -> tuple[list[Seed], list[SeedProblem]]:
    """Parse CSV text with a `name,url` header into seeds and the problems of bad rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header or "url" not in header:
        return [], [SeedProblem(1, f"the header must name the columns name and url (found {','.join(header) or 'nothing'})")]
    reader.fieldnames = header
    seeds: list[Seed] = []
    problems: list[SeedProblem] = []
    seen_names: dict[str, int] = {}
    seen_urls: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank line
        name = (row.get("name") or "").strip()
        url = (row.get("url") or "").strip()
        problem = _row_problem(name, url)
        if problem is None and name in seen_names:
            problem = f"duplicate name {name!r} (first on line {seen_names[name]}); row skipped"
        if problem is None and (name, url) in seen_urls:
            problem = f"duplicate row for {name!r} (first on line {seen_urls[(name, url)]}); row skipped"
        if problem:
            problems.append(SeedProblem(line, problem))
            continue
        seen_names[name] = line
        seen_urls[(name, url)] = line
        extra = {k: (v or "").strip() for k, v in row.items() if k not in ("name", "url") and isinstance(k, str)}
        seeds.append(Seed(name=name, url=url, extra=extra))
    return seeds, problems


def _row_problem(name: str, url: str) -> str | None:
    """What is wrong with one row, or None."""
    if not name:
        return f"no name for {url or 'an empty url'}; give the bureau's name, e.g. 通城县民政局"
    if not url:
        return f"no url for {name!r}; give the site's address, e.g. http://www.example.gov.cn/"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        return f"bad url {url!r} for {name!r}; it must start with http:// or https:// and name a host"
    return None
