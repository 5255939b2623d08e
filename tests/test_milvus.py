"""The Milvus backend (index.milvus) against the real Milvus Lite server (the C++ server of milvus-lite 2.5.1),
started on 127.0.0.1 at a free port by the fixture below and stopped by its pid.

Quick tier: the bundled plans keyword-only (no model) — Milvus's BM25 over our term streams ranks as
bm25s does, filters become expressions on stored fields, row ids through the seam become ranges.
Slow tier: the session index with its vectors and the bundled model — dense and hybrid as FAISS and our
fusion answer, and Milvus's one-call hybrid_search; the command line (milvus-load, search --milvus) and
python -m eval --backend milvus.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, DOC_IDS, ROOT, WATER_004

pytest.importorskip("pymilvus", reason="pymilvus is not installed: pip install -r requirements-dist.txt "
                                       "(scripts/test.sh installs it)")

import ingest  # noqa: E402
from index import Filters, HybridIndex, IndexLoadError  # noqa: E402
from index.milvus import MilvusError, MilvusIndex, MilvusSparse, MilvusStore, filter_expression, rows_expression  # noqa: E402
from index.milvus_lite import MilvusLite  # noqa: E402

TINY = Path(__file__).parent / "fixtures" / "tiny"
QUESTIONS = [json.loads(line)["query"] for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()
             if line.strip()]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = MilvusLite(tmp_path_factory.mktemp("milvus") / "test.db").start()
    yield srv
    pid, port = srv.process.pid, srv.port
    srv.stop()
    with pytest.raises(ProcessLookupError):  # stopped by its pid: the process is gone, the port closed
        import os

        os.kill(pid, 0)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def plans():
    """The bundled plans, keyword-only (no model loaded)."""
    return HybridIndex.build(ingest.load(CORPUS), dense=False)


@pytest.fixture(scope="module")
def served(server, plans):
    store = MilvusStore(server.uri, "plans_bm25")
    assert store.load(plans) == len(plans.chunks)
    return MilvusIndex.connect(plans, store)


def rows(hits) -> list[int]:
    return [h.chunk.id for h in hits]


# -- expressions (no server) -------------------------------------------------------------------------
def test_rows_become_ranges_of_the_primary_key():
    assert rows_expression(np.array([3, 4, 5, 9, 20, 21])) == "(row >= 3 and row <= 5) or (row >= 20 and row <= 21) or row in [9]"
    assert rows_expression(np.array([7])) == "row in [7]"
    assert rows_expression(np.array([], dtype=np.int64)) == "row < 0"


def test_filters_become_expressions_on_stored_fields():
    assert filter_expression(None) == "" and filter_expression(Filters()) == ""
    f = Filters.of(doc_ids=["b", "a"], issuers="Ủy ban nhân dân tỉnh Đồng Nai", years=["2024"], implements=["42-NQ/TW"])
    assert filter_expression(f) == ('doc_id in ["a", "b"] and issuer in ["Ủy ban nhân dân tỉnh Đồng Nai"] and '
                                    'year in ["2024"] and array_contains_any(implements, ["42-NQ/TW"])')


# -- keyword search ----------------------------------------------------------------------------------
def test_bm25_ranks_as_the_embedded_engine(plans, served):
    """Our term streams through Milvus's whitespace analyzer and BM25 function: the same passages, in the
    same order, for the evaluation's questions (every 3rd of them, to stay quick)."""
    differ = []
    for q in QUESTIONS[::3]:
        a, b = plans.search(q, k=10, mode="bm25"), served.search(q, k=10, mode="bm25")
        if rows(a) != rows(b):
            differ.append(q)
        # Milvus's BM25 carries bm25s's Lucene score times a constant per query, (k1 + 1)
        ratios = [y.score / x.score for x, y in zip(a, b, strict=True)]
        assert max(ratios) == pytest.approx(min(ratios), rel=1e-3), q
    assert not differ, differ


@pytest.mark.parametrize("variants", [
    ("mục tiêu nước sạch nông thôn 2030", "muc tieu nuoc sach nong thon 2030"),  # the accent-free view
    ("tỷ lệ tham gia BHXH", "tỉ lệ tham gia bảo hiểm xã hội"),  # i/y, and the abbreviation expanded
    ("hoà nhập cộng đồng", "hòa nhập cộng đồng"),  # one tone placement
])
def test_our_normalisation_applies_in_milvus(served, variants):
    """Milvus's analyzer knows no Vietnamese: what it indexes and is asked is our normalised term stream,
    so spellings the embedded engine treats alike reach the same passage here too."""
    tops = {rows(served.search(v, k=1, mode="bm25"))[0] for v in variants}
    assert len(tops) == 1, variants


