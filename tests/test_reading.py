"""The crawl's reading processes (crawler/reading.py): lower priority, and never left behind."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# a stand-in for the crawl: it starts the crawl's reading pool, has both processes run, says
# who they are, and waits to be killed
CRAWL = """
import os, sys, time
from crawler.reading import reader_pool
pool = reader_pool(2)
for done in [pool.submit(time.sleep, 1.0) for _ in range(2)]:
    done.result()
print("ready", flush=True)
time.sleep(600)
"""


def readers_of(pid: int) -> list[int]:
    """The reading processes a process started (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children
            if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def running(pid: int) -> bool:
    """Still there and not a zombie (an orphan that ended may wait for init to reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_reading_processes_run_niced_and_end_when_the_crawl_is_killed():
    crawl = subprocess.Popen([sys.executable, "-c", CRAWL], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert crawl.stdout.readline().strip() == "ready"
        readers = readers_of(crawl.pid)
        assert len(readers) == 2
        for reader in readers:
            assert os.getpriority(os.PRIO_PROCESS, reader) >= os.getpriority(os.PRIO_PROCESS, crawl.pid) + 10
        crawl.send_signal(signal.SIGKILL)  # as the OOM killer would: no clean-up runs
        crawl.wait()
        deadline = time.monotonic() + 20
        while any(running(r) for r in readers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [r for r in readers if running(r)], "reading processes outlived the killed crawl"
    finally:
        if crawl.poll() is None:
            crawl.kill()
