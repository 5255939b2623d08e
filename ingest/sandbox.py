"""Reading files in worker processes that can be stopped: a hostile file costs at most the time and
memory limits (``ingest.limits``), and the service that asked goes on.

    result = sandbox.run(fn, path, ...)              # fn(path, ..., limits) in a worker; raises IngestError
    results = sandbox.map(fn, paths, ...)            # in order: a result or an IngestError per path

``fn`` must be a module-level function (it is sent by name); it is given the limits in force last. Workers are fresh interpreters (a threaded server
never forks itself), started on first use and reused: a worker is replaced only when it was stopped, hit
its memory limit, or grew large. Each worker's address space is limited (``RLIMIT_AS``, soft limit: a
reader that starts a program of its own may give that program its own limit); a file that takes longer
than the time limit has its worker killed.
"""

from __future__ import annotations

import atexit
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

from .limits import IngestError, LimitError, Limits, current

__all__ = ["run", "map", "Pool", "pool", "extend", "in_worker"]

# A worker that has grown past this (its peak resident memory) is replaced after its task.
RECYCLE_RSS = 512 * 1024 * 1024
_ROOT = str(Path(__file__).resolve().parent.parent)


_conn = None  # in a worker: the pipe to the parent


def in_worker() -> bool:
    return _conn is not None


def extend(seconds: float) -> None:
    """In a worker: ask for ``seconds`` more before the time limit, because a program of ours with its own
    timeout (Tesseract on a page, LibreOffice on a file: ``ingest.external``) is about to run. Elsewhere: nothing."""
    if _conn is not None:
        _conn.send(("more", float(seconds), 0))


def _serve(conn, memory_bytes: int) -> None:
    """A worker: run the tasks sent on ``conn`` until it closes."""
    global _conn
    _conn = conn
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes if hard == resource.RLIM_INFINITY
                                             else min(memory_bytes, hard), hard))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", fn(*args))
        except MemoryError:
            reply = ("memory", "")
        except IngestError as e:  # sent whole (a LimitError keeps its setting)
            reply = ("memory", "") if isinstance(e.__cause__, MemoryError) else ("refused", e)
        except Exception as e:  # noqa: BLE001 — a reader's fault on a bad file is that file's error
            reply = ("failed", f"{type(e).__name__}: {e}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        try:
            conn.send((*reply, rss))
        except MemoryError:
            conn.send(("memory", "", rss))
        if reply[0] == "memory":
            return


def _main() -> None:
    """``python -c "from ingest.sandbox import _main; _main()" READ_FD WRITE_FD MEMORY_BYTES``"""
    read_fd, write_fd, memory_bytes = (int(a) for a in sys.argv[1:4])  # (the module defines its own map)
    _serve(_Pipe(Connection(read_fd, writable=False), Connection(write_fd, readable=False)), memory_bytes)


class _Pipe:
    """Two one-way connections used as one."""

    def __init__(self, incoming: Connection, outgoing: Connection):
        self.incoming, self.outgoing = incoming, outgoing
        self.recv, self.poll, self.send = incoming.recv, incoming.poll, outgoing.send

    def close(self) -> None:
        self.incoming.close()
        self.outgoing.close()


class _Worker:
    """A fresh interpreter (never a fork of this process, which may run threads) serving tasks on pipes."""

    def __init__(self, memory_bytes: int):
        to_child, from_parent = os.pipe()  # (read end, write end)
        from_child, to_parent = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")]))}
        try:
            self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and module
                [sys.executable, "-c", "from ingest.sandbox import _main; _main()", str(to_child), str(to_parent),
                 str(memory_bytes)], pass_fds=(to_child, to_parent), stdin=subprocess.DEVNULL, env=env)
        finally:
            os.close(to_child)
            os.close(to_parent)
        self.conn = _Pipe(Connection(from_child, writable=False), Connection(from_parent, readable=False))
        self.memory_bytes = memory_bytes

    def alive(self) -> bool:
        return self.process.poll() is None

    def exitcode(self) -> int | None:
        try:
            return self.process.wait(1)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        self.conn.close()


def _name(args) -> str:
    return str(args[0]) if args else "the file"


