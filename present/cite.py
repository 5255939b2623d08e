"""Citations and labels: what staff paste into their own documents, and what the filters show."""

from __future__ import annotations

import re

from ingest import Chunk, Document, gazetteer
from ingest.metadata import page_of

__all__ = ["cite", "section_label", "plan_label", "implements_label", "short_body", "locality_label"]

_CODE_KIND = {"NQ": "Nghị quyết", "KH": "Kế hoạch", "KL": "Kết luận", "CTR": "Chương trình", "CT": "Chỉ thị",
              "QĐ": "Quyết định", "TB": "Thông báo"}
_SHORT = (("Ủy ban nhân dân", "UBND"), ("Uỷ ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"))


def cite(doc: Document, chunk: Chunk | None = None) -> str:
    """ "Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của Ủy ban nhân dân tỉnh Đồng Nai, mục III.2.l".

    Kind, number, date and issuing body as far as the plan states them; the section number of the
    passage when it has one.
    """
    text = doc.meta.citation
    if chunk is not None and chunk.section_no:
        text += f", mục {chunk.section_no}"
    if chunk is not None and doc.meta.page_starts:
        text += f", trang {page_of(doc.meta, chunk.start)}"
    return text


def section_label(chunk: Chunk) -> str:
    """ "Mục II.2 · II- MỤC TIÊU › 2. Các chỉ tiêu chủ yếu đến năm 2030" (empty for the preamble)."""
    if chunk.section_no and chunk.section:
        return f"Mục {chunk.section_no} · {chunk.section}"
    if chunk.section:
        return chunk.section
    return f"Mục {chunk.section_no}" if chunk.section_no else "Phần mở đầu"


def short_body(text: str) -> str:
    """Issuing bodies as staff abbreviate them in lists: "UBND tỉnh Đồng Nai"."""
    for long, short in _SHORT:
        text = text.replace(long, short)
    return text


def implements_label(code: str) -> str:
    """ "42-NQ/TW" → "Nghị quyết 42-NQ/TW"."""
    m = re.match(r"\d+-([^/]+)/", code)
    kind = _CODE_KIND.get(m.group(1).upper(), "") if m else ""
    return f"{kind} {code}".strip()


def plan_label(doc: Document) -> str:
    """A plan as the filter lists it, telling plans of the same body apart by what they implement."""
    label = short_body(doc.meta.citation)
    implements = doc.meta.implements
    if implements and not doc.meta.number:
        label += f" (thực hiện {implements[0]})"
    return label


_LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}


def locality_label(key: str) -> str:
    """A locality as the filter lists it (short: the sidebar is narrow), with its level and what it lies in:
    "Cấp tỉnh · Đồng Nai", "Cấp tỉnh · Bắc Giang (cũ → Bắc Ninh)", "Cấp huyện · thành phố Biên Hòa (Đồng Nai)"."""
    place = gazetteer.get(key)
    if place is None:
        return key
    level = _LEVEL_LABELS[place.level]
    if place.level == "province":
        merged = f" (cũ → {place.successor})" if place.successor else ""
        return f"{level} · {place.name if place.kind == 'tỉnh' else place.full_name}{merged}"
    parents = []
    parent = gazetteer.parent_of(place)
    while parent is not None:
        parents.append(parent.name)
        parent = gazetteer.parent_of(parent)
    return f"{level} · {place.full_name}" + (f" ({', '.join(parents)})" if parents else "")
