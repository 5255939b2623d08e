"""Loading plans: files → documents (text + metadata) → structure-following chunks.

    corpus = ingest.load("corpus/")
    corpus.documents, corpus.chunks, corpus.errors

Every file is read and parsed in a worker process within ``ingest.limits`` (``read_file``): a hostile
file is refused with a message, and costs at most the time and memory limits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import sandbox
from .chunking import DEFAULT_MAX_WORDS, Chunk, chunk_blocks
from .limits import LimitError, Limits
from .loaders import SUPPORTED, IngestError, Source, read
from .metadata import DocumentMeta, citation, extract, issuer
from .structure import body_end, parse

__all__ = ["Document", "Corpus", "load", "load_sources", "document_from", "read_file", "IngestError", "LimitError",
           "Limits", "Chunk", "citation", "issuer", "DocumentMeta"]


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


def _files(paths) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            out.append(p)
    return out


def _read_and_parse(path: Path, max_words: int, limits: Limits) -> list:
    """In a worker: the file's documents, each as (document, chunks) or the message why it is left out."""
    out = []
    for source in read(path, limits):
        try:
            out.append(document_from(source, max_words))
        except IngestError as e:
            out.append(str(e))
    return out


def read_file(path, max_words: int = DEFAULT_MAX_WORDS, limits: Limits | None = None) -> list:
    """One file read and parsed in a worker process within ``limits`` (default: ``ingest.limits.current()``):
    [(document, chunks) or the message why that document is left out, ...]. Raises ``IngestError`` (a
    ``LimitError`` when over a limit) naming the file."""
    return sandbox.run(_read_and_parse, Path(path), max_words, limits=limits)


def load_sources(paths) -> tuple[list[Source], list[str]]:
    """Read every file under ``paths`` (in worker processes, within the limits); unreadable ones become
    error messages, the rest go in."""
    sources, errors, seen = [], [], set()
    files = _files([paths] if isinstance(paths, (str, Path)) else paths)
    errors += [f"{f}: skipped, unsupported file type {f.suffix or '(none)'}" for f in files
               if f.suffix.lower() not in SUPPORTED]
    files = [f for f in files if f.suffix.lower() in SUPPORTED]
    for f, read_ in zip(files, sandbox.map(_read, files), strict=True):
        if isinstance(read_, IngestError):
            errors.append(str(read_))
            continue
        for s in read_:
            if s.id in seen:
                errors.append(f"{f}: skipped, document id {s.id!r} already taken by another file")
                continue
            seen.add(s.id)
            sources.append(s)
    return sources, errors


def _read(path: Path, limits: Limits) -> list[Source]:
    return read(path, limits)


def load(paths="corpus", max_words: int = DEFAULT_MAX_WORDS, workers: int | None = None,
         limits: Limits | None = None) -> Corpus:
    """Every plan under ``paths``, read and parsed in worker processes (``workers`` at a time; default: the
    reader pool's size) within ``limits`` into documents and chunks; unreadable files become messages in
    ``errors``."""
    files = _files([paths] if isinstance(paths, (str, Path)) else paths)
    corpus, seen = Corpus(), set()
    corpus.errors += [f"{f}: skipped, unsupported file type {f.suffix or '(none)'}" for f in files
                      if f.suffix.lower() not in SUPPORTED]
    files = [f for f in files if f.suffix.lower() in SUPPORTED]
    for f, parsed in zip(files, sandbox.map(_read_and_parse, files, max_words, limits=limits, workers=workers),
                         strict=True):
        if isinstance(parsed, IngestError):
            corpus.errors.append(str(parsed))
            continue
        for one in parsed:
            if isinstance(one, str):
                corpus.errors.append(one)
                continue
            doc, chunks = one
            if doc.id in seen:
                corpus.errors.append(f"{f}: skipped, document id {doc.id!r} already taken by another file")
                continue
            seen.add(doc.id)
            corpus.documents.append(doc)
            corpus.chunks.extend(chunks)
    return corpus
