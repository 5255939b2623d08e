"""The indexes the evaluation runs on: built from a folder (embeddings cached), loaded, or ALQAC's.

A BM25-only evaluation never loads the embedding model, so it needs no embedding at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import ingest
from index.embedders import load_embedder
from index.embedding_cache import default_cache_dir
from index.hybrid import DEFAULTS, HybridIndex
from index.store import IndexLoadError, corpus_hash, read_manifest

from . import alqac

__all__ = ["build", "from_folder", "alqac_index", "CachedQueries", "split_params"]


class CachedQueries:
    """An embedder whose query vectors are memoised: a sweep embeds each question once."""

    def __init__(self, embedder):
        self.inner, self.name, self.dim = embedder, embedder.name, embedder.dim
        self._queries: dict[str, object] = {}

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self._queries]
        if missing:
            self._queries.update(zip(missing, self.inner.embed_queries(missing), strict=True))
        import numpy as np

        return np.stack([self._queries[t] for t in texts])


def split_params(params: dict) -> tuple[int | None, dict]:
    """(max_words for ingest, the rest for HybridIndex.build)."""
    params = dict(params)
    return params.pop("max_words", None), params


def build(corpus: ingest.Corpus, modes=("hybrid", "bm25", "dense"), embedder=None, cache_dir=None,
          progress: bool = True, **params) -> HybridIndex:
    """An index of ``corpus``; without a dense mode among ``modes``, BM25 only (no model, no embedding)."""
    if set(modes) <= {"bm25"}:
        return HybridIndex.build(corpus, dense=False, **params)
    from tqdm import tqdm

    embedder = embedder or load_embedder()
    with tqdm(total=len(corpus.chunks), desc="Embedding passages (cached ones skipped)", unit="chunk",
              disable=not progress, file=sys.stderr, leave=False) as bar:
        return HybridIndex.build(corpus, embedder, cache_dir=cache_dir, progress=bar.update, **params)


def from_folder(paths="corpus", modes=("hybrid", "bm25", "dense"), embedder=None, progress=True, cache_dir=None,
                **params) -> HybridIndex:
    max_words, params = split_params(params)
    corpus = ingest.load(paths, **({} if max_words is None else {"max_words": max_words}))
    if not corpus.documents:
        raise ValueError(f"no document could be read from {paths}: " + "; ".join(corpus.errors))
    return build(corpus, modes, embedder, cache_dir, progress, **params)


def alqac_index(modes=("hybrid", "bm25", "dense"), index_dir="data/alqac2022/index", embedder=None,
                progress=True, **params) -> HybridIndex:
    """ALQAC's articles indexed; the index is kept in ``index_dir`` and reused while corpus and params match.

    Its embeddings are cached apart from the plans' ($PLANS_CACHE or data/cache, sub-folder alqac2022).
    """
    max_words, params = split_params(params)
    corpus = alqac.load_corpus(max_words=max_words)
    wanted = {**DEFAULTS, **params}
    dense = not set(modes) <= {"bm25"}
    if dense and Path(index_dir).exists():
        try:
            m = read_manifest(index_dir)
            if (m.get("corpus_hash") == corpus_hash(corpus.documents) and m.get("params") == wanted
                    and m["counts"]["chunks"] == len(corpus.chunks)):
                idx = HybridIndex.load(index_dir, embedder)
                if [(c.id, c.start, c.end) for c in idx.chunks] == [(c.id, c.start, c.end) for c in corpus.chunks]:
                    return idx
        except IndexLoadError:
            pass
    cache = Path(default_cache_dir()) / alqac.NAME
    idx = build(corpus, modes, embedder, cache_dir=cache, progress=progress, **params)
    if dense:
        idx.save(index_dir)
    return idx
