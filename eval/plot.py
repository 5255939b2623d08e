"""The comparison as a chart: per set, the metrics of each mode, and MRR@10 per kind."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .metrics import METRICS  # noqa: E402

__all__ = ["plot"]

COLOURS = {"hybrid": "#1b6ca8", "bm25": "#e39b2d", "dense": "#5aa469"}


def _bars(ax, groups: list[str], series: dict[str, list[float]], title: str, ylabel: str) -> None:
    x = np.arange(len(groups))
    width = 0.8 / max(len(series), 1)
    for i, (mode, values) in enumerate(series.items()):
        bars = ax.bar(x + (i - (len(series) - 1) / 2) * width, values, width, label=mode,
                      color=COLOURS.get(mode))
        if len(groups) <= 6:
            ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    ax.set_xticks(x, groups, rotation=0 if len(groups) <= 6 else 30, ha="center" if len(groups) <= 6 else "right")
    ax.set_ylim(0, 1.18)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", ncol=len(series), frameon=False)


def plot(reports: dict[str, dict], out: str) -> None:
    """``reports``: {set name: evaluate() report}; writes a PNG to ``out``."""
    fig, axes = plt.subplots(len(reports), 2, figsize=(13, 4.2 * len(reports)), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.3]})
    for row, (name, report) in zip(axes, reports.items(), strict=True):
        modes = report["modes"]
        metrics = list(METRICS)
        n = next(iter(modes.values()))["overall"]["n"]
        _bars(row[0], metrics, {m: [r["overall"][k] for k in metrics] for m, r in modes.items()},
              f"{name}: {n} questions, all kinds", "score")
        kinds = list(next(iter(modes.values()))["by_kind"])
        labels = [f"{k}\n({next(iter(modes.values()))['by_kind'][k]['n']})" for k in kinds]
        _bars(row[1], labels, {m: [r["by_kind"][k]["MRR@10"] for k in kinds] for m, r in modes.items()},
              f"{name}: MRR@10 per kind (number of questions)", "MRR@10")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
