"""Loading plans: files → documents (text + metadata) → structure-following chunks.

    corpus = ingest.load("corpus/")
    corpus.documents, corpus.chunks, corpus.errors

Every file is read and parsed in a worker process within ``ingest.limits`` (``read_file``): a hostile
file is refused with a message, and costs at most the time and memory limits.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import sandbox
from .chunking import DEFAULT_MAX_WORDS, Chunk, chunk_blocks
from .limits import LimitError, Limits
from .loaders import SUPPORTED, IngestError, Source, read, safe_id
from .metadata import DocumentMeta, citation, extract, issuer
from .structure import body_end, parse

__all__ = ["Document", "Corpus", "load", "files", "supported_files", "unique_id", "renamed", "assemble", "read_and_parse",
           "document_from", "read_file", "IngestError", "LimitError", "Limits", "Chunk", "citation", "issuer",
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


def read_and_parse(path: Path, max_words: int = DEFAULT_MAX_WORDS, limits: Limits | None = None,
                   data: bytes | None = None) -> tuple[list[str], list]:
    """One file read and parsed here (in a worker: ``read_file``, ``load``, the Ray build): the warnings of
    reading it (a bad JSONL line), and [(source, (document, chunks) or the message why it is left out)]."""
    warnings: list[str] = []
    out = []
    for source in read(path, data, warn=warnings.append, limits=limits):
        try:
            out.append((source, document_from(source, max_words)))
        except IngestError as e:
            out.append((source, str(e)))
    return warnings, out


def assemble(found: list[Path], skipped: list[str], results: list) -> Corpus:
    """The corpus of ``found`` files from each one's result: an error (``IngestError`` or its message) or
    ``read_and_parse``'s. Documents in file order under ``unique_id``'s ids (a name another file took gets
    the full file name); the messages of reading first (``skipped`` ones, then per file), then of parsing."""
    corpus, seen, parse_errors = Corpus(errors=list(skipped)), set(), []
    for f, result in zip(found, results, strict=True):
        if isinstance(result, (str, IngestError)):
            corpus.errors.append(str(result))
            continue
        warnings, parsed_sources = result
        corpus.errors.extend(warnings)
        for source, parsed in parsed_sources:
            doc_id = unique_id(source, f, seen)
            if doc_id is None:
                corpus.errors.append(f"{f}: record skipped, document id {source.id!r} already taken by another file")
                continue
            seen.add(doc_id)
            if isinstance(parsed, str):
                parse_errors.append(parsed)
            else:
                doc, chunks = parsed if doc_id == source.id else renamed(*parsed, doc_id)
                corpus.documents.append(doc)
                corpus.chunks.extend(chunks)
    corpus.errors.extend(parse_errors)
    return corpus


def supported_files(paths) -> tuple[list[Path], list[str]]:
    """The files under ``paths`` this program reads, and the messages of those it leaves out."""
    found, skipped = files([paths] if isinstance(paths, (str, Path)) else paths)
    skipped += [f"{f}: skipped, unsupported file type {f.suffix or '(none)'}" for f in found
                if f.suffix.lower() not in SUPPORTED]
    return [f for f in found if f.suffix.lower() in SUPPORTED], skipped


def read_file(path, max_words: int = DEFAULT_MAX_WORDS, limits: Limits | None = None) -> list:
    """One file read and parsed in a worker process within ``limits`` (default: ``ingest.limits.current()``):
    [(document, chunks) or the message why that document is left out, ...]. Raises ``IngestError`` (a
    ``LimitError`` when over a limit) naming the file."""
    _, parsed = sandbox.run(read_and_parse, Path(path), max_words, limits=limits)
    return [one for _, one in parsed]


def load(paths="corpus", max_words: int = DEFAULT_MAX_WORDS, workers: int | None = None,
         limits: Limits | None = None) -> Corpus:
    """Every plan under ``paths``, read and parsed in worker processes (``workers`` at a time; default: the
    reader pool's size) within ``limits`` into documents and chunks; unreadable files become messages in
    ``errors``."""
    found, skipped = supported_files(paths)
    return assemble(found, skipped, sandbox.map(read_and_parse, found, max_words, limits=limits, workers=workers))
