"""Rows of an index read on demand: a JSONL file memory-mapped, with the byte offset of every line saved
beside it, so loading a library of a million passages reads two small arrays rather than a million objects.

    write_table(path, rows)                      # path (JSON lines) + path.offsets.npy
    chunks = Table(path, lambda r: Chunk(**r))   # a read-only sequence: chunks[i] parses line i
    docs = DocumentTable(path, decode, ids)      # a read-only mapping id -> Document, same storage
    rows = DocRows.of(doc_of_row, n_docs)        # the chunk rows of each document (CSR), saved as .npy

Measured with ``bench/bench_scale.py`` (a million passages, 327,106 documents): reading every line into
objects took 51 s and 3.9 GB; opening the tables takes well under a second and holds what queries touch.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["write_table", "Table", "DocumentTable", "DocRows", "offsets_path"]

# Parsed rows kept per table: a page of results touches a few dozen; the cache spares repeated parsing.
CACHED_ROWS = 4096


def offsets_path(path: Path) -> Path:
    return path.with_name(path.name + ".offsets.npy")


def write_table(path: Path, rows: Iterable[dict]) -> int:
    """Write ``rows`` as JSON lines at ``path`` and the start of every line at ``offsets_path(path)``
    (n + 1 int64, the last the file's size); returns the number of rows."""
    offsets = [0]
    with open(path, "wb") as f:
        for row in rows:
            line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
            f.write(line)
            offsets.append(offsets[-1] + len(line))
    with open(offsets_path(path), "wb") as f:
        np.save(f, np.asarray(offsets, dtype=np.int64))
    return len(offsets) - 1


def _line_offsets(data) -> np.ndarray:
    """Offsets of the lines of ``data`` (an index written before offsets were saved): one vector scan."""
    if not len(data):
        return np.zeros(1, np.int64)
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + 1
    if not len(ends) or ends[-1] != len(data):
        ends = np.append(ends, len(data))
    return np.concatenate([[0], ends]).astype(np.int64)


class Table(Sequence):
    """The rows of a JSONL table written by ``write_table``, each decoded on access (and cached)."""

    def __init__(self, path: Path, decode: Callable[[dict], object]):
        self.path = Path(path)
        with open(self.path, "rb") as f:
            size = f.seek(0, 2)
            self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        saved = offsets_path(self.path)
        self._offsets = (np.load(saved, mmap_mode="r") if saved.exists() else _line_offsets(self._data))
        if int(self._offsets[-1]) != len(self._data):
            raise ValueError(f"{saved.name} does not match {self.path.name} ({int(self._offsets[-1])} bytes "
                             f"indexed, {len(self._data)} on disk)")
        self._decode = decode
        self._row = lru_cache(maxsize=CACHED_ROWS)(self._parse)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def record(self, i: int) -> dict:
        """Line ``i`` as parsed JSON, not decoded."""
        a, b = int(self._offsets[i]), int(self._offsets[i + 1])
        return json.loads(self._data[a:b])

    def _parse(self, i: int):
        return self._decode(self.record(i))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"row {i} out of range ({n} rows)")
        return self._row(i)

    def __iter__(self) -> Iterator:
        for i in range(len(self)):
            yield self._parse(i)  # a whole pass does not flush the cache of rows queries use

    def __eq__(self, other) -> bool:
        """Equal to any sequence of the same rows (a list of chunks built in memory, another table)."""
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None


class DocumentTable(Mapping):
    """Documents by id, read on demand from a ``Table`` of them; ``ids`` in the table's order."""

    def __init__(self, table: Table, ids: list[str]):
        if len(ids) != len(table):
            raise ValueError(f"{len(ids)} document ids for {len(table)} documents in {table.path.name}")
        self.table, self.ids = table, ids
        self.row = {d: i for i, d in enumerate(ids)}

    def __getitem__(self, doc_id: str):
        return self.table[self.row[doc_id]]

    def __contains__(self, doc_id) -> bool:
        return doc_id in self.row

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def values(self):
        return iter(self.table)


class DocRows:
    """The chunk rows of every document, compressed: document ``d``'s rows are
    ``order[start[d]:start[d + 1]]``, sorted. Built in one vectorised pass; saved and memory-mapped."""

    def __init__(self, order: np.ndarray, start: np.ndarray):
        self.order, self.start = order, start

    @classmethod
    def of(cls, doc_of_row: np.ndarray, n_docs: int) -> DocRows:
        doc_of_row = np.asarray(doc_of_row, dtype=np.int64)
        order = np.argsort(doc_of_row, kind="stable")
        start = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc_of_row, minlength=n_docs), out=start[1:])
        return cls(order.astype(np.int64), start)

    def rows(self, docs: np.ndarray) -> np.ndarray:
        """The sorted chunk rows of the documents numbered ``docs``."""
        docs = np.unique(np.asarray(docs, dtype=np.int64))
        if not len(docs):
            return np.zeros(0, np.int64)
        a, b = self.start[docs], self.start[docs + 1]
        lengths = b - a
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, np.int64)
        # positions a_i, a_i + 1, …, b_i - 1 for every document, without a Python loop
        shift = np.repeat(a - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return np.sort(self.order[np.arange(total) + shift])

    def save(self, directory: Path) -> None:
        np.save(directory / "doc_rows.order.npy", self.order)
        np.save(directory / "doc_rows.start.npy", self.start)

    @classmethod
    def load(cls, directory: Path) -> DocRows | None:
        files = [directory / "doc_rows.order.npy", directory / "doc_rows.start.npy"]
        if not all(f.exists() for f in files):
            return None
        return cls(*(np.load(f, mmap_mode="r") for f in files))
