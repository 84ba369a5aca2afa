"""bench/cpu_budget.py: a worker process and what it starts share one CPU group with a quota."""
from __future__ import annotations

import subprocess
import sys

import pytest

from bench.cpu_budget import CpuBudget, CpuBudgetUnavailable

# A child that starts a grandchild (as a worker starts its reading processes), then waits.
FAMILY = ("import subprocess, sys, time\n"
          "kid = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
          "print(kid.pid, flush=True)\n"
          "time.sleep(30)\n")


@pytest.fixture
def budget():
    try:
        with CpuBudget(0.5) as made:
            yield made
    except CpuBudgetUnavailable as exc:
        pytest.skip(f"no writable CPU cgroups here: {exc}")


def test_a_placed_process_and_the_processes_it_starts_share_its_quota(budget):
    parent = subprocess.Popen([sys.executable, "-c", FAMILY], stdout=subprocess.PIPE, text=True)
    try:
        budget.place(1, parent.pid)
        child = int(parent.stdout.readline())
        assert budget.quota(1) == pytest.approx(0.5)
        assert set(budget.members(1)) == {parent.pid, child}
        assert budget.members(2) == []           # a second worker's group is its own
        assert budget.quota(2) == pytest.approx(0.5)
    finally:
        parent.kill()
        parent.wait()


def test_closing_leaves_no_group_behind_even_with_processes_still_in_it():
    try:
        budget = CpuBudget(0.25)
    except CpuBudgetUnavailable as exc:
        pytest.skip(f"no writable CPU cgroups here: {exc}")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        budget.place(1, sleeper.pid)
        top = budget.base / budget.name
        budget.close()
        assert not top.exists()
        assert sleeper.poll() is None            # moved out, not killed
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_budget_of_no_cores_is_refused():
    with pytest.raises(ValueError, match="more than 0"):
        CpuBudget(0)
