"""A target (chỉ tiêu) as a plan states it: what is measured, the figure, the year, where it is written."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

__all__ = ["Target", "COMPARATORS"]

# Canonical comparators: "tối thiểu" / "không dưới" read as "ít nhất"; "giữ", "giữ vững" as "duy trì";
# a bare figure ("60% lực lượng lao động …", "là 70%", "ở mức 2,4%" without "giữ") as "đạt".
COMPARATORS = ("đạt", "trên", "dưới", "ít nhất", "tối đa", "khoảng", "giảm", "tăng", "duy trì")


@dataclass(frozen=True)
class Target:
    """One quantified target. ``text == document[start:end]``; ``value_max`` is set for a range
    ("95 - 100%": value 95, value_max 100). What the plan does not say stays empty (a target with no
    year in its sentence or headings has ``year == ""``)."""

    doc_id: str
    start: int
    end: int
    text: str  # the exact source span
    indicator: str  # as written: "Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn"
    indicator_norm: str  # normalised, lower case, with the head it continues ("… cấp trung học cơ sở")
    key: str  # the indicator's key across plans: "nuoc_sach/nong_thon" (see targets.keys)
    value: float
    value_max: float | None
    unit: str  # "%", "căn hộ", "m² sàn/người", "bác sĩ/10.000 dân", "" (an index such as HDI)
    comparator: str  # one of COMPARATORS
    year: str  # the target year: "2030"; "" when the plan gives none
    period: str  # "2021-2025" when stated as a period
    scope: str  # "thành thị", "nông thôn", "lao động trong độ tuổi", "vùng khó khăn", or ""
    locality: str  # the plan's locality (DocumentMeta.locality)
    citation: str  # "Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của Ủy ban nhân dân tỉnh Đồng Nai"
    section: str  # heading path: "II- MỤC TIÊU › 2. Các chỉ tiêu chủ yếu đến năm 2030"
    section_no: str  # "II.2"
    passage_start: int  # the paragraph or list item holding it
    passage_end: int

    @property
    def value_text(self) -> str:
        """ "92%", "95–100%", "khoảng 56%", "trên 85%": the figure as a person reads it."""
        def num(x: float) -> str:
            s = f"{x:,.2f}".rstrip("0").rstrip(".")
            return s.replace(",", " ").replace(".", ",").replace(" ", ".")

        v = num(self.value) + (f"–{num(self.value_max)}" if self.value_max is not None else "")
        unit = self.unit if self.unit.startswith("%") else (f" {self.unit}" if self.unit else "")
        prefix = "" if self.comparator == "đạt" else self.comparator + " "
        return f"{prefix}{v}{unit}"

    @property
    def label(self) -> str:
        """The indicator as written, or — for a continuation ("khu vực nông thôn") — with the head it continues
        ("Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn, khu vực nông thôn")."""
        if self.indicator_norm != self.indicator.lower() and len(self.indicator_norm) > len(self.indicator):
            return self.indicator_norm[:1].upper() + self.indicator_norm[1:]
        return self.indicator

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Target:
        known = {f.name for f in fields(cls)}
        missing = known - data.keys()
        if missing:
            raise ValueError(f"a target row lacks {', '.join(sorted(missing))}")
        return cls(**{k: data[k] for k in known})
