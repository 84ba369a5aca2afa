"""The processes that read documents for a crawl (crawler.pipelines.ExtractPipeline).

What every reading process needs from the start, whatever it reads:

- a memory limit (`limit_memory`), so that one hostile document cannot take the machine;

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
import resource
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

NICENESS = 10              # added to the crawl's own
ORPHAN_CHECK_SECONDS = 1.0


def reader_pool(workers: int, memory_mb: int = 0) -> ProcessPoolExecutor:
    """A pool of `workers` fresh reading processes (spawned: no copy of the crawl's state),
    each with at most `memory_mb` MB of address space (0: no limit)."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_reader, initargs=(os.getpid(), NICENESS, memory_mb))


def start_reader(parent: int, niceness: int, memory_mb: int = 0) -> None:
    """Initializer of a reading process: lower priority, and end with the crawl.

    SIGINT and SIGTERM are the crawl's to act on: Ctrl-C reaches the whole process group
    and `systemctl stop` the whole service, and a reader that died of them would fail the
    document in its hands (and print a traceback) while the crawl is still finishing what
    is in flight; the crawl ends its readers as it closes.
    """
    os.nice(niceness)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    if memory_mb > 0:
        limit_memory(memory_mb)
    threading.Thread(target=_end_with, args=(parent,), name="end-with-crawl", daemon=True).start()


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (RLIMIT_AS; the soft limit, inherited by LibreOffice).

    The document checks bound what they know of (inflated sizes, filter chains, forms
    drawn, XML elements), but a reader library can still be made to build gigabytes by
    what no check foresees; 2 to 4 readers run at once beside the crawl and the browser. Over
    the cap an allocation fails: Python raises MemoryError, which `extractors.extract`
    turns into ExtractionError("hostile"), and the crawl goes on.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _end_with(parent: int) -> None:
    while True:
        time.sleep(ORPHAN_CHECK_SECONDS)
        if os.getppid() != parent:  # the crawl is gone: this process was handed to init
            os._exit(0)
