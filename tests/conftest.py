"""Shared pytest fixtures. The local web of bureau sites lives in localweb.pytest_plugin,
a throw-away Redis (for the distributed mode) in localweb.redis_plugin."""
import importlib.util
import os

# Every crawl the tests start, in this process or as a subprocess, is of a local web on
# 127.0.0.0/8, which the crawler's SSRF guard refuses by default (crawler/settings.py);
# the guard's own tests turn it back off with -s NIANBAO_ALLOW_PRIVATE_HOSTS=False.
os.environ.setdefault("NIANBAO_ALLOW_PRIVATE_HOSTS", "1")

pytest_plugins = [name for name in ("localweb.pytest_plugin", "localweb.redis_plugin")
                  if importlib.util.find_spec(name) is not None]
