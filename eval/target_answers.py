"""The answer card on the target questions of eval/questions.jsonl (``python -m eval.targets``).

A target question is one whose gold quotes hold a target of the gold file (targets_gold.jsonl): its
answer is a figure. The card is right when it is shown and one of its rows is the target a gold quote
holds (spans overlap); its row precision is the share of its rows that do. A question whose gold holds no
target must get no card (false cards are counted). Questions are split like the plans: those whose gold
lies in a held-out plan (002, 003) apart.
"""

from __future__ import annotations

from .relevance import load_questions
from .targets import HELD_OUT, load_gold


def _spans(question, documents) -> list[tuple[str, int, int]]:
    out = []
    for g in question.gold:
        text = documents[g.doc].text if g.doc in documents else ""
        at = text.find(g.quote)
        if at >= 0:
            out.append((g.doc, at, at + len(g.quote)))
    return out


def _overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and min(a[2], b[2]) > max(a[1], b[1])


def evaluate_answers(questions_path="eval/questions.jsonl", gold_path="eval/targets_gold.jsonl",
                     corpus="corpus") -> dict:
    import ingest
    from service.answers import answer
    from targets import extract_all

    documents = {d.id: d for d in ingest.load(corpus).documents}
    targets = extract_all(documents.values())
    gold = [(g["doc_id"], g["start"], g["end"]) for g in load_gold(gold_path)]
    splits: dict[str, dict] = {}
    cases = []
    for q in load_questions(questions_path):
        spans = _spans(q, documents)
        held = [s for s in gold if any(_overlaps(s, x) for x in spans)]  # gold targets its quotes hold
        card = answer(q.query, targets, documents)
        split = "held-out" if any(s[0].startswith(HELD_OUT) for s in spans) else "development"
        s = splits.setdefault(split, {"target_questions": 0, "shown": 0, "right": 0, "row_precision": 0.0,
                                      "numeric": 0, "numeric_right": 0, "other_questions": 0, "false_cards": 0})
        rows = [(t.doc_id, t.start, t.end) for t in card.rows] if card else []
        if held:
            s["target_questions"] += 1
            good = [r for r in rows if any(_overlaps(r, h) for h in held)]
            s["shown"] += card is not None
            s["right"] += bool(good)
            s["row_precision"] += len(good) / len(rows) if rows else 0.0
            if q.kind == "numeric":
                s["numeric"] += 1
                s["numeric_right"] += bool(good)
            cases.append({"id": q.id, "query": q.query, "split": split, "target": True, "shown": card is not None,
                          "right": bool(good), "rows": len(rows)})
        else:
            s["other_questions"] += 1
            s["false_cards"] += card is not None
            if card is not None:
                cases.append({"id": q.id, "query": q.query, "split": split, "target": False, "shown": True,
                              "right": False, "rows": len(rows)})
    for s in splits.values():
        n = s["target_questions"]
        s["accuracy"] = round(s["right"] / n, 3) if n else 0.0
        s["numeric_accuracy"] = round(s["numeric_right"] / s["numeric"], 3) if s["numeric"] else 0.0
        s["row_precision"] = round(s["row_precision"] / s["shown"], 3) if s["shown"] else 0.0
    return {"splits": splits, "cases": cases}


def format_answers(report: dict, verbose: bool = False) -> str:
    lines = ["Answer cards on eval/questions.jsonl (target question: its gold quotes hold a gold target;",
             "'numeric': those the question set labels as asking for a figure)", "",
             f"{'split':<12} {'target qs':>9} {'card shown':>10} {'card right':>10} {'accuracy':>8} "
             f"{'row prec.':>9} {'numeric':>7} {'acc.':>6} {'other qs':>8} {'false cards':>11}"]
    for name in ("development", "held-out"):
        s = report["splits"].get(name)
        if s:
            lines.append(f"{name:<12} {s['target_questions']:>9} {s['shown']:>10} {s['right']:>10} "
                         f"{s['accuracy']:>8.3f} {s['row_precision']:>9.3f} {s['numeric']:>7} "
                         f"{s['numeric_accuracy']:>6.3f} {s['other_questions']:>8} "
                         f"{s['false_cards']:>11}")
    if verbose:
        for c in report["cases"]:
            if not c["right"]:
                what = "no card" if not c["shown"] else ("false card" if not c["target"] else "wrong rows")
                lines.append(f"  {c['id']} [{c['split']}] {what}: {c['query']}")
    return "\n".join(lines)
