"""What OCR and LibreOffice made of a file, kept by the file's content hash, so a rebuild (or the build after
an upload's check) does not OCR or convert the same bytes again.

One JSON file per source file in ``$PLANS_READ_CACHE`` (default ``$PLANS_CACHE/read``, else
``data/cache/read``), written to a temporary file and renamed into place. Each records the reader version;
a different version or a damaged entry is read again, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

__all__ = ["get", "put", "folder", "VERSION"]

VERSION = 1  # bump when OCR or conversion changes what they produce


def folder() -> Path:
    explicit = os.environ.get("PLANS_READ_CACHE")
    return Path(explicit) if explicit else Path(os.environ.get("PLANS_CACHE") or "data/cache") / "read"


def _path(data: bytes, suffix: str) -> Path:
    return folder() / f"{hashlib.sha256(data).hexdigest()}{suffix}.json"


def get(data: bytes, suffix: str) -> dict | None:
    """The stored fields of a Source read from these bytes, or None."""
    try:
        entry = json.loads(_path(data, suffix).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("version") != VERSION or not isinstance(entry.get("source"), dict):
        return None
    source = entry["source"]
    for k in ("page_starts", "ocr_pages"):
        source[k] = tuple(source.get(k, ()))
    return source


def put(data: bytes, suffix: str, source) -> None:
    """Store a Source read from ``data``; a cache that cannot be written is skipped silently (it is a cache)."""
    target = _path(data, suffix)
    entry = {"version": VERSION, "suffix": suffix, "bytes": len(data), "source": asdict(source)}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entry, f, ensure_ascii=False)
        os.replace(tmp, target)
    except OSError:
        return
