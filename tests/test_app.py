"""The page, driven by Streamlit's AppTest, over temporary copies of the corpus and of an index built from it.

The embedding cache is a copy of $PLANS_CACHE (or data/cache), so the bundled plans are not embedded again;
when there is none yet, the first build fills it (about a minute on 2 cores) and leaves a copy behind.
"""

from __future__ import annotations

import html
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import read_only
from streamlit.testing.v1 import AppTest

from present.render import PASSAGE_ID
from service import Paths

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 240
# Every page test builds the bundled corpus's index with the embedding model: not in the quick tier.
pytestmark = pytest.mark.slow
WATER = "Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn đạt 92%"
PLAN_004 = "Kế hoạch của Ban Thường vụ Tỉnh ủy"
PLAN_003 = "Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của Ủy ban nhân dân tỉnh Đồng Nai"
# A small plan that is not in the corpus, for uploads and incremental updates.
NEW_PLAN = (Path(__file__).parent / "fixtures" / "new_plan_binh_phuoc.txt").read_text(encoding="utf-8")
NEW_CITATION = "Kế hoạch số 123/KH-UBND ngày 5/3/2025 của Ủy ban nhân dân tỉnh Bình Phước"


@pytest.fixture(scope="session")
def pristine(plans_copy) -> Paths:
    """Corpus copy + embedding cache copy + an index built from them, once per test session."""
    return plans_copy("plans")


def workspace(pristine: Paths, folder: Path) -> Paths:
    """A private copy of the corpus and the index (the embedding cache is shared)."""
    shutil.copytree(pristine.corpus, folder / "corpus")
    (folder / "store").mkdir()
    shutil.copytree(pristine.index.resolve(), folder / "store" / "index-v0")
    (folder / "store" / "index").symlink_to("index-v0")
    return Paths(folder / "corpus", folder / "store" / "index", pristine.cache)


@pytest.fixture
def env(pristine, tmp_path, monkeypatch) -> Paths:
    paths = workspace(pristine, tmp_path)
    monkeypatch.setenv("PLANS_CORPUS", str(paths.corpus))
    monkeypatch.setenv("PLANS_INDEX", str(paths.index))
    monkeypatch.setenv("PLANS_CACHE", str(paths.cache))
    return paths


