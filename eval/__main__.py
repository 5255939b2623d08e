"""python -m eval [--questions FILE] [--modes hybrid,bm25,dense] [-k 10] [--json OUT] [--plot OUT.png]
                 [--index DIR | --corpus DIR] [--param KEY=VALUE ...] [--benchmark alqac2022] [--sweep ...]

Hit@1, Recall@5, Recall@10, MRR@10 and nDCG@10 (ranx) for each mode, overall and per kind, with the query
latency. A hit is relevant to a gold quote when its cited span covers at least half of the quote.
Questions are asked through the service (``service.Library.search``: a question naming a place is answered
from that place's plans), as the page and the API ask them. Without --index, the index is built from --corpus
(default corpus/) with the index defaults into a temporary folder, embeddings cached.
--benchmark alqac2022 evaluates the public legal set instead (../shared/benchmarks or $PLANS_BENCHMARKS).
--sweep runs ``python -m eval.sweep`` with the remaining arguments; --targets runs ``python -m eval.targets``
(extraction of targets against eval/targets_gold.jsonl, and the answer cards).
--backend milvus also serves the same index from Milvus (--milvus-uri, else a Milvus Lite server started on
127.0.0.1 for the run) and prints its figures beside the embedded engines' (``eval.backends``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index.embedding_cache import default_cache_dir
from index.hybrid import DEFAULTS, MODES, QUERY_TIME
from index.milvus import SERVER_FUSIONS

from . import alqac
from .backends import BACKENDS, evaluate_both
from .indexes import alqac_index, from_folder
from .relevance import load_questions
from .runner import evaluate, format_report, missing_golds
from .service_index import ServiceIndex, library_index

BENCHMARKS = (alqac.NAME,)


def parse_param(text: str) -> tuple[str, object]:
    """KEY=VALUE with VALUE read as JSON when it can be (0.6, true, 60), else as a string."""
    key, sep, value = text.partition("=")
    if not sep or key not in (*DEFAULTS, "max_words"):
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE with KEY one of max_words, {', '.join(DEFAULTS)}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def _args(argv):
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", default="eval/questions.jsonl", help="JSONL question file")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated, from hybrid,bm25,dense")
    ap.add_argument("-k", type=int, default=10, help="hits per question (default 10)")
    ap.add_argument("--json", metavar="OUT", help="write every question's ranked hits and the metrics")
    ap.add_argument("--plot", metavar="OUT.png", help="draw the comparison")
    ap.add_argument("--index", metavar="DIR", help="evaluate a saved index instead of building one")
    ap.add_argument("--corpus", default="corpus", help="folder to build the index from (default corpus/)")
    ap.add_argument("--param", type=parse_param, action="append", default=[], metavar="KEY=VALUE",
                    help="index parameter (max_words or one of index.hybrid.DEFAULTS); repeatable")
    ap.add_argument("--benchmark", choices=BENCHMARKS, help="evaluate a public benchmark instead")
    ap.add_argument("--backend", choices=BACKENDS, default="embedded",
                    help="milvus: evaluate the same index served from Milvus too, and compare")
    ap.add_argument("--milvus-uri", help="Milvus to load the index into (default: a Milvus Lite server for the run)")
    ap.add_argument("--milvus-fusion", choices=("ours", *SERVER_FUSIONS), default="ours",
                    help="hybrid fused by our fusion (default) or in one hybrid_search call by Milvus's ranker")
    args = ap.parse_args(argv)
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not args.modes or set(args.modes) - set(MODES):
        ap.error(f"--modes takes a comma-separated list from {', '.join(MODES)}")
    if args.k < 10:
        ap.error("-k must be at least 10 (Recall@10, MRR@10 and nDCG@10 need ten hits)")
    args.param = dict(args.param)
    if args.index and set(args.param) - set(QUERY_TIME):
        ap.error(f"with --index only query-time parameters can change: {', '.join(QUERY_TIME)}")
    return args


def _index(args):
    if args.benchmark:
        return alqac_index(args.modes, **args.param), f"{args.benchmark} articles"
    if args.backend == "milvus":  # the bare index, loaded into Milvus as it is (eval.backends)
        return from_folder(args.corpus, args.modes, **args.param), f"{args.corpus}/ (built, embeddings cached)"
    if args.index:  # asked through the service, as the page and the API ask it
        from service.library import Library, Paths

        idx = ServiceIndex(Library(Paths(Path(args.corpus), Path(args.index), Path(default_cache_dir()))))
        idx.params.update(args.param)
        return idx, args.index
    return library_index(args.corpus, args.modes, **args.param), f"{args.corpus}/ (built, embeddings cached)"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--sweep" in argv:
        from .sweep import main as sweep

        return sweep([a for a in argv if a != "--sweep"])
    if "--targets" in argv:
        from .targets import main as targets

        return targets([a for a in argv if a != "--targets"])
    args = _args(argv)
    try:
        questions = alqac.load_questions() if args.benchmark else load_questions(args.questions, kinds=None)
        idx, source = _index(args)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for problem in missing_golds(idx, questions):
        print(f"warning: {problem}", file=sys.stderr)
    name = args.benchmark or args.questions
    title = (f"{name}: {len(questions)} questions; index: {source}, {len(idx.documents)} documents, "
             f"{len(idx.chunks)} chunks; k={args.k}")
    if args.backend == "milvus":
        print(title)
        fusion = None if args.milvus_fusion == "ours" else args.milvus_fusion
        try:
            report = evaluate_both(idx, questions, args.modes, args.k, args.milvus_uri, fusion=fusion,
                                   keep_hits=bool(args.json))
        except RuntimeError as e:  # MilvusError, MilvusLiteError: no pymilvus, no server, a refused load
            print(f"error: {e}", file=sys.stderr)
            return 2
        if args.json:
            Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    report = evaluate(idx, questions, args.modes, args.k, keep_hits=bool(args.json))
    print(format_report(report, title))
    report.pop("values")
    report.update(questions_file=name, index={"source": source, "documents": len(idx.documents),
                                              "chunks": len(idx.chunks), "params": idx.params})
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.plot:
        from .plot import plot

        plot({Path(name).stem if not args.benchmark else name: report}, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
