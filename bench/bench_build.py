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
   cache, FAISS, save), each from an empty cache; the ratio is the pipeline's loss. Also batch sizes 1,
   16, 64 and batches sorted by length, to see whether the engine pads.
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


def throughput() -> dict:
    import ingest
    from index import HybridIndex, build_index
    from index.embedders import load_embedder

    embedder = load_embedder()
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        tmp = Path(tmp)
        (tmp / "corpus").mkdir()
        for name in ("002_30c6bf061a95a121.txt", "004_a4c9a62cbd261bef.txt", "000_729b7d2cffa8fbb9.txt"):
            shutil.copy(ROOT / "corpus" / name, tmp / "corpus" / name)
        corpus = ingest.load(tmp / "corpus")
        texts = HybridIndex.keywords(corpus).texts()
        embedder.embed_passages(texts[:2])  # warm-up
        out = {"passages": len(texts)}
        for label, order, size in (("engine, batches of 16", texts, 16), ("engine, batches of 1", texts, 1),
                                   ("engine, batches of 64", texts, 64),
                                   ("engine, batches of 16 sorted by length", sorted(texts, key=len), 16)):
            t = time.perf_counter()
            for i in range(0, len(order), size):
                embedder.embed_passages(order[i : i + size])
            out[label] = len(order) / (time.perf_counter() - t)
        t = time.perf_counter()  # the pipeline on the same passages, from an empty cache
        _, _, stats = build_index(tmp / "corpus", tmp / "index", embedder, False, cache_dir=tmp / "cache")
        seconds = time.perf_counter() - t
        out["pipeline (build_index, as python -m ingest)"] = stats["chunks"] / seconds
        assert stats["chunks"] == len(texts) and stats["embedded"] == len(set(texts))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=150)
    ap.add_argument("--skip-keywords", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args(argv)
    print(f"cpu cores: {os.cpu_count()}")
    if not args.skip_keywords:
        k = time_to_keywords(args.plans)
        print(f"\n## time to keyword search: {k['plans']} plans, {k['passages']:,} passages, empty cache")
        for key, value in k.items():
            print(f"- {key}: {value}")
    if not args.skip_throughput:
        t = throughput()
        engine = t["engine, batches of 16"]
        pipeline = t["pipeline (build_index, as python -m ingest)"]
        print(f"\n## throughput: {t['passages']} passages, empty cache")
        print("| what | passages/s | vs engine (batches of 16) |\n|---|---|---|")
        for key, value in t.items():
            if isinstance(value, float):
                print(f"| {key} | {value:.2f} | {value / engine:.2f}× |")
        print(f"\npipeline loss: {100 * (1 - pipeline / engine):.1f}% (aim: ≤ 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
