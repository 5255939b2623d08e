"""A library of many localities made from the five bundled plans, with questions and their ground truth.

Every province, district and city issues its own plan for the same resolution, restating the central text
almost word for word; what tells them apart is the locality and the figures of the targets. ``make(seed)``
re-issues the bundled plans for other localities drawn from the gazetteer (``ingest.gazetteer``):

- a plan of a district-level unit (Biên Hòa's, Đức Phổ's) for another district-level unit, a province's plan
  (Đồng Nai's, Bắc Giang's) for another province, the city plan naming no place (Kết luận 92) for another
  centrally-run city; some issuers under their pre-2025 names (Hà Giang, Thừa Thiên Huế), dated before
  1 July 2025, some under the name of a province formed in 2025, dated after;
- the header block, number, date and place-and-date line are the issuer's own ("ĐẢNG BỘ TỈNH LẠNG SƠN /
  TỈNH ỦY", "ỦY BAN NHÂN DÂN / TỈNH CAO BẰNG", "THÀNH ỦY ĐIỆN BIÊN PHỦ" under its province), and every
  mention of the original's locality and of its province in the text becomes the issuer's ("trên địa bàn
  tỉnh Đồng Nai" → "trên địa bàn tỉnh Lạng Sơn", "Tỉnh ủy Quảng Ngãi" → "Tỉnh ủy Điện Biên"), with the unit
  words when the kind differs ("Thị ủy" → "Thành ủy"); the signer is another name;
- target figures are shifted: percentages by a few points (100% stays), counts of people, homes, beds,
  classes, hectares scaled by 0.8–1.25; each change recorded with its place in both texts.

Each locality belongs to one family (a province of 2025 with the 2024 provinces merged into it and the units
inside them), and no family holds two issuers nor an original plan, so the answer to a question about one
place is unambiguous. Every variant keeps its offset map to the original: any span of it maps back to the
original passage it came from (the ground truth of ``eval.locality_eval``).

Questions (``questions``) are the bundled questions (``eval/questions.jsonl``; numeric, unaccented, typo and
abbreviation ones, gold in one plan) whose gold quote holds a figure the variant shifted, asked for the variant's locality in the forms staff type: "tỉnh Lạng Sơn",
"Lạng Sơn", without diacritics, "TP HCM", "Huế", the 2025 name for a plan issued under the old one. The
gold is the variant's own sentence (the original quote's span in the variant). The same questions with no
place ("no_place") measure how many different answers the first ten results hold.

Deterministic: the same seed, bundled plans and gazetteer give the same library, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

import ingest
from ingest import Document, gazetteer
from ingest.gazetteer import Place
from vntext.normalize import fold

from .relevance import Question, load_questions, locate

__all__ = ["Issuer", "Change", "Variant", "Library", "make", "write", "load", "questions", "family",
           "DEFAULT_LOCALITIES"]

DEFAULT_LOCALITIES = 10
DEFAULT_MAX_PASSAGES = 750
OLD_NAMES = 0.5  # share of provinces issuing under their pre-2025 name
TWO_PLANS = 0.3  # share of provinces re-issuing both province plans
SOURCE_KINDS = ("numeric", "no_diacritics", "typo", "abbreviation")  # bundled questions asking for one plan's words
EXCLUDED_FAMILIES = ("Đà Nẵng",)  # 002 (Kết luận 92, Thành ủy) is Đà Nẵng's, though its text names no place
_TITLE = re.compile(r"^[\W_]*(?:DỰ THẢO[\W_]*)?(?:KẾ HOẠCH|CHƯƠNG TRÌNH)", re.MULTILINE)
_DRAFT = re.compile(r"DỰ THẢO")
_NUM = r"\d+(?:,\d+)?"
_PERCENT = re.compile(rf"(?<![\d,.])({_NUM})(?:(\s*[-–]\s*)({_NUM}))?(\s*%)")
_COUNT = re.compile(r"(?<![\d,./-])(\d{1,3}(?:\.\d{3})+|\d+)(?=\s+(?:giường|bác sĩ|dược sĩ|điều dưỡng|lao động|"
                    r"căn|lớp|người|hộ|phiên|ha\b|m2|m²|trẻ|học sinh|doanh nghiệp|cơ sở|mô hình))")
_BASE_YEAR = re.compile(r"ngày\s+\d{1,2}/\d{1,2}/(\d{4})|ngày \d{1,2} tháng \d{1,2} năm (\d{4})")
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương")
_MIDDLE = ("Văn", "Thị", "Minh", "Quốc", "Thanh", "Hữu", "Ngọc", "Đức")
_GIVEN = ("Hùng", "Lan", "Tuấn", "Hương", "Dũng", "Thảo", "Sơn", "Hà", "Phong", "Mai", "Bình", "Cường")
_KIND_WORDS = {  # the words a district-level plan names its own kind with (thành phố, thị xã, huyện)
    "thành phố": ("thành phố", "thành ủy", "thành đoàn", "tp"),
    "thị xã": ("thị xã", "thị ủy", "thị đoàn", "tx"),
    "huyện": ("huyện", "huyện ủy", "huyện đoàn", "h"),
}


# ------------------------------------------------------------------ records

@dataclass(frozen=True)
class Issuer:
    """The locality a variant is issued by."""

    key: str  # gazetteer key: "Lạng Sơn", "Điện Biên/thành phố Điện Biên Phủ"
    name: str
    kind: str  # tỉnh, thành phố, thị xã, huyện
    level: str  # province, district
    province: str  # the province it lies in (itself for a province)
    old: bool  # a unit gone on 1 July 2025 (merged or renamed province, former district): dated before
    successor: str = ""  # for a merged or renamed province: the 2025 unit it became part of
    formed_2025: bool = False  # a province formed on 1 July 2025 from others: dated after

    @property
    def place(self) -> Place:
        return gazetteer.get(self.key)


@dataclass(frozen=True)
class Change:
    """A figure shifted: ``old`` at [source_start, source_end) of the original, ``new`` at [start, end)."""

    start: int
    end: int
    source_start: int
    source_end: int
    old: str
    new: str


@dataclass
class Variant:
    id: str
    source: str  # the original plan's document id
    issuer: Issuer
    number: str
    date: str  # ISO
    body: str  # the issuing body as the header names it
    text: str
    # copied runs of the original: (variant start, source start, length); the rest is rewritten text
    runs: list[tuple[int, int, int]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def to_source(self, pos: int) -> int:
        """The offset of the original that ``pos`` of the variant came from (a rewritten piece: its start)."""
        i = bisect_right([r[0] for r in self.runs], pos) - 1
        if i < 0:
            return 0
        v, s, n = self.runs[i]
        return s + min(pos - v, n)

    def to_variant(self, pos: int, end: bool = False) -> int:
        """The offset of the variant that offset ``pos`` of the original became; inside a rewritten piece,
        the piece's start (its end with ``end``: a span ending there keeps the whole new text)."""
        i = bisect_right([r[1] for r in self.runs], pos) - 1  # runs are in the order of both texts
        if i < 0:
            return 0
        v, s, n = self.runs[i]
        if pos - s <= n:
            return v + pos - s
        return self.runs[i + 1][0] if end and i + 1 < len(self.runs) else v + n

    def to_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "issuer": asdict(self.issuer), "number": self.number,
                "date": self.date, "body": self.body, "runs": self.runs,
                "changes": [asdict(c) for c in self.changes]}


