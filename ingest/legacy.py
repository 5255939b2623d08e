"""Vietnamese text in the encodings offices used before Unicode: TCVN3 (ABC), VNI, VIQR and CP1258.

The tables follow the standards: TCVN 5712:1993 (the VN3 "ABC" set used by the .Vn* fonts), the VNI-Windows
font layout (a base letter followed by mark glyphs), VIQR (RFC 1456) and Windows-1258. Each has a decoder to
Unicode (NFC) and, for round-trip tests, an encoder built from the same table.

    text, note = decode_bytes(data)     # UTF-8/16 or a legacy encoding, detected; note says which
    text, note = repair(text)           # "KÕ ho¹ch" (TCVN3 bytes read as cp1252) -> "Kế hoạch"
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LegacyError", "decode_bytes", "repair", "tcvn3_decode", "tcvn3_encode", "vni_decode", "vni_encode",
           "viqr_decode", "viqr_encode", "cp1258_decode", "cp1258_encode", "vietnamese_score", "TRIED"]

TRIED = ("UTF-8", "UTF-16", "TCVN3", "VNI", "VIQR", "CP1258")


class LegacyError(ValueError):
    """Text in no encoding we can read with confidence; the message says what was tried."""


# -- TCVN3 (TCVN 5712:1993, VN3): one byte per letter, lower case only; capitals with a tone mark are the
# same codes in a ".VnTimeH"-style capitals font.
_TCVN3_ROWS = {
    "ă": "¨»¼½¾Æ", "â": "©ÇÈÉÊË", "ê": "ªÒÓÔÕÖ", "ô": "«åæçèé", "ơ": "¬êëìíî", "ư": "\xadõö÷øù",
    "a": "aµ¶·¸¹", "e": "eÌÎÏÐÑ", "i": "i×ØÜÝÞ", "o": "oßáâãä", "u": "uïñòóô", "y": "yúûüýþ",
}  # each row: no tone, grave, hook, tilde, acute, dot below (the order of the code chart)
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # same order
_TCVN3_CAPS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§", "đ": "®"}


def _toned(base: str, tone: int) -> str:
    return unicodedata.normalize("NFC", base + _TONES[tone])


def _tcvn3_table() -> dict[str, str]:
    """Unicode letter -> the cp1252 character of its TCVN3 byte."""
    table = dict(_TCVN3_CAPS)
    for base, glyphs in _TCVN3_ROWS.items():
        for tone, glyph in enumerate(glyphs):
            if glyph != base:
                table[_toned(base, tone)] = glyph
    return table


_TCVN3 = _tcvn3_table()
_TCVN3_BYTE = {ord(g.encode("latin-1")): u for u, g in _TCVN3.items()}


_TCVN3_READ = {b: _TCVN3_BYTE.get(b) or bytes([b]).decode("cp1252", "replace") for b in range(256)}


def tcvn3_decode(data: bytes, capitals: bool = False) -> str:
    """TCVN3 bytes as Unicode; ``capitals`` for text set in a capitals font (.VnTimeH), where the lower-case
    codes show capitals. Bytes the standard leaves free read as cp1252."""
    out = data.decode("latin-1").translate(_TCVN3_READ)  # one code point per byte, then the table
    return out.upper() if capitals else out


def tcvn3_encode(text: str) -> bytes:
    """Unicode to TCVN3; a capital with a tone mark has no code and raises (write it in a capitals font)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3:
            out += _TCVN3[ch].encode("latin-1")
            continue
        code = ch.encode("cp1252", "replace") if not ch.isascii() else ch.encode()
        if code == b"?" and ch != "?" or code[0] in _TCVN3_BYTE:  # a letter TCVN3 lacks, or its code is a letter's
            raise ValueError(f"TCVN3 has no code for {ch!r}")
        out += code  # punctuation the free codes hold as in cp1252 (“ ” – …)
    return bytes(out)


