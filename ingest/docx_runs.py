"""The text of a Word paragraph as its reader sees it: tracked changes accepted (insertions kept, deletions
and moved-away text left out) and runs set in a legacy Vietnamese font converted to Unicode (.VnTime,
.VnArial… are TCVN3, .VnTimeH… its capitals fonts; VNI-Times, VNI-Helve… are VNI).

Word keeps such runs as the font's byte codes read as cp1252 characters, so "KÕ ho¹ch" in .VnTime is
"Kế hoạch" on screen.
"""

from __future__ import annotations

from collections import Counter

from docx.oxml.ns import qn

from .legacy import _as_cp1252, tcvn3_decode, vni_decode

_CONTAINERS = {qn(t) for t in ("w:ins", "w:hyperlink", "w:smartTag", "w:fldSimple", "w:customXml", "w:moveTo",
                               "w:sdt", "w:sdtContent", "w:dir", "w:bdo")}
_DROPPED = {qn("w:del"), qn("w:moveFrom")}
_RUN = qn("w:r")


def legacy_kind(font: str | None) -> str:
    """ "TCVN3", "TCVN3 capitals", "VNI" or "" for a font name."""
    name = (font or "").strip()
    if name.lower().startswith(".vn"):
        return "TCVN3 capitals" if name.endswith("H") else "TCVN3"
    if name.lower().startswith("vni"):
        return "VNI"
    return ""


def _runs(parent):
    for child in parent.iterchildren():
        if child.tag == _RUN:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _runs(child)


def _rfont(rpr) -> str | None:
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if fonts is None:
        return None
    return fonts.get(qn("w:hAnsi")) or fonts.get(qn("w:ascii"))


class Fonts:
    """The font of each run, from the run, its character style, the paragraph's style chain or the document
    defaults; and how many runs of each legacy encoding were converted."""

    def __init__(self, doc):
        self.styles = {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}
        default = doc.styles.element.find(qn("w:docDefaults"))
        rpr = default.find(qn("w:rPrDefault") + "/" + qn("w:rPr")) if default is not None else None
        self.default = _rfont(rpr)
        self.converted: Counter[str] = Counter()
        self._cache: dict[str | None, str | None] = {}

    def _style_font(self, style_id: str | None) -> str | None:
        if style_id not in self._cache:
            font, seen, sid = None, set(), style_id
            while sid and sid not in seen and font is None:
                seen.add(sid)
                style = self.styles.get(sid)
                if style is None:
                    break
                font = _rfont(style.find(qn("w:rPr")))
                based = style.find(qn("w:basedOn"))
                sid = based.get(qn("w:val")) if based is not None else None
            self._cache[style_id] = font
        return self._cache[style_id]

    def of(self, run, paragraph_style: str | None) -> str | None:
        rpr = run.find(qn("w:rPr"))
        font = _rfont(rpr)
        if font is None and rpr is not None and rpr.find(qn("w:rStyle")) is not None:
            font = self._style_font(rpr.find(qn("w:rStyle")).get(qn("w:val")))
        return font or self._style_font(paragraph_style) or self.default


def _convert(text: str, kind: str) -> str:
    raw = _as_cp1252(text)
    if raw is None:  # already Unicode beyond cp1252: typed in the font but not in its encoding
        return text
    if kind == "VNI":
        return vni_decode(text)
    return tcvn3_decode(raw, capitals=kind == "TCVN3 capitals")


def paragraph_text(p, fonts: Fonts) -> str:
    """The paragraph element's text, changes accepted, legacy-font runs converted."""
    ppr = p.find(qn("w:pPr"))
    pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
    style_id = pstyle.get(qn("w:val")) if pstyle is not None else None
    parts = []
    for r in _runs(p):
        text = r.text
        kind = legacy_kind(fonts.of(r, style_id)) if text else ""
        if kind and (not text.isascii() or kind == "TCVN3 capitals"):  # ASCII in a capitals font shows capitals
            fonts.converted[kind.split()[0]] += 1
            text = _convert(text, kind)
        parts.append(text)
    return "".join(parts)


def tracked_changes(body) -> bool:
    return next(body.iter(qn("w:ins"), qn("w:del"), qn("w:moveFrom")), None) is not None
