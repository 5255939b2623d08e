"""One writer at a time for an index, across processes (the page, the API, the command line).

``write_lock(index_path)`` takes an exclusive ``flock`` on ``.<name>.lock`` beside the index link, and
records who holds it. A second writer does not wait: it gets ``IndexBusy`` naming the holder, so a person
knows why and what to do. The operating system releases the lock when the holder exits, even killed.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["IndexBusy", "write_lock", "holder"]


class IndexBusy(RuntimeError):
    """Another process is writing the index; the message says which and since when."""


def _lock_file(index_path) -> Path:
    link = Path(index_path)
    return link.parent / f".{link.name}.lock"


def _recorded(f) -> dict:
    """What the holder wrote in the lock file ``f`` (pid, host, since); empty if unreadable."""
    f.seek(0)
    try:
        return json.loads(f.read() or "{}")
    except json.JSONDecodeError:
        return {}


def holder(index_path) -> dict | None:
    """Who holds the write lock of ``index_path`` (pid, host, since), or None when nobody does."""
    path = _lock_file(index_path)
    if not path.exists():
        return None
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _recorded(f)
        fcntl.flock(f, fcntl.LOCK_UN)
    return None


@contextmanager
def write_lock(index_path) -> Iterator[None]:
    """Hold the write lock of ``index_path`` for the ``with`` block; raises ``IndexBusy`` if taken."""
    path = _lock_file(index_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+")  # noqa: SIM115 — held open for the whole block
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = _recorded(f)
            since = time.strftime("%H:%M:%S %d/%m/%Y", time.localtime(who["since"])) if "since" in who else "?"
            raise IndexBusy(f"another process (pid {who.get('pid', '?')} on {who.get('host', '?')}, since {since}) "
                            f"is writing the index at {Path(index_path)}; try again when it has finished") from None
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}))
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)
    finally:
        f.close()
