"""pytest fixtures for the local web of bureau sites (loaded by tests/conftest.py).

``local_web`` (session scope) generates day 1 once, serves every site from background
threads of the test process on free ports of 127.0.0.1, writes the seed list, gold and
decoys to a temporary directory, and yields a `LocalWebHandle`. Tests that need day 2
call ``local_web.switch_day(2)`` (same ports, new content) and should switch back, or
use ``local_web.start_day(2)`` for a separate web on other ports.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from localweb.server import LocalWeb
from localweb.web import Web, build_web

# Test-friendly knobs: the slow page is slow enough to notice, the big file big enough
# to be over the extractor's limit but quick to stream.
TEST_OPTIONS = {"slow_seconds": 1.0, "large_file_mb": 48}


@dataclass
class LocalWebHandle:
    server: LocalWeb
    out_dir: Path
    webs: dict[int, Web] = field(default_factory=dict)
    day: int = 1
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def urls(self) -> dict[str, str]:
        """Site key -> base URL (http://127.0.0.1:PORT)."""
        return self.server.urls

    @property
    def web(self) -> Web:
        return self.webs[self.day]

    @property
    def log(self):
        """The access log: every request served, in order (localweb.server.Access)."""
        return self.server.log

    @property
    def seeds_path(self) -> Path:
        return self.files["seeds"]

    @property
    def gold(self) -> list[dict]:
        return self.web.gold(self.urls)

    @property
    def decoys(self) -> list[dict]:
        return self.web.decoys(self.urls)

    @property
    def seeds(self) -> list[dict]:
        return self.web.seeds(self.urls)

    def generate(self, day: int) -> Web:
        if day not in self.webs:
            self.webs[day] = build_web(day, **TEST_OPTIONS)
        return self.webs[day]

    def switch_day(self, day: int) -> None:
        """Serve `day` behind the same ports and write its seed/gold/decoy files."""
        self.server.switch(self.generate(day))
        self.day = day
        self.files = self.web.write(self.out_dir, self.urls)

    @contextlib.contextmanager
    def start_day(self, day: int):
        """A second, independent web of `day` on other free ports (its own log)."""
        with LocalWeb(self.generate(day)) as other:
            yield other

    def gold_jsonl(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.gold)


@pytest.fixture(scope="session")
def local_web(tmp_path_factory):
    """The local web of bureau sites, day 1, served for the whole test session."""
    handle = LocalWebHandle(server=LocalWeb(build_web(1, **TEST_OPTIONS)), out_dir=tmp_path_factory.mktemp("localweb"))
    handle.webs[1] = handle.server.web
    handle.files = handle.web.write(handle.out_dir, handle.urls)
    handle.server.start()
    try:
        yield handle
    finally:
        handle.server.stop()
