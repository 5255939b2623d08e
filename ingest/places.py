"""Vietnam's provinces and centrally-run cities, for noting which provinces a plan names in its text.

``PROVINCES`` keeps the 63 units of 2024 in its historical order (generated libraries draw from it by
index); the gazetteer (``ingest.gazetteer``, data in ``ingest/data/gazetteer.json``) holds them with the
34 units of 1 July 2025, the merges between them, and the forms a text may use for each.
"""

from collections import Counter

from .gazetteer import find_places, provinces_2025

PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Hồ Chí Minh", "Tiền Giang",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)

# The 34 provincial-level units from 1 July 2025 (Resolution 202/2025/QH15), in the gazetteer's order.
PROVINCES_2025 = tuple(p.name for p in provinces_2025())


def provinces_named(text: str) -> list[str]:
    """Provincial-level units named in ``text``, most often named first (ties: first named first).

    Any form the gazetteer knows counts ("TP.HCM", "Sài Gòn", "tỉnh Bắc Giang"), under its rules for
    names that are also ordinary words ("tư tưởng Hồ Chí Minh" names no city). Names are canonical:
    a 2024 unit by its 2024 name, "Huế" for the city since 2025. Districts and communes are not counted."""
    counts = Counter(m.place.name for m in find_places(text) if m.place.level == "province")
    return [name for name, _ in counts.most_common()]
