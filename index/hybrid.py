"""Hybrid search: a BM25 retriever + a dense retriever + a fusion function, composed.

    idx = HybridIndex.build(corpus)          # ingest.Corpus
    hits = idx.search("mục tiêu nước sạch nông thôn 2030", k=10)
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from ingest import Chunk, Corpus, Document, DocumentMeta, gazetteer
from ingest.metadata import body_with_locality
from vntext.query import Query

from .backends import DenseRetriever, SparseRetriever
from .bm25 import BM25Retriever
from .dense import DenseIndex
from .embedders import DEFAULT_MODEL, load_embedder
from .embedding_cache import EmbeddingCache, default_cache_dir
from .fusion import blend, rrf
from .table import DocRows

__all__ = ["HybridIndex", "Hit", "Filters", "SearchSettings", "DEFAULTS", "QUERY_TIME", "MODES", "index_text",
           "locality_values"]

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
    faiss="auto",  # flat (exact) up to 100,000 passages, IVF-PQ above: index.dense.choose_kind
    candidates=100,
)

# Parameters read at query time: changing them needs no re-indexing.
QUERY_TIME = ("fusion", "bm25_weight", "accent_free_bm25_weight", "rrf_k", "candidates")



@dataclass(frozen=True)
class Hit:
    """A passage found: its rank and score, the chunk and its document, and where it matches the query.

    ``highlights`` (the query's words) and ``best`` (the sentence that answers best) are offsets into
    the document, like ``chunk.start``/``chunk.end``; empty until the service marks them. ``copies``: the
    near-identical passages of other plans this hit stands for, when the service groups them
    (``service.groups.Copy``: each with its hit, similarity and differences); empty otherwise.
    """

    rank: int
    score: float
    chunk: Chunk
    document: Document
    highlights: tuple[tuple[int, int], ...] = ()
    best: tuple[int, int] | None = None
    copies: tuple = ()

    def to_dict(self) -> dict:
        c = self.chunk
        out = {"rank": self.rank, "score": round(float(self.score), 6), "doc_id": c.doc_id,
               "title": self.document.meta.title, "citation": self.document.meta.citation,
               "section": c.section, "section_no": c.section_no, "text": c.text, "start": c.start, "end": c.end,
               "chunk_id": c.id, "highlights": [list(s) for s in self.highlights]}
        if self.best is not None:
            out["best"] = list(self.best)
        if self.copies:
            out["copies"] = [c.to_dict() for c in self.copies]
        return out


def _set(values) -> frozenset:
    if values is None:
        return frozenset()
    return frozenset([values] if isinstance(values, str) else values)


@dataclass(frozen=True)
class Filters:
    """Restrict results to documents whose metadata match every non-empty field; immutable and hashable.

    ``Filters(years={"2024"})``, ``Filters.of(doc_ids=["a"], issuers="Ủy ban nhân dân tỉnh Đồng Nai")``.
    ``localities``: gazetteer keys ("Đồng Nai", "Đồng Nai/thành phố Biên Hòa"); a province takes in the plans
    of the units inside it, a province formed in 2025 those of the provinces merged into it.
    """

    doc_ids: frozenset = frozenset()
    issuers: frozenset = frozenset()
    years: frozenset = frozenset()
    implements: frozenset = frozenset()
    localities: frozenset = frozenset()

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _set(getattr(self, f.name)))

    @classmethod
    def of(cls, **values) -> Filters:
        """From any iterables (or single strings) by field name; unknown names raise ``TypeError``."""
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown filter fields: {', '.join(sorted(unknown))}")
        return cls(**values)

    def accepts(self, doc: Document) -> bool:
        """Whether ``doc`` passes: its id, and one of its values for every other non-empty field."""
        if self.doc_ids and doc.id not in self.doc_ids:
            return False
        return all(not getattr(self, name) or getattr(self, name) & set(values(doc.meta))
                   for name, values in _FIELD_VALUES.items())

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def to_dict(self) -> dict:
        return {f.name: sorted(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class SearchSettings:
    """What ranking reads at query time (no re-indexing needed); defaults from the index's parameters."""

    fusion: str = DEFAULTS["fusion"]
    bm25_weight: float = DEFAULTS["bm25_weight"]
    accent_free_bm25_weight: float = DEFAULTS["accent_free_bm25_weight"]
    rrf_k: int = DEFAULTS["rrf_k"]
    candidates: int = DEFAULTS["candidates"]

    @classmethod
    def from_params(cls, params: dict) -> SearchSettings:
        return cls(**{k: params[k] for k in QUERY_TIME if k in params})


# What each filter field matches in a document's metadata (Filters.accepts says the same, one document).
# "issuers": the body as the plan writes it (the citation adds the province above: the locality filter has it).
_FIELD_VALUES = {"issuers": lambda m: [body_with_locality(m)], "years": lambda m: [m.year],
                 "implements": lambda m: m.implements, "localities": lambda m: locality_values(m)}


def locality_values(meta: DocumentMeta) -> list[str]:
    """The locality filter values a plan answers to: its own unit, the province it lies in, and that
    province's 2025 successor (a plan of Bắc Giang is found under Bắc Ninh). Empty when it names none."""
    out = [v for v in (meta.place_key, meta.province) if v]
    place = gazetteer.get(meta.province) if meta.province else None
    if place is not None and place.successor:
        out.append(place.successor)
    return list(dict.fromkeys(out))


def context_line(meta: DocumentMeta) -> str:
    """The document's own context, indexed with each chunk: kind, number, issuing body, place."""
    # Without a stated locality, the provinces the plan names stand in for it ("Bắc Giang").
    places = [] if meta.locality else list(meta.provinces_named[:1])
    parts = [meta.kind, meta.number, body_with_locality(meta), meta.place, *places, *meta.implements]
    return " ".join(p for p in parts if p)


def index_text(chunk: Chunk, doc: Document, with_context=True, with_headings=True) -> str:
    parts = [context_line(doc.meta)] if with_context else []
    if with_headings and chunk.section:
        parts.append(chunk.section)
    parts.append(chunk.body)
    return "\n".join(p for p in parts if p)


class HybridIndex:
    """Documents and their chunks, a sparse and a dense retriever over the chunks, fused per query.

    The retrievers are reached only through their ``search`` method (``index.backends``), so another
    engine can stand in for either.
    """

    def __init__(self, documents: list[Document] | Mapping[str, Document], chunks: Sequence[Chunk],
                 bm25: SparseRetriever, dense: DenseRetriever | None, embedder, params: dict,
                 doc_rows: DocRows | None = None, facets: dict | None = None):
        """``documents`` a list, or a mapping by id (``index.table.DocumentTable`` reads them on demand);
        ``doc_rows`` and ``facets`` as saved with the index (computed from the chunks and documents when
        not given)."""
        self.documents = documents if isinstance(documents, Mapping) else {d.id: d for d in documents}
        self.chunks = chunks
        self.bm25, self.dense, self.embedder = bm25, dense, embedder
        self.params = params
        self.settings = SearchSettings.from_params(params)
        self._ids = list(self.documents)
        self._number = getattr(self.documents, "row", None) or {d: i for i, d in enumerate(self._ids)}
        if doc_rows is None:
            doc_of_row = np.fromiter((self._number[c.doc_id] for c in chunks), dtype=np.int64, count=len(chunks))
            doc_rows = DocRows.of(doc_of_row, len(self._number))
        self.doc_rows = doc_rows
        self._saved_facets = dict(facets or {})  # field -> value -> document numbers, as read from disk
        self._facets: dict[str, dict[str, np.ndarray]] = {}

    @classmethod
    def build(cls, corpus: Corpus, embedder=None, cache_dir=None, progress=None, dense=True,
              **params) -> HybridIndex:
        """Index ``corpus``; ``progress(n)`` is called as passages get embedded.

        Embeddings are cached in ``cache_dir`` (default: $PLANS_CACHE or data/cache). With
        ``dense=False`` only BM25 is built (no model loaded, nothing embedded): mode "bm25" only.
        """
        index = cls.keywords(corpus, **params)
        return index.with_vectors(embedder, cache_dir, progress) if dense else index

    @classmethod
    def keywords(cls, corpus: Corpus, **params) -> HybridIndex:
        """The keyword half of an index of ``corpus``: BM25 only, searchable at once (no model, no vectors)."""
        unknown = set(params) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown index parameters: {', '.join(sorted(unknown))}")
        p = {**DEFAULTS, **params}
        docs = {d.id: d for d in corpus.documents}
        texts = [index_text(c, docs[c.doc_id], p["with_context"], p["with_headings"]) for c in corpus.chunks]
        bm25 = BM25Retriever(p["scheme"], p["folded_weight"], p["k1"], p["b"], p["method"]).index(texts)
        index = cls(corpus.documents, corpus.chunks, bm25, None, None, p)
        index.embedded = 0
        return index

    def texts(self) -> list[str]:
        """What is indexed for each chunk: its text with heading path and document context."""
        p = self.params
        return [index_text(c, self.documents[c.doc_id], p["with_context"], p["with_headings"]) for c in self.chunks]

    def with_vectors(self, embedder=None, cache=None, progress=None) -> HybridIndex:
        """This index with its dense half: every chunk embedded (cached vectors reused, new ones written to
        the cache batch by batch) and put in FAISS. ``cache``: an ``EmbeddingCache`` or its folder."""
        embedder = embedder or load_embedder(DEFAULT_MODEL)
        if not isinstance(cache, EmbeddingCache):
            cache = EmbeddingCache(cache or default_cache_dir(), embedder.name, embedder.dim)
        vectors, embedded = cache.embed(self.texts(), embedder.embed_passages, progress=progress)
        other = copy.copy(self)
        other.dense, other.embedder = DenseIndex.build(vectors, self.params["faiss"]), embedder
        other.embedded = embedded
        return other

    def with_settings(self, **settings) -> HybridIndex:
        """The same index (nothing copied) answering with other query-time settings by default."""
        other = copy.copy(self)
        other.settings = replace(self.settings, **settings)
        return other

    @property
    def modes(self) -> tuple[str, ...]:
        """The modes this index can answer in: all three once it has vectors, BM25 before."""
        return MODES if self.dense is not None else ("bm25",)

    # -- search ---------------------------------------------------------------------------------
    def allowed_rows(self, filters: Filters | None) -> np.ndarray | None:
        """The chunk rows ``filters`` admit (sorted ids), or None for no restriction."""
        if not filters:
            return None
        return self.doc_rows.rows(self._matching(filters))

    def restriction(self, filters: Filters | None):
        """What the retrievers are handed for ``filters`` (``index.backends``): the admitted rows; an engine
        that evaluates filters itself (``index.milvus``) hands its own expression instead."""
        return self.allowed_rows(filters)

    def matching_documents(self, filters: Filters) -> set[str]:
        """The ids of the documents ``filters`` admit."""
        return {self._ids[i] for i in self._matching(filters)}

    def _matching(self, filters: Filters) -> np.ndarray:
        """The numbers of the documents ``filters`` admit, from per-field maps of value to documents (no
        scan of every document per query: a filter costs the same in a library of ten plans or of ten
        thousand)."""
        out = None
        if filters.doc_ids:
            out = np.asarray(sorted(self._number[d] for d in filters.doc_ids if d in self._number), np.int64)
        for name in _FIELD_VALUES:
            wanted = getattr(filters, name)
            if wanted:
                by_value = self.facet(name)
                found = [by_value[v] for v in wanted if v in by_value]
                docs = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
                out = docs if out is None else np.intersect1d(out, docs, assume_unique=True)
        return out if out is not None else np.arange(len(self._number), dtype=np.int64)

    def facet(self, name: str) -> dict[str, np.ndarray]:
        """{value: sorted document numbers} of filter field ``name``, as saved with the index or computed
        once from the documents."""
        if name not in self._facets:
            values = self._saved_facets.pop(name, None)
            if values is None:
                values = {}
                for i, doc in enumerate(self.documents.values()):
                    for v in dict.fromkeys(_FIELD_VALUES[name](doc.meta)):
                        values.setdefault(v, []).append(i)
            self._facets[name] = {v: np.asarray(docs, np.int64) for v, docs in values.items()}
        return self._facets[name]

    def facets(self) -> dict[str, dict[str, list[int]]]:
        """Every filter field's map, to be saved with the index."""
        return {name: {v: docs.tolist() for v, docs in self.facet(name).items()} for name in _FIELD_VALUES}

    def scores(self, query: str | Query, mode: str = "hybrid", filters: Filters | None = None,
               settings: SearchSettings | None = None) -> dict[int, float]:
        """{chunk row: score} for the candidates of ``mode``."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if mode not in self.modes:
            raise ValueError(f"mode {mode!r} needs dense vectors; this index has BM25 only so far")
        query, s = Query.parse(query), settings or self.settings
        allowed = self.restriction(filters)
        if allowed is not None and not len(allowed):
            return {}
        sparse = self.bm25.search(query, s.candidates, allowed) if mode != "dense" else {}
        if mode == "bm25":
            return sparse
        vector = self.embedder.embed_queries([query.for_embedding])[0]
        dense = self.dense.search(vector, s.candidates, allowed)
        if mode == "dense":
            return dense
        if s.fusion == "rrf":
            return rrf([sparse, dense], k=s.rrf_k)
        weight = s.bm25_weight
        if query.accent_free:  # the dense model reads unaccented Vietnamese poorly: lean on BM25
            weight = max(weight, s.accent_free_bm25_weight)
        return blend(sparse, dense, weight)

    def search(self, query: str | Query, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
               settings: SearchSettings | None = None) -> list[Hit]:
        query = Query.parse(query)
        if not query:
            return []
        run = self.scores(query, mode, filters, settings)
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
