"""present/ (citations, rendering, precedent diff) with vntext.highlight, service.precedent and service.uploads:
highlighting, best sentence, closest wordings, uploads — on the real plans' text."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

import ingest
from present import (
    cite,
    diff_html,
    document_html,
    implements_label,
    plan_label,
    section_label,
    to_html,
)
from present.render import PASSAGE_ID, md_escape
from service.precedent import closest_wordings
from service.uploads import UploadError, check_upload, store_upload
from vntext.highlight import Highlighter, best_sentence
from vntext.tokens import sentences, tokens

ROOT = Path(__file__).resolve().parent.parent
WATER = "Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn đạt 92%"


@pytest.fixture(scope="module")
def corpus():
    return ingest.load(ROOT / "corpus")


@pytest.fixture(scope="module")
def docs(corpus):
    return {d.id: d for d in corpus.documents}


def chunk_with(corpus, text: str, doc_prefix: str = ""):
    found = [c for c in corpus.chunks if text in c.text and c.doc_id.startswith(doc_prefix)]
    assert found, f"no chunk of {doc_prefix or 'the corpus'} contains {text!r}"
    return found[0]


def marked(text: str, spans) -> list[str]:
    return [text[s:e] for s, e in spans]


# -- words and sentences ---------------------------------------------------------------------------
def test_tokens_keep_exact_spans_and_normalise(corpus):
    c = chunk_with(corpus, WATER, "004")
    toks = tokens(c.text)
    assert all(c.text[t.start : t.end] == t.surface for t in toks)
    assert [t.norm for t in tokens("Tỷ lệ hoà")] == ["tỉ", "lệ", "hòa"]
    assert [t.folded for t in tokens("Nước SẠCH")] == ["nuoc", "sach"]


def test_sentences_split_at_clause_ends_and_list_items_not_at_wraps(corpus):
    c = chunk_with(corpus, WATER, "004")
    spans = sentences(c.text)
    texts = marked(c.text, spans)
    assert texts[0].startswith("- " + WATER) and texts[0].endswith("90%);")
    assert texts[1].startswith("100% hộ gia đình")
    assert all(t == t.strip() for t in texts)
    # A line that goes on in lower case is the same sentence; a new list item is a new one.
    wrapped = "Tạo cơ hội cho Nhân dân,\n\nnhất là người nghèo."
    assert sentences(wrapped) == [(0, len(wrapped))]
    assert len(sentences("Mục tiêu:\n- Giảm nghèo.\n- Tăng thu nhập.")) == 3
    assert len(sentences("Tại TP. Hồ Chí Minh có 5 kho.")) == 1


def test_regression_sentence_does_not_start_at_a_lower_case_accented_word():
    """[A-ZĐÀ-Ỹ] once took "đ" for a capital, so "…; đẩy mạnh …" began a new sentence and "…; tăng …" not."""
    clause = "Nâng cao năng lực quản lý; đẩy mạnh cải cách hành chính; tăng cường kiểm tra."
    assert sentences(clause) == [(0, len(clause))]
    assert len(sentences("Nâng cao năng lực. Đẩy mạnh cải cách.")) == 2
    assert len(sentences("Mục tiêu:\nđ) Giảm nghèo.\ne) Tăng thu nhập.")) == 3


# -- highlighting ----------------------------------------------------------------------------------
def test_highlight_with_diacritics_marks_whole_query_words(corpus):
    c = chunk_with(corpus, WATER, "004")
    got = marked(c.text, Highlighter("mục tiêu nước sạch nông thôn 2030").spans(c.text))
    assert "nước sạch" in got and "nông thôn" in got
    # "tiêu" of "mục tiêu" is not marked on its own in "tiêu chuẩn", nor function words.
    assert "tiêu" not in got and "của" not in got


def test_highlight_without_diacritics_matches_folded_syllables(corpus):
    c = chunk_with(corpus, WATER, "004")
    got = marked(c.text, Highlighter("muc tieu nuoc sach nong thon 2030").spans(c.text))
    assert "nước sạch" in got and "nông thôn" in got


def test_accent_free_word_is_marked_in_the_spelling_its_phrase_showed(corpus):
    both = [c for c in corpus.chunks if "nước sạch" in c.text and "chính sách" in c.text]
    assert both
    h = Highlighter("nuoc sach").learn(c.text for c in both)
    for c in both:
        got = marked(c.text, h.spans(c.text))
        assert "nước sạch" in got
        assert not any("sách" in g for g in got), got


def test_highlight_expands_abbreviations_both_ways(corpus):
    full = chunk_with(corpus, "bảo hiểm xã hội")
    assert "bảo hiểm xã hội" in marked(full.text, Highlighter("chỉ tiêu BHXH 2025").spans(full.text))
    short = chunk_with(corpus, "BHXH")
    got = marked(short.text, Highlighter("người tham gia bảo hiểm xã hội").spans(short.text))
    assert "BHXH" in got


def test_highlight_normalises_tone_placement_and_i_y(corpus):
    c = chunk_with(corpus, "Tỷ lệ", "003")
    assert any(g.lower() == "tỷ lệ" for g in marked(c.text, Highlighter("tỉ lệ").spans(c.text)))


# -- best sentence ---------------------------------------------------------------------------------
def test_best_sentence_is_the_answer_not_the_chunk_start(corpus):
    c = chunk_with(corpus, "Tỷ lệ sử dụng nước sạch", "003")
    s, e = best_sentence(c.text, Highlighter("tỉ lệ sử dụng nước sạch 2025"))
    assert s > 0, "the chunk starts with another target (suy dinh dưỡng)"
    assert c.text[s:e].startswith("m) Tỷ lệ sử dụng nước sạch")


def test_best_sentence_falls_back_to_shared_syllables(corpus):
    c = chunk_with(corpus, "Tỷ lệ sử dụng nước sạch", "003")
    h = Highlighter("sạch sẽ")  # one word: "sạch" alone is not marked, but it still points at the answer
    assert h.spans(c.text) == []
    s, e = best_sentence(c.text, h)
    assert c.text[s:e].startswith("m) Tỷ lệ sử dụng nước sạch")


def test_best_sentence_falls_back_to_meaning_when_no_word_matches(corpus):
    c = chunk_with(corpus, WATER, "004")
    n = len(sentences(c.text))
    assert n >= 3
    # No shared word: the semantic scores decide (here, the third sentence scores highest).
    s, e = best_sentence(c.text, Highlighter("xyz"), semantic=lambda ss: [0.1, 0.2, 0.9] + [0.0] * (n - 3))
    assert (s, e) == sentences(c.text)[2]
    assert best_sentence(c.text, Highlighter("xyz")) == sentences(c.text)[0]


# -- rendering -------------------------------------------------------------------------------------
def test_render_escapes_document_text_and_marks_spans():
    text = "Kế hoạch <script>alert(1)</script> **nước sạch** & vệ sinh"
    spans = Highlighter("nước sạch").spans(text)
    out = to_html(text, [("best", [(0, len(text))]), ("hit", spans)])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert "**" not in out  # markdown emphasis is not shown
    assert '<span class="best hit">nước sạch</span>' in out


def test_md_escape_shows_file_names_as_text():
    assert md_escape("![x](a.png)_b*.txt") == "\\!\\[x\\](a.png)\\_b\\*.txt"


def test_document_view_marks_and_anchors_the_passage(corpus, docs):
    c = chunk_with(corpus, WATER, "004")
    out = document_html(docs[c.doc_id].text, c.start, c.end, "nước sạch")
    assert out.count(f'id="{PASSAGE_ID}"') == 1
    anchored = re.search(rf'<span class="passage" id="{PASSAGE_ID}">(.*?)</span>', out).group(1)
    assert anchored.startswith("- Tỉ lệ dân số")
    assert '<span class="passage hit">nước sạch</span>' in out


# -- citations -------------------------------------------------------------------------------------
def test_citation_has_number_date_body_and_section(corpus, docs):
    c = chunk_with(corpus, "Tỷ lệ sử dụng nước sạch", "003")
    assert cite(docs[c.doc_id], c) == ("Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của Ủy ban nhân dân tỉnh Đồng Nai, "
                                       f"mục {c.section_no}")
    assert c.section_no.startswith("III.2")
    assert section_label(c).startswith(f"Mục {c.section_no} · III. MỤC TIÊU")


def test_plan_labels_tell_plans_apart(docs):
    labels = [plan_label(d) for d in docs.values()]
    assert len(set(labels)) == len(labels)
    assert any(label.startswith("Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của UBND tỉnh Đồng Nai") for label in labels)
    assert implements_label("42-NQ/TW") == "Nghị quyết 42-NQ/TW"
    assert implements_label("92-KL/TW") == "Kết luận 92-KL/TW"


# -- precedent wording -----------------------------------------------------------------------------
def test_closest_wordings_grouped_by_plan_best_first(corpus, docs):
    pasted = "Tỷ lệ dân số được cấp nước sạch đạt chuẩn đạt 95%, trong đó khu vực nông thôn đạt 90%."
    groups = closest_wordings(pasted, corpus.chunks, docs)
    assert groups[0].document.id.startswith("004")
    best = groups[0].wordings[0]
    assert best.text.startswith("- " + WATER) and best.similarity > 0.6
    assert best.document.text[best.start : best.end] == best.text
    assert len({g.document.id for g in groups}) == len(groups)
    assert [g.best for g in groups] == sorted((g.best for g in groups), reverse=True)
    assert all(len(g.wordings) <= 2 for g in groups)


def test_diff_marks_inserted_and_deleted_words():
    pasted = "Tỷ lệ dân số được cấp nước sạch đạt chuẩn đạt 95%"
    out = diff_html(pasted, "- " + WATER)
    assert "<del>95</del>" in out and "<ins>92</ins>" in out
    assert "<ins>bảo đảm quy</ins>" in out
    assert "Tỉ lệ dân số" in out  # same words (tone placement aside) are left plain
    assert "&lt;b&gt;" in diff_html("<b>", "x <b>")


# -- uploads ---------------------------------------------------------------------------------------
# A small plan that is not in the corpus, for uploads and incremental updates.
NEW_PLAN = (Path(__file__).parent / "fixtures" / "new_plan_binh_phuoc.txt").read_text(encoding="utf-8")


@pytest.fixture
def tmp_corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder)
    return folder


def test_good_text_upload_is_checked_and_stored(tmp_corpus, docs):
    checked = check_upload("Kế hoạch kho lạnh.txt", NEW_PLAN.encode(), tmp_corpus, docs.values())
    assert checked.filename == "Kế_hoạch_kho_lạnh.txt"
    assert checked.citation == "Kế hoạch số 123/KH-UBND ngày 5/3/2025 của Ủy ban nhân dân tỉnh Bình Phước"
    assert checked.passages >= 3
    path = store_upload(checked, tmp_corpus)
    assert path.parent == tmp_corpus.resolve() and path.read_bytes() == NEW_PLAN.encode()
    assert not [p for p in tmp_corpus.iterdir() if p.name.startswith(".")]  # no temporary file left
    # The same name again is refused, never overwritten.
    with pytest.raises(UploadError, match="cùng tên"):
        check_upload("Kế hoạch kho lạnh.txt", b"Khac", tmp_corpus)


def test_good_docx_upload(tmp_corpus, docs):
    import docx

    d = docx.Document()
    for para in NEW_PLAN.split("\n\n"):
        d.add_paragraph(para.strip())
    buf = io.BytesIO()
    d.save(buf)
    checked = check_upload("kho-lanh.docx", buf.getvalue(), tmp_corpus, docs.values())
    assert checked.document.meta.number == "123/KH-UBND"
    assert checked.filename == "kho-lanh.docx"


@pytest.mark.parametrize("name", ["../../etc/kho.md", "..\\..\\kho.md", "/tmp/kho.md", "thư mục/../../kho.md"])
def test_uploaded_names_never_leave_the_corpus_folder(tmp_corpus, name):
    checked = check_upload(name, NEW_PLAN.encode(), tmp_corpus)
    path = store_upload(checked, tmp_corpus)
    assert path.parent == tmp_corpus.resolve()
    assert path.name == "kho.md"


@pytest.mark.parametrize("name, data, reason", [
    ("hong.txt", bytes(range(256)) * 40, "nhị phân"),
    ("latin1.txt", "Kế hoạch số 5".encode("cp1258", errors="replace") + b"\xff\xfe\xfa" * 3, "UTF-8"),
    ("rong.md", b"   \n", "rỗng"),
    ("virus.exe", NEW_PLAN.encode(), "chỉ nhận"),
    ("bang.xlsx", NEW_PLAN.encode(), "chỉ nhận"),
    ("gia.pdf", b"%PDF-1.4 not really a pdf", "PDF hợp lệ"),
    ("gia.docx", b"PK\x03\x04 not really a docx", "Word"),
    ("chi-dau.txt", "Số: 12/KH-UBND\n\nĐồng Nai, ngày 5 tháng 3 năm 2025\n".encode(), "không còn nội dung"),
])
def test_bad_uploads_get_a_clear_message(tmp_corpus, name, data, reason):
    with pytest.raises(UploadError, match=reason) as e:
        check_upload(name, data, tmp_corpus)
    assert str(e.value).startswith("Không thể thêm tệp")
    assert sorted(p.name for p in tmp_corpus.iterdir()) == sorted(p.name for p in (ROOT / "corpus").iterdir())


def test_scanned_pdf_without_text_layer_is_refused(tmp_corpus):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(UploadError, match="lớp chữ"):
        check_upload("scan.pdf", buf.getvalue(), tmp_corpus)


def test_upload_size_limit(tmp_corpus):
    with pytest.raises(UploadError, match="vượt giới hạn 10,0 MB"):
        check_upload("lon.txt", b"a" * (10 * 1024 * 1024 + 1), tmp_corpus)


def test_the_same_plan_under_another_name_is_refused(tmp_corpus, docs):
    existing = next(iter(docs.values()))
    with pytest.raises(UploadError, match="trùng với văn bản đã có"):
        check_upload("ban-sao.txt", Path(existing.path).read_bytes(), tmp_corpus, docs.values())
