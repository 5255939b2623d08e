"""Embeddings cached by content hash, one file per model, so re-indexing embeds only new text."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "default_cache_dir"]


def default_cache_dir() -> str:
    """$PLANS_CACHE, else data/cache."""
    return os.environ.get("PLANS_CACHE") or "data/cache"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class EmbeddingCache:
    def __init__(self, directory: str | Path, model_name: str, dim: int):
        safe = re.sub(r"[^\w.-]+", "_", model_name)
        self.path = Path(directory) / f"{safe}-{dim}.npz"
        self.dim = dim
        self._rows: dict[str, np.ndarray] = {}
        if self.path.exists():
            try:
                with np.load(self.path, allow_pickle=False) as data:
                    self._rows = dict(zip(data["keys"].tolist(), data["vectors"], strict=False))
            except (OSError, ValueError, KeyError):
                self._rows = {}  # a damaged cache only costs time: it is rebuilt

    def embed(self, texts: list[str], embed_fn, batch_size: int = 16, progress=None) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` (cached ones reused); returns (matrix, number newly embedded)."""
        keys = [_key(t) for t in texts]
        items = list({k: t for k, t in zip(keys, texts, strict=False) if k not in self._rows}.items())
        for i in range(0, len(items), batch_size):
            batch = items[i : i + batch_size]
            vectors = embed_fn([t for _, t in batch])
            for (k, _), v in zip(batch, vectors, strict=False):
                self._rows[k] = np.asarray(v, dtype=np.float32)
            if progress:
                progress(len(batch))
        if items:
            self.save()
        matrix = np.stack([self._rows[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        return matrix.astype(np.float32), len(items)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.stem}.{os.getpid()}.tmp.npz")
        keys = np.array(list(self._rows), dtype="U32")
        vectors = np.stack(list(self._rows.values())) if self._rows else np.zeros((0, self.dim), np.float32)
        np.savez(tmp, keys=keys, vectors=vectors)
        os.replace(tmp, self.path)
