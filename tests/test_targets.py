"""Targets (chỉ tiêu): extraction on real sentences of the plans, the span invariant on the whole corpus,
the gold file and its evaluation, the answer card (quick tier); storage with the index (round trip,
incremental rebuild), filters, the command line and the REST API over a keyword-only library of the
bundled plans (slow: they build an index of the real corpus, though no model is loaded)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import CORPUS, DOC_IDS, ROOT
from fastapi.testclient import TestClient

import ingest
from api.app import create_app
from eval.targets import check_gold, evaluate, load_gold
from index.store import IndexLoadError
from ingest.loaders import Source
from service import Library, Paths
from service.answers import answer
from targets import COMPARATORS, extract, extract_all
from targets.keys import key_of
from targets.store import TargetsLoadError
from targets.store import read as read_targets
from vntext.numbers import parse

HEAD = "II- MỤC TIÊU\n\n2. Các chỉ tiêu chủ yếu đến năm 2030\n\n"
WATER = ("- Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn đạt 92% (trong đó: khu vực thành thị đạt 100%; "
         "khu vực nông thôn đạt 90%); 100% hộ gia đình, trường học, trạm y tế có công trình phù hợp vệ sinh bảo đảm "
         "tiêu chuẩn, quy chuẩn; 30% điểm dân cư nông thôn tập trung có hệ thống thu gom nước thải sinh hoạt, 20% "
         "nước thải sinh hoạt được xử lý.\n")


def plan(body: str, head: str = HEAD):
    doc, _ = ingest.document_from(Source("t", "KẾ HOẠCH\n\nthực hiện Nghị quyết số 42-NQ/TW\n\n" + head + body,
                                         "t.txt", "txt"))
    return doc, extract(doc)


def test_vietnamese_number_forms():
    assert parse("1,5") == 1.5 and parse("1.200") == 1200 and parse("74.900") == 74900
    assert parse("07") == 7 and parse("0,85") == 0.85 and parse("2.539,5") == 2539.5
    for bad in ("1.5", "abc", "1,2,3", ""):
        with pytest.raises(ValueError):
            parse(bad)


def test_the_water_sentence_gives_three_targets_and_its_siblings():
    doc, found = plan(WATER)
    assert [t.value for t in found] == [92, 100, 90, 100, 30, 20]
    water = found[:3]
    assert [t.scope for t in water] == ["", "thành thị", "nông thôn"]
    assert [t.key for t in water] == ["nuoc_sach", "nuoc_sach/thanh_thi", "nuoc_sach/nong_thon"]
    assert {t.year for t in found} == {"2030"}  # from the heading "Các chỉ tiêu chủ yếu đến năm 2030"
    assert {t.comparator for t in found} == {"đạt"} and {t.unit for t in found} == {"%"}
    assert water[0].text == "Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn đạt 92%"
    assert water[2].text == "khu vực nông thôn đạt 90%"
    assert water[2].indicator == "khu vực nông thôn"
    assert water[2].indicator_norm.startswith("tỉ lệ dân số được cấp nước sạch")  # the head it continues
    for t in found:
        assert doc.text[t.start:t.end] == t.text


def test_levels_comparators_ranges_and_units():
    _, found = plan("- Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi, tỷ lệ đi học đúng độ "
                    "tuổi cấp tiểu học đạt 99,5%, cấp trung học cơ sở tối thiểu đạt 97,5%, cấp trung học phổ thông "
                    "và tương đương tối thiểu đạt 72,3%; 100% xã, phường đạt chuẩn xóa mù chữ mức độ 2.\n")
    assert [(t.value, t.comparator) for t in found] == [(99.5, "đạt"), (97.5, "ít nhất"), (72.3, "ít nhất"),
                                                         (100, "đạt")]
    assert [t.key for t in found[:3]] == ["di_hoc_dung_tuoi/tieu_hoc", "di_hoc_dung_tuoi/thcs",
                                          "di_hoc_dung_tuoi/thpt"]
    _, found = plan("- Tỉ lệ lao động qua đào tạo có bằng cấp, chứng chỉ đạt 40-45%.\n"
                    "- Xây dựng 74.900 căn hộ nhà ở xã hội cho người thu nhập thấp, công nhân khu công nghiệp; diện "
                    "tích sàn nhà ở bình quân đầu người đạt 32,5m² sàn/người (đô thị 32,7 m² sàn/người; nông thôn "
                    "32,3 m² sàn/người).\n")
    assert (found[0].value, found[0].value_max, found[0].value_text) == (40, 45, "40–45%")
    assert (found[1].value, found[1].unit, found[1].key) == (74900, "căn hộ", "nha_o_xa_hoi")
    assert [(t.value, t.unit, t.scope) for t in found[2:]] == [
        (32.5, "m² sàn/người", ""), (32.7, "m² sàn/người", "thành thị"), (32.3, "m² sàn/người", "nông thôn")]
    _, found = plan("- Bảo đảm vững chắc mức sinh thay thế của quốc gia; tuổi thọ trung bình của người dân khoảng 75 "
                    "tuổi; số năm sống khoẻ đạt tối thiểu 68 năm; chỉ số phát triển con người (HDI) đạt 0,85; 40 "
                    "giường bệnh viện, 19 bác sĩ, 04 dược sĩ, 33 điều dưỡng viên trên 10.000 dân; tỉ lệ trẻ em dưới "
                    "5 tuổi bị suy dinh dưỡng thấp còi dưới 15%.\n")
    assert [(t.value, t.unit, t.comparator) for t in found] == [
        (75, "tuổi", "khoảng"), (68, "năm", "ít nhất"), (0.85, "", "đạt"), (40, "giường bệnh viện/10.000 dân", "đạt"),
        (19, "bác sĩ/10.000 dân", "đạt"), (4, "dược sĩ/10.000 dân", "đạt"), (33, "điều dưỡng viên/10.000 dân", "đạt"),
        (15, "%", "dưới")]  # "dưới 5 tuổi" describes the children counted: not a figure


def test_year_from_the_sentence_or_none_invented():
    head = "II. MỤC TIÊU\n\n"
    _, found = plan("Đảm bảo 100% các đối tượng yếu thế được trợ giúp với các dịch vụ xã hội cơ bản. Phấn đấu đến năm "
                    "2025, tỷ lệ lao động qua đào tạo đạt 75%; có ít nhất 50% lực lượng lao động trong độ tuổi tham "
                    "gia bảo hiểm xã hội (BHXH).\n", head)
    assert [(t.value, t.year) for t in found] == [(100, ""), (75, "2025"), (50, "2025")]
    assert found[2].comparator == "ít nhất" and found[2].scope == "lao động trong độ tuổi"
    _, found = plan("d) Phấn đấu giảm 80% hộ nghèo A trên tổng số hộ nghèo A trong giai đoạn 2021 - 2025. Tiếp tục "
                    "giữ vững tỷ lệ lao động không có việc làm ở khu vực thành thị ở mức 2,4%.\n", head)
    assert [(t.value, t.comparator, t.year, t.period) for t in found] == [(80, "giảm", "2025", "2021-2025"),
                                                                          (2.4, "duy trì", "", "")]


def test_ages_levels_codes_and_dates_are_not_targets():
    _, found = plan("- Hoàn thành phổ cập giáo dục mầm non cho trẻ mẫu giáo từ 3 đến 5 tuổi; duy trì và nâng cao chất "
                    "lượng đạt chuẩn xoá mù chữ mức độ 2. Thực hiện Nghị định số 20/2021/NĐ-CP ngày 15/3/2021 cho trẻ "
                    "em dưới 36 tháng tuổi; phương châm 3 an.\n")
    assert found == []


def test_keys_bring_different_wordings_together():
    assert key_of("tỉ lệ bao phủ bảo hiểm y tế") == key_of("dân số tham gia bảo hiểm y tế") == "bhyt"
    assert key_of("lực lượng lao động trong độ tuổi tham gia bảo hiểm thất nghiệp") == "bhtn"
    assert key_of("hộ gia đình ở nông thôn được sử dụng nước sạch theo quy chuẩn", "nông thôn") == "nuoc_sach/nong_thon"


@pytest.fixture(scope="module")
def documents() -> dict:
    return {d.id: d for d in ingest.load(CORPUS).documents}


def test_span_invariant_on_the_whole_corpus(documents):
    found = extract_all(documents.values())
    assert len(found) >= 100 and {t.doc_id for t in found} == set(DOC_IDS.values())
    for t in found:
        doc = documents[t.doc_id].text
        assert doc[t.start:t.end] == t.text and t.start < t.end
        assert t.passage_start <= t.start < t.end <= t.passage_end
        assert t.comparator in COMPARATORS and t.indicator and t.key and t.citation
        assert t.year == "" or t.year in doc  # a year is never invented


def test_gold_file_is_verbatim_and_the_evaluation_runs(documents):
    gold = load_gold(ROOT / "eval" / "targets_gold.jsonl")
    assert check_gold(gold, documents) == []
    assert len({g["doc_id"] for g in gold}) >= 3 and len(gold) >= 100
    report = evaluate(ROOT / "eval" / "targets_gold.jsonl", CORPUS)
    assert set(report["plans"]["held-out"]) == {DOC_IDS["002"], DOC_IDS["003"]}
    for split in ("development", "held-out", "all"):
        s = report[split]
        assert s["matched"] <= min(s["gold"], s["found"]) and 0 <= s["f1"] <= 1
        assert set(s["fields"]) == {"value", "unit", "comparator", "year", "scope"}


@pytest.fixture(scope="module")
def found_all(documents) -> list:
    return extract_all(documents.values())


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    base = tmp_path_factory.mktemp("targets")
    shutil.copytree(CORPUS, base / "corpus")
    lib = Library(Paths(base / "corpus", base / "index", base / "cache"), dense=False)
    lib.build()
    return lib


@pytest.mark.slow
def test_stored_with_the_index_round_trip(library, documents):
    manifest = json.loads((library.paths.index / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["targets"]
    stored = read_targets(library.paths.index)
    assert entry["file"] == "targets.jsonl" and entry["count"] == len(stored)
    assert stored == extract_all(sorted(documents.values(), key=lambda d: d.id))
    assert library.all_targets() == stored


@pytest.mark.slow
def test_rebuild_extracts_only_changed_plans(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    lib = Library(Paths(tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"), dense=False)
    lib.build()
    path = tmp_path / "corpus" / f"{DOC_IDS['004']}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("quy chuẩn đạt 92%", "quy chuẩn đạt 93%"),
                    encoding="utf-8")
    lib.build()
    entry = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))["targets"]
    assert entry["extracted"] == [DOC_IDS["004"]] and len(entry["reused"]) == 4
    water = [t for t in lib.all_targets() if t.key == "nuoc_sach" and t.doc_id == DOC_IDS["004"]]
    assert [t.value for t in water] == [93]
    # A damaged file is refused with a message; the index it belongs to fails its checksum (index/checksums.py)
    # and the library says how to rebuild, rather than answering from it.
    (tmp_path / "index" / "targets.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(TargetsLoadError, match="damaged"):
        read_targets(tmp_path / "index")
    lib2 = Library(Paths(tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"), dense=False)
    with pytest.raises(IndexLoadError, match=r"targets\.jsonl.*rebuild"):
        lib2.all_targets()


@pytest.mark.slow
def test_filters(library):
    rows = library.targets("nước sạch", year="2030")
    assert {t.doc_id for t in rows} == {DOC_IDS["001"], DOC_IDS["004"]}
    rows = library.targets("bhxh", place="Đồng Nai")  # abbreviation expanded; Biên Hòa lies in Đồng Nai
    assert {t.doc_id for t in rows} == {DOC_IDS["000"], DOC_IDS["003"]}
    assert all("bảo hiểm xã hội" in t.indicator_norm for t in rows)
    assert {t.doc_id for t in library.targets(plan=[DOC_IDS["002"]])} == {DOC_IDS["002"]}
    assert all(t.key.startswith("bhyt") for t in library.targets(key="bhyt"))


@pytest.mark.parametrize("question, plans, value", [
    ("mục tiêu nước sạch nông thôn 2030", {"001", "004"}, 90),
    ("chỉ tiêu BHXH Đồng Nai 2025", {"000", "003"}, 56),
    ("bao nhiêu căn nhà ở xã hội Đức Phổ", {"001"}, 300),
    ("muc tieu nuoc sach nong thon 2030", {"001", "004"}, 80),
])
def test_a_target_question_gets_a_card(documents, found_all, question, plans, value):
    card = answer(question, found_all, documents)
    assert card is not None
    assert {p[:3] for p in card.plans} == plans
    assert value in [t.value for t in card.rows]
    assert all(t.text == documents[t.doc_id].text[t.start:t.end] for t in card.rows)
    assert card.to_dict()["rows"][0]["citation"]


@pytest.mark.parametrize("question", ["trách nhiệm của Ban Tuyên giáo", "chương trình mục tiêu quốc gia giảm nghèo "
                                      "bền vững", "sắp xếp tổ chức bộ máy BHXH tinh gọn", "tỷ lệ nước sạch Hà Nội 2030"])
def test_a_question_not_about_a_target_gets_none(documents, found_all, question):
    assert answer(question, found_all, documents) is None


@pytest.mark.slow
def test_library_answers_from_its_stored_targets(library):
    card = library.target_answer("chỉ tiêu BHXH Đồng Nai 2025")
    assert card is not None and {p[:3] for p in card.plans} == {"000", "003"}
    assert library.target_answer("trách nhiệm của Ban Tuyên giáo") is None


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_command_line(library):
    idx = str(library.paths.index)
    r = run("index", "targets", "nước sạch", "--year", "2030", "--index", idx, "--json")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert {row["value"] for row in rows} >= {92, 90, 80} and all(row["year"] == "2030" for row in rows)
    r = run("index", "targets", "--place", "Đức Phổ", "--index", idx, "--csv")
    table = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert r.returncode == 0 and table and {row["doc_id"] for row in table} == {DOC_IDS["001"]}
    r = run("index", "targets", "bảo hiểm", "--index", idx)
    assert r.returncode == 0 and "targets" in r.stdout
    r = run("index", "targets", "--index", str(library.paths.index.parent / "nowhere"))
    assert r.returncode == 2 and "no index" in r.stderr


@pytest.mark.slow
def test_rest_api(library):
    with TestClient(create_app(library), raise_server_exceptions=False) as c:
        r = c.get("/targets", params={"q": "nước sạch", "year": "2030", "place": "Bắc Giang"})
        assert r.status_code == 200
        body = r.json()
        assert body["count"] == 3 and {t["value_text"] for t in body["targets"]} == {"92%", "100%", "90%"}
        r = c.get("/targets/answer", params={"q": "chỉ tiêu BHXH Đồng Nai 2025"})
        assert r.status_code == 200 and r.json()["answer"]["rows"]
        assert c.get("/targets/answer", params={"q": "trách nhiệm của Ban Tuyên giáo"}).json()["answer"] is None
        r = c.get("/targets", params={"year": "20x0"})
        assert r.status_code == 422 and "year" in r.text


def test_the_forms_the_issue_lists():
    """Forms named in the issue that the five plans do not all use: per-year rates, "/10.000 dân", "trở lên",
    "từ … đến …", "giảm còn dưới", money per person."""
    _, found = plan("- Tỷ lệ hộ nghèo giảm 1,5%/năm; có 1,9 bác sĩ/10.000 dân; tỷ lệ dân số nông thôn được sử dụng "
                    "nước sạch từ 95% trở lên; tỷ lệ bao phủ bảo hiểm y tế từ 95 đến 100%; tỷ lệ hộ nghèo giảm còn dưới "
                    "1%; thu nhập bình quân đầu người tăng lên 120 triệu đồng/người/năm.\n")
    assert [(t.value_text, t.comparator, t.key) for t in found] == [
        ("giảm 1,5%/năm", "giảm", "ho_ngheo"), ("1,9 bác sĩ/10.000 dân", "đạt", "bac_si"),
        ("ít nhất 95%", "ít nhất", "nuoc_sach/nong_thon"), ("95–100%", "đạt", "bhyt"), ("dưới 1%", "dưới", "ho_ngheo"),
        ("tăng 120 triệu đồng/người/năm", "tăng", "thu_nhap")]
