"""Metadata of the five plans (ingest.metadata), every field written down by reading each plan's header,
preamble, goals and signature; fields a plan does not state must be empty."""

from __future__ import annotations

from dataclasses import fields

import pytest

from ingest import DocumentMeta, citation, document_from, issuer
from ingest.loaders import Source

EMPTY = {"number": "", "code": "", "place": "", "date": "", "year": "", "period": "", "vision_year": "",
         "signer": "", "locality": "", "place_key": "", "province": ""}

EXPECTED = {
    # No "Số:" line and no place/date line; the preamble says "Ban Chấp hành Đảng bộ thành phố xây dựng kế
    # hoạch", the subtitle "… trên địa bàn thành phố Biên Hòa"; goals to 2030, "3. Tầm nhìn đến năm 2045".
    "000": {**EMPTY, "kind": "Kế hoạch", "draft": False, "locality": "thành phố Biên Hòa",
            "issuing_body": "Ban Chấp hành Đảng bộ thành phố", "implements": ("42-NQ/TW", "19-KH/TW", "332-KH/TU"),
            "signer": "Huỳnh Tấn Đạt", "target_year": "2030", "vision_year": "2045",
            "place_key": "Đồng Nai/thành phố Biên Hòa", "province": "Đồng Nai"},
    # "Số: -CTr/TU" (number left blank), "Đức Phổ, ngày tháng 3 năm 2024" (no day), "DỰ THẢO", "CHƯƠNG TRÌNH
    # HÀNH ĐỘNG"; "Thị ủy Đức Phổ ban hành Chương trình"; "Chương trình số 43-Ctr/TU" of the province; the
    # signature block has no name.
    "001": {**EMPTY, "kind": "Chương trình hành động", "draft": True, "code": "CTr/TU", "place": "Đức Phổ",
            "locality": "Đức Phổ", "date": "2024-03", "year": "2024", "issuing_body": "Thị ủy Đức Phổ",
            "implements": ("42-NQ/TW", "19-KH/TW", "43-CTr/TU"), "target_year": "2030", "vision_year": "2045",
            "place_key": "Quảng Ngãi/thị xã Đức Phổ", "province": "Quảng Ngãi"},
    # No number, place or date (the "tudtc-20/10/2021 16:59:28" print stamp is not a date); the city is never
    # named; "giai đoạn 2012-2020" is the period of the resolution it implements, not its own; "Phấn đấu đến năm
    # 2025" in II. MỤC TIÊU.
    "002": {**EMPTY, "kind": "Kế hoạch", "draft": False, "issuing_body": "Ban Thường vụ Thành ủy",
            "implements": ("92-KL/TW",), "signer": "Lương Nguyễn Minh Triết", "target_year": "2025"},
    # "Số: 9491 /KH-UBND", "Đồng Nai, ngày 10 tháng 8 năm 2021"; "Ủy ban nhân dân tỉnh ban hành Kế hoạch";
    # "1. Thời gian thực hiện: Giai đoạn 2021 - 2025"; signed "Võ Văn Phi".
    "003": {**EMPTY, "kind": "Kế hoạch", "draft": False, "number": "9491/KH-UBND", "code": "KH-UBND",
            "place": "Đồng Nai", "locality": "Đồng Nai", "date": "2021-08-10", "year": "2021",
            "issuing_body": "Ủy ban nhân dân tỉnh", "implements": ("54-KH/TU", "92-KL/TW"), "signer": "Võ Văn Phi",
            "period": "2021-2025", "target_year": "2025", "place_key": "Đồng Nai", "province": "Đồng Nai"},
    # No header lines; "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch"; the province is not stated as the plan's own
    # (the text names Bắc Giang in passing); goals to 2030, vision 2045; signed "Lê Thị Thu Hồng".
    "004": {**EMPTY, "kind": "Kế hoạch", "draft": False, "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "implements": ("42-NQ/TW", "19-KH/TW"), "signer": "Lê Thị Thu Hồng", "target_year": "2030",
            "vision_year": "2045"},
}
FIELDS = ["kind", "draft", "number", "code", "place", "locality", "date", "year", "issuing_body", "implements",
          "signer", "period", "target_year", "vision_year", "place_key", "province"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("short", sorted(EXPECTED))
def test_metadata_field(short, field, docs):
    assert getattr(docs[short].meta, field) == EXPECTED[short][field]


@pytest.mark.parametrize("short", sorted(EXPECTED))
def test_metadata_has_no_unexpected_fields_and_right_types(short, docs):
    meta = docs[short].meta
    assert set(FIELDS) | {"title", "provinces_named", "converted", "page_starts", "ocr_pages"} == {
        f.name for f in fields(meta)}
    assert isinstance(meta.draft, bool) and isinstance(meta.implements, tuple)
    assert isinstance(meta.provinces_named, tuple)
    assert all(isinstance(getattr(meta, f), str) for f in FIELDS if f not in ("draft", "implements"))
    assert DocumentMeta.from_dict(meta.to_dict()) == meta


@pytest.mark.parametrize("short,provinces", [
    ("000", ["Đồng Nai"]),
    ("001", ["Quảng Ngãi"]),
    ("002", []),
    ("003", ["Đồng Nai"]),
    ("004", ["Bắc Giang", "Lạng Sơn", "Thái Nguyên"]),  # Bắc Giang 8 times, the others once
])
def test_provinces_named_most_often_first(short, provinces, docs):
    got = list(docs[short].meta.provinces_named)
    assert got[:1] == provinces[:1]
    assert sorted(got) == sorted(provinces)


@pytest.mark.parametrize("short,cited", [
    ("000", "Kế hoạch của Ban Chấp hành Đảng bộ thành phố Biên Hòa, tỉnh Đồng Nai"),
    ("001", "Dự thảo chương trình hành động tháng 3/2024 của Thị ủy Đức Phổ, tỉnh Quảng Ngãi"),
    ("002", "Kế hoạch của Ban Thường vụ Thành ủy"),
    ("003", "Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của Ủy ban nhân dân tỉnh Đồng Nai"),
    ("004", "Kế hoạch của Ban Thường vụ Tỉnh ủy"),  # names Bắc Giang 8 times, but not as its issuer: not guessed
])
def test_citation(short, cited, docs):
    assert citation(docs[short].meta) == cited


TITLES = {
    "000": "Kế hoạch thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023, Kế hoạch số 19-KH/TW ngày 27/11/2023 của "
           "Ban Chấp hành Trung ương Đảng và Kế hoạch số 332-KH/TU ngày 20/3/2024 của Ban Chấp hành Đảng bộ tỉnh về "
           "“tiếp tục đổi mới, nâng cao chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây dựng và bảo vệ "
           "Tổ quốc trong giai đoạn mới” trên địa bàn thành phố Biên Hòa",
    "002": "Kế hoạch thực hiện Kết luận số 92-KL/TW ngày 05/11/2020 của Bộ Chính trị về tiếp tục thực hiện Nghị "
           "quyết Hội nghị Trung ương 5 (khóa XI) một số vấn đề về chính sách xã hội giai đoạn 2012-2020",
}


# 001, 003, 004 are regressions: their subtitle line (over 150 characters, no final stop) was joined to the
# preamble paragraph after it ('Thực hiện …, cụ thể như sau:'), so meta['title'] held the whole preamble.
@pytest.mark.parametrize("short,ends", [
    ("000", "trên địa bàn thành phố Biên Hòa"),
    ("001", "trong giai đoạn mới"),
    ("002", "chính sách xã hội giai đoạn 2012-2020"),
    ("003", "(giai đoạn 2021 - 2025)"),
    ("004", "trong giai đoạn mới"),
])
def test_title_is_kind_and_subtitle_only(short, ends, docs):
    meta = docs[short].meta
    assert meta.title.startswith(meta.kind + " ")
    assert meta.title.endswith(ends)
    if short in TITLES:
        assert meta.title == TITLES[short]


# -- synthetic headers ---------------------------------------------------------------------------------------
def meta_of(text: str) -> DocumentMeta:
    doc, _ = document_from(Source("syn", text, "syn.txt", "txt"))
    return doc.meta


BODY = "\n\nI. MỤC TIÊU\n\n1. Mục tiêu cụ thể\n\nĐến năm 2030, xây dựng 15 kho lạnh bảo quản nông sản.\n"
FULL = ("ỦY BAN NHÂN DÂN\nTỈNH BÌNH PHƯỚC\n\nSố: 123/KH-UBND\n\nBình Phước, ngày 5 tháng 3 năm 2025\n\nKẾ HOẠCH\n\n"
        "Phát triển hệ thống kho lạnh bảo quản nông sản\n\nThực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban "
        "Chấp hành Trung ương Đảng, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:" + BODY +
        "\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n\n\nTrần Tuệ Hiền\n")


def test_full_header():
    m = meta_of(FULL)
    assert {k: getattr(m, k) for k in FIELDS} == {
        "kind": "Kế hoạch", "draft": False, "number": "123/KH-UBND", "code": "KH-UBND", "place": "Bình Phước",
        "locality": "Bình Phước", "date": "2025-03-05", "year": "2025", "issuing_body": "Ủy ban nhân dân tỉnh",
        "implements": ("42-NQ/TW",), "signer": "Trần Tuệ Hiền", "period": "", "target_year": "2030",
        "vision_year": "", "place_key": "Bình Phước", "province": "Bình Phước",
    }
    assert citation(m) == "Kế hoạch số 123/KH-UBND ngày 5/3/2025 của Ủy ban nhân dân tỉnh Bình Phước"
    assert issuer(m) == "Ủy ban nhân dân tỉnh Bình Phước"


def test_nothing_stated_means_everything_empty():
    m = meta_of("Một đoạn văn bản ngắn về nước sạch nông thôn, không có tiêu đề.")
    assert {k: getattr(m, k) for k in FIELDS if k != "draft"} == {k: () if k == "implements" else ""
                                                                  for k in FIELDS if k != "draft"}
    assert m.draft is False
    assert citation(m) == "Văn bản"


@pytest.mark.parametrize("header,field,value", [
    ("Số:    /KH-UBND", "number", ""),
    ("Số:    /KH-UBND", "code", "KH-UBND"),
    ("Số: 12-KH/TU", "number", "12-KH/TU"),
    ("Hà Nội, ngày    tháng 3 năm 2024", "date", "2024-03"),
    ("Hà Nội, ngày 07 tháng 01 năm 2024", "date", "2024-01-07"),
    ("Hà Nội, ngày 07 tháng 01 năm 2024", "place", "Hà Nội"),
    ("Hà Nội, ngày    tháng    năm 2024", "date", "2024"),
])
def test_header_line_variants(header, field, value):
    m = meta_of(f"{header}\n\nKẾ HOẠCH\n\nVề nước sạch nông thôn" + BODY)
    assert getattr(m, field) == value


def test_draft_programme():
    m = meta_of("DỰ THẢO\n\nCHƯƠNG TRÌNH\n\nVề nước sạch nông thôn" + BODY)
    assert (m.kind, m.draft) == ("Chương trình", True)
    assert citation(m) == "Dự thảo chương trình"


def test_own_number_is_not_in_what_it_implements():
    m = meta_of("Số: 12-KH/TU\n\nKẾ HOẠCH\n\nThực hiện Kết luận số 92-KL/TW, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch "
                "số 12-KH/TU như sau:" + BODY)
    assert m.implements == ("92-KL/TW",)
    assert m.issuing_body == "Ban Thường vụ Tỉnh ủy"


@pytest.mark.parametrize("goal,target,vision,period", [
    ("II. MỤC TIÊU\n\n1. Mục tiêu đến năm 2030, tầm nhìn đến năm 2045\n\nNội dung.", "2030", "2045", ""),
    ("II. MỤC TIÊU\n\nPhấn đấu đến năm 2025 đạt 95%.", "2025", "", ""),
    ("II. THỜI GIAN\n\nThời gian thực hiện: giai đoạn 2021 - 2025.", "", "", "2021-2025"),
])
def test_period_target_and_vision(goal, target, vision, period):
    m = meta_of(f"KẾ HOẠCH\n\nVề nước sạch\n\nI. MỤC ĐÍCH\n\nNội dung mục đích.\n\n{goal}\n")
    assert (m.target_year, m.vision_year, m.period) == (target, vision, period)


def test_print_stamp_is_not_the_signer_or_a_date():
    m = meta_of("KẾ HOẠCH\n\nVề nước sạch" + BODY + "\n\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nNguyễn Thị Lan\n\n"
                "tudtc-20/10/2021 16:59:28-tudtc")
    assert m.signer == "Nguyễn Thị Lan"
    assert m.date == ""


# -- the issuer named with its locality and parent (issue 8) --------------------------------------------------
@pytest.mark.parametrize("header,body,cited", [
    ("TỈNH ỦY BẮC GIANG\n\nSố: 15-CTr/TU\n\nBắc Giang, ngày 5 tháng 3 năm 2024\n\nCHƯƠNG TRÌNH HÀNH ĐỘNG",
     "Ban Thường vụ Tỉnh ủy xây dựng chương trình hành động như sau:",
     "Chương trình hành động số 15-CTr/TU ngày 5/3/2024 của Ban Thường vụ Tỉnh ủy Bắc Giang"),
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ BIÊN HÒA\n\nSố: 77/KH-UBND\n\nBiên Hòa, ngày 2 tháng 4 năm 2024\n\nKẾ HOẠCH",
     "Thực hiện Nghị quyết số 42-NQ/TW, Ủy ban nhân dân thành phố ban hành Kế hoạch như sau:",
     "Kế hoạch số 77/KH-UBND ngày 2/4/2024 của Ủy ban nhân dân thành phố Biên Hòa, tỉnh Đồng Nai"),
    ("THỊ ỦY ĐỨC PHỔ\n\nSố: 10-KH/TU\n\nĐức Phổ, ngày 2 tháng 4 năm 2024\n\nKẾ HOẠCH",
     "Ban Thường vụ Thị ủy ban hành Kế hoạch như sau:",
     "Kế hoạch số 10-KH/TU ngày 2/4/2024 của Ban Thường vụ Thị ủy Đức Phổ, tỉnh Quảng Ngãi"),
    ("ỦY BAN NHÂN DÂN\nPHƯỜNG BIÊN HÒA\n\nSố: 5/KH-UBND\n\nBiên Hòa, ngày 2 tháng 4 năm 2024\n\nKẾ HOẠCH",
     "Ủy ban nhân dân phường ban hành Kế hoạch như sau:",
     "Kế hoạch số 5/KH-UBND ngày 2/4/2024 của Ủy ban nhân dân phường Biên Hòa, tỉnh Đồng Nai"),  # commune level
    ("KẾ HOẠCH", "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch như sau:", "Kế hoạch của Ban Thường vụ Tỉnh ủy"),
])
def test_issuer_with_locality_and_parent(header, body, cited):
    assert citation(meta_of(f"{header}\n\nVề chính sách xã hội\n\n{body}" + BODY)) == cited
