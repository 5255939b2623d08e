"""Loading plans: files → documents (text + metadata) → structure-following chunks.

    corpus = ingest.load("corpus/")
    corpus.documents, corpus.chunks, corpus.errors
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .chunking import DEFAULT_MAX_WORDS, Chunk, chunk_blocks
from .loaders import SUPPORTED, IngestError, Source, read
from .metadata import DocumentMeta, citation, extract, issuer
from .structure import body_end, parse

__all__ = ["Document", "Corpus", "load", "load_sources", "files", "document_from", "IngestError", "Chunk", "citation", "issuer",
           "DocumentMeta"]


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    path: str = ""
    format: str = "txt"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def document_from(source: Source, max_words: int = DEFAULT_MAX_WORDS) -> tuple[Document, list[Chunk]]:
    blocks = parse(source.text)
    meta = extract(source.text, blocks, body_end(source.text))
    if source.title:
        meta = replace(meta, title=source.title)
    doc = Document(source.id, source.text, meta, source.path, source.format)
    chunks = chunk_blocks(doc.id, doc.text, blocks, max_words)
    if not chunks:
        raise IngestError(f"{source.path}: no searchable text after removing headers and signatures")
    return doc, chunks


def files(paths) -> list[Path]:
    """The files under ``paths`` (files or folders), each folder's in sorted order; hidden files left out."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            out.append(p)
    return out


def load_sources(paths) -> tuple[list[Source], list[str]]:
    """Read every file under ``paths``; unreadable ones become error messages, the rest go in."""
    sources, errors, seen = [], [], set()
    for f in files([paths] if isinstance(paths, (str, Path)) else paths):
        if f.suffix.lower() not in SUPPORTED:
            errors.append(f"{f}: skipped, unsupported file type {f.suffix or '(none)'}")
            continue
        try:
            for s in read(f):
                if s.id in seen:
                    errors.append(f"{f}: skipped, document id {s.id!r} already taken by another file")
                    continue
                seen.add(s.id)
                sources.append(s)
        except IngestError as e:
            errors.append(str(e))
    return sources, errors


# Parsing a plan takes about 70 ms on this machine; below this many files, starting worker processes
# (about a second) costs more than it saves.
PARALLEL_FROM = 32


def _parse_all(sources: list[Source], max_words: int) -> list:
    out = []
    for s in sources:
        try:
            out.append(document_from(s, max_words))
        except IngestError as e:
            out.append(str(e))
    return out


def _parse(sources: list[Source], max_words: int, workers: int | None) -> list:
    """(document, chunks) or an error message per source, in order; in worker processes for many files."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(sources) < PARALLEL_FROM:
        return _parse_all(sources, max_words)
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(sources) // (workers * 4))  # a few slices per worker, so they finish together
    slices = [sources[i : i + size] for i in range(0, len(sources), size)]
    with ProcessPoolExecutor(workers) as pool:
        return [r for part in pool.map(_parse_all, slices, [max_words] * len(slices)) for r in part]


def load(paths="corpus", max_words: int = DEFAULT_MAX_WORDS, workers: int | None = None) -> Corpus:
    """Every plan under ``paths``, parsed (in ``workers`` processes when there are many; default: one per
    core) into documents and chunks; unreadable files become messages in ``errors``."""
    sources, errors = load_sources(paths)
    corpus = Corpus(errors=errors)
    for parsed in _parse(sources, max_words, workers):
        if isinstance(parsed, str):
            corpus.errors.append(parsed)
            continue
        doc, chunks = parsed
        corpus.documents.append(doc)
        corpus.chunks.extend(chunks)
    return corpus
