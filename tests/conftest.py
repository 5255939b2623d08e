"""Shared fixtures for the core tests: the real corpus, and ONE index built from it per test session.

The index and its embedding cache live in temporary directories. When a cache from earlier runs exists
($PLANS_CACHE, else data/cache), its ``*.npz`` files are copied in first, so the corpus is not embedded
again; without one (CI) the session embeds the 337 chunks once (about a minute on 2 cores).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# No test may reach the network: sentence-transformers / huggingface_hub read these at import time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# The five bundled plans, by their short names in the tests.
DOC_IDS = {
    "000": "000_729b7d2cffa8fbb9",
    "001": "001_d05823c75ea666fa",
    "002": "002_30c6bf061a95a121",
    "003": "003_9a9075a511bddb73",
    "004": "004_a4c9a62cbd261bef",
}
WATER_004 = "Tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn đạt 92%"


def shared_cache() -> Path:
    return Path(os.environ.get("PLANS_CACHE") or ROOT / "data" / "cache")


def copy_cache(dest: Path) -> Path:
    """``dest`` holding a copy of the shared embedding cache files (if any)."""
    dest.mkdir(parents=True, exist_ok=True)
    src = shared_cache()
    if src.is_dir():
        for f in src.glob("*.npz"):
            shutil.copy2(f, dest / f.name)
    return dest


def keep_cache(src: Path) -> None:
    """Leave freshly computed embeddings in the shared cache for the next build (first one only)."""
    shared = shared_cache()
    if not any(shared.glob("*.npz")):
        shared.mkdir(parents=True, exist_ok=True)
        for f in src.glob("*.npz"):
            shutil.copy2(f, shared / f.name)


@pytest.fixture(scope="session")
def plans_copy(tmp_path_factory):
    """A factory: ``make(name)`` copies the corpus and builds its own index (embeddings from the shared
    cache), returning its ``service.Paths``."""
    from service import Library, Paths

    def make(name: str) -> Paths:
        base = tmp_path_factory.mktemp(name)
        shutil.copytree(CORPUS, base / "corpus")
        paths = Paths(base / "corpus", base / "store" / "index", copy_cache(base / "cache"))
        Library(paths).build()
        keep_cache(paths.cache)
        return paths

    return make


@dataclass
class Built:
    """The session's index: built from the real corpus with the bundled model, saved and reloaded."""

    index_dir: Path  # the link ``.../store/index``
    cache_dir: Path
    built: object  # HybridIndex as built
    loaded: object  # HybridIndex.load(index_dir)
    corpus: object  # ingest.Corpus
    stats: dict


@pytest.fixture(scope="session")
def corpus():
    import ingest

    c = ingest.load(CORPUS)
    assert not c.errors, c.errors
    return c


@pytest.fixture(scope="session")
def docs(corpus) -> dict:
    """Documents by short name ("000" … "004")."""
    by_id = {d.id: d for d in corpus.documents}
    return {short: by_id[full] for short, full in DOC_IDS.items()}


@pytest.fixture(scope="session")
def chunks_of(corpus):
    def get(short: str):
        return [c for c in corpus.chunks if c.doc_id == DOC_IDS[short]]

    return get


@pytest.fixture(scope="session")
def session_index(tmp_path_factory) -> Built:
    from index import HybridIndex
    from index.build import build

    base = tmp_path_factory.mktemp("session-index")
    cache = copy_cache(base / "cache")
    index_dir = base / "store" / "index"
    built, corpus, stats = build(str(CORPUS), str(index_dir), None, False, cache_dir=str(cache))
    keep_cache(cache)
    loaded = HybridIndex.load(index_dir)
    return Built(index_dir, cache, built, loaded, corpus, stats)


@pytest.fixture(scope="session")
def embedder(session_index):
    """The bundled model, as loaded by the session index (one instance for all tests)."""
    return session_index.loaded.embedder


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` made unwritable for real (chattr +i as root, chmod otherwise), or the test skipped."""
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("cannot make a folder read-only here (chattr +i failed)")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    try:
        try:
            (folder / ".probe").mkdir()
            (folder / ".probe").rmdir()
            pytest.skip("cannot make a folder read-only here")
        except OSError:
            pass
        yield
    finally:
        subprocess.run(undo, check=True)
