"""The gazetteer: the 2024 and 2025 provinces and their merges, places found in questions and plans (and
not in ordinary words), expansion across the merger, and the issuing locality read from plan headers.
Quick: no model, no index."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest

from ingest.gazetteer import (
    Place,
    expand,
    find_places,
    get,
    locality_of,
    parent_of,
    places,
    provinces_2024,
    provinces_2025,
    read_locality,
)
from ingest.places import PROVINCES, PROVINCES_2025, provinces_named

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DOCS = {p.name[:3]: p for p in sorted(CORPUS.glob("*.txt"))}

# Resolution 202/2025/QH15: the 2025 unit ← the 2024 units merged into it.
MERGES = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Hồ Chí Minh": ["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
}
UNCHANGED = ["Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
             "Hà Tĩnh", "Cao Bằng"]
CITIES_2025 = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}


def names(matches) -> list[str]:
    return [m.place.name for m in matches]


# ---------------------------------------------------------------- the provinces and their merges


def test_63_units_of_2024_and_34_of_2025():
    assert len(provinces_2024()) == 63
    assert len(provinces_2025()) == 34
    assert len(MERGES) + len(UNCHANGED) == 34
    assert {p.name for p in provinces_2025()} == set(MERGES) | set(UNCHANGED) == set(PROVINCES_2025)
    assert {p.name for p in provinces_2024()} == set(PROVINCES)  # the historical list ingest.places keeps
    assert {p.name for p in provinces_2025() if p.kind == "thành phố"} == CITIES_2025
    assert {p.name for p in provinces_2024() if p.kind == "thành phố"} == CITIES_2025 - {"Huế"}
    assert len({p.code for p in provinces_2025()}) == 34 and len({p.code_2024 for p in provinces_2024()}) == 63


@pytest.mark.parametrize("new,merged", MERGES.items())
def test_every_merge(new, merged):
    unit = get(new)
    assert unit.status == "current" and unit.level == "province" and unit.in_2024
    assert set(unit.predecessors) == set(merged) - {new}
    for old in merged:
        if old != new:
            p = get(old)
            assert (p.status, p.successor, p.in_2024) == ("merged", new, True)


@pytest.mark.parametrize("name", UNCHANGED)
def test_unchanged_units(name):
    p = get(name)
    assert p.status == "current" and p.successor is None
    assert p.predecessors == (("Thừa Thiên Huế",) if name == "Huế" else ())


def test_hue_was_thua_thien_hue():
    tth = get("Thừa Thiên Huế")
    assert (tth.status, tth.successor, tth.kind, tth.in_2024) == ("renamed", "Huế", "tỉnh", True)
    assert (get("Huế").kind, get("Huế").in_2024) == ("thành phố", False)


def test_district_level_units_of_the_corpus():
    bh, dp = get("Biên Hòa"), get("Đức Phổ")
    assert (bh.kind, bh.level, bh.parent, bh.key) == ("thành phố", "district", "Đồng Nai", "Đồng Nai/thành phố Biên Hòa")
    assert (dp.kind, dp.level, dp.parent) == ("thị xã", "district", "Quảng Ngãi")
    assert parent_of(bh) == get("Đồng Nai") and parent_of(get("Đồng Nai")) is None
    assert get("Đồng Nai/phường Biên Hòa").level == "commune"
    assert all(parent_of(p) is not None for p in places() if p.level != "province")


def test_place_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get("Đồng Nai").name = "x"
    assert isinstance(get("Đồng Nai"), Place) and hash(get("Đồng Nai"))


def test_agrees_with_the_mapping_shipped_by_underthesea():
    """Every province, merge and code against vietnamadminunits' data, as shipped by underthesea."""
    try:
        import underthesea
    except ImportError:
        pytest.skip("underthesea not installed")
    path = Path(underthesea.__file__).parent / "address" / "data" / "mapping.json"
    if not path.is_file():
        pytest.skip("no underthesea address mapping")
    data = json.loads(path.read_text(encoding="utf-8"))
    old = {k: v["short"].replace("Huế", "Thừa Thiên Huế") for k, v in data["old_province_names"].items()}
    new = {k: v["short"] for k, v in data["province_names"].items()}
    assert {old[o]: new[n] for o, n in data["province_mapping"].items()} == {
        p.name: (p.successor or p.name) for p in provinces_2024()}
    assert {v["short"]: v["code"] for v in data["province_names"].values()} == {
        p.name: p.code for p in provinces_2025()}
    assert {old[k]: v["code"] for k, v in data["old_province_names"].items()} == {
        p.name: p.code_2024 for p in provinces_2024()}
    districts = {(r["old_province"], r["old_district"]) for r in data["ward_mapping"]}
    for d in places("district"):
        assert (f"Tỉnh {d.parent}", f"{d.kind.capitalize()} {d.name}") in districts


