"""Shared pytest fixtures. The local web of bureau sites lives in localweb.pytest_plugin,
a throw-away Redis (for the distributed mode) in localweb.redis_plugin."""
import importlib.util
import json
import os

# Every crawl the tests start, in this process or as a subprocess, is of a local web on
# 127.0.0.0/8, which the crawler's SSRF guard refuses by default (crawler/settings.py);
# the guard's own tests turn it back off with -s NIANBAO_ALLOW_PRIVATE_HOSTS=False.
os.environ.setdefault("NIANBAO_ALLOW_PRIVATE_HOSTS", "1")
# The tests read a crawl's log from its stderr, as `-v` shows it (crawler/console.py); the
# tests of the quiet default take the variable out of their processes' environment.
os.environ.setdefault("NIANBAO_VERBOSE", "1")

pytest_plugins = [name for name in ("localweb.pytest_plugin", "localweb.redis_plugin")
                  if importlib.util.find_spec(name) is not None]


import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

DAY1_CRAWL_SETTINGS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
                       "-s", "RETRY_BACKOFF_MAX=2", "-s", "NIANBAO_PROGRESS_INTERVAL=2"]


@pytest.fixture(scope="session")
def day1_crawl(local_web, tmp_path_factory):
    """One uninterrupted single-process crawl of the whole day-1 web: JSON Lines, an archive,
    the crawl's log and the local web's access log of it.

    Shared by the crawler's scoring tests and the distributed test's reference (the same
    crawl twice cost CI about 90 s); nobody writes to these files after this.
    """
    work = tmp_path_factory.mktemp("crawl_day1")
    out, db, log_path = work / "reports.jsonl", work / "archive.db", work / "crawl.log"
    before = len(local_web.log)
    with open(log_path, "w", encoding="utf-8") as handle:
        result = subprocess.run([sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(local_web.seeds_path),
                                 "--jsonl", str(out), "--db", str(db), *DAY1_CRAWL_SETTINGS],
                                cwd=Path(__file__).resolve().parent.parent, stdout=handle, stderr=subprocess.STDOUT,
                                timeout=900)
    text = log_path.read_text(encoding="utf-8")
    assert result.returncode == 0, text[-3000:]
    return {"out": out, "db": db, "log": text, "log_path": log_path, "access": list(local_web.log[before:]),
            "sites": json.loads(Path(str(out) + ".sites.json").read_text())}
