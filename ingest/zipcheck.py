"""Checks on a zip container (.docx, and any other Office Open XML or OpenDocument file) before a reader
opens it: how many parts, what they unpack to, and no XML part declaring entities.

A "zip bomb" is a small file whose parts unpack to gigabytes; Python's ``zipfile`` never unpacks more
than a part's declared size (it stops there and reports a bad CRC), so the declared sizes bound what
reading can cost and are checked first. "Billion laughs" is an XML part whose DTD defines entities that
expand to gigabytes of text; Word never writes a DTD, so a part with one is refused outright (its prolog is
read, never the whole part; python-docx also parses with ``resolve_entities=False``, and libxml2 stops
runaway entity amplification).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .limits import IngestError, Limits

__all__ = ["check_zip"]

_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_PROLOG_MAX = 64 * 1024
# The byte-order mark, XML declaration, comments, processing instructions and white space before the
# root element or the DTD.
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


def check_zip(path: Path | str, data: bytes, limits: Limits) -> None:
    """Raise ``LimitError`` for a container over the limits, ``IngestError`` for one that is no zip or
    holds a DTD; return quietly otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise IngestError(f"{path}: not a readable .docx (not a zip container: {e})") from e
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.zip_entries:
            raise limits.refuse(path, f"the container holds {len(parts):,} parts", "zip_entries")
        unpacked = sum(p.file_size for p in parts)
        if unpacked > limits.unzipped_bytes:
            raise limits.refuse(path, f"its parts unpack to {unpacked / 2**20:,.0f} MB (a zip bomb?)",
                                "unzipped_bytes")
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels")):
                _no_dtd(path, archive, part)


def _no_dtd(path, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Refuse a part whose prolog (what comes before its root element: the XML declaration, comments,
    processing instructions, and where one would stand, the DTD) declares a DTD or entities. Only the
    prolog is read, so the check costs the same whatever the part unpacks to."""
    try:
        with archive.open(part) as f:
            head = f.read(_PROLOG_MAX)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as e:
        raise IngestError(f"{path}: not a readable .docx (part {part.filename}: {e})") from e
    rest = head[_PROLOG.match(head).end():]
    if rest.startswith(_DTD):
        raise IngestError(f"{path}: refused, its part {part.filename} declares a DTD or XML entities "
                          "(<!DOCTYPE/<!ENTITY), which Word never writes: entity expansion "
                          "(\"billion laughs\") is not allowed")
    if not rest and len(head) == _PROLOG_MAX:
        raise IngestError(f"{path}: refused, its part {part.filename} has no element in its first "
                          f"{_PROLOG_MAX // 1024} KB (only comments or declarations)")
