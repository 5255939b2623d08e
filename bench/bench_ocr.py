"""OCR quality on scanned pages made from the bundled plans: character error rate against the text that was
set, how many eval quotes survive word for word, and whether the eval questions still find their passages
by keywords (BM25, top 10) in the OCR'd text as they do in the real text of the same pages.

    python bench/bench_ocr.py [--corpus ../shared/corpus] [--pages 2] [--out bench/results/ocr.json]

Two conditions: "clean" (rendered straight to the page) and "scanned" (0.2 % of pixels flipped, turned
0.8°). Every page carries a running header and a page number; the last one a stamp and a signature.
Nothing in the OCR settings was tuned on these pages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scanned import layout, render_scan  # noqa: E402
from eval.relevance import load_questions, locate  # noqa: E402
from ingest import Corpus, document_from  # noqa: E402
from ingest.loaders import Source, read  # noqa: E402

CONDITIONS = {"clean": {"noise": 0.0, "angle": 0.0}, "scanned": {"noise": 0.002, "angle": 0.8}}


def distance(a: str, b: str) -> int:
    """Levenshtein distance, one row at a time (the left-neighbour term by a running minimum)."""
    if not a or not b:
        return len(a) or len(b)
    x = np.frombuffer(a.encode("utf-32-le"), dtype=np.uint32)
    y = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(y) + 1)
    prev = idx.copy()
    for i, ch in enumerate(x, 1):
        tmp = np.empty_like(prev)
        tmp[0] = i
        tmp[1:] = np.minimum(prev[1:] + 1, prev[:-1] + (y != ch))
        prev = np.minimum.accumulate(tmp - idx) + idx
    return int(prev[-1])


def printed(text: str) -> str:
    """The plan as printed: the corpus files' markdown marks ("## ", "**") are not on paper."""
    return re.sub(r"(?m)^#+\s*", "", text.replace("**", ""))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", flat(text).lower()))


def found(index, question, quotes: list[tuple[str, str]], k: int = 10) -> bool:
    """Does a top-k keyword hit from a gold plan hold at least 80 % of one gold quote's words?"""
    for hit in index.search(question.query, k=k, mode="bm25"):
        text = hit.chunk.text
        for doc, quote in quotes:
            need = words(quote)
            if hit.chunk.doc_id == doc and need and len(need & words(text)) >= 0.8 * len(need):
                return True
    return False


def run(corpus_dir: Path, pages: int, questions_path: Path) -> dict:
    from index.hybrid import HybridIndex

    plans = sorted(corpus_dir.glob("*.txt"))
    questions = load_questions(questions_path, kinds=None)
    truth = {p.stem: "\n".join("\n".join(lines) for lines in layout(printed(p.read_text()))[:pages]) for p in plans}
    gold = {}  # question -> [(doc, quote)] whose quote lies in the rendered pages
    for q in questions:
        inside = [(g.doc, g.quote) for g in q.gold if g.quote and g.doc in truth and locate(truth[g.doc], g.quote)]
        if inside:
            gold[q.id] = inside
    report = {"pages_per_plan": pages, "plans": len(plans), "questions": len(gold),
              "quotes": sum(map(len, gold.values())), "conditions": {}}
    real = Corpus(documents=[], chunks=[])
    for doc_id, text in truth.items():
        doc, chunks = document_from(Source(doc_id, text, doc_id, "txt"))
        real.documents.append(doc)
        real.chunks += chunks
    real_index = HybridIndex.keywords(real)
    report["real_text_found"] = sum(found(real_index, q, gold[q.id]) for q in questions if q.id in gold)
    for name, params in CONDITIONS.items():
        t0, errors, chars, ocr = time.perf_counter(), 0, 0, Corpus(documents=[], chunks=[])
        with tempfile.TemporaryDirectory() as tmp:
            for doc_id, text in truth.items():
                pdf = Path(tmp, doc_id + ".pdf")
                set_pages = render_scan(text, pdf, seed=1, **params)
                source = read(pdf)[0]
                starts = list(source.page_starts) + [len(source.text)]
                for n, page in enumerate(set_pages):
                    got, want = flat(source.text[starts[n]:starts[n + 1]]), flat(page)
                    errors, chars = errors + distance(got, want), chars + len(want)
                doc, chunks = document_from(Source(doc_id, source.text, doc_id, "pdf"))
                ocr.documents.append(doc)
                ocr.chunks += chunks
        ocr_text = {d.id: d.text for d in ocr.documents}
        index = HybridIndex.keywords(ocr)
        report["conditions"][name] = {
            **params,
            "cer": round(errors / chars, 4),
            "quotes_verbatim": sum(bool(locate(flat(ocr_text[d]), flat(qt))) for v in gold.values() for d, qt in v),
            "questions_found": sum(found(index, q, gold[q.id]) for q in questions if q.id in gold),
            "seconds_per_page": round((time.perf_counter() - t0) / (pages * len(plans)), 1),
        }
        print(name, report["conditions"][name], file=sys.stderr)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--pages", type=int, default=2, help="pages rendered from the start of each plan")
    ap.add_argument("--questions", default="eval/questions.jsonl")
    ap.add_argument("--out", default="bench/results/ocr.json")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache:  # OCR every page: nothing from an earlier run's read cache
        os.environ["PLANS_READ_CACHE"] = cache
        report = run(Path(args.corpus), args.pages, Path(args.questions))
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
