"""The service layer (service.Library) on a tiny corpus, keyword search only: no model is loaded.

Quick tier: these run in seconds (`pytest -m "not slow"`). The hybrid path through the same service is
covered by tests/test_api.py's real-server test and tests/test_app.py on the bundled corpus.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from pathlib import Path

import pytest

from index import IndexBusy
from index.lock import write_lock
from service import Filters, Library, NotFound, Paths, QueryError
from vntext.query import MAX_CHARS

TINY = Path(__file__).parent / "fixtures" / "tiny"
NEW_PLAN = Path(__file__).parent / "fixtures" / "new_plan_binh_phuoc.txt"


def tiny_library(base: Path) -> Library:
    shutil.copytree(TINY, base / "corpus")
    lib = Library(Paths(base / "corpus", base / "store" / "index", base / "cache"), dense=False)
    lib.build()
    return lib


@pytest.fixture
def lib(tmp_path) -> Library:
    return tiny_library(tmp_path)


def test_builds_and_answers_by_keywords_with_marks(lib):
    result = lib.search("chỉ tiêu bảo hiểm xã hội 2025", k=3)
    assert result.mode == "bm25"  # no vectors: keyword search serves, and says so
    top = result.hits[0]
    assert top.document.id == "kh_dong_nai" and "45%" in top.chunk.text
    doc = top.document.text
    marked = [doc[s:e].lower() for s, e in top.highlights]
    assert "bảo hiểm xã hội" in marked
    s, e = top.best
    assert top.chunk.start <= s < e <= top.chunk.end and "45%" in doc[s:e]


def test_contract_of_a_result(lib):
    d = lib.search("nuoc sach nong thon", k=2).to_dict()
    assert set(d) == {"query", "mode", "grouped", "hits"} and d["query"] == "nuoc sach nong thon"
    assert d["grouped"] is True and all(isinstance(h["copies"], list) for h in d["hits"])
    hit = d["hits"][0]
    doc = lib.document(hit["doc_id"]).text
    assert doc[hit["start"]:hit["end"]] == hit["text"]
    assert hit["citation"].startswith("Kế hoạch số 9491/KH-UBND ngày 10/8/2021")
    assert all(hit["start"] <= s < e <= hit["end"] for s, e in hit["highlights"])
    marked = " | ".join(doc[s:e].lower() for s, e in hit["highlights"])
    assert "nước sạch" in marked and "nông thôn" in marked  # unaccented query, accented words marked


def test_abbreviation_query_marks_the_full_form(lib):
    top = lib.search("BHXH", k=1).hits[0]
    assert "bảo hiểm xã hội" in [top.document.text[s:e].lower() for s, e in top.highlights]


def test_filters_are_typed_and_restrict(lib):
    only = Filters.of(years=["2024"])
    hits = lib.search("tuyên truyền", k=5, filters=only).hits
    assert hits and {h.document.id for h in hits} == {"ctr_bac_giang"}
    assert lib.search("tuyên truyền", k=5, filters=Filters.of(doc_ids=["nobody"])).hits == []
    assert hash(only) == hash(Filters(years=frozenset({"2024"})))
    with pytest.raises(TypeError, match="unknown filter fields: colour"):
        Filters.of(colour="red")


def test_bad_queries_are_refused_or_cleaned(lib):
    with pytest.raises(QueryError, match="vượt giới hạn"):
        lib.search("nước " * (MAX_CHARS // 4))
    with pytest.raises(QueryError):
        lib.search(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="k must be"):
        lib.search("nước sạch", k=0)
    cleaned = lib.search("nước sạch \ud800\x00", k=1)  # a lone surrogate (JSON can carry one), a NUL
    assert cleaned.query.raw == "nước sạch" and cleaned.hits
    assert lib.search("   ", k=3).hits == [] and lib.search("?!", k=3).hits == []


def test_long_paste_is_answered(lib):
    page = (lib.document("kh_dong_nai").text + "\n") * 3
    assert len(page) < MAX_CHARS
    assert lib.search(page, k=3).hits
    groups = lib.precedent("Tỷ lệ dân số nông thôn được cấp nước sạch đạt chuẩn đạt 95%.")
    assert groups[0].document.id == "kh_dong_nai"
    w = groups[0].wordings[0]
    assert "nước sạch đạt chuẩn đạt 90%" in w.text and w.text == lib.document("kh_dong_nai").text[w.start:w.end]


def test_documents_and_spans(lib):
    doc, s, e = lib.span("kh_dong_nai", 10, 40)
    assert (s, e) == (10, 40)
    assert lib.span("kh_dong_nai")[2] == len(doc.text)
    with pytest.raises(ValueError, match="outside document"):
        lib.span("kh_dong_nai", 5, 10**9)
    with pytest.raises(NotFound, match="no document 'nope'"):
        lib.document("nope")
    assert sorted(d.id for d in lib.documents()) == ["ctr_bac_giang", "kh_dong_nai"]


def test_status(lib):
    st = lib.status()
    assert st["ready"] and st["documents"] == 2 and st["passages"] == 7 and st["modes"] == ["bm25"]
    assert st["build"]["running"] is False and st["build"]["report"]["documents"] == 2
    assert st["model"] is None and st["created"]  # keyword-only; the manifest of the index just built


def test_add_stores_checks_and_indexes(lib):
    report = lib.add([("Kế hoạch Bình Phước.txt", NEW_PLAN.read_bytes()), ("virus.exe", b"MZ\x00"),
                      ("trong.txt", b"   ")])
    assert len(report.stored) == 1 and report.stored[0].filename.endswith(".txt")
    assert {name for name, _ in report.refused} == {"virus.exe", "trong.txt"}
    assert report.build is not None and report.build.documents == 3 and not report.build_error
    stored = report.stored[0]
    assert (lib.paths.corpus / stored.filename).is_file()
    assert any(h.document.id == stored.document.id for h in lib.search("Bình Phước", k=3).hits)
    again = lib.add([("copy.txt", NEW_PLAN.read_bytes())])  # same content: refused as a duplicate
    assert not again.stored and "trùng" in again.refused[0][1]


def test_background_build_serves_the_previous_index_meanwhile(lib):
    before = lib.index()
    assert lib.add([("moi.txt", NEW_PLAN.read_bytes())], background=True).stored
    while lib.building():  # reads go on while it builds, from the index being replaced
        assert lib.search("bảo hiểm xã hội", k=1).hits
        time.sleep(0.01)
    assert lib.status()["documents"] == 3 and lib.index() is not before


def _hold_lock(path: str, ready, release) -> None:
    with write_lock(path):
        ready.set()
        release.wait(30)


def test_one_writer_across_processes(lib):
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    other = ctx.Process(target=_hold_lock, args=(str(lib.paths.index), ready, release))
    other.start()
    try:
        assert ready.wait(30)
        with pytest.raises(IndexBusy, match=rf"another process \(pid {other.pid}"):
            lib.build()
        assert lib.status()["writer"]["pid"] == other.pid
        assert lib.search("nước sạch", k=1).hits  # reads are not blocked
    finally:
        release.set()
        other.join(30)
    assert lib.build().documents == 2  # released, even by a process that ends


def test_index_written_by_another_process_is_picked_up(tmp_path):
    lib = tiny_library(tmp_path)
    other = Library(lib.paths, dense=False)  # another door on the same folders (another process, say)
    assert all(h.document.id != "new_plan_binh_phuoc" for h in other.search("Bình Phước", k=3).hits)
    shutil.copy(NEW_PLAN, lib.paths.corpus / NEW_PLAN.name)
    lib.build()
    assert any(h.document.id == "new_plan_binh_phuoc" for h in other.search("Bình Phước", k=3).hits)


# -- questions that name a place ---------------------------------------------------------------------
@pytest.mark.parametrize("question", ["bảo hiểm xã hội Đồng Nai", "bao hiem xa hoi dong nai",
                                      "bảo hiểm xã hội tỉnh Đồng Nai"])
def test_a_place_in_the_question_limits_to_its_plans(lib, question):
    result = lib.search(question, k=5)
    assert result.scope.names == ("Đồng Nai",) and result.scope.query.startswith(("bảo hiểm", "bao hiem"))
    assert result.hits and {h.document.id for h in result.hits} == {"kh_dong_nai"}
    marked = [h.document.text[s:e].lower() for h in result.hits for s, e in h.highlights]
    assert "đồng nai" not in marked  # the place is not a content word
    assert result.to_dict()["places"] == {"names": ["Đồng Nai"], "plans": 1, "predecessors": []}


def test_a_new_province_takes_in_its_predecessors_marked(lib):
    """Bắc Giang merged into Bắc Ninh in 2025: a question about Bắc Ninh finds Bắc Giang's plan, marked."""
    result = lib.search("tuyên truyền Bắc Ninh", k=3).to_dict()
    assert {h["doc_id"] for h in result["hits"]} == {"ctr_bac_giang"}
    assert result["places"]["predecessors"] == ["ctr_bac_giang"]
    assert {h["place_relation"] for h in result["hits"]} == {"predecessor"}


