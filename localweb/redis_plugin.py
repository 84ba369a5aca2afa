"""pytest fixtures for a real Redis (loaded by tests/conftest.py).

``redis_server`` (session scope) starts one `redis-server` for the whole session
(localweb.redis_server); ``redis_url`` gives each test an empty database on it
(FLUSHALL before the test), so tests never see each other's queues. Both skip the test
when redis-server is not installed, rather than fail, so a machine without it still
runs everything else.
"""
from __future__ import annotations

import pytest

from localweb import redis_server as _redis


@pytest.fixture(scope="session")
def redis_server():
    """A redis-server on a free port of 127.0.0.1, stopped after the session."""
    if not _redis.available():
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    with _redis.RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server) -> str:
    """redis://127.0.0.1:PORT/0, emptied before the test."""
    import redis

    client = redis.Redis.from_url(redis_server.url())
    client.flushall()
    client.close()
    return redis_server.url()
