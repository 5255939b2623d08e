"""python -m index search "QUERY" [-k 10] [--mode hybrid|bm25|dense] [--json] [--queries FILE]
python -m index verify [--index data/index]: check every file of the index against its manifest's checksums

Readable output by default; --json prints {"query", "mode", "hits": [{rank, score, doc_id, title, citation, section, section_no,
text, start, end, chunk_id, highlights, best}]}; --queries FILE (one query a line, or JSONL with a "query" field) answers many in
one process, one JSON object a line.
"""

from __future__ import annotations

import argparse
import json
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
        print(f"    [{h.chunk.start}:{h.chunk.end}]\n")


def _verify(path: Path) -> int:
    from .checksums import REBUILD, verify
    from .store import read_manifest

    try:
        files = read_manifest(path).get("files")
    except IndexLoadError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not isinstance(files, dict):
        print(f"error: {path} was saved without checksums: {REBUILD}", file=sys.stderr)
        return 2
    problems = verify(path, files)
    for problem in problems:
        print(f"damaged: {path}: {problem}", file=sys.stderr)
    if problems:
        print(f"error: {REBUILD}", file=sys.stderr)
        return 2
    print(f"{path}: {len(files)} files verified, {sum(f['bytes'] for f in files.values()) / 2**20:,.1f} MB")
    return 0


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
    v = sub.add_parser("verify", help="check every file of the index against the checksums in its manifest")
    v.add_argument("--index", default="data/index", help="index directory (default: data/index)")
    args = ap.parse_args(argv)
    if args.command == "verify":
        return _verify(Path(args.index))
    if not args.query and not args.queries:
        ap.error("give a QUERY or --queries FILE")
    if not 1 <= args.k <= 1000:
        ap.error("-k must be between 1 and 1000")
    from service import Library, Paths

    library = Library(Paths(Path("corpus"), Path(args.index), Path("data/cache")))
    try:
        queries = _queries(args.queries) if args.queries else [(None, args.query)]
        library.index()
    except (IndexLoadError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    status = 0
    for qid, query in queries:
        try:
            result = library.search(query, k=args.k, mode=args.mode)
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


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into `head`: stop quietly
        sys.stderr.close()
        sys.exit(0)
