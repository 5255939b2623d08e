"""Asking every question in every mode, judging the hits, and the report: metrics overall, per kind, latency."""

from __future__ import annotations

import time

import numpy as np

from .metrics import METRICS, per_query, summarise
from .relevance import Question, gold_spans, judge

__all__ = ["evaluate", "format_report", "missing_golds"]


def missing_golds(index, questions: list[Question]) -> list[str]:
    """Golds that can never be satisfied: document not in the index, or quote not found in it."""
    texts = {d: doc.text for d, doc in index.documents.items()}
    out = []
    for q in questions:
        for g, spans in zip(q.gold, gold_spans(q, texts), strict=True):
            if g.doc not in texts:
                out.append(f"{q.id}: document {g.doc!r} is not in the index")
            elif spans == []:
                out.append(f"{q.id}: quote not found in {g.doc}: {g.quote[:60]!r}")
    return out


def _search(index, questions, mode: str, k: int) -> tuple[dict, list[float]]:
    index.search(questions[0].query, k=k, mode=mode)  # warm-up: the first query loads what it needs
    hits, ms = {}, []
    for q in questions:
        t = time.perf_counter()
        hits[q.id] = index.search(q.query, k=k, mode=mode)
        ms.append((time.perf_counter() - t) * 1000)
    return hits, ms


def evaluate(index, questions: list[Question], modes=("hybrid", "bm25", "dense"), k: int = 10,
             keep_hits: bool = True) -> dict:
    """Metrics of ``index`` on ``questions`` for each mode.

    Returns ``{"k", "modes": {mode: {"overall", "by_kind", "latency_ms"}}, "values": {mode: {id: {metric}}},
    "questions": [...]}``; with ``keep_hits`` each question carries its ranked hits per mode.
    """
    if not questions:
        raise ValueError("no question to evaluate")
    texts = {d: doc.text for d, doc in index.documents.items()}
    spans = {q.id: gold_spans(q, texts) for q in questions}
    golds = {q.id: len(q.gold) for q in questions}
    kinds = sorted({q.kind for q in questions})
    report = {"k": k, "modes": {}, "values": {}, "questions": []}
    results: dict[str, dict] = {}
    for mode in modes:
        hits, ms = _search(index, questions, mode, k)
        judged = {q.id: judge([(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits[q.id]], q, spans[q.id])
                  for q in questions}
        values = per_query(golds, judged)
        report["values"][mode] = values
        report["modes"][mode] = {
            "overall": summarise(values),
            "by_kind": {kind: summarise(values, [q.id for q in questions if q.kind == kind]) for kind in kinds},
            "latency_ms": {"p50": round(float(np.percentile(ms, 50)), 2),
                           "p95": round(float(np.percentile(ms, 95)), 2)},
        }
        results[mode] = {"hits": hits, "judged": judged}
    if keep_hits:
        report["questions"] = [_question_record(q, results, report["values"]) for q in questions]
    return report


def _question_record(q: Question, results: dict, values: dict) -> dict:
    row = {"id": q.id, "query": q.query, "kind": q.kind,
           "gold": [{"doc": g.doc, "quote": g.quote} for g in q.gold], "results": {}}
    for mode, r in results.items():
        row["results"][mode] = {
            "metrics": values[mode][q.id],
            "hits": [{"rank": h.rank, "score": round(float(h.score), 6), "doc_id": h.chunk.doc_id,
                      "start": h.chunk.start, "end": h.chunk.end, "section": h.chunk.section,
                      "text": h.chunk.text, "golds": golds}
                     for h, golds in zip(r["hits"][q.id], r["judged"][q.id], strict=True)],
        }
    return row


def format_report(report: dict, title: str = "") -> str:
    """Plain-text tables: per mode, overall then each kind, with latency."""
    names = list(METRICS)
    head = f"{'':<16}{'n':>5}" + "".join(f"{n:>11}" for n in names)
    lines = [title] if title else []
    for mode, r in report["modes"].items():
        lat = r["latency_ms"]
        lines += ["", f"== {mode}  (query latency p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms)", head]
        for label, s in [("overall", r["overall"]), *r["by_kind"].items()]:
            lines.append(f"{label:<16}{s['n']:>5}" + "".join(f"{s[n]:>11.3f}" for n in names))
    return "\n".join(lines)
