"""The targets of a library, saved beside its index: ``targets.jsonl`` (one target a line) and an entry
in the index's ``manifest.json``:

    "targets": {"file": "targets.jsonl", "count": 116, "extractor_version": 1,
                "documents": {"<doc id>": "<sha256 of its text>", ...},
                "extracted": ["<doc id>", ...], "reused": ["<doc id>", ...]}

Rebuilt incrementally: a plan whose text (sha256) and the extractor version are unchanged since the
previous index keeps its stored targets; only new and changed plans are extracted again. The file is
written inside the index's temporary directory, which ``index.store`` renames into place in one step;
``write`` into an existing folder goes through a temporary file and a rename.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from .extract import EXTRACTOR_VERSION, extract
from .model import Target

__all__ = ["write", "read", "TargetsLoadError", "FILE"]

FILE = "targets.jsonl"


class TargetsLoadError(RuntimeError):
    """The stored targets cannot be used; the message says what to do."""


def _previous(folder: Path | None) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """(sha256 by document, stored target rows by document) of the previous index; empty when it has
    none usable (none, damaged, or written by another extractor version)."""
    if folder is None:
        return {}, {}
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        entry = manifest.get("targets") or {}
        shas = dict(entry.get("documents") or {})
        if entry.get("extractor_version") != EXTRACTOR_VERSION:
            return {}, {}
        rows: dict[str, list[dict]] = {d: [] for d in shas}
        with open(folder / entry.get("file", FILE), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    rows.setdefault(row["doc_id"], []).append(row)
        return shas, rows
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}  # no usable previous targets: extract everything


def write(folder, documents: Iterable, previous=None) -> dict:
    """Write the targets of ``documents`` into ``folder``; returns the manifest entry."""
    folder = Path(folder)
    shas, prev = _previous(Path(previous) if previous is not None else None)
    extracted, reused, docs = [], [], {}
    tmp = folder / f".{FILE}.{uuid.uuid4().hex[:8]}.tmp"
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            for d in sorted(documents, key=lambda d: d.id):
                docs[d.id] = d.sha256
                if shas.get(d.id) == d.sha256 and d.id in prev:
                    rows = prev[d.id]
                    reused.append(d.id)
                else:
                    rows = [t.to_dict() for t in extract(d)]
                    extracted.append(d.id)
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += len(rows)
        os.replace(tmp, folder / FILE)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"file": FILE, "count": count, "extractor_version": EXTRACTOR_VERSION, "documents": docs,
            "extracted": extracted, "reused": reused}


def read(folder) -> list[Target]:
    """The targets stored in an index folder, checked against its manifest entry."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise TargetsLoadError(f"no readable index at {folder}: build one with `python -m ingest`") from e
    entry = manifest.get("targets")
    if not isinstance(entry, dict):
        raise TargetsLoadError(f"{folder} holds no targets (an index built before they were extracted): "
                               "rebuild with `python -m ingest`")
    path = folder / entry.get("file", FILE)
    try:
        with open(path, encoding="utf-8") as f:
            out = [Target.from_dict(json.loads(line)) for line in f if line.strip()]
    except (OSError, ValueError, TypeError) as e:
        raise TargetsLoadError(f"{path} is damaged ({type(e).__name__}: {e}): rebuild with "
                               "`python -m ingest --rebuild`") from e
    if len(out) != entry.get("count"):
        raise TargetsLoadError(f"{path} holds {len(out)} targets, its manifest says {entry.get('count')}: "
                               "rebuild with `python -m ingest --rebuild`")
    return out
