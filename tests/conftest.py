"""Shared pytest fixtures. The local web of bureau sites lives in localweb.pytest_plugin,
a throw-away Redis (for the distributed mode) in localweb.redis_plugin."""
import importlib.util

pytest_plugins = [name for name in ("localweb.pytest_plugin", "localweb.redis_plugin")
                  if importlib.util.find_spec(name) is not None]
