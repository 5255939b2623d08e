"""Hybrid BM25 + dense index over ingested plans (see ``index.hybrid``)."""

from .hybrid import DEFAULTS, MODES, Filters, Hit, HybridIndex, index_text
from .store import IndexLoadError

__all__ = ["HybridIndex", "Hit", "Filters", "DEFAULTS", "MODES", "IndexLoadError", "index_text", "build_index"]


def build_index(paths="corpus", index_dir="data/index", model=None, progress=True, **params):
    """Load plans from ``paths``, index them (reusing cached embeddings) and save atomically.

    Returns (index, corpus, stats) where stats says what changed since the previous index.
    """
    from .build import build

    return build(paths, index_dir, model, progress, **params)
