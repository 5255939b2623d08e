"""Document metadata read from a plan's header and preamble. What is absent stays empty."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from vntext.normalize import normalize

from . import gazetteer
from .places import provinces_named
from .structure import _STAMP, Block

__all__ = ["DocumentMeta", "extract", "citation", "issuer", "page_of", "body_with_locality"]

_NUMBER = re.compile(r"^\W*Số\s*:\s*(\S.*?)\s*$", re.MULTILINE | re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^\W*([^\n,]{2,40}?),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})", re.MULTILINE | re.IGNORECASE
)
_KINDS = (("CHƯƠNG TRÌNH HÀNH ĐỘNG", "Chương trình hành động"), ("CHƯƠNG TRÌNH", "Chương trình"),
          ("KẾ HOẠCH", "Kế hoạch"))
_CODE = re.compile(r"\b(\d{1,5})\s*-\s*(NQ|KH|KL|CTr|Ctr|CT|QĐ|TB)\s*/\s*(TW|TU|HU|TƯ|BCSĐ)\b", re.IGNORECASE)
_BODY = re.compile(
    r"(?:^|[.;)]\s*|,\s+)((?:Ban|Ủy ban|Uỷ ban|UBND|Thị ủy|Thị uỷ|Thành ủy|Thành uỷ|Tỉnh ủy|Tỉnh uỷ|Huyện ủy|Hội đồng|Sở)"
    r"[^.;()\n]{0,70}?)\s+(?:ban hành|xây dựng)\s+(?:kế hoạch|chương trình)", re.IGNORECASE | re.MULTILINE
)
_LOCALITY = re.compile(r"trên địa bàn\s+((?:tỉnh|thành phố|thị xã|huyện|quận)\s+(?:[A-ZĐ][\wÀ-ỹ]*\s?){1,3})")
_TIME = re.compile(r"Thời gian thực hiện\s*:?\s*giai đoạn\s*(\d{4})\s*[-–]\s*(\d{4})", re.IGNORECASE)
_PAREN_PERIOD = re.compile(r"\(\s*giai đoạn\s*(\d{4})\s*[-–]\s*(\d{4})\s*\)", re.IGNORECASE)
_BY_YEAR = re.compile(r"đến năm\s*(\d{4})", re.IGNORECASE)
_VISION = re.compile(r"tầm nhìn(?: đến năm)?\s*(\d{4})", re.IGNORECASE)
_UNITS = ("tỉnh", "thành phố", "thị xã", "huyện", "quận")
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){1,4}$")


_TUPLES = ("implements", "provinces_named", "page_starts", "ocr_pages")


@dataclass(frozen=True)
class DocumentMeta:
    """What a plan says of itself, read from its header and preamble. What it does not say stays empty."""

    kind: str = ""  # "Kế hoạch", "Chương trình hành động"
    draft: bool = False  # "DỰ THẢO" in the title
    number: str = ""  # "9491/KH-UBND"
    code: str = ""  # "KH-UBND", also when the number is blank
    place: str = ""  # of the place-and-date line: "Đồng Nai"
    locality: str = ""  # the place, else "trên địa bàn …" of the preamble
    date: str = ""  # ISO as far as known: "2021-08-10", "2024-03"
    year: str = ""
    issuing_body: str = ""  # "Ủy ban nhân dân tỉnh"
    implements: tuple[str, ...] = ()  # the resolutions and plans it implements: "42-NQ/TW"
    provinces_named: tuple[str, ...] = ()  # provinces the text names, most named first
    signer: str = ""
    title: str = ""
    period: str = ""  # "2021-2025"
    target_year: str = ""
    vision_year: str = ""
    place_key: str = ""  # the issuing locality in the gazetteer: "Đồng Nai", "Đồng Nai/thành phố Biên Hòa"
    province: str = ""  # the province it lies in, as the plan names it ("Đồng Nai"; "Bắc Giang" before 2025)
    converted: str = ""  # what reading the file converted: "TCVN3 → Unicode", "OCR (Tesseract, vie) of page 1–3 of 3"
    page_starts: tuple[int, ...] = ()  # PDF: the offset in the text where each page begins
    ocr_pages: tuple[int, ...] = ()  # PDF: the pages whose text is from OCR

    @property
    def issuer(self) -> str:
        return issuer(self)

    @property
    def citation(self) -> str:
        return citation(self)

    def to_dict(self) -> dict:
        out = asdict(self)
        for k in _TUPLES:
            out[k] = list(out[k])
        return out

    @classmethod
    def from_dict(cls, data: dict) -> DocumentMeta:
        """From ``to_dict``'s output (a saved index); unknown keys are ignored, missing ones stay empty."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for k in _TUPLES:
            if k in values:
                values[k] = tuple(values[k])
        return cls(**values)


