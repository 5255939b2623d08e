"""Load check of the REST API under concurrent searches. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_api.py [--requests 200] [--concurrency 200] [--k 10] [--queries eval/questions.jsonl]

Starts a real server process (``python -m api --host 127.0.0.1 --port <free port>``, with this interpreter)
on the configured library ($PLANS_CORPUS, $PLANS_INDEX, $PLANS_CACHE, passed through to it; by default
data/index built from corpus/), waits until ``GET /health`` answers 200, warms it up, then measures:

1. ``--requests`` ``GET /search`` requests (default 200), at most ``--concurrency`` in flight at once
   (default: all of them), for mode=hybrid and then, with the same questions, for mode=bm25: wall time,
   throughput (requests/s), latency p50/p95/max (from sending a request to its whole answer, queueing
   included), and the non-200 answers. The questions are a fixed shuffle of eval/questions.jsonl ("query"):
   with and without diacritics, abbreviations (BHXH, UBND…), typos. The ratio hybrid/bm25 of throughput and
   of p95 is printed from the same run;
2. one long "drafter's paste" query (~3,000 characters of plan text from a corpus document), hybrid: latency;
3. 10,000-character queries, over the 8,000-character limit, which must be refused quickly: their status and
   time, once with diacritics and once without (the percent-encoded URL of the first is far longer);
4. the server's memory (VmRSS, peak VmHWM) after all of it.

Client and server share the machine (2 cores here), so the figures include the client's own cost. The
server is stopped (terminate, then kill) whatever happens; its log is kept in a temporary file and its end
printed when something failed. A markdown table of the figures ends the output.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASTE_CHARS = 3000
OVERLONG_CHARS = 10_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def load_queries(path: Path, n: int) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = [r["query"] for r in rows if r.get("query")]
    random.Random(0).shuffle(queries)
    return [queries[i % len(queries)] for i in range(n)]


def corpus_folder() -> Path:
    p = Path(os.environ.get("PLANS_CORPUS") or "corpus")
    return p if p.is_absolute() else ROOT / p


def plan_text(chars: int) -> tuple[str, str]:
    """About ``chars`` characters of running plan text (whole lines) from the largest corpus document."""
    files = sorted((p for p in corpus_folder().glob("*") if p.suffix in (".txt", ".md")),
                   key=lambda p: p.stat().st_size, reverse=True)
    if not files:
        sys.exit(f"no .txt/.md plan in {corpus_folder()} to take a long query from")
    lines = [ln.strip() for ln in files[0].read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = len(lines) // 3  # past the heading block, into the body
    text = ""
    for ln in lines[start:] + lines[:start]:
        if len(text) >= chars:
            break
        text = f"{text} {ln}" if text else ln
    return text[:chars], files[0].name


def strip_accents(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def overlong(chars: int, accents: bool) -> str:
    base, _ = plan_text(PASTE_CHARS)
    base = base if accents else strip_accents(base)
    return (base + " ") * (chars // (len(base) + 1) + 1)


@dataclass
class Run:
    label: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0
    first_error: str = ""

    @property
    def n(self) -> int:
        return sum(self.statuses.values())

    @property
    def non_200(self) -> int:
        return self.n - self.statuses.get("200", 0)

    @property
    def throughput(self) -> float:
        return self.n / self.wall if self.wall else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q) if self.latencies else float("nan")


async def burst(url: str, queries: list[str], mode: str, k: int, concurrency: int) -> Run:
    run = Run(mode)
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(600.0), limits=limits) as client:

        async def one(q: str) -> None:
            async with gate:
                t0 = time.perf_counter()
                try:
                    r = await client.get("/search", params={"q": q, "k": k, "mode": mode})
                    key = str(r.status_code)
                    if r.status_code == 200:
                        r.json()  # the whole answer parsed, as a client would
                    elif not run.first_error:
                        run.first_error = f"{r.status_code} for q={q!r}: {r.text[:300]}"
                except httpx.HTTPError as e:
                    key = type(e).__name__
                    run.first_error = run.first_error or f"{key} for q={q!r}: {e}"
                run.latencies.append(time.perf_counter() - t0)
                run.statuses[key] = run.statuses.get(key, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(q) for q in queries))
        run.wall = time.perf_counter() - t0
    return run


def single(client: httpx.Client, q: str, mode: str = "hybrid", k: int = 10) -> tuple[int, float, str]:
    t0 = time.perf_counter()
    try:
        r = client.get("/search", params={"q": q, "k": k, "mode": mode})
    except httpx.HTTPError as e:
        return -1, time.perf_counter() - t0, f"{type(e).__name__}: {e}"
    elapsed = time.perf_counter() - t0
    try:
        body = r.json()
    except ValueError:
        return r.status_code, elapsed, r.text[:200]
    if r.status_code == 200:
        return r.status_code, elapsed, f"{len(body.get('hits', []))} hits, mode {body.get('mode')}"
    return r.status_code, elapsed, str(body.get("detail", body))[:200]


def url_bytes(q: str) -> int:
    return len(str(httpx.URL("http://h/search", params={"q": q, "k": 10, "mode": "hybrid"}).raw_path))


def memory(pid: int) -> str:
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    except OSError:
        return "n/a"
    mib = {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM") if k in fields}
    return f"RSS {mib.get('VmRSS', 0):.0f} MiB, peak (VmHWM) {mib.get('VmHWM', 0):.0f} MiB"


def start_server(port: int, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    print("server:", " ".join(cmd))
    return subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(proc: subprocess.Popen, url: str, timeout: float = 300.0) -> float:
    t0 = time.perf_counter()
    last = ""
    with httpx.Client(base_url=url, timeout=5.0) as client:
        while time.perf_counter() - t0 < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with status {proc.returncode} before answering /health")
            try:
                r = client.get("/health")
                if r.status_code == 200:
                    return time.perf_counter() - t0
                last = f"{r.status_code} {r.text[:200]}"
            except httpx.HTTPError as e:
                last = type(e).__name__
            time.sleep(0.25)
    raise RuntimeError(f"/health did not answer 200 within {timeout:.0f} s (last: {last})")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print(f"server stopped (exit status {proc.returncode})")


def describe(queries: list[str]) -> str:
    plain = sum(all(ord(c) < 128 for c in q) for q in queries)
    abbrev = sum(any(w.isupper() and len(w) >= 3 and w.isalpha() for w in q.split()) for q in queries)
    return (f"{len(queries)} questions ({len(set(queries))} distinct): {plain} without diacritics, "
            f"{abbrev} with an abbreviation (BHXH, UBND, …)")


def bench(url: str, proc: subprocess.Popen, args) -> None:
    queries = load_queries(args.queries, args.requests)
    print(describe(queries))
    rows: list[tuple[str, ...]] = []

    with httpx.Client(base_url=url, timeout=600.0) as client:
        warm = queries[:5] + ["chi tieu BHXH Dong Nai 2025", "trách nhiệm của UBND tỉnh"]
        t0 = time.perf_counter()
        for mode in ("hybrid", "bm25"):
            for q in warm:
                status, _, note = single(client, q, mode)
                if status != 200:
                    print(f"warm-up: {mode} {q!r} answered {status}: {note}")
        print(f"warm-up: {2 * len(warm)} sequential searches in {ms(time.perf_counter() - t0)}")

    runs = {}
    for mode in ("hybrid", "bm25"):
        run = runs[mode] = asyncio.run(burst(url, queries, mode, args.k, args.concurrency))
        print(f"{mode:6}: {run.n} requests, concurrency {args.concurrency}: wall {run.wall:.2f} s, "
              f"{run.throughput:.1f} req/s, latency p50 {ms(run.pct(50))}, p95 {ms(run.pct(95))}, "
              f"max {ms(max(run.latencies))}; non-200: {run.non_200} {run.statuses}")
        if run.first_error:
            print(f"        first failure: {run.first_error}")
        rows.append((f"GET /search mode={mode}, {run.n} requests, {args.concurrency} at once",
                     f"{run.wall:.2f} s", f"{run.throughput:.1f}", ms(run.pct(50)), ms(run.pct(95)),
                     ms(max(run.latencies)), str(run.non_200)))
    h, b = runs["hybrid"], runs["bm25"]
    tp_ratio = h.throughput / b.throughput if b.throughput else float("nan")
    p95_ratio = h.pct(95) / b.pct(95) if b.pct(95) else float("nan")
    print(f"ratio hybrid/bm25: throughput {tp_ratio:.2f}x, p95 latency {p95_ratio:.1f}x")

    with httpx.Client(base_url=url, timeout=600.0) as client:
        paste, source = plan_text(PASTE_CHARS)
        times, statuses, last = [], [], (0, 0.0, "")
        for _ in range(3):
            last = single(client, paste, "hybrid")
            times.append(last[1])
            statuses.append(last[0])
        print(f"drafter's paste ({len(paste)} chars from {source}, URL {url_bytes(paste)} bytes), hybrid: "
              f"status {last[0]}, first {ms(times[0])}, then {', '.join(ms(t) for t in times[1:])} ({last[2]})")
        rows.append((f"drafter's paste, {len(paste)} chars, hybrid (status {last[0]})", "", "",
                     ms(sorted(times)[1]), "", ms(max(times)), str(sum(t_ != 200 for t_ in statuses))))
        for accents in (True, False):
            q = overlong(OVERLONG_CHARS, accents)[:OVERLONG_CHARS]
            label = "with diacritics" if accents else "without diacritics"
            status, t, note = single(client, q, "hybrid")
            print(f"{len(q)}-char query ({label}, URL {url_bytes(q)} bytes): status {status} in {ms(t)}: {note}")
            rows.append((f"{len(q)}-char query, {label}: refused with {status}", "", "", ms(t), "", "", ""))
    print(f"server memory after the runs: {memory(proc.pid)}")

    print()
    print("| what | wall | req/s | p50 | p95 | max | non-200 |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"| ratio hybrid/bm25 | | {tp_ratio:.2f}x | | {p95_ratio:.1f}x | | |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200, help="searches per mode (default 200)")
    ap.add_argument("--concurrency", type=int, default=0, help="searches in flight at once (default: all)")
    ap.add_argument("--k", type=int, default=10, help="passages per search (default 10, the API's default)")
    ap.add_argument("--queries", type=Path, default=ROOT / "eval" / "questions.jsonl")
    args = ap.parse_args()
    args.concurrency = args.concurrency or args.requests
    print(f"cpu cores: {os.cpu_count()}")

    # a SIGTERM (or Ctrl-C) still runs the finally below, which stops the server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w+b", prefix="bench-api-", suffix=".log", delete=False) as log:
        proc = start_server(port, log)
        failed = True
        try:
            print(f"server up: /health 200 after {wait_healthy(proc, url):.1f} s (process start, index and model load)")
            bench(url, proc, args)
            failed = False
        finally:
            stop_server(proc)
            log.flush()
            text = Path(log.name).read_text(encoding="utf-8", errors="replace")
            problems = [ln for ln in text.splitlines() if "Traceback" in ln or "ERROR" in ln or "WARNING" in ln]
            if failed or problems:
                print(f"server log ({log.name}), last lines:")
                print("\n".join(text.splitlines()[-40:]))
            else:
                os.unlink(log.name)


if __name__ == "__main__":
    main()
