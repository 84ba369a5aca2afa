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
        return f"line {self.line}: {self.message}" if self.line else self.message


class SeedListError(Exception):
    """A seed list with nothing to crawl: a crawl of it would do nothing and look like a quiet night."""


def usable_seeds(path: str | Path) -> tuple[list[Seed], list[SeedProblem]]:
    """The seeds of a CSV file and the problems of its bad rows; SeedListError when no row is usable.

    Checked before a crawl starts, so a wrong header or a list of bad URLs stops the
    command with its reasons instead of starting Scrapy on nothing.
    """
    seeds, problems = read_seeds(path)
    if seeds:
        return seeds, problems
    rows = [p for p in problems if p.line > 1]
    if rows:
        raise SeedListError(f"{path}: none of its rows is a usable seed ({len(rows)} skipped, each said above); "
                            "nothing was crawled")
    if problems:  # the file itself: unreadable, not text, a wrong header
        raise SeedListError(f"{problems[-1]}; nothing was crawled")
    raise SeedListError(f"{path}: no rows under its name,url header; nothing was crawled")


def read_seeds(path: str | Path) -> tuple[list[Seed], list[SeedProblem]]:
    """Read a seed CSV file (UTF-8, or GB18030 as Excel saves CSV on a Chinese Windows); see `parse_seeds`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return [], [SeedProblem(0, f"{path}: cannot be read ({exc.strerror or exc})")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            return [], [SeedProblem(line, f"{path}: neither UTF-8 nor GB18030 (byte {exc.start}); save it as CSV UTF-8")]
    seeds, problems = parse_seeds(text)
    return seeds, [SeedProblem(p.line, f"{path}: {p.message}") for p in problems]


def parse_seeds(text: str) -> tuple[list[Seed], list[SeedProblem]]:
    """Parse CSV text with a `name,url` header into seeds and the problems of bad rows."""
    problems: list[SeedProblem] = []
    if "\x00" in text:  # the csv module stops at a NUL; a file saved as UTF-16 is full of them
        problems.append(SeedProblem(1, "NUL characters removed (was the file saved as UTF-16? save it as CSV UTF-8)"))
        text = text.replace("\x00", "")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [*problems, SeedProblem(1, f"the header line cannot be read as CSV ({exc})")]
    if "name" not in header or "url" not in header:
        return [], [*problems, SeedProblem(1, f"the header must name the columns name and url (found {','.join(header) or 'nothing'})")]
    reader.fieldnames = header
    seeds: list[Seed] = []
    seen_names: dict[str, int] = {}
    seen_urls: dict[tuple[str, str], int] = {}
    for row in _rows(reader, problems):
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


def _rows(reader: csv.DictReader, problems: list[SeedProblem]):
    """The reader's rows; a line the csv module cannot read is a problem, not the end."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            # the line that failed is not counted yet
            problems.append(SeedProblem(reader.line_num + 1, f"cannot be read as CSV ({exc}); row skipped"))


def _row_problem(name: str, url: str) -> str | None:
    """What is wrong with one row, or None."""
    if not name:
        return f"no name for {url or 'an empty url'}; give the bureau's name, e.g. 通城县民政局"
    if not url:
        return f"no url for {name!r}; give the site's address, e.g. http://www.example.gov.cn/"
    bad = f"bad url {url!r} for {name!r}; it must start with http:// or https:// and name a host"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port out of range or not a number
    except ValueError as exc:  # an unclosed [IPv6 bracket, port 99999 …
        return f"{bad} ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return bad
    return None
