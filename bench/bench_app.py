"""Speed and memory of the page: `.venv/bin/python bench/bench_app.py [--runs N] [--no-browser]`.

Prints
1. a warm query answered and rendered, without Streamlit: service.Library.search (index search, matched
   words and best sentence marked) + present.passage for each hit (citation, HTML) — median and worst over
   several questions;
2. the same through the page script (Streamlit AppTest: a full rerun of app.py after a new question);
3. a running `streamlit run app.py` process driven by headless Chromium (skipped when /usr/bin/chromium
   or playwright is missing): first visit, first question, and its peak memory (VmHWM) after three
   questions; and the peak RSS of this process, which ran the page in-process.

Uses the configured folders ($PLANS_CORPUS, $PLANS_INDEX, $PLANS_CACHE; default corpus/, data/index).
Target: a warm query under 500 ms on the bundled corpus.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "mục tiêu nước sạch nông thôn 2030",
    "chỉ tiêu BHXH Đồng Nai 2025",
    "trach nhiem cua Ban Tuyen giao",
    "tỉ lệ hộ nghèo đa chiều",
    "hỗ trợ nhà ở xã hội cho công nhân",
    "bao hiem y te toan dan",
    "người có công với cách mạng",
    "giải quyết việc làm cho lao động nông thôn",
]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(times: list[float]) -> str:
    return f"median {ms(statistics.median(times))}, worst {ms(max(times))} over {len(times)} questions"


def direct(runs: int) -> None:
    from present import passage
    from service import Library, Paths

    paths = Paths.from_env()
    lib = Library(paths)
    if not lib.exists():
        sys.exit(f"no index at {paths.index}: start the page once or run `python -m ingest`")
    t0 = time.perf_counter()
    idx = lib.index()
    print(f"index + model load: {ms(time.perf_counter() - t0)} ({len(idx.documents)} plans, {len(idx.chunks)} passages)")
    t0 = time.perf_counter()
    [passage(h) for h in lib.search(QUERIES[0], 8).hits]
    print(f"first query (cold: tokenizer, model warm-up): {ms(time.perf_counter() - t0)}")
    for mode in ("hybrid", "bm25", "dense"):
        search, render = [], []
        for _ in range(runs):
            for q in QUERIES:
                t0 = time.perf_counter()
                hits = lib.search(q, 8, mode).hits
                t1 = time.perf_counter()
                [passage(h) for h in hits]
                t2 = time.perf_counter()
                search.append(t1 - t0)
                render.append(t2 - t1)
        total = [a + b for a, b in zip(search, render, strict=True)]
        print(f"warm query, {mode:6}: search + marks {ms(statistics.median(search))} + render "
              f"{ms(statistics.median(render))}; total {summary(total)}")


def page() -> None:
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    print(f"page, first load (index and model load once per process): {ms(time.perf_counter() - t0)}")
    at.text_input(key="q").set_value("khởi động").run()  # warm-up
    times = []
    for q in QUERIES:
        t0 = time.perf_counter()
        at.text_input(key="q").set_value(q).run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
        assert at.code, f"no result for {q!r}"
    print(f"page, warm query answered and rendered (AppTest rerun of app.py): {summary(times)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_memory() -> None:
    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("page process memory: skipped (playwright missing)")
        return
    if not Path(chromium).exists():
        print(f"page process memory: skipped ({chromium} missing)")
        return
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless",
                             "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(180):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        status = Path(f"/proc/{proc.pid}/status")
        idle = _mem(status)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync"])
            pg = b.new_page()
            pg.set_default_timeout(300_000)
            t0 = time.perf_counter()
            pg.goto(url)
            box = pg.get_by_placeholder("Gõ câu hỏi")
            box.wait_for()
            visit = time.perf_counter() - t0
            t0 = time.perf_counter()
            box.fill(QUERIES[0])
            box.press("Enter")
            pg.get_by_role("button", name="Xem toàn văn").first.wait_for()
            first = time.perf_counter() - t0
            for q in QUERIES[1:3]:
                box.fill(q)
                box.press("Enter")
                time.sleep(1.0)
            print(f"browser: first visit (process loads the index and warms up) {ms(visit)}; "
                  f"first question answered and shown {ms(first)}")
            b.close()
        served = _mem(status)
        print(f"page process (streamlit run app.py) memory: {idle['VmRSS']} before any visit; after 3 questions "
              f"RSS {served['VmRSS']}, peak RSS (VmHWM) {served['VmHWM']}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _mem(status: Path) -> dict[str, str]:
    out = {}
    for line in status.read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            kb = int(value.split()[0])
            out[key] = f"{kb / 1024:.0f} MiB"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="passes over the questions (default 3)")
    ap.add_argument("--no-browser", action="store_true", help="skip the running-server memory measure")
    args = ap.parse_args()
    os.chdir(ROOT)
    print(f"cpu cores: {os.cpu_count()}")
    direct(args.runs)
    page()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this process (index, model and page run in-process): peak RSS {peak:.0f} MiB")
    if not args.no_browser:
        server_memory()


if __name__ == "__main__":
    main()
