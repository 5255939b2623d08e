"""Vectors in FAISS: exact inner product on normalised vectors (= cosine) by default, HNSW on request."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

__all__ = ["DenseIndex", "KINDS"]

KINDS = ("flat", "hnsw")


class DenseIndex:
    def __init__(self, index: faiss.Index, kind: str):
        self.index, self.kind = index, kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "flat", hnsw_m: int = 32) -> DenseIndex:
        if kind not in KINDS:
            raise ValueError(f"unknown FAISS index kind {kind!r}; choose one of {', '.join(KINDS)}")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
        else:
            index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = 128
        index.add(vectors)
        return cls(index, kind)

    @property
    def size(self) -> int:
        return self.index.ntotal

    def nearest(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, row ids) of the ``k`` nearest rows, best first; ids of -1 dropped.

        ``allowed`` (row ids) restricts the search inside FAISS (an id selector), so a filter costs no
        over-fetching and never returns fewer rows than it admits.
        """
        k = min(k, self.size if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.index.hnsw.efSearch, k))
                      if self.kind == "hnsw" else faiss.SearchParameters(sel=selector))
        x = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, ids = self.index.search(x, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def search(self, vector: np.ndarray, n: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        """``{row: cosine}`` of the ``n`` nearest rows among ``allowed`` (see ``index.backends``)."""
        scores, ids = self.nearest(vector, n, allowed)
        return {int(i): float(s) for s, i in zip(scores, ids, strict=True)}

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> DenseIndex:
        return cls(faiss.read_index(str(path)), kind)
