"""Hybrid search: a BM25 retriever + a dense retriever + a fusion function, composed.

    idx = HybridIndex.build(corpus)          # ingest.Corpus
    hits = idx.search("mục tiêu nước sạch nông thôn 2030", k=10)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingest import Chunk, Corpus, Document, issuer
from ingest.analyze import query_expansion
from ingest.normalize import fold, normalize

from .bm25 import BM25Retriever
from .dense import DenseIndex
from .embedders import DEFAULT_MODEL, load_embedder
from .embedding_cache import EmbeddingCache, default_cache_dir
from .fusion import blend, rrf

__all__ = ["HybridIndex", "Hit", "Filters", "DEFAULTS", "QUERY_TIME", "MODES", "index_text"]

MODES = ("hybrid", "bm25", "dense")
# Chosen on the tuning half of eval/questions.jsonl; see README "Choosing the defaults".
DEFAULTS = dict(
    scheme="syllable_bigram",
    folded_weight=0.3,
    k1=1.2,
    b=0.75,
    method="lucene",
    fusion="blend",
    bm25_weight=0.6,
    accent_free_bm25_weight=0.8,
    rrf_k=60,
    with_context=True,
    with_headings=True,
    faiss="flat",
    candidates=100,
)

# Parameters read at query time: changing them needs no re-indexing.
QUERY_TIME = ("fusion", "bm25_weight", "accent_free_bm25_weight", "rrf_k", "candidates")


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    chunk: Chunk
    document: Document

    def to_dict(self) -> dict:
        c = self.chunk
        return {"rank": self.rank, "score": round(float(self.score), 6), "doc_id": c.doc_id,
                "title": self.document.meta.get("title", ""), "section": c.section, "section_no": c.section_no,
                "text": c.text, "start": c.start, "end": c.end, "chunk_id": c.id}


@dataclass
class Filters:
    """Restrict results to documents whose metadata match every non-empty field."""

    doc_ids: set = field(default_factory=set)
    issuers: set = field(default_factory=set)
    years: set = field(default_factory=set)
    implements: set = field(default_factory=set)

    def accepts(self, doc: Document) -> bool:
        m = doc.meta
        return ((not self.doc_ids or doc.id in self.doc_ids)
                and (not self.issuers or issuer(m) in self.issuers)
                and (not self.years or m.get("year") in self.years)
                and (not self.implements or bool(self.implements & set(m.get("implements", [])))))

    def __bool__(self) -> bool:
        return bool(self.doc_ids or self.issuers or self.years or self.implements)


def is_accent_free(query: str) -> bool:
    """True for a query typed without diacritics ("muc tieu nuoc sach")."""
    q = normalize(query)
    return any(c.isalpha() for c in q) and fold(q) == q


def context_line(meta: dict) -> str:
    """The document's own context, indexed with each chunk: kind, number, issuing body, place."""
    # Without a stated locality, the provinces the plan names stand in for it ("Bắc Giang").
    places = [] if meta.get("locality") else meta.get("provinces_named", [])[:1]
    parts = [meta.get("kind", ""), meta.get("number", ""), issuer(meta), meta.get("place", ""), *places]
    parts += meta.get("implements", [])
    return " ".join(p for p in parts if p)


def index_text(chunk: Chunk, doc: Document, with_context=True, with_headings=True) -> str:
    parts = [context_line(doc.meta)] if with_context else []
    if with_headings and chunk.section:
        parts.append(chunk.section)
    parts.append(chunk.body)
    return "\n".join(p for p in parts if p)


class HybridIndex:
    def __init__(self, documents: list[Document], chunks: list[Chunk], bm25: BM25Retriever,
                 dense: DenseIndex, embedder, params: dict):
        self.documents = {d.id: d for d in documents}
        self.chunks = chunks
        self.bm25, self.dense, self.embedder = bm25, dense, embedder
        self.params = params
        self._doc_rows = np.array([c.doc_id for c in chunks])

    @classmethod
    def build(cls, corpus: Corpus, embedder=None, cache_dir=None, progress=None, dense=True,
              **params) -> HybridIndex:
        """Index ``corpus``; ``progress(n)`` is called as passages get embedded.

        Embeddings are cached in ``cache_dir`` (default: $PLANS_CACHE or data/cache). With
        ``dense=False`` only BM25 is built (no model loaded, nothing embedded): mode "bm25" only.
        """
        unknown = set(params) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown index parameters: {', '.join(sorted(unknown))}")
        p = {**DEFAULTS, **params}
        docs = {d.id: d for d in corpus.documents}
        texts = [index_text(c, docs[c.doc_id], p["with_context"], p["with_headings"]) for c in corpus.chunks]
        bm25 = BM25Retriever(p["scheme"], p["folded_weight"], p["k1"], p["b"], p["method"]).index(texts)
        dense_index, embedded = None, 0
        if dense:
            embedder = embedder or load_embedder(DEFAULT_MODEL)
            cache = EmbeddingCache(cache_dir or default_cache_dir(), embedder.name, embedder.dim)
            vectors, embedded = cache.embed(texts, embedder.embed_passages, progress=progress)
            dense_index = DenseIndex.build(vectors, p["faiss"])
        self = cls(corpus.documents, corpus.chunks, bm25, dense_index, embedder if dense else None, p)
        self.embedded = embedded
        return self

    # -- search ---------------------------------------------------------------------------------
    def _allowed(self, filters: Filters | None) -> np.ndarray | None:
        if not filters:
            return None
        ok = {d for d, doc in self.documents.items() if filters.accepts(doc)}
        return np.isin(self._doc_rows, list(ok))

    def _sparse(self, query: str, n: int, allowed) -> dict[int, float]:
        scores = self.bm25.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        top = np.argsort(-scores, kind="stable")[:n]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def _dense(self, query: str, n: int, allowed) -> dict[int, float]:
        vector = self.embedder.embed_queries([query_expansion(query)])[0]
        scores, ids = self.dense.search(vector, self.dense.size if allowed is not None else n)
        out = {int(i): float(s) for s, i in zip(scores, ids, strict=False) if allowed is None or allowed[i]}
        return dict(list(out.items())[:n])

    def scores(self, query: str, mode: str = "hybrid", filters: Filters | None = None) -> dict[int, float]:
        """{chunk row: score} for the candidates of ``mode``."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if mode != "bm25" and self.dense is None:
            raise ValueError(f"mode {mode!r} needs dense vectors; this index was built with BM25 only")
        p, allowed = self.params, self._allowed(filters)
        n = p["candidates"]
        if mode == "bm25":
            return self._sparse(query, n, allowed)
        if mode == "dense":
            return self._dense(query, n, allowed)
        sparse, dense = self._sparse(query, n, allowed), self._dense(query, n, allowed)
        if p["fusion"] == "rrf":
            return rrf([sparse, dense], k=p["rrf_k"])
        weight = p["bm25_weight"]
        if is_accent_free(query):  # the dense model reads unaccented Vietnamese poorly: lean on BM25
            weight = max(weight, p.get("accent_free_bm25_weight", weight))
        return blend(sparse, dense, weight)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None) -> list[Hit]:
        if not query or not query.strip():
            return []
        run = self.scores(query, mode, filters)
        best = sorted(run.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [Hit(r, s, self.chunks[i], self.documents[self.chunks[i].doc_id]) for r, (i, s) in enumerate(best, 1)]

    # -- persistence ----------------------------------------------------------------------------
    def save(self, path="data/index") -> None:
        from .store import save

        save(self, path)

    @classmethod
    def load(cls, path="data/index", embedder=None) -> HybridIndex:
        from .store import load

        return load(cls, path, embedder)
