"""The seam between ranking and the engines that hold the passages.

Fusion asks each engine one question: the best ``n`` rows for a query, among ``allowed`` rows (a sorted
array of chunk row ids, or None for all), as ``{row: score}``. The bundled engines are bm25s
(``index.bm25.BM25Retriever``) and FAISS (``index.dense.DenseIndex``); another engine (a search server,
a vector database) stands in by answering the same question, without touching fusion, the service,
the page or the API. ``index.milvus`` is one: its retrievers turn ``allowed`` into a server expression, and
its index hands them the filters themselves as one (``HybridIndex.restriction``), so no row list travels.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from vntext.query import Query

__all__ = ["SparseRetriever", "DenseRetriever"]


@runtime_checkable
class SparseRetriever(Protocol):
    """Keyword search over the passages' text."""

    n: int  # rows indexed

    def search(self, query: Query, n: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        """The ``n`` best-scoring rows with a positive score, restricted to ``allowed``."""
        ...


@runtime_checkable
class DenseRetriever(Protocol):
    """Nearest-neighbour search over the passages' vectors."""

    size: int  # rows indexed

    def search(self, vector: np.ndarray, n: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        """The ``n`` rows most similar to ``vector`` (best first), restricted to ``allowed``."""
        ...
