"""One Vietnamese normalisation for documents and queries alike.

``normalize`` keeps letters' case and every character's meaning; it only picks one
spelling among variants that mean the same:

- Unicode NFC (PDF/Word text often carries decomposed marks);
- tone placement: the old style (hoà, thuỷ, uỷ, khoẻ) becomes the new one (hòa, thủy,
  ủy, khỏe), for the open rimes oa, oe, uy only, never after "q" (quý stays quý);
- i/y after a consonant in an open syllable (tỷ/tỉ, kỹ/kĩ, lý/lí, mỹ/mĩ): the "i" form.

``fold`` removes the diacritics (đ → d) for the accent-free view.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "fold"]

# Combining tone marks: acute, grave, hook above, tilde, dot below.
_TONES = "\u0301\u0300\u0309\u0303\u0323"

# Old placement: tone on the second vowel of an open oa/oe/uy rime, e.g. "hoà".
_OLD_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![\w\u0300-\u036f])")
# i/y: consonant(s) + y (+ tone) closing the syllable, e.g. "tỷ", "kỹ", "lý".
_Y_AFTER_CONSONANT = re.compile(rf"(?<![\w\u0300-\u036f])([hHkKlLmMsStTvVnNdD])([yY])([{_TONES}]?)(?![\w\u0300-\u036f])")


def _move_tone(m: re.Match) -> str:
    return m.group(1) + m.group(3) + m.group(2)


def _y_to_i(m: re.Match) -> str:
    i = "I" if m.group(2) == "Y" else "i"
    return m.group(1) + i + m.group(3)


def normalize(text: str) -> str:
    """NFC text with one spelling for tone placement and i/y variants."""
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _OLD_TONE.sub(_move_tone, decomposed)
    decomposed = _Y_AFTER_CONSONANT.sub(_y_to_i, decomposed)
    return unicodedata.normalize("NFC", decomposed)


def fold(text: str) -> str:
    """The diacritics-free form: "Tỷ lệ đạt" → "Ty le dat"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)
