"""Choosing the index defaults from data: python -m eval.sweep [--questions FILE] [--benchmark alqac2022]

The questions are split in two halves by a hash of their id (stable as questions are added): choices are
made on the *tune* half only, and every variant is also measured on the *report* half, whose figures are
the ones to quote. Stages run one after another, each keeping the best value of the stage before
(objective: hybrid (MRR@10 + Recall@5) / 2 on the tune half; a variant replaces the current value only when
it gains more than MIN_GAIN = 0.01, about two questions of a hundred moving from rank 2 to rank 1: smaller
differences are noise on a hundred questions):

  chunks   max_words 60 / 120 / 200                         (new embeddings, cached afterwards)
  text     with / without heading path and document context (new embeddings, cached afterwards)
  terms    BM25 scheme × accent-free weight 0 / 0.3 / 0.6     (embeddings reused)
  fusion   blend bm25_weight 0.3 … 0.9, RRF k 10 / 60         (index reused)

On ALQAC (--benchmark alqac2022) the index is fixed and only the BM25 terms and fusion are measured,
to check hybrid against BM25 and dense there. Tables go to eval/sweeps/<set>.md and .json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import ingest
from index.embedders import load_embedder
from index.embedding_cache import default_cache_dir
from index.hybrid import DEFAULTS, QUERY_TIME
from ingest.chunking import DEFAULT_MAX_WORDS

from . import alqac
from .indexes import CachedQueries, alqac_index, build, split_params
from .metrics import summarise
from .relevance import load_questions
from .runner import evaluate

__all__ = ["half", "STAGES", "Sweep", "main"]

MODES = ("hybrid", "bm25", "dense")
START = {**DEFAULTS, "max_words": DEFAULT_MAX_WORDS}
FUSION = [{"fusion": "blend", "bm25_weight": w} for w in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
FUSION += [{"fusion": "rrf", "rrf_k": k} for k in (10, 60)]
ACCENT_FREE = [{"accent_free_bm25_weight": w} for w in (0.6, 0.7, 0.8, 0.9)]
TERMS = [{"scheme": s, "folded_weight": f} for s in ("syllable", "syllable_bigram", "word") for f in (0.0, 0.3, 0.6)]
STAGES = {
    "chunks": [{"max_words": n} for n in (60, 120, 200)],
    "text": [{"with_headings": h, "with_context": c} for h in (True, False) for c in (True, False)],
    "terms": TERMS,
    "fusion": FUSION,
    "accent_free": ACCENT_FREE,
}


MIN_GAIN = 0.01


def half(qid: str) -> str:
    """'tune' or 'report', from a hash of the question id."""
    return "tune" if hashlib.sha256(qid.encode("utf-8")).digest()[0] % 2 == 0 else "report"


def objective(row: dict) -> float:
    s = row["tune"]["hybrid"]
    return (s["MRR@10"] + s["Recall@5"]) / 2


class Sweep:
    """Measures parameter sets on one question set; indexes are reused where only query-time values change."""

    def __init__(self, questions, make_index):
        self.questions, self.make_index = questions, make_index
        self.halves = {h: [q.id for q in questions if half(q.id) == h] for h in ("tune", "report")}
        self._index_key, self._index = None, None

    def index(self, params: dict):
        key = json.dumps({k: v for k, v in params.items() if k not in QUERY_TIME}, sort_keys=True)
        if key != self._index_key:
            self._index_key, self._index = key, self.make_index(params)
        return self._index.with_settings(**{k: params[k] for k in QUERY_TIME if k in params})

    def measure(self, params: dict) -> dict:
        t = time.perf_counter()
        report = evaluate(self.index(params), self.questions, MODES, 10, keep_hits=False)
        row = {"params": params}
        for h, ids in (("tune", self.halves["tune"]), ("report", self.halves["report"]), ("all", None)):
            row[h] = {m: summarise(report["values"][m], ids) for m in MODES}
        row["seconds"] = round(time.perf_counter() - t, 1)
        return row

    def run(self, stages: dict, start: dict, log=print) -> tuple[dict, list[dict]]:
        """Greedy stages from ``start``; returns (chosen params, rows with stage and 'chosen' marks)."""
        current, rows = dict(start), []
        for stage, variants in stages.items():
            # the current value goes first, so a variant must do strictly better to replace it
            candidates = [{k: current[k] for k in variants[0]}] + [v for v in variants
                                                                   if any(current[k] != v[k] for k in v)]
            measured = []
            for change in candidates:
                row = {"stage": stage, "change": change, **self.measure({**current, **change})}
                measured.append(row)
                log(f"  {stage:<7} {_label(change):<42} tune {objective(row):.4f}  ({row['seconds']} s)")
            best = max(measured, key=objective)
            if objective(best) <= objective(measured[0]) + MIN_GAIN:
                best = measured[0]  # the current value stays unless clearly beaten
            for row in measured:
                row["chosen"] = row is best
            current.update(best["change"])
            rows += measured
        return current, rows


def _label(change: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in change.items())


def _cells(s: dict) -> str:
    return f"{s['MRR@10']:.3f} / {s['Recall@5']:.3f}"


def markdown(title: str, rows: list[dict], chosen: dict, start: dict, sweep: Sweep, note: str = "") -> str:
    n = {h: len(ids) for h, ids in sweep.halves.items()}
    out = [f"# {title}", "", note, "",
           f"Each cell is MRR@10 / Recall@5. Tune half: {n['tune']} questions, report half: {n['report']} "
           f"(split by a hash of the question id). Choices are made on the tune half (objective: hybrid "
           f"(MRR@10 + Recall@5) / 2, a change must gain more than {MIN_GAIN}); ✓ marks the value kept by each "
           f"stage; the first row of a stage is the value it started from.", ""]
    head = ("| stage | variant | objective (tune) | tune hybrid | tune bm25 | tune dense | report hybrid | report bm25 "
            "| report dense |\n|---|---|---|---|---|---|---|---|---|")
    stage = None
    for row in rows:
        if row["stage"] != stage:
            stage = row["stage"]
            out += ["", f"## {stage}", "", head]
        mark = " ✓" if row.get("chosen") else ""
        cells = [_cells(row[h][m]) for h in ("tune", "report") for m in MODES]
        out.append(f"| {stage} | {_label(row['change'])}{mark} | {objective(row):.4f} | " + " | ".join(cells) + " |")
    changed = {k: v for k, v in chosen.items() if start.get(k) != v}
    out += ["", "## Chosen", "", f"Parameters: `{json.dumps(chosen)}`", "",
            f"Different from the starting defaults: `{json.dumps(changed) if changed else 'none'}`", ""]
    return "\n".join(out)


def _final(sweep: Sweep, chosen: dict, start: dict) -> list[dict]:
    rows = [{"stage": "final", "change": {"defaults": "start"}, **sweep.measure(start)}]
    if chosen != start:
        rows.append({"stage": "final", "change": {"defaults": "chosen"}, **sweep.measure(chosen)})
    return rows


def sweep_questions(path: str, corpus_dir: str = "corpus", log=print) -> tuple[dict, list[dict], Sweep]:
    questions = load_questions(path, kinds=None)
    embedder = CachedQueries(load_embedder())
    corpora: dict = {}

    def make_index(params):
        max_words, rest = split_params(params)
        if max_words not in corpora:
            corpora[max_words] = ingest.load(corpus_dir, max_words=max_words)
        return build(corpora[max_words], MODES, embedder, progress=False, **rest)

    sweep = Sweep(questions, make_index)
    chosen, rows = sweep.run(STAGES, START, log)
    return chosen, rows + _final(sweep, chosen, START), sweep


def sweep_alqac(log=print) -> tuple[dict, list[dict], Sweep]:
    embedder = CachedQueries(load_embedder())
    base = alqac_index(MODES, embedder=embedder)
    corpus = ingest.Corpus(list(base.documents.values()), base.chunks)

    def make_index(params):
        max_words, rest = split_params(params)
        if all(rest.get(k) == base.params.get(k) for k in rest if k not in QUERY_TIME):
            return base
        return build(corpus, MODES, embedder, cache_dir=Path(default_cache_dir()) / alqac.NAME,
                     progress=False, **rest)

    sweep = Sweep(alqac.load_questions(), make_index)
    chosen, rows = sweep.run({"terms": TERMS, "fusion": FUSION}, START, log)
    return chosen, rows, sweep


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.sweep", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", default="eval/questions.jsonl")
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--benchmark", choices=(alqac.NAME,))
    ap.add_argument("--out", default="eval/sweeps", help="folder for <set>.md and <set>.json")
    args = ap.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    if args.benchmark:
        chosen, rows, sweep = sweep_alqac(log)
        name, title = args.benchmark, "Sweep on ALQAC 2022 (520 questions, 1,377 articles)"
        note = ("The index (chunks, texts, embeddings) is the default one; BM25 terms and fusion vary. "
                "This sweep checks the defaults chosen on our questions; it chooses nothing.")
    else:
        chosen, rows, sweep = sweep_questions(args.questions, args.corpus, log)
        name, title = Path(args.questions).stem, f"Sweep on {args.questions} ({len(sweep.questions)} questions)"
        note = "Stages run in order, each starting from the values kept by the one before."
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.md").write_text(markdown(title, rows, chosen, START, sweep, note), encoding="utf-8")
    (out / f"{name}.json").write_text(json.dumps({"start": START, "chosen": chosen, "halves": sweep.halves,
                                                  "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"chosen: {json.dumps(chosen)}")
    print(f"tables: {out / (name + '.md')}, {out / (name + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
