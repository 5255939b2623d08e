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
from .loaders import SUPPORTED, IngestError, Source, read, safe_id
from .metadata import DocumentMeta, citation, extract, issuer
from .structure import body_end, parse

__all__ = ["Document", "Corpus", "load", "load_sources", "files", "unique_id", "renamed", "document_from", "IngestError", "Chunk", "citation", "issuer",
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
    if source.note or source.page_starts:
        meta = replace(meta, converted=source.note, page_starts=source.page_starts, ocr_pages=source.ocr_pages)
    doc = Document(source.id, source.text, meta, source.path, source.format)
    chunks = chunk_blocks(doc.id, doc.text, blocks, max_words)
    if not chunks:
        raise IngestError(f"{source.path}: no searchable text after removing headers and signatures")
    return doc, chunks


def files(paths) -> tuple[list[Path], list[str]]:
    """The files under ``paths`` (files or folders, each folder's in sorted order), and a message for each hidden
    file or folder (name starting with ".") left out; the service's own ".*.part" files (an upload being written)
    are left out without one."""
    out, skipped = [], []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        for f in sorted(p.rglob("*")):
            hidden = next((part for part in f.relative_to(p).parts if part.startswith(".")), None)
            if hidden is None and f.is_file():
                out.append(f)
            elif hidden is not None and hidden == f.name and not f.name.endswith(".part"):
                kind = "folder" if f.is_dir() else "file"
                skipped.append(f"{f}: skipped, a hidden {kind} (its name starts with '.'); rename it to include it")
    return out, skipped


def unique_id(source: Source, path: Path, seen: set[str]) -> str | None:
    """The source's id, or for a file whose name (stem) another file took — plan.docx and plan.pdf, or two
    spellings (NFC, NFD) of one name — its full name, then that with a hash of the path. None for a record
    of a JSON file, whose id is its own."""
    if source.id not in seen:
        return source.id
    if source.format == "json":
        return None
    import hashlib

    by_name = safe_id(path.name)
    if by_name not in seen:
        return by_name
    return f"{by_name}-{hashlib.sha1(os.fsencode(path)).hexdigest()[:8]}"


def renamed(doc: Document, chunks: list[Chunk], doc_id: str) -> tuple[Document, list[Chunk]]:
    """A parsed document and its chunks under another id (a file whose name another file took)."""
    return (replace(doc, id=doc_id),
            [replace(c, id=f"{doc_id}#{c.id.rsplit('#', 1)[1]}", doc_id=doc_id) for c in chunks])


def load_sources(paths) -> tuple[list[Source], list[str]]:
    """Read every file under ``paths``; unreadable ones become error messages, the rest go in."""
    sources, seen = [], set()
    found, errors = files([paths] if isinstance(paths, (str, Path)) else paths)
    for f in found:
        if f.suffix.lower() not in SUPPORTED:
            errors.append(f"{f}: skipped, unsupported file type {f.suffix or '(none)'}")
            continue
        try:
            for s in read(f, warn=errors.append):
                doc_id = unique_id(s, f, seen)
                if doc_id is None:
                    errors.append(f"{f}: record skipped, document id {s.id!r} already taken by another file")
                    continue
                seen.add(doc_id)
                sources.append(replace(s, id=doc_id))
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
