"""Words and sentences of source text, with their exact spans, compared the way the index compares them.

Every function here works on the *source* text of a chunk or document (markdown ``**``, hard line
breaks and all) and returns character offsets into it, so whatever is marked on screen is exactly
what the document says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ingest.normalize import fold, normalize

__all__ = ["Token", "tokens", "sentences", "STOPWORDS", "key", "folded_key"]

_WORD = re.compile(r"\w+", re.UNICODE)

# Function words: matched inside a phrase, never highlighted or scored on their own.
STOPWORDS = frozenset(
    "và của các những là có được cho trong với để theo về từ đến tại này đó thì mà hoặc như trên dưới "
    "một ai gì nào bao nhiêu không đã sẽ đang ra vào thế sao nhằm do bị cũng rất nhiều ở khi nếu "
    "vì sự việc cần phải".split()
)

# A sentence ends at . ! ? ; … (then closing marks) when the next one starts with a capital, a digit
# or a list marker; and at a line break when the next line does not continue in lower case.
_END = re.compile(r"(?<=[.!?;…])[*”\")\]]*\s+(?=[-+•*“\"(\[]*\s*[A-ZĐÀ-Ỹ0-9])")
_BREAK = re.compile(r"[ \t]*\n\s*(?=[-+•*#“\"(\[]*\s*(?:[A-ZĐÀ-Ỹ0-9]|[a-zđ]\)))")
# "TP. Hồ Chí Minh", "Q. 1": a dot after these is not a sentence end.
_NO_END = re.compile(r"(?:^|\W)(?:TP|Tp|TX|TT|Q|P|ThS|TS|PGS|GS|Th\.S|v\.v)\.$")


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


def folded_key(word: str) -> str:
    """Accent-free lower-case form: "Tỷ" → "ti"."""
    return fold(key(word))


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their spans."""
    out = []
    for m in _WORD.finditer(text):
        norm = key(m.group())
        out.append(Token(m.start(), m.end(), m.group(), norm, fold(norm)))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, trimmed of surrounding white space.

    Clauses ended by ";" count as sentences (plans list their targets that way), and so do list items
    on their own lines; a line that goes on in lower case (a hard wrap) does not start a new one.
    """
    cuts = {0, len(text)}
    for m in _END.finditer(text):
        if not _NO_END.search(text[max(0, m.start() - 6) : m.start()]):
            cuts.add(m.end())
    for m in _BREAK.finditer(text):
        cuts.add(m.end())
    out = []
    bounds = sorted(cuts)
    for a, b in pairwise(bounds):
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        s, e = a + lead, a + len(piece.rstrip())
        if e > s and _WORD.search(text, s, e):
            out.append((s, e))
    return out
