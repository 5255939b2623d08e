"""Vietnam's administrative units, and the places a text names.

Plans from every province, city, district and commune restate the same central text; what tells them
apart is the locality. The data (``data/gazetteer.json``, sources in ``data/README.md``) holds every
provincial-level unit of 2024 (63) and after the reorganisation of 1 July 2025 (34, Resolution
202/2025/QH15), with the merges between them, and a partial list of district- and commune-level units.

- ``find_places(text)``: the place mentions in free text (questions or documents), with their spans;
- ``expand(place)``: the place with its predecessors, successor and parent, for searching across the merger;
- ``locality_of(header)``: the locality that issued a plan, read from its header; None when it says none.

Matching rules (``find_places``)
--------------------------------
Text and names are compared syllable by syllable, after ``vntext.normalize.normalize`` and lower-casing:

- a span written with diacritics must match a name's diacritics exactly ("diễn biến" is not "Điện Biên");
  a span written without any is compared accent-free (``fold``): "dong nai" is Đồng Nai;
- a unit word before the name is optional and belongs to the match: "tỉnh", "thành phố", "TP", "TP.",
  "thủ đô", "thị xã", "TX", "huyện", "quận", "xã", "phường", "thị trấn", "đặc khu" (``unit_words`` in the
  data). A party committee before it ("Tỉnh ủy", "Thành ủy", "Thị ủy", "Huyện ủy"; ``body_words``) tells
  the level too, but is not part of the place's span;
- the longest name wins ("Thừa Thiên Huế" over "Huế", "Điện Biên Phủ" over "Điện Biên"); a match never
  starts or ends inside a word, and its syllables are separated only by spaces or a dash ("Bà Rịa - Vũng
  Tàu", "BR-VT"), a dot only after "TP"/"TX"/"TT" ("TP.HCM"), a line break only in a match that starts
  with a unit word ("tỉnh Bắc⏎Giang"; "Hà⏎Nội dung" is no match);
- names that are also ordinary words (the ``ambiguous`` lists of the data) need more than their letters:
  ``prefix_always``: a unit word of the right kind in any spelling ("Hồ Chí Minh" alone is the President:
  "tư tưởng Hồ Chí Minh"; "TP Hồ Chí Minh", "TP.HCM", "HCM", "Sài Gòn" are the city);
  ``prefix_or_capitals``: a unit word of the right kind, or capitals on every syllable ("hòa bình" is
  peace, "Hòa Bình" or "tỉnh hòa bình" the province; also Thái Bình, Cao Bằng, Hải Dương, Bình Định);
  ``unaccented_prefix_or_capitals``: the same, but only when written without diacritics, where the name
  reads as another word ("dien bien" may be "diễn biến", "da nang" "đa năng", "hai phong" "hai phòng",
  "ha nam", "long an", "hue", "bien hoa" "biến hóa", "lam dong" "làm đồng"): "tinh long an",
  "tp da nang" or "Da Nang" match, bare "da nang" does not;
  ``unaccented_not_after``: accent-free "gia lai" is not the province after "tham" ("tham gia lai");
- phrases that contain a name but are not places (``not_places``: "Thái Bình Dương", the Pacific) are
  skipped whole, and a name right after a capitalised surname ("Nguyễn Hải Dương") is a person's name;
- a unit word picks among units of the same name ("thành phố Biên Hòa", "phường Biên Hòa"); without one
  the higher level wins (the province, then the district). Two units of the same name and level are
  told apart by the province the rest of the text names, else left out;
- a unit word of a kind no unit of that name has is a unit the gazetteer lacks, and nothing is matched
  there: "thành phố Bắc Giang" (the city, not the province), "huyện Quảng Ninh" (in Quảng Bình), "xã Hòa
  Bình", "Thị ủy Quảng Trị". Only a unit word written with its diacritics (or "TP", "TX") binds so: an
  accent-free "tinh", "xa", "quan" may be "tính", "xa", "quân" ("co quan ha noi" still names Hà Nội).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from vntext.normalize import fold, normalize

__all__ = [
    "DATA", "Place", "Match", "Related", "Locality", "places", "provinces_2024", "provinces_2025", "get",
    "parent_of", "find_places", "expand", "locality_of", "read_locality",
]

DATA = Path(__file__).resolve().parent / "data" / "gazetteer.json"
LEVELS = ("province", "district", "commune")  # cấp tỉnh, cấp huyện, cấp xã

_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_ABBREVIATIONS = frozenset({"tp", "tx", "tt"})  # may be followed by a dot: "TP.HCM", "TX. Đức Phổ"
_GAP = re.compile(r"[ \t\u00a0*_]*(?:[-–—][ \t\u00a0*_]*)?")
_GAP_LINE = re.compile(r"[ \t\u00a0*_]*\n[ \t\u00a0*_]*")
_GAP_DOT = re.compile(r"\.[ \t\u00a0]*")
_GAP_SPACE = re.compile(r"[ \t\u00a0]+")
# Capitalised syllables that make the name after them a person's: "Nguyễn Hải Dương", "Trần Thái Bình"
# (surnames, and the middle names Văn and Thị), with their diacritics: "Do Hà Nội …" is "because".
_NAME_WORDS = frozenset(normalize(w) for w in (
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn trương lâm mai trịnh "
    "lương tạ lưu quách kiều văn thị").split())


@dataclass(frozen=True)
class Place:
    """One administrative unit. ``parent``, ``successor`` and ``predecessors`` are keys (see ``key``)."""

    name: str  # "Đồng Nai", "Biên Hòa"
    kind: str  # tỉnh, thành phố, thị xã, huyện, quận, xã, phường, thị trấn, đặc khu
    level: str  # province, district, commune
    parent: str | None = None  # the province (or district) it belongs to
    successor: str | None = None  # for a province merged (or renamed) on 1 July 2025: the unit it became part of
    predecessors: tuple[str, ...] = ()  # for a province formed in 2025: the other 2024 units merged into it
    status: str = "current"  # current; merged / renamed (2024 provinces); former (units gone in 2025)
    in_2024: bool = False  # one of the 63 provincial units of 2024 (provinces only)
    code: str = ""  # General Statistics Office code: from 1 July 2025 for current provinces, else the last one
    code_2024: str = ""  # the GSO code of a 2024 province (Decision 124/2004/QĐ-TTg)
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The name for a province; below it, the parent's key and the full name: "Đồng Nai/thành phố Biên Hòa"
        (names repeat across provinces, and across levels: "Đồng Nai/phường Biên Hòa")."""
        return self.name if self.parent is None else f"{self.parent}/{self.full_name}"

    @property
    def full_name(self) -> str:
        """ "tỉnh Đồng Nai", "thành phố Biên Hòa"."""
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Match:
    """A place named in a text: ``text[start:end]`` (the unit word included, a party committee not)."""

    start: int
    end: int
    text: str
    place: Place
    unit: str = ""  # the kind of the unit word before the name: "tỉnh" for "tỉnh", "thành phố" for "TP."
    body: str = ""  # the committee before it: "tỉnh ủy", "thị ủy"


