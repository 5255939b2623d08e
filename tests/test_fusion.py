"""index.fusion: rrf, minmax and blend on small runs, with the expected numbers worked out by hand."""

from __future__ import annotations

import pytest

from index.fusion import blend, minmax, rrf


def approx(d: dict) -> dict:
    return {k: pytest.approx(v, abs=1e-12) for k, v in d.items()}


def test_rrf_two_runs_k60():
    sparse = {"a": 12.0, "b": 7.5, "c": 0.3}  # ranks a1 b2 c3
    dense = {"b": 0.91, "d": 0.88, "a": 0.10}  # ranks b1 d2 a3
    assert rrf([sparse, dense]) == approx({
        "a": 1 / 61 + 1 / 63,
        "b": 1 / 62 + 1 / 61,
        "c": 1 / 63,
        "d": 1 / 62,
    })


def test_rrf_uses_ranks_not_scores_and_k():
    runs = [{"x": 1000.0, "y": 999.0}, {"y": 0.2, "x": 0.1}]
    assert rrf(runs, k=0) == approx({"x": 1 / 1 + 1 / 2, "y": 1 / 2 + 1 / 1})
    assert rrf(runs, k=1) == approx({"x": 1 / 2 + 1 / 3, "y": 1 / 3 + 1 / 2})
    assert rrf([{"x": 5.0}], k=10) == approx({"x": 1 / 11})


def test_rrf_of_nothing():
    assert rrf([]) == {}
    assert rrf([{}, {}]) == {}


def test_rrf_order_of_result():
    fused = rrf([{"a": 3, "b": 2, "c": 1}, {"c": 3, "b": 2, "a": 1}, {"b": 9}])
    best = sorted(fused, key=fused.get, reverse=True)
    assert best[0] == "b"  # 1/62 + 1/62 + 1/61
    assert fused["a"] == pytest.approx(fused["c"])  # 1/61 + 1/63 both


@pytest.mark.parametrize("run,expected", [
    ({"a": 10.0, "b": 5.0, "c": 0.0}, {"a": 1.0, "b": 0.5, "c": 0.0}),
    ({"a": -1.0, "b": 3.0}, {"a": 0.0, "b": 1.0}),
    ({"a": 0.8, "b": 0.8}, {"a": 1.0, "b": 1.0}),
    ({"a": 0.42}, {"a": 1.0}),
    ({}, {}),
    ({"a": 2.0, "b": 4.0, "c": 3.5}, {"a": 0.0, "b": 1.0, "c": 0.75}),
])
def test_minmax(run, expected):
    assert minmax(run) == approx(expected)


def test_blend_by_hand():
    sparse = {"a": 10.0, "b": 5.0, "c": 0.0}  # minmax: a 1, b .5, c 0
    dense = {"b": 0.9, "d": 0.5, "e": 0.7}  # minmax: b 1, d 0, e .5
    assert blend(sparse, dense, weight=0.6) == approx({
        "a": 0.6 * 1.0 + 0.4 * 0.0,
        "b": 0.6 * 0.5 + 0.4 * 1.0,
        "c": 0.0,
        "d": 0.0,
        "e": 0.4 * 0.5,
    })


@pytest.mark.parametrize("weight,expected_b", [(0.0, 1.0), (1.0, 0.5), (0.5, 0.75), (0.25, 0.875)])
def test_blend_weight_ends(weight, expected_b):
    got = blend({"a": 10.0, "b": 5.0, "c": 0.0}, {"b": 0.9, "d": 0.5}, weight)
    assert got["b"] == pytest.approx(expected_b)
    assert got["a"] == pytest.approx(weight)
    assert got["d"] == pytest.approx(0.0)


def test_blend_with_an_empty_run():
    assert blend({}, {"x": 0.3, "y": 0.9}, 0.6) == approx({"x": 0.0, "y": 0.4})
    assert blend({"x": 2.0}, {}, 0.6) == approx({"x": 0.6})
    assert blend({}, {}) == {}


def test_inputs_are_not_changed():
    s, d = {"a": 3.0, "b": 1.0}, {"a": 0.5}
    blend(s, d)
    rrf([s, d])
    minmax(s)
    assert s == {"a": 3.0, "b": 1.0} and d == {"a": 0.5}