def _kind(titles: list[str]) -> tuple[str, bool]:
    caps = " ".join(titles).upper()
    kind = next((name for key, name in _KINDS if key in caps), "")
    return kind, "DỰ THẢO" in caps


def _number(head: str) -> tuple[str, str]:
    """("9491/KH-UBND", "KH-UBND"); a blank number ("Số: -CTr/TU") keeps only the code."""
    m = _NUMBER.search(head)
    if not m:
        return "", ""
    raw = re.sub(r"\s+", "", m.group(1))
    code = raw.lstrip("0123456789-/ ")
    return (raw if raw[:1].isdigit() else ""), code


def _date(head: str) -> tuple[str, str, str]:
    """(place, ISO date as far as known: "2021-08-10" / "2024-03", year)."""
    m = _PLACE_DATE.search(head)
    if not m:
        return "", "", ""
    place, day, month, year = m.groups()
    iso = year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if month and day else "")
    return place.strip(" *#"), iso, year


def _body(intro: str) -> str:
    m = _BODY.search(intro)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""


def _signer(tail: str) -> str:
    lines = [re.sub(r"[*#_]", "", line).strip() for line in tail.splitlines()]
    lines = [line for line in lines if line and not _STAMP.search(line)]
    if lines and _NAME.match(lines[-1]) and not lines[-1].isupper():
        return lines[-1]
    return ""


def _period(titles: str, body: str, headings: str, goals: str) -> dict:
    m = _TIME.search(body) or _PAREN_PERIOD.search(titles)
    period = f"{m.group(1)}-{m.group(2)}" if m else ""
    years = sorted({int(y) for y in _BY_YEAR.findall(headings)}) or sorted({int(y) for y in _BY_YEAR.findall(goals)})
    vision = _VISION.search(headings) or _VISION.search(titles)
    vision_year = vision.group(1) if vision else ""
    target = [y for y in years if str(y) != vision_year]
    return {"period": period, "target_year": str(max(target)) if target else "", "vision_year": vision_year}


def extract(doc: str, blocks: list[Block], body_end: int) -> DocumentMeta:
    """Kind, draft flag, number, place, date, issuing body, what it implements, period, signer."""
    first = next((b.start for b in blocks if b.kind == "heading" and b.rank < 60), len(doc))
    head = doc[:first]
    titles = [b.text for b in blocks if b.kind == "title"]
    preamble = [b.text for b in blocks if b.start < first and b.kind == "para"]
    headings = " ".join(b.text for b in blocks if b.kind == "heading")
    goals = " ".join(b.text for b in blocks if any("MỤC TIÊU" in e.title.upper() for e in b.path))
    kind, draft = _kind(titles)
    number, code = _number(head)
    place, date, year = _date(head)
    intro = " ".join(preamble)
    body = _body("\n".join(preamble))  # a paragraph may open with the body: "Ban Thường vụ Tỉnh ủy xây dựng …"
    locality = place or next(iter(_LOCALITY.findall(" ".join(preamble[:1]))), "").strip()
    where = gazetteer.locality_of(head)
    implements = []
    for m in _CODE.finditer(intro):
        ref = f"{m.group(1)}-{m.group(2).upper().replace('CTR', 'CTr')}/{m.group(3).upper()}"
        if ref not in implements and ref != number:
            implements.append(ref)
    return DocumentMeta(
        kind=kind,
        draft=draft,
        number=number,
        code=code,
        place=place,
        locality=locality,
        date=date,
        year=year,
        issuing_body=body,
        implements=tuple(implements),
        provinces_named=tuple(provinces_named(" ".join(b.text for b in blocks if b.kind != "meta"))),
        signer=_signer(doc[body_end:]),
        title=" ".join([kind] + preamble[:1]).strip(),
        **_period(" ".join(titles + preamble[:1]), " ".join(b.text for b in blocks), headings, goals),
        place_key=where.key if where else "",
        province=(where.parent or where.name) if where else "",
    )


