"""Embeddings cached by content hash, per model, so re-indexing embeds only new text — and an interrupted
embedding run loses at most one batch.

On disk, beside each other in the cache folder:

- ``<model>-<dim>.npz``: the compacted cache (``keys``, ``vectors``);
- ``<model>-<dim>.part-<stamp>.npz``: batches embedded since, each written to a temporary name and renamed
  into place as soon as it is computed (every ``flush_every`` passages).

Reading takes the compacted file and every part. At the end of a run the parts are merged into the
compacted file (atomically) and removed; a run killed before that leaves its parts, which the next run
reads. A damaged file only costs the time to embed its passages again.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "default_cache_dir"]


def default_cache_dir() -> str:
    """$PLANS_CACHE, else data/cache."""
    return os.environ.get("PLANS_CACHE") or "data/cache"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _read(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, ValueError, KeyError):
        return {}  # damaged or half-written by something else: its passages are embedded again


def _write(path: Path, rows: dict[str, np.ndarray], dim: int) -> None:
    """``rows`` to ``path`` atomically (a temporary file in the same folder, then a rename)."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp.npz")
    keys = np.array(list(rows), dtype="U32")
    vectors = np.stack(list(rows.values())).astype(np.float32) if rows else np.zeros((0, dim), np.float32)
    try:
        np.savez(tmp, keys=keys, vectors=vectors)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class EmbeddingCache:
    def __init__(self, directory: str | Path, model_name: str, dim: int):
        safe = re.sub(r"[^\w.-]+", "_", model_name)
        self.directory = Path(directory)
        self.stem = f"{safe}-{dim}"
        self.path = self.directory / f"{self.stem}.npz"
        self.dim = dim
        self._rows: dict[str, np.ndarray] = _read(self.path) if self.path.exists() else {}
        self._parts = self._part_files()
        for part in self._parts:
            self._rows.update(_read(part))

    def _part_files(self) -> list[Path]:
        return sorted(self.directory.glob(f"{self.stem}.part-*.npz"))

    def __len__(self) -> int:
        return len(self._rows)

    def missing(self, texts: list[str]) -> list[str]:
        """The distinct texts of ``texts`` not in the cache, in order."""
        return list({_key(t): t for t in texts if _key(t) not in self._rows}.values())

    def embed(self, texts: list[str], embed_fn, batch_size: int = 16, progress=None,
              flush_every: int = 64) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` (cached ones reused, each distinct text embedded once); returns (matrix,
        number newly embedded). New vectors reach the disk every ``flush_every`` passages."""
        keys = [_key(t) for t in texts]
        items = list({k: t for k, t in zip(keys, texts, strict=True) if k not in self._rows}.items())
        pending: dict[str, np.ndarray] = {}
        for i in range(0, len(items), batch_size):
            batch = items[i : i + batch_size]
            vectors = embed_fn([t for _, t in batch])
            for (k, _), v in zip(batch, vectors, strict=True):
                pending[k] = self._rows[k] = np.asarray(v, dtype=np.float32)
            if len(pending) >= flush_every:
                self._flush(pending)
            if progress:
                progress(len(batch))
        self._flush(pending)
        if self._parts:
            self.compact()
        matrix = np.stack([self._rows[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        return matrix.astype(np.float32), len(items)

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep vectors computed elsewhere (another process or machine) for ``texts``; on disk at once, as a part."""
        rows = {_key(t): np.asarray(v, dtype=np.float32) for t, v in zip(texts, vectors, strict=True)}
        self._rows.update(rows)
        self._flush(rows)

    def _flush(self, pending: dict[str, np.ndarray]) -> None:
        if not pending:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        part = self.directory / f"{self.stem}.part-{time.time_ns()}-{uuid.uuid4().hex[:6]}.npz"
        _write(part, pending, self.dim)
        self._parts.append(part)
        pending.clear()

    def compact(self) -> None:
        """Merge the parts read or written so far into the compacted file, then remove them."""
        self.save()
        for part in self._parts:
            part.unlink(missing_ok=True)
        self._parts = []

    def save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        _write(self.path, self._rows, self.dim)
