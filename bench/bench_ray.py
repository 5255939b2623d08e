"""The build on a Ray cluster against the local build: passages per second with 1 and 2 worker nodes.
Prints figures; asserts nothing.

    python bench/bench_ray.py [--plans 000,001,003]

The same command, ``python -m ingest PLANS --index DIR``, is timed on the chosen bundled plans (224 passages
by default) with an EMPTY embedding cache (a temporary folder), so that every passage is embedded:
(a) locally, (b) with ``--ray`` on a cluster of a head node (no CPU for work) and 1 worker node of 1 CPU,
(c) the same with 2 worker nodes. Each cluster runs on this machine (``bench/ray_cluster.py``), started
before the clock and stopped after; the time includes connecting, shipping the code, parsing on the workers
and each worker loading the model, as a user's build would. Needs requirements-dist.txt.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ray_cluster import LocalCluster  # noqa: E402


def build(plans: list[Path], work: Path, name: str, env: dict, ray: str | None = None) -> tuple[float, int]:
    """Seconds for one ``python -m ingest`` with a fresh cache, and the passages it embedded."""
    cmd = [sys.executable, "-m", "ingest", *map(str, plans), "--index", str(work / name / "index"), "--quiet"]
    cmd += ["--ray", ray] if ray else []
    env = {**env, "PLANS_CACHE": str(work / name / "cache")}
    t0 = time.perf_counter()
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if run.returncode:
        sys.exit(f"{name} failed:\n{run.stderr[-3000:]}")
    return seconds, int(re.search(r"\((\d+) newly embedded\)", run.stdout).group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", default="000,001,003", help="bundled plans by number (default: 000,001,003)")
    args = ap.parse_args()
    plans = sorted(p for n in args.plans.split(",") for p in (ROOT / "corpus").glob(f"{n}_*"))
    print(f"{os.cpu_count()} CPU cores on this machine, load average {os.getloadavg()[0]:.1f}; "
          f"plans: {', '.join(p.name for p in plans)}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        work = Path(tmp)
        seconds, n = build(plans, work, "local", dict(os.environ))
        rows.append(("local build (no Ray)", seconds, n))
        for nodes in (1, 2):
            with LocalCluster(workers=nodes, cpus=1, head_cpus=0) as cluster:
                seconds, n = build(plans, work, f"ray{nodes}", cluster.env, cluster.address)
            rows.append((f"Ray, {nodes} worker node{'s' * (nodes > 1)} x 1 CPU", seconds, n))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other programs share these cores)")
    local = rows[0][2] / rows[0][1]
    print(f"{'build':34} {'passages':>8} {'seconds':>8} {'passages/s':>10} {'vs local':>8}")
    for name, seconds, n in rows:
        print(f"{name:34} {n:8d} {seconds:8.1f} {n / seconds:10.2f} {n / seconds / local:8.2f}")


if __name__ == "__main__":
    main()
