"""Approximate dense kinds (HNSW, IVF-PQ) and memory-mapped loading, on synthetic vectors (no model).

Every kind against numpy brute force; filters applied inside FAISS (only admitted rows, as many as
asked when enough are admitted, no over-fetching); ``choose_kind`` and "auto"; save/load round trips
through memory-mapped files; BM25's memory-mapped load scoring exactly as a load into memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from index import dense
from index.bm25 import BM25Retriever
from index.dense import AUTO, FLAT_MAX_ROWS, KINDS, DenseIndex, choose_kind

N, DIM, K = 20_000, 384, 10


def clustered(rng: np.random.Generator, n: int, dim: int = DIM, clusters: int = 100, latent: int = 24) -> np.ndarray:
    """Normalised vectors in clusters on a low-dimensional subspace, plus noise: shaped like embeddings."""
    basis = rng.standard_normal((latent, dim)).astype(np.float32)
    centers = 2 * rng.standard_normal((clusters, latent)).astype(np.float32)
    z = centers[rng.integers(clusters, size=n)] + rng.standard_normal((n, latent)).astype(np.float32)
    v = z @ basis + 0.5 * rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def brute(vectors: np.ndarray, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` best rows by numpy (``vectors`` in float64: see ``data``)."""
    rows = np.arange(len(vectors)) if allowed is None else np.asarray(allowed)
    scores = (vectors if allowed is None else vectors[rows]) @ query.astype(np.float64)
    return rows[np.argsort(-scores, kind="stable")[:k]]


class Data(NamedTuple):
    vectors: np.ndarray  # float32, as indexed
    exact: np.ndarray  # the same in float64, for brute force
    queries: np.ndarray


@pytest.fixture(scope="module")
def data() -> Data:
    rows = clustered(np.random.default_rng(2024), N + 50)
    return Data(rows[:N], rows[:N].astype(np.float64), rows[N:])


@pytest.fixture(scope="module")
def built(data) -> dict[str, DenseIndex]:
    return {kind: DenseIndex.build(data.vectors, kind) for kind in KINDS}


def recall(index: DenseIndex, data: Data, k: int, allowed=None, queries: int = 50) -> float:
    found = [len(set(index.nearest(q, k, allowed)[1].tolist()) & set(brute(data.exact, q, k, allowed).tolist()))
             / min(k, N if allowed is None else len(allowed)) for q in data.queries[:queries]]
    return float(np.mean(found))


def test_flat_equals_brute_force(data, built):
    """The same best rows, best first, as numpy; rows whose scores tie within float32 may swap."""
    for q in data.queries[:10]:
        scores, ids = built["flat"].nearest(q, 100)
        want = brute(data.exact, q, 100)
        np.testing.assert_allclose(data.exact[ids] @ q, data.exact[want] @ q, atol=1e-6)
        np.testing.assert_allclose(scores, data.vectors[ids] @ q, rtol=1e-5, atol=1e-5)
        assert len(set(ids.tolist()) ^ set(want.tolist())) <= 2


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
@pytest.mark.parametrize("k", [10, 100])
def test_approximate_recall_against_brute_force(data, built, kind, k):
    assert built[kind].kind == kind and built[kind].size == N
    assert recall(built[kind], data, k) >= 0.9
    scores, ids = built[kind].nearest(data.queries[0], k)
    assert len(ids) == k == len(set(ids.tolist())) and (np.diff(scores) <= 1e-6).all(), "k distinct rows, best first"


