"""A CPU budget per worker process, so that one machine can stand in for several.

bench/national.py asks whether adding a worker *machine* speeds a night up. On one
2-core machine, worker processes are no machines: one worker already spreads itself
and its reading processes over both cores (1.45 of 2 in a first national night), so a
second worker adds little CPU, and what the bench then measures is how much CPU was
left, not how the crawl scales. A machine brings a fixed amount of CPU of its own; so
here each worker (with the reading processes it starts, which inherit its group) gets
its own Linux CPU cgroup with a quota of `cores` cores: one worker gets `cores`, two
get twice that, as two machines would. The simulated web, Redis and the writer run
outside the groups, on what is left.

cgroup v1 (a `cpu` hierarchy with `cpu.cfs_quota_us`) and v2 (`cpu.max`) are both
understood; creating groups needs root. Where neither can be written, `CpuBudget`
raises `CpuBudgetUnavailable` with the reason, and the bench says so instead of
printing figures it did not measure.
"""
from __future__ import annotations

import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


class CpuBudgetUnavailable(RuntimeError):
    """This machine gives no writable CPU cgroups (not root, or no cpu controller)."""


class CpuBudget:
    """Per-worker CPU groups of `cores` cores each; `place(n, pid)` puts a process in the n-th.

    A context manager: on exit, processes still in the groups go back to the root group
    and the groups are removed.
    """

    def __init__(self, cores: float, root: Path = CGROUP_ROOT):
        if cores <= 0:
            raise ValueError("a CPU budget must be more than 0 cores")
        self.cores = cores
        self.name = f"nianbao-bench-{os.getpid()}"
        self.groups: dict[int, Path] = {}
        if (root / "cpu" / "cpu.cfs_quota_us").exists():       # v1: its own cpu hierarchy
            self.base, self.version = root / "cpu", 1
        elif "cpu" in _read(root / "cgroup.controllers").split():  # v2: the unified hierarchy
            self.base, self.version = root, 2
        else:
            raise CpuBudgetUnavailable(f"no cgroup cpu controller under {root}")
        try:
            if self.version == 2 and "cpu" not in _read(self.base / "cgroup.subtree_control").split():
                (self.base / "cgroup.subtree_control").write_text("+cpu")
            (self.base / self.name).mkdir(exist_ok=True)
        except OSError as exc:
            raise CpuBudgetUnavailable(f"cannot create a CPU cgroup under {self.base}: {exc}") from None
        if self.version == 2:
            try:
                (self.base / self.name / "cgroup.subtree_control").write_text("+cpu")
            except OSError as exc:
                self.close()
                raise CpuBudgetUnavailable(f"cannot delegate the cpu controller: {exc}") from None

    def group(self, n: int) -> Path:
        """The n-th worker's group, made on first use."""
        if n not in self.groups:
            path = self.base / self.name / f"worker{n}"
            path.mkdir(exist_ok=True)
            quota = int(self.cores * PERIOD_US)
            if self.version == 1:
                (path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
                (path / "cpu.cfs_quota_us").write_text(str(quota))
            else:
                (path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            self.groups[n] = path
        return self.groups[n]

    def place(self, n: int, pid: int) -> None:
        """Put process `pid` (and so every process it starts from now on) in the n-th group."""
        (self.group(n) / "cgroup.procs").write_text(str(pid))

    def members(self, n: int) -> list[int]:
        return [int(line) for line in _read(self.group(n) / "cgroup.procs").split()]

    def quota(self, n: int) -> float:
        """The n-th group's budget in cores, as the kernel holds it."""
        if self.version == 1:
            return int(_read(self.group(n) / "cpu.cfs_quota_us")) / int(_read(self.group(n) / "cpu.cfs_period_us"))
        quota, period = _read(self.group(n) / "cpu.max").split()
        return int(quota) / int(period)

    def throttled(self) -> float:
        """Seconds the groups' processes were held back by their quotas so far (summed over
        groups): near the wall time, the workers were bound by their CPU budget."""
        total = 0.0
        for path in self.groups.values():
            stat = dict(line.split() for line in _read(path / "cpu.stat").splitlines() if line.count(" ") == 1)
            total += int(stat.get("throttled_time", 0)) / 1e9 if self.version == 1 else int(stat.get("throttled_usec", 0)) / 1e6
        return total

    def close(self) -> None:
        top = self.base / self.name
        for path in [*self.groups.values(), top]:
            if not path.exists():
                continue
            for pid in _read(path / "cgroup.procs").split():
                try:  # a process still running (a test's, or a worker being killed) leaves the group
                    (self.base / "cgroup.procs").write_text(pid)
                except OSError:
                    pass  # it has exited meanwhile
        for path in [*self.groups.values(), top]:
            try:
                path.rmdir()
            except OSError:
                pass  # a process still exiting keeps it busy: an empty group left behind costs nothing
        self.groups.clear()

    def __enter__(self) -> "CpuBudget":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
