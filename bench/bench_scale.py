"""The cost curve: build, disk, load, memory and query time of the index at 10^4, 10^5 and 10^6 passages.

    PLANS_CACHE=data/cache python bench/bench_scale.py [--sizes 10000,100000,1000000] [--flat-curve]

Libraries are real Vietnamese passages (the bundled plans, the ALQAC 2022 laws read in place) plus
generated variants (``bench/scale_library.py``); BM25 indexes their real text. A variant's vector is
its source passage's real vector with Gaussian noise (``scale_parts.NOISE``), renormalised: embedding
a million passages on 2 cores would take days. Query vectors are the evaluation's 209 questions
embedded once (cached in data/bench-scale/): latencies exclude the query embedding (~11–40 ms).

Each part is built, loaded and queried in a fresh process; built parts are kept under
data/bench-scale/n<N>/ and reused (``--rebuild`` to redo), so a long size can be resumed. Results go
to bench/results/scale.json (merged with earlier sizes) and scale.png; a markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from scale_parts import DENSE_FILES, QUERY_VECTORS, WORK, queries  # noqa: E402
from scale_report import aims, plot, table  # noqa: E402

from index.dense import KINDS  # noqa: E402

RESULTS = HERE / "results"
PARTS = ("bm25", *KINDS, "index")
LOADS = ("python", "rows", "bm25", "bm25:copy", *KINDS, *(f"{k}:copy" for k in KINDS), "index", "first-answer")


def _run(*args: str, timeout: float | None = None) -> dict:
    """``scale_parts.py args`` in a fresh process; its JSON line, or what went wrong."""
    t = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, str(HERE / "scale_parts.py"), *args], capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if p.returncode != 0:
        return {"error": f"exit {p.returncode} after {time.perf_counter() - t:.0f} s: {p.stderr.strip()[-600:]}"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def ensure_query_vectors() -> None:
    """Embed the evaluation's queries once (as HybridIndex does: ``Query.for_embedding``)."""
    if QUERY_VECTORS.exists():
        return
    import numpy as np

    from index.embedders import load_embedder
    from vntext.query import Query

    texts = list(dict.fromkeys(Query.parse(q).for_embedding for q in queries()))
    vectors = load_embedder().embed_queries(texts)
    QUERY_VECTORS.parent.mkdir(parents=True, exist_ok=True)
    np.savez(QUERY_VECTORS, texts=np.array(texts), vectors=vectors)


def _disk(out: Path) -> dict:
    index = (out / "index").resolve()
    size = lambda p: sum(f.stat().st_size for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())  # noqa: E731
    mb = {"documents+chunks": (size(index / "documents.jsonl") + size(index / "chunks.jsonl")) / 2**20,
          "bm25": size(index / "bm25") / 2**20}
    mb.update({kind: size(out / DENSE_FILES[kind]) / 2**20 for kind in KINDS})
    mb["index"] = size(index) / 2**20  # what the store wrote: documents, chunks, BM25, the "auto" kind
    return mb


def build(n: int, out: Path, parts: list[str], timeout: float) -> dict:
    """Each of ``parts`` in its own process (peak memory its own); parts already built are kept."""
    record = out / "build.json"
    done = json.loads(record.read_text()) if record.exists() else {}
    for part in parts:
        if part in done and "error" not in done[part]:
            continue
        print(f"  n={n}: building {part} …", flush=True)
        done[part] = _run("build", str(n), part, str(out), timeout=timeout)
        record.write_text(json.dumps(done, indent=1))
        if "error" in done[part]:
            print(f"  n={n}: {part} failed: {done[part]['error']}", flush=True)
            break
    return done


def measure(n: int, args) -> dict:
    out = WORK / f"n{n}"
    if args.rebuild and out.exists():
        shutil.rmtree(out)
    result = {"rows": n, "build": build(n, out, args.parts.split(","), args.timeout)}
    if any("error" in v for v in result["build"].values()) or set(PARTS) - set(result["build"]):
        return result  # measured once every part is built
    result["disk_mb"] = _disk(out)
    print(f"  n={n}: loading in fresh processes …", flush=True)
    result["load"] = {part: _run("load", str(out), part, timeout=args.timeout) for part in LOADS}
    print(f"  n={n}: querying …", flush=True)
    result["query"] = _run("query", str(out), timeout=args.timeout)
    return result


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of passages")
    ap.add_argument("--flat-curve", action="store_true", help="also time exact search against rows")
    ap.add_argument("--rebuild", action="store_true", help="rebuild parts kept from an earlier run")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"parts to build in this run (of {','.join(PARTS)}); "
                    "figures are measured once all are built")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed to each part's process")
    args = ap.parse_args(argv)
    ensure_query_vectors()
    path = RESULTS / "scale.json"
    results = json.loads(path.read_text()) if path.exists() else {"sizes": {}}
    results["method"] = __doc__.split("\n\n")[2].replace("\n", " ")
    if args.flat_curve:
        print("flat search against rows …", flush=True)
        results["flat_curve"] = _run("flat-curve", timeout=args.timeout)
    for n in (int(s) for s in args.sizes.split(",")):
        t, load_avg = time.perf_counter(), os.getloadavg()
        results["sizes"][str(n)] = measure(n, args)
        results["sizes"][str(n)].update(wall_s=time.perf_counter() - t, load_average=[load_avg, os.getloadavg()])
        RESULTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    plot(results, RESULTS / "scale.png")
    print(table(results))
    print(aims(results))


if __name__ == "__main__":
    main()
