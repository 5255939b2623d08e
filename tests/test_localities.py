"""The locality filter (issue 8): Filters.localities through the index's per-field maps, its options with
levels and old/new province names, the labels the sidebar shows, and the REST parameter."""

from __future__ import annotations

import shutil

import pytest

from index import Filters, HybridIndex
from index.hybrid import locality_values
from ingest import load
from present import locality_label
from service.places import locality_key, locality_options
from tests.conftest import CORPUS, DOC_IDS

TINY = CORPUS.parent / "tests" / "fixtures" / "tiny"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> HybridIndex:
    """The five plans and the tiny fixtures (a Bắc Giang programme of 2024: Bắc Giang is now part of Bắc Ninh)."""
    base = tmp_path_factory.mktemp("localities") / "corpus"
    shutil.copytree(CORPUS, base)
    shutil.copy(TINY / "ctr_bac_giang.md", base / "ctr_bac_giang.md")
    return HybridIndex.keywords(load(base))


@pytest.mark.parametrize("localities,expected", [
    ({"Đồng Nai"}, {DOC_IDS["000"], DOC_IDS["003"]}),  # the province takes in Biên Hòa's plan
    ({"Đồng Nai/thành phố Biên Hòa"}, {DOC_IDS["000"]}),
    ({"Quảng Ngãi/thị xã Đức Phổ"}, {DOC_IDS["001"]}),
    ({"Bắc Ninh"}, {"ctr_bac_giang"}),  # the 2025 name takes in the province merged into it
    ({"Bắc Giang"}, {"ctr_bac_giang"}),
    ({"Đồng Nai", "Quảng Ngãi"}, {DOC_IDS["000"], DOC_IDS["001"], DOC_IDS["003"]}),
    ({"Hà Nội"}, set()),
])
def test_locality_filter_admits_the_place_and_what_lies_in_it(index, localities, expected):
    f = Filters(localities=localities)
    assert index.matching_documents(f) == expected
    assert {d for d, doc in index.documents.items() if f.accepts(doc)} == expected  # one document at a time
    hits = index.search("bảo hiểm xã hội", 20, "bm25", f)
    assert {h.document.id for h in hits} <= expected and (bool(hits) == bool(expected))


def test_locality_combines_with_the_other_filters(index):
    f = Filters(localities={"Đồng Nai"}, years={"2021"})
    assert index.matching_documents(f) == {DOC_IDS["003"]}


def test_a_plan_naming_no_locality_has_none():
    docs = {d.id: d for d in load(CORPUS).documents}
    assert locality_values(docs[DOC_IDS["004"]].meta) == []  # names Bắc Giang in its text, not as its issuer
    assert locality_values(docs[DOC_IDS["000"]].meta) == ["Đồng Nai/thành phố Biên Hòa", "Đồng Nai"]


def test_options_by_level_with_old_names_marked(index):
    options = locality_options(index.documents.values())
    assert options == ["Bắc Ninh", "Đồng Nai", "Quảng Ngãi", "Bắc Giang", "Đồng Nai/thành phố Biên Hòa",
                       "Quảng Ngãi/thị xã Đức Phổ"]
    assert [locality_label(k) for k in options] == [
        "Cấp tỉnh · Bắc Ninh", "Cấp tỉnh · Đồng Nai", "Cấp tỉnh · Quảng Ngãi", "Cấp tỉnh · Bắc Giang (cũ → Bắc Ninh)",
        "Cấp huyện · thành phố Biên Hòa (Đồng Nai)", "Cấp huyện · thị xã Đức Phổ (Quảng Ngãi)"]
    assert locality_label("Hồ Chí Minh") == "Cấp tỉnh · thành phố Hồ Chí Minh"
    assert locality_label("Đồng Nai/phường Biên Hòa") == "Cấp xã · phường Biên Hòa (Đồng Nai)"


@pytest.mark.parametrize("name,key", [("dong nai", "Đồng Nai"), ("TP.HCM", "Hồ Chí Minh"),
                                      ("thành phố Biên Hòa", "Đồng Nai/thành phố Biên Hòa"),
                                      ("Đồng Nai/thành phố Biên Hòa", "Đồng Nai/thành phố Biên Hòa")])
def test_any_known_form_names_a_locality(name, key):
    assert locality_key(name) == key


def test_rest_locality_parameter(tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from service import Library, Paths

    shutil.copytree(CORPUS, tmp_path / "corpus")
    lib = Library(Paths(tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"), dense=False)
    lib.build()
    with TestClient(create_app(lib), raise_server_exceptions=False) as client:
        r = client.get("/search", params={"q": "bảo hiểm xã hội", "k": 10, "locality": "dong nai"})
        assert r.status_code == 200
        assert {h["doc_id"] for h in r.json()["hits"]} <= {DOC_IDS["000"], DOC_IDS["003"]}
        assert r.json()["filters"] == {"localities": ["Đồng Nai"]}
        bad = client.get("/search", params={"q": "bảo hiểm xã hội", "locality": "Atlantis"})
        assert bad.status_code == 400 and "Atlantis" in bad.json()["detail"]
