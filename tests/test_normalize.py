"""Vietnamese normalisation (vntext.normalize) and index terms (vntext.terms), as tables of cases.

Expected spellings are the "new" tone placement and the i-form of i/y variants, written out by hand.
"""

from __future__ import annotations

import unicodedata

import pytest

from vntext.normalize import fold, normalize
from vntext.terms import folded_terms, query_expansion, syllable_runs, terms

# (input, expected normalize(input))
SPELLINGS = [
    # old tone placement on open oa / oe / uy rimes -> new placement
    ("hoà", "hòa"),
    ("Hoà Bình", "Hòa Bình"),
    ("HOÀ", "HÒA"),
    ("hoá", "hóa"),
    ("hoạ", "họa"),
    ("toà án", "tòa án"),
    ("thuỷ lợi", "thủy lợi"),
    ("Thuỷ", "Thủy"),
    ("uỷ ban", "ủy ban"),
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ("UỶ BAN", "ỦY BAN"),
    ("tuỳ", "tùy"),
    ("thuỵ", "thụy"),
    ("luỹ kế", "lũy kế"),
    ("khoẻ", "khỏe"),
    ("sức khoẻ", "sức khỏe"),
    ("xoè", "xòe"),
    # already new style: unchanged
    ("hòa", "hòa"),
    ("thủy", "thủy"),
    ("ủy ban", "ủy ban"),
    # after "q" the u is part of the consonant: never moved
    ("quý", "quý"),
    ("Quý", "Quý"),
    ("quỷ", "quỷ"),
    ("quả", "quả"),
    ("quỳnh", "quỳnh"),
    # closed syllables and rimes where the tone already sits right: unchanged
    ("hoàn thành", "hoàn thành"),
    ("ngoài", "ngoài"),
    ("huệ", "huệ"),
    ("thuế", "thuế"),
    ("khuỷu", "khuỷu"),
    ("khuya", "khuya"),
    ("mùa", "mùa"),
    # i/y after a consonant in an open syllable -> i
    ("tỷ lệ", "tỉ lệ"),
    ("Tỷ lệ", "Tỉ lệ"),
    ("TỶ LỆ", "TỈ LỆ"),
    ("tỉ lệ", "tỉ lệ"),
    ("kỹ năng", "kĩ năng"),
    ("kĩ năng", "kĩ năng"),
    ("kỳ họp", "kì họp"),
    ("Mỹ", "Mĩ"),
    # "lý luận": the y becomes i and the ậ of "luận" keeps both its marks where they are
    ("lý luận", "lí luận"),
    ("Lý luận chính trị", "Lí luận chính trị"),
    ("luận", "luận"),
    ("thuận lợi", "thuận lợi"),
    # a y that is a syllable on its own, or not after a consonant: unchanged
    ("y tế", "y tế"),
    ("ý kiến", "ý kiến"),
    ("sự ỷ lại", "sự ỷ lại"),
    # abbreviations and codes are not words: unchanged
    ("BHYT", "BHYT"),
    ("42-NQ/TW", "42-NQ/TW"),
    ("9491/KH-UBND", "9491/KH-UBND"),
    # punctuation, digits and spacing are kept
    ("Tỷ lệ: 92%; hoà nhập.", "Tỉ lệ: 92%; hòa nhập."),
]


