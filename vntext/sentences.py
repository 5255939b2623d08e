"""Sentence spans of source text, for chunking and for marking the sentence that answers.

Works on the *source* (markdown ``**``, hard line breaks and all) and returns offsets into it.
"""

from __future__ import annotations

import re
from itertools import pairwise

__all__ = ["sentences"]

_WORD = re.compile(r"\w+", re.UNICODE)
# A sentence ends at . ! ? ; … (then closing marks) when the next one starts with a capital, a digit
# or a list marker; ``(\w)`` captures that first letter, checked with str.isupper (a character class
# like [A-ZĐÀ-Ỹ] also holds lower-case letters such as "đ").
_END = re.compile(r"(?<=[.!?;…])[*”\")\]]*\s+(?=[-+•*“\"(\[]*\s*(\w))")
# A line break starts a sentence when the next line does not go on in lower case, or opens "a)".
_BREAK = re.compile(r"[ \t]*\n\s*(?=[-+•*#“\"(\[]*\s*(\w)(\))?)")
# "TP. Hồ Chí Minh", "Q. 1": a dot after these is not a sentence end.
_NO_END = re.compile(r"(?:^|\W)(?:TP|Tp|TX|TT|Q|P|ThS|TS|PGS|GS|Th\.S|v\.v)\.$")


def _opens(first: str) -> bool:
    return first.isupper() or first.isdigit()


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, trimmed of surrounding white space.

    Clauses ended by ";" count as sentences (plans list their targets that way), and so do list items
    on their own lines; a line that goes on in lower case (a hard wrap) does not start a new one.
    """
    cuts = {0, len(text)}
    for m in _END.finditer(text):
        if _opens(m.group(1)) and not _NO_END.search(text[max(0, m.start() - 6) : m.start()]):
            cuts.add(m.end())
    for m in _BREAK.finditer(text):
        if _opens(m.group(1)) or (m.group(2) and m.group(1).islower()):
            cuts.add(m.end())
    out = []
    for a, b in pairwise(sorted(cuts)):
        piece = text[a:b]
        s, e = a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())
        if e > s and _WORD.search(text, s, e):
            out.append((s, e))
    return out
