"""Precedent wording as the page shows it: a plan's wording beside the draft, differences marked word by word."""

from __future__ import annotations

import html
from difflib import SequenceMatcher

from vntext.tokens import tokens

__all__ = ["diff_html"]


def diff_html(pasted: str, wording: str) -> str:
    """``wording`` as safe HTML, its differences from ``pasted`` marked word by word.

    Words of the precedent that the pasted text lacks are ``<ins>``; words of the pasted text that the
    precedent lacks are shown struck through (``<del>``) where they would be. Punctuation and spacing
    are the precedent's own.
    """
    a, b = tokens(pasted), tokens(wording)
    ops = SequenceMatcher(None, [t.norm for t in a], [t.norm for t in b], autojunk=False).get_opcodes()
    out: list[str] = []
    pos = 0  # next character of ``wording`` to write

    def upto(end: int) -> None:
        nonlocal pos
        if end > pos:
            out.append(html.escape(wording[pos:end], quote=False))
            pos = end

    for op, i1, i2, j1, j2 in ops:
        if op in ("delete", "replace"):
            at_end = j1 >= len(b)
            upto(b[j1].start if not at_end else (b[-1].end if b else 0))
            gone = html.escape(" ".join(t.surface for t in a[i1:i2]), quote=False)
            out.append(f" <del>{gone}</del>" if at_end else f"<del>{gone}</del> ")
        if op in ("insert", "replace"):
            upto(b[j1].start)
            out.append(f"<ins>{html.escape(wording[b[j1].start : b[j2 - 1].end], quote=False)}</ins>")
            pos = b[j2 - 1].end
        if op == "equal":
            upto(b[j2 - 1].end)
    upto(len(wording))
    return "".join(out)
