"""python -m index search "QUERY" [-k 10] [--mode hybrid|bm25|dense] [--json] [--queries FILE] [--no-group] [--milvus URI]
   python -m index targets [QUERY] [--year Y] [--place P] [--plan ID] [--json|--csv]
   python -m index milvus-load --uri URI [--collection plans] [--index data/index] [--dense-index FLAT]

Readable output by default; --json prints {"query", "mode", "grouped", "hits": [{rank, score, doc_id, title, citation, section,
section_no, text, start, end, chunk_id, highlights, best, copies}]}; --queries FILE (one query a line, or JSONL with a "query"
field) answers many in one process, one JSON object a line. Passages with the same wording in several plans are one hit, the
others in its "copies" (each with doc_id, citation, section_no, text, start, end, similarity and the "differences" from the
hit: figures, names, words); --no-group lists every passage on its own.
milvus-load puts the index's passages into a Milvus collection (index.milvus); search --milvus URI then answers
from it, with the same passages and citations ($MILVUS_TOKEN for a cluster that asks for one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

from vntext.query import QueryError

from .hybrid import MODES
from .store import IndexLoadError


def _queries(path: str) -> list[tuple[str | None, str]]:
    out = []
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: invalid JSON ({e.msg})") from e
                if not isinstance(row.get("query"), str):
                    raise ValueError(f"{path}:{n}: a JSON line needs a string 'query' field")
                out.append((row.get("id"), row["query"]))
            else:
                out.append((None, line))
    return out


def _print_readable(result) -> None:
    hits = result.hits
    print(f"Query: {result.query.raw}" + (f"  (answered by {result.mode})" if result.mode != "hybrid" else "") + "\n")
    if not hits:
        print("No passage found. Try fewer or more general words.")
    for h in hits:
        print(f"{h.rank:>2}. [{h.score:.3f}] {h.document.meta.citation} — {h.document.id}")
        if h.chunk.section:
            print(f"    mục {h.chunk.section_no}: {h.chunk.section}")
        body = textwrap.shorten(h.chunk.body, 400, placeholder=" …")
        print(textwrap.indent(textwrap.fill(body, 100), "    "))
        print(f"    [{h.chunk.start}:{h.chunk.end}]")
        if h.copies:
            from present import copies_label

            print(f"    {copies_label(h)}: " + "; ".join(dict.fromkeys(c.hit.document.meta.citation for c in h.copies)))
        print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m index", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search", help="search the index")
    s.add_argument("query", nargs="?", help="the question")
    s.add_argument("-k", type=int, default=10, help="number of passages (default 10)")
    s.add_argument("--mode", choices=MODES, default="hybrid")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--queries", help="file of queries: one a line, or JSONL with a 'query' field")
    s.add_argument("--index", default="data/index", help="index directory (default: data/index)")
    s.add_argument("--no-group", action="store_true", help="list passages with the same wording in several plans "
                                                           "one by one instead of as one hit with its copies")
    s.add_argument("--milvus", metavar="URI", help="answer from this Milvus (after milvus-load)")
    s.add_argument("--collection", default="plans", help="Milvus collection (default: plans)")
    m = sub.add_parser("milvus-load", help="load the index into a Milvus collection")
    m.add_argument("--uri", required=True, help="Milvus URI, e.g. http://127.0.0.1:19530")
    m.add_argument("--collection", default="plans", help="collection name (default: plans)")
    m.add_argument("--index", default="data/index", help="index directory (default: data/index)")
    m.add_argument("--dense-index", default="FLAT", help="Milvus index type of the vectors (FLAT, HNSW, AUTOINDEX…)")
    t = sub.add_parser("targets", help="the plans' targets (chỉ tiêu), filtered")
    t.add_argument("query", nargs="?", default="", help="topic words: every one must be in the indicator")
    t.add_argument("--year", help="target year, e.g. 2030")
    t.add_argument("--place", help="locality: the plans issued there, or in it")
    t.add_argument("--plan", action="append", default=[], help="plan id (repeatable)")
    t.add_argument("--key", help="indicator key, e.g. nuoc_sach or nuoc_sach/nong_thon")
    fmt = t.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON lines, one target a line")
    fmt.add_argument("--csv", action="store_true", help="print CSV (UTF-8 with BOM, for Excel)")
    t.add_argument("--index", default="data/index", help="index directory (default: data/index)")
    args = ap.parse_args(argv)
    if args.command == "milvus-load":
        return _milvus_load(args)
    if args.command == "targets":
        from .targets_cli import run_targets

        return run_targets(args)
    if not args.query and not args.queries:
        ap.error("give a QUERY or --queries FILE")
    if not 1 <= args.k <= 1000:
        ap.error("-k must be between 1 and 1000")
    from service import Library, Paths

    serve = None
    if args.milvus:
        from .milvus import MilvusIndex, MilvusStore

        def serve(index):
            return MilvusIndex.connect(index, MilvusStore(args.milvus, args.collection, os.environ.get("MILVUS_TOKEN")))
    library = Library(Paths(Path("corpus"), Path(args.index), Path("data/cache")), serve=serve)
    try:
        queries = _queries(args.queries) if args.queries else [(None, args.query)]
        library.index()
    except (IndexLoadError, ValueError, OSError, RuntimeError) as e:  # RuntimeError: MilvusError
        print(f"error: {e}", file=sys.stderr)
        return 2
    status = 0
    for qid, query in queries:
        try:
            result = library.search(query, k=args.k, mode=args.mode, group=not args.no_group)
        except QueryError as e:  # one bad query of a file does not stop the others
            print(f"error: {e}", file=sys.stderr)
            status = 2
            continue
        if args.json or args.queries:
            row = result.to_dict()
            if qid is not None:
                row = {"id": qid, **row}
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            _print_readable(result)
    return status


def _milvus_load(args) -> int:
    from .hybrid import HybridIndex
    from .milvus import MilvusError, MilvusStore

    try:
        index = HybridIndex.load(args.index)
        store = MilvusStore(args.uri, args.collection, os.environ.get("MILVUS_TOKEN"))
        n = store.load(index, dense_index=args.dense_index,
                       progress=lambda done: print(f"\r{done}/{len(index.chunks)} passages", end="", file=sys.stderr))
    except (IndexLoadError, MilvusError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 — what the server refused (pymilvus's own errors), said plainly
        print(f"error: Milvus at {args.uri} refused the load: {e}", file=sys.stderr)
        return 2
    print(f"\nloaded {n} passages of {args.index} into {args.uri} collection {args.collection!r}"
          + ("" if index.dense is not None else " (keyword-only: the index has no vectors yet)"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into `head`: stop quietly
        sys.stderr.close()
        sys.exit(0)
