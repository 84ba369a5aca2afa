"""What a crawl shows on the terminal, and where its full log goes.

Scrapy's log (its versions, middlewares, settings, a line per report, the stats dump)
is for whoever investigates a night, not for whoever runs one: it goes to a log file
(`log_file_for`: beside the archive), and the terminal gets the command's own lines
(seed problems, the summary), the log's errors as one line each, and progress:

- on a terminal, one live line (tqdm: sites done of total, reports, pages, errors,
  blocks, elapsed), redrawn in place and gone when the crawl ends;
- otherwise (cron, systemd's journal, a pipe), a plain line every
  NIANBAO_PROGRESS_LINES_SECONDS, which a journal can keep.

`verbose` puts Scrapy's log on the terminal as well (and no progress line, the log has
its own); `quiet` shows errors only. tqdm rather than rich: one small pure-Python
package, whose `tqdm.write` lets a log line be printed above the live line without
tearing it.
"""
from __future__ import annotations

import logging
import shutil
import sys
import time
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.sitestats import progress_text, site_stats_for

VERBOSITIES = ("quiet", "normal", "verbose")


def log_file_for(db: str | None, jsonl: str | None) -> Path | None:
    """The default log file: beside the archive (`<db>.log`), else beside the JSON Lines."""
    target = db or jsonl
    return Path(f"{target}.log") if target else None


def output_settings(verbosity: str, log_file: Path | None, stream=None) -> dict:
    """Scrapy settings for where the log goes and which progress display the crawl shows."""
    stream = stream or sys.stderr
    display = "off"
    if verbosity == "normal":
        display = "tty" if stream.isatty() else "lines"
    settings = {"NIANBAO_PROGRESS_DISPLAY": display, "LOG_INSTALL_ROOT_HANDLER": True}
    if log_file is not None:
        settings.update({"LOG_FILE": str(log_file), "LOG_FILE_APPEND": True})
    return settings


class OneLineFormatter(logging.Formatter):
    """A log record as one line, its traceback left to the log file."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().strip().splitlines() or [""]
        return f"{record.levelname}: {message[0]}"


class TerminalHandler(logging.Handler):
    """Log lines for the terminal, printed above the live progress line when there is one."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            if ProgressDisplay.active is not None:
                ProgressDisplay.active.write(text, file=sys.stderr)
            else:
                print(text, file=sys.stderr, flush=True)
        except Exception:  # noqa: BLE001 - logging must never break the crawl
            self.handleError(record)


def attach_terminal(verbosity: str, settings, log_file: Path | None) -> logging.Handler | None:
    """Add the terminal's log handler to the root logger (Scrapy's own handler writes the file).

    Without a log file Scrapy's handler already writes to stderr: nothing to add.
    """
    if log_file is None:
        return None
    handler = TerminalHandler()
    if verbosity == "verbose":
        handler.setLevel(settings.get("LOG_LEVEL") or "INFO")
        handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    else:
        handler.setLevel(logging.ERROR)
        handler.setFormatter(OneLineFormatter())
    logging.getLogger().addHandler(handler)
    return handler


def detach_terminal(handler: logging.Handler | None) -> None:
    if handler is not None:
        logging.getLogger().removeHandler(handler)


class ProgressDisplay:
    """The progress line (a terminal) or periodic progress lines (anything else) of a crawl."""

    active = None  # the live tqdm bar, for TerminalHandler

    def __init__(self, crawler, mode: str):
        self.crawler = crawler
        self.mode = mode
        self.stats = site_stats_for(crawler)
        self.interval = 1.0 if mode == "tty" else crawler.settings.getfloat("NIANBAO_PROGRESS_LINES_SECONDS", 30.0)
        self.started = time.monotonic()
        self.loop = None
        self.bar = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        mode = crawler.settings.get("NIANBAO_PROGRESS_DISPLAY", "off")
        if mode not in ("tty", "lines"):
            raise NotConfigured
        return cls(crawler, mode)

    def spider_opened(self, spider):
        if self.mode == "tty":
            from tqdm import tqdm

            # a terminal that reports no size (a bare pty, some CI consoles) would get no line at all
            size = shutil.get_terminal_size()
            self.bar = tqdm(total=0, file=sys.stderr, leave=False, ncols=size.columns, nrows=size.lines, unit="site",
                            bar_format="{n_fmt}/{total_fmt} sites done |{bar:12}| {desc} [{elapsed}]")
            ProgressDisplay.active = self.bar
        if self.interval > 0:
            self.loop = task.LoopingCall(self.show)
            self.loop.start(self.interval, now=self.mode == "tty")

    def show(self) -> None:
        totals = self.stats.totals()
        if self.bar is not None:
            self.bar.total = totals["sites"]
            self.bar.n = totals["sites_done"]
            self.bar.set_description_str(f"{totals['reports']} reports, {totals['pages']} pages, "
                                         f"{totals['errors']} errors, {totals['blocks']} blocks", refresh=False)
            self.bar.refresh()
        else:
            elapsed = int(time.monotonic() - self.started)
            print(f"{progress_text(totals)}, {elapsed // 60}m{elapsed % 60:02d}s", file=sys.stderr, flush=True)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.bar is not None:
            self.bar.close()
            self.bar = None
            ProgressDisplay.active = None