@dataclass(frozen=True)
class Related:
    place: Place
    relation: str  # self, predecessor, successor, parent


@dataclass(frozen=True)
class Locality:
    """The locality that issued a plan, with what told it."""

    place: Place
    parent: Place | None
    source: str  # header, issuer, date, scope
    match: Match
    within: bool = False  # the issuer is a unit inside ``place`` that the header names in no way known here


class _Tok(NamedTuple):
    start: int
    end: int
    surface: str
    norm: str  # normalised, lower-cased
    folded: str  # and accent-free

    @property
    def accented(self) -> bool:
        return self.norm != self.folded

    @property
    def capitalised(self) -> bool:
        return self.surface[:1].isupper() and self.surface[1:] == self.surface[1:].lower()


@lru_cache(maxsize=65536)
def _forms(word: str) -> tuple[str, str]:
    norm = normalize(word.replace("Ð", "Đ").replace("ð", "đ")).lower()  # Ð (eth) stands in for Đ in some PDFs
    return norm, fold(norm)


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group(), *_forms(m.group())) for m in _WORD.finditer(text)]


def _key(form: str) -> tuple[str, ...]:
    return tuple(t.norm for t in _tokens(form))


class _Data:
    """The gazetteer's units and the lookup tables built from them (loaded once, see ``_data``)."""

    def __init__(self, raw: dict):
        self.places: list[Place] = []
        for level, section in (("province", "provinces"), ("district", "districts"), ("commune", "communes")):
            self.places.extend(_place(entry, level) for entry in raw.get(section, []))
        self.by_key = {p.key: p for p in self.places}
        self.names: dict[str, list[Place]] = {}
        self.accented: dict[tuple, list[tuple[Place, tuple]]] = {}
        self.folded: dict[tuple, list[tuple[Place, tuple]]] = {}
        for p in self.places:
            self.names.setdefault(normalize(p.name).lower(), []).append(p)
            for form in dict.fromkeys((p.name, *p.aliases)):
                k = _key(form)
                self.accented.setdefault(k, []).append((p, k))
                self.folded.setdefault(tuple(fold(s) for s in k), []).append((p, k))
        self.longest = max(len(k) for k in self.accented)
        self.units = _words(raw["unit_words"], lambda kind: frozenset({kind}))
        self.bodies = _words({b: [b] for b in raw["body_words"]}, lambda b: frozenset(raw["body_words"][b]))
        self.not_places = {}
        for f in raw.get("not_places", []):
            k = _key(f)
            self.not_places[k] = self.not_places[tuple(fold(s) for s in k)] = f
        amb = raw.get("ambiguous", {})
        self.prefix_always = {_key(f) for f in amb.get("prefix_always", [])}
        self.prefix_or_capitals = {_key(f) for f in amb.get("prefix_or_capitals", [])}
        self.unaccented = {_key(f) for f in amb.get("unaccented_prefix_or_capitals", [])}
        self.not_after = {_key(f): {fold(normalize(w).lower()) for w in ws}
                          for f, ws in amb.get("unaccented_not_after", {}).items()}
        # Every beginning of a key: a scan stops as soon as the tokens begin none.
        self.key_starts = {k[:n] for table in (self.accented, self.folded, self.units, self.bodies, self.not_places)
                           for k in table for n in range(1, len(k) + 1)}