@dataclass
class Library:
    seed: int
    originals: list[Document]
    variants: list[Variant]

    def by_id(self) -> dict[str, Variant]:
        return {v.id: v for v in self.variants}


# ------------------------------------------------------------------ families and issuers

def family(place: Place) -> str:
    """The 2025 province a unit's territory belongs to: a merged province's successor, a district's province's."""
    while place.parent:
        place = gazetteer.get(place.parent)
    return place.successor or place.name


def _issuer(place: Place) -> Issuer:
    province = gazetteer.get(place.parent) if place.parent else place
    old = place.status in ("merged", "renamed", "former")
    return Issuer(place.key, place.name, place.kind, place.level, province.name, old,
                  place.successor or "", bool(place.predecessors) or (place.level == "province" and not place.in_2024))


def _own_place(doc: Document) -> Place | None:
    """The original plan's locality: its metadata's, else the province its text names most."""
    if doc.meta.place_key:
        return gazetteer.get(doc.meta.place_key)
    if doc.meta.provinces_named:
        return gazetteer.get(doc.meta.provinces_named[0])
    return None


def _pool(doc: Document) -> str | None:
    """Which issuers re-issue ``doc``: "district", "province" (a tỉnh) or "city" (a centrally-run city)."""
    own = _own_place(doc)
    if own is not None:
        return "district" if own.level == "district" else "province"
    return "city" if "thành ủy" in doc.meta.issuing_body.lower() else None