# -- VNI (VNI-Windows fonts): a plain vowel followed by a mark glyph; the glyphs are read as cp1252.
_VNI_PLAIN_TONE = "øûõùï"  # grave, hook, tilde, acute, dot below after a, e, o, u, y, ơ, ư
_VNI_HAT_TONE = "àåãáä"  # after a hat (â ê ô)
_VNI_BREVE_TONE = "èúüéë"  # after ă
_VNI_LETTERS = {"ơ": "ô", "ư": "ö", "đ": "ñ", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î"}
_VNI_HATS = {"â": "aâ", "ê": "eâ", "ô": "oâ", "ă": "aê"}


def _vni_table() -> dict[str, str]:
    table = dict(_VNI_LETTERS)
    for base in "aeouy" + "ơư":
        for tone, glyph in enumerate(_VNI_PLAIN_TONE, 1):
            if (base, tone) not in (("y", 5),):  # ỵ has a letter of its own
                table[_toned(base, tone)] = table.get(base, base) + glyph
    for hat, spelled in _VNI_HATS.items():
        table[hat] = spelled
        glyphs = _VNI_BREVE_TONE if hat == "ă" else _VNI_HAT_TONE
        for tone, glyph in enumerate(glyphs, 1):
            table[_toned(hat, tone)] = spelled[0] + glyph  # the tone glyph carries the hat or breve
    for lower, spelled in list(table.items()):  # capitals: the same glyphs in upper case
        upper = lower.upper()
        if upper != lower:
            table[upper] = spelled.upper()
    return table


_VNI = _vni_table()
_VNI_DECODE = sorted(((v, k) for k, v in _VNI.items()), key=lambda p: -len(p[0]))
_VNI_PATTERN = re.compile("|".join(re.escape(v) for v, _ in _VNI_DECODE))
_VNI_MAP = dict(_VNI_DECODE)


_VNI_MARKS = "".join(sorted({c for v in _VNI_MAP for c in v[1:]} | {c.upper() for v in _VNI_MAP for c in v[1:]}))
_VNI_QUICK = re.compile(f"[{''.join(sorted({v[0] for v in _VNI_MAP}))}][{_VNI_MARKS}]{{1,2}}"
                        f"|[{''.join(sorted(v for v in _VNI_MAP if len(v) == 1))}]")


def vni_decode(data: bytes | str) -> str:
    """VNI bytes (or their cp1252 reading) as Unicode; the longest spelling wins ("oá" -> "ố", "ôù" -> "ớ")."""
    text = data.decode("cp1252", "replace") if isinstance(data, bytes) else data

    def one(m: re.Match) -> str:
        found = _VNI_MAP.get(m.group())
        return found if found is not None else _VNI_PATTERN.sub(lambda n: _VNI_MAP[n.group()], m.group())

    return _VNI_QUICK.sub(one, text)


def vni_encode(text: str) -> bytes:
    return "".join(_VNI.get(ch, ch) for ch in unicodedata.normalize("NFC", text)).encode("cp1252")


# -- VIQR (RFC 1456): ASCII marks after the vowel: ( breve, ^ hat, + horn, ' ` ? ~ . tones, dd for đ.
_VIQR_MODS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
_VIQR_TONES = dict(zip(_TONES[1:], "`?~'.", strict=True))
_VIQR_WORD = re.compile(r"\\([(^+`?~'.\\])|([AaEeIiOoUuYy])([(^+])?([`?~'.])?(?=([A-Za-z]?))|([Dd])([Dd])")
_VIQR_MARKS = "(^+`?~'."
_VIQR_HINT = re.compile(r"[AaEeOoUu][(^+]|[AaEeIiOoUuYy][`'~](?=[a-z\s])|\b[Dd][Dd][a-z]")


def viqr_decode(text: str) -> str:
    """VIQR text as Unicode. A mark escaped by a backslash ("\\.") is the character itself, as RFC 1456 has
    it; an unescaped "." or "?" after a vowel is a tone inside a word, before punctuation or before a
    lower-case word (the sentence goes on), and punctuation before a capital, a line end or the text's end —
    unless the text escapes its full stops, as the standard does: then every unescaped one is a tone."""
    escaped = re.search(r"\\[.?]", text) is not None

    def one(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)
        if m.group(6):
            return "Đ" if m.group(6) == "D" else "đ"
        vowel, mod, tone, after = m.group(2), m.group(3), m.group(4), m.group(5)
        combining = ""
        if mod:
            if vowel.lower() + mod not in ("a(", "a^", "e^", "o^", "o+", "u+"):  # not a Vietnamese letter
                return m.group()
            combining = {"(": "\u0306", "^": "\u0302", "+": "\u031b"}[mod]
        if tone and tone in ".?" and not after and not escaped and not _continues(m):
            return unicodedata.normalize("NFC", vowel + combining) + tone
        if tone:
            combining += {"`": "\u0300", "?": "\u0309", "~": "\u0303", "'": "\u0301", ".": "\u0323"}[tone]
        return unicodedata.normalize("NFC", vowel + combining)

    return _VIQR_WORD.sub(one, text)


def _continues(m: re.Match) -> bool:
    rest = m.string[m.end():m.end() + 3]
    return bool(re.match(r" [a-zđ]|[,;:!)\]*\"'”]", rest))


def viqr_encode(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("dd" if ch == "đ" else "DD")
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        mods = "".join(_VIQR_MODS[c] for c in marks if c in _VIQR_MODS)
        tones = "".join(_VIQR_TONES[c] for c in marks if c in _VIQR_TONES)
        if ch in _VIQR_MARKS + "\\" and out and (out[-1][-1:] in "AaEeIiOoUuYy" + _VIQR_MARKS):
            ch = "\\" + ch  # a literal mark after a vowel is escaped (RFC 1456)
        out.append(base + mods + tones if base in "AaEeIiOoUuYy" else ch)
    return "".join(out)


# -- CP1258: Python's codec, which yields combining tone marks; composed to NFC here.
def cp1258_decode(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258"))


def cp1258_encode(text: str) -> bytes:
    """As Windows writes it: a precomposed letter where cp1258 has one, else base + combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in parts if c in _TONES[1:])
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES[1:]))
            out += (base + tone).encode("cp1258")
    return bytes(out)


# -- detection: which reading gives Vietnamese syllables
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?")
_EDGE = "\"'“”‘’()[]{}.,;:!?…-–—/*%<>«»"


def _is_syllable(word: str) -> bool:
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONES[1:] for c in parts) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES[1:]))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_score(text: str, limit: int = 50_000) -> tuple[float, int]:
    """(share of words with a non-ASCII letter that are Vietnamese syllables, how many such words)."""
    words = [w.strip(_EDGE) for w in text[:limit].split()]
    marked = [w for w in words if w and not w.isascii()]
    if not marked:
        return 1.0, 0
    return sum(map(_is_syllable, marked)) / len(marked), len(marked)


SAMPLE = 50_000
GOOD, CLEAR = 0.8, 0.15  # a reading is taken when this share of its words are syllables, this far ahead


def _best(candidates: dict[str, str]) -> tuple[str, str] | None:
    scored = sorted(((vietnamese_score(t), name) for name, t in candidates.items()), key=lambda s: -s[0][0])
    (top, n), name = scored[0]
    if top < GOOD or n < 3:
        return None
    if len(scored) > 1 and top - scored[1][0][0] < CLEAR and candidates[scored[1][1]] != candidates[name]:
        raise LegacyError(f"the text reads as {name} or {scored[1][1]} equally well; save it as UTF-8")
    return name, candidates[name]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text in NFC, note): UTF-16 with BOM, UTF-8, VIQR in ASCII, else the best of TCVN3, VNI and CP1258.
    The note is empty for UTF-8/16 text. Raises ``LegacyError`` naming what was tried."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return unicodedata.normalize("NFC", data.decode("utf-16")), ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        if text.isascii() and len(_VIQR_HINT.findall(text)) >= max(3, len(text.split()) // 20):
            return unicodedata.normalize("NFC", viqr_decode(text)), "VIQR → Unicode"
        return repair(unicodedata.normalize("NFC", text))
    readers = {"TCVN3": tcvn3_decode, "VNI": lambda b: unicodedata.normalize("NFC", vni_decode(b)),
               "CP1258": cp1258_decode}
    sample = data[:SAMPLE]  # the readings are judged on a sample; the one chosen reads the whole file
    found = _best({name: read(sample) for name, read in readers.items()})
    if found is None:
        raise LegacyError("not UTF-8 or UTF-16 text, and no Vietnamese in any legacy reading "
                          f"(tried {', '.join(TRIED)}); save it as UTF-8")
    return (found[1] if len(data) <= SAMPLE else readers[found[0]](data)), f"{found[0]} → Unicode"


# Symbols that TCVN3 letters show as when their bytes are read as cp1252, inside a word: "ho¹ch", "c¸c".
_SYMBOLS = "¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾×÷"
_MOJIBAKE = re.compile(f"[A-Za-z][{_SYMBOLS}]|[{_SYMBOLS}][a-z]")


def _as_cp1252(text: str) -> bytes | None:
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        pass
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))  # the five bytes cp1252 leaves undefined were kept as latin-1
    return bytes(out)


def repair(text: str) -> tuple[str, str]:
    """Text re-saved through the wrong code page, put right when one reading is clearly Vietnamese:
    TCVN3 or VNI bytes read as cp1252 ("KÕ ho¹ch", "Keá hoaïch"), UTF-8 read as cp1252 ("Káº¿"). Returns
    (text, note); raises ``LegacyError`` for text that looks garbled and that no reading puts right."""
    score, n = vietnamese_score(text)
    raw = _as_cp1252(text) if n >= 5 else None  # None for real Vietnamese: it has letters beyond cp1252
    if raw is not None:
        candidates = {"TCVN3": tcvn3_decode(raw), "VNI": unicodedata.normalize("NFC", vni_decode(text))}
        try:
            candidates["UTF-8"] = unicodedata.normalize("NFC", raw.decode("utf-8"))
        except UnicodeDecodeError:
            pass
        found = _best(candidates)
        if found is not None and vietnamese_score(found[1])[0] >= score + CLEAR:
            return found[1], f"{found[0]} read as cp1252 (mojibake) → Unicode"
    if n >= 5 and score < 0.6 and len(_MOJIBAKE.findall(text)) >= max(3, n // 10):
        raise LegacyError(f"looks like Vietnamese re-saved through the wrong code page (mojibake: only {score:.0%} "
                          "of its accented words are Vietnamese) and no reading as TCVN3, VNI or UTF-8 puts it "
                          "right; open it with the right font or encoding and save it as UTF-8")
    return text, ""