def _place(e: dict, level: str) -> Place:
    own = e["name"]
    return Place(
        name=own, kind=e["kind"], level=level, parent=e.get("parent"), successor=e.get("successor"),
        predecessors=tuple(p for p in e.get("formed_from", []) if p != own), status=e.get("status", "current"),
        in_2024=bool(e.get("in_2024", False)), code=e.get("code") or e.get("code_2024", ""),
        code_2024=e.get("code_2024", ""),
        aliases=tuple(e.get("aliases", [])),
    )


def _words(table: dict, kinds) -> dict[tuple, tuple[str, frozenset]]:
    """Accented and accent-free syllable keys of unit (or committee) words → (label, kinds they announce)."""
    out = {}
    for label, forms in table.items():
        for form in forms:
            k = _key(form)
            out[k] = out[tuple(fold(s) for s in k)] = (label, kinds(label))
    return out


@lru_cache(maxsize=1)
def _data() -> _Data:
    return _Data(json.loads(DATA.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- lookups


def places(level: str | None = None) -> tuple[Place, ...]:
    """Every unit of the gazetteer (of one level: "province", "district", "commune")."""
    return tuple(p for p in _data().places if level is None or p.level == level)


def provinces_2024() -> tuple[Place, ...]:
    """The 63 provinces and centrally-run cities of 2024, before the reorganisation."""
    return tuple(p for p in places("province") if p.in_2024)


def provinces_2025() -> tuple[Place, ...]:
    """The 34 provincial-level units from 1 July 2025."""
    return tuple(p for p in places("province") if p.status == "current")


def get(name: str) -> Place | None:
    """The unit called ``name`` ("Bắc Ninh", "Đồng Nai/thành phố Biên Hòa", or any form ``find_places`` knows:
    "TP.HCM", "tinh dong nai"); the higher level when several share the name; None if unknown."""
    d = _data()
    if name in d.by_key:
        return d.by_key[name]
    same = d.names.get(normalize(name.strip()).lower())
    if same:
        return min(same, key=lambda p: LEVELS.index(p.level))
    found = find_places(name)
    whole = name.strip(" \t\n.,;:")
    if len(found) == 1 and found[0].text == whole:
        return found[0].place
    return None


def parent_of(place: Place) -> Place | None:
    return _data().by_key.get(place.parent) if place.parent else None


def expand(place: Place | str) -> list[Related]:
    """The place, then what a search about it should take in: the 2024 units merged into it (predecessor),
    the 2025 unit it was merged into (successor), the province it belongs to (parent)."""
    p = place if isinstance(place, Place) else get(place)
    if p is None:
        raise KeyError(place)
    d = _data()
    out = [Related(p, "self")]
    out += [Related(d.by_key[k], "predecessor") for k in p.predecessors if k in d.by_key]
    if p.successor in d.by_key:
        out.append(Related(d.by_key[p.successor], "successor"))
    if p.parent in d.by_key:
        out.append(Related(d.by_key[p.parent], "parent"))
    return out


# ---------------------------------------------------------------- finding places in text


class _Candidate(NamedTuple):
    end: int  # token index after the name
    prefixed: bool
    first: int  # token index of the name
    plen: int  # tokens of the unit word or committee before it
    entries: list  # (Place, alias key)
    label: str  # unit word ("tỉnh") or committee ("tỉnh ủy")
    kinds: frozenset
    is_body: bool
    firm: bool  # the unit word or committee is written with its diacritics (or is "TP", "TX"): it binds

    def blocked(self) -> bool:
        """A firm unit word of another kind than every unit of that name: "thành phố Bắc Giang", "huyện
        Quảng Ninh", "xã Hòa Bình" name lower units the gazetteer lacks, not the provinces."""
        return self.prefixed and self.firm and not any(p.kind in self.kinds for p, _ in self.entries)


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.d = _data()

    def gap_ok(self, a: int, line_ok: bool = False) -> bool:
        """May tokens ``a`` and ``a + 1`` belong to one name (or unit word and name)?"""
        gap = self.text[self.toks[a].end:self.toks[a + 1].start]
        if _GAP.fullmatch(gap):
            return True
        if self.toks[a].norm in _ABBREVIATIONS and _GAP_DOT.fullmatch(gap):
            return True
        return line_ok and bool(_GAP_LINE.fullmatch(gap))

    def lookup(self, table: dict, i: int, n: int):
        """``table``'s entry for tokens i..i+n (accented key if any of them carries diacritics)."""
        span = self.toks[i:i + n]
        if any(t.accented for t in span):
            return table.get(tuple(t.norm for t in span))
        return table.get(tuple(t.folded for t in span))

    def hits(self, table: dict, i: int, line_ok: bool, folded: dict | None = None) -> list[tuple[int, object]]:
        """(tokens, entry) of the keys that the tokens from ``i`` spell, shortest first: of ``table``, or of
        ``folded`` for tokens written without diacritics when it is given."""
        out, n = [], 0
        while i + n < len(self.toks) and n < self.d.longest:
            if n and not self.gap_ok(i + n - 1, line_ok):
                break
            n += 1
            span = self.toks[i:i + n]
            accented = any(t.accented for t in span)
            key = tuple(t.norm for t in span) if accented else tuple(t.folded for t in span)
            if key not in self.d.key_starts:
                break
            entry = (table if accented or folded is None else folded).get(key)
            if entry:
                out.append((n, entry))
        return out

    def prefixes(self, i: int) -> list[tuple[int, str, frozenset, bool, bool]]:
        """(tokens, label, kinds, is committee, firm) of the unit words or committees starting at ``i``.
        An accent-free "tinh", "xa", "quan" may be "tính", "xa", "quân": only a written one binds."""
        out = []
        for table, is_body in ((self.d.units, False), (self.d.bodies, True)):
            for n in (1, 2):
                if i + n <= len(self.toks) and (n == 1 or self.gap_ok(i)):
                    hit = self.lookup(table, i, n)
                    if hit:
                        span = self.toks[i:i + n]
                        firm = any(t.accented for t in span) or span[0].norm in _ABBREVIATIONS
                        out.append((n, hit[0], hit[1], is_body, firm))
        return out

    def candidates(self, i: int) -> list[_Candidate]:
        out = []
        options = [(0, "", frozenset(), False, False), *self.prefixes(i)]
        for plen, label, kinds, is_body, firm in options:
            j = i + plen
            if j >= len(self.toks) or (plen and not self.gap_ok(j - 1, line_ok=True)):
                continue
            for n, entries in self.hits(self.d.accented, j, plen > 0, self.d.folded):
                out.append(_Candidate(j + n, plen > 0, j, plen, entries, label, kinds, is_body, firm))
        out.sort(key=lambda c: (-c.end, not c.prefixed))
        return out

    def allowed(self, c: _Candidate, place: Place, alias: tuple) -> bool:
        """The ambiguity rules of the module docstring, for one name at one place."""
        span = self.toks[c.first:c.end]
        accented = any(t.accented for t in span)
        capitals = all(t.capitalised for t in span)
        prefixed = c.prefixed and place.kind in c.kinds
        if alias in self.d.prefix_always and not prefixed:
            return False
        if alias in self.d.prefix_or_capitals and not (prefixed or capitals):
            return False
        if not accented and alias in self.d.unaccented and not (prefixed or capitals):
            return False
        if c.prefixed or c.first == 0:
            return True
        before = self.toks[c.first - 1]
        adjacent = bool(_GAP_SPACE.fullmatch(self.text[before.end:span[0].start]))
        if not accented and before.folded in self.d.not_after.get(alias, ()):
            return False
        return not (adjacent and before.capitalised and before.norm in _NAME_WORDS)

    def choose(self, c: _Candidate) -> list[Place]:
        """The units a candidate may name after the rules: the unit word's kind first, then the highest level."""
        ok = list(dict.fromkeys(p for p, alias in c.entries if self.allowed(c, p, alias)))
        if c.prefixed:
            ok = [p for p in ok if p.kind in c.kinds]
        if not ok:
            return []
        top = min(LEVELS.index(p.level) for p in ok)
        return [p for p in ok if LEVELS.index(p.level) == top]

    def not_place(self, i: int) -> int:
        """Tokens of a phrase at ``i`` that contains a name but is no place ("Thái Bình Dương"), else 0."""
        found = self.hits(self.d.not_places, i, False)
        return found[-1][0] if found else 0

    def scan(self) -> list[tuple[_Candidate, list[Place]]]:
        found, i = [], 0
        while i < len(self.toks):
            if (self.toks[i].norm,) not in self.d.key_starts:  # accent-free tokens: norm is folded
                i += 1
                continue
            skip = self.not_place(i)
            if skip:
                i += skip
                continue
            for c in self.candidates(i):
                chosen = self.choose(c)
                if chosen or c.blocked():
                    found += [(c, chosen)] if chosen else []
                    i = c.end - 1
                    break
            i += 1
        return found

    def match(self, c: _Candidate, place: Place) -> Match:
        start = self.toks[c.first if c.is_body else c.first - c.plen].start
        end = self.toks[c.end - 1].end
        return Match(start, end, self.text[start:end], place, "" if c.is_body else c.label,
                     c.label if c.is_body else "")


def find_places(text: str) -> list[Match]:
    """The places ``text`` names, in order (rules in the module docstring)."""
    sc = _Scanner(text)
    found = sc.scan()
    sure = {p.key for _, ps in found if len(ps) == 1 for p in ps}
    sure |= {p.parent for _, ps in found if len(ps) == 1 for p in ps if p.parent}
    out = []
    for c, ps in found:
        if len(ps) > 1:
            ps = [p for p in ps if p.parent in sure]
        if len(ps) == 1:
            out.append(sc.match(c, ps[0]))
    return out


# ---------------------------------------------------------------- the issuing locality of a plan

_SOURCES = ("header", "issuer", "date", "scope")
_LETTER = re.compile(r"[^\W\d_]")
_BODY_BEFORE = re.compile(r"(?:đảng bộ|ủy ban nhân dân|ubnd|hội đồng nhân dân|hđnd|\bủy)[\s*_#]*$")
_REFERENCE = re.compile(r"\b(?:của|do|theo|căn cứ)\b")
_ISSUES = re.compile(r"^[\s*_]*(?:đã\s+)?(?:ban hành|xây dựng|thông qua)\b")
_DATE_AFTER = re.compile(r"^[\s*_]*,\s*ngày\b")
_SCOPE_BEFORE = re.compile(r"trên địa bàn[\s*_]*$")
_DATE_LINE = re.compile(r"^[\s*_#>]*((?:[^\W\d_]+[ \t]+){0,4}[^\W\d_]+)[*_]*\s*,\s*ngày\b", re.MULTILINE)
# A committee or council below the provincial level in the header block: "HUYỆN ỦY SƠN TỊNH", or "THÀNH ỦY"
# unnamed under "ĐẢNG BỘ TỈNH …" ("ĐẢNG ỦY KHỐI …" is the province's own).
_LOWER_BODY = re.compile(
    r"^[\W_]*(?:(thành|thị|huyện|quận) ủy|đảng ủy(?:\s+(xã|phường|thị trấn|đặc khu)\b|[\W_]*$)"
    r"|(?:ủy ban nhân dân|ubnd|hội đồng nhân dân|hđnd)\s+(thành phố|thị xã|huyện|quận|xã|phường|thị trấn|đặc khu)\b)")
_BODY_KIND = {"thành": "thành phố", "thị": "thị xã", "huyện": "huyện", "quận": "quận", None: "xã"}


def _norm(s: str) -> str:
    return normalize(s).lower()


def _source(text: str, m: Match) -> str | None:
    """How a match tells the issuing locality: header block, issuing sentence, place-and-date line,
    "trên địa bàn …"; None when it is a mere mention (another body's plan, a neighbouring province)."""
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = _norm(text[line_start:m.start]), _norm(text[m.end:line_end])
    if not _LETTER.search(before) and line_start:  # "ỦY BAN NHÂN DÂN / TỈNH ĐỒNG NAI" on two lines
        before = _norm(text[text.rfind("\n", 0, line_start - 1) + 1:m.start])
    clause = re.split(r"[.;:]\s", before)[-1]  # what the sentence says before the place
    if m.body or _BODY_BEFORE.search(before):
        if _REFERENCE.search(clause):
            return None
        line = text[line_start:line_end]
        if not any(c.islower() for c in line) or (not _LETTER.search(after) and len(line) <= 80):
            return "header"
        return "issuer" if _ISSUES.search(after) else None
    if _DATE_AFTER.search(after) and not any(c.islower() for c in text[line_start:m.start]):
        return "date"
    if _SCOPE_BEFORE.search(before):
        return "scope"
    return None


def _unknown_date_place(text: str, matches: list[Match]) -> bool:
    """Does the place-and-date line name a place the gazetteer does not know ("Long Khánh, ngày …")?"""
    for dm in _DATE_LINE.finditer(text):
        words = dm.group(1).split()
        if all(w[:1].isupper() for w in words) and not any(dm.start(1) <= m.start < dm.end(1) for m in matches):
            return True
    return False


def _lower_body(header: str, province: Place) -> bool:
    """Does the header block (its lines in capitals) carry a committee or council below ``province``?"""
    for line in header.splitlines():
        m = None if any(c.islower() for c in line) else _LOWER_BODY.match(_norm(line))
        if m and (m.group(3) or m.group(2) or _BODY_KIND[m.group(1)]) != province.kind:
            return True
    return False


def _pick(header: str, found: dict[str, list[Match]], matches: list[Match]) -> tuple[Match, str, bool] | None:
    if found["header"]:
        best = max(found["header"], key=lambda m: LEVELS.index(m.place.level))
        if best.place.level != "province" or not _lower_body(header, best.place):
            return best, "header", False
        lower = [m for m in found["issuer"] + found["date"] if m.place.parent == best.place.key]
        if lower:
            return lower[0], ("issuer" if lower[0] in found["issuer"] else "date"), False
        return best, "header", True
    if _unknown_date_place(header, matches):
        found["scope"] = []
    source = next((s for s in _SOURCES[1:] if found[s]), None)
    return (found[source][0], source, False) if source else None


def read_locality(header: str) -> Locality | None:
    """The locality that issued the plan whose header (the text before its first section) is ``header``.

    Evidence, strongest first: the header block ("ĐẢNG BỘ TỈNH BẮC GIANG", "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI",
    "THÀNH ỦY BIÊN HÒA": the lowest level it names), the issuing sentence ("Thị ủy Đức Phổ ban hành …", not
    "… của Tỉnh ủy Quảng Ngãi"), the place-and-date line ("Đồng Nai, ngày …"; a district's names the district
    town), "trên địa bàn …". A header naming the province above a lower committee ("ĐẢNG BỘ TỈNH ĐỒNG NAI /
    THÀNH ỦY", "… / HUYỆN ỦY SƠN TỊNH") takes the issuing sentence's or date line's unit in that province;
    when there is none the plan comes from a unit the gazetteer cannot name, and the result says so
    (``within``). "Trên địa bàn" is not used when the date line names a place the gazetteer lacks
    ("Long Khánh, ngày …"). None when the header names no locality: nothing is guessed."""
    matches = find_places(header)
    found: dict[str, list[Match]] = {s: [] for s in _SOURCES}
    for m in matches:
        source = _source(header, m)
        if source:
            found[source].append(m)
    picked = _pick(header, found, matches)
    if picked is None:
        return None
    best, source, within = picked
    return Locality(best.place, parent_of(best.place), source, best, within)


def locality_of(header: str) -> Place | None:
    """The issuing locality of a plan from its header (``read_locality``), None when the header names none or
    only the province above an issuer it does not name; the place's ``parent`` names its province."""
    loc = read_locality(header)
    return loc.place if loc and not loc.within else None

