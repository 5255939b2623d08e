"""Source text to safe HTML with marked spans.

Every character of the document is escaped (``html.escape``) before any markup is added, so a plan that
contains ``<script>`` shows it as text. Markdown emphasis (``**``) is dropped from view, not from the
offsets: spans are always offsets into the source text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

__all__ = ["to_html", "md_escape", "STYLE", "PASSAGE_ID"]

# Markdown the plans carry that should not show: emphasis stars, "#" heading marks at a line start.
_MARKUP = re.compile(r"\*+|^#{1,6}[ \t]+", re.MULTILINE)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~#$])")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
PASSAGE_ID = "doan-trich"

STYLE = """
<style>
.kh-text { white-space: pre-wrap; line-height: 1.65; font-size: 1rem; color: #1f2933; }
.kh-text .best { background: #fff1bf; border-radius: 3px; box-decoration-break: clone;
  -webkit-box-decoration-break: clone; padding: 1px 0; }
.kh-text .passage { background: #e3eeff; box-decoration-break: clone; -webkit-box-decoration-break: clone;
  padding: 2px 0; }
.kh-text .hit { background: #ffd166; font-weight: 600; border-radius: 2px; }
.kh-text ins { background: #d3f5dd; color: #0b5d22; text-decoration: none; border-radius: 2px; }
.kh-text .diff { background: #ffe3c2; color: #7a3200; font-weight: 600; border-radius: 2px; }
.kh-copies { color: #52606d; font-size: 0.85rem; }
.kh-usage { border-left: 3px solid #f0a35e; padding: 0.4rem 0.8rem; margin-bottom: 0.6rem; background: #fffaf3; }
.kh-text del { background: #fde2e1; color: #9b1c1c; border-radius: 2px; }
.kh-doc { max-height: 65vh; overflow-y: auto; padding: 0.75rem 1rem; border: 1px solid #e3e7ed;
  border-radius: 0.5rem; background: #fcfcfd; }
.kh-cite { font-weight: 600; font-size: 1.02rem; color: #102a43; margin-bottom: 0.15rem; }
.kh-section { color: #52606d; font-size: 0.85rem; margin-bottom: 0.35rem; }
.kh-legend { color: #52606d; font-size: 0.85rem; }
[data-testid="stAppDeployButton"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>
"""


def md_escape(text: str) -> str:
    """``text`` shown as itself by Streamlit's markdown (messages naming uploaded files, for one)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_html(text: str, layers: Iterable[tuple[str, Iterable[tuple[int, int]]]] = (), anchor: str = "") -> str:
    """``text`` escaped, each span of each layer wrapped in ``<span class="LAYER">``.

    ``layers`` is ``[("best", [(s, e)]), ("hit", [(s, e), ...])]``: class names and character spans into
    ``text``; spans of different layers may overlap or nest. ``anchor``: the id given to the first
    character of the ``"passage"`` layer, so the page can scroll it into view.
    """
    out: list[str] = []
    anchored = False
    for classes, run in _runs(text, _classes(len(text), layers), _hidden(text)):
        chunk = _BLANK_LINES.sub("\n\n", html.escape(run, quote=False))
        if not classes:
            out.append(chunk)
            continue
        ident = ""
        if anchor and "passage" in classes and not anchored:
            ident, anchored = f' id="{html.escape(anchor)}"', True
        out.append(f'<span class="{" ".join(classes)}"{ident}>{chunk}</span>')
    return "".join(out)


def _classes(n: int, layers: Iterable[tuple[str, Iterable[tuple[int, int]]]]) -> list[tuple[str, ...]]:
    """For each of the ``n`` characters, the names of the layers whose spans cover it, in layer order."""
    classes: list[list[str]] = [[] for _ in range(n)]
    for name, spans in layers:
        for s, e in spans:
            for i in range(max(0, s), min(n, e)):
                classes[i].append(name)
    return [tuple(c) for c in classes]


def _hidden(text: str) -> list[bool]:
    """For each character of ``text``: markdown markup not to be shown (``_MARKUP``)."""
    hidden = [False] * len(text)
    for m in _MARKUP.finditer(text):
        for i in range(m.start(), m.end()):
            hidden[i] = True
    return hidden


def _runs(text: str, classes: list[tuple[str, ...]], hidden: list[bool]) -> Iterator[tuple[tuple[str, ...], str]]:
    """The shown characters of ``text`` in maximal runs of the same classes: ``(classes, run)``.

    Hidden characters are skipped without ending a run."""
    run: list[str] = []
    current: tuple[str, ...] = ()
    for ch, cls, skip in zip(text, classes, hidden):
        if skip:
            continue
        if cls != current and run:
            yield current, "".join(run)
            run = []
        current = cls
        run.append(ch)
    if run:
        yield current, "".join(run)
