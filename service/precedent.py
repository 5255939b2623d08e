"""Precedent wording for drafters: the sentences of each plan closest to a pasted text.

Candidate passages (from the index, or any chunks) are split into sentences; each is compared with the
pasted text on normalised syllables (``difflib.SequenceMatcher``), alone and — for a pasted paragraph —
as runs of consecutive sentences. The best few per plan are kept, plans ordered by their best match.

``usage`` tells how many plans use the same wording (near-identical, ``service.groups``) and how the
others deviate from it: figures, names or words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from ingest import Chunk, Document
from vntext.tokens import sentences, tokens

from .groups import Difference, clusters, text_differences

__all__ = ["Wording", "PlanWordings", "closest_wordings", "Usage", "usage"]


@dataclass(frozen=True)
class Wording:
    """A span of a plan, ``document.text[start:end]``, inside ``chunk``, and its similarity (0–1)."""

    document: Document
    chunk: Chunk
    start: int
    end: int
    similarity: float

    @property
    def text(self) -> str:
        return self.document.text[self.start : self.end]


@dataclass(frozen=True)
class PlanWordings:
    document: Document
    wordings: list[Wording]

    @property
    def best(self) -> float:
        return max(w.similarity for w in self.wordings)


def _keys(text: str) -> list[str]:
    return [t.norm for t in tokens(text)]


def _units(chunk: Chunk, width: int) -> list[tuple[int, int]]:
    """Spans (in document offsets) of each sentence of ``chunk`` and of runs of up to ``width`` sentences."""
    spans = [(chunk.start + s, chunk.start + e) for s, e in sentences(chunk.text)]
    out = []
    for n in range(1, max(1, width) + 1):
        out += [(spans[i][0], spans[i + n - 1][1]) for i in range(len(spans) - n + 1)]
    return out


def closest_wordings(
    text: str,
    chunks: Iterable[Chunk],
    documents: dict[str, Document],
    per_plan: int = 2,
    min_similarity: float = 0.2,
) -> list[PlanWordings]:
    """The wordings closest to ``text`` in each plan, grouped by plan, best plan first.

    ``chunks``: where to look (e.g. the index's candidates for ``text``); ``documents``: id → Document.
    At most ``per_plan`` non-overlapping wordings per plan, each at least ``min_similarity`` similar
    and, after the first, nearly as similar as the best of that plan.
    """
    pasted = _keys(text)
    if not pasted:
        return []
    width = min(3, len(sentences(text)) or 1)
    vocabulary = set(pasted)
    by_plan: dict[str, list[Wording]] = {}
    for chunk in chunks:
        doc = documents[chunk.doc_id]
        for s, e in _units(chunk, width):
            words = _keys(doc.text[s:e])
            if not vocabulary.intersection(words):
                continue
            # Quick upper bound of the ratio before the exact, slower one.
            if 2 * len(vocabulary.intersection(words)) / (len(pasted) + len(words)) < min_similarity * 0.5:
                continue
            ratio = SequenceMatcher(None, pasted, words, autojunk=False).ratio()
            if ratio >= min_similarity:
                by_plan.setdefault(doc.id, []).append(Wording(doc, chunk, s, e, ratio))
    out = []
    for doc_id, found in by_plan.items():
        kept: list[Wording] = []
        ranked = sorted(found, key=lambda w: (-w.similarity, w.start))
        for w in ranked:
            if w.similarity < 0.75 * ranked[0].similarity:  # a second wording only if nearly as close
                break
            if all(w.end <= k.start or w.start >= k.end for k in kept):
                kept.append(w)
            if len(kept) == per_plan:
                break
        out.append(PlanWordings(documents[doc_id], kept))
    return sorted(out, key=lambda p: (-p.best, p.document.id))


@dataclass(frozen=True)
class Usage:
    """How the plans word what a draft says: the wording most plans share (``common``: the closest to the draft
    among the largest group of near-identical wordings), each of those plans with its differences from it
    (none: the same words), and the plans that word it otherwise."""

    common: Wording
    plans: list[tuple[PlanWordings, tuple[Difference, ...]]]  # the plans using the common wording
    others: list[PlanWordings]  # the plans whose closest wording is another one

    @property
    def same(self) -> list[PlanWordings]:
        return [p for p, d in self.plans if not d]

    @property
    def deviating(self) -> list[tuple[PlanWordings, tuple[Difference, ...]]]:
        return [(p, d) for p, d in self.plans if d]

    def to_dict(self) -> dict:
        return {"common": {"doc_id": self.common.document.id, "text": self.common.text,
                           "start": self.common.start, "end": self.common.end},
                "plans": len(self.plans), "same": [p.document.id for p in self.same],
                "deviating": [{"doc_id": p.document.id, "differences": [x.to_dict() for x in d]}
                              for p, d in self.deviating],
                "others": [p.document.id for p in self.others]}


def usage(plans: list[PlanWordings]) -> Usage | None:
    """The wording most of ``plans`` share (their closest wordings, best plan first), which plans use it
    word for word, which deviate and how; None without plans."""
    if not plans:
        return None
    best = [p.wordings[0] for p in plans]
    groups = clusters([w.text for w in best])
    largest = max(groups, key=len)  # the first of the largest: the closest to the draft
    common = best[largest[0][0]]
    members = {i for i, _ in largest}
    using = [(plans[i], text_differences(common.text, best[i].text, best[i].start)) for i in sorted(members)]
    return Usage(common, using, [p for i, p in enumerate(plans) if i not in members])
