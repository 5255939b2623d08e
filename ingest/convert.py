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

__all__ = ["CONVERTED", "to_docx", "convert", "looks_like", "TIMEOUT"]

CONVERTED = (".doc", ".odt", ".rtf")
TIMEOUT = 120.0
MAX_OUTPUT = 200 * 2**20


# What each format's files begin with: OLE2 for .doc (Word also saves RTF and HTML under .doc), a zip for .odt.
_SIGNATURES = {".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"<html", b"<?xml", b"<!DOCTYPE"),
               ".odt": (b"PK\x03\x04",), ".rtf": (b"{\\rtf",)}


def looks_like(data: bytes, suffix: str) -> bool:
    """Do the first bytes fit the format? LibreOffice would otherwise import any bytes as plain text."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return any(head[:len(sig)].lower() == sig.lower() for sig in _SIGNATURES.get(suffix, (b"",)))


def to_docx(data: bytes, suffix: str, timeout: float = TIMEOUT) -> bytes:
    """The .docx LibreOffice writes for a .doc/.odt/.rtf file's bytes; ``ExternalError`` if it cannot."""
    return convert(data, suffix, "docx:MS Word 2007 XML", timeout)


def convert(data: bytes, suffix: str, target: str, timeout: float = TIMEOUT) -> bytes:
    """The file LibreOffice writes for ``data`` (a ``suffix`` file) as ``target`` ("docx:MS Word 2007 XML",
    "doc:MS Word 97", "odt", "rtf")."""
    soffice = need("soffice", "libreoffice", package="libreoffice-writer-nogui")
    extension = target.split(":")[0]
    with tempfile.TemporaryDirectory(prefix="plans-lo-") as tmp:
        src, out = Path(tmp, "input" + suffix), Path(tmp, "out")
        src.write_bytes(data)
        env = dict(os.environ, HOME=tmp, TMPDIR=tmp)
        run([soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--norestore",
             "--nologo", "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(out), str(src)],
            timeout, env=env, cwd=tmp)
        result = out / f"input.{extension}"
        if not result.is_file():
            raise ExternalError(f"LibreOffice could not convert this {suffix} file (not a valid document?)")
        if result.stat().st_size > MAX_OUTPUT:
            raise ExternalError(f"LibreOffice's .{extension} is over {MAX_OUTPUT // 2**20} MB")
        return result.read_bytes()
