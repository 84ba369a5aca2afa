"""Shared pytest fixtures. The local web of bureau sites lives in localweb.pytest_plugin."""
import importlib.util

if importlib.util.find_spec("localweb.pytest_plugin") is not None:
    pytest_plugins = ["localweb.pytest_plugin"]
