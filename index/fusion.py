"""Combining ranked lists. Inputs and outputs are {id: score} maps.

Raw BM25 scores (~10-30) and cosines (~0.8) are never added: either ranks (RRF) or per-query
min-max normalised scores blended with a weight.
"""

from __future__ import annotations

__all__ = ["rrf", "minmax", "blend"]


def rrf(runs: list[dict], k: int = 60) -> dict:
    """Reciprocal rank fusion: sum over runs of 1 / (k + rank), rank starting at 1."""
    out: dict = {}
    for run in runs:
        for rank, doc in enumerate(sorted(run, key=run.get, reverse=True), 1):
            out[doc] = out.get(doc, 0.0) + 1.0 / (k + rank)
    return out


def minmax(run: dict) -> dict:
    """Scores scaled to [0, 1] within one query; all equal -> 1.0."""
    if not run:
        return {}
    lo, hi = min(run.values()), max(run.values())
    if hi == lo:
        return {d: 1.0 for d in run}
    return {d: (s - lo) / (hi - lo) for d, s in run.items()}


def blend(sparse: dict, dense: dict, weight: float = 0.5) -> dict:
    """weight * minmax(sparse) + (1 - weight) * minmax(dense); an id missing from a run gets 0 there."""
    a, b = minmax(sparse), minmax(dense)
    return {d: weight * a.get(d, 0.0) + (1 - weight) * b.get(d, 0.0) for d in a.keys() | b.keys()}
