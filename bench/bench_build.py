"""Building at library scale: how soon a new library answers, and what the pipeline costs around the
embedding engine. Prints figures; asserts nothing.

    python bench/bench_build.py [--plans 150] [--skip-keywords] [--skip-throughput]

1. Time to keyword search: a library of generated plans (each bundled plan re-issued by other provinces:
   their names in place of the original's, target figures shifted; ~10,000 passages for 150 plans) is
   indexed by ``python -m ingest`` with an empty embedding cache; the clock runs until another process
   can search it (the keyword index is saved before any passage is embedded). The build is then stopped:
   embedding 10,000 passages takes about 40 minutes on 2 cores.
2. Throughput: the same passages embedded (a) by the engine alone, in batches of 16, and (b) by the whole
   pipeline (``index.build_index``: parse, BM25, save the keyword index, embed in batches writing the
   cache, FAISS, save), from an empty cache, alternated ``--pairs`` times; the median ratio is the
   pipeline's loss. Also batch sizes 1, 64 and batches sorted by length, to see whether the engine pads.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROVINCES = ["Bắc Ninh", "Quảng Ngãi", "Lâm Đồng", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Tây Ninh", "Cà Mau",
             "An Giang", "Vĩnh Long", "Đồng Tháp", "Cần Thơ", "Hưng Yên", "Ninh Bình", "Phú Thọ", "Lào Cai",
             "Thái Nguyên", "Tuyên Quang", "Lạng Sơn", "Cao Bằng", "Điện Biên", "Lai Châu", "Sơn La", "Nghệ An",
             "Hà Tĩnh", "Quảng Trị", "Huế", "Đà Nẵng", "Hải Phòng", "Quảng Ninh"]
ORIGINAL_PLACES = ("Đồng Nai", "Biên Hòa", "Bắc Giang", "Đức Phổ", "Quảng Ngãi", "Bình Phước")
_PERCENT = re.compile(r"(\d{1,2})(%)")


def variant(text: str, province: str, seed: int) -> str:
    """``text`` re-issued by ``province``: place names replaced, percentages shifted by a few points."""
    rng = random.Random(seed)
    for place in ORIGINAL_PLACES:
        text = text.replace(place, province)
    return _PERCENT.sub(lambda m: f"{min(99, max(1, int(m.group(1)) + rng.randint(-5, 5)))}{m.group(2)}", text)


def generate(folder: Path, plans: int) -> int:
    """``plans`` plan files in ``folder`` (variants of the bundled five); returns their number of files."""
    originals = sorted((ROOT / "corpus").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(plans):
        source = originals[i % len(originals)]
        province = PROVINCES[(i // len(originals)) % len(PROVINCES)]
        text = variant(source.read_text(encoding="utf-8"), province, seed=i)
        (folder / f"{source.stem}_{i:04d}.txt").write_text(text, encoding="utf-8")
    return plans


def time_to_keywords(plans: int) -> dict:
    import ingest
    from service import Library, Paths

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        tmp = Path(tmp)
        generate(tmp / "corpus", plans)
        passages = len(ingest.load(tmp / "corpus").chunks)
        paths = Paths(tmp / "corpus", tmp / "store" / "index", tmp / "cache")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANS_CACHE": str(paths.cache)}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "ingest", str(paths.corpus), "--index", str(paths.index),
                                 "--quiet"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while not (paths.index / "manifest.json").exists():
                if proc.poll() is not None:
                    raise RuntimeError(f"ingest ended early: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
            saved = time.perf_counter() - t0
            result = Library(paths).search("mục tiêu nước sạch nông thôn 2030", k=3)  # another process's view
            searchable = time.perf_counter() - t0
            status = Library(paths).status()
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    return {"plans": plans, "passages": passages, "keyword index saved s": round(saved, 1),
            "first answer s": round(searchable, 1), "mode": result.mode, "hits": len(result.hits),
            "stage seen": status.get("build", {}).get("stage")}


def _engine(embedder, texts: list[str], size: int) -> float:
    t = time.perf_counter()
    for i in range(0, len(texts), size):
        embedder.embed_passages(texts[i : i + size])
    return len(texts) / (time.perf_counter() - t)


def _pipeline(embedder, corpus_dir: Path, work: Path, expected: int) -> float:
    """``build_index`` (as ``python -m ingest``) from an empty cache and no index: passages/s."""
    from index import build_index

    shutil.rmtree(work, ignore_errors=True)
    t = time.perf_counter()
    _, _, stats = build_index(corpus_dir, work / "index", embedder, False, cache_dir=work / "cache")
    seconds = time.perf_counter() - t
    assert stats["chunks"] == expected and stats["embedded"] > 0
    return stats["chunks"] / seconds


def throughput(pairs: int) -> dict:
    """Batch sizes once; then ``pairs`` runs of the engine alone and the pipeline, alternated, so that a
    machine whose load drifts weighs on both alike: the loss is the median of the pairs' ratios."""
    import statistics

    import ingest
    from index import HybridIndex
    from index.embedders import load_embedder

    embedder = load_embedder()
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        tmp = Path(tmp)
        (tmp / "corpus").mkdir()
        for name in ("002_30c6bf061a95a121.txt", "004_a4c9a62cbd261bef.txt"):
            shutil.copy(ROOT / "corpus" / name, tmp / "corpus" / name)
        texts = HybridIndex.keywords(ingest.load(tmp / "corpus")).texts()
        embedder.embed_passages(texts[:2])  # warm-up
        out = {"passages": len(texts)}
        for label, order, size in (("engine, batches of 1", texts, 1), ("engine, batches of 64", texts, 64),
                                   ("engine, batches of 16 sorted by length", sorted(texts, key=len), 16)):
            out[label] = _engine(embedder, order, size)
        engine, pipeline = [], []
        for _ in range(pairs):
            engine.append(_engine(embedder, texts, 16))
            pipeline.append(_pipeline(embedder, tmp / "corpus", tmp / "work", len(texts)))
        out["engine, batches of 16"] = statistics.median(engine)
        out["pipeline (build_index, as python -m ingest)"] = statistics.median(pipeline)
        out["pairs"] = [round(p / e, 3) for e, p in zip(engine, pipeline)]
        out["load average"] = os.getloadavg()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=150)
    ap.add_argument("--skip-keywords", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--pairs", type=int, default=3, help="alternated runs of the engine and the pipeline")
    args = ap.parse_args(argv)
    print(f"cpu cores: {os.cpu_count()}")
    if not args.skip_keywords:
        k = time_to_keywords(args.plans)
        print(f"\n## time to keyword search: {k['plans']} plans, {k['passages']:,} passages, empty cache")
        for key, value in k.items():
            print(f"- {key}: {value}")
    if not args.skip_throughput:
        t = throughput(args.pairs)
        engine = t["engine, batches of 16"]
        print(f"\n## throughput: {t['passages']} passages, empty cache")
        print("| what | passages/s | vs engine (batches of 16) |\n|---|---|---|")
        for key, value in t.items():
            if isinstance(value, float):
                print(f"| {key} | {value:.2f} | {value / engine:.2f}× |")
        loss = 100 * (1 - sorted(t["pairs"])[len(t["pairs"]) // 2])
        print(f"\npipeline / engine in each pair: {t['pairs']}; load average {t['load average']}")
        print(f"pipeline loss (median pair): {loss:.1f}% (aim: ≤ 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
