"""Answers, not only passages: a question that asks for a target gets the figure(s).

"mục tiêu nước sạch nông thôn 2030", "chỉ tiêu BHXH Đồng Nai 2025", "bao nhiêu căn nhà ở xã hội Đức Phổ":

1. Is it a target question? It names an indicator the targets know (the concepts of ``targets.keys``,
   abbreviations expanded: BHXH → bảo hiểm xã hội, "vạn dân" → 10.000 dân) AND asks for a figure: "chỉ
   tiêu", "mục tiêu" (not "chương trình mục tiêu quốc gia"), "bao nhiêu", "tỷ lệ", "%", "phần trăm", "mấy",
   or a year. Anything else gets no card.
2. Which targets: those whose key has one of the question's concepts; then, each only when it leaves some:
   the plans of the place it names (``service.places``), its year, its scope (thành thị / nông thôn), its
   school level, the unit it asks for ("bao nhiêu ha").
3. The card: the value(s), the indicator, the year, the plan and its citation, the passage; several plans
   → a small table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from targets import Target
from targets.keys import CONCEPTS
from vntext.abbreviations import ABBREVIATIONS
from vntext.normalize import fold, normalize

from .places import scope_of

__all__ = ["TargetAnswer", "answer", "concepts_of", "filter_targets", "MAX_ROWS"]

MAX_ROWS = 12
_ABBR = {fold(k).lower(): fold(v).lower() for k, v in ABBREVIATIONS.items()}
_SYNONYMS = ((r"\bvan dan\b", "10.000 dan"), (r"\bdung tuoi\b", "dung do tuoi"), (r"\bbhyt\b", "bao hiem y te"),
             (r"\bnoxh\b", "nha o xa hoi"), (r"\bthu gom\b", "thu gom nuoc thai"))
# Not a figure asked: "chương trình mục tiêu quốc gia", "mục tiêu tổng quát", a period "2021-2025".
_NOT_ASKING = re.compile(r"chuong trinh muc tieu|muc tieu (tong quat|chung)\b|\b20\d\d\s*-\s*20\d\d\b")
_ASKS = re.compile(r"\b(chi tieu|muc tieu|bao nhieu|ti le|ty le|phan tram|so luong|dat muc|chi so)\b|^so\b|%"
                   r"|\b20\d\d\b")
_HOW_MANY = re.compile(r"\bmấy\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d\d)\b")
_LEVELS = (("tieu_hoc", r"tieu hoc|\bth\b"), ("thcs", r"trung hoc co so|thcs"), ("thpt", r"trung hoc pho thong|thpt"))
_UNITS = (("ha", r"\bha\b|hecta"), ("căn", r"\bcan\b"), ("%", r"%|phan tram|ti le|ty le"),
          ("lao động", r"bao nhieu lao dong"), ("tỷ đồng", r"ti dong|ty dong"))
_COMPILED = tuple((k, re.compile(p)) for k, p, _ in CONCEPTS)


def _folded(question: str) -> str:
    words = re.findall(r"[\w%.\-]+", fold(normalize(question)).lower())
    out = " ".join(_ABBR.get(w, w) for w in words)
    for pattern, full in _SYNONYMS:
        out = re.sub(pattern, full, out)
    return out


def concepts_of(question: str) -> list[str]:
    """The indicator concepts a question names, the most specific pattern first, listed in the question's
    order ("BHXH, BHTN" → ["bhxh", "bhtn"])."""
    text, found = _folded(question), []
    for key, pattern in _COMPILED:
        m = pattern.search(text)
        if m:
            found.append((m.start(), key))
            text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return [key for _, key in sorted(found)]  # in the order the question names them


def _narrow(rows: list[Target], keep) -> list[Target]:
    """Keep the rows ``keep`` accepts, unless it accepts none (then the condition did not apply)."""
    kept = [t for t in rows if keep(t)]
    return kept or rows


@dataclass(frozen=True)
class TargetAnswer:
    """The card: the targets that answer, the indicator concepts and the limits read from the question."""

    question: str
    concepts: tuple[str, ...]
    rows: tuple[Target, ...]
    places: tuple[str, ...] = ()
    year: str = ""

    @property
    def plans(self) -> list[str]:
        return list(dict.fromkeys(t.doc_id for t in self.rows))

    def to_dict(self) -> dict:
        return {"question": self.question, "concepts": list(self.concepts), "places": list(self.places),
                "year": self.year, "plans": self.plans,
                "rows": [{**t.to_dict(), "value_text": t.value_text} for t in self.rows]}


def answer(question: str, targets: Iterable[Target], documents: dict) -> TargetAnswer | None:
    """The card for ``question``, or None when it does not ask for a target (or none answers it)."""
    text = _folded(question)
    concepts = concepts_of(question)
    if not concepts or not (_ASKS.search(_NOT_ASKING.sub(" ", text)) or _HOW_MANY.search(normalize(question))):
        return None
    rows = [t for t in targets if t.key.split("/")[0] in concepts]
    scope = scope_of(question, documents)
    if scope is not None:  # a place named: its plans only (a plan is also known by the province it names most)
        names = [fold(n).lower() for n in scope.names]
        rows = [t for t in rows if t.doc_id in scope.docs or any(n in fold(t.locality).lower() for n in names)]
    years = _YEAR.findall(text)
    if years:
        rows = _narrow(rows, lambda t: t.year in years)
    for name, pattern in (("thanh_thi", r"thanh thi|do thi"), ("nong_thon", r"nong thon")):
        if re.search(pattern, text):
            rows = _narrow(rows, lambda t, n=name: t.key.endswith("/" + n))
    levels = [name for name, p in _LEVELS if re.search(p, text)]
    if levels:
        rows = _narrow(rows, lambda t: not t.key.startswith("di_hoc_dung_tuoi") or t.key.split("/")[1] in levels)
    units = [unit for unit, p in _UNITS if re.search(p, text)]
    if units:
        rows = _narrow(rows, lambda t: t.unit.split("/")[0] in units or t.unit.startswith(tuple(units)))
    if not rows:
        return None
    order = {c: i for i, c in enumerate(concepts)}
    rows = sorted(rows, key=lambda t: (t.doc_id, order.get(t.key.split("/")[0], 99), t.start))
    return TargetAnswer(question, tuple(concepts), tuple(rows[:MAX_ROWS]),
                        scope.names if scope is not None else (), years[0] if years else "")


def _words(query: str) -> list[str]:
    stop = {"chi", "tieu", "muc", "ti", "ty", "le", "bao", "nhieu", "cua", "cac", "ke", "hoach", "den", "nam"}
    return [w for w in _folded(query).split() if w not in stop and not _YEAR.fullmatch(w)]


def filter_targets(targets: Iterable[Target], documents: dict, query: str = "", year: str | None = None,
                   place: str | None = None, plan: Iterable[str] = (), key: str | None = None) -> list[Target]:
    """The table's filters: every topic word of ``query`` in the indicator or its words (accent-free,
    abbreviations expanded), the target year, the plans of a place (as a question naming it would), plan
    ids, an indicator key (or its concept: "nuoc_sach" takes "nuoc_sach/nong_thon")."""
    rows = list(targets)
    words = _words(query) if query else []
    if words:
        rows = [t for t in rows if all(re.search(rf"\b{re.escape(w)}\b", _folded(f"{t.indicator_norm} {t.text}"))
                                       for w in words)]
    if year:
        rows = [t for t in rows if t.year == str(year)]
    if place:
        scope = scope_of(place, documents)
        wanted = fold(normalize(place)).lower()
        rows = [t for t in rows if (scope is not None and t.doc_id in scope.docs)
                or (wanted and wanted in fold(normalize(t.locality)).lower())]
    plans = set(plan)
    if plans:
        rows = [t for t in rows if t.doc_id in plans]
    if key:
        rows = [t for t in rows if t.key == key or t.key.split("/")[0] == key]
    return rows
