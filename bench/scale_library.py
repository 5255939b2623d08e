"""A library of any size made from real Vietnamese passages, for ``bench/bench_scale.py``.

The real passages come first: the bundled plans (``ingest.load("corpus")``) and the ALQAC 2022 laws,
read in place (``eval.alqac.load_corpus``; nothing is copied). Then variants, until the size is
reached: variant ``v`` of a document re-issues every passage of it for another province (each
province name replaced by the variant's, the document's locality set to it), with its numbers shifted
(years by a few years, other numbers scaled by 0.8–1.25) and, in three passages out of ten, a sentence
of another real passage spliced in. Everything is drawn from one seeded generator: the same size and
seed give the same library.

Vectors: a variant's is its source passage's real (cached) vector plus Gaussian noise, renormalised;
embedding a million passages with the model would take days on 2 cores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

import ingest
from eval import alqac
from index.hybrid import index_text
from ingest import Chunk, Document
from ingest.places import PROVINCES
from vntext.normalize import normalize

__all__ = ["Library", "real_corpus", "make", "variant_vectors", "SPLICE_RATE"]

SPLICE_RATE = 0.3
_PLACE = re.compile("|".join(re.escape(normalize(p)) for p in sorted(PROVINCES, key=len, reverse=True)))
_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")


@dataclass
class Library:
    documents: list[Document]
    chunks: list[Chunk]
    texts: list[str]  # what BM25 and the model read: index_text(chunk, document)
    source: np.ndarray  # for each row, the row of the real passage it was made from


def real_corpus() -> ingest.Corpus:
    """The bundled plans, then ALQAC's articles."""
    plans, laws = ingest.load("corpus"), alqac.load_corpus()
    return ingest.Corpus(plans.documents + laws.documents, plans.chunks + laws.chunks, plans.errors + laws.errors)


class _Rewriter:
    """One variant document's rewriting: its province and its number shifts."""

    def __init__(self, rng: np.random.Generator):
        self.province = PROVINCES[int(rng.integers(len(PROVINCES)))]
        self.years = int(rng.choice([-3, -2, -1, 1, 2, 3, 4, 5]))
        self.scale = float(rng.uniform(0.8, 1.25))

    def _number(self, m: re.Match) -> str:
        x = int(m.group())
        if 1900 <= x <= 2100:
            return str(x + self.years)
        return str(max(1, round(x * self.scale))) if x > 3 else m.group()

    def __call__(self, text: str) -> str:
        """``text`` (normalised) rewritten."""
        return _NUMBER.sub(self._number, _PLACE.sub(self.province, text))


def _normalised(c: Chunk) -> Chunk:
    return replace(c, text=normalize(c.text), body=normalize(c.body), section=normalize(c.section))


def _variant(doc: Document, chunks: list[Chunk], v: int, rng: np.random.Generator,
             sentences: list[str]) -> tuple[Document, list[Chunk]]:
    """Document ``doc`` re-issued as variant ``v`` from its (normalised) ``chunks``."""
    rewrite, doc_id = _Rewriter(rng), f"{doc.id}~v{v}"
    texts, out, start = [], [], 0
    for i, c in enumerate(chunks):
        text, body = rewrite(c.text), rewrite(c.body)
        if rng.random() < SPLICE_RATE:
            extra = sentences[int(rng.integers(len(sentences)))]
            text, body = f"{text} {extra}", f"{body} {extra}"
        out.append(Chunk(f"{doc_id}#{i}", doc_id, start, start + len(text), text, rewrite(c.section),
                         c.section_no, body))
        texts.append(text)
        start += len(text) + 2
    m = doc.meta
    meta = replace(m, locality=rewrite.province, place=rewrite.province, provinces_named=(rewrite.province,),
                   place_key=rewrite.province, province=rewrite.province, title=rewrite(normalize(m.title)),
                   number=rewrite(m.number), year=rewrite(m.year))
    return Document(doc_id, "\n\n".join(texts), meta, doc.path, doc.format), out


def _sentences(chunks: list[Chunk]) -> list[str]:
    return [s for c in chunks for s in _SENTENCE_END.split(c.body) if len(s.split()) >= 5]


def make(n: int, corpus: ingest.Corpus, seed: int = 7) -> Library:
    """``n`` passages: the real ones, then variants of whole documents (the last one cut at ``n``)."""
    by_doc: dict[str, list[int]] = {}
    for row, c in enumerate(corpus.chunks):
        by_doc.setdefault(c.doc_id, []).append(row)
    rng, sentences = np.random.default_rng(seed), _sentences(corpus.chunks)
    normalised = [_normalised(c) for c in corpus.chunks]
    documents, chunks = list(corpus.documents), list(corpus.chunks)
    source = list(range(len(chunks)))
    v = 0
    while len(chunks) < n:
        v += 1
        for doc in corpus.documents:
            rows = by_doc[doc.id][: n - len(chunks)]
            if not rows:
                break
            new_doc, new_chunks = _variant(doc, [normalised[r] for r in rows], v, rng, sentences)
            documents.append(new_doc)
            chunks += new_chunks
            source += rows
    documents, chunks, source = _cut(documents, chunks[:n], source[:n])
    docs = {d.id: d for d in documents}
    texts = [index_text(c, docs[c.doc_id]) for c in chunks]
    return Library(documents, chunks, texts, np.asarray(source, dtype=np.int64))


def _cut(documents, chunks, source):
    """Drop documents left without passages when ``n`` is below the real corpus's size."""
    kept = {c.doc_id for c in chunks}
    return [d for d in documents if d.id in kept], chunks, source


def variant_vectors(real: np.ndarray, source: np.ndarray, noise: float, seed: int = 7,
                    block: int = 65536) -> np.ndarray:
    """Row ``i``: ``real[source[i]]``, as it is for the real rows (the first ``len(real)``), else with
    N(0, noise²) added to each dimension and renormalised."""
    rng = np.random.default_rng(seed + 1)
    out = np.empty((len(source), real.shape[1]), dtype=np.float32)
    for a in range(0, len(source), block):
        rows = source[a : a + block]
        v = real[rows] + noise * rng.standard_normal((len(rows), real.shape[1]), dtype=np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        is_real = np.arange(a, a + len(rows)) < len(real)  # the real passages come first, as themselves
        v[is_real] = real[rows[is_real]]
        out[a : a + len(rows)] = v
    return out