@pytest.mark.parametrize("text,expected", SPELLINGS)
def test_normalize_spelling(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text,expected", SPELLINGS)
def test_normalize_decomposed_input_gives_the_same_nfc(text, expected):
    nfd = unicodedata.normalize("NFD", text)
    out = normalize(nfd)
    assert out == expected
    assert unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize("text", [t for t, _ in SPELLINGS])
def test_normalize_is_idempotent_and_keeps_length_in_nfc(text):
    once = normalize(text)
    assert normalize(once) == once
    # only marks move or y becomes i: the NFC text keeps its number of characters
    assert len(once) == len(unicodedata.normalize("NFC", text))


def test_normalize_nfd_document_text_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Tỉ lệ dân số được cấp nước sạch đạt 92%")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert normalize(nfd) == "Tỉ lệ dân số được cấp nước sạch đạt 92%"


@pytest.mark.parametrize("text,expected", [
    ("Tỷ lệ đạt", "Ty le dat"),
    ("Đồng Nai", "Dong Nai"),
    ("ĐỒNG NAI", "DONG NAI"),
    ("nước sạch nông thôn", "nuoc sach nong thon"),
    ("Ủy ban nhân dân", "Uy ban nhan dan"),
    ("ưu tiên, ơn", "uu tien, on"),
    ("42-NQ/TW", "42-NQ/TW"),
    (unicodedata.normalize("NFD", "mục tiêu"), "muc tieu"),
])
def test_fold(text, expected):
    assert fold(text) == expected


# -- terms: abbreviations both ways ------------------------------------------------------------------
ABBREVIATIONS = [
    ("BHXH", "bảo hiểm xã hội"),
    ("bhxh", "bảo hiểm xã hội"),
    ("BHYT", "bảo hiểm y tế"),
    ("UBND", "ủy ban nhân dân"),
    ("UBND", "Uỷ ban nhân dân"),  # old tone placement in the full form
    ("LĐTBXH", "lao động thương binh và xã hội"),
    ("LĐ-TB&XH", "Lao động - Thương binh và Xã hội"),
    ("KT-XH", "kinh tế - xã hội"),
    ("HĐND", "Hội đồng nhân dân"),
    ("NOXH", "nhà ở xã hội"),
]


@pytest.mark.parametrize("scheme", ["syllable", "syllable_bigram"])
@pytest.mark.parametrize("short,full", ABBREVIATIONS)
def test_abbreviation_yields_its_full_form(short, full, scheme):
    """A query (or document) with the short form has every term of the full form, so each finds the other."""
    got = set(terms(f"tỉ lệ tham gia {short} năm 2025", scheme))
    want = set(terms(full, scheme))
    assert want <= got, want - got
    assert normalize(short).lower() in got or all(p in got for p in syllable_runs(short)[0])


@pytest.mark.parametrize("short,full", ABBREVIATIONS)
def test_full_form_does_not_invent_the_abbreviation(short, full):
    got = terms(full, "syllable")
    assert normalize(short).lower() not in got


@pytest.mark.parametrize("short,full", ABBREVIATIONS[:4])
def test_abbreviation_in_the_folded_view(short, full):
    assert set(folded_terms(fold(full))) <= set(folded_terms(short))


@pytest.mark.parametrize("code,not_expected", [
    ("Nghị quyết số 42-NQ/TW", {"trung", "ương"}),
    ("42-NQ/TW", {"nghị", "quyết", "trung", "ương"}),
    ("Kế hoạch số 19-KH/TW ngày 27/11/2023", {"trung", "ương"}),
    ("Số: 9491/KH-UBND", {"kế", "hoạch", "ủy", "ban", "nhân", "dân"}),
    ("Kết luận số 92-KL/TW", {"trung", "ương"}),
    ("Quyết định số 1016/QĐ-TTg", {"thủ", "tướng"}),
])
def test_document_codes_are_not_expanded(code, not_expected):
    got = set(terms(code, "syllable"))
    assert not (got & not_expected), got & not_expected


def test_codes_keep_their_parts_as_terms():
    got = terms("Nghị quyết số 42-NQ/TW", "syllable")
    assert {"42", "nq", "tw"} <= set(got)


def test_abbreviation_outside_a_code_is_expanded_in_the_same_text():
    got = set(terms("Thực hiện Nghị quyết 42-NQ/TW, UBND tỉnh ban hành kế hoạch", "syllable"))
    assert {"ủy", "ban", "nhân", "dân"} <= got
    assert not {"trung", "ương"} & got


def test_regression_abbreviation_after_code_separated_by_space_is_expanded():
    """Pins that an abbreviation right after a code, separated only by a space, is not taken as part of the code
    (terms('42-NQ/TW UBND tỉnh') once lacked 'ủy ban nhân dân')."""
    got = set(terms("42-NQ/TW UBND tỉnh", "syllable"))
    assert {"ủy", "ban", "nhân", "dân"} <= got


@pytest.mark.parametrize("text,term", [
    ("nhà ở xã hội", "ở"),
    ("người dân ở vùng sâu", "ở"),
    ("y tế cơ sở", "y"),
    ("ý kiến", "ý"),
])
def test_one_letter_words_are_kept(text, term):
    assert term in terms(text, "syllable")
    assert term in terms(text, "syllable_bigram")


def test_bigrams_do_not_cross_punctuation():
    got = terms("nước sạch, nông thôn", "syllable_bigram")
    assert "nước_sạch" in got and "nông_thôn" in got
    assert "sạch_nông" not in got


def test_terms_are_lower_case_normalised_syllables():
    assert terms("Tỷ Lệ HOÀ nhập", "syllable") == ["tỉ", "lệ", "hòa", "nhập"]


def test_folded_terms_match_between_accented_and_plain_text():
    assert folded_terms("mục tiêu nước sạch") == folded_terms("muc tieu nuoc sach")
    assert "muc_tieu" in folded_terms("Mục tiêu")


def test_query_expansion_appends_full_forms_only_when_there_is_an_abbreviation():
    assert query_expansion("tỷ lệ tham gia BHXH") == "tỷ lệ tham gia BHXH (bảo hiểm xã hội)"
    assert query_expansion("nước sạch nông thôn") == "nước sạch nông thôn"
    assert query_expansion("Nghị quyết 42-NQ/TW") == "Nghị quyết 42-NQ/TW"


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown term scheme"):
        terms("nước sạch", "trigram")
