"""Precedent wording as the page shows it: a plan's wording beside the draft, differences marked word by word."""

from __future__ import annotations

import html
from difflib import SequenceMatcher

from vntext.tokens import tokens

from .cite import cite, short_body

__all__ = ["diff_html", "usage_html", "deviation_label"]

_KINDS = {"number": "số liệu", "name": "tên riêng", "words": "câu chữ"}


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


def deviation_label(differences) -> str:
    """ "khác số liệu: 98% (chung: 95%); tên riêng: Bình Dương (chung: Đồng Nai)"; "" for none."""
    return "; ".join(f"{_KINDS[d.kind]}: {d.text or '(bỏ)'} (chung: {d.leader or 'không có'})" for d in differences)


def usage_html(usage) -> str:
    """How many plans use the common wording (``service.precedent.Usage``), which word it the same and which
    deviate (and how), as safe HTML."""
    esc = html.escape
    same, deviating = usage.same, usage.deviating
    head = (f"<b>Câu chữ chung của {len(usage.plans)} kế hoạch</b>: {len(same)} giống hệt, "
            f"{len(deviating)} khác ở số liệu, tên riêng hoặc câu chữ; {len(usage.others)} kế hoạch diễn đạt khác.")
    rows = [f'<div class="kh-text">“{esc(usage.common.text)}”</div>',
            f'<div class="kh-copies">— {esc(cite(usage.common.document, usage.common.chunk))}</div>']
    if same:
        rows.append('<div class="kh-copies">Giống hệt: ' + esc("; ".join(short_body(p.document.meta.citation)
                                                                     for p in same)) + "</div>")
    for p, d in deviating:
        rows.append(f'<div class="kh-copies">Khác — {esc(short_body(p.document.meta.citation))}: '
                    f'<span class="kh-text"><span class="diff">{esc(deviation_label(d))}</span></span></div>')
    return f'<div class="kh-usage">{head}{"".join(rows)}</div>'