class Pool:
    """Up to ``size`` reusable worker processes; ``run`` is safe to call from many threads."""

    def __init__(self, size: int | None = None):
        self.size = max(1, size or min(os.cpu_count() or 1, 4))
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._started = 0
        self._lock = threading.Lock()
        self._closed = False
        self.stats = {"started": 0, "killed": 0, "tasks": 0, "peak_rss": 0}

    def _take(self, memory_bytes: int) -> _Worker:
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the reader pool is closed")
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    worker = None
                    if self._started < self.size:
                        self._started += 1
                        self.stats["started"] += 1
                        try:
                            return _Worker(memory_bytes)
                        except BaseException:
                            self._started -= 1
                            raise
            if worker is None:
                try:
                    worker = self._idle.get(timeout=0.2)
                except queue.Empty:
                    continue  # a worker may have been dropped meanwhile: start one in its place
            if worker.alive() and worker.memory_bytes == memory_bytes:
                return worker
            self._drop(worker)

    def _drop(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._started -= 1

    def run(self, fn, *args, limits: Limits | None = None):
        """``fn(*args)`` in a worker, within ``limits`` (default: those in force); ``args[0]`` names the file
        in messages. Raises the reader's ``IngestError``, or a ``LimitError`` when the worker was stopped."""
        limits = limits or current()
        args = (*args, limits)
        worker = self._take(limits.memory_bytes)
        keep = False
        try:
            try:
                worker.conn.send((fn, args))
                status, value, rss = self._reply(worker, limits, args)
            except (EOFError, OSError):
                code = worker.exitcode()
                how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                raise LimitError(f"{_name(args)}: refused, the reader stopped ({how}) while reading it; it may "
                                 f"need more than the memory limit of {limits.show('memory_bytes')} (raise it "
                                 f"with {limits.setting('memory_bytes')})", limits.setting("memory_bytes")) from None
            self.stats["tasks"] += 1
            self.stats["peak_rss"] = max(self.stats["peak_rss"], rss)
            keep = status in ("ok", "refused", "failed") and rss < RECYCLE_RSS
            if status == "ok":
                return value
            if status == "memory":
                raise limits.refuse(_name(args), "reading it needs more memory", "memory_bytes")
            if status == "refused":
                raise value
            raise IngestError(f"{_name(args)}: cannot be read ({value})")
        finally:
            if keep:
                self._idle.put(worker)
            else:
                self._drop(worker)

    def _reply(self, worker: _Worker, limits: Limits, args) -> tuple:
        """The worker's answer, within the time limit plus what it asked for to run programs that have
        timeouts of their own (``extend``); a worker past it is refused (and then killed)."""
        deadline = time.monotonic() + limits.seconds
        while True:
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self.stats["killed"] += 1
                raise limits.refuse(_name(args), "reading it took longer", "seconds")
            status, value, rss = worker.conn.recv()
            if status != "more":
                return status, value, rss
            deadline += value

    def map(self, fn, items, *args, limits: Limits | None = None, workers: int | None = None) -> list:
        """``[fn(item, *args) or the IngestError it raised, ...]`` in the order of ``items``, ``workers`` at
        a time (default: the pool's size)."""
        def one(item):
            try:
                return self.run(fn, item, *args, limits=limits)
            except IngestError as e:
                return e

        items = list(items)
        n = max(1, min(workers or self.size, self.size, len(items) or 1))
        if n == 1:
            return [one(item) for item in items]
        with ThreadPoolExecutor(n, thread_name_prefix="plans-read") as threads:
            return list(threads.map(one, items))

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return


_pool: Pool | None = None
_pool_lock = threading.Lock()


def pool() -> Pool:
    """The process's shared pool of readers (started on first use, stopped at exit)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._closed:
            _pool = Pool()
            atexit.register(_pool.close)
        return _pool


def run(fn, *args, limits: Limits | None = None):
    return pool().run(fn, *args, limits=limits)


def map(fn, items, *args, limits: Limits | None = None, workers: int | None = None) -> list:  # noqa: A001
    return pool().map(fn, items, *args, limits=limits, workers=workers)
