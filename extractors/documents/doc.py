"""Word 97 .doc (and RTF) report -> Document, by converting to DOCX with LibreOffice.

catdoc/antiword lose the tables; LibreOffice headless keeps them (~1.5 s a file). The
conversions of one process share a private profile (-env:UserInstallation; building a
fresh one costs several seconds) and run one at a time, so they never fight over
~/.config's lock or another process's profile; each runs in its own temporary directory
under a timeout that never outlasts the caller's deadline; its process group is killed on
timeout so no soffice.bin is left behind. The DOCX is then read by extractors.documents.docx.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from extractors.document import Document
from extractors.documents import docx
from extractors.errors import ExtractionError

CONVERT_TIMEOUT_S = 60.0
_CONVERTERS = ("soffice", "libreoffice")
_profile_lock = threading.Lock()
_profile_dir: str | None = None


def _profile() -> str:
    """This process's LibreOffice profile directory, made on first use, removed at exit."""
    global _profile_dir
    if _profile_dir is None:
        _profile_dir = tempfile.mkdtemp(prefix="nianbao-lo-profile-")
        atexit.register(shutil.rmtree, _profile_dir, True)
    return _profile_dir


def converter() -> str | None:
    """Path of the LibreOffice binary, or None when it is not installed."""
    for name in _CONVERTERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def read(data: bytes, *, deadline: float, **_) -> Document:
    binary = converter()
    if binary is None:
        raise ExtractionError("unsupported", ".doc/.rtf needs LibreOffice to convert it: install libreoffice-writer-nogui")
    timeout = min(CONVERT_TIMEOUT_S, deadline - time.monotonic())
    if timeout <= 1:
        raise ExtractionError("timeout", "no time left to convert the .doc with LibreOffice")
    with _profile_lock:
        converted = _convert(binary, data, timeout)
    document = docx.read(converted, deadline=deadline)
    document.kind = "doc"
    return document


def _convert(binary: str, data: bytes, timeout: float) -> bytes:
    suffix = ".rtf" if data.lstrip()[:5] == b"{\\rtf" else ".doc"
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        work = Path(tmp)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        command = [binary, f"-env:UserInstallation={Path(_profile()).as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", "docx", "--outdir", str(work / "out"), str(source)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, "HOME": _profile()})
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ExtractionError("timeout", f"LibreOffice did not convert the document within {timeout:.0f} s") from None
        except BaseException:  # interrupted (the extractor's hard time limit, Ctrl-C): leave no soffice behind
            os.killpg(process.pid, signal.SIGKILL)
            raise
        result = work / "out" / "report.docx"
        if process.returncode != 0 or not result.exists():
            message = stderr.decode("utf-8", "replace").strip()[-300:] or f"exit status {process.returncode}"
            raise ExtractionError("corrupt", f"LibreOffice could not convert the document: {message}")
        return result.read_bytes()
