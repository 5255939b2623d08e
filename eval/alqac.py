"""The public ALQAC 2022 legal retrieval set, read in place from ``../shared/benchmarks/alqac2022``.

Each article is one document, id ``"<law_id>#<article_id>"``, chunked as our plans are; a question's
gold is its article (document-level relevance). The question's kind is the law it asks about.
The data is never copied into the repository: only the index built from it is kept, under ``data/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import ingest
from ingest.loaders import Source

from .relevance import Gold, Question

__all__ = ["NAME", "benchmark_dir", "load_corpus", "load_questions", "LAWS"]

NAME = "alqac2022"
REPO = Path(__file__).resolve().parent.parent
LAWS = {"91/2015/QH13": "civil", "24/2018/QH14": "cybersecurity", "45/2019/QH14": "labour",
        "01/VBHN-VPQH": "criminal"}


def benchmark_dir(name: str = NAME) -> Path:
    """$PLANS_BENCHMARKS/<name>, else ../shared/benchmarks/<name> beside the repository."""
    root = os.environ.get("PLANS_BENCHMARKS") or REPO.parent / "shared" / "benchmarks"
    path = Path(root) / name
    if not (path / "law.json").exists():
        raise FileNotFoundError(f"benchmark {name!r} not found at {path}: set PLANS_BENCHMARKS to the folder "
                                f"holding {name}/law.json and {name}/question.json")
    return path


def doc_id(law_id: str, article_id: str) -> str:
    return f"{law_id}#{article_id}"


def load_corpus(path: Path | None = None, max_words: int | None = None) -> ingest.Corpus:
    """Every article as a document, chunked by ``ingest.document_from``."""
    path = path or benchmark_dir()
    laws = json.loads((path / "law.json").read_text(encoding="utf-8"))
    corpus = ingest.Corpus()
    kw = {} if max_words is None else {"max_words": max_words}
    for law in laws:
        for art in law["articles"]:
            title = art["text"].split("\n", 1)[0].strip()
            source = Source(doc_id(law["id"], art["id"]), art["text"], f"{path.name}/law.json", "txt", title)
            try:
                doc, chunks = ingest.document_from(source, **kw)
            except ingest.IngestError as e:
                corpus.errors.append(str(e))
                continue
            corpus.documents.append(doc)
            corpus.chunks.extend(chunks)
    return corpus


def load_questions(path: Path | None = None) -> list[Question]:
    path = path or benchmark_dir()
    rows = json.loads((path / "question.json").read_text(encoding="utf-8"))
    out = []
    for r in rows:
        gold = tuple(Gold(doc_id(a["law_id"], a["article_id"])) for a in r["relevant_articles"])
        kind = LAWS.get(r["relevant_articles"][0]["law_id"], "other")
        out.append(Question(r["id"], r["text"], kind, gold, {"answer": r.get("answer", "")}))
    return out
