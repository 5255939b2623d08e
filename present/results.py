"""Search hits as the page shows them: cited, matched words marked, the best sentence marked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index import Hit

from .cite import cite, section_label
from .highlight import Highlighter, best_sentence
from .render import PASSAGE_ID, to_html

__all__ = ["Passage", "passages", "document_html", "semantic_scorer", "warm_up"]


@dataclass(frozen=True)
class Passage:
    hit: Hit
    citation: str  # "Kế hoạch số … của …, mục II.2": what the copy button copies
    section: str  # "Mục II.2 · II- MỤC TIÊU › 2. …"
    html: str  # the passage, escaped, matched words and best sentence marked
    best: tuple[int, int]  # the best sentence, as offsets into the document

    @property
    def best_text(self) -> str:
        return self.hit.document.text[self.best[0] : self.best[1]]


def semantic_scorer(embedder, query: str) -> Callable[[list[str]], list[float]]:
    """Similarities of sentences to ``query`` from the index's embedding model (cosine)."""

    def score(sentences: list[str]) -> list[float]:
        q = embedder.embed_queries([query])[0]
        s = embedder.embed_passages(sentences)
        return list(np.asarray(s) @ np.asarray(q))

    return score


def passages(hits: list[Hit], query: str, embedder=None) -> list[Passage]:
    """The hits ready to show. ``embedder`` (optional) picks the best sentence of a passage found by
    meaning alone, which shares no word with the query."""
    highlighter = Highlighter(query).learn(h.chunk.text for h in hits)
    semantic = semantic_scorer(embedder, query) if embedder is not None else None
    out = []
    for h in hits:
        text = h.chunk.text
        s, e = best_sentence(text, highlighter, semantic)
        html = to_html(text, [("best", [(s, e)]), ("hit", highlighter.spans(text))])
        out.append(Passage(h, cite(h.document, h.chunk), section_label(h.chunk), html,
                           (h.chunk.start + s, h.chunk.start + e)))
    return out


def document_html(text: str, start: int, end: int, query: str = "") -> str:
    """A whole document, escaped, the passage ``[start, end)`` marked and anchored (``PASSAGE_ID``),
    the query's words marked inside it."""
    hits = [(start + a, start + b) for a, b in Highlighter(query).spans(text[start:end])] if query else []
    return to_html(text, [("passage", [(start, end)]), ("hit", hits)], anchor=PASSAGE_ID)


def warm_up(index) -> None:
    """Answer one question, so the model, the tokenizers and the word segmenter are loaded before the
    first real one (several seconds the first time in a process)."""
    query = "mục tiêu giảm nghèo"
    passages(index.search(query, k=1), query, index.embedder)
