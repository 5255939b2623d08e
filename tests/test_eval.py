"""eval/: the question set, span-overlap relevance, the judgement → ranx mapping, the CLI, and the figures
committed in eval/expected.json (checked by a fresh evaluation within their tolerance).

The ALQAC 2022 check runs BM25 always (no embedding); hybrid and dense run when PLANS_EVAL_ALQAC=1 or when
the ALQAC embeddings are already cached (a cold embedding of its 3,884 chunks takes ~10 min on 2 cores).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
from pathlib import Path

import pytest

from eval import alqac
from eval.__main__ import main as eval_main
from eval.metrics import METRICS, per_query, summarise
from eval.relevance import KINDS, Gold, Question, covers, judge, load_questions, locate

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "questions.jsonl"


def _expected() -> dict:
    return json.loads((ROOT / "eval" / "expected.json").read_text(encoding="utf-8"))


# -- the question set ---------------------------------------------------------------------------------
def _rows():
    with open(QUESTIONS, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _document(doc_id: str) -> str:
    return (ROOT / "corpus" / f"{doc_id}.txt").read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def test_question_ids_unique_and_kinds_known():
    rows = _rows()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert {r["kind"] for r in rows} <= set(KINDS), {r["kind"] for r in rows} - set(KINDS)
    assert set(KINDS) <= {r["kind"] for r in rows}, "every kind has questions"
    assert len(load_questions(QUESTIONS)) == len(rows)


def test_every_gold_quote_is_verbatim_in_its_document():
    missing = []
    for r in _rows():
        assert r["gold"], f"{r['id']} has no gold"
        for g in r["gold"]:
            path = ROOT / "corpus" / f"{g['doc']}.txt"
            if not path.exists() or g["quote"] not in _document(g["doc"]):
                missing.append(f"{r['id']}: {g['doc']}: {g['quote'][:70]!r}")
    assert not missing, "\n".join(missing)


def test_bad_question_files_are_refused(tmp_path):
    bad = tmp_path / "q.jsonl"
    row = {"id": "a", "query": "x", "kind": "numeric", "gold": [{"doc": "d", "quote": "q"}]}
    bad.write_text(json.dumps(row) + "\n" + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate question id"):
        load_questions(bad)
    bad.write_text(json.dumps({**row, "kind": "mystery"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        load_questions(bad)
    assert load_questions(bad, kinds=None)[0].kind == "mystery"  # held-out sets may bring their own kinds
    bad.write_text(json.dumps({**row, "gold": []}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no gold"):
        load_questions(bad)


# -- relevance ----------------------------------------------------------------------------------------
DOC = "Mục tiêu: nước sạch đạt 90%. Nhiệm vụ: nước sạch đạt 90%. Giải pháp khác."
QUOTE = "nước sạch đạt 90%"  # occurs twice: at 10 and 39


@pytest.mark.parametrize("start,end,relevant", [
    (10, 27, True),    # exactly the quote
    (0, 80, True),     # a long span holding it
    (18, 40, True),    # 9 of its 17 characters: more than half
    (19, 40, False),   # 8 of 17: less than half
    (10, 18, False),   # 8 of 17
    (10, 19, True),    # 9 of 17
    (39, 56, True),    # the second occurrence
    (27, 39, False),   # between the occurrences
    (60, 80, False),
])
def test_a_hit_is_relevant_when_it_covers_half_of_the_quote(start, end, relevant):
    spans = locate(DOC, QUOTE)
    assert spans == [(10, 27), (39, 56)]
    assert covers(start, end, spans) is relevant


def test_locate_tolerates_only_whitespace_differences():
    assert locate("a  b\nc d", "a b c") == [(0, 6)]
    assert locate("abc", "abd") == []


def test_judge_counts_each_gold_once_and_a_hit_for_every_gold_it_covers():
    q = Question("q", "?", "numeric", (Gold("d1", "aaaa"), Gold("d1", "bbbb"), Gold("d2", None)))
    spans = [locate("xxaaaabbbbxx", "aaaa"), locate("xxaaaabbbbxx", "bbbb"), None]
    hits = [("d2", 0, 5), ("d2", 5, 9), ("d1", 0, 12), ("d1", 2, 6), ("d3", 0, 4)]
    # the first d2 hit takes the whole-document gold; the second d2 hit gets nothing;
    # the long d1 hit covers both quotes; a later hit on a satisfied quote counts for nothing
    assert judge(hits, q, spans) == [[2], [], [0, 1], [], []]


# -- judgements → ranx --------------------------------------------------------------------------------
def _metrics(n_golds: int, judged: list[list[int]]) -> dict:
    return per_query({"q": n_golds}, {"q": judged})["q"]


def test_metrics_on_hand_made_rankings():
    # hit 1 misses, hit 2 covers both golds
    m = _metrics(2, [[], [0, 1]])
    assert m["Hit@1"] == 0 and m["Recall@5"] == 1 and m["MRR@10"] == 0.5
    assert m["nDCG@10"] == pytest.approx((1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    # the only gold at rank 7
    m = _metrics(1, [[]] * 6 + [[0]])
    assert (m["Hit@1"], m["Recall@5"], m["Recall@10"]) == (0, 0, 1)
    assert m["MRR@10"] == pytest.approx(1 / 7) and m["nDCG@10"] == pytest.approx(1 / 3)
    # a hit covering two golds does not push the fifth hit out of Recall@5
    m = _metrics(3, [[0, 1], [], [], [], [2]])
    assert m["Recall@5"] == 1 and m["Hit@1"] == 1 and m["MRR@10"] == 1
    # a gold at rank 11 is outside every metric; no hit at all is 0 everywhere
    assert all(v == 0 for v in _metrics(1, [[]] * 10 + [[0]]).values())
    assert all(v == 0 for v in _metrics(2, []).values())
    # perfect
    assert all(v == 1 for v in _metrics(2, [[0], [1]]).values())


def _reference(n: int, judged: list[list[int]]) -> dict:
    """The definitions, written out plainly."""
    first = next((r for r, g in enumerate(judged[:10], 1) if g), None)
    expanded = [r for golds in judged[:10] for r in ([1] * len(golds) if golds else [0])][:10]
    dcg = sum(rel / math.log2(i + 2) for i, rel in enumerate(expanded))
    idcg = sum(1 / math.log2(i + 2) for i in range(min(n, 10)))
    return {"Hit@1": float(bool(judged[:1] and judged[0])),
            "Recall@5": len({g for golds in judged[:5] for g in golds}) / n,
            "Recall@10": len({g for golds in judged[:10] for g in golds}) / n,
            "MRR@10": 1 / first if first else 0.0,
            "nDCG@10": dcg / idcg}


def test_metrics_match_the_definitions_on_random_rankings():
    rng = random.Random(7)
    golds, judged = {}, {}
    for i in range(300):
        n = rng.choice([1, 1, 2, 3, 5, 12])
        free, ranking = list(range(n)), []
        for _ in range(rng.randint(0, 14)):
            take = [g for g in free if rng.random() < 0.15]
            free = [g for g in free if g not in take]
            ranking.append(take)
        golds[f"q{i}"], judged[f"q{i}"] = n, ranking
    values = per_query(golds, judged)
    for q in golds:
        ref = _reference(golds[q], judged[q])
        assert values[q] == pytest.approx(ref), (q, judged[q])
        assert all(0 <= v <= 1 for v in values[q].values())
    assert summarise(values)["n"] == 300 and set(summarise(values)) == {"n", *METRICS}


# -- the command line ---------------------------------------------------------------------------------
def test_cli_on_a_small_corpus_bm25(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("KẾ HOẠCH\n\nI. MỤC TIÊU\n\n1. Tỉ lệ hộ dân dùng nước sạch đạt 95%.\n\n"
                                  "II. NHIỆM VỤ\n\n1. Sở Y tế chủ trì kiểm tra an toàn thực phẩm.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("KẾ HOẠCH\n\nI. MỤC TIÊU\n\n1. Trồng mới 500 ha rừng phòng hộ ven biển.\n",
                                  encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    rows = [{"id": "1", "query": "nuoc sach", "kind": "no_diacritics",
             "gold": [{"doc": "a", "quote": "nước sạch đạt 95%"}]},
            {"id": "2", "query": "trồng rừng phòng hộ", "kind": "held_out_kind",
             "gold": [{"doc": "b", "quote": "Trồng mới 500 ha rừng"}]}]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "out.json"
    assert eval_main(["--questions", str(questions), "--corpus", str(corpus), "--modes", "bm25",
                      "--json", str(out), "--plot", str(tmp_path / "p.png")]) == 0
    printed = capsys.readouterr().out
    assert "== bm25" in printed and "held_out_kind" in printed and "MRR@10" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["modes"]["bm25"]["overall"]["MRR@10"] == 1.0
    top = report["questions"][0]["results"]["bm25"]["hits"][0]
    text = (corpus / "a.txt").read_text(encoding="utf-8")
    assert top["doc_id"] == "a" and text[top["start"]:top["end"]] == top["text"] and top["golds"] == [0]
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"


# -- the committed figures ----------------------------------------------------------------------------
def _check(report: dict, expected: dict, tolerance: float) -> list[str]:
    off = []
    for mode, figures in expected.items():
        for metric, value in figures.items():
            got = report["modes"][mode]["overall"][metric]
            if abs(got - value) > tolerance:
                off.append(f"{mode} {metric}: {got:.4f}, expected {value:.4f} ± {tolerance}")
    return off


def _params(flags: list[str]) -> dict:
    from eval.__main__ import parse_param

    return dict(parse_param(p) for p in flags)


@pytest.mark.slow
def test_figures_on_our_questions_match_expected(session_index):
    from eval.runner import evaluate
    from eval.service_index import ServiceIndex, library_index
    from service.library import Library, Paths

    expected = _expected()
    digest = hashlib.sha256(QUESTIONS.read_bytes()).hexdigest()
    assert digest == expected["questions_sha256"], (
        f"eval/questions.jsonl changed since eval/expected.json was written: run `{expected['command']}` "
        f"and update eval/expected.json")
    params = _params(expected.get("params", []))
    # asked through the service, as `python -m eval` asks; with the defaults, the session's index (built by
    # conftest.py from corpus/, embeddings cached once)
    idx = (ServiceIndex(Library(Paths(ROOT / "corpus", session_index.index_dir, session_index.cache_dir)))
           if not params else library_index(ROOT / "corpus", progress=False, cache_dir=session_index.cache_dir,
                                            **params))
    report = evaluate(idx, load_questions(QUESTIONS), list(expected["questions"]), keep_hits=False)
    assert not _check(report, expected["questions"], expected["tolerance"])


def _alqac_cached() -> bool:
    from index.embedding_cache import default_cache_dir

    return (Path(default_cache_dir()) / alqac.NAME).exists()


@pytest.mark.slow
def test_figures_on_alqac2022_match_expected():
    try:
        alqac.benchmark_dir()
    except FileNotFoundError as e:
        pytest.skip(str(e))
    from eval.indexes import alqac_index
    from eval.runner import evaluate

    everything = _expected()
    expected = everything["alqac2022"]
    modes = list(expected) if os.environ.get("PLANS_EVAL_ALQAC") == "1" or _alqac_cached() else ["bm25"]
    idx = alqac_index(modes, progress=False, **_params(everything.get("params", [])))
    report = evaluate(idx, alqac.load_questions(), modes, keep_hits=False)
    assert report["modes"]["bm25"]["overall"]["n"] == 520
    assert not _check(report, {m: expected[m] for m in modes}, everything["tolerance"])
