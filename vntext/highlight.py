"""Which words of a passage match the question, and which sentence answers it best.

Matching is on normalised syllables, the way the index matches: "tỷ lệ" finds "tỉ lệ"; a syllable typed
without diacritics ("nuoc sach") matches on its accent-free form; an abbreviation ("BHXH") also matches
its full form ("bảo hiểm xã hội") and back. Runs of consecutive matched syllables ("nước sạch") are
phrases. An accent-free syllable matched alone is only marked in the spelling it had in a phrase
("sach" marks "sạch" after "nước sạch" was seen, not "sách" in "chính sách").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import abbreviations
from .normalize import fold
from .query import Query
from .segment import word_tokenize
from .tokens import STOPWORDS, Token, sentences, tokens

__all__ = ["Highlighter", "Match", "best_sentence"]

_WORD = re.compile(r"\w+", re.UNICODE)
_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS)


@dataclass(frozen=True)
class _Syllable:
    norm: str
    folded: str
    exact: bool  # typed with diacritics (or a number): matched on the normalised form

    def matches(self, tok: Token) -> bool:
        return tok.norm == self.norm if self.exact else tok.folded == self.folded

    @property
    def stopword(self) -> bool:
        return self.norm in STOPWORDS if self.exact else self.folded in _FOLDED_STOPWORDS


@dataclass
class _Sequence:
    """A run of query syllables and where its words start (``bounds``: word starts plus the end)."""

    syllables: list[_Syllable]
    bounds: set[int]


@dataclass(frozen=True)
class Match:
    """Matched words ``text[start:end]`` and the query syllables (normalised) they matched."""

    start: int
    end: int
    syllables: frozenset
    phrase: bool  # two or more syllables (a word like "nước sạch", or several), or an abbreviation


def _bounds(run: list[str]) -> set[int]:
    """Word boundaries of a run of syllables, from underthesea ("mục tiêu|nước sạch|nông thôn")."""
    words = word_tokenize(" ".join(run))
    bounds, n = {0}, 0
    for word in words:
        n += len(_WORD.findall(word))
        bounds.add(n)
    return bounds if n == len(run) else set(range(len(run) + 1))


class Highlighter:
    """Marks the words of any text that match ``query``.

    A query word is matched whole: "tiêu" alone (in "tiêu chuẩn") is not marked for "mục tiêu", and
    function words ("của", "và") are only marked inside a phrase.
    """

    def __init__(self, query: str | Query):
        self.query = query = Query.parse(query)
        runs = query.runs
        # A query typed with diacritics is matched exactly throughout ("Ban" is not "bản"); one typed
        # without any is matched on accent-free forms.
        self._accented = any(fold(s) != s for run in runs for s in run)
        self._runs = runs + query.expanded_runs
        self._expanded = len(runs)
        self._seen: dict[str, dict[str, int]] = {}  # accent-free syllable -> spellings seen in phrases
        self.sequences = [self._sequence(run, n >= self._expanded) for n, run in enumerate(self._runs)]

    def _sequence(self, run: list[str], expansion: bool = False) -> _Sequence:
        exact = self._accented or expansion
        syllables = [_Syllable(s, fold(s), exact=exact or s.isdigit()) for s in run]
        if all(s.exact for s in syllables):
            return _Sequence(syllables, _bounds(run))
        # Accent-free syllables: word boundaries are only known once their spelling is (see learn).
        spelt = [max(self._seen[s.folded], key=self._seen[s.folded].get) if s.folded in self._seen and not s.exact
                 else s.norm for s in syllables]
        return _Sequence(syllables, _bounds(spelt) if spelt != run else set(range(len(run) + 1)))

    def learn(self, texts: Iterable[str]) -> Highlighter:
        """Learn how accent-free query syllables are spelt where they occur as phrases in ``texts``
        (e.g. all the results), so that their words can be told apart like those of an accented query."""
        for text in texts:
            self.matches(text)
        self.sequences = [self._sequence(run, n >= self._expanded) for n, run in enumerate(self._runs)]
        return self

    # -- matching ------------------------------------------------------------------------------
    def _longest(self, toks: list[Token], i: int) -> tuple[int, list[_Syllable]]:
        """Longest run of consecutive query syllables, in query order, matching ``toks[i:]``."""
        best: tuple[int, list[_Syllable]] = (0, [])
        for seq in self.sequences:
            syl = seq.syllables
            for s in range(len(syl)):
                n = 0
                while i + n < len(toks) and s + n < len(syl) and syl[s + n].matches(toks[i + n]):
                    n += 1
                if n > best[0]:
                    best = (n, syl[s : s + n])
        return best

    def _word(self, tok: Token) -> _Syllable | None:
        """The query syllable that is a whole query word by itself and matches ``tok``, if any."""
        for seq in self.sequences:
            for s, syl in enumerate(seq.syllables):
                if s in seq.bounds and s + 1 in seq.bounds and syl.matches(tok):
                    return syl
        return None

    def _abbreviation(self, toks: list[Token], i: int) -> int:
        """Number of tokens at ``i`` forming an abbreviation whose full form the query spells out."""
        keys = [t.norm for t in toks[i : i + abbreviations.LONGEST]]
        for n, full in abbreviations.at(keys, 0):
            if len(full) > 1 and any(_contains([s.norm for s in q.syllables], list(full)) for q in self.sequences):
                return n
        return 0

    def matches(self, text: str) -> list[Match]:
        """The matched words of ``text``, in order, never overlapping."""
        toks = tokens(text)
        found: list[Match] = []
        i = 0
        while i < len(toks):
            n, syls = self._longest(toks, i)
            abbr = self._abbreviation(toks, i) if n < 2 else 0
            if abbr:
                found.append(Match(toks[i].start, toks[i + abbr - 1].end, frozenset(), True))
                i += abbr
                continue
            if n == 0:
                i += 1
                continue
            a, b = 0, n  # function words at either edge are left out
            while a < b and syls[a].stopword:
                a += 1
            while b > a and syls[b - 1].stopword:
                b -= 1
            if b - a >= 2:
                for syl, tok in zip(syls, toks[i : i + n], strict=True):
                    if not syl.exact:
                        seen = self._seen.setdefault(syl.folded, {})
                        seen[tok.norm] = seen.get(tok.norm, 0) + 1
                found.append(Match(toks[i + a].start, toks[i + b - 1].end,
                                   frozenset(x.norm for x in syls[a:b]), True))
                i += n
                continue
            word = self._word(toks[i])  # a single syllable: only a whole query word ("tiêu" of "mục tiêu" is not)
            if word is not None and not word.stopword and self._single(word, toks[i]):
                found.append(Match(toks[i].start, toks[i].end, frozenset([word.norm]), False))
            i += 1
        return found

    def _single(self, s: _Syllable, tok: Token) -> bool:
        if s.exact:
            return True
        seen = self._seen.get(s.folded)
        return not seen or tok.norm in seen

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matched words of ``text``."""
        return [(m.start, m.end) for m in self.matches(text)]

    def overlap(self, text: str) -> int:
        """Distinct query syllables in ``text`` on accent-free forms, parts of words included — the
        loose measure used when no whole query word occurs."""
        wanted = {s.folded for seq in self.sequences for s in seq.syllables if not s.stopword}
        return len(wanted.intersection(t.folded for t in tokens(text)))

    def score(self, text: str) -> float:
        """How well ``text`` answers: distinct query syllables matched, plus a bonus per phrase."""
        ms = self.matches(text)
        return len({s for m in ms for s in m.syllables}) + 0.5 * sum(m.phrase for m in ms)


