"""Words and sentences of source text, with their exact spans, compared the way the index compares them.

Every function here works on the *source* text of a chunk or document (markdown ``**``, hard line
breaks and all) and returns character offsets into it, so whatever is marked on screen is exactly
what the document says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vntext.normalize import fold, normalize
from vntext.sentences import sentences

__all__ = ["Token", "tokens", "sentences", "STOPWORDS", "key"]

_WORD = re.compile(r"\w+", re.UNICODE)

# Function words: matched inside a phrase, never highlighted or scored on their own.
STOPWORDS = frozenset(
    "và của các những là có được cho trong với để theo về từ đến tại này đó thì mà hoặc như trên dưới "
    "một ai gì nào bao nhiêu không đã sẽ đang ra vào thế sao nhằm do bị cũng rất nhiều ở khi nếu "
    "vì sự việc cần phải".split()
)


@dataclass(frozen=True)
class Token:
    """One word (syllable) of the source: ``text[start:end]``, its normalised and accent-free keys."""

    start: int
    end: int
    surface: str
    norm: str
    folded: str


def key(word: str) -> str:
    """Normalised lower-case form: "Tỷ" → "tỉ", "hoà" → "hòa"."""
    return normalize(word).lower()


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their spans."""
    out = []
    for m in _WORD.finditer(text):
        norm = key(m.group())
        out.append(Token(m.start(), m.end(), m.group(), norm, fold(norm)))
    return out
