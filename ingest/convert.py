"""Old office formats (.doc, .odt, .rtf) converted to .docx by LibreOffice headless, then read as a .docx is.

LibreOffice runs with a throw-away profile (-env:UserInstallation) and HOME in a temporary folder, so it
neither reads nor changes the user's settings and two conversions never share a profile lock; it is
killed with its process group after ``TIMEOUT`` seconds.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .external import ExternalError, need, run

__all__ = ["CONVERTED", "to_docx", "TIMEOUT"]

CONVERTED = (".doc", ".odt", ".rtf")
TIMEOUT = 120.0
MAX_OUTPUT = 200 * 2**20


def to_docx(data: bytes, suffix: str, timeout: float = TIMEOUT) -> bytes:
    """The .docx LibreOffice writes for a .doc/.odt/.rtf file's bytes; ``ExternalError`` if it cannot."""
    soffice = need("soffice", "libreoffice", package="libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="plans-lo-") as tmp:
        src, out = Path(tmp, "input" + suffix), Path(tmp, "out")
        src.write_bytes(data)
        env = dict(os.environ, HOME=tmp, TMPDIR=tmp)
        run([soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--norestore",
             "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML",
             "--outdir", str(out), str(src)], timeout, env=env, cwd=tmp)
        result = out / "input.docx"
        if not result.is_file():
            raise ExternalError(f"LibreOffice could not convert this {suffix} file (not a valid document?)")
        if result.stat().st_size > MAX_OUTPUT:
            raise ExternalError(f"LibreOffice's .docx is over {MAX_OUTPUT // 2**20} MB")
        return result.read_bytes()
