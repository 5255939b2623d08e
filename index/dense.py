"""Vectors in FAISS, inner product on normalised vectors (= cosine).

Kinds: "flat" (exact), "hnsw" (graph), "ivfpq" (inverted lists of 8-bit product-quantised codes,
re-ranked exactly), and "auto", which ``choose_kind`` resolves by size when the index is built:
exact while a scan of every row stays fast, IVF-PQ above (see ``bench/bench_scale.py``).

A filter (``allowed`` row ids) is applied inside FAISS, never by fetching more and discarding. One
admitting few rows (``EXACT_FILTER_ROWS``) is searched exactly: FAISS scores just those rows, on the
exact vectors every kind keeps. Above, an id selector restricts the kind's own search; IVF-PQ then
probes more lists the fewer rows a filter admits, and a search still short of ``k`` is redone exactly
among the admitted rows rather than answering with fewer rows.

Files are memory-mapped (``IO_FLAG_MMAP_IFC``, which faiss-cpu 1.15 supports for every kind here:
flat codes, HNSW's vectors, IVF-PQ's lists and the exact vectors its re-ranking reads); loading
then reads next to nothing, and processes serving the same index share its pages.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

__all__ = ["DenseIndex", "KINDS", "AUTO", "FLAT_MAX_ROWS", "EXACT_FILTER_ROWS", "choose_kind"]

KINDS = ("flat", "hnsw", "ivfpq")
AUTO = "auto"
# Up to here an exact scan of 384-d rows answers within ~20 ms at p95 on 2 cores (one thread a query:
# 4 ms at 25k rows, 13 at 50k, 20 at 75k, 21 at 100k, 31 at 150k, 61 at 200k; bench/results/scale.json).
FLAT_MAX_ROWS = 100_000

# Measured on 10^5 rows of real vectors and near-duplicate variants (bench/bench_scale.py): HNSW
# recall@10 0.86 at efSearch 128, 0.91 at 256, under 1 ms either way; IVF-PQ recall@10 0.93 at nprobe 32,
# 0.96 at 64, with k-means at 10 iterations as good as at 25 in half the training time.
HNSW_EF_SEARCH = 256
IVF_NPROBE = 64
PQ_M = 48  # sub-quantizers of 8 bits: 48 bytes a vector
KMEANS_ITERATIONS = 10
REFINE_FACTOR, REFINE_MIN = 4, 100  # IVF-PQ re-ranks max(k * REFINE_FACTOR, REFINE_MIN) candidates exactly
TRAIN_PER_LIST = 39  # FAISS's own minimum of training points per inverted list
# A filter admitting up to this many rows is searched exactly, among those rows only (FAISS computes
# their similarities, ~0.25 µs a row): at 10^6 rows, 16,000 admitted took 4.6 ms, where an id selector
# scanning every row (flat, HNSW's fallback, IVF-PQ probing all lists) took 14–40 ms.
EXACT_FILTER_ROWS = 20_000


def choose_kind(n: int) -> str:
    """The kind for ``n`` rows: exact while small, approximate (IVF-PQ) above ``FLAT_MAX_ROWS``."""
    return "flat" if n <= FLAT_MAX_ROWS else "ivfpq"


def _nlist(n: int) -> int:
    """About 4·sqrt(n) inverted lists, fewer when there are too few rows to train them."""
    return max(1, min(round(4 * math.sqrt(n)), n // TRAIN_PER_LIST))


def _pq_m(dim: int) -> int:
    """PQ_M sub-quantizers when they divide ``dim``, else the largest divisor of ``dim`` below it."""
    return next(m for m in range(min(PQ_M, dim), 0, -1) if dim % m == 0)


def _training_rows(vectors: np.ndarray, ivf: faiss.IndexIVFPQ, seed: int) -> np.ndarray:
    """A sample enough for the lists and the codebooks; a tiny library repeated up to a point per centroid."""
    n = len(vectors)
    sample = max(TRAIN_PER_LIST * ivf.nlist, TRAIN_PER_LIST * ivf.pq.ksub)
    if sample < n:
        return vectors[np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))]
    return np.tile(vectors, (-(-ivf.pq.ksub // n), 1)) if n < ivf.pq.ksub else vectors


def _ivfpq(vectors: np.ndarray, seed: int = 1234) -> faiss.Index:
    n, dim = vectors.shape
    nbits = max(1, min(8, int(math.log2(max(n, 2)))))  # 2**nbits codewords: no more than the rows
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFPQ(quantizer, dim, _nlist(n), _pq_m(dim), nbits, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.seed = ivf.pq.cp.seed = seed
    ivf.cp.niter = ivf.pq.cp.niter = KMEANS_ITERATIONS
    ivf.train(_training_rows(vectors, ivf, seed))
    ivf.nprobe = min(IVF_NPROBE, ivf.nlist)
    index = faiss.IndexRefineFlat(ivf)  # keeps the exact vectors: memory-mapped once saved and loaded
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


@contextmanager
def _one_thread():
    """One query searched by the calling thread alone (the setting is that thread's own, so a build
    elsewhere keeps its threads): on 2 busy cores, waking an OpenMP worker per query cost more than
    the search, e.g. IVF-PQ 8.5 ms against 0.9 ms, flat (10^5 rows) 56 ms against 19 ms."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


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
            return self._search(self.index, x, k, self._params(None, k))
        allowed = np.asarray(allowed, dtype=np.int64)
        if len(allowed) <= EXACT_FILTER_ROWS:
            return self._among(x, k, allowed)
        selector = _selector(allowed, self.size)
        scores, ids = self._search(self.index, x, k, self._params(selector, k, len(allowed)))
        if len(ids) < k:  # the approximate search missed admitted rows: an exact one among them all
            scores, ids = self._search(self._exact(), x, k, faiss.SearchParameters(sel=selector))
        return scores, ids

    def _among(self, x: np.ndarray, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best of the ``allowed`` rows, exactly: FAISS scores those rows and no other."""
        rows = np.unique(allowed[(allowed >= 0) & (allowed < self.size)]).reshape(1, -1)
        k = min(k, rows.shape[1])
        if k == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        scores = np.empty(rows.shape, dtype=np.float32)
        with _one_thread():
            self._exact().compute_distance_subset(1, faiss.swig_ptr(x), rows.shape[1], faiss.swig_ptr(scores),
                                                  faiss.swig_ptr(rows))
        rows, scores = rows[0], scores[0]
        top = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(k)
        top = top[np.lexsort((rows[top], -scores[top]))]
        return scores[top], rows[top]

    @staticmethod
    def _search(index: faiss.Index, x: np.ndarray, k: int, params) -> tuple[np.ndarray, np.ndarray]:
        with _one_thread():
            scores, ids = index.search(x, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def _params(self, selector: faiss.IDSelector | None, k: int, admitted: int | None = None):
        """Search parameters: the selector, and what the kind needs to find ``k`` rows well.

        IVF-PQ probes more lists as a filter admits fewer rows (``nprobe * rows / admitted``, at most
        all of them), so that about as many admitted codes are compared as unfiltered.
        """
        if self.kind == "hnsw":
            return faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.index.hnsw.efSearch, k))
        if self.kind == "ivfpq":
            ivf = faiss.extract_index_ivf(self.index)
            nprobe = ivf.nprobe if not admitted else min(ivf.nlist, math.ceil(ivf.nprobe * self.size / admitted))
            k_factor = max(self.index.k_factor, math.ceil(REFINE_MIN / k))
            return faiss.IndexRefineSearchParameters(
                k_factor=k_factor, base_index_params=faiss.SearchParametersIVF(sel=selector, nprobe=nprobe))
        return None if selector is None else faiss.SearchParameters(sel=selector)

    def _exact(self) -> faiss.Index:
        """The exact vectors: the flat index itself, HNSW's storage, the copy IVF-PQ re-ranks with."""
        if self.kind == "hnsw":
            return faiss.downcast_index(self.index.storage)
        if self.kind == "ivfpq":
            return faiss.downcast_index(self.index.refine_index)
        return self.index

    def search(self, vector: np.ndarray, n: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        """``{row: cosine}`` of the ``n`` nearest rows among ``allowed`` (see ``index.backends``)."""
        scores, ids = self.nearest(vector, n, allowed)
        return {int(i): float(s) for s, i in zip(scores, ids, strict=True)}

    def vectors(self, start: int, stop: int) -> np.ndarray:
        """The exact vectors of rows ``start``..``stop`` (to load them into another engine)."""
        return self._exact().reconstruct_n(start, stop - start)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str | None = None, mmap: bool = True) -> DenseIndex:
        """Read an index written by ``save``; its kind is read from the file (``kind`` may be "auto").

        Memory-mapped where FAISS supports it for the kind (else read into memory): the file must
        then stay unchanged while loaded, as the store guarantees (a new index is a new directory).
        """
        index = _read_mapped(str(path)) if mmap else faiss.read_index(str(path))
        found = _kind_of(index)
        if kind not in (None, AUTO, found):
            raise ValueError(f"{path} holds a {found!r} FAISS index, not {kind!r}")
        return cls(index, found)


def _read_mapped(path: str) -> faiss.Index:
    """The index with its codes memory-mapped; read into memory where this FAISS cannot map them."""
    try:
        return faiss.read_index(path, faiss.IO_FLAG_MMAP_IFC)
    except RuntimeError:
        return faiss.read_index(path)
