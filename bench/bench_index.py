"""Speed and memory of the index on the bundled corpus. Prints figures; asserts nothing.

    python bench/bench_index.py [--queries eval/questions.jsonl] [--repeat 3]

- build time: cold (empty embedding cache) and warm (cache filled: BM25 + FAISS rebuilt, no embedding);
- warm query latency p50/p95 per mode (model and index loaded once);
- BM25 scoring, bm25s vs rank-bm25 on the same tokens, as a ratio;
- peak memory (max RSS) of a process that loads the index and answers the queries.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def _queries(path: Path) -> list[str]:
    if path.exists():
        return [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ["mục tiêu nước sạch nông thôn 2030", "chỉ tiêu BHXH Đồng Nai", "muc tieu giam ngheo"]


def _pct(values, q) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def build_times(tmp: Path) -> dict:
    from index import build_index

    out = {}
    cache = tmp / "cache"
    for label in ("cold", "warm"):
        t = time.perf_counter()
        _, corpus, stats = build_index(ROOT / "corpus", tmp / "index", progress=False, cache_dir=cache)
        out[label] = time.perf_counter() - t
        out[f"{label}_embedded"] = stats["embedded"]
    out["chunks"] = len(corpus.chunks)
    return out


def latencies(index_dir: Path, queries: list[str], repeat: int) -> dict:
    from index import MODES, HybridIndex

    idx = HybridIndex.load(index_dir)
    for q in queries[:5]:
        idx.search(q, mode="hybrid")  # warm-up
    out = {}
    for mode in MODES:
        times = []
        for _ in range(repeat):
            for q in queries:
                t = time.perf_counter()
                idx.search(q, k=10, mode=mode)
                times.append(time.perf_counter() - t)
        out[mode] = (_pct(times, 50), _pct(times, 95))
    return out


def bm25_ratio(index_dir: Path, queries: list[str]) -> tuple[float, float]:
    from rank_bm25 import BM25Okapi

    from index import HybridIndex, index_text
    from vntext.terms import terms

    idx = HybridIndex.load(index_dir)
    texts = [index_text(c, idx.documents[c.doc_id]) for c in idx.chunks]
    oracle = BM25Okapi([terms(t) for t in texts])
    toks = [terms(q) for q in queries]
    t = time.perf_counter()
    for q in toks:
        idx.bm25.exact.get_scores(q) if q else None
    ours = (time.perf_counter() - t) / len(toks)
    t = time.perf_counter()
    for q in toks:
        oracle.get_scores(q)
    theirs = (time.perf_counter() - t) / len(toks)
    return ours * 1000, theirs * 1000


def peak_rss(index_dir: Path, queries_file: Path) -> float:
    code = (
        "import resource,sys; sys.path.insert(0, %r)\n"
        "from index import HybridIndex\n"
        "idx = HybridIndex.load(%r)\n"
        "import json\n"
        "qs = [json.loads(l)['query'] for l in open(%r, encoding='utf-8') if l.strip()] if %r else ['nước sạch']\n"
        "[idx.search(q, mode='hybrid') for q in qs]\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    ) % (str(ROOT), str(index_dir), str(queries_file), queries_file.exists())
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", default=str(ROOT / "eval" / "questions.jsonl"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    queries_file = Path(args.queries)
    queries = _queries(queries_file)
    print(f"machine: {os.cpu_count()} cores; {len(queries)} queries x {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        b = build_times(tmp)
        print(f"index build, {b['chunks']} chunks: cold {b['cold']:.1f} s ({b['cold_embedded']} embedded), "
              f"warm {b['warm']:.1f} s ({b['warm_embedded']} embedded); cold/warm = {b['cold'] / b['warm']:.1f}x")
        lat = latencies(tmp / "index", queries, args.repeat)
        print("warm query latency (ms):   p50     p95")
        for mode, (p50, p95) in lat.items():
            print(f"  {mode:8}               {p50:6.1f}  {p95:6.1f}")
        ours, theirs = bm25_ratio(tmp / "index", queries)
        print(f"BM25 scoring per query: bm25s {ours:.2f} ms, rank-bm25 {theirs:.2f} ms; "
              f"rank-bm25/bm25s = {theirs / ours:.0f}x")
        print(f"peak memory of a search process (load + {len(queries)} hybrid queries): "
              f"{peak_rss(tmp / 'index', queries_file):.0f} MiB")
        print(f"peak memory of this benchmark process: "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
