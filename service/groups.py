"""The same wording in many plans: near-identical passages, grouped.

Every province, city, district and commune restates the central text of a resolution almost word for
word; what differs is the place names and the target figures. A list of ten passages should then hold
ten different answers, each with the plans that say the same thing:

    groups = group(hits, k=10)          # hits best first; the best of each group leads, its copies inside
    groups[0].copies[0].differences     # where a copy's figures, names or words differ from the leader

How "near-identical" is decided (``signature``, ``similarity``):

- the text is normalised (``vntext.normalize``, lower case) and split into syllables; every syllable
  with a digit becomes ``#`` (figures, years, codes: "90%", "2030", "42-NQ/TW"), every capitalised
  syllable not at a sentence start becomes ``@`` (proper names: places at any level — also communes
  the gazetteer lacks — bodies, people);
- the passage is the set of its syllable 3-shingles; two passages are near-identical when the Jaccard
  similarity of their sets is at least ``THRESHOLD`` (0.6; measured in ``bench/bench_groups.py``: a plan
  re-issued with other places and figures scores 1.0 passage for passage; one syllable in 20 changed
  keeps 90% of passages above 0.6, one in 5 only 2%; of the real pairs of passages of different bundled
  plans, the 20 above 0.6 all restate the same paragraph, those between 0.5 and 0.6 are half re-cut
  copies, half passages sharing only part of their content, and below 0.5 they say different things).

Grouping is greedy in rank order (a passage joins the first group whose leader it is near-identical
to) and exact: the shingles every pair shares are counted at once by one sparse matrix product, no
sampling. Signatures are cached per passage text: 100 candidates take about 10 ms on a busy 2-core
machine, 14× less than comparing the pairs one by one (``bench/bench_groups.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

import numpy as np
from scipy import sparse

from index import Hit
from vntext.normalize import normalize
from vntext.tokens import key

__all__ = ["THRESHOLD", "Copy", "Difference", "signature", "similarity", "group", "clusters", "differences",
           "text_differences"]

THRESHOLD = 0.6
SHINGLE = 3
_WORD = re.compile(r"\w+")
_BREAK = re.compile(r"[.:;!?\n]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Difference:
    """Where a copy's words differ from the leader's: ``copy text[start:end]`` (document offsets of the copy;
    ``start == end`` where the copy lacks words the leader has), what the leader says there, and what kind
    of difference it is: "number" (a figure, year or code), "name" (a capitalised name: a place, a body)
    or "words"."""

    start: int
    end: int
    text: str
    leader: str
    kind: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "leader": self.leader, "kind": self.kind}


@dataclass(frozen=True)
class Copy:
    """A passage of another plan (or elsewhere in the same one) near-identical to a group's leader."""

    hit: Hit
    similarity: float  # Jaccard similarity of the masked shingles to the leader's (0–1)
    leader: Hit = field(repr=False, compare=False)

    @cached_property
    def differences(self) -> tuple[Difference, ...]:
        """Where this copy's words differ from the leader's (computed when first asked for)."""
        return differences(self.leader, self.hit)

    def to_dict(self) -> dict:
        c, meta = self.hit.chunk, self.hit.document.meta
        return {"doc_id": c.doc_id, "chunk_id": c.id, "citation": meta.citation, "section_no": c.section_no,
                "place_key": meta.place_key, "province": meta.province, "text": c.text, "start": c.start,
                "end": c.end, "score": round(float(self.hit.score), 6), "similarity": round(self.similarity, 4),
                "differences": [d.to_dict() for d in self.differences]}


def _masked(text: str) -> list[str]:
    """The syllables of ``text``, normalised and lower-cased, figures as ``#`` and names as ``@`` (a capital
    at a sentence or line start, or a word in capitals, is not taken for a name)."""
    text = normalize(text)
    out, prev = [], 0
    for m in _WORD.finditer(text):
        w, start = m.group(), prev == 0 or _BREAK.search(text, prev, m.start()) is not None
        prev = m.end()
        if any(ch.isdigit() for ch in w):
            out.append("#")
        elif w[0].isupper() and not start and not w.isupper():
            out.append("@")
        else:
            out.append(w.lower())
    return out


