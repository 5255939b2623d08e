"""A real Ray cluster on this machine for the tests and the benchmark: a head node and worker nodes, each
started with ``ray start --block`` in its own session, addresses pinned to 127.0.0.1, token authentication
with a token written to a file of our own (removed at the end), and stopped by process id — never by name,
since other programs on the machine may run Ray processes of their own.

    with LocalCluster(workers=1) as cluster:      # head + 1 worker node, 1 CPU each
        cluster.address                            # "127.0.0.1:PORT", for ray.init or --ray
        cluster.kill_node(1)                       # every process of worker node 1, by pid
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAY = str(Path(sys.executable).with_name("ray"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children() -> dict[int, list[int]]:
    """{parent pid: child pids} of every process, from /proc (Linux)."""
    out: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        out.setdefault(ppid, []).append(int(stat.parent.name))
    return out


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (none if ``pid`` is gone)."""
    if not Path(f"/proc/{pid}").exists():
        return []
    children, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


class LocalCluster:
    def __init__(self, workers: int = 1, cpus: int = 1, head_cpus: int | None = None, timeout: float = 90):
        """``workers`` nodes of ``cpus`` CPUs beside the head, which has ``head_cpus`` (default: ``cpus``; 0 keeps
        the work off it)."""
        self.workers, self.cpus, self.timeout = workers, cpus, timeout
        self.head_cpus = cpus if head_cpus is None else head_cpus
        self.dir = Path(tempfile.mkdtemp(prefix="rc-", dir="/tmp"))  # short: Ray's socket paths are limited
        self.token_file = self.dir / "token"
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(self.token_file),
                    "RAY_USAGE_STATS_ENABLED": "0"}
        self.env.pop("RAY_AUTH_TOKEN", None)
        self.env.pop("RAY_ADDRESS", None)
        self.nodes: list[subprocess.Popen] = []

    # -- starting -------------------------------------------------------------------------------
    def start(self) -> LocalCluster:
        # A SIGTERM (timeout, CI cancelling) must stop the nodes too: by default Python would die without cleanup.
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        self.token_file.write_text(secrets.token_hex(32))
        self.token_file.chmod(0o600)
        try:
            self._node(["--head", "--port", str(self.port), "--include-dashboard", "false",
                        "--temp-dir", str(self.dir / "ray")], self.head_cpus)
            self._wait(lambda: self._listening(), "the head node")
            for _ in range(self.workers):
                self.add_node()
        except BaseException:
            self.stop()
            raise
        return self

    def add_node(self) -> int:
        """Start one more worker node; returns its number (1, 2, ...)."""
        self._node(["--address", self.address], self.cpus)
        self.wait_nodes(len(self.nodes))
        return len(self.nodes) - 1

    def _node(self, args: list[str], cpus: int) -> None:
        log = open(self.dir / f"node{len(self.nodes)}.log", "wb")  # noqa: SIM115 (closed with the process)
        cmd = [RAY, "start", "--block", "--node-ip-address", "127.0.0.1", "--num-cpus", str(cpus),
               "--num-gpus", "0", "--dashboard-agent-listen-port", str(_free_port()), *args]
        self.nodes.append(subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True))
        log.close()

    def _listening(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def _wait(self, ready, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not ready():
            if any(p.poll() is not None for p in self.nodes):
                raise RuntimeError(f"{what} exited while starting:\n{self.logs()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not start within {self.timeout} s:\n{self.logs()}")
            time.sleep(0.5)

    def wait_nodes(self, n: int) -> None:
        """Until ``n`` nodes are alive, as the cluster itself counts them."""
        code = ("import ray,time\nray.init(address=%r, logging_level='ERROR')\n"
                "while sum(x['Alive'] for x in ray.nodes()) < %d: time.sleep(0.5)\n") % (self.address, n)
        try:
            subprocess.run([sys.executable, "-c", code], env=self.env, timeout=self.timeout, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            raise TimeoutError(f"{n} nodes not alive within {self.timeout} s:\n{self.logs()}") from e

    def logs(self, lines: int = 15) -> str:
        """The last lines each node's ``ray start`` printed."""
        return "\n".join(f"-- {f.name}\n" + "\n".join(f.read_text(errors="replace").splitlines()[-lines:])
                         for f in sorted(self.dir.glob("node*.log")))

    # -- stopping -------------------------------------------------------------------------------
    def node_pids(self, i: int) -> list[int]:
        return _tree(self.nodes[i].pid)

    def kill_node(self, i: int) -> list[int]:
        """SIGKILL every process of node ``i`` (0 is the head), by pid; returns the pids."""
        pids = self.node_pids(i)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.nodes[i].wait(timeout=30)
        return pids

    def stop(self) -> None:
        for i in reversed(range(len(self.nodes))):  # worker nodes first, the head last
            if self.nodes[i].poll() is None or self.node_pids(i):
                self.kill_node(i)
        self.token_file.unlink(missing_ok=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
