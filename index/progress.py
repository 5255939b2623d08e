"""How far a build has come, readable by any process: ``.<index>.progress.json`` beside the index link.

The writer (holding the write lock) rewrites it atomically as it goes — stage, passages with vectors out of
all, when it started — so the page, the API or ``python -m ingest`` can show a build run by another process:
"Đã tính vector 4.200/35.000 đoạn — đang tìm theo từ khóa".
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

__all__ = ["STAGES", "write", "read", "clear"]

# reading: parsing files; keywords: the BM25 index is being built; vectors: keyword search is served while
# passages are embedded; saving: the complete index is being written.
STAGES = ("reading", "keywords", "vectors", "saving")


def _file(index_path) -> Path:
    link = Path(index_path)
    return link.parent / f".{link.name}.progress.json"


def write(index_path, stage: str, done: int = 0, total: int = 0, started: float | None = None) -> None:
    path = _file(index_path)
    record = {"stage": stage, "done": done, "total": total, "pid": os.getpid(), "updated": time.time(),
              "started": started or time.time()}
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # progress is a courtesy: never fail a build over it


def read(index_path) -> dict | None:
    try:
        return json.loads(_file(index_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def clear(index_path) -> None:
    _file(index_path).unlink(missing_ok=True)
