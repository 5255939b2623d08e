"""The size and SHA-256 of every file of a saved index, recorded in its manifest and verified on load.

Verifying costs reading the file: SHA-256 runs at about 0.2 GB/s on this machine (1.5 GB, the FAISS
file of 10^6 passages, took 7.9 s), so a whole large index cannot be hashed within the 5 s load aim.
What is done on load:

- every file: present, and of the recorded size (a truncated or padded file is refused at once);
- files up to ``HASH_ON_LOAD`` bytes: hashed at once (the documents, the chunks, the BM25 parts of a
  library of thousands of plans: well under a second);
- larger files: hashed in a background thread started at load. Searches wait for it (``check``), so no
  answer is ever computed from a file not yet verified: the first search after loading a 10^6-passage
  index waits a few seconds, later ones nothing. The thread also brings the memory-mapped file into
  the page cache, which the first searches would otherwise do.

``python -m index verify`` hashes everything, now. A damaged file is an ``IndexLoadError`` that names
it and says how to rebuild.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

__all__ = ["record", "Integrity", "verify", "HASH_ON_LOAD", "REBUILD"]

HASH_ON_LOAD = 64 * 1024 * 1024
REBUILD = "rebuild it with `python -m ingest --rebuild` (or the page's “Lập lại chỉ mục”)"
_BLOCK = 4 * 1024 * 1024


def digest(path: Path) -> str:
    with open(path, "rb") as f:
        return _digest(f)


def _digest(f) -> str:
    h = hashlib.sha256()
    while block := f.read(_BLOCK):
        h.update(block)
    return h.hexdigest()


def record(directory: Path) -> dict[str, dict]:
    """{relative path: {"bytes", "sha256"}} of every file under ``directory`` but the manifest."""
    return {p.relative_to(directory).as_posix(): {"bytes": p.stat().st_size, "sha256": digest(p)}
            for p in sorted(directory.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def _error(directory: Path, problems: list[str]):
    from .store import IndexLoadError

    return IndexLoadError(f"the index at {directory} is damaged ({'; '.join(problems)}): {REBUILD}")


def _sizes(directory: Path, files: dict) -> list[str]:
    problems = []
    for name, want in files.items():
        p = directory / name
        if not p.is_file():
            problems.append(f"{name} is missing")
        elif p.stat().st_size != want["bytes"]:
            problems.append(f"{name} has {p.stat().st_size:,} bytes, not {want['bytes']:,}")
    return problems


def _hashes(directory: Path, files: dict) -> list[str]:
    return [f"{name} does not match its checksum" for name, want in files.items()
            if digest(directory / name) != want["sha256"]]


def verify(directory: Path, files: dict) -> list[str]:
    """Every problem with the files of ``directory`` against ``files`` (all hashed now); [] when sound."""
    return _sizes(directory, files) or _hashes(directory, files)


class Integrity:
    """The check of an index's files as it is loaded; ``check()`` raises once a damaged file is found."""

    def __init__(self, directory: Path, files: dict, hash_on_load: int | None = None):
        hash_on_load = HASH_ON_LOAD if hash_on_load is None else hash_on_load
        self.directory = Path(directory)
        problems = _sizes(self.directory, files)
        small = {n: f for n, f in files.items() if f["bytes"] <= hash_on_load}
        problems = problems or _hashes(self.directory, small)
        if problems:
            raise _error(self.directory, problems)
        # Opened now: a newer index swapped in meanwhile removes this directory, not what is open.
        self._large = [(n, f["sha256"], open(self.directory / n, "rb"))  # noqa: SIM115 — closed by the thread
                       for n, f in files.items() if f["bytes"] > hash_on_load]
        self.problems: list[str] = []
        self._done = threading.Event()
        if self._large:
            threading.Thread(target=self._hash_large, name="index-verify", daemon=True).start()
        else:
            self._done.set()

    def _hash_large(self) -> None:
        try:
            for name, sha256, f in self._large:
                with f:
                    if _digest(f) != sha256:
                        self.problems.append(f"{name} does not match its checksum")
        except OSError as e:
            self.problems.append(f"cannot read it ({e.strerror or e})")
        finally:
            self._done.set()

    @property
    def verified(self) -> bool:
        return self._done.is_set() and not self.problems

    def check(self, wait: bool = True) -> None:
        """Raise ``IndexLoadError`` if a file is damaged; first wait until every file is verified, unless
        ``wait`` is false (then only damage found so far is raised)."""
        if wait:
            self._done.wait()
        if self._done.is_set() and self.problems:
            raise _error(self.directory, self.problems)
