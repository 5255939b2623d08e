"""Building or updating the saved index from plan files, with a progress bar."""

from __future__ import annotations

import sys
import time

import ingest
from ingest.summary import tally

from . import progress as progress_file
from .embedders import load_embedder
from .embedding_cache import EmbeddingCache, default_cache_dir
from .hybrid import HybridIndex
from .lock import write_lock
from .store import IndexLoadError, cleanup, read_manifest


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


# With more passages than this to embed (about 15 s of work on 2 cores) and no complete index serving yet
# (a new library), the keyword index is saved and served first; the complete one replaces it when every
# passage has its vector. A complete index already serving keeps serving until its successor is complete:
# a build killed at any moment leaves it as it was.
KEYWORDS_FIRST = 64


def _has_vectors(index_dir) -> bool:
    try:
        return read_manifest(index_dir)["model"]["name"] is not None
    except IndexLoadError:
        return False


def build(paths="corpus", index_dir="data/index", model=None, progress=True, cache_dir=None, cluster=None,
          **params):
    """See ``index.build_index``; holds the index's write lock throughout (``IndexBusy`` if taken).
    ``cluster``: an ``index.ray_build.RayBuild`` that parses and embeds instead of this process."""
    with write_lock(index_dir):
        cleanup(index_dir)
        try:
            return _build(paths, index_dir, model, progress, cache_dir, cluster, **params)
        finally:
            progress_file.clear(index_dir)


def _reporter(progress, index_dir, started: float):
    """A ``(done, total)`` callback that tells the caller (a callable, a bar on stderr, or nothing) and
    the progress file (at most twice a second)."""
    from tqdm import tqdm

    bar = None if callable(progress) else tqdm(desc="Embedding passages", unit="chunk", disable=not progress,
                                                file=sys.stderr)
    last = [0.0]

    def report(done: int, total: int, stage: str = "vectors") -> None:
        if callable(progress):
            progress(done, total)
        elif bar is not None:
            bar.total = total
            bar.update(done - bar.n)
        now = time.monotonic()
        if now - last[0] > 0.5 or done == total:
            progress_file.write(index_dir, stage, done, total, started)
            last[0] = now

    report.close = bar.close if bar is not None else (lambda: None)
    return report


def _build(paths, index_dir, model, progress, cache_dir, cluster, **params):
    t0, started = time.perf_counter(), time.time()
    progress_file.write(index_dir, "reading", started=started)
    dense = params.pop("dense", True)
    words = {"max_words": params.pop("max_words")} if "max_words" in params else {}
    corpus = cluster.load(paths, **words) if cluster else ingest.load(paths, **words)
    if not corpus.documents:
        raise ValueError("no document could be read: " + "; ".join(corpus.errors or [f"{paths} is empty"]))
    stats = _changes(index_dir, corpus)
    report = _reporter(progress, index_dir, started)
    total = len(corpus.chunks)
    report(0, total, "keywords")
    index = HybridIndex.keywords(corpus, **params)
    if dense:
        if cluster:
            embedder = cluster.embedder()
        else:
            embedder = model if hasattr(model, "embed_passages") else load_embedder(model)
        cache = EmbeddingCache(cache_dir or default_cache_dir(), embedder.name, embedder.dim)
        todo = len(cache.missing(index.texts()))
        if todo > KEYWORDS_FIRST and not _has_vectors(index_dir):  # keywords at once; hybrid when complete
            index.save(index_dir)
        done = [total - todo]
        report(done[0], total)

        def step(n: int) -> None:
            done[0] += n
            report(min(done[0], total), total)

        # On a cluster every missing vector goes into the cache first; then it is read in order, as locally.
        embedded = cluster.embed(cache.missing(index.texts()), cache, step) if cluster else None
        index = index.with_vectors(embedder, cache, step)
        if embedded is not None:
            index.embedded = embedded
    report(total, total, "saving")
    report.close()
    index.save(index_dir)
    stats.update(documents=len(corpus.documents), chunks=total, embedded=index.embedded,
                 seconds=round(time.perf_counter() - t0, 2), errors=corpus.errors, summary=tally(corpus))
    return index, corpus, stats