def test_hits_cite_the_same_spans(plans, served):
    hit = served.search("tỷ lệ dân số được cấp nước sạch Bắc Giang", k=1, mode="bm25")[0]
    assert WATER_004 in hit.chunk.text and hit.document.id == DOC_IDS["004"]
    assert hit.document.text[hit.chunk.start:hit.chunk.end] == hit.chunk.text


@pytest.mark.parametrize("filters", [
    Filters.of(doc_ids=[DOC_IDS["003"]]),
    Filters.of(issuers=["Ủy ban nhân dân tỉnh Đồng Nai"]),
    Filters.of(years=["2021"]),
    Filters.of(implements=["92-KL/TW"]),
    Filters.of(implements=["42-NQ/TW"], doc_ids=[DOC_IDS["000"], DOC_IDS["004"]]),
], ids=["plan", "issuer", "year", "implements", "implements+plans"])
def test_filters_are_evaluated_by_the_server(plans, served, filters):
    for q in ("bảo hiểm xã hội", "nước sạch", "giải quyết việc làm"):
        want, got = plans.search(q, k=10, mode="bm25", filters=filters), served.search(q, k=10, mode="bm25",
                                                                                      filters=filters)
        assert rows(got) == rows(want) and got
        assert all(filters.accepts(h.document) for h in got)


def test_a_filter_admitting_nothing_finds_nothing(served):
    for f in (Filters.of(years=["1999"]), Filters.of(issuers=['Ủy ban "giả" \\ tỉnh'])):  # quotes are escaped
        assert served.search("bảo hiểm xã hội", k=5, mode="bm25", filters=f) == []


def test_row_ids_through_the_seam(plans, served):
    """A retriever handed row ids (index.backends) restricts Milvus's search to them, as bm25s does."""
    rng = np.random.default_rng(7)
    allowed = np.sort(rng.choice(len(plans.chunks), 120, replace=False))
    sparse = served.bm25
    assert isinstance(sparse, MilvusSparse)
    for q in ("nước sạch nông thôn", "chuyển đổi số", "nha o xa hoi"):
        want, got = plans.bm25.search(q, 20, allowed), sparse.search(q, 20, allowed)
        assert list(got) == list(want) and set(got) <= set(allowed.tolist())


def test_keyword_only_collection_answers_bm25_only(served):
    assert served.modes == ("bm25",)
    with pytest.raises(ValueError, match="needs dense vectors"):
        served.search("nước sạch", mode="hybrid")


# -- the collection belongs to one index -------------------------------------------------------------
def test_connect_refuses_a_collection_of_another_index(server, served):
    tiny = HybridIndex.build(ingest.load(TINY), dense=False)
    with pytest.raises(IndexLoadError, match="holds another index"):
        MilvusIndex.connect(tiny, served.store)
    rechunked = HybridIndex.build(ingest.load(CORPUS, max_words=60), dense=False)  # same plans, other passages
    with pytest.raises(IndexLoadError, match="holds another index"):
        MilvusIndex.connect(rechunked, served.store)
    with pytest.raises(MilvusError, match="no collection 'absent'"):
        MilvusIndex.connect(tiny, MilvusStore(server.uri, "absent"))


def test_reloading_replaces_the_collection(server):
    tiny = HybridIndex.build(ingest.load(TINY), dense=False)
    store = MilvusStore(server.uri, "tiny")
    store.load(tiny)
    store.load(tiny)  # again: replaced, not appended
    idx = MilvusIndex.connect(tiny, store)
    assert store.client.query("tiny", output_fields=["count(*)"])[0]["count(*)"] == len(tiny.chunks)
    assert idx.search("nhà ở xã hội công nhân", k=1, mode="bm25")[0].document.id == "ctr_bac_giang"
    store.drop()
    assert not store.exists()


def test_library_served_from_milvus_by_environment(server, tmp_path, monkeypatch):
    """$PLANS_MILVUS_URI: the page's and the API's library answers from Milvus, with the same citations."""
    from service import Library, Paths

    paths = Paths(TINY, tmp_path / "index", tmp_path / "cache")
    Library(paths, dense=False).build()
    MilvusStore(server.uri, "env_tiny").load(HybridIndex.load(paths.index))
    monkeypatch.setenv("PLANS_CORPUS", str(paths.corpus))
    monkeypatch.setenv("PLANS_INDEX", str(paths.index))
    monkeypatch.setenv("PLANS_CACHE", str(paths.cache))
    monkeypatch.setenv("PLANS_MILVUS_URI", server.uri)
    monkeypatch.setenv("PLANS_MILVUS_COLLECTION", "env_tiny")
    lib = Library.from_env(dense=False)
    assert isinstance(lib.index(), MilvusIndex)
    hits = lib.search("nhà ở xã hội công nhân", k=1, mode="bm25").hits
    assert hits[0].document.id == "ctr_bac_giang"
    monkeypatch.setenv("PLANS_MILVUS_COLLECTION", "absent")
    with pytest.raises(MilvusError, match="no collection 'absent'"):
        Library.from_env(dense=False).index()
    monkeypatch.delenv("PLANS_MILVUS_URI")
    assert not isinstance(Library.from_env(dense=False).index(), MilvusIndex)


