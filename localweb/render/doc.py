"""A report as a legacy Word .doc: the DOCX converted once by LibreOffice, then cached.

LibreOffice's output is not byte-stable and takes seconds, so the conversion is done once
per distinct DOCX and kept under a name derived from the DOCX's hash: first in the
package's own data (``localweb/data/report-<hash>.doc``, shipped, so an installed demo needs no
LibreOffice), else in the user's cache directory. The same DOCX therefore always gives
the same .doc bytes.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PACKAGE_CACHE = Path(__file__).resolve().parent.parent / "data"


def user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nianbao" / "localweb-doc"


def render(docx_bytes: bytes) -> bytes:
    """The .doc conversion of these DOCX bytes, from the cache or from LibreOffice."""
    name = "report-" + hashlib.sha256(docx_bytes).hexdigest()[:16] + ".doc"
    for directory in (PACKAGE_CACHE, user_cache()):
        if (directory / name).is_file():
            return (directory / name).read_bytes()
    data = _convert(docx_bytes)
    for directory in (PACKAGE_CACHE, user_cache()):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / name).write_bytes(data)
            break
        except OSError:
            continue
    return data


def _convert(docx_bytes: bytes) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("the local web's .doc report is not cached and LibreOffice (soffice) is not installed: "
                           "install libreoffice-writer or ship localweb/data/report-*.doc")
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx_bytes)
        # A private profile: a user's running LibreOffice (or a parallel conversion) would
        # otherwise lock the default one and make this call return without converting.
        profile = Path(tmp, "profile").as_uri()
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc",
                        "--outdir", tmp, str(source)], check=True, capture_output=True, timeout=180)
        return (Path(tmp) / "report.doc").read_bytes()