# ---------------------------------------------------------------- finding places


@pytest.mark.parametrize("form,name", [
    ("TP. HCM", "Hồ Chí Minh"), ("TP.HCM", "Hồ Chí Minh"), ("TPHCM", "Hồ Chí Minh"), ("TP Hồ Chí Minh", "Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("Sài Gòn", "Hồ Chí Minh"),
    ("HCM", "Hồ Chí Minh"), ("tp hcm", "Hồ Chí Minh"), ("sai gon", "Hồ Chí Minh"),
    ("Thừa Thiên Huế", "Thừa Thiên Huế"), ("Thừa Thiên - Huế", "Thừa Thiên Huế"), ("TT-Huế", "Thừa Thiên Huế"),
    ("Huế", "Huế"), ("thành phố Huế", "Huế"), ("TP Huế", "Huế"),
    ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("BR-VT", "Bà Rịa - Vũng Tàu"),
    ("tỉnh Bà Rịa Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Đắk Lắk", "Đắk Lắk"), ("Đắc Lắc", "Đắk Lắk"), ("Đăk Lăk", "Đắk Lắk"), ("dak lak", "Đắk Lắk"),
    ("Hà Nội", "Hà Nội"), ("TP Hà Nội", "Hà Nội"), ("thủ đô Hà Nội", "Hà Nội"), ("ha noi", "Hà Nội"),
    ("Thanh Hoá", "Thanh Hóa"), ("tỉnh Khánh Hoà", "Khánh Hòa"), ("Kontum", "Kon Tum"), ("Bắc Cạn", "Bắc Kạn"),
    ("ĐỒNG NAI", "Đồng Nai"), ("Ðồng Nai", "Đồng Nai"),  # capitals; Ð (eth) for Đ, as some PDFs have it
])
def test_forms_resolve(form, name):
    found = find_places(form)
    assert [(m.text, m.place.name) for m in found] == [(form, name)]
    assert get(form).name == name


@pytest.mark.parametrize("question,expected", [
    ("chỉ tiêu BHXH Đồng Nai 2025", ["Đồng Nai"]),
    ("chi tieu bhxh dong nai", ["Đồng Nai"]),
    ("nha o xa hoi duc pho", ["Đức Phổ"]),
    ("nhà ở xã hội Đức Phổ", ["Đức Phổ"]),
    ("tỷ lệ hộ nghèo tỉnh Bắc Giang", ["Bắc Giang"]),
    ("ty le ho ngheo tinh bac giang", ["Bắc Giang"]),
    ("Sài Gòn", ["Hồ Chí Minh"]),
    ("bảo hiểm y tế ở TP.HCM và Bình Dương", ["Hồ Chí Minh", "Bình Dương"]),
    ("Biên Hòa và Long Khánh", ["Biên Hòa"]),
    ("nước sạch nông thôn Thừa Thiên Huế", ["Thừa Thiên Huế"]),
    ("chính sách xã hội Điện Biên", ["Điện Biên"]),
    ("tinh dien bien", ["Điện Biên"]),
    ("tp da nang", ["Đà Nẵng"]),
    ("Da Nang", ["Đà Nẵng"]),
    ("tỉnh Long An", ["Long An"]),
    ("Hòa Bình", ["Hòa Bình"]),
    ("tỉnh hòa bình", ["Hòa Bình"]),
    ("Gia Lai", ["Gia Lai"]),
    ("chiến thắng Điện Biên Phủ", ["Điện Biên Phủ"]),
    ("co quan ha noi", ["Hà Nội"]),
    ("Do Hà Nội có nhiều khu công nghiệp", ["Hà Nội"]),  # "Do" (because), not the surname Đỗ
])
def test_questions_find_the_right_places(question, expected):
    assert names(find_places(question)) == expected


@pytest.mark.parametrize("text", [
    "chính sách xã hội", "chinh sach xa hoi", "khu vực nông thôn", "khu vuc nong thon", "bảo đảm an ninh",
    "bao dam an ninh", "diễn biến phức tạp", "dien bien phuc tap", "nhà văn hóa đa năng", "nha van hoa da nang",
    "giữ vững hòa bình", "giu vung hoa binh", "Hòa bình", "HÒA BÌNH", "Thái Bình Dương", "thai binh duong",
    "tư tưởng Hồ Chí Minh", "Đoàn TNCS Hồ Chí Minh", "ho chi minh", "tránh cào bằng", "tranh cao bang",
    "mức sống cao bằng", "tham gia lai", "biến hóa", "bien hoa", "ông Nguyễn Hải Dương", "bà Lê Thị Hà Nam", "hai phong hop",
    "làm đồng", "lam dong", "ha nam", "long an", "hue", "Hà.\nNội dung", "Hà. Nội dung", "hải dương học",
    "bình định", "thành phố Bắc Giang", "xã Hòa Bình", "huyện Quảng Ninh", "Thị ủy Quảng Trị", "Việt Nam",
    "Trung ương", "xã, phường, thị trấn", "các tỉnh, thành phố", "tỉnh ủy, thành ủy",
])
def test_no_places_in_ordinary_text(text):
    assert find_places(text) == []


def test_matches_carry_spans_unit_word_and_committee():
    text = "Căn cứ Kế hoạch của Tỉnh ủy Quảng Ngãi; UBND tỉnh\nĐồng Nai và TP. Biên Hòa"
    found = find_places(text)
    assert [(m.text, m.unit, m.body) for m in found] == [
        ("Quảng Ngãi", "", "tỉnh ủy"), ("tỉnh\nĐồng Nai", "tỉnh", ""), ("TP. Biên Hòa", "thành phố", "")]
    assert all(text[m.start:m.end] == m.text for m in found)


def test_longest_name_and_unit_word_choose_the_unit():
    assert names(find_places("Thừa Thiên Huế")) == ["Thừa Thiên Huế"]
    assert [m.place.key for m in find_places("phường Biên Hòa")] == ["Đồng Nai/phường Biên Hòa"]
    assert [m.place.key for m in find_places("thành phố Biên Hòa")] == ["Đồng Nai/thành phố Biên Hòa"]
    assert [m.place.key for m in find_places("Biên Hòa")] == ["Đồng Nai/thành phố Biên Hòa"]  # higher level


# ---------------------------------------------------------------- expand


def relations(place) -> set[tuple[str, str]]:
    return {(r.place.name, r.relation) for r in expand(place)}


def test_expand():
    assert relations("Bắc Ninh") == {("Bắc Ninh", "self"), ("Bắc Giang", "predecessor")}
    assert relations("Bình Phước") == {("Bình Phước", "self"), ("Đồng Nai", "successor")}
    assert relations("Hồ Chí Minh") == {("Hồ Chí Minh", "self"), ("Bình Dương", "predecessor"),
                                        ("Bà Rịa - Vũng Tàu", "predecessor")}
    assert relations("Huế") == {("Huế", "self"), ("Thừa Thiên Huế", "predecessor")}
    assert relations("Thừa Thiên Huế") == {("Thừa Thiên Huế", "self"), ("Huế", "successor")}
    assert relations("Đức Phổ") == {("Đức Phổ", "self"), ("Quảng Ngãi", "parent")}
    assert relations("Hà Nội") == {("Hà Nội", "self")}
    assert expand(get("TP.HCM"))[0].relation == "self"
    with pytest.raises(KeyError):
        expand("Atlantis")


# ---------------------------------------------------------------- the issuing locality


def header(short: str) -> str:
    """A bundled plan's text before its first section ("I. MỤC ĐÍCH, YÊU CẦU")."""
    text = DOCS[short].read_text(encoding="utf-8")
    return text[:text.index("MỤC ĐÍCH")]


@pytest.mark.parametrize("short,key,parent,source", [
    ("000", "Đồng Nai/thành phố Biên Hòa", "Đồng Nai", "scope"),  # "… trên địa bàn thành phố Biên Hòa"
    ("001", "Quảng Ngãi/thị xã Đức Phổ", "Quảng Ngãi", "issuer"),  # "Thị ủy Đức Phổ ban hành …"
    ("002", None, None, None),  # "Ban Thường vụ Thành ủy": which city, the text does not say
    ("003", "Đồng Nai", None, "date"),  # "Đồng Nai, ngày 10 tháng 8 năm 2021"
    ("004", None, None, None),  # "Ban Thường vụ Tỉnh ủy": Bắc Giang is named only further on
])
def test_locality_of_the_bundled_plans(short, key, parent, source):
    loc = read_locality(header(short))
    if key is None:
        assert loc is None and locality_of(header(short)) is None
    else:
        assert (loc.place.key, loc.parent and loc.parent.key, loc.source) == (key, parent, source)
        assert locality_of(header(short)) == get(key)


@pytest.mark.parametrize("text,key", [
    ("ĐẢNG BỘ TỈNH BẮC GIANG\nTỈNH ỦY\n*\nSố 123-KH/TU\nBắc Giang, ngày 5 tháng 3 năm 2024\nKẾ HOẠCH", "Bắc Giang"),
    ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI\nSố: 9491/KH-UBND\nKẾ HOẠCH", "Đồng Nai"),
    ("ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG NAI\nSố: 9491/KH-UBND", "Đồng Nai"),
    ("ĐẢNG BỘ TỈNH ĐỒNG NAI\nTHÀNH ỦY BIÊN HÒA\nBiên Hòa, ngày 1 tháng 4 năm 2024", "Đồng Nai/thành phố Biên Hòa"),
    ("ĐẢNG BỘ TỈNH ĐỒNG NAI\nTHÀNH ỦY\n\nBiên Hòa, ngày 1 tháng 4 năm 2024", "Đồng Nai/thành phố Biên Hòa"),
    ("ĐẢNG BỘ TỈNH QUẢNG NGÃI\nTHỊ ỦY ĐỨC PHỔ\n\nĐức Phổ, ngày 3 tháng 2 năm 2024", "Quảng Ngãi/thị xã Đức Phổ"),
    ("TỈNH ỦY ĐỒNG NAI          ĐẢNG CỘNG SẢN VIỆT NAM\nSố 12-KH/TU     Đồng Nai, ngày 5 tháng 3 năm 2024", "Đồng Nai"),
    ("ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH\nTHÀNH ỦY\nThành phố Hồ Chí Minh, ngày 5 tháng 3 năm 2024", "Hồ Chí Minh"),
    ("ĐẢNG BỘ TỈNH QUẢNG NGÃI\nĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH\nQuảng Ngãi, ngày 3 tháng 2 năm 2024", "Quảng Ngãi"),
    ("UBND THÀNH PHỐ HUẾ\nHuế, ngày 2 tháng 7 năm 2025", "Huế"),
    ("KẾ HOẠCH\nThực hiện Nghị quyết 42; Ủy ban nhân dân tỉnh Bình Phước ban hành Kế hoạch như sau", "Bình Phước"),
    ("KẾ HOẠCH\nthực hiện Nghị quyết số 42-NQ/TW trên địa bàn tỉnh Lâm Đồng", "Lâm Đồng"),
    # what names no locality of the issuer gives None
    ("KẾ HOẠCH\nThực hiện Kế hoạch số 54-KH/TU của Ban Thường vụ Tỉnh ủy Đồng Nai, Ủy ban nhân dân tỉnh ban hành", None),
    ("ĐẢNG BỘ TỈNH QUẢNG NGÃI\nHUYỆN ỦY SƠN TỊNH\n\nSơn Tịnh, ngày 3 tháng 2 năm 2024", None),  # district not listed
    ("ĐẢNG BỘ TỈNH ĐỒNG NAI\nTHÀNH ỦY\n\nLong Khánh, ngày 1 tháng 4 năm 2024", None),
    ("Long Khánh, ngày 5 tháng 3 năm 2024\nKẾ HOẠCH thực hiện … trên địa bàn tỉnh Đồng Nai", None),
    ("THỊ ỦY QUẢNG TRỊ\nKẾ HOẠCH", None),  # thị xã Quảng Trị, not listed: not the province
    ("KẾ HOẠCH\nthực hiện Nghị quyết số 42-NQ/TW về chính sách xã hội", None),
    ("", None),
])
def test_locality_of_headers(text, key):
    place = locality_of(text)
    assert (place.key if place else None) == key


def test_locality_within_a_province_is_reported_but_not_guessed():
    loc = read_locality("ĐẢNG BỘ TỈNH QUẢNG NGÃI\nHUYỆN ỦY SƠN TỊNH")
    assert loc.within and loc.place.name == "Quảng Ngãi" and loc.source == "header"


# ---------------------------------------------------------------- every match in the bundled plans

# Read one by one in the plans (context printed on failure): each is a real mention of the place.
PLAN_MATCHES = {
    "000": [("thành phố Biên Hòa", "Đồng Nai/thành phố Biên Hòa"),  # title: "trên địa bàn thành phố Biên Hòa"
            ("tỉnh Đồng Nai", "Đồng Nai"),  # "… trên địa bàn tỉnh Đồng Nai." (the province's plan it implements)
            ("thành phố Biên Hòa", "Đồng Nai/thành phố Biên Hòa")],  # "… trên địa bàn thành phố Biên Hòa."
    "001": [("Đức Phổ", "Quảng Ngãi/thị xã Đức Phổ"),  # "Đức Phổ, ngày tháng 3 năm 2024"
            ("Quảng Ngãi", "Quảng Ngãi"),  # "Chương trình số 43-Ctr/TU … của Tỉnh ủy Quảng Ngãi"
            ("Đức Phổ", "Quảng Ngãi/thị xã Đức Phổ"),  # "Thị ủy Đức Phổ ban hành Chương trình"
            ("thị xã Đức Phổ", "Quảng Ngãi/thị xã Đức Phổ"),  # "Đảng bộ thị xã Đức Phổ lần thứ XXI"
            ("Thị xã Đức Phổ", "Quảng Ngãi/thị xã Đức Phổ"),  # "Thị xã Đức Phổ đã và đang thực hiện"
            ("Đức Phổ", "Quảng Ngãi/thị xã Đức Phổ"),  # "con người Đức Phổ đáp ứng yêu cầu"
            ("Đức Phổ", "Quảng Ngãi/thị xã Đức Phổ"),  # "bản sắc văn hóa con người Đức Phổ"
            ("Quảng Ngãi", "Quảng Ngãi")],  # phong trào "Quảng Ngãi vì người nghèo"
    "002": [],
    "003": [("Đồng Nai", "Đồng Nai")] + [("tỉnh Đồng Nai", "Đồng Nai")] * 10,  # date line; "trên địa bàn", "quy hoạch tỉnh"
    "004": [("Bắc Giang", "Bắc Giang")] * 6  # "con người Việt Nam, Bắc Giang", "lao động Bắc Giang", two colleges …
    + [("tỉnh Bắc Giang", "Bắc Giang"), ("tỉnh Thái Nguyên", "Thái Nguyên"), ("Lạng Sơn", "Lạng Sơn"),
       ("Bắc Giang", "Bắc Giang")],  # "… của tỉnh Thái Nguyên và Lạng Sơn"; "thể lực người Bắc Giang"
}


@pytest.mark.parametrize("short", sorted(PLAN_MATCHES))
def test_every_match_in_the_bundled_plans(short):
    text = DOCS[short].read_text(encoding="utf-8")
    found = find_places(text)
    listing = "\n".join(f"{m.place.key:32} {text[max(0, m.start - 50):m.end + 30]!r}" for m in found)
    assert [(m.text, m.place.key) for m in found] == PLAN_MATCHES[short], listing


def test_provinces_named():
    assert provinces_named(DOCS["004"].read_text(encoding="utf-8")) == ["Bắc Giang", "Thái Nguyên", "Lạng Sơn"]
    assert provinces_named("Tư tưởng Hồ Chí Minh; TP.HCM, Bình Dương và TP. Hồ Chí Minh") == ["Hồ Chí Minh", "Bình Dương"]
    assert provinces_named("thành phố Biên Hòa") == []  # a district is not a province
    assert Counter(provinces_named(DOCS["002"].read_text(encoding="utf-8"))) == Counter()
