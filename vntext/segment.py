"""Vietnamese word segmentation (underthesea), loaded once per process, with the domain's fixed words.

Segmentation is only needed by the ``word`` term scheme and by the highlighter's word boundaries; the
model is loaded on first use.
"""

from __future__ import annotations

from functools import lru_cache

from .abbreviations import ABBREVIATIONS
from .normalize import normalize

__all__ = ["FIXED_WORDS", "word_tokenize"]

FIXED_WORDS = sorted(
    {normalize(f) for f in ABBREVIATIONS.values() if " " in f}
    | {normalize(f).capitalize() for f in ABBREVIATIONS.values() if " " in f}
    | {"Ủy ban nhân dân", "Hội đồng nhân dân", "Mặt trận Tổ quốc", "Ban Chấp hành", "Ban Thường vụ"}
)


@lru_cache(maxsize=1)
def _underthesea():
    from underthesea import word_tokenize as segment

    return segment


def word_tokenize(text: str) -> list[str]:
    """The words of ``text`` ("nước sạch", "nông thôn"), domain terms kept whole."""
    return _underthesea()(text, fixed_words=FIXED_WORDS)
