"""Parsing time against text size: is it linear? And what reading each file in a worker process costs.

    python bench/bench_parse.py                 # 1, 10 and 50 MB; then 100 small files; then hashing
    python bench/bench_parse.py --sizes 1 4 --files 50

Text: the bundled plans' paragraphs, shuffled (seeded) and repeated up to the size, written two ways:
"lines" hard-wrapped at 60 characters (the short-line text that once took 40 s a megabyte: every line
is joined to its paragraph) and "paragraphs" one a line with a blank line between. Each is read and
parsed in this process (``ingest.read`` + ``ingest.document_from``, no limits), so the figure is the
parser's own; seconds per MB staying flat as the size grows is linearity.

Then the cost of the sandbox (``ingest.sandbox``) for many small files: the same plans parsed in this
process, in the pool of reused workers, and with a fresh process per file. Last, how fast index files are
hashed (``index.checksums``), and so how long verifying the 1.5 GB FAISS file of 10^6 passages takes.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ingest  # noqa: E402
from ingest import sandbox  # noqa: E402
from ingest.limits import Limits  # noqa: E402
from ingest.loaders import read  # noqa: E402

MB = 1 << 20
NO_LIMITS = Limits(file_bytes=1 << 40, characters=1 << 40, seconds=1e6, memory_bytes=1 << 40)


def paragraphs() -> list[str]:
    out = []
    for f in sorted((ROOT / "corpus").glob("*")):
        out += [p.strip() for p in f.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 40]
    return out


def text_of(size: int, layout: str, seed: int = 11) -> str:
    rng, pool, parts, n = random.Random(seed), paragraphs(), [], 0
    while n < size:
        p = rng.choice(pool)
        piece = "\n".join(textwrap.wrap(p, 60)) + "\n" if layout == "lines" else p + "\n\n"
        parts.append(piece)
        n += len(piece.encode())
    return "".join(parts)


def parse_seconds(path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    doc, chunks = ingest.document_from(read(path, NO_LIMITS)[0])
    return time.perf_counter() - t0, len(chunks)


def linearity(sizes: list[float], layouts=("lines", "paragraphs")) -> None:
    print(f"{'layout':<11}{'MB':>6}{'seconds':>10}{'s per MB':>10}{'passages':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in layouts:
            for mb in sizes:
                path = Path(tmp) / f"{layout}.txt"
                path.write_text(text_of(int(mb * MB), layout), encoding="utf-8")
                seconds, passages = parse_seconds(path)
                print(f"{layout:<11}{mb:>6g}{seconds:>10.1f}{seconds / mb:>10.2f}{passages:>10,}", flush=True)
                path.unlink()


def sandbox_cost(n: int) -> None:
    """The three ways taken in turn for each file (so a change in the machine's load touches all alike),
    then the whole set through a pool of 2 workers at once."""
    plans = sorted((ROOT / "corpus").glob("*"))
    files = [plans[i % len(plans)] for i in range(n)]
    limits, words = Limits(), ingest.DEFAULT_MAX_WORDS
    reused = sandbox.Pool(1)
    reused.run(ingest.read_and_parse, files[0], words, limits=limits)  # started once, before timing
    totals = dict.fromkeys(("in this process (no time or memory limit)", "one reused worker",
                            "a fresh process per file"), 0.0)
    for f in files:
        for what in totals:
            t0 = time.perf_counter()
            if what.startswith("in this"):
                ingest.read_and_parse(f, words, limits)
            elif what.startswith("one reused"):
                reused.run(ingest.read_and_parse, f, words, limits=limits)
            else:
                fresh = sandbox.Pool(1)
                fresh.run(ingest.read_and_parse, f, words, limits=limits)
                fresh.close()
            totals[what] += time.perf_counter() - t0
    reused.close()
    two = sandbox.Pool(2)
    t0 = time.perf_counter()
    two.map(ingest.read_and_parse, files, words, limits=limits)
    totals["two workers at once (started within)"] = time.perf_counter() - t0
    two.close()
    here = totals["in this process (no time or memory limit)"]
    print(f"\n{n} plans of 20–90 KB, read and parsed:")
    for what, seconds in totals.items():
        print(f"  {what:<44}{seconds:>7.1f} s  {seconds / here:>5.2f}x  {seconds / n * 1000:>6.0f} ms/file")


def hash_cost(mb: int = 256) -> None:
    from index.checksums import digest

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.bin"
        path.write_bytes(os.urandom(MB) * mb)
        digest(path)  # once to bring it into the page cache, as a loaded index is
        t0 = time.perf_counter()
        digest(path)
        seconds = time.perf_counter() - t0
    rate = mb * MB / seconds
    print(f"\nSHA-256 of index files: {rate / 1e9:.2f} GB/s ({mb} MB in {seconds:.1f} s); "
          f"the 1.5 GB dense.faiss of 10^6 passages: {1.5e9 / rate:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 50], help="MB of text (default 1 10 50)")
    ap.add_argument("--files", type=int, default=100, help="small files for the sandbox's cost (default 100)")
    ap.add_argument("--layouts", nargs="+", choices=("lines", "paragraphs"), default=["lines", "paragraphs"])
    ap.add_argument("--parts", nargs="+", choices=("parse", "sandbox", "hash"), default=["parse", "sandbox", "hash"])
    args = ap.parse_args()
    if "parse" in args.parts:
        linearity(args.sizes, args.layouts)
    if "sandbox" in args.parts:
        sandbox_cost(args.files)
    if "hash" in args.parts:
        hash_cost()


if __name__ == "__main__":
    main()