def page(**query_params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query_params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def search(at: AppTest, query: str) -> AppTest:
    at.text_input(key="q").set_value(query).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def citations(at: AppTest) -> list[str]:
    return [c.value for c in at.code]


def cards(at: AppTest) -> list[str]:
    return [h.value for h in at.get("html") if 'class="kh-text"' in h.value]


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def card_with(at: AppTest, text: str) -> str:
    found = [c for c in cards(at) if text in plain(c)]
    assert found, f"no passage shows {text!r}"
    return found[0]


def messages(at: AppTest, kind: str) -> str:
    """The alerts of one kind, markdown escapes removed (file names are escaped when shown)."""
    return re.sub(r"\\(.)", r"\1", " ".join(str(m.value) for m in getattr(at, kind)))


# -- search ----------------------------------------------------------------------------------------
def test_first_visit_offers_examples_in_vietnamese(env):
    at = page()
    assert at.title[0].value.endswith("Tra cứu kế hoạch")
    assert [t.label for t in at.tabs][-4:] == [":material/search: Tra cứu", ":material/table_chart: Chỉ tiêu",
                                               ":material/compare: Câu chữ tiền lệ", ":material/upload_file: Thêm kế hoạch"]
    examples = [b.label for b in at.button if (b.key or "").startswith("ex_")]
    assert "mục tiêu nước sạch nông thôn 2030" in examples and "chỉ tiêu BHXH Đồng Nai 2025" in examples
    assert not citations(at)
    next(b for b in at.button if b.label == "chỉ tiêu BHXH Đồng Nai 2025").click().run()
    assert at.text_input(key="q").value == "chỉ tiêu BHXH Đồng Nai 2025"
    assert any(c.startswith(PLAN_003) for c in citations(at))


def test_search_with_diacritics_cites_and_marks_the_answer(env):
    at = search(page(), "mục tiêu nước sạch nông thôn 2030")
    assert f"{PLAN_004}, mục II.2" in citations(at)
    card = card_with(at, WATER)
    # The answering sentence is marked, with the matched words inside it.
    assert '<span class="best">- Tỉ lệ dân số được cấp </span><span class="best hit">nước sạch</span>' in card
    assert "Mục II.2 · II- MỤC TIÊU › 2. Các chỉ tiêu chủ yếu đến năm 2030" in card


def test_search_without_diacritics_finds_the_same_passage(env):
    at = search(page(), "muc tieu nuoc sach nong thon 2030")
    assert f"{PLAN_004}, mục II.2" in citations(at)
    card = card_with(at, WATER)
    assert '<span class="best hit">nước sạch</span>' in card and '<span class="best hit">nông thôn</span>' in card


def test_abbreviation_in_the_query_marks_the_full_form(env):
    at = search(page(), "chỉ tiêu BHXH Đồng Nai 2025")
    assert any('hit">BHXH</span>' in c or 'hit">bảo hiểm xã hội</span>' in c for c in cards(at))


def test_filters_restrict_results(env):
    at = page()
    assert any(o.startswith("Kế hoạch số 9491/KH-UBND") for o in at.multiselect(key="f_plans").options)
    at.multiselect(key="f_plans").select(next(p.stem for p in env.corpus.iterdir() if p.name.startswith("003")))
    search(at, "mục tiêu nước sạch nông thôn 2030")
    found = citations(at)
    assert found and all(c.startswith(PLAN_003) for c in found)

    at.multiselect(key="f_plans").set_value([])
    at.multiselect(key="f_years").select("2024").run()
    found = citations(at)
    assert found and all(c.startswith("Dự thảo chương trình hành động tháng 3/2024 của Thị ủy Đức Phổ") for c in found)

    at.multiselect(key="f_years").set_value([])
    assert "Kết luận 92-KL/TW" in at.multiselect(key="f_implements").options
    at.multiselect(key="f_implements").select("92-KL/TW")
    at.slider(key="k").set_value(3).run()
    found = citations(at)
    assert len(found) == 3
    assert all(c.startswith((PLAN_003, "Kế hoạch của Ban Thường vụ Thành ủy")) for c in found)

    at.multiselect(key="f_implements").set_value([])
    at.multiselect(key="f_bodies").select("Thị ủy Đức Phổ").run()
    assert all(c.startswith("Dự thảo chương trình hành động") for c in citations(at))


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_every_retrieval_mode_answers(env, mode):
    at = page()
    at.radio(key="mode").set_value(mode)
    search(at, "tỉ lệ dân số được cấp nước sạch")
    card_with(at, WATER)


def test_no_result_says_so_and_suggests_what_to_try(env):
    at = page()
    at.radio(key="mode").set_value("bm25")
    search(at, "zzqxw kkvvb")
    assert not citations(at)
    info = messages(at, "info")
    assert "Không tìm thấy đoạn văn nào phù hợp" in info
    assert "ít từ hơn" in info and "Kết hợp" in info

    # Filters no plan meets: the page says so and suggests dropping filters.
    at.radio(key="mode").set_value("hybrid")
    at.multiselect(key="f_years").select("2021")
    at.multiselect(key="f_bodies").select("Thị ủy Đức Phổ")
    search(at, "mục tiêu nước sạch nông thôn 2030")
    assert not citations(at)
    assert "bỏ bớt bộ lọc" in messages(at, "info")


def test_whole_document_opens_with_the_passage_marked(env):
    at = search(page(), "mục tiêu nước sạch nông thôn 2030")
    opener = next(b for b in at.button if (b.key or "").startswith("open_004"))
    opener.click().run()
    assert not at.exception
    view = next(h.value for h in at.get("html") if f'id="{PASSAGE_ID}"' in h.value)
    assert f'<span class="passage" id="{PASSAGE_ID}">- Tỉ lệ dân số' in view
    assert "scrollIntoView" in view and "II- MỤC TIÊU" in view


def test_document_link_by_query_params(env):
    import ingest

    doc = next(d for d in ingest.load(env.corpus).documents if d.id.startswith("004"))
    start = doc.text.index(WATER)
    at = page(doc=doc.id, start=str(start), end=str(start + len(WATER)))
    view = next(h.value for h in at.get("html") if f'id="{PASSAGE_ID}"' in h.value)
    assert f'id="{PASSAGE_ID}">{WATER}</span>' in view
    assert not at.text_input  # the document alone, with a way back
    assert at.button[0].label == "← Quay lại tra cứu"


# -- precedent wording -----------------------------------------------------------------------------
def test_precedent_wording_grouped_by_plan_with_differences(env):
    at = page()
    at.text_area(key="draft").set_value(
        "Tỷ lệ dân số được cấp nước sạch đạt chuẩn đạt 95%, trong đó khu vực nông thôn đạt 90%.").run()
    assert not at.exception
    diffs = [h for h in cards(at) if ("<del>" in h or "<ins>" in h) and "kh-legend" not in h]
    assert diffs and "<del>95</del>" in diffs[0] and "<ins>92</ins>" in diffs[0]
    heads = [h.value for h in at.get("html") if h.value.startswith('<div class="kh-cite">')]
    assert heads[0] == f'<div class="kh-cite">{PLAN_004}</div>'
    assert len(heads) == len(set(heads)), "one group per plan"
    assert f"{PLAN_004}, mục II.2" in citations(at)


# -- adding plans ----------------------------------------------------------------------------------
def upload(at: AppTest, name: str, data: bytes, mime: str = "text/plain") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    next(b for b in at.button if b.label == "Thêm vào kho").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_good_upload_is_searchable_without_restart(env):
    at = upload(page(), "Kế hoạch kho lạnh.txt", NEW_PLAN.encode())
    assert f"Đã thêm “Kế_hoạch_kho_lạnh.txt”: {NEW_CITATION}" in messages(at, "success")
    assert (env.corpus / "Kế_hoạch_kho_lạnh.txt").read_text(encoding="utf-8") == NEW_PLAN
    search(at, "kho lạnh bảo quản nông sản huyện biên giới")
    assert citations(at)[0].startswith(NEW_CITATION + ", mục I.1")
    assert "Kho gồm 6 văn bản" in at.sidebar.caption[0].value
    # A new page process (another session) serves the new index too.
    assert citations(search(page(), "kho lạnh bảo quản nông sản"))[0].startswith(NEW_CITATION)


@pytest.fixture
def public(monkeypatch):
    """The page served beyond this machine (``--server.address 0.0.0.0``)."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_public_page_needs_the_token_to_add_plans(env, public, monkeypatch):
    monkeypatch.setenv("PLANS_API_TOKEN", "s3cret")
    before = sorted(p.name for p in env.corpus.iterdir())
    at = upload(page(), "moi.txt", NEW_PLAN.encode())  # no token typed
    assert "Mã quyền không đúng" in messages(at, "error")
    assert sorted(p.name for p in env.corpus.iterdir()) == before
    at.text_input(key="upload_token").set_value("s3cret").run()
    upload(at, "moi.txt", NEW_PLAN.encode())
    assert f"Đã thêm “moi.txt”: {NEW_CITATION}" in messages(at, "success")


def test_local_page_asks_no_token(env):
    assert not [t for t in page().text_input if t.key == "upload_token"]


def test_bad_upload_gets_a_message_and_the_index_still_serves(env):
    before = sorted(p.name for p in env.corpus.iterdir())
    manifest = (env.index / "manifest.json").read_bytes()
    at = upload(page(), "hong.txt", bytes(range(256)) * 40)
    error = messages(at, "error")
    assert "Không thể thêm tệp “hong.txt”" in error and "nhị phân" in error
    assert sorted(p.name for p in env.corpus.iterdir()) == before
    assert (env.index / "manifest.json").read_bytes() == manifest
    assert f"{PLAN_004}, mục II.2" in citations(search(at, "mục tiêu nước sạch nông thôn 2030"))
    # A file name is shown as text, never as markdown (no image fetched from a name like this one).
    upload(at, "![x](a.png).pdf", b"%PDF-1.4 nothing")
    assert "\\!\\[x\\](a.png).pdf" in " ".join(str(m.value) for m in at.error)


def test_indexing_failure_keeps_the_old_index_and_the_upload(env):
    at = page()
    with read_only(env.index.parent):  # the new index cannot be saved
        upload(at, "kho-lanh.md", NEW_PLAN.encode())
        error = messages(at, "error")
        assert "Lập chỉ mục thất bại" in error and "Chỉ mục cũ vẫn đang phục vụ" in error
        assert "kho-lanh.md" in error
        assert (env.corpus / "kho-lanh.md").exists()
        assert f"{PLAN_004}, mục II.2" in citations(search(at, "mục tiêu nước sạch nông thôn 2030"))
    # Once the folder is writable again, "Cập nhật chỉ mục" takes the kept upload in.
    at.sidebar.button[0].click().run()
    assert citations(search(at, "kho lạnh bảo quản nông sản"))[0].startswith(NEW_CITATION)


# -- first start -------------------------------------------------------------------------------------
def test_first_start_builds_the_index_with_progress(pristine, tmp_path, monkeypatch):
    shutil.copytree(pristine.corpus, tmp_path / "corpus")
    index_dir = tmp_path / "fresh" / "index"
    monkeypatch.setenv("PLANS_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("PLANS_INDEX", str(index_dir))
    monkeypatch.setenv("PLANS_CACHE", str(pristine.cache))
    at = page()
    assert (index_dir / "manifest.json").is_file()
    status = [b for b in at.get("status") if "Đã lập chỉ mục 5 văn bản" in b.label]
    assert status, [b.label for b in at.get("status")]
    assert at.get("progress"), "the build shows a progress bar"
    assert f"{PLAN_004}, mục II.2" in citations(search(at, "mục tiêu nước sạch nông thôn 2030"))
    # The next visit serves the saved index without building again.
    again = page()
    assert not [b for b in again.get("status") if "lập chỉ mục" in b.label]


def test_large_first_start_serves_keywords_while_vectors_are_computed(tmp_path, monkeypatch):
    """More passages to embed than KEYWORDS_FIRST: the page answers by keywords within seconds, shows how far
    the vectors are, and serves hybrid search once they are done, without a restart."""
    (tmp_path / "corpus").mkdir()
    for name in ("002_30c6bf061a95a121.txt", "004_a4c9a62cbd261bef.txt"):  # 113 passages
        shutil.copy(ROOT / "corpus" / name, tmp_path / "corpus" / name)
    monkeypatch.setenv("PLANS_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("PLANS_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("PLANS_CACHE", str(tmp_path / "empty-cache"))
    started = time.monotonic()
    at = page()
    assert time.monotonic() - started < 60
    labels = [b.label for b in at.get("status")]
    assert any("Đã lập chỉ mục theo từ khóa" in label for label in labels), labels
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert re.search(r"Đã tính vector \d+/113 đoạn — đang tìm theo từ khóa", caption), caption
    assert f"{PLAN_004}, mục II.2" in citations(search(at, "mục tiêu nước sạch nông thôn 2030"))
    deadline = time.monotonic() + 600
    while "đang tìm theo từ khóa" in " ".join(c.value for c in at.sidebar.caption):
        assert time.monotonic() < deadline
        time.sleep(2)
        at.run()
    assert not at.exception
    assert (tmp_path / "index" / "manifest.json").is_file()
    hybrid = page()  # the same process: the complete index serves, hybrid by default
    assert "đang tìm theo từ khóa" not in " ".join(c.value for c in hybrid.sidebar.caption)
    assert f"{PLAN_004}, mục II.2" in citations(search(hybrid, "muc tieu nuoc sach nong thon 2030"))


def test_a_place_in_the_question_shows_as_a_chip_that_can_be_removed(env):
    at = search(page(), "tỷ lệ bao phủ bảo hiểm y tế Đồng Nai")
    chip = [b for b in at.button if b.key == "place_chip"]
    assert chip and chip[0].label == "Chỉ kế hoạch của: Đồng Nai ✕"
    dong_nai = ("thành phố Biên Hòa", "tỉnh Đồng Nai")
    assert citations(at) and all(c.split(", mục")[0].endswith(dong_nai) for c in citations(at))
    chip[0].click().run()
    assert not [b for b in at.button if b.key == "place_chip"]
    assert not all(c.split(", mục")[0].endswith(dong_nai) for c in citations(at))


def test_a_rebuilds_skipped_files_stay_named_after_the_page_reruns(env):
    (env.corpus / "hong.txt").write_bytes(bytes(range(256)) * 40)
    (env.corpus / ".an.txt").write_text(NEW_PLAN, encoding="utf-8")
    at = page()
    at.sidebar.button[0].click().run()  # "Cập nhật chỉ mục": builds, then reruns the page
    for _ in range(2):  # and again on the next interaction
        warned = messages(at, "warning")
        assert "Bỏ qua" in warned and "hong.txt" in warned and ".an.txt" in warned, warned
        assert any("7 tệp: đọc được 5" in str(c.value) for c in at.sidebar.caption), [c.value for c in at.sidebar.caption]
        at.run()
