"""Search hits as the page shows them: cited, matched words marked, the best sentence marked.

The marks themselves (``Hit.highlights``, ``Hit.best``) come from the service; this only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass

from index import Hit
from vntext.highlight import Highlighter

from .cite import cite, section_label
from .render import PASSAGE_ID, to_html

__all__ = ["Passage", "passage", "document_html"]


@dataclass(frozen=True)
class Passage:
    hit: Hit
    citation: str  # "Kế hoạch số … của …, mục II.2": what the copy button copies
    section: str  # "Mục II.2 · II- MỤC TIÊU › 2. …"
    html: str  # the passage, escaped, matched words and best sentence marked


def passage(hit: Hit) -> Passage:
    """A marked hit (``service.Library.search``) ready to show."""
    at = hit.chunk.start
    best = [(hit.best[0] - at, hit.best[1] - at)] if hit.best else []
    marks = [(s - at, e - at) for s, e in hit.highlights]
    html = to_html(hit.chunk.text, [("best", best), ("hit", marks)])
    return Passage(hit, cite(hit.document, hit.chunk), section_label(hit.chunk), html)


def document_html(text: str, start: int, end: int, query: str = "") -> str:
    """A whole document, escaped, the passage ``[start, end)`` marked and anchored (``PASSAGE_ID``),
    the query's words marked inside it."""
    hits = [(start + a, start + b) for a, b in Highlighter(query).spans(text[start:end])] if query else []
    return to_html(text, [("passage", [(start, end)]), ("hit", hits)], anchor=PASSAGE_ID)