@lru_cache(maxsize=65536)
def signature(text: str) -> np.ndarray:
    """The hashed syllable 3-shingles of ``text`` masked (figures ``#``, names ``@``): sorted, unique int64."""
    words = _masked(text)
    grams = [tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    out = np.unique(np.fromiter((hash(g) for g in grams), np.int64, len(grams)))
    out.flags.writeable = False  # cached: shared by every caller
    return out


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' signatures (1.0: the same words, figures and names aside)."""
    x, y = signature(a), signature(b)
    shared = len(np.intersect1d(x, y, assume_unique=True))
    return shared / (len(x) + len(y) - shared)


def _jaccard(sigs: list[np.ndarray]) -> np.ndarray:
    """Every pair's Jaccard similarity at once: the shingles each pair shares counted by one sparse matrix
    product over the shingles found in two passages or more (most are in one only). Sparse, not BLAS: a dense
    product took 50× longer on a busy 2-core machine (threads fighting)."""
    sizes = np.array([len(s) for s in sigs])
    _, column, counts = np.unique(np.concatenate(sigs), return_inverse=True, return_counts=True)
    row = np.repeat(np.arange(len(sigs)), sizes)
    shared_ones = counts[column] > 1
    kept, column = np.unique(column[shared_ones], return_inverse=True)
    row = row[shared_ones]
    m = sparse.csr_matrix((np.ones(len(row), np.float32), (row, column)), shape=(len(sigs), len(kept)))
    shared = (m @ m.T).toarray()
    np.fill_diagonal(shared, sizes)
    return shared / (sizes[:, None] + sizes[None, :] - shared)


def clusters(texts: list[str], threshold: float = THRESHOLD) -> list[list[tuple[int, float]]]:
    """``texts`` (best first) in groups of near-identical ones: each group a list of (index, similarity to
    its leader), the leader first with 1.0; groups in the order of their leaders. A text joins the first
    group whose leader it is near-identical to."""
    if not texts:
        return []
    sim = _jaccard([signature(t) for t in texts])
    near = (sim >= threshold).tolist()  # plain lists: the loop below reads one cell at a time
    leaders: list[int] = []
    groups: list[list[tuple[int, float]]] = []
    for i, row in enumerate(near):
        g = next((g for g, leader in enumerate(leaders) if row[leader]), None)
        if g is None:
            leaders.append(i)
            groups.append([(i, 1.0)])
        else:
            groups[g].append((i, float(sim[i, leaders[g]])))
    return groups


def _kind(*texts: str) -> str:
    if any(ch.isdigit() for t in texts for ch in t):
        return "number"
    if any(w[:1].isupper() for t in texts for w in t.split()):
        return "name"
    return "words"


def differences(leader: Hit, copy: Hit) -> tuple[Difference, ...]:
    """Where ``copy``'s passage differs from ``leader``'s, syllable by syllable (offsets into the copy's
    document)."""
    return text_differences(leader.chunk.text, copy.chunk.text, copy.chunk.start)


_key = lru_cache(maxsize=200_000)(key)  # words repeat across plans: normalised once each


def _words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The spans of the syllables of ``text`` and their normalised keys (as ``vntext.tokens`` has them)."""
    spans = [m.span() for m in _WORD.finditer(text)]
    return spans, [_key(text[s:e]) for s, e in spans]


def text_differences(leader: str, text: str, at: int = 0) -> tuple[Difference, ...]:
    """Where ``text`` differs from ``leader``, syllable by syllable (case and punctuation aside); offsets
    into ``text`` plus ``at`` (where ``text`` starts in its document)."""
    (a, ka), (b, kb) = _words(leader), _words(text)
    ops = SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes()
    out = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        theirs = leader[slice(*_whole_numbers(leader, a[i1][0], a[i2 - 1][1]))] if i2 > i1 else ""
        if j2 > j1:
            s, e = _whole_numbers(text, b[j1][0], b[j2 - 1][1])
        else:
            s = e = b[j1][0] if j1 < len(b) else (b[-1][1] if b else 0)
        mine = text[s:e]
        if out and out[-1].end > at + s:  # widened into the one before: "2,5%" against "2,2%"
            continue
        out.append(Difference(at + s, at + e, mine, theirs, _kind(mine, theirs)))
    return tuple(out)


def _whole_numbers(text: str, s: int, e: int) -> tuple[int, int]:
    """``[s, e)`` widened to the whole numbers it cuts: syllables split "2,5" and "1.200" in two."""
    for m in _NUMBER.finditer(text, max(0, s - 20), min(len(text), e + 20)):
        if m.start() < e and m.end() > s:
            s, e = min(s, m.start()), max(e, m.end())
    return s, e


def group(hits: list[Hit], k: int, threshold: float = THRESHOLD) -> list[Hit]:
    """The first ``k`` groups of near-identical passages among ``hits`` (best first): each group's best hit,
    re-ranked 1..k, with the others as its ``copies`` (their differences from it marked). Every hit of the
    list is looked at, so a group counts the copies ranked below the ``k``-th group too."""
    out = []
    for rank, members in enumerate(clusters([h.chunk.text for h in hits], threshold)[:k], 1):
        leader = hits[members[0][0]]
        copies = tuple(Copy(hits[i], j, leader) for i, j in members[1:])
        out.append(replace(leader, rank=rank, copies=copies))
    return out
