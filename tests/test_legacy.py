"""Legacy Vietnamese encodings (ingest.legacy, ingest.docx_runs): every letter with every tone round trip in
TCVN3, VNI, VIQR and CP1258; the published spellings; detection in .txt files and in Word runs; mojibake
put right or refused with a message."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

import ingest
from ingest.legacy import (
    LegacyError,
    cp1258_decode,
    cp1258_encode,
    decode_bytes,
    repair,
    tcvn3_decode,
    tcvn3_encode,
    viqr_decode,
    viqr_encode,
    vni_decode,
    vni_encode,
)
from ingest.loaders import IngestError, read

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
VOWELS = "aăâeêioôơuưy"
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
UPPER = [c.upper() for c in LOWER]
ALL = LOWER + UPPER
SENTENCE = ("Kế hoạch thực hiện Nghị quyết số 42-NQ/TW của Ban Chấp hành Trung ương về tiếp tục đổi mới, nâng cao "
            "chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây dựng và bảo vệ Tổ quốc trong giai đoạn mới.")


def test_the_alphabet_is_complete():
    assert len(LOWER) == 12 * 6 + 1 == 73 and len(set(ALL)) == 146
    assert all(len(c) == 1 for c in ALL)  # every one has a precomposed form


# -- round trips on every letter with every tone -------------------------------------------------------
def test_tcvn3_round_trip_lower_case_and_its_capitals():
    text = " ".join(LOWER) + " Ă Â Ê Ô Ơ Ư Đ"
    assert tcvn3_decode(tcvn3_encode(text)) == text
    assert all(len(tcvn3_encode(c)) == 1 for c in LOWER)  # one byte per letter


def test_tcvn3_capitals_with_tones_are_the_lower_case_codes_in_a_capitals_font():
    encoded = tcvn3_encode(" ".join(LOWER))
    assert tcvn3_decode(encoded, capitals=True) == " ".join(UPPER)
    with pytest.raises(ValueError, match="TCVN3 has no code"):
        tcvn3_encode("Ế")


@pytest.mark.parametrize("encode,decode", [(vni_encode, vni_decode), (cp1258_encode, cp1258_decode)],
                         ids=["VNI", "CP1258"])
def test_byte_encodings_round_trip_every_letter(encode, decode):
    for letter in ALL:
        for word in (letter, f"b{letter}n", f"ng{letter}"):
            assert unicodedata.normalize("NFC", decode(encode(word))) == word, (letter, encode(word))
    text = " ".join(ALL)
    assert unicodedata.normalize("NFC", decode(encode(text))) == text


def test_viqr_round_trips_every_letter_inside_a_word_and_before_a_lower_case_word():
    for letter in ALL:
        for text in (f"b{letter}n", f"x {letter} xa", f"{letter}nh"):
            assert viqr_decode(viqr_encode(text)) == text, (text, viqr_encode(text))


# -- the published spellings (not our encoders) ----------------------------------------------------------
@pytest.mark.parametrize("encoded,decode", [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam".encode("cp1252"), tcvn3_decode),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".encode("cp1252"), vni_decode),
    (b"Co^.ng ho`a xa~ ho^.i chu? nghi~a Vie^.t Nam", lambda b: viqr_decode(b.decode())),
])
def test_the_motto_as_each_standard_spells_it(encoded, decode):
    assert unicodedata.normalize("NFC", decode(encoded)) in ("Cộng hoà xã hội chủ nghĩa Việt Nam",
                                                              "Cộng hòa xã hội chủ nghĩa Việt Nam")


def test_vni_capitals_as_printed_in_old_headers():
    assert vni_decode("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM".encode("cp1252")) == \
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_viqr_dot_and_question_mark_end_a_sentence_before_a_capital():
    assert viqr_decode("Ha` No^.i. Ddi dda^u?") == "Hà Nội. Đi đâu?"  # as people type it, unescaped
    assert viqr_decode("nhie^.m vu. cu. the^?, ke^'t qua?; tri.)") == "nhiệm vụ cụ thể, kết quả; trị)"
    assert viqr_decode("Ha` No^.i\\. Ddi dda^u\\?") == "Hà Nội. Đi đâu?"  # escaped, as RFC 1456 writes it
    assert viqr_encode("Hà Nội. Đi đâu?") == "Ha` No^.i\\. DDi dda^u\\?"


# -- detection ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def plan() -> str:
    return (CORPUS / "003_9a9075a511bddb73.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,encode", [
    ("TCVN3", lambda t: tcvn3_encode(t.lower())), ("VNI", vni_encode), ("CP1258", cp1258_encode),
    ("VIQR", lambda t: viqr_encode(t).encode("ascii")),
])
def test_a_real_plan_in_each_encoding_is_detected_and_converted(plan, name, encode):
    text = plan[:6000]
    if name == "TCVN3":
        text = text.lower()
    assert decode_bytes(encode(text)) == (text, f"{name} → Unicode")


def test_utf8_and_utf16_pass_unchanged(plan):
    assert decode_bytes(plan.encode("utf-8")) == (plan, "")
    assert decode_bytes(plan.encode("utf-16")) == (plan, "")
    ascii_text = "Ke hoach trien khai nam 2024 (khong dau). Plan for the province."
    assert decode_bytes(ascii_text.encode()) == (ascii_text, "")


def test_unreadable_bytes_are_refused_naming_every_encoding_tried():
    with pytest.raises(LegacyError) as err:
        decode_bytes("Größe des Wassers: café au lait, très bien. Ça va? Déjà vu.".encode("latin-1"))
    for name in ("UTF-8", "UTF-16", "TCVN3", "VNI", "VIQR", "CP1258"):
        assert name in str(err.value)


# -- mojibake -------------------------------------------------------------------------------------------
def test_the_issues_examples_are_put_right():
    text, note = repair("KÕ ho¹ch thùc hiÖn NghÞ quyÕt sè 42-NQ/TW cña Ban ChÊp hµnh Trung ­¬ng vÒ tiÕp tôc ®æi míi")
    assert text == "Kế hoạch thực hiện Nghị quyết số 42-NQ/TW của Ban Chấp hành Trung ương về tiếp tục đổi mới"
    assert note == "TCVN3 read as cp1252 (mojibake) → Unicode"


def _cp1252_view(data: bytes) -> str:
    """Bytes as Windows shows them in a cp1252 program (its five undefined bytes pass through)."""
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b) for b in data)


@pytest.mark.parametrize("name,garble", [
    ("TCVN3", lambda t: tcvn3_encode(t.lower()).decode("cp1252")),
    ("VNI", lambda t: vni_encode(t).decode("cp1252")),
    ("UTF-8", lambda t: _cp1252_view(t.encode())),
])
def test_mojibake_of_each_kind_is_put_right(name, garble):
    text = SENTENCE.lower() if name == "TCVN3" else SENTENCE
    assert repair(garble(text)) == (text, f"{name} read as cp1252 (mojibake) → Unicode")


def test_mojibake_no_reading_puts_right_is_refused():
    mangled = "KÕ ho¹ch thùc hiÖn NghÞ quyÕt sè cña Ban ChÊp hµnh Trung ­¬ng vÒ tiÕp tôc ®æi míi".replace("Õ", "€")
    mangled += " Tiếng"  # a letter beyond cp1252: no single code page produced this
    with pytest.raises(LegacyError, match="mojibake"):
        repair(mangled)


def test_real_vietnamese_and_other_languages_are_left_alone(plan):
    assert repair(plan) == (plan, "")
    french = "Le café est très bon, à la française. Où est la bibliothèque? Ça va très bien, déjà."
    assert repair(french) == (french, "")


# -- in files -------------------------------------------------------------------------------------------
def test_tcvn3_text_file_keeps_its_number_date_and_issuer(plan, tmp_path):
    (tmp_path / "utf8.txt").write_text(plan, encoding="utf-8")
    (tmp_path / "vni.txt").write_bytes(vni_encode(plan))
    (tmp_path / "moji.txt").write_text(vni_encode(plan).decode("cp1252"), encoding="utf-8")
    corpus = ingest.load(tmp_path)
    assert not corpus.errors
    docs = {d.id: d for d in corpus.documents}
    assert docs["vni"].text == docs["utf8"].text == docs["moji"].text
    assert docs["vni"].meta.converted == "VNI → Unicode"
    assert docs["moji"].meta.converted == "VNI read as cp1252 (mojibake) → Unicode"
    for d in ("vni", "moji"):
        assert (docs[d].meta.number, docs[d].meta.date, docs[d].meta.issuer) == \
            (docs["utf8"].meta.number, docs["utf8"].meta.date, docs["utf8"].meta.issuer) != ("", "", "")


def test_unreadable_text_file_is_refused_with_the_encodings_tried(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Größe des Wassers: café au lait, très bien. Ça va? Déjà vu.".encode("latin-1"))
    with pytest.raises(IngestError, match="tried UTF-8, UTF-16, TCVN3, VNI, VIQR, CP1258"):
        read(path)


def _run(paragraph, text: str, font: str | None = None):
    run = paragraph.add_run(text)
    if font:
        run.font.name = font
    return run


def _tracked(paragraph, tag: str, text: str) -> None:
    """A tracked insertion (w:ins) or deletion (w:del) holding one run."""
    change = OxmlElement(tag)
    change.set(qn("w:id"), "1")
    change.set(qn("w:author"), "A")
    r, t = OxmlElement("w:r"), OxmlElement("w:delText" if tag == "w:del" else "w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.append(t)
    change.append(r)
    paragraph._p.append(change)


def test_word_runs_in_legacy_fonts_are_converted_and_noted(tmp_path):
    doc = Docx()
    _run(doc.add_paragraph(), tcvn3_encode("kế hoạch").decode("cp1252"), ".VnTimeH")
    p = doc.add_paragraph()
    _run(p, "Số: 12/KH-UBND, ")
    _run(p, tcvn3_encode("thực hiện nghị quyết").decode("cp1252"), ".VnTime")
    _run(p, " và ")
    _run(p, vni_encode("Chương trình hành động").decode("cp1252"), "VNI-Times")
    q = doc.add_paragraph()
    _run(q, "Đạt 90%")
    _tracked(q, "w:del", " (bỏ)")
    _tracked(q, "w:ins", " trong năm 2025")
    style = doc.styles.add_style("Cũ", 1)  # a paragraph style in .VnArial: its runs inherit the font
    style.font.name = ".VnArial"
    doc.add_paragraph(tcvn3_encode("tỉnh Đồng Nai").decode("cp1252"), style="Cũ")
    table = doc.add_table(rows=1, cols=1)
    _run(table.cell(0, 0).paragraphs[0], vni_encode("Bảng số liệu").decode("cp1252"), "VNI-Helve")
    doc.save(tmp_path / "cu.docx")
    [source] = read(tmp_path / "cu.docx")
    assert source.text.split("\n\n") == [
        "KẾ HOẠCH", "Số: 12/KH-UBND, thực hiện nghị quyết và Chương trình hành động", "Đạt 90% trong năm 2025",
        "tỉnh Đồng Nai", "Bảng số liệu"]
    assert source.note == "TCVN3 → Unicode in 3 runs; VNI → Unicode in 2 runs; tracked changes accepted"


def test_a_modern_docx_is_read_as_before(tmp_path):
    doc = Docx()
    doc.add_paragraph("Kế hoạch số 5 — “trích dẫn” ½ x² ©")
    doc.save(tmp_path / "moi.docx")
    [source] = read(tmp_path / "moi.docx")
    assert source.text == "Kế hoạch số 5 — “trích dẫn” ½ x² ©" and source.note == ""