def test_a_place_without_plans_or_switched_off_limits_nothing(lib):
    nowhere = lib.search("tuyên truyền Hà Giang", k=5)
    assert nowhere.scope.names == ("Hà Giang",) and not nowhere.scope.docs
    assert {h.document.id for h in nowhere.hits} == {h.document.id for h in lib.search("tuyên truyền", k=5).hits}
    off = lib.search("bảo hiểm xã hội Đồng Nai", k=5, places=False)
    assert off.scope is None and off.hits
    assert lib.search("chính sách xã hội", k=3).scope is None  # ordinary words are no place


def test_filter_rows_match_the_filter_document_by_document(lib):
    """The per-field value maps behind ``allowed_rows`` admit exactly the rows ``Filters.accepts`` would."""
    index = lib.index()
    docs = list(index.documents.values())
    cases = [Filters.of(years=["2024"]), Filters.of(years=["2021", "2024"]), Filters.of(implements=["42-NQ/TW"]),
             Filters.of(issuers=[docs[0].meta.issuer], years=["2024", "2021"]), Filters.of(doc_ids=["kh_dong_nai"]),
             Filters.of(doc_ids=["kh_dong_nai"], years=["2024"]), Filters.of(doc_ids=["nobody"]),
             Filters.of(implements=["1-NQ/TW"])]
    for f in cases:
        expected = [i for i, c in enumerate(index.chunks) if f.accepts(index.documents[c.doc_id])]
        assert index.allowed_rows(f).tolist() == expected, f
    assert index.allowed_rows(Filters()) is None
