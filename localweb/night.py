"""One night of the distributed crawl as real processes, for the tests and bench/national.py.

What an operator runs (README, "Distributed mode"), in order: `nianbao crawl --redis URL
--reset`, then the writer `nianbao store --redis URL --db ARCHIVE`, then N workers
`nianbao crawl --seeds CSV --redis URL`. The workers finish when the queue is empty and
no worker holds a lease; the last one out tells the writer to stop. Each process logs to
its own file under `work`, so a failing test can show what happened.
"""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
WRITER_READY = "report validators published"


def nianbao(*args: str) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", *args]


@dataclass
class Night:
    """The processes of one night: a writer and workers (more can be added while it runs)."""
    redis_url: str
    seeds: Path
    db: Path
    work: Path
    settings: list[str] = field(default_factory=list)     # -s KEY=VALUE for the workers
    writer: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    # called with (n, pid) as the n-th worker (from 1) starts: bench/national.py puts it in its CPU budget
    on_worker_start: Callable[[int, int], None] | None = None

    @property
    def stored(self) -> Path:
        """The writer's standard output: one line per item stored (outcome, organ, year, url)."""
        return self.work / "writer.out"

    def reset(self) -> str:
        result = subprocess.run(nianbao("crawl", "--redis", self.redis_url, "--reset"), cwd=REPO,
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"reset failed: {result.stderr[-2000:]}")
        return result.stdout

    def start_writer(self, timeout: float = 120) -> None:
        log = self.work / "writer.log"
        self.writer = subprocess.Popen(nianbao("store", "--redis", self.redis_url, "--db", str(self.db)), cwd=REPO,
                                       stdout=self.stored.open("w", encoding="utf-8"),
                                       stderr=log.open("w", encoding="utf-8"))
        deadline = time.monotonic() + timeout
        while WRITER_READY not in log.read_text(encoding="utf-8"):
            if self.writer.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the writer did not start: {log.read_text(encoding='utf-8')[-2000:]}")
            time.sleep(0.1)

    def start_worker(self) -> subprocess.Popen:
        log = self.work / f"worker{len(self.workers) + 1}.log"
        self.logs.append(log)
        # the local webs are on 127.0.0.0/8, which the crawler's SSRF guard refuses by default
        worker = subprocess.Popen(nianbao("crawl", "--seeds", str(self.seeds), "--redis", self.redis_url,
                                          "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True", *self.settings), cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=log.open("w", encoding="utf-8"))
        self.workers.append(worker)
        if self.on_worker_start is not None:
            self.on_worker_start(len(self.workers), worker.pid)
        return worker

    def wait(self, timeout: float) -> None:
        """Until every worker and the writer have exited; raises if one failed or time ran out."""
        deadline = time.monotonic() + timeout
        for process in [*self.workers, self.writer]:
            try:
                process.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stop()
                raise RuntimeError(f"the night did not end in {timeout:.0f} s:\n{self.tail()}") from None
        failed = [w for w in self.workers if w.returncode not in (0, -9)] \
            + ([self.writer] if self.writer.returncode != 0 else [])
        if failed:
            raise RuntimeError(f"{len(failed)} processes failed:\n{self.tail()}")

    def stop(self) -> None:
        for process in [*self.workers, self.writer]:
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    def tail(self, chars: int = 1500) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(encoding='utf-8')[-chars:]}"
                         for log in [*self.logs, self.work / "writer.log"] if log.exists())
