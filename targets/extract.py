"""Extraction of the quantified targets of a plan: a stage of its own, beside metadata.

How a target is found (rules read from how the plans write them, no model):

1. The plan is split into its blocks (``ingest.structure``: paragraphs and list items with their heading
   paths); each block into clauses at ";", ":", sentence ends, and a parenthesis that holds a figure
   ("(trong đó: khu vực thành thị đạt 100%; khu vực nông thôn đạt 90%)").
2. A figure is a Vietnamese number ("1,5", "74.900", "07", a range "95 - 100") with a unit: "%", m² sàn/người,
   căn hộ, căn, giường bệnh viện, bác sĩ, dược sĩ, điều dưỡng viên, ha, tỷ đồng, triệu đồng, lượt người,
   lao động (≥ 1.000), tuổi (only for "tuổi thọ"), năm (only for "số năm sống khỏe"), or a bare decimal
   after "đạt" ("HDI đạt 0,85"). Ages and sizes that describe who is counted ("trẻ em dưới 5 tuổi", "dưới
   36 tháng tuổi", "mức độ 2") are not figures. "… trên 10.000 dân" makes the counts before it rates.
3. Several figures in one clause are cut apart at the last ", " or " và " between them, so "đạt 92%",
   "60% … và 45% …" and "đạt 99,5%, cấp trung học cơ sở tối thiểu đạt 95%, …" each give one target.
4. The words just before the figure give the comparator (trên, dưới, tối thiểu/ít nhất, khoảng, giảm,
   tăng, tối đa; "giữ", "duy trì" in the clause: duy trì; else đạt). The indicator is what precedes
   ("Tỷ lệ thất nghiệp chung dưới 3%") or, when only a verb does ("Xây dựng 74.900 căn hộ nhà ở xã hội"),
   what follows. A continuation ("cấp trung học cơ sở …", "khu vực nông thôn …") takes the head of the
   target before it in the same block for its normalised form.
5. The year comes from the target's own words ("đến năm 2025", "giai đoạn 2021 - 2025", "trong năm 2024"),
   else from its sentence before it, else from its headings ("Các chỉ tiêu chủ yếu đến năm 2030");
   otherwise it stays empty.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace

from ingest.structure import Block, parse
from vntext.normalize import fold, normalize
from vntext.numbers import NUMBER
from vntext.numbers import parse as parse_number

from .keys import key_of
from .model import Target

__all__ = ["extract", "extract_all", "EXTRACTOR_VERSION"]

EXTRACTOR_VERSION = 2  # bump when the rules change: stored targets are then extracted again

_UNITS = (
    (r"%\s*/\s*năm", "%/năm"), (r"%", "%"), (r"m\s*[²2]\s*sàn\s*/\s*người", "m² sàn/người"), (r"m\s*[²2](?!\w)", "m²"), (r"căn\s+hộ", "căn hộ"),
    (r"căn", "căn"), (r"giường\s+bệnh(?:\s+viện)?", "giường bệnh viện"), (r"bác\s+sĩ", "bác sĩ"),
    (r"dược\s+sĩ", "dược sĩ"), (r"điều\s+dưỡng(?:\s+viên)?", "điều dưỡng viên"), (r"lượt\s+người", "lượt người"),
    (r"lao\s+động", "lao động"), (r"ha", "ha"), (r"t[ỷỉ]\s+đồng", "tỷ đồng"),
    (r"triệu\s+đồng\s*/\s*người\s*/\s*năm", "triệu đồng/người/năm"), (r"triệu\s+đồng", "triệu đồng"),
    (r"USD\s*/\s*người", "USD/người"), (r"tuổi", "tuổi"), (r"năm", "năm"),
    # Counts that are figures only after a word that sets a target ("hỗ trợ 500 hộ", "trên 20 doanh nghiệp").
    (r"hộ", "hộ"), (r"người", "người"), (r"km", "km"), (r"trường", "trường"), (r"xã", "xã"),
    (r"doanh\s+nghiệp", "doanh nghiệp"), (r"lượt", "lượt"),
)
_CUED = {"hộ", "người", "km", "trường", "xã", "doanh nghiệp", "lượt"}
_CUE = re.compile(r"(?:\b(?:dat|la|co|xay dung(?: duoc)?|to chuc|cho|ho tro|tren|duoi|it nhat|toi thieu|khoang|giam|tang"
                  r"|them|moi nam|phan dau|thu hut|dao tao|moi))\s*$")
_UNIT_NAMES = dict(_UNITS)
_VALUE = re.compile(
    rf"(?<![\w.,/])(?P<a>{NUMBER})(?:(?:\s*[-–]\s*|\s+đến\s+)(?P<b>{NUMBER}))?\s*"
    rf"(?P<unit>{'|'.join(f'(?:{p})' for p, _ in _UNITS)})(?![\w²])(?P<bound>\s+trở\s+(?:lên|xuống)(?!\w))?"
)
_BARE = re.compile(r"(?<=đạt\s)(?P<a>0,\d{1,3})(?![\d%,.]|\s*[-–]?\s*\w)")
_RATE = re.compile(rf"\s*(?:trên\s+|/\s*)(?P<n>{NUMBER})\s*dân\b")
_COUNTS = {"giường bệnh viện", "bác sĩ", "dược sĩ", "điều dưỡng viên"}
_NOUN_UNITS = {"căn hộ", "căn", "giường bệnh viện", "bác sĩ", "dược sĩ", "điều dưỡng viên", "lượt người", "lao động",
               *_CUED}

# On the accent-folded, same-length view of a block (see _flat).
_COMPARATOR = re.compile(
    r"(?:(?:dat|la|o muc|dat muc|chiem|con|muc|tu)\s+)*"
    r"(?P<c>tren|duoi|toi thieu|it nhat|khong duoi|toi da|khong qua|khoang|giam|tang)?"
    r"(?:\s+(?:dat|la|o muc|dat muc|muc|len|xuong|con))*\s*$"
)
_COMPARATOR_NAMES = {"tren": "trên", "duoi": "dưới", "toi thieu": "ít nhất", "it nhat": "ít nhất",
                     "khong duoi": "ít nhất", "toi da": "tối đa", "khong qua": "tối đa", "khoang": "khoảng",
                     "giam": "giảm", "tang": "tăng"}
_KEEP = re.compile(r"\b(duy tri|giu vung|giu)\b")
_LEAD = re.compile(
    r"(?:[\s*#_,.(]|[-+•–](?=\s)|[a-z]\)|\d{1,2}(?:\.\d{1,2})*[.)](?=\s)|va\b|phan dau(?: co)?\b|bao dam\b|dam bao\b"
    r"|tiep tuc\b|duy tri\b|giu vung\b|giu\b|du kien\b|co\b|trong do\b|xay dung(?: duoc)?\b"
    r"|hoan thanh(?: muc tieu)?\b|(?:trong |den |vao )?(?:giai doan \d{4}\s*[-–]\s*\d{4}|(?:cuoi )?nam \d{4})\b)+"
)
_TRAIL = re.compile(r"(?:[\s*_,;:.(]|\bcho\b|\bla\b|\bcua\b)+$")
_BEFORE_TRAIL = re.compile(r"(?:\s+(?:phan dau|dat|la|co|giam|tang|con|len|xuong|muc|o muc))+\s*$")
_CUT = re.compile(r",\s*trong do\b|\s+nham\b|\s+theo (?:quy dinh|cac)\b|\s+de\b|,\s*dac biet\b|\s+doi voi\b")
_CONTINUES = re.compile(r"^(cap |khu vuc |do thi|nong thon|thanh thi)")
_HEAD_CUT = re.compile(r"\s(?:cap (?:tieu hoc|trung hoc|mam non)|khu vuc )")
# Words an indicator starts with: a list before it ("Hoàn thành phổ cập …, tỷ lệ đi học …") is not part of it.
_STARTS = re.compile(r"(?:^|,\s+)(?=(?:ti|ty) le\b|chi so\b|so nam\b|dien tich\b|tuoi tho\b|do bao phu\b)")
_YEAR = re.compile(r"giai doan\s+(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)|\b(?:nam|den)\s+(?P<y>20\d\d)\b")
_CLAUSE_END = re.compile(r";|\.(?=\s|$)|:\s")
_SENTENCE_END = re.compile(r"\.(?=\s|$)")
_SCOPES = (("thành thị", r"thanh thi|do thi"), ("nông thôn", r"nong thon"),
           ("lao động trong độ tuổi", r"trong do tuoi|do tuoi lao dong"),
           ("vùng khó khăn", r"vung sau|vung xa|dan toc thieu so|mien nui|dac biet kho khan"))


def _flat(s: str) -> str:
    """Accent-free, lower-case, one character for one character: offsets stay those of ``s``."""
    return "".join((fold(c) or " ")[:1].lower() for c in s)


def _clean(s: str) -> str:
    out = normalize(re.sub(r"[*_#]+|\s+", " ", s)).strip(" ,.;:-–()")
    return out + ")" if out.count("(") > out.count(")") else out


def _syllables(s: str) -> int:
    return len(re.findall(r"[^\W\d_]+", s))


def _values(raw: str, flat: str) -> list[dict]:
    out = []
    for m in _VALUE.finditer(raw):
        unit = next(name for p, name in _UNITS if re.fullmatch(p, m.group("unit")))
        bound = {"lên": "ít nhất", "xuống": "tối đa"}[m.group("bound").split()[-1]] if m.group("bound") else ""
        a = m.group("a")
        before = flat[max(0, m.start() - 100):m.start()]
        if unit in ("tuổi", "năm") and not (("tuoi tho" in before and unit == "tuổi")
                                             or ("so nam" in before and unit == "năm")):
            continue
        if unit == "lao động" and "." not in a:
            continue
        if unit in _CUED and not _CUE.search(flat[max(0, m.start() - 30):m.start()]):
            continue
        if re.fullmatch(r"(19|20)\d\d", a) and unit != "%":
            continue
        try:
            value = parse_number(a)
            value_max = parse_number(m.group("b")) if m.group("b") else None
        except ValueError:
            continue
        out.append({"start": m.start(), "end": m.end(), "value": value, "value_max": value_max, "unit": unit,
                    "bound": bound})
    for m in _BARE.finditer(raw):
        if not any(v["start"] <= m.start() < v["end"] for v in out):
            out.append({"start": m.start(), "end": m.end(), "value": parse_number(m.group("a")), "value_max": None,
                        "unit": "", "bound": ""})
    return sorted(out, key=lambda v: v["start"])


def _clauses(raw: str, values: list[dict]) -> list[tuple[int, int]]:
    cuts = {m.start(): m.end() for m in _CLAUSE_END.finditer(raw)}
    for m in re.finditer(r"\(([^()]*)\)", raw):
        if any(m.start() < v["start"] < m.end() for v in values):
            cuts[m.start()] = m.start() + 1
            cuts[m.end() - 1] = m.end()
    out, start = [], 0
    for cut in sorted(cuts):
        if cut >= start:
            out.append((start, cut))
            start = cuts[cut]
    out.append((start, len(raw)))
    return [(s, e) for s, e in out if e > s]


def _separator(raw: str, a: int, b: int) -> tuple[int, int]:
    """The last ", " or " và " between two figures: (end of the first target, start of the second)."""
    between = raw[a:b]
    seps = list(re.finditer(r",\s+", between)) or list(re.finditer(r"\s+và\s+", between))
    if not seps:
        return a, a
    return a + seps[-1].start(), a + seps[-1].end()


def _year(flat: str, own: tuple[int, int], sentence_start: int, headings: Iterable[str]) -> tuple[str, str]:
    def found(text: str, last: bool = False) -> tuple[str, str] | None:
        ms = list(_YEAR.finditer(text))
        if not ms:
            return None
        m = ms[-1] if last else ms[0]
        if m.group("a"):
            return m.group("b"), f"{m.group('a')}-{m.group('b')}"
        return m.group("y"), ""

    # A year in the sentence before the target counts only as its opening words ("Phấn đấu đến năm 2025,
    # tỷ lệ …; có ít nhất 50% …"), not a year deep in it ("Chiến lược … giai đoạn 2021 - 2030, …; xóa 100% …").
    return (found(flat[own[0]:own[1]]) or found(flat[sentence_start:min(own[0], sentence_start + 40)], last=True)
            or next(filter(None, (found(_flat(h)) for h in headings)), None) or ("", ""))


def _scope(flat_text: str) -> str:
    return next((name for name, p in _SCOPES if re.search(p, flat_text)), "")


def _block_targets(doc, block: Block) -> list[Target]:
    text = doc.text
    raw = text[block.start:block.end]
    flat = _flat(raw)
    values = _values(raw, flat)
    if not values:
        return []
    headings = [e.title for e in reversed(block.path)]
    sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(raw)]
    out: list[Target] = []
    head = ""  # the indicator a continuation ("cấp trung học cơ sở …") extends
    starts = [v["start"] for v in values]
    for cs, ce in _clauses(raw, values):
        vals = [v for v in values[bisect_left(starts, cs):bisect_left(starts, ce)] if v["end"] <= ce]
        rate = None
        for v in vals:
            m = _RATE.match(raw, v["end"])
            if v["unit"] in _COUNTS and m:
                rate = f"/{m.group('n')} dân"
        bounds = []
        for i, v in enumerate(vals):
            s = cs if i == 0 else bounds[-1][2]
            e, nxt = _separator(raw, v["end"], vals[i + 1]["start"]) if i + 1 < len(vals) else (ce, ce)
            bounds.append((s, e, nxt))
        found = []
        for v, (s, e, _) in zip(vals, bounds, strict=True):
            found.append(_target(doc, block, raw, flat, v, s, e, cs, rate, headings, sentence_starts, head))
            if not _CONTINUES.match(_flat(found[-1].indicator)) and found[-1].indicator:
                head = found[-1].indicator_norm
        joins = [raw[a[1]:a[2]].strip() == "và" for a in bounds[:-1]]
        out += _shared_tail(found, joins)
    return out


def _target(doc, block, raw, flat, v, s, e, clause_start, rate, headings, sentence_starts, head) -> Target:
    vs, ve = v["start"], v["end"]
    pre = flat[s:vs]
    cm = _COMPARATOR.search(pre)
    comp_start = s + cm.start()
    comparator = _COMPARATOR_NAMES[cm.group("c")] if cm.group("c") else v.get("bound") or (
        "duy trì" if _KEEP.search(flat, max(clause_start, vs - 400), vs) else "đạt")
    lead = _LEAD.match(flat, s) if s < comp_start else None
    ind_start = min(lead.end() if lead else s, comp_start)
    starts = [m.end() for m in _STARTS.finditer(flat, ind_start, comp_start)]
    if starts and starts[-1] < comp_start:
        ind_start = starts[-1]
    before = raw[ind_start:comp_start]
    unit = v["unit"]
    if rate and unit in _COUNTS:
        unit += rate
    after_end = e
    cut = _CUT.search(flat, ve, e)
    if cut:
        after_end = cut.start()
    if len(flat[ve:after_end].split()) > 40:
        after_end = ve + len(" ".join(flat[ve:after_end].split(" ")[:41]))
    trail = _TRAIL.search(flat[ve:after_end])
    if trail:
        after_end = ve + trail.start()
    rate_m = _RATE.match(raw, ve)
    after = raw[ve:after_end]
    named_first = re.match(r"(?:ti|ty) le|chi so|so |dien tich|tuoi tho|do bao phu|muc|khu vuc|cap |do thi|nong thon",
                           flat[ind_start:comp_start].strip(" *_"))
    if _syllables(before) >= 2 and _clean(before).lower() not in ("tỉ lệ", "tỷ lệ") and (
            named_first or _syllables(after) < 3 or rate_m):
        tail = _BEFORE_TRAIL.search(flat, ind_start, comp_start)  # "… phấn đấu đạt", "… giảm còn"
        indicator = _clean(raw[ind_start:tail.start()] if tail and tail.start() > ind_start else before)
        span = (ind_start, ve + (rate_m.end() - ve if rate_m and v["unit"] in _COUNTS else 0))
    else:
        noun = v["unit"] if v["unit"] in _NOUN_UNITS else ""
        verb = before if _syllables(before) <= 2 else ""
        indicator = _clean(" ".join(x for x in (verb, noun, after) if x.strip())).replace(" /", "/")
        if rate and v["unit"] in _COUNTS and "dân" not in indicator:
            indicator += f" trên {rate[1:]}"
        span = (ind_start if verb.strip() else comp_start, max(after_end, ve))
    start, end = span
    while start < end and raw[start] in " \t\n*_,;":
        start += 1
    while end > start and raw[end - 1] in " \t\n*_,;":
        end -= 1
    if not _syllables(indicator):  # "…; trong đó giai đoạn 2021 - 2025 là 291 ha": the target before, for a period
        indicator = _clean(raw[s:comp_start]) or _clean(raw[s:ve])
        norm = head or indicator.lower()
    else:
        norm = indicator.lower()
    if head and _CONTINUES.match(_flat(norm)):
        m = _HEAD_CUT.search(_flat(head))
        norm = (head[:m.start()] if m else head) + ", " + norm
    sentence_start = sentence_starts[bisect_right(sentence_starts, s) - 1]
    year, period = _year(flat, (s, max(e, ve)), sentence_start, headings)
    scope = _scope(_flat(raw[start:end]) + " " + _flat(norm))
    return Target(
        doc_id=doc.id, start=block.start + start, end=block.start + end, text=raw[start:end],
        indicator=indicator, indicator_norm=norm, key=key_of(norm, scope), value=v["value"],
        value_max=v["value_max"], unit=unit, comparator=comparator, year=year, period=period, scope=scope,
        locality=_locality(doc.meta), citation=doc.meta.citation, section=block.section,
        section_no=block.section_no(), passage_start=block.start, passage_end=block.end,
    )


def _locality(meta) -> str:
    """The plan's locality; else its province; else the province its text names most (a plan of the
    Tỉnh ủy that never writes its own name in the header)."""
    return meta.locality or meta.province or (meta.provinces_named[0] if meta.provinces_named else "")


def _shared_tail(targets: list[Target], joins: list[bool]) -> list[Target]:
    """ "100% hộ gia đình ở thành thị và 80% hộ gia đình ở nông thôn được sử dụng nước sạch": the first
    takes the predicate of the second for its normalised form (not its words or span)."""
    out = list(targets)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        wa, wb = a.indicator_norm.split(), b.indicator_norm.split()
        if joins[i] and len(wa) <= 8 and len(wb) > len(wa) and wa[:1] == wb[:1]:
            norm = " ".join(wa + wb[len(wa):])
            out[i] = replace(a, indicator_norm=norm, key=key_of(norm, a.scope))
    return out


def extract(doc) -> list[Target]:
    """Every quantified target of one plan (an ``ingest.Document``), in document order."""
    out: list[Target] = []
    for block in parse(doc.text):
        if block.kind not in ("meta", "title"):
            out += _block_targets(doc, block)
    return out


def extract_all(documents: Iterable) -> list[Target]:
    return [t for d in documents for t in extract(d)]