ALLOWED = {"one row": 1, "seven rows": 7, "one percent": N // 100, "half": N // 2}
# A filter admitting few rows is scored exactly among them; one admitting many goes through the kind's
# own search with an id selector. Both ways for every size: "selector" forces the second.
PATHS = {"as configured": dense.EXACT_FILTER_ROWS, "selector": 0}


@pytest.fixture(params=PATHS)
def path(request, monkeypatch) -> str:
    monkeypatch.setattr(dense, "EXACT_FILTER_ROWS", PATHS[request.param])
    return request.param


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", ALLOWED)
def test_filter_returns_only_admitted_rows_and_as_many_as_asked(data, built, kind, size, path):
    allowed = np.sort(np.random.default_rng(ALLOWED[size]).choice(N, ALLOWED[size], replace=False))
    for q in data.queries[:10]:
        for k in (K, 100):
            ids = built[kind].nearest(q, k, allowed)[1]
            assert set(ids.tolist()) <= set(allowed.tolist())
            assert len(ids) == min(k, len(allowed)) == len(set(ids.tolist()))
    want = 1.0 if kind == "flat" else 0.9
    assert recall(built[kind], data, K, allowed, queries=20) >= want


@pytest.mark.parametrize("kind", KINDS)
def test_filter_is_applied_inside_faiss_without_over_fetching(data, built, kind, monkeypatch):
    monkeypatch.setattr(dense, "EXACT_FILTER_ROWS", 0)
    calls = []
    search = DenseIndex._search

    def spy(index, x, k, params):
        calls.append((k, params))
        return search(index, x, k, params)

    monkeypatch.setattr(DenseIndex, "_search", staticmethod(spy))
    allowed = np.arange(0, N, 3)
    built[kind].nearest(data.queries[0], K, allowed)
    assert calls and all(k == K for k, _ in calls), "FAISS is asked for k rows, never more"
    for _, params in calls:
        base = getattr(params, "base_index_params", params)
        assert base.sel is not None, "the filter is FAISS's id selector"


@pytest.mark.parametrize("kind", KINDS)
def test_few_admitted_rows_are_scored_exactly_and_only_they(data, built, kind, monkeypatch):
    allowed = np.array([3, 3, 17, 250, 9_999, N - 1, N + 5, -1])  # duplicates and ids out of range ignored
    scored = []
    exact = DenseIndex._exact

    def spy(self):
        index = exact(self)
        real = index.compute_distance_subset
        index.compute_distance_subset = lambda n, x, k, d, labels: (scored.append(k), real(n, x, k, d, labels))
        return index

    monkeypatch.setattr(DenseIndex, "_exact", spy)
    q = data.queries[0]
    scores, ids = built[kind].nearest(q, 4, allowed)
    assert scored == [5], "FAISS scored the five admitted rows, no other"
    valid = np.array([3, 17, 250, 9_999, N - 1])
    np.testing.assert_array_equal(ids, brute(data.exact, q, 4, valid))
    np.testing.assert_allclose(scores, data.vectors[ids] @ q, rtol=1e-5, atol=1e-5)
    assert len(built[kind].nearest(q, 10, allowed)[1]) == 5


def test_choose_kind_is_exact_while_small_approximate_above():
    assert choose_kind(1) == choose_kind(FLAT_MAX_ROWS) == "flat"
    assert choose_kind(FLAT_MAX_ROWS + 1) == choose_kind(10**7) == "ivfpq"
    assert 100_000 <= FLAT_MAX_ROWS <= 500_000


def test_auto_is_resolved_at_build_and_the_resolved_kind_kept(monkeypatch, tmp_path):
    vectors = clustered(np.random.default_rng(5), 3000, dim=32)
    assert DenseIndex.build(vectors, AUTO).kind == "flat"
    monkeypatch.setattr(dense, "FLAT_MAX_ROWS", 1000)
    index = DenseIndex.build(vectors, AUTO)
    assert index.kind == "ivfpq"
    index.save(tmp_path / "dense.faiss")
    assert DenseIndex.load(tmp_path / "dense.faiss", AUTO).kind == "ivfpq"
    with pytest.raises(ValueError, match="unknown FAISS index kind"):
        DenseIndex.build(vectors, "ivf")


@pytest.mark.parametrize("n", [1, 2, 7, 300])
def test_ivfpq_on_tiny_libraries_still_answers(n):
    vectors = clustered(np.random.default_rng(n), n, dim=16)
    index = DenseIndex.build(vectors, "ivfpq")
    scores, ids = index.nearest(vectors[0], 10)
    assert len(ids) == min(10, n) == len(set(ids.tolist())) and ids[0] == 0
    assert index.nearest(vectors[0], 10, np.array([n - 1]))[1].tolist() == [n - 1]


def _mapped(path: Path) -> bool:
    return str(path) in Path("/proc/self/maps").read_text()


@pytest.mark.parametrize("kind", KINDS)
def test_save_and_memory_mapped_load_answer_identically(data, built, kind, tmp_path):
    path = tmp_path / f"{kind}.faiss"
    built[kind].save(path)
    mapped, copied = DenseIndex.load(path, kind), DenseIndex.load(path, None, mmap=False)
    assert mapped.kind == copied.kind == kind and mapped.size == N
    if Path("/proc/self/maps").exists():
        assert _mapped(path), "the file is memory-mapped, not read into memory"
    allowed = np.arange(5, N, 7)
    for q in data.queries[:10]:
        for rows in (None, allowed):
            want = built[kind].nearest(q, 50, rows)
            for again in (mapped, copied):
                got = again.nearest(q, 50, rows)
                np.testing.assert_array_equal(got[1], want[1])
                np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    other = "flat" if kind != "flat" else "hnsw"
    with pytest.raises(ValueError, match=f"holds a {kind!r} FAISS index"):
        DenseIndex.load(path, other)


TEXTS = [
    "Kế hoạch thực hiện mục tiêu nước sạch nông thôn đến năm 2030 trên địa bàn tỉnh Đồng Nai",
    "Tỷ lệ hộ gia đình nông thôn sử dụng nước sạch đạt 80%, thành thị đạt 100%",
    "Chỉ tiêu tham gia bảo hiểm xã hội (BHXH) của lực lượng lao động trong độ tuổi",
    "Giảm tỷ lệ hộ nghèo đa chiều bình quân 1 - 1,5%/năm giai đoạn 2021-2025",
    "Ủy ban nhân dân các huyện, thành phố chịu trách nhiệm tổ chức thực hiện kế hoạch",
    "Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với các sở, ngành liên quan",
] * 5
BM25_QUERIES = ["nước sạch nông thôn 2030", "muc tieu giam ngheo", "BHXH", "trách nhiệm tổ chức thực hiện",
                "không có từ nào khớp"]


def test_bm25_memory_mapped_load_scores_exactly_as_in_memory(tmp_path):
    built = BM25Retriever().index(TEXTS)
    built.save(tmp_path / "bm25")
    mapped, copied = BM25Retriever.load(tmp_path / "bm25"), BM25Retriever.load(tmp_path / "bm25", mmap=False)
    assert isinstance(mapped.exact.scores["data"], np.memmap) and isinstance(mapped.folded.scores["indices"], np.memmap)
    assert not isinstance(copied.exact.scores["data"], np.memmap)
    allowed = np.arange(1, len(TEXTS), 4)
    for q in BM25_QUERIES:
        want = built.scores(q)
        np.testing.assert_array_equal(mapped.scores(q), want)
        np.testing.assert_array_equal(copied.scores(q), want)
        assert mapped.search(q, 5, allowed) == built.search(q, 5, allowed)
        assert set(mapped.search(q, 50, allowed)) <= set(allowed.tolist())


def test_bm25_indexed_by_term_ids_scores_as_bm25s_on_term_strings():
    import bm25s

    from vntext.terms import folded_terms, terms

    ours = BM25Retriever().index(TEXTS)
    theirs = {view: bm25s.BM25(k1=1.2, b=0.75, method="lucene") for view in ("exact", "folded")}
    theirs["exact"].index([terms(t) for t in TEXTS], show_progress=False)
    theirs["folded"].index([folded_terms(t) for t in TEXTS], show_progress=False)
    for q in BM25_QUERIES[:4]:
        for view, fn in (("exact", terms), ("folded", folded_terms)):
            model = getattr(ours, view)
            want = theirs[view].get_scores_from_ids(theirs[view].get_tokens_ids(fn(q)))
            np.testing.assert_array_equal(model.get_scores_from_ids(model.get_tokens_ids(fn(q))), want)
