"""Rewrites eval/expected.json: python -m eval.expected [--param KEY=VALUE ...] [--no-alqac] [--plot OUT.png]

Runs the same evaluations as ``python -m eval`` and ``python -m eval --benchmark alqac2022`` (every mode)
and commits their overall figures beside those commands; tests/test_eval.py checks them within
``tolerance``. Latencies are written for information only (they depend on the machine).
--plot draws both sets in one chart.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from index.hybrid import MODES

from . import alqac
from .__main__ import parse_param
from .indexes import alqac_index
from .metrics import METRICS
from .relevance import load_questions
from .runner import evaluate, format_report
from .service_index import library_index

TOLERANCE = 0.02


def _figures(report: dict) -> dict:
    return {m: {k: r["overall"][k] for k in METRICS} for m, r in report["modes"].items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.expected", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--param", type=parse_param, action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--questions", default="eval/questions.jsonl")
    ap.add_argument("--out", default="eval/expected.json")
    ap.add_argument("--no-alqac", action="store_true", help="keep the ALQAC figures already in --out")
    ap.add_argument("--plot", metavar="OUT.png", help="chart of both sets")
    args = ap.parse_args(argv)
    params = dict(args.param)
    flags = [f"{k}={json.dumps(v)}" for k, v in params.items()]
    extra = "".join(f" --param {f}" for f in flags)
    old = json.loads(Path(args.out).read_text(encoding="utf-8")) if Path(args.out).exists() else {}

    questions = load_questions(args.questions)
    report = evaluate(library_index("corpus", MODES, **params), questions, MODES, keep_hits=False)
    print(format_report(report, args.questions))
    out = {
        "command": f"python -m eval --questions {args.questions}{extra}",
        "regenerate": f"python -m eval.expected{extra}",
        "params": flags,
        "tolerance": TOLERANCE,
        "questions_sha256": hashlib.sha256(Path(args.questions).read_bytes()).hexdigest(),
        "questions": _figures(report),
        "questions_hybrid_by_kind": {k: {m: v[m] for m in ("n", "MRR@10", "Recall@5")}
                                     for k, v in report["modes"]["hybrid"]["by_kind"].items()},
        "questions_latency_ms": {m: r["latency_ms"] for m, r in report["modes"].items()},
    }
    reports = {Path(args.questions).name: report}
    if args.no_alqac:
        out.update({k: old[k] for k in ("alqac2022_command", "alqac2022", "alqac2022_latency_ms") if k in old})
    else:
        bench = evaluate(alqac_index(MODES, **params), alqac.load_questions(), MODES, keep_hits=False)
        print(format_report(bench, alqac.NAME))
        out["alqac2022_command"] = f"python -m eval --benchmark alqac2022{extra}"
        out["alqac2022"] = _figures(bench)
        out["alqac2022_latency_ms"] = {m: r["latency_ms"] for m, r in bench["modes"].items()}
        reports[alqac.NAME] = bench
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if args.plot:
        from .plot import plot

        plot(reports, args.plot)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
