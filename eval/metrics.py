"""Judgements → ranx Qrels and Runs → Hit@1, Recall@5, Recall@10, MRR@10, nDCG@10.

The relevant items are the golds: qrels = every gold of a question with relevance 1 (ids ``g0``, ``g1``…).
The run lists, hit by hit in rank order, the golds that hit satisfies first (one entry each), or one
non-relevant placeholder (``_hit<rank>``) for a hit that satisfies none. Scores strictly decrease down
the list, so ranx keeps that order.

A hit that covers two golds would push the later hits one place down that list, so each cut-off is
applied to *hits* before the run is made: Recall@5 is ranx's recall over the run of the top 5 hits, and
so on. That makes
- Hit@1: the first hit satisfies at least one gold;
- Recall@k: the share of golds satisfied by the first k hits (never above 1: a gold counts once);
- MRR@10: 1 / rank of the first hit satisfying any gold within 10 (placeholders keep ranks exact);
- nDCG@10: binary gains over the list made from the first 10 hits, a hit covering n new golds counting as
  n consecutive results; the ideal list holds min(#golds, 10) golds.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["METRICS", "qrels_for", "run_for", "per_query", "summarise"]

# name -> (hit cut-off applied before ranx, ranx metric)
METRICS = {
    "Hit@1": (1, "hit_rate"),
    "Recall@5": (5, "recall"),
    "Recall@10": (10, "recall"),
    "MRR@10": (10, "mrr"),
    "nDCG@10": (10, "ndcg@10"),
}


def qrels_for(golds: dict[str, int]):
    """``{question id: number of golds}`` → ranx Qrels."""
    from ranx import Qrels

    return Qrels({q: {f"g{i}": 1 for i in range(n)} for q, n in golds.items()})


def _ranked(judged: list[list[int]], cutoff: int) -> dict[str, float]:
    items = []
    for rank, golds in enumerate(judged[:cutoff], 1):
        items += [f"g{i}" for i in golds] if golds else [f"_hit{rank}"]
    if not items:  # no hit at all: a placeholder, since ranx needs one entry
        return {"_nohit": 0.0}
    return {item: float(len(items) - pos) for pos, item in enumerate(items)}


def run_for(judgements: dict[str, list[list[int]]], cutoff: int):
    """``{question id: judge() output}`` → a ranx Run of the top ``cutoff`` hits."""
    from ranx import Run

    return Run({q: _ranked(j, cutoff) for q, j in judgements.items()})


def per_query(golds: dict[str, int], judgements: dict[str, list[list[int]]]) -> dict[str, dict[str, float]]:
    """``{question id: {metric name: value}}`` computed by ranx."""
    from ranx import evaluate

    qrels = qrels_for(golds)
    out: dict[str, dict[str, float]] = {q: {} for q in golds}
    for cutoff in sorted({c for c, _ in METRICS.values()}):
        names = {m: n for n, (c, m) in METRICS.items() if c == cutoff}
        run = run_for({q: judgements.get(q, []) for q in golds}, cutoff)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numba's type-safety notes
            evaluate(qrels, run, list(names), return_mean=False, make_comparable=True)
        for metric, name in names.items():
            for q, v in run.scores[metric].items():
                out[q][name] = float(v)
    return out


def summarise(values: dict[str, dict[str, float]], ids=None) -> dict[str, float]:
    """Mean of each metric over ``ids`` (default: all questions); ``n`` is their number."""
    ids = list(values) if ids is None else [i for i in ids if i in values]
    out = {name: round(float(np.mean([values[i][name] for i in ids])), 4) if ids else 0.0 for name in METRICS}
    return {"n": len(ids), **out}