def _contains(seq: list[str], part: list[str]) -> bool:
    return any(seq[i : i + len(part)] == part for i in range(len(seq) - len(part) + 1))


def best_sentence(
    text: str,
    highlighter: Highlighter,
    semantic: Callable[[list[str]], list[float]] | None = None,
) -> tuple[int, int]:
    """The span of the sentence of ``text`` that best answers the query.

    Sentences are scored by the query words they contain (``Highlighter.score``); ties go to the
    shorter one. When no sentence contains a whole query word, the syllables they share with the query
    decide (``Highlighter.overlap``); when there are none either (a result found by meaning alone),
    ``semantic`` — similarities of the sentences to the query, from the embedding model — decides;
    without it, the first sentence is taken.
    """
    spans = sentences(text) or [(0, len(text))]
    if len(spans) == 1:
        return spans[0]
    scores = [highlighter.score(text[a:b]) for a, b in spans]
    if max(scores) <= 0:
        scores = [float(highlighter.overlap(text[a:b])) for a, b in spans]
    if max(scores) <= 0 and semantic is not None:
        scores = list(semantic([text[a:b] for a, b in spans]))
    if max(scores) <= 0:
        return spans[0]
    best = max(range(len(spans)), key=lambda n: (scores[n], -(spans[n][1] - spans[n][0])))
    return spans[best]
