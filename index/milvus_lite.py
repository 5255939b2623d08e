"""A Milvus Lite server on this machine, for tests and the evaluation: the real C++ server shipped in
``milvus-lite==2.5.1`` (its 3.x releases are pure Python and lack the BM25 function), listening on
127.0.0.1 at a free port, stopped by its process id.

    with MilvusLite(tmp_dir / "milvus.db") as server:
        store = MilvusStore(server.uri)

In production nothing here is used: the backend is given the URI of a Milvus cluster.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["MilvusLite", "MilvusLiteError", "free_port"]

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
_DB_NAME = re.compile(r"^[A-Za-z0-9.\-_]{1,36}$")  # what the server accepts as a database file name


class MilvusLiteError(RuntimeError):
    """The server could not be started; the message says why (with the end of its log)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _binary() -> Path:
    # Found without importing it: its __init__ imports pkg_resources, which setuptools >= 81 no longer has.
    spec = importlib.util.find_spec("milvus_lite")
    if spec is None or not spec.submodule_search_locations:
        raise MilvusLiteError("milvus-lite is not installed: pip install -r requirements-dist.txt")
    lib = Path(next(iter(spec.submodule_search_locations))).resolve() / "lib"
    binary = lib / "milvus"
    if not binary.is_file():
        raise MilvusLiteError(f"{binary} not found: milvus-lite 2.5.1 (with the C++ server) is needed, "
                              "not 3.x (pip install -r requirements-dist.txt)")
    return binary


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


class MilvusLite:
    """The server process; ``uri`` is what a client (``MilvusStore``) connects to."""

    def __init__(self, db_path: str | Path, port: int | None = None, log_level: str = "ERROR"):
        self.db_path = Path(db_path).resolve()
        if not _DB_NAME.match(self.db_path.name):
            raise MilvusLiteError(f"database file name {self.db_path.name!r}: Milvus Lite accepts letters, "
                                  "digits, '.', '-', '_', at most 36 characters")
        self.port = port or free_port()
        self.log_level = log_level
        self.log_path = self.db_path.with_name(self.db_path.name + ".log")
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = START_TIMEOUT_S) -> MilvusLite:
        binary = _binary()
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "LD_LIBRARY_PATH": f"{binary.parent}:{os.environ.get('LD_LIBRARY_PATH', '')}"}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(binary), str(self.db_path), f"{HOST}:{self.port}", self.log_level],
                                            cwd=self.db_path.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise MilvusLiteError(f"Milvus Lite exited with status {self.process.returncode} at start: "
                                      f"{self._log_tail()}")
            if _accepts(self.port):
                return self
            time.sleep(0.2)
        self.stop()
        raise MilvusLiteError(f"Milvus Lite did not listen on {HOST}:{self.port} within {timeout:.0f} s: "
                              f"{self._log_tail()}")

    def stop(self) -> None:
        """SIGTERM to this server's process (by its pid), SIGKILL if it has not exited within 10 s."""
        p, self.process = self.process, None
        if p is None or p.poll() is not None:
            return
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)

    def _log_tail(self, chars: int = 1500) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:].strip() or "(empty log)"
        except OSError:
            return "(no log)"

    def __enter__(self) -> MilvusLite:
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()
