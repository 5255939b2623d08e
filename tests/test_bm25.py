"""index.bm25.BM25Retriever (bm25s) against rank_bm25.BM25Okapi as an oracle, on the real corpus chunks.

Both use idf = ln((N - df + 0.5) / (df + 0.5)) with method="robertson"; BM25Okapi replaces a negative idf
(df > N/2) by a floor, so the oracle queries use only terms with df < N/2. bm25s leaves out the constant
factor (k1 + 1) of the term-frequency part (same ranking), so our scores times (k1 + 1) equal BM25Okapi's.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.bm25 import BM25Retriever
from index.hybrid import index_text
from vntext.terms import terms

K1 = 1.2
QUERIES = [
    "mục tiêu nước sạch nông thôn 2030",
    "tỷ lệ tham gia bảo hiểm xã hội",
    "nhà ở xã hội cho công nhân khu công nghiệp",
    "BHXH tự nguyện",
    "suy dinh dưỡng thấp còi trẻ em dưới 5 tuổi",
    "giường bệnh bác sĩ trên 10.000 dân",
    "người có công với cách mạng",
    "chuyển đổi số",
    "Đồng Nai 9491/KH-UBND",
    "hộ nghèo A",
    "xóa nhà tạm, nhà dột nát",
    "sàn giao dịch việc làm",
]


@pytest.fixture(scope="module", params=["syllable", "syllable_bigram"])
def texts_and_models(request, corpus):
    docs = {d.id: d for d in corpus.documents}
    texts = [index_text(c, docs[c.doc_id]) for c in corpus.chunks]
    scheme = request.param
    ours = BM25Retriever(scheme=scheme, folded_weight=0, k1=K1, b=0.75, method="robertson").index(texts)
    tokenized = [terms(t, scheme) for t in texts]
    oracle = BM25Okapi(tokenized, k1=K1, b=0.75)
    df = Counter(t for toks in tokenized for t in set(toks))
    return scheme, texts, ours, oracle, df


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_bm25okapi(texts_and_models, query):
    scheme, texts, ours, oracle, df = texts_and_models
    n = len(texts)
    q = [t for t in terms(query, scheme) if 0 < df[t] < n / 2]
    assert q, "the query keeps some terms"
    # the same kept terms, scored by our retriever's bm25s index and by the oracle
    got = _exact_scores(ours, q, n) * (K1 + 1)
    want = np.asarray(oracle.get_scores(q))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert (want > 0).sum() > 0


def _exact_scores(retriever: BM25Retriever, tokens: list[str], n: int) -> np.ndarray:
    ids = retriever.exact.get_tokens_ids(tokens)
    return np.asarray(retriever.exact.get_scores_from_ids(ids), dtype=np.float64) if ids else np.zeros(n)


@pytest.mark.parametrize("query", ["sàn giao dịch việc làm", "suy dinh dưỡng thấp còi", "giường bệnh bác sĩ"])
def test_retriever_scores_of_a_whole_query_equal_bm25okapi(texts_and_models, query):
    """Through the public ``scores(query)``: every term of these queries has df < N/2."""
    scheme, texts, ours, oracle, df = texts_and_models
    q = terms(query, scheme)
    assert all(df[t] < len(texts) / 2 for t in q), [t for t in q if not df[t] < len(texts) / 2]
    np.testing.assert_allclose(ours.scores(query) * (K1 + 1), oracle.get_scores(q), rtol=1e-5, atol=1e-5)


def test_unknown_terms_score_zero(texts_and_models):
    scheme, texts, ours, oracle, df = texts_and_models
    assert not ours.scores("xyzzy qwertz").any()
    assert ours.scores("xyzzy qwertz").shape == (len(texts),)


def test_repeated_query_term_counts_twice(texts_and_models):
    scheme, texts, ours, oracle, df = texts_and_models
    once, twice = ours.scores("giường bệnh"), ours.scores("giường bệnh giường bệnh")
    np.testing.assert_allclose(twice, 2 * once, rtol=1e-5)
    np.testing.assert_allclose(twice * (K1 + 1), oracle.get_scores(terms("giường bệnh giường bệnh", scheme)),
                               rtol=1e-5, atol=1e-5)


# -- the accent-free view -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def default_bm25(corpus):
    docs = {d.id: d for d in corpus.documents}
    texts = [index_text(c, docs[c.doc_id]) for c in corpus.chunks]
    return texts, BM25Retriever().index(texts), BM25Retriever(folded_weight=0).index(texts)


@pytest.mark.parametrize("plain,accented", [
    ("muc tieu nuoc sach", "mục tiêu nước sạch"),
    ("ty le tham gia bao hiem xa hoi", "tỷ lệ tham gia bảo hiểm xã hội"),
    ("nha o xa hoi cong nhan", "nhà ở xã hội công nhân"),
])
def test_query_without_diacritics_scores_the_same_chunks(default_bm25, plain, accented):
    texts, bm25, exact_only = default_bm25
    s_plain, s_acc = bm25.scores(plain), bm25.scores(accented)
    hits_plain, hits_acc = set(np.flatnonzero(s_plain > 0)), set(np.flatnonzero(s_acc > 0))
    assert hits_plain and hits_plain == hits_acc
    best_plain = set(np.argsort(-s_plain)[:10])
    assert len(best_plain & set(np.argsort(-s_acc)[:10])) >= 5


def test_plain_query_finds_the_water_target_only_through_the_folded_view(default_bm25):
    texts, bm25, exact_only = default_bm25
    plain = "muc tieu nuoc sach"  # none of these syllables is a word in the plans
    assert not exact_only.scores(plain).any()
    scores = bm25.scores(plain)
    best = texts[int(np.argmax(scores))].lower()
    assert "mục tiêu" in best and "nước sạch" in best


def test_folded_weight_scales_the_folded_view(corpus):
    docs = {d.id: d for d in corpus.documents}
    texts = [index_text(c, docs[c.doc_id]) for c in corpus.chunks[:60]]
    a = BM25Retriever(folded_weight=0.3).index(texts).scores("muc tieu nuoc sach")
    b = BM25Retriever(folded_weight=0.6).index(texts).scores("muc tieu nuoc sach")
    np.testing.assert_allclose(b, 2 * a, rtol=1e-5)


def test_save_and_load_round_trip(tmp_path, default_bm25):
    texts, bm25, _ = default_bm25
    bm25.save(tmp_path / "bm25")
    again = BM25Retriever.load(tmp_path / "bm25")
    assert again.params == bm25.params and again.n == len(texts)
    for q in ("mục tiêu nước sạch", "muc tieu nuoc sach", "BHXH"):
        np.testing.assert_array_equal(again.scores(q), bm25.scores(q))
