"""Files zipped as a bureau's Windows archiver zips them: member names in GBK, no UTF-8 flag.

zipfile writes a non-ASCII name in UTF-8 and flags it; 360压缩, WinRAR and Windows' own
"send to compressed folder" on a Chinese system write GBK bytes and no flag. So each name
is written as an ASCII placeholder of the same byte length and then swapped for its GBK
bytes. Dates are fixed, so the same members always give the same bytes.
"""
from __future__ import annotations

import io
import zipfile

_DATE = (2025, 1, 1, 0, 0, 0)


def gbk_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    names = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            placeholder = f"@{i:03d}@".encode().ljust(len(raw), b"@")
            names[placeholder] = raw
            archive.writestr(zipfile.ZipInfo(placeholder.decode(), _DATE), data)
    data = buffer.getvalue()
    for placeholder, raw in names.items():
        assert data.count(placeholder) == 2, "a placeholder is also in the data"  # local header + central directory
        data = data.replace(placeholder, raw)
    return data
