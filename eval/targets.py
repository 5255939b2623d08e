"""python -m eval.targets [--gold eval/targets_gold.jsonl] [--corpus corpus] [--json OUT]
(or python -m eval --targets)

Extraction of targets against a gold file written by reading the plans: precision, recall and F1 of the
targets found (a found target matches a gold one when their spans overlap; one to one, largest overlap
first), and on the matched ones the accuracy of each field: value (and range end), unit, comparator, year,
scope. Then the answer card on the target questions of eval/questions.jsonl (see ``eval.target_answers``).

Plans 000, 001 and 004 were used to develop the rules; 002 and 003 are held out (reported apart).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

HELD_OUT = ("002_", "003_")
FIELDS = ("value", "unit", "comparator", "year", "scope")


def load_gold(path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: invalid JSON ({e.msg})") from e
    return rows


def check_gold(gold: list[dict], documents: dict) -> list[str]:
    """Every quote is exactly its span of its document."""
    bad = []
    for g in gold:
        doc = documents.get(g["doc_id"])
        if doc is None or doc.text[g["start"]:g["end"]] != g["quote"]:
            bad.append(f"{g['doc_id']}[{g['start']}:{g['end']}] {g['quote'][:50]!r}")
    return bad


def match(found: list, gold: list[dict]) -> list[tuple[object, dict]]:
    """One-to-one pairs (found target, gold row) of overlapping spans in the same plan, largest overlap first."""
    pairs = []
    for i, t in enumerate(found):
        for j, g in enumerate(gold):
            if t.doc_id == g["doc_id"]:
                overlap = min(t.end, g["end"]) - max(t.start, g["start"])
                if overlap > 0:
                    pairs.append((overlap, i, j))
    used_f, used_g, out = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_f and j not in used_g:
            used_f.add(i)
            used_g.add(j)
            out.append((found[i], gold[j]))
    return out


def _same(field: str, t, g: dict) -> bool:
    if field == "value":
        vmax = g.get("value_max")
        return abs(t.value - g["value"]) < 1e-9 and (
            (t.value_max is None and vmax is None) or (t.value_max is not None and vmax is not None
                                                     and abs(t.value_max - vmax) < 1e-9))
    return getattr(t, field) == (g.get(field) or "")


def score(found: list, gold: list[dict]) -> dict:
    pairs = match(found, gold)
    p = len(pairs) / len(found) if found else 0.0
    r = len(pairs) / len(gold) if gold else 0.0
    out = {"gold": len(gold), "found": len(found), "matched": len(pairs), "precision": round(p, 3),
           "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}
    out["fields"] = {f: round(sum(_same(f, t, g) for t, g in pairs) / len(pairs), 3) if pairs else 0.0
                     for f in FIELDS}
    out["errors"] = {f: [{"gold": g["quote"][:80], "expected": g.get(f), "found": getattr(t, f)}
                         for t, g in pairs if not _same(f, t, g)] for f in FIELDS}
    matched = {id(g) for _, g in pairs}
    out["missed"] = [f"{g['doc_id'][:3]} {g['quote'][:80]}" for g in gold if id(g) not in matched]
    found_ids = {id(t) for t, _ in pairs}
    out["spurious"] = [f"{t.doc_id[:3]} {t.text[:80]}" for t in found if id(t) not in found_ids]
    return out


def evaluate(gold_path="eval/targets_gold.jsonl", corpus="corpus") -> dict:
    import ingest
    from targets import extract

    gold = load_gold(gold_path)
    corpus_ = ingest.load(corpus)
    documents = {d.id: d for d in corpus_.documents}
    bad = check_gold(gold, documents)
    if bad:
        raise ValueError(f"{len(bad)} gold quotes are not their spans: " + "; ".join(bad[:3]))
    plans = sorted({g["doc_id"] for g in gold})
    found = {d: extract(documents[d]) for d in plans}
    by_split = defaultdict(list)
    for d in plans:
        by_split["held-out" if d.startswith(HELD_OUT) else "development"].append(d)
    report = {"plans": {s: ds for s, ds in by_split.items()}}
    for split, ds in [*by_split.items(), ("all", plans)]:
        report[split] = score([t for d in ds for t in found[d]], [g for g in gold if g["doc_id"] in ds])
    return report


def format_report(report: dict, verbose: bool = False) -> str:
    lines = ["Targets: extraction against eval/targets_gold.jsonl (span overlap, one to one)", ""]
    head = f"{'split':<12} {'gold':>5} {'found':>6} {'P':>6} {'R':>6} {'F1':>6}   " + "  ".join(
        f"{f:>10}" for f in FIELDS)
    lines.append(head)
    for split in ("development", "held-out", "all"):
        if split not in report:
            continue
        s = report[split]
        lines.append(f"{split:<12} {s['gold']:>5} {s['found']:>6} {s['precision']:>6.3f} {s['recall']:>6.3f} "
                     f"{s['f1']:>6.3f}   " + "  ".join(f"{s['fields'][f]:>10.3f}" for f in FIELDS))
    lines.append("")
    lines.append("development plans: " + ", ".join(report["plans"].get("development", [])))
    lines.append("held-out plans:    " + ", ".join(report["plans"].get("held-out", [])))
    if verbose:
        for split in ("development", "held-out"):
            s = report.get(split)
            if not s:
                continue
            lines.append(f"\n[{split}] missed: " + "".join(f"\n  - {m}" for m in s["missed"]))
            lines.append(f"[{split}] spurious: " + "".join(f"\n  - {m}" for m in s["spurious"]))
            for f in FIELDS:
                for e in s["errors"][f]:
                    lines.append(f"[{split}] {f}: expected {e['expected']!r}, found {e['found']!r} — {e['gold']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.targets", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default="eval/targets_gold.jsonl")
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--questions", default="eval/questions.jsonl")
    ap.add_argument("--no-answers", action="store_true", help="skip the answer-card evaluation")
    ap.add_argument("--json", help="write the full report (with every error) as JSON here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses, spurious targets, field errors")
    args = ap.parse_args(argv)
    try:
        report = evaluate(args.gold, args.corpus)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(format_report(report, args.verbose))
    if not args.no_answers:
        from .target_answers import evaluate_answers, format_answers

        report["answers"] = evaluate_answers(args.questions, args.gold, args.corpus)
        print("\n" + format_answers(report["answers"], args.verbose))
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