def _candidates(pool: str, used: set[str]) -> list[Place]:
    if pool == "district":
        found = [p for p in gazetteer.places("district") if p.kind in _KIND_WORDS]
    elif pool == "city":
        found = [p for p in gazetteer.places("province") if p.kind == "thành phố"]
    else:
        found = [p for p in gazetteer.places("province") if p.kind == "tỉnh"]
    return [p for p in found if family(p) not in used]


# ------------------------------------------------------------------ rewriting one plan

def _case(like: str, text: str) -> str:
    """``text`` in the case of ``like``: capitals, first capital, or as written."""
    if like.isupper():
        return text.upper()
    if like[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def _place_form(place_name: str, kind: str, like: str, unit: str) -> str:
    """How the replaced mention is written: with the unit word if the original had one, in its case."""
    if not unit:
        return place_name.upper() if like.isupper() else place_name
    unit_text = like[: len(like) - len(like.lstrip())] + like.split()[0] if like.split() else ""
    short = unit_text.rstrip(".").lower() in ("tp", "tx")
    word = {"thành phố": "TP", "thị xã": "TX"}.get(kind, kind) if short else kind
    out = f"{word}. {place_name}" if short and "." in like[:4] else f"{word} {place_name}"
    return out.upper() if like.isupper() else _case(like, out)


class _Rewrite:
    """The replacements made to one original text, as (start, end, new text), non-overlapping."""

    def __init__(self, text: str):
        self.text, self.edits = text, []

    def add(self, start: int, end: int, new: str, figure: bool = False) -> None:
        if any(s < end and start < e for s, e, _, _ in self.edits):
            return
        self.edits.append((start, end, new, figure))

    def apply(self) -> tuple[str, list[tuple[int, int, int]], list[tuple[int, int, int, int]]]:
        """(new text, copied runs (variant start, source start, length), figures (v start, v end, s start, s end))."""
        out, runs, figures, at, v = [], [], [], 0, 0
        for start, end, new, figure in sorted(self.edits):
            if start > at:
                runs.append((v, at, start - at))
                out.append(self.text[at:start])
                v += start - at
            if figure:
                figures.append((v, v + len(new), start, end))
            out.append(new)
            v += len(new)
            at = end
        runs.append((v, at, len(self.text) - at))
        out.append(self.text[at:])
        return "".join(out), runs, figures


def _format_number(value: float, like: str) -> str:
    decimals = len(like.split(",")[1]) if "," in like else 0
    text = f"{value:.{decimals}f}".replace(".", ",")
    return text


def _shift_percent(old: str, delta: float) -> str:
    x = float(old.replace(",", "."))
    if x >= 100 or x <= 0:
        return old
    new = min(max(x + delta, 0.1 if "," in old else 1), 99.5 if "," in old else 99)
    out = _format_number(new, old)
    if out == old:
        out = _format_number(new - 1 if x > 1 else new + 1, old)
    return out


def _percent_delta(x: float, rng: np.random.Generator, decimal: bool) -> float:
    if decimal and x < 10:
        return float(rng.choice([-1, 1])) * float(rng.integers(1, 6)) / 10
    span = max(1, round(min(x * 0.12, (100 - x) * 0.6 + 1)))  # 50% moves by up to 6 points, 99% by 1–2
    return float(rng.choice([-1, 1])) * float(rng.integers(1, span + 1))


def _shift_count(old: str, rng: np.random.Generator) -> str:
    n = int(old.replace(".", ""))
    zeros = len(str(n)) - len(str(n).rstrip("0")) if n else 0
    step = 10 ** min(zeros, max(len(str(n)) - 2, 0))
    new = max(step, round(n * float(rng.uniform(0.8, 1.25)) / step) * step)
    if new == n:
        new = n + step
    text = f"{new:,}".replace(",", ".") if "." in old or new >= 10000 else str(new)
    return text.zfill(len(old)) if old.startswith("0") else text


def _figures(rw: _Rewrite, rng: np.random.Generator) -> None:
    text = rw.text
    for m in _PERCENT.finditer(text):
        lo, hi = m.group(1), m.group(3)
        x = float(lo.replace(",", "."))
        delta = _percent_delta(x, rng, "," in lo)
        new_lo = _shift_percent(lo, delta)
        if hi is None:
            if new_lo != lo:
                rw.add(m.start(1), m.end(1), new_lo, figure=True)
            continue
        new_hi = _shift_percent(hi, delta)
        if float(new_lo.replace(",", ".")) >= float(new_hi.replace(",", ".")):
            new_lo = lo
        if new_lo != lo:
            rw.add(m.start(1), m.end(1), new_lo, figure=True)
        if new_hi != hi:
            rw.add(m.start(3), m.end(3), new_hi, figure=True)
    for m in _COUNT.finditer(text):
        rw.add(m.start(1), m.end(1), _shift_count(m.group(1), rng), figure=True)


def _kind_words(rw: _Rewrite, old_kind: str, new_kind: str) -> None:
    """A district-level plan re-issued by a unit of another kind: "Thị ủy" → "Thành ủy", "thị xã" → "thành phố"."""
    if old_kind == new_kind or old_kind not in _KIND_WORDS or new_kind not in _KIND_WORDS:
        return
    for old, new in zip(_KIND_WORDS[old_kind][:3], _KIND_WORDS[new_kind][:3], strict=True):
        for variant in {old, old.replace("ủy", "uỷ")}:
            for m in re.finditer(rf"(?<!\w){re.escape(variant)}(?!\w)", rw.text, re.IGNORECASE):
                rw.add(m.start(), m.end(), _case(m.group(), new) if not m.group().isupper() else new.upper())


def _names(rw: _Rewrite, own: Place, issuer: Issuer) -> None:
    """Every mention of the original's locality and of its province becomes the issuer's (and its province's)."""
    own_province = gazetteer.get(own.parent) if own.parent else own
    targets = {own.key: (issuer.name, issuer.kind)}
    if own.level == "district":
        province = gazetteer.get(issuer.province)
        targets[own_province.key] = (province.name, province.kind)
    for m in gazetteer.find_places(rw.text):
        if m.place.key in targets:
            name, kind = targets[m.place.key]
            rw.add(m.start, m.end, _place_form(name, kind, m.text, m.unit))


def _signer(rw: _Rewrite, signer: str, rng: np.random.Generator) -> None:
    if not signer:
        return
    name = " ".join(str(rng.choice(part)) for part in (_SURNAMES, _MIDDLE, _GIVEN))
    for m in re.finditer(re.escape(signer), rw.text):
        rw.add(m.start(), m.end(), name)


def _date(issuer: Issuer, base_year: int, rng: np.random.Generator) -> tuple[int, int, int]:
    if issuer.formed_2025:
        year, month = 2025, int(rng.integers(7, 13))
    else:
        year = min(base_year + int(rng.integers(0, 2)), 2025)
        month = int(rng.integers(1, 7 if year == 2025 else 13))
    return year, month, int(rng.integers(1, 29))


def _header(doc: Document, issuer: Issuer, number: int, date: tuple[int, int, int]) -> tuple[str, str, str]:
    """(header block, plan number, issuing body) of ``issuer``'s re-issue of ``doc``."""
    year, month, day = date
    kind_code = "CTr" if doc.meta.kind.startswith("Chương trình") else "KH"
    name_line = f"{issuer.kind} {issuer.name}".upper()
    place_line = "Thành phố Hồ Chí Minh" if issuer.name == "Hồ Chí Minh" else issuer.name
    dated = f"{place_line}, ngày {day} tháng {month} năm {year}"
    if "ủy ban nhân dân" in doc.meta.issuing_body.lower():
        num = f"{number}/{kind_code}-UBND"
        lines = ["ỦY BAN NHÂN DÂN", name_line, f"Số: {num}", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "", dated]
        return "\n".join(lines), num, f"Ủy ban nhân dân {issuer.kind} {issuer.name}"
    committee = {"tỉnh": "TỈNH ỦY", "thành phố": "THÀNH ỦY", "thị xã": "THỊ ỦY", "huyện": "HUYỆN ỦY"}[issuer.kind]
    if issuer.level == "district":
        province = gazetteer.get(issuer.province)
        num = f"{number}-{kind_code}/{'HU' if issuer.kind == 'huyện' else 'TU'}"
        top, second = f"ĐẢNG BỘ {province.kind} {province.name}".upper(), f"{committee} {issuer.name.upper()}"
    else:
        num = f"{number}-{kind_code}/TU"
        top, second = f"ĐẢNG BỘ {name_line}", committee
    lines = [top, second, "*", f"Số: {num}", "", "ĐẢNG CỘNG SẢN VIỆT NAM", "", dated]
    body = f"Ban Thường vụ {committee.capitalize()} {issuer.name}"
    return "\n".join(lines), num, body


def _base_year(doc: Document) -> int:
    if doc.meta.year:
        return int(doc.meta.year)
    years = [int(a or b) for a, b in _BASE_YEAR.findall(doc.text)]
    return max(years) if years else 2024


def rewrite(doc: Document, issuer: Issuer, rng: np.random.Generator, vid: str) -> Variant:
    """``doc`` re-issued by ``issuer``: its header, names, kind words, signer and figures."""
    rw = _Rewrite(doc.text)
    title = _TITLE.search(doc.text)
    cut = title.start() if title else 0
    date = _date(issuer, _base_year(doc), rng)
    header, number, body = _header(doc, issuer, int(rng.integers(10, 1000)), date)
    rw.add(0, cut, header + "\n\n")
    if title:
        for m in _DRAFT.finditer(doc.text, title.start(), title.end() + 20):
            rw.add(m.start(), m.end(), "")
    own = _own_place(doc)
    if own is not None:
        _names(rw, own, issuer)
        _kind_words(rw, own.kind, issuer.kind)
    _signer(rw, doc.meta.signer, rng)
    _figures(rw, rng)
    text, runs, figures = rw.apply()
    changes = [Change(v, ve, s, se, doc.text[s:se], text[v:ve]) for v, ve, s, se in figures]
    y, mo, d = date
    return Variant(vid, doc.id, issuer, number, f"{y}-{mo:02d}-{d:02d}", body, text, runs, changes)


# ------------------------------------------------------------------ the library

def make(seed: int, corpus="corpus", localities: int = DEFAULT_LOCALITIES,
         max_passages: int | None = DEFAULT_MAX_PASSAGES) -> Library:
    """The bundled plans and variants for ``localities`` issuers drawn with ``seed``: one district-level
    unit, two centrally-run cities, the rest provinces (some re-issuing two plans), a province under its
    pre-2025 name half the time. A re-issue that would take the variants' passages (as ``ingest`` chunks the
    original) past ``max_passages`` is left out: each new passage costs an embedding (~4 a second here)."""
    rng = np.random.default_rng(seed)
    loaded = ingest.load(corpus)
    originals, sizes = loaded.documents, Counter(c.doc_id for c in loaded.chunks)
    used = {family(p) for d in originals if (p := _own_place(d)) is not None} | set(EXCLUDED_FAMILIES)
    total = 0
    pools: dict[str, list[Document]] = {}
    for d in originals:
        pool = _pool(d)
        if pool:
            pools.setdefault(pool, []).append(d)
    slots = ["district"] + ["city"] * 2 + ["province"] * max(localities - 3, 0)
    variants: list[Variant] = []
    for n, pool in enumerate(slots[:localities]):
        sources = pools.get(pool, [])
        candidates = _candidates(pool, used)
        named = set()
        if sources:
            named = {fold(p).lower() for d in sources for p in d.meta.provinces_named}
        candidates = [p for p in candidates if fold(p.name).lower() not in named]
        if not sources or not candidates:
            continue
        old = [p for p in candidates if p.status != "current"]
        new = [p for p in candidates if p.status == "current"]
        among = old if old and (not new or rng.random() < OLD_NAMES) else new
        place = among[int(rng.integers(len(among)))]
        used.add(family(place))
        issuer = _issuer(place)
        count = 2 if pool == "province" and len(sources) > 1 and rng.random() < TWO_PLANS else 1
        picked = sorted(rng.choice(len(sources), size=count, replace=False).tolist())
        if max_passages:
            picked = [i for i in picked if total + sizes[sources[i].id] <= max_passages]
            total += sum(sizes[sources[i].id] for i in picked)
        for i in picked:
            src = sources[i]
            vid = f"{src.id[:3]}-s{seed}-l{n:02d}"
            variants.append(rewrite(src, issuer, rng, vid))
    return Library(seed, originals, variants)


def write(lib: Library, folder: str | Path, corpus="corpus") -> Path:
    """The library's plans in ``folder``/corpus (originals copied, variants as .txt; nothing else is left
    there), its ground truth
    (``truth.json``) and questions (``questions.jsonl``); each file written then renamed into place."""
    folder = Path(folder)
    plans = folder / "corpus"
    plans.mkdir(parents=True, exist_ok=True)
    for d in lib.originals:
        _atomic(plans / Path(d.path).name, Path(d.path).read_bytes())
    for v in lib.variants:
        _atomic(plans / f"{v.id}.txt", v.text.encode("utf-8"))
    wanted = {Path(d.path).name for d in lib.originals} | {f"{v.id}.txt" for v in lib.variants}
    for stale in plans.iterdir():  # a library written before with other settings: its plans are not this one's
        if stale.is_file() and stale.name not in wanted:
            stale.unlink()
    truth = {"seed": lib.seed, "gazetteer_sha256": hashlib.sha256(gazetteer.DATA.read_bytes()).hexdigest(),
             "variants": [v.to_dict() for v in lib.variants]}
    _atomic(folder / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1).encode("utf-8"))
    rows = questions(lib)
    _atomic(folder / "questions.jsonl",
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"))
    manifest = {"what": "generated multi-locality library (eval.localities)", "seed": lib.seed,
                "originals": [d.id for d in lib.originals], "variants": len(lib.variants),
                "localities": len({v.issuer.key for v in lib.variants}), "questions": len(rows),
                "gazetteer_sha256": truth["gazetteer_sha256"]}
    _atomic(folder / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return folder


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def load(folder: str | Path) -> dict:
    """``truth.json`` of a written library, its variants with ``Variant``'s offset maps."""
    truth = json.loads((Path(folder) / "truth.json").read_text(encoding="utf-8"))
    text = {p.stem: p.read_text(encoding="utf-8") for p in (Path(folder) / "corpus").glob("*-s*-l*.txt")}
    truth["variants"] = [Variant(v["id"], v["source"], Issuer(**v["issuer"]), v["number"], v["date"], v["body"],
                                 text.get(v["id"], ""), [tuple(r) for r in v["runs"]],
                                 [Change(**c) for c in v["changes"]]) for v in truth["variants"]]
    return truth


# ------------------------------------------------------------------ questions

def _ambiguous() -> dict[str, set[str]]:
    """The gazetteer's names that are also ordinary words (its ``ambiguous`` rules): which need a unit word."""
    rules = json.loads(gazetteer.DATA.read_text(encoding="utf-8")).get("ambiguous", {})
    return {k: set(v) for k, v in rules.items() if isinstance(v, list)}


def _mention(name: str, kind: str, bare: bool, unaccented: bool) -> str:
    """How staff name a place: bare or with its unit word, as written or without diacritics. A name the
    gazetteer documents as also an ordinary word keeps its unit word where it needs one ("TP Hồ Chí Minh",
    not the President's "Hồ Chí Minh"; "tinh long an", not "long an", which may be "lòng an")."""
    rules = _ambiguous()
    if name in rules.get("prefix_always", ()):
        bare = False
    if unaccented and (name in rules.get("unaccented_prefix_or_capitals", ())
                       or name in rules.get("prefix_or_capitals", ())):
        bare = False
    text = name if bare else f"{kind} {name}"
    return fold(text).lower() if unaccented else text


def _forms(issuer: Issuer, rng: np.random.Generator) -> tuple[str, str, bool]:
    """(form name, how the question names the issuer's locality, the question is typed without diacritics),
    drawn among the forms staff type."""
    place = gazetteer.get(issuer.key)
    options = [("full", (issuer.name, issuer.kind, False)), ("bare", (issuer.name, issuer.kind, True)),
               ("unaccented", (issuer.name, issuer.kind, rng.random() < 0.5))]
    if issuer.kind == "thành phố":
        options.append(("short", f"TP {issuer.name}"))
    options += [("alias", a) for a in place.aliases if not a.isascii() or a.isupper()][:2]
    if issuer.name == "Hồ Chí Minh":
        options += [("short", "TP HCM"), ("short", "TP.HCM"), ("alias", "Sài Gòn")]
    if issuer.successor:  # a plan issued under a pre-2025 name, asked for by the 2025 name
        new = gazetteer.get(issuer.successor)
        options += [("new_name", (new.name, new.kind, True)), ("new_name", (new.name, new.kind, False))]
    if issuer.level == "district":
        province = gazetteer.get(issuer.province)
        options.append(("with_province", f"{issuer.name} {province.name}"))
    form, how = options[int(rng.integers(len(options)))]
    unaccented = form == "unaccented" or rng.random() < 0.15
    if isinstance(how, tuple):
        name, kind, bare = how
        return form, _mention(name, kind, bare, unaccented), unaccented
    return form, fold(how).lower() if unaccented else how, unaccented


def _strip_places(query: str) -> str:
    out, at = [], 0
    for m in gazetteer.find_places(query):
        out.append(query[at:m.start])
        at = m.end
    out.append(query[at:])
    return " ".join(" ".join(out).split()).strip(" ,.;:-")


def _ask(query: str, place: str, unaccented: bool, rng: np.random.Generator) -> str:
    if unaccented:
        query = fold(query).lower()
    return f"{place} {query}" if rng.random() < 0.4 else f"{query} {place}"


def questions(lib: Library, bundled="eval/questions.jsonl") -> list[dict]:
    """The locality questions (one per bundled question and issuer whose gold holds a shifted figure) and
    the same questions naming no place, as JSONL rows for ``eval.relevance.load_questions``."""
    rng = np.random.default_rng(lib.seed + 1000)
    texts = {d.id: d.text for d in lib.originals}
    by_issuer: dict[str, list[Variant]] = {}
    for v in lib.variants:
        by_issuer.setdefault(v.issuer.key, []).append(v)
    rows, asked = [], {}
    for q in load_questions(bundled):
        if q.kind not in SOURCE_KINDS or len({g.doc for g in q.gold}) != 1:
            continue  # a question across plans ("so sánh chỉ tiêu … các kế hoạch") asks for no one locality
        for key, variants in by_issuer.items():
            golds = _golds(q, variants, texts)
            if not golds:
                continue
            issuer = variants[0].issuer
            form, place, unaccented = _forms(issuer, rng)
            rows.append({"id": f"{q.id}@{len(rows):03d}", "query": _ask(_strip_places(q.query), place, unaccented, rng),
                         "kind": "locality", "gold": golds, "locality": key, "form": form,
                         "docs": [v.id for v in variants], "source_question": q.id})
            asked[q.id] = q
    for qid, q in asked.items():
        rows.append({"id": f"{qid}~any", "query": _strip_places(q.query), "kind": "no_place",
                     "gold": [{"doc": g.doc, "quote": g.quote} for g in q.gold], "source_question": qid})
    return rows


def _golds(q: Question, variants: list[Variant], texts: dict[str, str]) -> list[dict]:
    """The variants' own spans of ``q``'s gold quotes, for quotes in which a figure was shifted."""
    out = []
    for v in variants:
        for g in q.gold:
            if g.doc != v.source or not g.quote:
                continue
            for s, e in locate(texts[g.doc], g.quote)[:1]:
                a, b = v.to_variant(s), v.to_variant(e, end=True)
                if any(a <= c.start < b for c in v.changes):
                    out.append({"doc": v.id, "quote": v.text[a:b]})
    return out


if __name__ == "__main__":
    import sys

    from .locality_eval import main

    sys.exit(main())
