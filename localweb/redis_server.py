"""A throw-away Redis for tests and benchmarks: Debian's `redis-server` on 127.0.0.1.

The distributed mode (crawler/distributed.py) needs a real Redis: scrapy-redis's queue,
seen-URL set and item list are Redis commands we do not want to imitate with a fake.
This starts one `redis-server` process on a free port of 127.0.0.1 with its own
temporary directory and no persistence (no RDB snapshots, no AOF), so nothing outlives
the test, and stops it afterwards. `.ci/run` installs the package; where it is absent,
`available()` is False and the tests that need it skip.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

STARTUP_SECONDS = 10.0


def executable() -> str | None:
    """The redis-server binary on PATH, or None."""
    return shutil.which("redis-server")


def available() -> bool:
    return executable() is not None


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the server may still lose a race for it: we retry)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class RedisServer:
    """One redis-server process: `url` is redis://127.0.0.1:PORT/0 once started."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        if not available():
            raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
        self.host = host
        self.port = port
        self.process: subprocess.Popen | None = None
        self.directory: Path | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://{self.host}:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.directory = Path(tempfile.mkdtemp(prefix="nianbao-redis-"))
        for _attempt in range(5):
            port = self.port or free_port(self.host)
            self.process = subprocess.Popen(
                [executable(), "--bind", self.host, "--port", str(port), "--dir", str(self.directory),
                 "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
                 "--databases", "16", "--loglevel", "warning", "--logfile", str(self.directory / "redis.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready(port):
                self.port = port
                return self
            self.process.kill()
            self.process.wait()
            if self.port:  # a fixed port that does not work will not start working
                break
        log = self.directory / "redis.log"
        raise RuntimeError(f"redis-server did not start on {self.host}: "
                           f"{log.read_text(errors='replace')[-500:] if log.exists() else 'no log'}")

    def _wait_ready(self, port: int) -> bool:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # exited: port taken, bad option
            try:
                with socket.create_connection((self.host, port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # nothing to save (no persistence), and SIGTERM's orderly shutdown costs ~1 s
            self.process.kill()
            self.process.wait()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
