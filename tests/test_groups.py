"""service.groups: the same wording in many plans, grouped (near-identity, copies, differences), and
Library.search(group=True) on the five bundled plans plus plans re-issued by other provinces."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from service import Library, Paths
from service.groups import THRESHOLD, clusters, signature, similarity
from tests.conftest import CORPUS, DOC_IDS

DONG_NAI = CORPUS / f"{DOC_IDS['003']}.txt"
COVERAGE = "Tỷ lệ bao phủ bảo hiểm y tế đạt 95% dân số, phấn đấu đến năm 2025 đạt trên 96%"


def reissued(text: str, province: str, shift: int) -> str:
    """The Đồng Nai plan as another province would issue it: its own name, number and target figures."""
    text = text.replace("Đồng Nai", province).replace("ĐỒNG NAI", province.upper()).replace("9491", "1207")
    return re.sub(r"(\d+)(\s*%)", lambda m: f"{int(m.group(1)) - shift}{m.group(2)}", text)


# -- near-identity -----------------------------------------------------------------------------------------
def test_place_names_and_figures_do_not_count():
    assert similarity(COVERAGE, reissued(COVERAGE, "Bình Dương", 3)) == 1.0
    assert similarity("Ủy ban nhân dân tỉnh Đồng Nai chủ trì, phối hợp với các sở, ngành triển khai kế hoạch",
                      "Ủy ban nhân dân thành phố Biên Hòa chủ trì, phối hợp với các sở, ngành triển khai kế hoạch") \
        >= THRESHOLD


def test_other_words_count():
    other = "Tỷ lệ lực lượng lao động tham gia bảo hiểm xã hội đạt 45% lực lượng lao động trong độ tuổi"
    assert similarity(COVERAGE, other) < 0.2
    reworded = COVERAGE.replace("phấn đấu", "cố gắng")
    assert THRESHOLD <= similarity(COVERAGE, reworded) < 1.0


def test_a_capital_after_a_sentence_end_is_a_word_not_a_name():
    assert similarity("Làm tốt việc này. Đẩy mạnh tuyên truyền về bảo hiểm", "Làm tốt việc này. Tăng cường tuyên "
                      "truyền về bảo hiểm") < 1.0
    assert len(signature("Đồng Nai")) == 1 and similarity("a", "a") == 1.0


def test_clusters_are_greedy_in_rank_order():
    texts = [COVERAGE, "Một đoạn khác hẳn về nước sạch nông thôn và vệ sinh môi trường",
             reissued(COVERAGE, "Long An", 2), COVERAGE.replace("đến năm 2025", "đến năm 2030"),
             "Một đoạn khác hẳn về nước sạch nông thôn và vệ sinh môi trường ở Tây Ninh"]
    groups = clusters(texts)
    assert [[i for i, _ in g] for g in groups] == [[0, 2, 3], [1, 4]]
    assert groups[0][0] == (0, 1.0) and all(0.6 <= s <= 1.0 for _, s in groups[0])
    assert clusters([]) == []


# -- the library ---------------------------------------------------------------------------------------------
def reissued_library(base: Path) -> Paths:
    """The five plans and the Đồng Nai plan re-issued by Bình Dương and Long An under ``base``, indexed for
    keyword search only."""
    shutil.copytree(CORPUS, base / "corpus")
    text = DONG_NAI.read_text(encoding="utf-8")
    (base / "corpus" / "kh_binh_duong.txt").write_text(reissued(text, "Bình Dương", 3), encoding="utf-8")
    (base / "corpus" / "kh_long_an.txt").write_text(reissued(text, "Long An", 5), encoding="utf-8")
    paths = Paths(base / "corpus", base / "store" / "index", base / "cache")
    Library(paths, dense=False).build()
    return paths


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> Library:
    return Library(reissued_library(tmp_path_factory.mktemp("groups")), dense=False)


QUESTION = "tỷ lệ tham gia bảo hiểm y tế"


def test_ungrouped_top_ten_holds_copies(lib):
    hits = lib.search(QUESTION, k=10, group=False).hits
    texts = [h.chunk.text for h in hits]
    assert len(clusters(texts)) < len(hits)  # the same passage of three plans, three times
    assert not any(h.copies for h in hits)


def test_grouped_top_ten_holds_ten_different_answers(lib):
    result = lib.search(QUESTION, k=10)
    hits = result.hits
    assert len(hits) == 10 and [h.rank for h in hits] == list(range(1, 11))
    assert len(clusters([h.chunk.text for h in hits])) == 10
    copied = [h for h in hits if h.copies]
    assert copied
    plans = {c.hit.document.id for h in copied for c in h.copies}
    assert {"kh_binh_duong", "kh_long_an"} <= plans
    ungrouped = lib.search(QUESTION, k=10, group=False).hits
    assert {h.chunk.id for h in hits} - {h.chunk.id for h in ungrouped}  # further results pulled in to fill k
    for h in copied:
        for c in h.copies:
            assert c.similarity >= THRESHOLD and c.hit.chunk.id != h.chunk.id


def test_copies_mark_where_figures_differ(lib):
    hits = lib.search(QUESTION, k=10).hits
    leader = next(h for h in hits if h.document.id == DOC_IDS["003"] and any("%" in d.text for c in h.copies
                                                                              for d in c.differences))
    for copy in leader.copies:
        doc = copy.hit.document
        assert copy.differences
        for d in copy.differences:
            assert doc.text[d.start : d.end] == d.text  # offsets into the copy's own document
            assert d.kind == "number" and d.text != d.leader
        assert copy.to_dict()["citation"].endswith(("tỉnh Bình Dương", "tỉnh Long An"))


def test_json_exposes_copies_with_citations(lib):
    out = lib.search(QUESTION, k=10).to_dict()
    assert out["grouped"] is True and all("copies" in h for h in out["hits"])
    copy = next(c for h in out["hits"] for c in h["copies"])
    assert {"doc_id", "chunk_id", "citation", "section_no", "text", "start", "end", "similarity",
            "differences"} <= set(copy)
    plain = lib.search(QUESTION, k=10, group=False).to_dict()
    assert plain["grouped"] is False and not any("copies" in h for h in plain["hits"])


def test_a_place_in_the_question_leads_with_its_own_plan(lib):
    hits = lib.search("tỷ lệ bao phủ bảo hiểm y tế Bình Dương", k=5).hits
    assert hits[0].document.id == "kh_binh_duong"


# -- the doors: REST, command line -----------------------------------------------------------------------------
def test_rest_search_exposes_copies_and_can_list_them_one_by_one(lib):
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(lib), raise_server_exceptions=False) as client:
        grouped = client.get("/search", params={"q": QUESTION, "k": 10}).json()
        plain = client.get("/search", params={"q": QUESTION, "k": 10, "group": "false"}).json()
        assert grouped["grouped"] and not plain["grouped"]
        copies = [c for h in grouped["hits"] for c in h["copies"]]
        assert {"kh_binh_duong", "kh_long_an"} <= {c["doc_id"] for c in copies}
        assert all(c["citation"] and isinstance(c["differences"], list) for c in copies)
        precedent = client.post("/precedent", json={"text": "Tỷ lệ bao phủ bảo hiểm y tế đạt 95% dân số",
                                                    "mode": "bm25"}).json()
        assert precedent["usage"]["plans"] >= 3
        assert {d["doc_id"] for d in precedent["usage"]["deviating"]} >= {"kh_binh_duong", "kh_long_an"}


def test_cli_json_exposes_copies(lib):
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    def run(*extra):
        out = subprocess.run([sys.executable, "-m", "index", "search", QUESTION, "--json", "--mode", "bm25",
                              "--index", str(lib.paths.index), *extra], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    grouped, plain = run(), run("--no-group")
    assert grouped["grouped"] and any(h["copies"] for h in grouped["hits"])
    assert not plain["grouped"] and not any("copies" in h for h in plain["hits"])


# -- precedent: how many plans use a wording, which deviate ------------------------------------------------------
def test_precedent_usage_counts_plans_and_marks_deviations(lib):
    from service.precedent import usage

    plans = lib.precedent("Tỷ lệ bao phủ bảo hiểm y tế đạt 95% dân số", mode="bm25")
    u = usage(plans)
    assert u.common.document.id in {DOC_IDS["003"], "kh_binh_duong", "kh_long_an"}
    assert {p.document.id for p, _ in u.plans} == {DOC_IDS["003"], "kh_binh_duong", "kh_long_an"}
    assert len(u.same) == 1 and len(u.deviating) == 2
    for p, diffs in u.deviating:
        assert all(d.kind == "number" and p.document.text[d.start:d.end] == d.text for d in diffs)
    assert usage([]) is None


def test_differences_take_whole_numbers_and_names():
    from service.groups import text_differences

    diffs = text_differences("chiếm khoảng 2,5% lực lượng, đạt 1.200 người của tỉnh Đồng Nai",
                             "chiếm khoảng 2,2% lực lượng, đạt 1.500 người của tỉnh Bình Dương", at=100)
    assert [(d.text, d.leader, d.kind) for d in diffs] == [("2,2", "2,5", "number"), ("1.500", "1.200", "number"),
                                                           ("Bình Dương", "Đồng Nai", "name")]
    assert diffs[0].start == 100 + len("chiếm khoảng ")


def test_the_page_labels_a_group(lib):
    from present import copies_label, passage

    hit = next(h for h in lib.search(QUESTION, k=10).hits if h.copies)
    shown = passage(hit)
    assert shown.copies_label == copies_label(hit) == "cùng câu chữ trong 2 kế hoạch khác"
    assert len(shown.copies) == 2 and all('class="diff"' in c.html for c in shown.copies)
    assert all(c.changes.startswith("Khác: số liệu") for c in shown.copies)


def test_pairwise_similarities_match_brute_force_sets(lib):
    from itertools import combinations

    from service.groups import _jaccard

    texts = [c.text for c in lib.index().chunks[:120]] + [reissued(COVERAGE, "Long An", 1), COVERAGE, "ngắn"]
    sigs = [signature(t) for t in texts]
    got = _jaccard(sigs)
    for i, j in combinations(range(len(texts)), 2):
        a, b = set(sigs[i].tolist()), set(sigs[j].tolist())
        assert got[i, j] == pytest.approx(len(a & b) / len(a | b)) == pytest.approx(similarity(texts[i], texts[j]))
    assert (got.diagonal() == 1.0).all()
