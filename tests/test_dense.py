"""index.dense.DenseIndex.nearest against numpy brute force (V @ q, argsort), with awkward sizes; HNSW recall."""

from __future__ import annotations

import numpy as np
import pytest

from index.dense import DenseIndex


def unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def brute(vectors: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores = vectors.astype(np.float64) @ query.astype(np.float64)
    order = np.argsort(-scores, kind="stable")[:k]
    return scores[order], order


@pytest.mark.parametrize("n", [1, 2, 7, 313])
@pytest.mark.parametrize("k", [1, 5, 10, 400])
@pytest.mark.parametrize("dim", [8, 384])
def test_flat_search_equals_brute_force(n, k, dim):
    rng = np.random.default_rng(1000 * n + 10 * k + dim)
    vectors = unit(rng, n, dim)
    index = DenseIndex.build(vectors, "flat")
    assert index.size == n and index.kind == "flat"
    for query in unit(rng, 5, dim):
        scores, ids = index.nearest(query, k)
        want_scores, want_ids = brute(vectors, query, k)
        assert len(ids) == min(k, n)
        np.testing.assert_array_equal(ids, want_ids)
        np.testing.assert_allclose(scores, want_scores, rtol=1e-5, atol=1e-5)
        assert ids.dtype.kind == "i" and scores.dtype == np.float32
        # the retrieval seam (index.backends) answers the same rows, best first, as {row: score}
        assert list(index.search(query, k)) == want_ids.tolist()


def test_search_with_k_zero_or_negative_is_empty():
    index = DenseIndex.build(unit(np.random.default_rng(0), 7, 16))
    for k in (0, -3):
        scores, ids = index.nearest(np.ones(16, np.float32) / 4, k)
        assert len(scores) == len(ids) == 0


def test_query_as_row_or_column_or_float64():
    rng = np.random.default_rng(3)
    vectors = unit(rng, 50, 32)
    index = DenseIndex.build(vectors.astype(np.float64))
    q = unit(rng, 1, 32)[0]
    want = index.nearest(q, 5)[1]
    for form in (q.reshape(1, -1), q.reshape(-1, 1), q.astype(np.float64)):
        np.testing.assert_array_equal(index.nearest(form, 5)[1], want)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown FAISS index kind"):
        DenseIndex.build(np.eye(4, dtype=np.float32), "ivf")


def test_hnsw_recall_at_10_against_flat():
    rng = np.random.default_rng(42)
    vectors = unit(rng, 3000, 64)
    flat, hnsw = DenseIndex.build(vectors, "flat"), DenseIndex.build(vectors, "hnsw")
    assert hnsw.kind == "hnsw" and hnsw.size == 3000
    queries = unit(rng, 100, 64)
    recalls = []
    for q in queries:
        truth = set(flat.nearest(q, 10)[1].tolist())
        got = hnsw.nearest(q, 10)[1]
        assert len(got) == 10 and len(set(got.tolist())) == 10
        recalls.append(len(truth & set(got.tolist())) / 10)
    assert np.mean(recalls) >= 0.9, np.mean(recalls)


@pytest.mark.parametrize("n,k", [(1, 1), (1, 10), (7, 10), (313, 10)])
def test_hnsw_small_sizes_return_min_k_n_distinct_rows(n, k):
    vectors = unit(np.random.default_rng(n), n, 16)
    scores, ids = DenseIndex.build(vectors, "hnsw").nearest(vectors[0], k)
    assert len(ids) == min(k, n) == len(set(ids.tolist()))
    assert ids[0] == 0 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert (np.diff(scores) <= 1e-6).all(), "best first"


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_and_load_round_trip(tmp_path, kind):
    rng = np.random.default_rng(7)
    vectors = unit(rng, 313, 24)
    index = DenseIndex.build(vectors, kind)
    index.save(tmp_path / "dense.faiss")
    again = DenseIndex.load(tmp_path / "dense.faiss", kind)
    assert again.size == 313 and again.kind == kind
    for q in unit(rng, 5, 24):
        a, b = index.nearest(q, 10), again.nearest(q, 10)
        np.testing.assert_array_equal(a[1], b[1])
        np.testing.assert_allclose(a[0], b[0])
