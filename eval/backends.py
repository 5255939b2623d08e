"""The evaluation served from Milvus beside the embedded engines (``python -m eval --backend milvus``).

The same index (the same chunks, the same cached vectors) is loaded into a Milvus collection and every
question is asked of both; the report prints both and the difference per mode. Without ``--milvus-uri``
a Milvus Lite server is started on 127.0.0.1 in a temporary folder and stopped at the end.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from .metrics import METRICS
from .runner import evaluate, format_report

__all__ = ["BACKENDS", "milvus_index", "compare", "format_comparison"]

BACKENDS = ("embedded", "milvus")


@contextlib.contextmanager
def milvus_index(index, uri: str | None = None, collection: str = "plans_eval", fusion: str | None = None):
    """``index`` loaded into Milvus at ``uri`` (or a Milvus Lite server started for the occasion) and served
    from there as a ``MilvusIndex``; the collection is dropped afterwards."""
    from index.milvus import MilvusIndex, MilvusStore
    from index.milvus_lite import MilvusLite

    with contextlib.ExitStack() as stack:
        if uri is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="plans-milvus-"))
            uri = stack.enter_context(MilvusLite(Path(folder) / "eval.db")).uri
        store = MilvusStore(uri, collection)
        store.load(index)
        stack.callback(store.drop)
        yield MilvusIndex.connect(index, store, fusion)


def compare(embedded: dict, milvus: dict) -> dict:
    """Per mode and metric: the two backends' overall figures and the difference (Milvus − embedded)."""
    out = {}
    for mode, r in milvus["modes"].items():
        base = embedded["modes"][mode]["overall"]
        out[mode] = {m: {"embedded": base[m], "milvus": r["overall"][m], "diff": r["overall"][m] - base[m]}
                     for m in METRICS}
    return out


def format_comparison(comparison: dict) -> str:
    names = list(METRICS)
    lines = ["", "== embedded vs milvus (overall; diff = milvus - embedded)",
             f"{'':<10}" + "".join(f"{n:>22}" for n in names)]
    for mode, row in comparison.items():
        lines.append(f"{mode:<10}" + "".join(
            f"{row[n]['embedded']:>8.3f} {row[n]['milvus']:>6.3f} {row[n]['diff']:>+6.3f}" for n in names))
    return "\n".join(lines)


def evaluate_both(index, questions, modes, k, uri=None, collection="plans_eval", fusion=None,
                  keep_hits=False) -> dict:
    """{"embedded": report, "milvus": report, "comparison": ...} with both reports' texts printed."""
    embedded = evaluate(index, questions, modes, k, keep_hits=keep_hits)
    print(format_report(embedded, "backend: embedded (bm25s + FAISS)"))
    with milvus_index(index, uri, collection, fusion) as served:
        milvus = evaluate(served, questions, modes, k, keep_hits=keep_hits)
    label = "our fusion" if fusion is None else f"Milvus's {fusion} ranker, one hybrid_search call"
    print("\n" + format_report(milvus, f"backend: milvus ({label})"))
    comparison = compare(embedded, milvus)
    print(format_comparison(comparison), file=sys.stdout)
    for r in (embedded, milvus):
        r.pop("values", None)
    return {"embedded": embedded, "milvus": milvus, "comparison": comparison, "fusion": fusion or "ours"}