def test_unreachable_server_is_a_clear_error():
    from index.milvus_lite import free_port

    with pytest.raises(MilvusError, match="cannot connect to Milvus at http://127.0.0.1"):
        MilvusStore(f"http://127.0.0.1:{free_port()}", "plans")


# -- with vectors (the session index: cached vectors, the bundled model) ---------------------------------
@pytest.fixture(scope="module")
def served_dense(server, session_index):
    idx = session_index.loaded
    store = MilvusStore(server.uri, "plans_dense")
    store.load(idx)
    return idx, MilvusIndex.connect(idx, store)


@pytest.mark.slow
def test_dense_and_hybrid_as_faiss_and_our_fusion(served_dense):
    idx, served = served_dense
    assert served.modes == ("hybrid", "bm25", "dense")
    for q in QUESTIONS[::10]:
        vector = idx.embedder.embed_queries([q])[0]
        want, got = idx.dense.search(vector, 20), served.dense.search(vector, 20)
        assert list(got) == list(want), q
        assert np.allclose(list(got.values()), list(want.values()), atol=1e-4)
        assert rows(served.search(q, k=10)) == rows(idx.search(q, k=10)), q


@pytest.mark.slow
def test_dense_filters_and_one_call_hybrid(served_dense):
    idx, served = served_dense
    f = Filters.of(doc_ids=[DOC_IDS["004"], DOC_IDS["001"]])
    q = "mục tiêu nước sạch nông thôn 2030"
    assert rows(served.search(q, k=10, mode="dense", filters=f)) == rows(idx.search(q, k=10, mode="dense", filters=f))
    one_call = MilvusIndex.connect(idx, served.store, fusion="rrf")
    hits = one_call.search(q, k=10, filters=f)
    assert hits and all(f.accepts(h.document) for h in hits)
    assert any(WATER_004 in h.chunk.text for h in hits[:3])
    with pytest.raises(ValueError, match="unknown Milvus fusion"):
        MilvusIndex.connect(idx, served.store, fusion="weighted")


@pytest.mark.slow  # four Python processes
def test_command_line_loads_and_searches_by_uri(server, tmp_path):
    """python -m index milvus-load, then python -m index search --milvus: the same cited passages."""
    import shutil
    import subprocess
    import sys

    from service import Library, Paths

    shutil.copytree(TINY, tmp_path / "corpus")
    Library(Paths(tmp_path / "corpus", tmp_path / "store" / "index", tmp_path / "cache"), dense=False).build()
    index_dir = str(tmp_path / "store" / "index")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "index", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)

    loaded = run("milvus-load", "--uri", server.uri, "--collection", "cli", "--index", index_dir)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 7 passages" in loaded.stderr and "keyword-only" in loaded.stderr
    found = run("search", "nha o xa hoi cong nhan", "-k", "2", "--json", "--mode", "bm25", "--index", index_dir,
                "--milvus", server.uri, "--collection", "cli")
    assert found.returncode == 0, found.stderr
    local = run("search", "nha o xa hoi cong nhan", "-k", "2", "--json", "--mode", "bm25", "--index", index_dir)
    hits, local_hits = json.loads(found.stdout)["hits"], json.loads(local.stdout)["hits"]
    assert [(h["doc_id"], h["start"], h["end"]) for h in hits] == [(h["doc_id"], h["start"], h["end"]) for h in local_hits]
    assert hits[0]["doc_id"] == "ctr_bac_giang" and "nhà ở xã hội" in hits[0]["text"]
    missing = run("search", "nhà ở", "--index", index_dir, "--milvus", server.uri, "--collection", "nowhere")
    assert missing.returncode == 2 and "no collection 'nowhere'" in missing.stderr


@pytest.mark.slow  # the evaluation's own index of the bundled plans
def test_eval_reports_both_backends(server, tmp_path, capsys):
    """python -m eval --backend milvus: both backends' figures and their difference, here on ten questions."""
    from eval.__main__ import main

    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join((ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:10]),
                         encoding="utf-8")
    out = tmp_path / "report.json"
    assert main(["--backend", "milvus", "--milvus-uri", server.uri, "--modes", "bm25", "--questions",
                 str(questions), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "backend: embedded" in printed and "backend: milvus (our fusion)" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    mrr = report["comparison"]["bm25"]["MRR@10"]
    assert mrr["embedded"] > 0.5 and abs(mrr["diff"]) <= 0.02
    assert not MilvusStore(server.uri, "plans_eval").exists()  # the evaluation's collection is dropped
