"""Administrative abbreviations that staff type, with the full forms the plans spell out, and the one scan
that finds them in a run of syllables (``at``).

Matching is on normalised, lower-cased syllables, so "Lao động - Thương binh và Xã hội"
matches "lao động thương binh và xã hội". Ambiguous ones (TU: Tỉnh ủy or Thành ủy) are left out.
"""

import re

ABBREVIATIONS: dict[str, str] = {
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bhtn": "bảo hiểm thất nghiệp",
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "mttq": "mặt trận tổ quốc",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "ubmttqvn": "ủy ban mặt trận tổ quốc việt nam",
    "lđtbxh": "lao động thương binh và xã hội",
    "lđ-tb&xh": "lao động thương binh và xã hội",
    "gdnn": "giáo dục nghề nghiệp",
    "kt-xh": "kinh tế xã hội",
    "ktxh": "kinh tế xã hội",
    "ct-xh": "chính trị xã hội",
    "asxh": "an sinh xã hội",
    "csxh": "chính sách xã hội",
    "tgxh": "trợ giúp xã hội",
    "btxh": "bảo trợ xã hội",
    "ncc": "người có công",
    "dtts": "dân tộc thiểu số",
    "noxh": "nhà ở xã hội",
    "kcn": "khu công nghiệp",
    "thcs": "trung học cơ sở",
    "thpt": "trung học phổ thông",
    "cntt": "công nghệ thông tin",
    "atvslđ": "an toàn vệ sinh lao động",
    "vsmt": "vệ sinh môi trường",
    "bch": "ban chấp hành",
    "btv": "ban thường vụ",
    "qđ": "quyết định",
    "ttg": "thủ tướng",
    "nq": "nghị quyết",
    "kh": "kế hoạch",
    "ctr": "chương trình",
    "kl": "kết luận",
    "tw": "trung ương",
    "vn": "việt nam",
    "hssv": "học sinh sinh viên",
    "tp": "thành phố",
    "ttdvvl": "trung tâm dịch vụ việc làm",
    "nsnn": "ngân sách nhà nước",
    "bcđ": "ban chỉ đạo",
}


def _syllables(text: str) -> tuple[str, ...]:
    from .normalize import normalize

    return tuple(re.findall(r"\w+", normalize(text).lower()))


# Abbreviations as syllable sequences: "kt-xh" -> ("kt", "xh") -> ("kinh", "tế", "xã", "hội").
SYLLABLES: dict[tuple[str, ...], tuple[str, ...]] = {_syllables(a): _syllables(f) for a, f in ABBREVIATIONS.items()}
LONGEST = max(len(a) for a in SYLLABLES)


def at(syllables: list[str], i: int):
    """The abbreviations starting at ``syllables[i]``, longest first, as (length, full form)."""
    for n in range(min(LONGEST, len(syllables) - i), 0, -1):
        full = SYLLABLES.get(tuple(syllables[i : i + n]))
        if full is not None:
            yield n, full
