"""How near-identical passages are told apart, and what grouping costs: ``python bench/bench_groups.py``.

1. Real near-duplicates: the five bundled plans restate the same central texts (three implement
   Nghị quyết 42-NQ/TW, two Kết luận 92-KL/TW). Every pair of passages of different plans is scored
   (``service.groups.similarity``); the table counts the pairs per band, and ``--show BAND`` prints the
   pairs of a band ("0.5-0.6") to read.
2. Re-issued plans: each plan with its place names replaced by another province's (every name the
   gazetteer finds) and every figure shifted; each passage against its own variant.
3. Reworded: each passage with one syllable in ``n`` dropped or changed (seeded), against the original.
4. Speed: grouping the 100 best candidates of a query, signatures cold and warm, against comparing every
   pair of candidates exactly.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index import HybridIndex  # noqa: E402
from ingest import gazetteer, load  # noqa: E402
from service.groups import THRESHOLD, clusters, signature, similarity  # noqa: E402

BANDS = [0.0, 0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
OTHER = ["Bình Dương", "Long An", "Tây Ninh", "Lâm Đồng", "Phú Yên"]
_NUMBER = re.compile(r"\d+")


def variant(text: str, place: str, shift: int) -> str:
    """``text`` with every place the gazetteer finds renamed ``place`` and every number moved by ``shift``."""
    out, at = [], 0
    for m in gazetteer.find_places(text):
        out += [text[at : m.start], place]
        at = m.end
    out.append(text[at:])
    return _NUMBER.sub(lambda n: str(int(n.group()) + shift), "".join(out))


def reworded(text: str, every: int, rng: random.Random) -> str:
    words = text.split()
    for i in range(len(words)):
        if rng.random() < 1 / every:
            words[i] = rng.choice(["", "các", "đồng thời", "tiếp tục"])
    return " ".join(w for w in words if w)


def bands(values: list[float]) -> list[int]:
    return [sum(lo <= v < hi for v in values) for lo, hi in zip(BANDS, BANDS[1:])]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--show", default="", help="print the real cross-plan pairs of this band, e.g. 0.5-0.6")
    args = ap.parse_args(argv)
    corpus = load(args.corpus)
    chunks = [c for c in corpus.chunks if len(c.body.split()) >= 8]
    print(f"{len(corpus.documents)} plans, {len(chunks)} passages of 8 words or more; threshold {THRESHOLD}\n")

    cross = [(a, b, similarity(a.body, b.body)) for a, b in combinations(chunks, 2) if a.doc_id != b.doc_id]
    rng = random.Random(8)
    renamed = [similarity(c.body, variant(c.body, rng.choice(OTHER), rng.randint(1, 9))) for c in chunks]
    changed = {n: [similarity(c.body, reworded(c.body, n, rng)) for c in chunks] for n in (20, 10, 5)}
    rows = [("cross-plan pairs (real)", bands([s for _, _, s in cross])),
            ("re-issued: places, figures", bands(renamed))]
    rows += [(f"reworded: 1 syllable in {n}", bands(v)) for n, v in changed.items()]
    head = " | ".join(f"{lo:.2f}–{min(hi, 1):.2f}" for lo, hi in zip(BANDS, BANDS[1:]))
    print(f"| pairs | {head} | ≥ {THRESHOLD} |")
    print("|---|" + "---|" * (len(BANDS)))
    for name, counts in rows:
        n = sum(counts)
        above = sum(c for (lo, _), c in zip(zip(BANDS, BANDS[1:]), counts) if lo >= THRESHOLD)
        print(f"| {name} | " + " | ".join(str(c) for c in counts) + f" | {above} of {n} ({above / n:.1%}) |")

    if args.show:
        lo, hi = (float(x) for x in args.show.split("-"))
        for a, b, s in sorted(cross, key=lambda t: -t[2]):
            if lo <= s < hi:
                print(f"\n{s:.2f} {a.doc_id[:3]} {a.section_no} / {b.doc_id[:3]} {b.section_no}\n  {a.body[:300]}\n"
                      f"  {b.body[:300]}")

    index = HybridIndex.keywords(corpus)
    queries = ["mục tiêu nước sạch nông thôn 2030", "bảo hiểm xã hội tự nguyện", "trách nhiệm của Ban Tuyên giáo",
               "tỷ lệ hộ nghèo", "chăm lo người có công"]
    runs = []
    for q in queries:  # 70 candidates and re-issued variants of 30 of them: 100, as a library of many plans has
        texts = [h.chunk.body for h in index.search(q, 70, "bm25")]
        runs.append(texts + [variant(t, OTHER[i % 5], i % 7 + 1) for i, t in enumerate(texts[:30])])
    signature.cache_clear()
    t = time.perf_counter()
    for texts in runs:
        clusters(texts)
    cold = (time.perf_counter() - t) / len(runs) * 1000
    t = time.perf_counter()
    for _ in range(5):
        for texts in runs:
            clusters(texts)
    warm = (time.perf_counter() - t) / len(runs) / 5 * 1000
    t = time.perf_counter()
    for texts in runs:
        [similarity(a, b) for a, b in combinations(texts, 2)]
    pairwise = (time.perf_counter() - t) / len(runs) * 1000
    n = sum(len(r) for r in runs) // len(runs)
    print(f"\ngrouping {n} candidates: {cold:.1f} ms with signatures computed, {warm:.2f} ms cached "
          f"(every pair compared one by one: {pairwise:.1f} ms, {pairwise / warm:.0f}× the grouping)")
    searches(corpus, queries)
    return 0


def searches(corpus, queries: list[str]) -> None:
    """A library of the five plans and each re-issued by two other provinces (15 plans): distinct answers in
    the top 10 and the time of a search (BM25), grouped and not."""
    from ingest import Corpus, document_from
    from ingest.loaders import Source
    from service.groups import group

    docs, chunks = list(corpus.documents), list(corpus.chunks)
    for doc in corpus.documents:
        for j, place in enumerate(OTHER[:2]):
            d, c = document_from(Source(f"{doc.id}~{j}", variant(doc.text, place, 2 + j), f"{doc.id}~{j}.txt", "txt"))
            docs.append(d)
            chunks += c
    index = HybridIndex.keywords(Corpus(docs, chunks))

    def timed(fn) -> float:
        fn()
        t = time.perf_counter()
        for _ in range(3):
            fn()
        return (time.perf_counter() - t) / 3 * 1000

    plain = [index.search(q, 10, "bm25") for q in queries]
    grouped = [group(index.search(q, 100, "bm25"), 10) for q in queries]
    distinct = [len(clusters([h.chunk.text for h in hits])) for hits in plain]
    t_plain = sum(timed(lambda q=q: index.search(q, 10, "bm25")) for q in queries) / len(queries)
    t_group = sum(timed(lambda q=q: group(index.search(q, 100, "bm25"), 10)) for q in queries) / len(queries)
    print(f"\n{len(docs)} plans (the five, each re-issued by two provinces), {len(queries)} questions naming no place:")
    print(f"  distinct answers in the top 10: {sum(distinct) / len(distinct):.1f} ungrouped, "
          f"{sum(len(g) for g in grouped) / len(grouped):.1f} grouped "
          f"({sum(len(h.copies) for g in grouped for h in g) / len(grouped):.1f} copies behind them)")
    print(f"  search: {t_plain:.1f} ms ungrouped, {t_group:.1f} ms grouped ({t_group / t_plain:.2f}×)")


if __name__ == "__main__":
    sys.exit(main())
