"""BM25 over our own terms (bm25s), with the accent-free view added at a lower weight."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from vntext.query import Query
from vntext.terms import folded_terms, terms

__all__ = ["BM25Retriever"]


def _token_ids(term_lists: Iterable[list[str]]) -> Tokenized:
    """Each text's terms as ids, numbered as first met: a large corpus never holds all its term strings."""
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in text_terms] for text_terms in term_lists]
    return Tokenized(ids=ids, vocab=vocab)


def _index(term_lists: Iterable[list[str]], k1: float, b: float, method: str) -> bm25s.BM25:
    model = bm25s.BM25(k1=k1, b=b, method=method)
    model.index(_token_ids(term_lists), show_progress=False)
    return model


def _load(directory: Path, mmap: bool) -> bm25s.BM25:
    return bm25s.BM25.load(str(directory), mmap=mmap, allow_pickle=False, show_progress=False)


def _scores(model: bm25s.BM25, tokens: list[str], n: int) -> np.ndarray:
    ids = model.get_tokens_ids(tokens)
    if not ids:
        return np.zeros(n, dtype=np.float32)
    return np.asarray(model.get_scores_from_ids(ids), dtype=np.float32)


class BM25Retriever:
    """``scores(query)`` = BM25(exact terms) + folded_weight * BM25(accent-free syllables)."""

    def __init__(self, scheme="syllable_bigram", folded_weight=0.3, k1=1.2, b=0.75, method="lucene"):
        self.params = dict(scheme=scheme, folded_weight=folded_weight, k1=k1, b=b, method=method)
        self.exact: bm25s.BM25 | None = None
        self.folded: bm25s.BM25 | None = None
        self.n = 0

    def index(self, texts: list[str]) -> BM25Retriever:
        p = self.params
        self.n = len(texts)
        self.exact = _index((terms(t, p["scheme"]) for t in texts), p["k1"], p["b"], p["method"])
        if p["folded_weight"] > 0:
            self.folded = _index((folded_terms(t) for t in texts), p["k1"], p["b"], p["method"])
        return self

    def scores(self, query: str | Query) -> np.ndarray:
        """BM25 score of every row."""
        query = Query.parse(query)
        out = _scores(self.exact, query.terms(self.params["scheme"]), self.n)
        if self.folded is not None:
            out = out + self.params["folded_weight"] * _scores(self.folded, query.folded_terms, self.n)
        return out

    def search(self, query: str | Query, n: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        """``{row: score}`` of the ``n`` best rows with a positive score among ``allowed``."""
        scores = self.scores(query)
        rows = np.arange(self.n) if allowed is None else np.asarray(allowed, dtype=np.int64)
        if allowed is not None:
            scores = scores[rows]  # only the admitted rows compete: no mask over the whole index
        n = min(n, len(rows))
        top = np.argpartition(-scores, n - 1)[:n] if 0 < n < len(rows) else np.arange(len(rows))
        top = top[np.lexsort((rows[top], -scores[top]))][:n]
        return {int(rows[i]): float(scores[i]) for i in top if scores[i] > 0}

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "params.json").write_text(json.dumps({**self.params, "n": self.n}))
        self.exact.save(str(directory / "exact"))
        if self.folded is not None:
            self.folded.save(str(directory / "folded"))

    @classmethod
    def load(cls, directory: Path, mmap: bool = True) -> BM25Retriever:
        """Read an index written by ``save``; its score arrays memory-mapped (read-only) unless ``mmap=False``:
        loading reads only the vocabulary, and processes serving the same index share the pages."""
        params = json.loads((directory / "params.json").read_text())
        n = params.pop("n")
        self = cls(**params)
        self.n = n
        self.exact = _load(directory / "exact", mmap)
        if self.params["folded_weight"] > 0:
            self.folded = _load(directory / "folded", mmap)
        return self
