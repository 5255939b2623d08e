"""A question naming a place is answered from that place's own plans first, then from those of the units
above and below it (service.places.TIERS); keyword search only, no model."""

from __future__ import annotations

import pytest

from service import Library, Paths, places

DISTRICT = """ĐẢNG BỘ TỈNH ĐỒNG NAI
THÀNH ỦY BIÊN HÒA
*
Số: 12-KH/TU

Biên Hòa, ngày 3 tháng 4 năm 2024

KẾ HOẠCH

thực hiện chính sách xã hội trên địa bàn thành phố Biên Hòa

I. MỤC TIÊU

1. Đến năm 2030, cùng với việc phát triển văn hóa, thể thao và du lịch của thành phố, phấn đấu tỷ lệ thất
nghiệp chung dưới 2%, bảo đảm đời sống của người dân ổn định và từng bước được nâng cao.
"""

PROVINCE = """ỦY BAN NHÂN DÂN
TỈNH ĐỒNG NAI

Số: 100/KH-UBND

Đồng Nai, ngày 1 tháng 2 năm 2024

KẾ HOẠCH

thực hiện chính sách xã hội trên địa bàn tỉnh Đồng Nai

I. MỤC TIÊU

1. Tỷ lệ thất nghiệp chung dưới 3%.
"""


@pytest.fixture
def lib(tmp_path) -> Library:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bien_hoa.txt").write_text(DISTRICT, encoding="utf-8")
    (corpus / "dong_nai.txt").write_text(PROVINCE, encoding="utf-8")
    lib = Library(Paths(corpus, tmp_path / "index", tmp_path / "cache"), dense=False)
    lib.build()
    return lib


def _order(lib, question):
    return [h.document.id for h in lib.search(question, k=5).hits]


def test_the_place_asked_answers_before_its_province_and_its_districts(lib):
    assert lib.document("bien_hoa").meta.place_key == "Đồng Nai/thành phố Biên Hòa"
    assert _order(lib, "tỷ lệ thất nghiệp chung Biên Hòa") == ["bien_hoa", "dong_nai"]
    assert _order(lib, "tỷ lệ thất nghiệp chung Đồng Nai") == ["dong_nai", "bien_hoa"]
    hits = lib.search("tỷ lệ thất nghiệp chung Biên Hòa", k=1).hits
    assert len(hits) == 1 and hits[0].rank == 1


def test_without_tiers_the_province_plan_would_answer_a_district_question(lib, monkeypatch):
    """What the tiers fixed: the place words are not searched, so the province's plan, which says the same
    in fewer words, outranked the district's own."""
    monkeypatch.setattr(places, "TIERS", (("self", "predecessor", "inside", "parent"),))
    assert _order(lib, "tỷ lệ thất nghiệp chung Biên Hòa") == ["dong_nai", "bien_hoa"]


def test_ranks_are_renumbered_across_tiers(lib):
    hits = lib.search("tỷ lệ thất nghiệp chung Biên Hòa", k=5).hits
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
