"""Serving an index from Milvus (pymilvus 2.5): BM25 by Milvus's own BM25 function, dense vectors, filters
evaluated by the server as expressions on stored fields, results mapped back to our passages by row id.

    store = MilvusStore("http://milvus.example:19530")     # a cluster, or a Milvus Lite server (index.milvus_lite)
    store.load(HybridIndex.load("data/index"))            # one collection holds the index's passages
    idx = MilvusIndex.connect(HybridIndex.load("data/index"), store)
    idx.search("mục tiêu nước sạch nông thôn 2030")        # the same Hits, page and API as the embedded engines

What Milvus is given to analyse. Its analyzers split text at spaces or punctuation and know nothing of
Vietnamese: no one tone placement (hoà/hòa), no i/y variants, no abbreviations (BHXH), no syllable pairs,
no accent-free view. So each passage is stored as OUR term stream (``vntext.terms.terms``: normalised
syllables, syllable bigrams "nước_sạch", expanded abbreviations) joined with spaces, and the accent-free
stream (``folded_terms``) in a second field; both fields use Milvus's ``whitespace`` tokenizer, which
only splits at the spaces we put, and each feeds a BM25 function. A query is turned into the same two
streams by the same code, so documents and queries share one normalisation wherever the index is served.
The keyword score is BM25(terms) + folded_weight × BM25(folded), as in ``index.bm25``.

Filters (``Filters``) become one expression on the stored fields (``doc_id``, ``issuer``, ``year``,
``implements``): the server restricts each search, no row list travels. Row ids handed through the seam
(``index.backends``) become ranges of the primary key ``row``.

Hybrid is fused by our fusion (``index.fusion``, the default: the same figures as the embedded engines),
or in one ``hybrid_search`` call with Milvus's RRF ranker (``fusion="rrf"``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator

import numpy as np

from vntext.query import Query
from vntext.terms import folded_terms, terms

from .hybrid import Filters, HybridIndex, index_text
from .store import IndexLoadError, corpus_hash

__all__ = ["MilvusStore", "MilvusIndex", "MilvusSparse", "MilvusDense", "MilvusError", "Where",
           "filter_expression", "rows_expression", "DEFAULT_COLLECTION", "SERVER_FUSIONS"]

DEFAULT_COLLECTION = "plans"
FORMAT = 1
# One hybrid_search call fused by Milvus's RRF ranker. Its WeightedRanker is not offered: Milvus Lite 2.5.1
# normalises BM25 scores as distances (smaller = better), which turns the keyword half upside down
# (measured: hybrid MRR@10 0.005 on eval/questions.jsonl; README "When one machine is not enough").
SERVER_FUSIONS = ("rrf",)
ANALYZER = {"tokenizer": "whitespace"}  # our terms are already normalised and lower-cased: split at spaces only
MAX_TEXT_BYTES = 65_535  # Milvus's VARCHAR limit
MAX_LIMIT = 16_384  # Milvus's largest top-k
BATCH = 256
_LENGTHS = {"chunk_id": 512, "doc_id": 512, "issuer": 2048, "year": 16}
_IMPLEMENTS = dict(max_capacity=256, max_length=256)


class MilvusError(RuntimeError):
    """Milvus cannot serve this index; the message says what to do."""


class Where(str):
    """A filter expression for the Milvus retrievers, handed through the seam instead of row ids."""


def _client(uri: str, token: str | None):
    try:
        from pymilvus import MilvusClient
    except ImportError as e:
        raise MilvusError("pymilvus is not installed: pip install -r requirements-dist.txt") from e
    try:
        return MilvusClient(uri=uri, token=token or "")
    except Exception as e:  # noqa: BLE001 — pymilvus raises its own types for a refused connection
        raise MilvusError(f"cannot connect to Milvus at {uri}: {e}") from e


# -- expressions -------------------------------------------------------------------------------------
def _list(values: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in sorted(values)) + "]"


def filter_expression(filters: Filters | None) -> str:
    """The Milvus expression admitting what ``filters`` admit (``Filters.accepts``), "" for no restriction."""
    if not filters:
        return ""
    parts = [f"{field} in {_list(values)}" for field, values in
             (("doc_id", filters.doc_ids), ("issuer", filters.issuers), ("year", filters.years)) if values]
    if filters.implements:
        parts.append(f"array_contains_any(implements, {_list(filters.implements)})")
    return " and ".join(parts)


def rows_expression(rows: np.ndarray) -> str:
    """``rows`` (row ids) as ranges of the primary key: a plan's passages are consecutive rows, so a filter
    to a few plans is a few ranges, whatever their size."""
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    if not len(rows):
        return "row < 0"
    cuts = np.flatnonzero(np.diff(rows) != 1) + 1
    starts, ends = rows[np.r_[0, cuts]], rows[np.r_[cuts - 1, len(rows) - 1]]
    single = [str(a) for a, b in zip(starts, ends, strict=True) if a == b]
    parts = [f"(row >= {a} and row <= {b})" for a, b in zip(starts, ends, strict=True) if a != b]
    if single:
        parts.append(f"row in [{', '.join(single)}]")
    return " or ".join(parts)


def _expression(allowed) -> str:
    if allowed is None:
        return ""
    return str(allowed) if isinstance(allowed, Where) else rows_expression(allowed)


# -- the collection ----------------------------------------------------------------------------------
def _identity(index: HybridIndex) -> dict:
    """What a collection records of the index it holds (its description), checked when connecting."""
    p = index.params
    dense = index.dense is not None and index.embedder is not None
    spans = hashlib.sha256("\n".join(f"{c.id}\t{c.start}\t{c.end}" for c in index.chunks).encode()).hexdigest()
    return {"format": FORMAT, "chunks": len(index.chunks), "corpus_hash": corpus_hash(index.documents.values()),
            "chunks_hash": spans,
            "model": index.embedder.name if dense else None, "dim": int(index.embedder.dim) if dense else 0,
            "params": {k: p[k] for k in ("scheme", "folded_weight", "k1", "b", "with_context", "with_headings")}}


def _check_length(name: str, value: str, limit: int, row: int) -> str:
    if len(value.encode()) > limit:
        raise MilvusError(f"row {row}: {name} is {len(value.encode())} bytes, over Milvus's limit of {limit}")
    return value


def _rows(index: HybridIndex, start: int, stop: int, with_dense: bool) -> list[dict]:
    """The collection's records of rows ``start``..``stop``: the text indexed for each (``index_text``, as the
    embedded BM25 reads it) as our two term streams, the fields filters read, the vector."""
    p = index.params
    vectors = index.dense.vectors(start, stop) if with_dense else None
    out = []
    for i, chunk in enumerate(index.chunks[start:stop]):
        row = start + i
        doc = index.documents[chunk.doc_id]
        meta, text = doc.meta, index_text(chunk, doc, p["with_context"], p["with_headings"])
        if len(meta.implements) > _IMPLEMENTS["max_capacity"]:
            raise MilvusError(f"row {row}: document {chunk.doc_id} implements {len(meta.implements)} resolutions, "
                              f"over the collection's {_IMPLEMENTS['max_capacity']}")
        record = {
            "row": row,
            "chunk_id": _check_length("chunk id", chunk.id, _LENGTHS["chunk_id"], row),
            "doc_id": _check_length("document id", chunk.doc_id, _LENGTHS["doc_id"], row),
            "issuer": _check_length("issuer", meta.issuer or "", _LENGTHS["issuer"], row),
            "year": _check_length("year", meta.year or "", _LENGTHS["year"], row),
            "implements": [_check_length("implements", v, _IMPLEMENTS["max_length"], row) for v in meta.implements],
            "terms": _check_length("term stream", " ".join(terms(text, p["scheme"])), MAX_TEXT_BYTES, row),
            "folded": _check_length("accent-free stream", " ".join(folded_terms(text)), MAX_TEXT_BYTES, row),
        }
        if with_dense:
            record["dense"] = vectors[i].astype(np.float32).tolist()
        out.append(record)
    return out


def _batches(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


class MilvusStore:
    """One collection of a Milvus server (by URI: a cluster, or Milvus Lite's server) holding one index."""

    def __init__(self, uri: str, collection: str = DEFAULT_COLLECTION, token: str | None = None):
        self.uri, self.collection = uri, collection
        self.client = _client(uri, token)

    def exists(self) -> bool:
        return self.client.has_collection(self.collection)

    def identity(self) -> dict:
        """What the collection says it holds (``_identity`` of the index loaded into it)."""
        if not self.exists():
            raise MilvusError(f"Milvus at {self.uri} has no collection {self.collection!r}: load the index "
                              f"first (python -m index milvus load --uri {self.uri})")
        try:
            return json.loads(self.client.describe_collection(self.collection)["description"])
        except (KeyError, ValueError) as e:
            raise MilvusError(f"collection {self.collection!r} at {self.uri} was not loaded by this project") from e

    def load(self, index: HybridIndex, dense_index: str = "FLAT", progress=None) -> int:
        """Put ``index``'s passages into the collection (replacing what it held); returns the rows loaded.

        Written under a temporary name and renamed into place once complete, so a failure leaves the
        previous collection serving (Milvus Lite cannot rename: there it is loaded in place). ``dense_index``: Milvus's index type for the vectors ("FLAT" exact,
        "HNSW", "AUTOINDEX" on a cluster; Milvus Lite serves FLAT). ``progress(rows_done)`` after each batch.
        """
        with_dense = index.dense is not None and index.embedder is not None
        swap = self._can_rename()
        target = f"{self.collection}__loading" if swap else self.collection
        if self.client.has_collection(target):
            self.client.drop_collection(target)
        self.client.create_collection(target, schema=self._schema(_identity(index), with_dense),
                                      index_params=self._index_params(index.params, with_dense, dense_index),
                                      consistency_level="Strong")
        try:
            for start, stop in _batches(len(index.chunks), BATCH):
                self.client.insert(target, _rows(index, start, stop, with_dense))
                if progress:
                    progress(stop)
            self.client.flush(target)
            count = self.client.query(target, output_fields=["count(*)"])[0]["count(*)"]
            if count != len(index.chunks):
                raise MilvusError(f"Milvus holds {count} rows after loading {len(index.chunks)} passages")
            if swap:
                if self.client.has_collection(self.collection):
                    self.client.drop_collection(self.collection)
                self.client.rename_collection(target, self.collection)
        except BaseException:
            self.client.drop_collection(target)
            raise
        self.client.load_collection(self.collection)
        return len(index.chunks)

    def _can_rename(self) -> bool:
        """Whether the server renames collections (a cluster does; Milvus Lite answers UNIMPLEMENTED, and is
        then loaded in place): asked by renaming a collection that does not exist."""
        missing = f"{self.collection}__absent"
        quiet = logging.getLogger("pymilvus")  # pymilvus logs every refused call as an error
        level, quiet.level = quiet.level, logging.CRITICAL
        try:
            self.client.rename_collection(missing, f"{missing}2")
        except Exception as e:  # noqa: BLE001 — pymilvus passes the gRPC error through for this one
            code = getattr(e, "code", None)
            return "UNIMPLEMENTED" not in str(code() if callable(code) else code) + str(e)
        finally:
            quiet.setLevel(level)
        return True

    def drop(self) -> None:
        if self.exists():
            self.client.drop_collection(self.collection)

    @staticmethod
    def _schema(identity: dict, with_dense: bool):
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        s = MilvusClient.create_schema(auto_id=False, description=json.dumps(identity, ensure_ascii=False))
        s.add_field("row", DataType.INT64, is_primary=True)
        for name, length in _LENGTHS.items():
            s.add_field(name, DataType.VARCHAR, max_length=length)
        s.add_field("implements", DataType.ARRAY, element_type=DataType.VARCHAR, **_IMPLEMENTS)
        for text in ("terms", "folded"):
            s.add_field(text, DataType.VARCHAR, max_length=MAX_TEXT_BYTES, enable_analyzer=True,
                        analyzer_params=ANALYZER)
            s.add_field(f"{text}_bm25", DataType.SPARSE_FLOAT_VECTOR)
            s.add_function(Function(name=f"{text}_bm25", function_type=FunctionType.BM25,
                                    input_field_names=[text], output_field_names=[f"{text}_bm25"]))
        if with_dense:
            s.add_field("dense", DataType.FLOAT_VECTOR, dim=identity["dim"])
        return s

    def _index_params(self, params: dict, with_dense: bool, dense_index: str):
        ip = self.client.prepare_index_params()
        for text in ("terms", "folded"):
            ip.add_index(field_name=f"{text}_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": params["k1"], "bm25_b": params["b"]})
        if with_dense:
            ip.add_index(field_name="dense", index_type=dense_index, metric_type="IP")
        for field in ("doc_id", "issuer", "year"):  # filters: scalar indexes on the filtered fields
            ip.add_index(field_name=field, index_type="INVERTED")
        return ip

    # -- searching -------------------------------------------------------------------------------
    def bm25(self, field: str, text: str, limit: int, expr: str) -> dict[int, float]:
        if not text or limit <= 0:
            return {}
        res = self.client.search(self.collection, data=[text], anns_field=field, limit=min(limit, MAX_LIMIT),
                                 filter=expr, search_params={"metric_type": "BM25"})
        return {int(h["id"]): float(h["distance"]) for h in res[0]}

    def nearest(self, vector: np.ndarray, limit: int, expr: str) -> dict[int, float]:
        if limit <= 0:
            return {}
        res = self.client.search(self.collection, data=[np.asarray(vector, np.float32).tolist()], anns_field="dense",
                                 limit=min(limit, MAX_LIMIT), filter=expr, search_params={"metric_type": "IP"})
        return {int(h["id"]): float(h["distance"]) for h in res[0]}

    def hybrid(self, texts: tuple[str, str], vector: np.ndarray, limit: int, expr: str, rrf_k: int) -> dict[int, float]:
        """One ``hybrid_search`` call: both BM25 fields and the vectors, fused by Milvus's RRF ranker."""
        from pymilvus import AnnSearchRequest, RRFRanker

        limit = min(limit, MAX_LIMIT)
        reqs = [AnnSearchRequest([data], field, {"metric_type": metric}, limit, expr=expr or None)
                for field, metric, data in (("terms_bm25", "BM25", texts[0]), ("folded_bm25", "BM25", texts[1]),
                                            ("dense", "IP", np.asarray(vector, np.float32).tolist()))
                if len(data)]
        res = self.client.hybrid_search(self.collection, reqs, RRFRanker(rrf_k), limit=limit)
        return {int(h["id"]): float(h["distance"]) for h in res[0]}


