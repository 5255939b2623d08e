"""Building or updating the saved index from plan files, with a progress bar."""

from __future__ import annotations

import sys
import time

import ingest

from .embedders import load_embedder
from .hybrid import HybridIndex
from .lock import write_lock
from .store import IndexLoadError, read_manifest


def _changes(index_dir, corpus) -> dict:
    try:
        before = read_manifest(index_dir).get("documents", {})
    except IndexLoadError:
        before = {}
    now = {d.id: d.sha256 for d in corpus.documents}
    return {
        "added": sorted(now.keys() - before.keys()),
        "removed": sorted(before.keys() - now.keys()),
        "changed": sorted(d for d in now.keys() & before.keys() if now[d] != before[d]),
    }


def build(paths="corpus", index_dir="data/index", model=None, progress=True, cache_dir=None, **params):
    """See ``index.build_index``; holds the index's write lock throughout (``IndexBusy`` if taken)."""
    with write_lock(index_dir):
        return _build(paths, index_dir, model, progress, cache_dir, **params)


def _build(paths, index_dir, model, progress, cache_dir, **params):
    from tqdm import tqdm

    t0 = time.perf_counter()
    corpus = ingest.load(paths, **({"max_words": params.pop("max_words")} if "max_words" in params else {}))
    if not corpus.documents:
        raise ValueError("no document could be read: " + "; ".join(corpus.errors or [f"{paths} is empty"]))
    if params.get("dense", True) is False:  # BM25 only: no model loaded, nothing embedded
        embedder = None
    else:
        embedder = model if hasattr(model, "embed_passages") else load_embedder(model)
    total = len(corpus.chunks)
    if callable(progress):
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            progress(done[0], total)

        index = HybridIndex.build(corpus, embedder, cache_dir=cache_dir, progress=step, **params)
        progress(total, total)
    else:
        bar = tqdm(total=total, desc="Embedding passages", unit="chunk", disable=not progress, file=sys.stderr)
        index = HybridIndex.build(corpus, embedder, cache_dir=cache_dir, progress=bar.update, **params)
        bar.update(total - bar.n)
        bar.close()
    stats = _changes(index_dir, corpus)
    index.save(index_dir)
    stats.update(documents=len(corpus.documents), chunks=len(corpus.chunks), embedded=index.embedded,
                 seconds=round(time.perf_counter() - t0, 2), errors=corpus.errors)
    return index, corpus, stats
