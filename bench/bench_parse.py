"""Parsing time against text size: is it linear? And what reading each file in a worker process costs.

    python bench/bench_parse.py                 # 1, 10 and 50 MB; then 200 small files
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


def linearity(sizes: list[float]) -> None:
    print(f"{'layout':<11}{'MB':>6}{'seconds':>10}{'s per MB':>10}{'passages':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ("lines", "paragraphs"):
            for mb in sizes:
                path = Path(tmp) / f"{layout}.txt"
                path.write_text(text_of(int(mb * MB), layout), encoding="utf-8")
                seconds, passages = parse_seconds(path)
                print(f"{layout:<11}{mb:>6g}{seconds:>10.1f}{seconds / mb:>10.2f}{passages:>10,}", flush=True)
                path.unlink()


def sandbox_cost(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plans = sorted((ROOT / "corpus").glob("*"))
        files = []
        for i in range(n):
            f = Path(tmp) / f"plan_{i:04d}{plans[i % len(plans)].suffix}"
            f.write_bytes(plans[i % len(plans)].read_bytes())
            files.append(f)
        limits = Limits()
        t0 = time.perf_counter()
        for f in files:
            ingest._read_and_parse(f, ingest.DEFAULT_MAX_WORDS, limits)
        here = time.perf_counter() - t0
        results = {"in this process (no limits on time or memory)": here}
        for workers in (1, 2):
            pool = sandbox.Pool(workers)
            t0 = time.perf_counter()
            pool.map(ingest._read_and_parse, files, ingest.DEFAULT_MAX_WORDS, limits=limits)
            results[f"pool of {workers} reused worker(s), started within"] = time.perf_counter() - t0
            pool.close()
        t0 = time.perf_counter()
        for f in files:
            pool = sandbox.Pool(1)
            pool.run(ingest._read_and_parse, f, ingest.DEFAULT_MAX_WORDS, limits=limits)
            pool.close()
        results["a fresh process per file"] = time.perf_counter() - t0
    print(f"\n{n} plans of 20–90 KB, read and parsed:")
    for what, seconds in results.items():
        print(f"  {what:<52}{seconds:>7.1f} s  {seconds / here:>5.2f}x  {seconds / n * 1000:>6.0f} ms/file")


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
    ap.add_argument("--files", type=int, default=200, help="small files for the sandbox's cost (default 200)")
    ap.add_argument("--parts", nargs="+", choices=("parse", "sandbox", "hash"), default=["parse", "sandbox", "hash"])
    args = ap.parse_args()
    if "parse" in args.parts:
        linearity(args.sizes)
    if "sandbox" in args.parts:
        sandbox_cost(args.files)
    if "hash" in args.parts:
        hash_cost()


if __name__ == "__main__":
    main()
