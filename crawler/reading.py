"""The processes that read documents for a crawl (crawler.pipelines.ExtractPipeline).

What every reading process needs from the start, whatever it reads:

- a lower CPU priority than the crawl (`nice`), so downloads, politeness timers and the
  browser's waits keep their time while documents are read;
- to end with the crawl. A crawl killed with SIGKILL (the OOM killer, an operator) leaves
  its ProcessPoolExecutor workers behind, and they never learn of it: each holds the write
  end of its own task queue, so no end-of-file ever comes, and they would wait for work
  forever, two more with every killed night. A thread in each worker checks once a second
  that the process that started it is still its parent, and ends the worker if not.

Light on purpose: the spawn start method imports this module in every new worker.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

NICENESS = 10              # added to the crawl's own
ORPHAN_CHECK_SECONDS = 1.0


def reader_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` fresh reading processes (spawned: no copy of the crawl's state)."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_reader, initargs=(os.getpid(), NICENESS))


def start_reader(parent: int, niceness: int) -> None:
    """Initializer of a reading process: lower priority, and end with the crawl.

    SIGINT and SIGTERM are the crawl's to act on: Ctrl-C reaches the whole process group
    and `systemctl stop` the whole service, and a reader that died of them would fail the
    document in its hands (and print a traceback) while the crawl is still finishing what
    is in flight; the crawl ends its readers as it closes.
    """
    os.nice(niceness)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), name="end-with-crawl", daemon=True).start()


def _end_with(parent: int) -> None:
    while True:
        time.sleep(ORPHAN_CHECK_SECONDS)
        if os.getppid() != parent:  # the crawl is gone: this process was handed to init
            os._exit(0)