# -- the retrievers behind the seam ----------------------------------------------------------------
class MilvusSparse:
    """``index.backends.SparseRetriever`` answered by Milvus's BM25 over our two term streams."""

    def __init__(self, store: MilvusStore, n: int, scheme: str, folded_weight: float):
        self.store, self.n, self.scheme, self.folded_weight = store, n, scheme, folded_weight

    def texts(self, query: Query) -> tuple[str, str]:
        """The query as Milvus is given it: our exact and accent-free term streams."""
        return " ".join(query.terms(self.scheme)), " ".join(query.folded_terms)

    def search(self, query: str | Query, n: int, allowed=None) -> dict[int, float]:
        """The ``n`` best rows by BM25(terms) + folded_weight × BM25(folded). Each half is searched for its
        ``n`` best; a row found by one half only is then scored by the other among just those rows, so every
        candidate has its full score, as in ``index.bm25``."""
        query, expr = Query.parse(query), _expression(allowed)
        exact_text, folded_text = self.texts(query)
        exact = self.store.bm25("terms_bm25", exact_text, n, expr)
        if self.folded_weight <= 0:
            return _best(exact, n)
        folded = self.store.bm25("folded_bm25", folded_text, n, expr)
        for half, field, text, other in ((exact, "terms_bm25", exact_text, folded),
                                         (folded, "folded_bm25", folded_text, exact)):
            missing = sorted(other.keys() - half.keys())
            if missing and text:
                restricted = rows_expression(np.asarray(missing)) + (f" and ({expr})" if expr else "")
                half.update(self.store.bm25(field, text, len(missing), restricted))
        rows = exact.keys() | folded.keys()
        return _best({r: exact.get(r, 0.0) + self.folded_weight * folded.get(r, 0.0) for r in rows}, n)


