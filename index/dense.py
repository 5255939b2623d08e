"""Vectors in FAISS, inner product on normalised vectors (= cosine).

Kinds: "flat" (exact), "hnsw" (graph), "ivfpq" (inverted lists of 8-bit product-quantised codes,
re-ranked exactly), and "auto", which ``choose_kind`` resolves by size when the index is built:
exact while a scan of every row stays fast, IVF-PQ above (see ``bench/bench_scale.py``).

A filter (``allowed`` row ids) is applied inside FAISS by an id selector, never by fetching more
and discarding: an approximate kind whose filtered search comes back short of ``k`` widens its
search (every inverted list; every stored vector for HNSW) rather than answering with fewer rows.

Files are memory-mapped where FAISS 1.15 can: the codes of flat and HNSW indexes
(``IO_FLAG_MMAP_IFC``), the inverted lists of IVF-PQ (``IO_FLAG_MMAP``); loading then reads little,
and processes serving the same index share its pages.
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

__all__ = ["DenseIndex", "KINDS", "AUTO", "FLAT_MAX_ROWS", "choose_kind"]

KINDS = ("flat", "hnsw", "ivfpq")
AUTO = "auto"
# Up to here an exact scan answers within ~20 ms at p95 on 2 cores (bench/results/scale.json).
FLAT_MAX_ROWS = 200_000

HNSW_EF_SEARCH = 128
IVF_NPROBE = 32
PQ_M = 48  # sub-quantizers of 8 bits: 48 bytes a vector
REFINE_FACTOR = 4  # IVF-PQ candidates re-ranked exactly: k * REFINE_FACTOR
TRAIN_PER_LIST = 39  # FAISS's own minimum of training points per inverted list
_MMAP = {"flat": faiss.IO_FLAG_MMAP_IFC, "hnsw": faiss.IO_FLAG_MMAP_IFC, "ivfpq": faiss.IO_FLAG_MMAP}


def choose_kind(n: int) -> str:
    """The kind for ``n`` rows: exact while small, approximate (IVF-PQ) above ``FLAT_MAX_ROWS``."""
    return "flat" if n <= FLAT_MAX_ROWS else "ivfpq"


def _nlist(n: int) -> int:
    """About 4·sqrt(n) inverted lists, fewer when there are too few rows to train them."""
    return max(1, min(round(4 * math.sqrt(n)), n // TRAIN_PER_LIST))


def _pq_m(dim: int) -> int:
    """PQ_M sub-quantizers when they divide ``dim``, else the largest divisor of ``dim`` below it."""
    return next(m for m in range(min(PQ_M, dim), 0, -1) if dim % m == 0)


def _ivfpq(vectors: np.ndarray, seed: int = 1234) -> faiss.Index:
    n, dim = vectors.shape
    nbits = max(1, min(8, int(math.log2(max(n, 2)))))  # k-means needs a point per centroid
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFPQ(quantizer, dim, _nlist(n), _pq_m(dim), nbits, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.seed = ivf.pq.cp.seed = seed
    sample = min(n, max(TRAIN_PER_LIST * ivf.nlist, 256 * TRAIN_PER_LIST))
    rows = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False)) if sample < n else slice(None)
    ivf.train(vectors[rows])
    ivf.nprobe = min(IVF_NPROBE, ivf.nlist)
    index = faiss.IndexRefineFlat(ivf)
    index.k_factor = REFINE_FACTOR
    return index


def _new(kind: str, vectors: np.ndarray, hnsw_m: int) -> faiss.Index:
    dim = vectors.shape[1]
    if kind == "flat":
        return faiss.IndexFlatIP(dim)
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = HNSW_EF_SEARCH
        return index
    return _ivfpq(vectors)


def _kind_of(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexRefine):
        return "ivfpq"
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def _selector(allowed: np.ndarray, n: int) -> faiss.IDSelector:
    """A bitmap of the rows (constant-time membership, cheap to build even for most of the rows)."""
    mask = np.zeros(n, dtype=bool)
    mask[allowed[(allowed >= 0) & (allowed < n)]] = True
    return faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))


class DenseIndex:
    def __init__(self, index: faiss.Index, kind: str):
        self.index, self.kind = index, kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "flat", hnsw_m: int = 32) -> DenseIndex:
        """An index of ``vectors`` (normalised rows); ``kind`` "auto" is resolved by ``choose_kind``."""
        if kind not in (*KINDS, AUTO):
            raise ValueError(f"unknown FAISS index kind {kind!r}; choose one of {', '.join((*KINDS, AUTO))}")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = choose_kind(len(vectors)) if kind == AUTO else kind
        index = _new(kind, vectors, hnsw_m)
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
        x = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is None:
            return self._search(self.index, x, k, None)
        selector = _selector(np.asarray(allowed, dtype=np.int64), self.size)
        scores, ids = self._search(self.index, x, k, self._params(selector, k))
        if len(ids) < k:  # an approximate search that missed admitted rows: search them all
            scores, ids = self._exhaustive(x, k, selector)
        return scores, ids

    @staticmethod
    def _search(index: faiss.Index, x: np.ndarray, k: int, params) -> tuple[np.ndarray, np.ndarray]:
        scores, ids = index.search(x, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def _params(self, selector: faiss.IDSelector, k: int, widest: bool = False) -> faiss.SearchParameters:
        if self.kind == "hnsw":
            return faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.index.hnsw.efSearch, k))
        if self.kind == "ivfpq":
            ivf = faiss.extract_index_ivf(self.index)
            nprobe = ivf.nlist if widest else ivf.nprobe
            return faiss.IndexRefineSearchParameters(
                k_factor=self.index.k_factor, base_index_params=faiss.SearchParametersIVF(sel=selector, nprobe=nprobe))
        return faiss.SearchParameters(sel=selector)

    def _exhaustive(self, x: np.ndarray, k: int, selector: faiss.IDSelector) -> tuple[np.ndarray, np.ndarray]:
        """Every admitted row considered: HNSW's stored vectors scanned, every IVF list probed."""
        if self.kind == "hnsw":
            storage = faiss.downcast_index(self.index.storage)
            return self._search(storage, x, k, faiss.SearchParameters(sel=selector))
        if self.kind == "ivfpq":
            return self._search(self.index, x, k, self._params(selector, k, widest=True))
        return self._search(self.index, x, k, faiss.SearchParameters(sel=selector))

    def search(self, vector: np.ndarray, n: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        """``{row: cosine}`` of the ``n`` nearest rows among ``allowed`` (see ``index.backends``)."""
        scores, ids = self.nearest(vector, n, allowed)
        return {int(i): float(s) for s, i in zip(scores, ids, strict=True)}

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str | None = None, mmap: bool = True) -> DenseIndex:
        """Read an index written by ``save``; its kind is read from the file (``kind`` may be "auto").

        Memory-mapped where FAISS supports it for the kind (else read into memory): the file must
        then stay unchanged while loaded, as the store guarantees (a new index is a new directory).
        """
        index = faiss.read_index(str(path))if not mmap else _read_mapped(str(path))
        found = _kind_of(index)
        if kind not in (None, AUTO, found):
            raise ValueError(f"{path} holds a {found!r} FAISS index, not {kind!r}")
        return cls(index, found)


def _read_mapped(path: str) -> faiss.Index:
    """The index with its bulk memory-mapped: try each kind's flag, else read it normally."""
    for flag in dict.fromkeys(_MMAP.values()):
        try:
            index = faiss.read_index(path, flag)
        except RuntimeError:
            continue
        if flag == _MMAP[_kind_of(index)]:
            return index
    return faiss.read_index(path)
