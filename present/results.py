"""Search hits as the page shows them: cited, matched words marked, the best sentence marked.

The marks themselves (``Hit.highlights``, ``Hit.best``) come from the service; this only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass

from index import Hit
from vntext.highlight import Highlighter

from .cite import cite, section_label
from .render import PASSAGE_ID, to_html

_KIND_LABELS = {"number": "số liệu", "name": "tên riêng", "words": "câu chữ"}


@dataclass(frozen=True)
class CopyView:
    """A near-identical passage of another plan, as the expanded group shows it."""

    citation: str  # "Kế hoạch số … của …, mục II.2"
    html: str  # its text, the differences from the leading passage marked
    changes: str  # "Khác: số liệu 95% (đoạn trên: 92%); tên riêng Bình Dương (đoạn trên: Đồng Nai)"

__all__ = ["Passage", "CopyView", "passage", "document_html", "copies_label"]


@dataclass(frozen=True)
class Passage:
    hit: Hit
    citation: str  # "Kế hoạch số … của …, mục II.2": what the copy button copies
    section: str  # "Mục II.2 · II- MỤC TIÊU › 2. …"
    html: str  # the passage, escaped, matched words and best sentence marked
    copies: tuple[CopyView, ...] = ()  # the same wording in other plans (``Hit.copies``)
    copies_label: str = ""  # "cùng câu chữ trong 12 kế hoạch khác"


def copies_label(hit: Hit) -> str:
    """ "cùng câu chữ trong 12 kế hoạch khác" (and "… 2 đoạn khác của kế hoạch này"); empty without copies."""
    plans = {c.hit.document.id for c in hit.copies} - {hit.document.id}
    same = sum(c.hit.document.id == hit.document.id for c in hit.copies)
    parts = [f"{len(plans)} kế hoạch khác"] if plans else []
    parts += [f"{same} đoạn khác của kế hoạch này"] if same else []
    return f"cùng câu chữ trong {' và '.join(parts)}" if parts else ""


def _copy_view(copy) -> CopyView:
    h, at = copy.hit, copy.hit.chunk.start
    spans = [(d.start - at, d.end - at) for d in copy.differences if d.end > d.start]
    changes = [f"{_KIND_LABELS[d.kind]} {d.text or '(không có)'} (đoạn trên: {d.leader or 'không có'})"
               for d in copy.differences]
    label = ("Khác: " + "; ".join(changes)) if changes else "Giống hệt đoạn trên (trừ dấu câu, chữ hoa)"
    return CopyView(cite(h.document, h.chunk), to_html(h.chunk.text, [("diff", spans)]), label)


def passage(hit: Hit) -> Passage:
    """A marked hit (``service.Library.search``) ready to show."""
    at = hit.chunk.start
    best = [(hit.best[0] - at, hit.best[1] - at)] if hit.best else []
    marks = [(s - at, e - at) for s, e in hit.highlights]
    html = to_html(hit.chunk.text, [("best", best), ("hit", marks)])
    return Passage(hit, cite(hit.document, hit.chunk), section_label(hit.chunk), html,
                   tuple(_copy_view(c) for c in hit.copies), copies_label(hit))


def document_html(text: str, start: int, end: int, query: str = "") -> str:
    """A whole document, escaped, the passage ``[start, end)`` marked and anchored (``PASSAGE_ID``),
    the query's words marked inside it."""
    hits = [(start + a, start + b) for a, b in Highlighter(query).spans(text[start:end])] if query else []
    return to_html(text, [("passage", [(start, end)]), ("hit", hits)], anchor=PASSAGE_ID)
