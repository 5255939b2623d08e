"""``python -m ingest --ray``'s errors, without a cluster: a clear message and exit status 2, nothing written."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys

from conftest import ROOT

TINY = ROOT / "tests" / "fixtures" / "tiny"


def test_ray_address_nobody_listens_at(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = subprocess.run([sys.executable, "-m", "ingest", str(TINY), "--index", str(tmp_path / "index"),
                          "--ray", f"127.0.0.1:{port}", "--quiet"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2
    if importlib.util.find_spec("ray") is None:
        assert "error: --ray needs Ray: pip install -r requirements-dist.txt" in run.stderr
    else:
        assert f"error: cannot reach the Ray cluster at '127.0.0.1:{port}'" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "index").exists()
