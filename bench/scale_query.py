"""Query-time figures of one library size, measured in a fresh process (see ``scale_parts.py``).

Every search goes through ``HybridIndex.search`` with a ``QueryTable`` standing in for the model: the
query vectors were computed once, so the figures leave out the query embedding (~11–40 ms on 2 cores).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from scale_parts import DENSE_FILES, NOISE, SEED, QueryTable, memory, queries, real_vectors

from index.dense import KINDS, DenseIndex
from index.hybrid import DEFAULTS, Filters, HybridIndex
from vntext.query import Query

WARM_UP = 10
CANDIDATES = DEFAULTS["candidates"]


def _stats(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
            "mean_ms": float(ms.mean()), "n": len(ms)}


def _timed(fn, items) -> dict:
    for item in items[:WARM_UP]:
        fn(item)
    seconds = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        seconds.append(time.perf_counter() - t)
    return _stats(seconds)


def _filters(idx: HybridIndex, qs: list[str]) -> list[tuple[str, Filters, Filters]]:
    """Per query: (query, its top hit's plan, a province's plans through the locality filter, which takes
    in its districts' and merged predecessors' plans). The province is drawn per query."""
    rng = np.random.default_rng(SEED)
    provinces = sorted(p for p in idx.facet("localities") if "/" not in p)
    out = []
    for q in qs:
        hits = idx.search(q, 1, "hybrid")
        place = provinces[int(rng.integers(len(provinces)))]
        if hits:
            out.append((q, Filters(doc_ids={hits[0].chunk.doc_id}), Filters(localities={place})))
    return out


def _recall(dense: dict[str, DenseIndex], vectors: np.ndarray, allowed=None, k: int = 10) -> dict:
    """Mean recall@k of each approximate kind against flat; and whether each answered min(k, allowed) rows."""
    out = {}
    for kind in KINDS[1:]:
        recalls, full = [], True
        for v, rows in zip(vectors, allowed or [None] * len(vectors)):
            truth = set(dense["flat"].nearest(v, k, rows)[1].tolist())
            got = dense[kind].nearest(v, k, rows)[1]
            full &= len(got) == len(truth)
            recalls.append(len(truth & set(got.tolist())) / max(1, len(truth)))
        out[kind] = {"recall": float(np.mean(recalls)), "all_rows_returned": bool(full)}
    return out


def _hybrid(idx: HybridIndex, qs: list[str], cases: list) -> dict:
    """Hybrid as served: the index's own dense kind ("auto"), unfiltered and filtered."""
    out = {"hybrid": _timed(lambda q: idx.search(q, 10, "hybrid"), qs),
           "bm25": _timed(lambda q: idx.search(q, 10, "bm25"), qs)}
    for name, pick in (("plan", 1), ("locality", 2)):
        items = [(c[0], c[pick]) for c in cases]
        out[f"hybrid_{name}"] = _timed(lambda item: idx.search(item[0], 10, "hybrid", item[1]), items)
        out[f"allowed_rows_{name}"] = _timed(lambda item: idx.allowed_rows(item[1]), items)
        rows = [len(idx.allowed_rows(f)) for _, f in items]
        out[f"rows_{name}"] = {"median": float(np.median(rows)), "max": int(max(rows))}
        for stat in ("p50_ms", "p95_ms"):
            out[f"ratio_{name}_{stat[:3]}"] = out[f"hybrid_{name}"][stat] / out["hybrid"][stat]
    return out


def _per_kind(idx: HybridIndex, dense: dict[str, DenseIndex], qs: list[str], cases: list, auto: str) -> dict:
    """Dense alone and hybrid with each kind; dense filtered to a locality with each kind."""
    out = {}
    for kind in KINDS:
        idx.dense = dense[kind]
        out[f"dense_{kind}"] = _timed(lambda q: idx.search(q, 10, "dense"), qs)
        out[f"hybrid_{kind}"] = _timed(lambda q: idx.search(q, 10, "hybrid"), qs)
        out[f"dense_{kind}_locality"] = _timed(lambda c: idx.search(c[0], 10, "dense", c[2]), cases)
    idx.dense = dense[auto]
    return out


def measure(out_dir: Path) -> dict:
    """Load the library's index as a server would, time hybrid as served (then its memory), then every
    dense kind; recall of the approximate kinds against flat, unfiltered and filtered to a locality."""
    load_avg = os.getloadavg()
    t = time.perf_counter()
    idx = HybridIndex.load(out_dir / "index", embedder=QueryTable())
    result = {"after_load": {"load_s": time.perf_counter() - t, **memory()}, "auto_kind": idx.dense.kind}
    qs = queries()
    cases = _filters(idx, qs)
    result["latency"] = _hybrid(idx, qs, cases)
    result["after_queries"] = memory()  # what a server answering hybrid queries holds
    dense = {kind: DenseIndex.load(out_dir / DENSE_FILES[kind]) for kind in KINDS}
    result["latency"].update(_per_kind(idx, dense, qs, cases, idx.dense.kind))
    vectors = idx.embedder.embed_queries([Query.parse(q).for_embedding for q in qs])
    by_query = {q: (p, loc) for q, p, loc in cases}
    result["recall_at_10"] = _recall(dense, vectors)
    result["recall_at_10_locality"] = _recall(
        dense, np.stack([v for q, v in zip(qs, vectors) if q in by_query]),
        [idx.allowed_rows(by_query[q][1]) for q in qs if q in by_query])
    result["load_average"] = {"before": load_avg, "after": os.getloadavg()}
    return result


def flat_curve(sizes=(25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000)) -> dict:
    """Exact search of CANDIDATES rows (what hybrid asks the dense side for) against the number of rows."""
    from scale_library import real_corpus, variant_vectors

    real = real_vectors(real_corpus())
    qs = queries()
    vectors_q = QueryTable().embed_queries([Query.parse(q).for_embedding for q in qs])
    rows = variant_vectors(real, np.arange(max(sizes)) % len(real), NOISE, SEED)
    out = {}
    for n in sizes:
        flat = DenseIndex.build(rows[:n], "flat")
        out[str(n)] = _timed(lambda v, flat=flat: flat.nearest(v, CANDIDATES), list(vectors_q))
    return out
