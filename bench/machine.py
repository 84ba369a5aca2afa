"""What the machine under a benchmark is like: load, cores, and how late its timers fire.

Every politeness delay, retry backoff and wait for a page to settle is a timer. On the
development VM a 50 ms sleep sometimes returns after more than a second (an idle
virtual CPU is woken late), which stretches every timed wait of a crawl and none of a
bare spider's, so a benchmark's ratios mean little without this figure beside them.
"""
from __future__ import annotations

import os
import statistics
import time


def timer_lateness(samples: int = 40, seconds: float = 0.05) -> dict[str, float]:
    """Sleep `samples` times for `seconds`; how late the wake-ups were (seconds)."""
    late = []
    for _ in range(samples):
        started = time.monotonic()
        time.sleep(seconds)
        late.append(time.monotonic() - started - seconds)
    late.sort()
    return {"median": statistics.median(late), "p90": late[int(0.9 * (len(late) - 1))], "max": late[-1],
            "share_over_100ms": sum(x > 0.1 for x in late) / len(late)}


def describe() -> str:
    """One line for the top of a benchmark's output."""
    late = timer_lateness()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"machine: {os.cpu_count()} cores, load average {load}; a 50 ms sleep wakes late by "
            f"{late['median'] * 1000:.0f} ms (median), {late['p90'] * 1000:.0f} ms (p90), {late['max'] * 1000:.0f} ms (max); "
            f"{late['share_over_100ms']:.0%} over 100 ms late")


if __name__ == "__main__":
    print(describe())
