"""The multi-locality library generator (eval.localities) and its evaluation through the service.

Quick tier: the generator reads the bundled plans (no model); the end-to-end test indexes a small generated
library keyword-only (``Library(paths, dense=False)``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import ingest
from eval import localities
from eval.locality_eval import evaluate, prepare
from eval.relevance import locate
from ingest import gazetteer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def lib():
    return localities.make(1, CORPUS)


@pytest.fixture(scope="module")
def written(lib, tmp_path_factory):
    folder = localities.write(lib, tmp_path_factory.mktemp("loc") / "seed1", CORPUS)
    return folder, {d.id: d for d in ingest.load(folder / "corpus").documents}


def _own_keys(doc) -> set[str]:
    own = localities._own_place(doc)
    if own is None:
        return set()
    return {own.key, own.parent} - {None}


def test_deterministic_by_seed(lib):
    again = localities.make(1, CORPUS)
    assert [v.text for v in again.variants] == [v.text for v in lib.variants]
    assert [v.to_dict() for v in again.variants] == [v.to_dict() for v in lib.variants]
    other = localities.make(2, CORPUS, localities=4)
    assert [v.issuer.key for v in other.variants] != [v.issuer.key for v in lib.variants[:len(other.variants)]]


def test_mix_of_issuers_and_budget(lib, written):
    issuers = {v.issuer.key: v.issuer for v in lib.variants}
    assert len(issuers) >= 7
    assert any(i.level == "district" for i in issuers.values())  # a district-level unit, under its province
    assert any(i.old for i in issuers.values() if i.level == "province")  # a pre-2025 province name
    families = [localities.family(i.place) for i in issuers.values()]
    assert len(families) == len(set(families))  # one issuer per 2025 province: every answer unambiguous
    originals = {localities.family(p) for d in lib.originals if (p := localities._own_place(d))}
    assert not originals & set(families)
    folder, _ = written
    chunks = ingest.load(folder / "corpus").chunks
    assert sum(1 for c in chunks if "-s1-" in c.doc_id) <= localities.DEFAULT_MAX_PASSAGES


def test_the_issuer_is_read_from_the_header_and_no_original_place_is_left(lib, written):
    _, docs = written
    originals = {d.id: d for d in lib.originals}
    for v in lib.variants:
        doc = docs[v.id]
        assert doc.text == v.text  # what is indexed is what the ground truth maps
        assert doc.meta.place_key == v.issuer.key, v.id  # the header names the issuer, detected as such
        assert doc.meta.number == v.number
        own = _own_keys(originals[v.source])
        named = {m.place.key for m in gazetteer.find_places(v.text)}
        assert not own & named, (v.id, own & named)  # the original's locality is nowhere in the variant
        header = v.text[: re.search(r"KẾ HOẠCH|CHƯƠNG TRÌNH", v.text).start()]
        header_places = {m.place.key for m in gazetteer.find_places(header)}
        assert header_places and header_places <= {v.issuer.key, v.issuer.province}, (v.id, header_places)
        source_sig = originals[v.source].meta.signer
        assert not source_sig or source_sig not in v.text


def test_figures_are_shifted_and_recorded(lib):
    originals = {d.id: d.text for d in lib.originals}
    assert all(v.changes for v in lib.variants)
    for v in lib.variants:
        src = originals[v.source]
        for c in v.changes:
            assert v.text[c.start:c.end] == c.new and src[c.source_start:c.source_end] == c.old
            assert c.new != c.old and re.fullmatch(r"[\d.,]+", c.new)
            if v.text[c.end:c.end + 3].lstrip().startswith("%"):
                assert 0 < float(c.new.replace(",", ".")) < 100
            assert v.to_source(c.start) == c.source_start and v.to_variant(c.source_start) == c.start


def test_copied_text_maps_back_to_the_original(lib):
    originals = {d.id: d.text for d in lib.originals}
    for v in lib.variants:
        for start, _source, length in v.runs:
            for pos in (start, start + length // 2, start + length - 1):
                if length:
                    assert v.text[pos] == originals[v.source][v.to_source(pos)]
                    assert v.to_variant(v.to_source(pos)) == pos


def test_gold_is_the_variants_own_sentence_with_its_shifted_figure(lib, written):
    folder, docs = written
    rows = [json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")]
    located = [r for r in rows if r["kind"] == "locality"]
    assert len(located) >= 40 and any(r["kind"] == "no_place" for r in rows)
    variants = lib.by_id()
    for r in located:
        assert {g["doc"] for g in r["gold"]} <= set(r["docs"])
        for g in r["gold"]:
            v = variants[g["doc"]]
            spans = locate(docs[g["doc"]].text, g["quote"])
            assert spans, g
            s, e = spans[0]
            assert docs[g["doc"]].text[s:e] == g["quote"]
            assert any(s <= c.start < e for c in v.changes)  # the sentence with the shifted figure
            assert g["quote"] not in docs[v.source].text  # ... so it is this locality's own
    forms = {r["form"] for r in located}
    assert {"full", "bare", "unaccented"} <= forms
    assert all(not gazetteer.find_places(r["query"]) for r in rows if r["kind"] == "no_place")


def test_questions_name_the_issuer_or_its_2025_successor(lib, written):
    folder, _ = written
    for r in (json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")):
        if r["kind"] != "locality":
            continue
        issuer = next(v.issuer for v in lib.variants if v.id in r["docs"])
        wanted = {issuer.key, issuer.successor, issuer.province} - {""}
        named = {m.place.key for m in gazetteer.find_places(r["query"])}
        if r["form"] in ("full", "short", "new_name", "with_province"):
            assert named & wanted, (r["query"], wanted)


def test_end_to_end_through_the_service_keyword_only(tmp_path):
    index, questions, truth = prepare(5, tmp_path, ("bm25",), CORPUS, localities=3, max_passages=150)
    assert "bm25" == index.library.search("bảo hiểm xã hội", k=1).mode
    rows = {json.loads(line)["id"]: json.loads(line)
            for line in (tmp_path / "seed5" / "questions.jsonl").open(encoding="utf-8")}
    report = evaluate(index, questions, rows, truth["variants"], ("bm25",))
    scoped, bare = report["modes"]["bm25"], report["modes"]["bm25/no-scope"]
    assert scoped["overall"]["n"] == report["questions"]["locality"] > 0
    assert 0 <= scoped["overall"]["MRR@10"] <= 1 and 1 <= scoped["distinct@10"] <= 10
    assert scoped["overall"]["locality@1"] >= bare["overall"]["locality@1"]
    assert scoped["overall"]["locality@1"] > 0.5