def _best(scores: dict[int, float], n: int) -> dict[int, float]:
    return dict(sorted(((r, s) for r, s in scores.items() if s > 0), key=lambda rs: (-rs[1], rs[0]))[:n])


class MilvusDense:
    """``index.backends.DenseRetriever`` answered by Milvus's vector search (inner product = cosine)."""

    def __init__(self, store: MilvusStore, size: int):
        self.store, self.size = store, size

    def search(self, vector: np.ndarray, n: int, allowed=None) -> dict[int, float]:
        return self.store.nearest(vector, n, _expression(allowed))


class MilvusIndex(HybridIndex):
    """A ``HybridIndex`` whose passages are searched in Milvus: documents, chunks and the query embedder are
    the loaded index's own (hits cite the same spans); filters go to the server as expressions.

    ``fusion``: None (our fusion, ``SearchSettings``), or "rrf" for one ``hybrid_search`` call.
    """

    def __init__(self, *args, store: MilvusStore, fusion: str | None = None, **kw):
        super().__init__(*args, **kw)
        if fusion not in (None, *SERVER_FUSIONS):
            raise ValueError(f"unknown Milvus fusion {fusion!r}; choose one of {', '.join(SERVER_FUSIONS)} or none")
        self.store, self.fusion = store, fusion

    @classmethod
    def connect(cls, index: HybridIndex, store: MilvusStore, fusion: str | None = None) -> MilvusIndex:
        """``index`` served from ``store``'s collection, once it is checked to hold that very index."""
        held, wanted = store.identity(), _identity(index)
        if held.get("format") != FORMAT:
            raise IndexLoadError(f"collection {store.collection!r} was loaded by another version of this "
                                 f"project; load it again (python -m index milvus load --uri {store.uri})")
        for key in ("chunks", "corpus_hash", "chunks_hash", "params"):
            if held.get(key) != wanted[key]:
                raise IndexLoadError(f"collection {store.collection!r} at {store.uri} holds another index "
                                     f"({key} differs); load this one (python -m index milvus load "
                                     f"--uri {store.uri})")
        with_dense = wanted["model"] is not None and held.get("model") == wanted["model"]
        if wanted["model"] is not None and held.get("model") not in (None, wanted["model"]):
            raise IndexLoadError(f"collection {store.collection!r} holds vectors of model {held['model']!r}, "
                                 f"the index {wanted['model']!r}; load it again")
        p = index.params
        sparse = MilvusSparse(store, len(index.chunks), p["scheme"], p["folded_weight"])
        dense = MilvusDense(store, len(index.chunks)) if with_dense else None
        other = cls(index.documents, index.chunks, sparse, dense, index.embedder if with_dense else None, dict(p),
                    doc_rows=index.doc_rows, store=store, fusion=fusion)  # rows still read on demand
        other.settings = index.settings
        for attr in ("embedded", "manifest"):
            if hasattr(index, attr):
                setattr(other, attr, getattr(index, attr))
        return other

    def restriction(self, filters: Filters | None):
        """Filters travel to the server as one expression on stored fields, not as row ids."""
        return Where(filter_expression(filters)) if filters else None

    def scores(self, query, mode="hybrid", filters=None, settings=None) -> dict[int, float]:
        if self.fusion is None or mode != "hybrid" or "hybrid" not in self.modes:
            return super().scores(query, mode, filters, settings)
        query, s = Query.parse(query), settings or self.settings
        vector = self.embedder.embed_queries([query.for_embedding])[0]
        return self.store.hybrid(self.bm25.texts(query), vector, s.candidates, filter_expression(filters), s.rrf_k)
