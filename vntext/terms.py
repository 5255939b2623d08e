"""Turning text into index terms, the same way for documents and queries.

Schemes (the evaluation compares them; see README):
- ``syllable``: normalised, lower-cased syllables;
- ``syllable_bigram``: syllables plus adjacent pairs ("nước_sạch"), pairs never crossing punctuation;
- ``word``: underthesea words (segmented before lower-casing), with fixed domain terms.

Every scheme expands the abbreviations staff type ("BHXH" also yields "bảo hiểm xã hội"), so a query
with the short form finds the long one and back. ``folded_terms`` is the accent-free view, at
syllable level, since underthesea splits unaccented text into words that never occur.
"""

from __future__ import annotations

import re

from . import abbreviations
from .normalize import fold, normalize
from .segment import word_tokenize

__all__ = ["SCHEMES", "terms", "folded_terms", "syllable_runs", "expanded_runs", "query_expansion"]

SCHEMES = ("syllable", "syllable_bigram", "word")
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Punctuation that ends a run of syllables: pairs never cross it.
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”'‘’|…]+|\s[-–]\s|\n\s*\n")

# Document numbers and codes: "42-NQ/TW", "9491 /KH-UBND", "1016/QĐ-TTg".
_CODE = re.compile(r"\b\d+(?:\s*[-/]\s*[^\W\d_]+)+")


def syllable_runs(text: str) -> list[list[str]]:
    """Normalised lower-case syllables, in runs split at punctuation."""
    runs = (_TOKEN.findall(part) for part in _BREAK.split(normalize(text).lower()))
    return [r for r in runs if r]


def _expansions(syllables: list[str]) -> list[str]:
    """Full forms of the abbreviations in a run of syllables, longest match first."""
    out: list[str] = []
    i = 0
    while i < len(syllables):
        n, full = next(abbreviations.at(syllables, i), (1, ()))
        out.extend(full)
        i += n
    return out


def expanded_runs(text: str) -> list[list[str]]:
    """The expansions of ``text``, leaving out document codes: "42-NQ/TW" is no "nghị quyết"."""
    runs = (_expansions(run) for run in syllable_runs(_CODE.sub(" . ", text)))
    return [r for r in runs if r]


def query_expansion(text: str) -> str:
    """The text with each abbreviation's full form added, for the dense model's query."""
    extra = [" ".join(run) for run in expanded_runs(text)]
    return f"{text} ({'; '.join(extra)})" if extra else text


def _with_bigrams(runs: list[list[str]]) -> list[str]:
    out = [s for run in runs for s in run]
    out += [f"{a}_{b}" for run in runs for a, b in zip(run, run[1:], strict=False)]
    return out


def _words(text: str) -> list[str]:
    tokens = word_tokenize(normalize(text))
    out = []
    for tok in tokens:
        parts = _TOKEN.findall(tok.lower())
        if parts:
            out.append("_".join(parts))
    return out


def terms(text: str, scheme: str = "syllable_bigram") -> list[str]:
    """Index terms of ``text`` under ``scheme`` (documents and queries alike)."""
    runs = syllable_runs(text)
    expanded = expanded_runs(text)
    if scheme == "syllable":
        return [s for run in runs + expanded for s in run]
    if scheme == "syllable_bigram":
        return _with_bigrams(runs + expanded)
    if scheme == "word":
        extra = _words(" . ".join(" ".join(e) for e in expanded)) if expanded else []
        return _words(text) + extra
    raise ValueError(f"unknown term scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")


def folded_terms(text: str) -> list[str]:
    """Accent-free syllables and pairs: "muc tieu" matches "mục tiêu"."""
    runs = syllable_runs(text) + expanded_runs(text)
    return _with_bigrams([[fold(s) for s in run] for run in runs])
