"""`nianbao serve` as a real server and a headless chromium page on it, for the tests that
look at the archive as a researcher's browser shows it (screenshots kept in artifacts/)."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def artifact(name: str) -> Path:
    """Where a screenshot is kept (NIANBAO_ARTIFACTS, default ./artifacts)."""
    folder = Path(os.environ.get("NIANBAO_ARTIFACTS", "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return (folder / name).resolve()


@contextlib.contextmanager
def browser_on(db: Path, height: int):
    """(base URL, a chromium page 1400 wide) on `nianbao serve` of db; both stopped after."""
    import httpx
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute for datasette to start on a busy machine
            try:
                if httpx.get(f"{base}/-/versions.json").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                yield base, browser.new_page(viewport={"width": 1400, "height": height})
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
