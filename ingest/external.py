"""Running an outside program (LibreOffice, Tesseract, pdftoppm) on a file, within a time limit.

The program runs in a process group of its own; on timeout the whole group is killed, so a converter's
helper processes do not outlive it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

__all__ = ["ExternalError", "run", "need"]


class ExternalError(RuntimeError):
    """The program is missing, timed out or failed; the message says which and why."""


def need(*names: str, package: str) -> str:
    """The path of the first of ``names`` on PATH, else an error with the Debian package to install."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise ExternalError(f"{names[0]} is not installed (Debian/Ubuntu: apt-get install {package})")


def _own_address_space() -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def run(cmd: list[str], timeout: float, env: dict | None = None, cwd: str | None = None) -> bytes:
    """stdout of ``cmd``; the process group is killed after ``timeout`` seconds. In a reader worker
    (``ingest.sandbox``) the worker's time limit is extended by ``timeout`` first, and the program gets the
    address space its hard limit allows rather than the worker's soft one (its timeout bounds it)."""
    from . import sandbox

    sandbox.extend(timeout)
    worker = sandbox.in_worker()  # single-threaded there: preexec_fn is safe
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,  # noqa: S603
                            start_new_session=True, env=env, cwd=cwd, preexec_fn=_own_address_space if worker else None)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise ExternalError(f"{os.path.basename(cmd[0])} took longer than {timeout:.0f} s and was stopped") from None
    except BaseException:
        _kill(proc)
        raise
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        raise ExternalError(f"{os.path.basename(cmd[0])} failed: {tail[0][:300]}")
    return out


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
