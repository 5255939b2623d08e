"""Where the page's plans, index and embedding cache live, and (re)building the index with progress.

Folders come from the environment, so tests and staging can point the page at copies:
``PLANS_CORPUS`` (default ``corpus/``), ``PLANS_INDEX`` (default ``data/index``), ``PLANS_CACHE``
(default ``data/cache``), relative paths taken from the project folder.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index import HybridIndex, IndexLoadError, build_index
from index.embedders import load_embedder
from index.store import read_manifest

__all__ = ["Paths", "BuildReport", "rebuild", "index_exists", "BUILD_LOCK"]

ROOT = Path(__file__).resolve().parent.parent
# One build at a time per process: two sessions uploading at once queue up instead of racing.
BUILD_LOCK = threading.Lock()


def _path(variable: str, default: str) -> Path:
    p = Path(os.environ.get(variable) or default)
    return p if p.is_absolute() else ROOT / p


@dataclass(frozen=True)
class Paths:
    corpus: Path
    index: Path
    cache: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(_path("PLANS_CORPUS", "corpus"), _path("PLANS_INDEX", "data/index"),
                   _path("PLANS_CACHE", "data/cache"))


@dataclass
class BuildReport:
    index: HybridIndex
    documents: int
    passages: int
    embedded: int
    seconds: float
    errors: list[str] = field(default_factory=list)


def index_exists(path: Path) -> bool:
    return (Path(path) / "manifest.json").is_file()


def version(path: Path) -> str:
    """What identifies the index now on disk: the directory ``path`` links to (a new one per save)."""
    p = Path(path)
    try:
        return f"{p.resolve()}@{(p / 'manifest.json').stat().st_mtime_ns}"
    except OSError:
        return str(p.resolve())


def rebuild(paths: Paths, embedder=None, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Index every plan in ``paths.corpus`` and save it to ``paths.index``; returns what was done.

    Only text not yet in the embedding cache is embedded. ``progress(done, total)`` is called as
    passages are embedded. The new index replaces the old one on disk in one atomic step, only once it
    is complete: any failure leaves the previous index in place. Raises ``ValueError`` when no plan
    can be read.
    """
    with BUILD_LOCK:
        index, corpus, stats = build_index(paths.corpus, paths.index, embedder or shared_embedder(None),
                                           progress or False, cache_dir=str(paths.cache))
    return BuildReport(index, stats["documents"], stats["chunks"], stats["embedded"], stats["seconds"],
                       stats["errors"])


@lru_cache(maxsize=2)
def shared_embedder(name: str | None):
    """The embedding model, loaded once per process whatever index uses it."""
    return load_embedder(name)


def load(path: Path) -> HybridIndex:
    """The saved index, with the process's copy of its model (``IndexLoadError`` if none or damaged)."""
    return HybridIndex.load(path, embedder=shared_embedder(read_manifest(path)["model"]["name"]))


__all__ += ["load", "version", "shared_embedder", "IndexLoadError"]
