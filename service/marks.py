"""Where each hit matches its question: the query's words, and the sentence that answers best.

Spans are offsets into the document (like the chunk's own), so every door shows them the same way:
the page as HTML, the API as numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from index import Hit
from vntext.highlight import Highlighter, best_sentence
from vntext.query import Query

__all__ = ["mark", "semantic_scorer"]


def semantic_scorer(embedder, query: Query) -> Callable[[list[str]], list[float]]:
    """Similarities of sentences to ``query`` from the index's embedding model (cosine)."""

    def score(sentences: list[str]) -> list[float]:
        q = embedder.embed_queries([query.for_embedding])[0]
        s = embedder.embed_passages(sentences)
        return list(np.asarray(s) @ np.asarray(q))

    return score


def mark(hits: list[Hit], query: str | Query, embedder=None) -> list[Hit]:
    """``hits`` with ``highlights`` and ``best`` set. ``embedder`` (optional) picks the best sentence of
    a passage found by meaning alone, which shares no word with the query."""
    query = Query.parse(query)
    highlighter = Highlighter(query).learn(h.chunk.text for h in hits)
    semantic = semantic_scorer(embedder, query) if embedder is not None else None
    out = []
    for h in hits:
        at = h.chunk.start
        s, e = best_sentence(h.chunk.text, highlighter, semantic)
        spans = tuple((at + a, at + b) for a, b in highlighter.spans(h.chunk.text))
        out.append(replace(h, highlights=spans, best=(at + s, at + e)))
    return out
