"""Tables, plot and verdicts of ``bench/bench_scale.py``'s results (bench/results/scale.json)."""

from __future__ import annotations

from pathlib import Path

AIMS = {"hybrid_p95_ms": 100.0, "load_s": 5.0, "rss_mb": 4096.0, "filtered_ratio": 1.0}
MODES = ("bm25", "dense_flat", "dense_hnsw", "dense_ivfpq", "hybrid_flat", "hybrid_hnsw", "hybrid_ivfpq", "hybrid",
         "hybrid_plan", "hybrid_locality")


def _done(results: dict) -> list[tuple[int, dict]]:
    """Sizes with every figure, smallest first."""
    return sorted((int(n), r) for n, r in results["sizes"].items() if "error" not in r.get("query", {"error": 1}))


def _f(x, digits=1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def _rows(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _build_table(sizes) -> str:
    rows = []
    for n, r in sizes:
        b, d = r["build"], r["disk_mb"]
        rows.append([f"{n:,}", f"{b['bm25']['documents']:,}", _f(b["bm25"]["build_s"]),
                     *(_f(b[k]["build_s"]) for k in ("flat", "hnsw", "ivfpq")), _f(b["bm25"]["peak_mb"], 0),
                     *(_f(d[k], 0) for k in ("documents+chunks", "bm25", "flat", "hnsw", "ivfpq", "index"))])
    return _rows(["rows", "docs", "BM25 build s", "flat s", "HNSW s", "IVF-PQ s", "BM25 build peak MB",
                  "docs+chunks MB", "BM25 MB", "flat MB", "HNSW MB", "IVF-PQ MB", "saved index MB"], rows)


def _part(ld: dict, k: str) -> str:
    """Load time and resident memory above the bare interpreter with its libraries."""
    return f"{_f(ld[k]['load_s'], 2)} s / {_f(ld[k]['rss_mb'] - ld['python']['rss_mb'], 0)}"


def _load_table(sizes) -> str:
    rows = []
    for n, r in sizes:
        ld, q = r["load"], r["query"]
        rows.append([f"{n:,}", f"{_f(ld['index']['load_s'], 2)} s", _f(ld["index"]["rss_mb"], 0),
                     _f(q["after_queries"]["rss_mb"], 0), _f(q["after_queries"]["anon_mb"], 0),
                     *(_part(ld, k) for k in ("rows", "bm25", "bm25:copy", "flat", "flat:copy", "hnsw", "ivfpq"))])
    return _rows(["rows", "index load", "RSS after load MB", "RSS after hybrid queries MB", "of it anon MB",
                  "every line as objects (s / +MB)", "BM25 mmap", "BM25 copy", "flat mmap", "flat copy",
                  "HNSW mmap", "IVF-PQ mmap"], rows)


def _query_table(sizes) -> str:
    rows = []
    for n, r in sizes:
        lat = r["query"]["latency"]
        rows.append([f"{n:,}", r["query"]["auto_kind"],
                     *(f"{_f(lat[m]['p50_ms'])} / {_f(lat[m]['p95_ms'])}" for m in MODES)])
    return _rows(["rows", "auto kind", *(f"{m} p50/p95 ms" for m in MODES)], rows)


def _filter_table(sizes) -> str:
    rows = []
    for n, r in sizes:
        lat, q = r["query"]["latency"], r["query"]
        rows.append([f"{n:,}", f"{lat['rows_plan']['median']:,.0f}", f"{lat['rows_locality']['median']:,.0f}",
                     _f(lat["ratio_plan_p95"], 2), _f(lat["ratio_locality_p95"], 2),
                     _f(lat["allowed_rows_locality"]["p95_ms"]), *(_f(lat[f"dense_{k}_locality"]["p95_ms"]) for k in ("flat", "hnsw", "ivfpq")),
                     *(_f(q[key][k]["recall"], 3) for key in ("recall_at_10", "recall_at_10_locality")
                       for k in ("hnsw", "ivfpq"))])
    return _rows(["rows", "plan rows", "locality rows", "plan/unfiltered p95", "locality/unfiltered p95",
                  "allowed_rows p95 ms",
                  "dense flat locality p95", "HNSW locality p95", "IVF-PQ locality p95",
                  "HNSW r@10", "IVF-PQ r@10", "HNSW r@10 locality", "IVF-PQ r@10 locality"], rows)


def table(results: dict) -> str:
    sizes = _done(results)
    if not sizes:
        return "(no size measured completely)"
    out = ["### Build and disk", _build_table(sizes), "", "### Load (fresh process, warm page cache)",
           "Parts: load s / RSS above the bare interpreter with libraries (MB).", _load_table(sizes), "",
           "### Queries (precomputed query vectors: add ~11–40 ms for embedding the query)",
           "hybrid = with the dense kind \"auto\" picks, as served; hybrid_<kind> = with that kind.",
           _query_table(sizes), "", "### Filters and recall@10 against flat", _filter_table(sizes)]
    curve = results.get("flat_curve")
    if curve and "error" not in curve:
        out += ["", "### Exact (flat) search of 100 rows: p95 ms against rows",
                _rows(list(curve), [[_f(v["p95_ms"]) for v in curve.values()]])]
    return "\n".join(out)


def _verdict(name: str, value: float, limit: float, unit: str, why: str = "") -> str:
    if value <= limit:
        return f"- {name}: {value:,.2f} {unit} ≤ {limit:,.0f} {unit}: met"
    return f"- {name}: {value:,.1f} {unit} > {limit:,.0f} {unit}: missed by {value - limit:,.1f} {unit} ({value / limit:.2f}×){why}"


def aims(results: dict) -> str:
    """Each aim at the largest size measured: met, or missed by how much and where the time or memory goes."""
    sizes = _done(results)
    if not sizes:
        return ""
    n, r = sizes[-1]
    lat, ld, q = r["query"]["latency"], r["load"], r["query"]
    auto = q["auto_kind"]
    rss = max(ld["index"]["rss_mb"], q["after_queries"]["rss_mb"])
    lines = [f"### Aims at {n:,} passages",
             _verdict("hybrid p95 (+ query embedding)", lat["hybrid"]["p95_ms"], AIMS["hybrid_p95_ms"], "ms",
                      f"; BM25 alone p95 {lat['bm25']['p95_ms']:.1f} ms, dense {auto} alone "
                      f"{lat[f'dense_{auto}']['p95_ms']:.1f} ms"),
             _verdict("load", ld["index"]["load_s"], AIMS["load_s"], "s",
                      f"; reading every line of documents and chunks into objects (the store before rows were "
                      f"read on demand): {ld['rows']['load_s']:.1f} s, "
                      f"BM25 (mapped) {ld['bm25']['load_s']:.2f} s, {auto} (mapped) {ld[auto]['load_s']:.2f} s"
                      + (f"; first answer {ld['first-answer']['first_answer_s']:.1f} s after the load began (it "
                         f"waits for the checksums of the large files)" if "first-answer" in ld else "")),
             _verdict("RSS (after load, after hybrid queries)", rss, AIMS["rss_mb"], "MB",
                      f"; anonymous {q['after_queries']['anon_mb']:,.0f} MB (every line as objects would add "
                      f"{ld['rows']['anon_mb'] - ld['python']['anon_mb']:,.0f} MB), mapped files "
                      f"{q['after_queries']['file_mb']:,.0f} MB")]
    for name in ("plan", "locality"):
        lines.append(_verdict(f"filtered to one {name} / unfiltered, p95", lat[f"ratio_{name}_p95"],
                              AIMS["filtered_ratio"], "×",
                              f"; HybridIndex.allowed_rows alone p95 {lat[f'allowed_rows_{name}']['p95_ms']:.1f} ms"))
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _done(results)
    if not sizes:
        return
    xs = [n for n, _ in sizes]
    series = {
        "build s": {k: [r["build"][k]["build_s"] for _, r in sizes] for k in ("bm25", "flat", "hnsw", "ivfpq")},
        "disk MB": {k: [r["disk_mb"][k] for _, r in sizes]
                    for k in ("index", "documents+chunks", "bm25", "flat", "hnsw", "ivfpq")},
        "load s (fresh process)": {k: [r["load"][k]["load_s"] for _, r in sizes]
                                   for k in ("index", "bm25", "flat", "hnsw", "ivfpq")},
        "RSS MB": {"after load": [r["load"]["index"]["rss_mb"] for _, r in sizes],
                   "after queries": [r["query"]["after_queries"]["rss_mb"] for _, r in sizes]},
        "p95 ms": {m: [r["query"]["latency"][m]["p95_ms"] for _, r in sizes] for m in MODES},
    }
    fig, axes = plt.subplots(2, 3, figsize=(15, 9))
    for ax, (title, lines) in zip(axes.flat, series.items()):
        for label, ys in lines.items():
            ax.plot(xs, ys, marker="o", label=label)
        ax.set(xscale="log", yscale="log", title=title, xlabel="passages")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    _flat_curve(axes.flat[5], results.get("flat_curve"))
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _flat_curve(ax, curve) -> None:
    if not curve or "error" in curve:
        ax.set_visible(False)
        return
    xs = [int(n) for n in curve]
    ax.plot(xs, [v["p95_ms"] for v in curve.values()], marker="o", label="flat p95 (100 rows)")
    ax.plot(xs, [v["p50_ms"] for v in curve.values()], marker="o", label="flat p50")
    ax.axhline(20, color="grey", linestyle="--", label="20 ms")
    ax.set(xscale="log", yscale="log", title="exact search ms", xlabel="passages")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
