"""python -m eval.localities [--seed 2 --seed 3] [--modes hybrid,bm25] [--root data/localities] [--json OUT]

Generates the multi-locality library of each seed (``eval.localities``: the bundled plans re-issued by
other localities, with questions and ground truth) under ``--root``/seed<N>, indexes it through the service
(``service.Library``: only passages not in the embedding cache are embedded, so a rerun embeds nothing) and
asks every question through ``Library.search`` — with place scoping, and once more without it for
comparison. Prints, per mode:

- locality@1: the first result is a plan of the locality the question names (or, for a plan issued under
  a pre-2025 name and asked by the 2025 name, of that plan's issuer);
- MRR@10, Hit@1, Recall@5 against the variant's own sentence (span-overlap relevance, ``eval.relevance``);
- distinct@10, for the same questions naming no place: how many different answers the first ten results
  hold, an answer being the ORIGINAL passage a result was made from (``Variant.to_source``; a bundled
  plan's passage is its own). A result carrying near-identical copies grouped under it (``Hit.copies``) is
  one result: its copies add nothing. Printed twice: as ranked, and with near-identical passages grouped
  (``Library.search(group=True)``, as the page shows them).

Develop on one seed and report others: nothing here is tuned on the reported libraries.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from bisect import bisect_right
from pathlib import Path

import numpy as np

from . import localities
from .metrics import per_query, summarise
from .relevance import gold_spans, judge, load_questions
from .service_index import ServiceIndex, library_index

__all__ = ["prepare", "evaluate", "format_report", "main", "Origins"]

DEFAULT_SEEDS = (2, 3)  # reported; seed 1 is the development library


class Origins:
    """Which original passage a hit came from: (original document id, index of its chunk there)."""

    def __init__(self, index, variants: list[localities.Variant]):
        self.variants = {v.id: v for v in variants}
        self.starts: dict[str, list[int]] = {}
        for c in index.chunks:
            if c.doc_id not in self.variants:
                self.starts.setdefault(c.doc_id, []).append(c.start)
        for starts in self.starts.values():
            starts.sort()

    def __call__(self, doc_id: str, start: int, end: int) -> tuple[str, int]:
        mid = (start + end) // 2
        v = self.variants.get(doc_id)
        source, pos = (v.source, v.to_source(mid)) if v else (doc_id, mid)
        return source, max(bisect_right(self.starts.get(source, [0]), pos) - 1, 0)


def prepare(seed: int, root="data/localities", modes=("hybrid", "bm25"), corpus="corpus", **make_args):
    """(the service index of seed ``seed``'s library, its questions, its ground truth); the library is
    written (deterministic) and indexed incrementally under ``root``/seed<N>."""
    folder = Path(root) / f"seed{seed}"
    localities.write(localities.make(seed, corpus, **make_args), folder, corpus)
    dense = not set(modes) <= {"bm25"}
    index = library_index(folder / "corpus", modes, index_dir=folder / ("index" if dense else "index-bm25"))
    return index, load_questions(folder / "questions.jsonl", kinds=None), localities.load(folder)


def _rows(folder: Path) -> dict[str, dict]:
    return {json.loads(line)["id"]: json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")}


def _distinct(hits, origins: Origins, k: int) -> int:
    return len({origins(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits[:k]})


def evaluate(index: ServiceIndex, questions, rows: dict[str, dict], variants, modes=("hybrid", "bm25"),
             k: int = 10) -> dict:
    """Per mode (and the same mode without place scoping, ``<mode>/no-scope``): overall figures, by form."""
    origins = Origins(index, variants)
    texts = {d: doc.text for d, doc in index.documents.items()}
    located = [q for q in questions if q.kind == "locality"]
    anywhere = [q for q in questions if q.kind == "no_place"]
    spans = {q.id: gold_spans(q, texts) for q in located}
    report = {"k": k, "questions": {"locality": len(located), "no_place": len(anywhere)}, "modes": {}}
    for name, idx in (("", index), ("/no-scope", index.without_places())):
        for mode in modes:
            t = time.perf_counter()
            hits = {q.id: idx.search(q.query, k=k, mode=mode) for q in located + anywhere}
            judged = {q.id: judge([(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits[q.id]], q, spans[q.id])
                      for q in located}
            values = per_query({q.id: len(q.gold) for q in located}, judged)
            for q in located:
                values[q.id]["locality@1"] = float(bool(hits[q.id]) and hits[q.id][0].chunk.doc_id in rows[q.id]["docs"])
            forms = sorted({rows[q.id]["form"] for q in located})
            distinct = [_distinct(hits[q.id], origins, k) for q in anywhere]
            together = idx.grouped()  # the same questions, near-identical passages grouped (as the page shows)
            grouped = [_distinct(together.search(q.query, k=k, mode=mode), origins, k) for q in anywhere]
            report["modes"][mode + name] = {
                "overall": _summary(values),
                "by_form": {f: _summary(values, [q.id for q in located if rows[q.id]["form"] == f]) for f in forms},
                "distinct@10": round(float(np.mean(distinct)), 3) if distinct else 0.0,
                "distinct@10 grouped": round(float(np.mean(grouped)), 3) if grouped else 0.0,
                "seconds": round(time.perf_counter() - t, 1),
            }
    return report


def _summary(values: dict, ids=None) -> dict:
    ids = list(values) if ids is None else ids
    out = summarise(values, ids)
    out["locality@1"] = round(float(np.mean([values[i]["locality@1"] for i in ids])), 4) if ids else 0.0
    return {key: out[key] for key in ("n", "locality@1", "MRR@10", "Hit@1", "Recall@5")}


def format_report(report: dict, title: str) -> str:
    cols = ("locality@1", "MRR@10", "Hit@1", "Recall@5")
    lines = [title, "", f"{'mode':<18}{'n':>5}" + "".join(f"{c:>12}" for c in cols) + f"{'distinct@10':>13}"
             + f"{'(grouped)':>11}"]
    for mode, r in report["modes"].items():
        o = r["overall"]
        lines.append(f"{mode:<18}{o['n']:>5}" + "".join(f"{o[c]:>12.3f}" for c in cols)
                     + f"{r['distinct@10']:>13.2f}{r.get('distinct@10 grouped', 0.0):>11.2f}")
    for mode, r in report["modes"].items():
        if mode.endswith("/no-scope"):
            continue
        lines += ["", f"by form ({mode})"]
        for form, o in r["by_form"].items():
            lines.append(f"  {form:<16}{o['n']:>5}" + "".join(f"{o[c]:>12.3f}" for c in cols))
    return "\n".join(lines)


def _combine(reports: list[dict]) -> dict:
    """Question-weighted means over several libraries."""
    out = {"modes": {}}
    for mode in reports[0]["modes"]:
        rs = [r["modes"][mode] for r in reports]
        n = sum(r["overall"]["n"] for r in rs)
        overall = {"n": n, **{c: round(sum(r["overall"][c] * r["overall"]["n"] for r in rs) / n, 4)
                              for c in ("locality@1", "MRR@10", "Hit@1", "Recall@5")}}
        nq = [rep["questions"]["no_place"] for rep in reports]
        distinct = round(sum(r["distinct@10"] * m for r, m in zip(rs, nq, strict=True)) / max(sum(nq), 1), 3)
        grouped = round(sum(r["distinct@10 grouped"] * m for r, m in zip(rs, nq, strict=True)) / max(sum(nq), 1), 3)
        forms = sorted({f for r in rs for f in r["by_form"]})
        by_form = {}
        for f in forms:
            parts = [r["by_form"][f] for r in rs if f in r["by_form"]]
            m = sum(p["n"] for p in parts)
            by_form[f] = {"n": m, **{c: round(sum(p[c] * p["n"] for p in parts) / m, 4)
                                     for c in ("locality@1", "MRR@10", "Hit@1", "Recall@5")}}
        out["modes"][mode] = {"overall": overall, "by_form": by_form, "distinct@10": distinct,
                              "distinct@10 grouped": grouped}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.localities", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, action="append", help=f"library seed, repeatable (default {DEFAULT_SEEDS})")
    ap.add_argument("--modes", default="hybrid,bm25", help="comma-separated, from hybrid,bm25,dense")
    ap.add_argument("--root", default="data/localities", help="where the libraries and their indexes are kept")
    ap.add_argument("--localities", type=int, default=localities.DEFAULT_LOCALITIES)
    ap.add_argument("--max-passages", type=int, default=localities.DEFAULT_MAX_PASSAGES,
                    help="new passages at most per library (each one is embedded once)")
    ap.add_argument("--json", metavar="OUT", help="write the figures")
    args = ap.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"hybrid", "bm25", "dense"}:
        ap.error("--modes takes a comma-separated list from hybrid, bm25, dense")
    reports = {}
    for seed in args.seed or DEFAULT_SEEDS:
        index, questions, truth = prepare(seed, args.root, modes, localities=args.localities,
                                          max_passages=args.max_passages)
        rows = _rows(Path(args.root) / f"seed{seed}")
        report = evaluate(index, questions, rows, truth["variants"], modes)
        variants = truth["variants"]
        n_new = sum(1 for c in index.chunks if c.doc_id in {v.id for v in variants})
        title = (f"seed {seed}: {len(index.documents)} plans ({len(variants)} re-issued by "
                 f"{len({v.issuer.key for v in variants})} localities), {len(index.chunks)} passages "
                 f"({n_new} new); {report['questions']['locality']} questions naming a place, "
                 f"{report['questions']['no_place']} naming none")
        print(format_report(report, title), end="\n\n", flush=True)
        report.update(seed=seed, plans=len(index.documents), passages=len(index.chunks), new_passages=n_new)
        reports[seed] = report
    if len(reports) > 1:
        combined = _combine(list(reports.values()))
        print(format_report(combined, f"seeds {', '.join(map(str, reports))} together"))
        reports["combined"] = combined
    if args.json:
        Path(args.json).write_text(json.dumps(reports, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
