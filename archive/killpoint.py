"""A test hook: SIGKILL this process at an exact point of the archive's writing.

    NIANBAO_TEST_KILL=<transaction>:<before|after>:<n>     e.g. store:before:3

kills the process inside the n-th `<transaction>` transaction of the process, after all
its statements and just before its COMMIT (`before`), or just after the COMMIT
(`after`). The names are those given to `archive.schema.transaction()`: upgrade, views,
begin_crawl, store, mark_gone, end_crawl, batch (several stores, one commit). A store or
mark_gone inside a batch is a savepoint: `before` is at its end, it has no `after`.

Why it exists: proving that a crawl killed at any moment leaves a consistent archive
(tests/test_crash_safety.py) needs kills *inside* a transaction and right at its edges,
which no signal sent from outside can hit reliably. Only tests set the variable; unset,
the hook costs one dictionary lookup per transaction. Before dying it prints one line to
stderr (`killpoint: store before #3`), so the test knows which point it hit.
"""
from __future__ import annotations

import os
import signal
import sys
from collections import Counter

ENV = "NIANBAO_TEST_KILL"

_seen: Counter = Counter()


def _target() -> tuple[str, str, int] | None:
    spec = os.environ.get(ENV)
    if not spec:
        return None
    name, when, n = spec.split(":")
    if when not in ("before", "after"):
        raise ValueError(f"{ENV}={spec!r}: the middle part must be 'before' or 'after'")
    return name, when, int(n)


def reached(name: str | None, when: str) -> None:
    """Called by `transaction()` before and after each COMMIT; kills at the chosen one."""
    target = _target()
    if target is None or name != target[0]:
        return
    if when == "before":
        _seen[name] += 1
    if (when, _seen[name]) == target[1:]:
        sys.stderr.write(f"killpoint: {name} {when} #{_seen[name]}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