def citation(meta: DocumentMeta) -> str:
    """ "Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của Ủy ban nhân dân tỉnh (Đồng Nai)" as far as known."""
    kind = meta.kind or "Văn bản"
    parts = [("Dự thảo " + kind.lower()) if meta.draft and meta.kind else kind]
    if meta.number:
        parts.append(f"số {meta.number}")
    date = meta.date
    if len(date) == 10:
        y, m, d = date.split("-")
        parts.append(f"ngày {int(d)}/{int(m)}/{y}")
    elif len(date) == 7:
        y, m = date.split("-")
        parts.append(f"tháng {int(m)}/{y}")
    body = issuer(meta)
    if body:
        parts.append(f"của {body}")
    if meta.ocr_pages:
        parts.append("(bản quét, chữ nhận dạng bằng OCR)")
    return " ".join(parts)


def page_of(meta: DocumentMeta, offset: int) -> int:
    """The page (1-based) holding ``offset`` of the text, 0 when pages are not known."""
    import bisect

    return bisect.bisect_right(meta.page_starts, offset) if meta.page_starts else 0


_COMMITTEES = ("tỉnh ủy", "thành ủy", "thị ủy", "huyện ủy", "quận ủy", "đảng ủy")
_UNIT_WORDS = (*_UNITS, "xã", "phường", "thị trấn", "đặc khu")


def issuer(meta: DocumentMeta) -> str:
    """The issuing body with its locality and, below a province, the province it lies in: "Ủy ban nhân dân
    tỉnh Đồng Nai", "Ban Thường vụ Tỉnh ủy Bắc Giang", "Thị ủy Đức Phổ, tỉnh Quảng Ngãi". Only what the plan
    says: a body whose locality the plan does not name stays as it is written."""
    place = gazetteer.get(meta.place_key) if meta.place_key else None
    if place is None:
        return body_with_locality(meta)
    body, low = meta.issuing_body, normalize(meta.issuing_body).lower()
    if not body:
        text = meta.locality or place.name
    elif normalize(place.name).lower() in low:
        text = body
    elif low.endswith(_COMMITTEES) or low.endswith(_UNIT_WORDS):
        text = f"{body} {place.name}"
    else:
        text = f"{body} {place.full_name}"
    parent = gazetteer.parent_of(place)
    while parent is not None:
        if normalize(parent.name).lower() not in normalize(text).lower():
            text += f", {parent.full_name}"
        parent = gazetteer.parent_of(parent)
    return text


def body_with_locality(meta: DocumentMeta) -> str:
    """The issuing body with the locality as the plan writes it ("Ủy ban nhân dân tỉnh Đồng Nai", "Thị ủy Đức
    Phổ"), without the gazetteer's parent: what the index reads with each passage (``index.hybrid.context_line``),
    so the text indexed, and the embeddings cached for it, do not change with how citations are worded."""
    body, locality = meta.issuing_body, meta.locality
    if not locality or normalize(locality).lower() in normalize(body).lower():
        return body
    for unit in _UNITS:
        if normalize(body).lower().endswith(unit):
            name = locality[len(unit):].strip() if normalize(locality).lower().startswith(unit) else locality
            return f"{body} {name}"
    return f"{body} ({locality})" if body else locality
