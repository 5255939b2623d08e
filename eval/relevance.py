"""Questions and span-overlap relevance, independent of how the documents are chunked.

A question's gold is a list of ``{"doc", "quote"}``: a verbatim passage of a document. A hit (a cited
span ``[start, end)`` of a document) is relevant to a gold when it covers at least half of the quote's
characters, at any place the quote occurs. A gold without a quote is a whole document: any hit in it is
relevant (document-level relevance, as ALQAC judges articles).

Each gold is one relevant item. ``judge`` tells, for each hit in rank order, which golds it satisfies
*for the first time*: a hit relevant to several golds gets each of them; a gold already satisfied by a
higher hit is not counted again, so recall never exceeds 1.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["KINDS", "Gold", "Question", "load_questions", "locate", "covers", "judge", "MIN_COVER"]

KINDS = ("numeric", "task", "responsibility", "precedent", "cross_doc", "no_diacritics", "typo", "abbreviation")
MIN_COVER = 0.5  # share of the quote's characters a hit must cover


@dataclass(frozen=True)
class Gold:
    doc: str
    quote: str | None = None  # None: the whole document is the relevant item


@dataclass(frozen=True)
class Question:
    id: str
    query: str
    kind: str
    gold: tuple[Gold, ...]
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def _question(row: dict, where: str, kinds) -> Question:
    for key, typ in (("id", str), ("query", str), ("kind", str), ("gold", list)):
        if not isinstance(row.get(key), typ):
            raise ValueError(f"{where}: field {key!r} must be a {typ.__name__}")
    if kinds is not None and row["kind"] not in kinds:
        raise ValueError(f"{where}: unknown kind {row['kind']!r}; expected one of {', '.join(kinds)}")
    if not row["gold"]:
        raise ValueError(f"{where}: question {row['id']!r} has no gold passage")
    golds = []
    for g in row["gold"]:
        if not isinstance(g, dict) or not isinstance(g.get("doc"), str) or not isinstance(g.get("quote"), str):
            raise ValueError(f"{where}: each gold needs a string 'doc' and 'quote'")
        golds.append(Gold(g["doc"], g["quote"]))
    return Question(row["id"], row["query"], row["kind"], tuple(golds))


def load_questions(path: str | Path, kinds=KINDS) -> list[Question]:
    """Read a JSONL question file; ``kinds=None`` accepts any kind (held-out sets may add their own)."""
    out, seen = [], set()
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{where}: invalid JSON ({e.msg})") from e
            q = _question(row, where, kinds)
            if q.id in seen:
                raise ValueError(f"{where}: duplicate question id {q.id!r}")
            seen.add(q.id)
            out.append(q)
    return out


def locate(text: str, quote: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` where ``quote`` occurs in ``text``; whitespace may differ if it is not verbatim."""
    spans, i = [], text.find(quote)
    while i >= 0 and quote:
        spans.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    if not spans and quote.strip():
        pattern = r"\s+".join(map(re.escape, quote.split()))
        spans = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    return spans


def covers(start: int, end: int, spans: list[tuple[int, int]], min_cover: float = MIN_COVER) -> bool:
    """Does ``[start, end)`` cover at least ``min_cover`` of one of the quote's occurrences?"""
    return any(min(end, qe) - max(start, qs) >= min_cover * (qe - qs) for qs, qe in spans)


def gold_spans(question: Question, documents: dict[str, str]) -> list[list[tuple[int, int]] | None]:
    """For each gold: its occurrences in its document, None for a whole-document gold ([] if not found)."""
    out = []
    for g in question.gold:
        if g.quote is None:
            out.append(None)
        else:
            text = documents.get(g.doc)
            out.append(locate(text, g.quote) if text is not None else [])
    return out


def judge(hits: list[tuple[str, int, int]], question: Question, spans) -> list[list[int]]:
    """For each hit ``(doc_id, start, end)`` in rank order: the indices of the golds it satisfies first."""
    claimed: set[int] = set()
    out = []
    for doc_id, start, end in hits:
        new = [i for i, (g, s) in enumerate(zip(question.gold, spans, strict=True))
               if i not in claimed and g.doc == doc_id and (s is None or covers(start, end, s))]
        claimed.update(new)
        out.append(new)
    return out
