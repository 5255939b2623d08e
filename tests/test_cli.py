"""The command lines, run as the user runs them: `python -m index search …` and `python -m ingest …`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import CORPUS, DOC_IDS, ROOT, WATER_004

pytestmark = pytest.mark.slow

HIT_KEYS = {"rank", "score", "doc_id", "title", "citation", "section", "text", "start", "end", "highlights", "best"}


def run(*args, cwd=ROOT, env=None, timeout=300) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def source_text(doc_id: str) -> str:
    """The document as the user has it on disk (UTF-8, LF), read without our loaders."""
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def check_hits(row: dict, query: str, k: int) -> None:
    assert row["query"] == query
    hits = row["hits"]
    assert 0 < len(hits) <= k
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert all(a["score"] >= b["score"] for a, b in pairwise(hits))
    for h in hits:
        assert HIT_KEYS <= set(h), HIT_KEYS - set(h)
        assert isinstance(h["start"], int) and isinstance(h["end"], int) and isinstance(h["score"], float)
        assert source_text(h["doc_id"])[h["start"] : h["end"]] == h["text"]
        assert h["title"] and h["citation"] and isinstance(h["section"], str)
        # the marks (query words, best sentence) are document offsets inside the passage
        assert all(h["start"] <= a < b <= h["end"] for a, b in h["highlights"])
        assert h["start"] <= h["best"][0] < h["best"][1] <= h["end"]


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_search_json(session_index, mode):
    query = "mục tiêu nước sạch nông thôn 2030"
    out = run("index", "search", query, "-k", "3", "--mode", mode, "--json", "--index", str(session_index.index_dir))
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert set(row) == {"query", "mode", "grouped", "hits"}
    assert row["mode"] == mode and row["grouped"] is True and all("copies" in h for h in row["hits"])
    check_hits(row, query, 3)
    if mode != "dense":
        assert any(WATER_004 in h["text"] for h in row["hits"])


def test_search_json_keeps_vietnamese_readable(session_index):
    out = run("index", "search", "nước sạch", "-k", "1", "--json", "--index", str(session_index.index_dir))
    assert out.returncode == 0, out.stderr
    assert "nước sạch" in out.stdout and "\\u" not in out.stdout
    assert out.stdout.count("\n") == 1


def test_search_readable_output_cites(session_index):
    out = run("index", "search", "mục tiêu nước sạch nông thôn 2030", "-k", "3", "--index",
              str(session_index.index_dir))
    assert out.returncode == 0, out.stderr
    assert "Kế hoạch của Ban Thường vụ Tỉnh ủy — 004_a4c9a62cbd261bef" in out.stdout
    assert "mục II.2: II- MỤC TIÊU › 2. Các chỉ tiêu chủ yếu đến năm 2030" in out.stdout
    assert " 1. [" in out.stdout and " 3. [" in out.stdout and " 4. [" not in out.stdout


def test_queries_file_plain_and_jsonl(session_index, tmp_path):
    plain = tmp_path / "q.txt"
    plain.write_text("nước sạch nông thôn\n\n  tỷ lệ tham gia BHXH  \n", encoding="utf-8")
    out = run("index", "search", "--queries", str(plain), "-k", "2", "--index", str(session_index.index_dir))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["nước sạch nông thôn", "tỷ lệ tham gia BHXH"]
    for r in rows:
        check_hits(r, r["query"], 2)

    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text(json.dumps({"id": "q1", "query": "nhà ở xã hội"}, ensure_ascii=False) + "\n"
                     + json.dumps({"query": "muc tieu nuoc sach"}) + "\n", encoding="utf-8-sig")
    out = run("index", "search", "--queries", str(jsonl), "--mode", "bm25", "--index", str(session_index.index_dir))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 2
    assert rows[0]["id"] == "q1" and rows[0]["query"] == "nhà ở xã hội" and "id" not in rows[1]
    for r in rows:
        check_hits(r, r["query"], 10)


def test_odd_and_over_long_queries_are_answered_or_refused(session_index, tmp_path):
    """A lone surrogate (JSON carries one) is dropped; a 10,000-character query is refused at once, naming
    the limit, and the other queries of the file are still answered."""
    queries = tmp_path / "odd.jsonl"
    queries.write_text('{"id": "s", "query": "n\\u01b0\\u1edbc s\\u1ea1ch \\ud800"}\n'
                       + json.dumps({"id": "long", "query": "nước sạch " * 1000}) + "\n"
                       + json.dumps({"id": "ok", "query": "nhà ở xã hội"}) + "\n", encoding="utf-8")
    out = run("index", "search", "--queries", str(queries), "--mode", "bm25", "-k", "1",
              "--index", str(session_index.index_dir), timeout=60)
    assert out.returncode == 2
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["s", "ok"] and rows[0]["query"] == "nước sạch" and rows[0]["hits"]
    assert "vượt giới hạn 8.000 ký tự" in out.stderr


@pytest.mark.parametrize("args,message", [
    (["-k", "0"], "-k must be between 1 and 1000"),
    (["-k", "-5"], "-k must be between 1 and 1000"),
    (["-k", "1001"], "-k must be between 1 and 1000"),
    (["-k", "three"], "invalid int value"),
    (["--mode", "sparse"], "invalid choice"),
])
def test_bad_arguments_exit_2(session_index, args, message):
    out = run("index", "search", "nước sạch", *args, "--index", str(session_index.index_dir))
    assert out.returncode == 2
    assert message in out.stderr
    assert out.stdout == ""


def test_no_query_exit_2(session_index):
    out = run("index", "search", "--index", str(session_index.index_dir))
    assert out.returncode == 2 and "give a QUERY or --queries FILE" in out.stderr


def test_missing_index_exit_2(tmp_path):
    out = run("index", "search", "nước sạch", "--index", str(tmp_path / "nothing"))
    assert out.returncode == 2
    assert out.stderr.startswith("error: ") and "python -m ingest" in out.stderr
    assert "Traceback" not in out.stderr


def test_damaged_index_exit_2(session_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(session_index.index_dir.resolve(), copy)
    (copy / "chunks.jsonl").unlink()
    out = run("index", "search", "nước sạch", "--index", str(copy))
    assert out.returncode == 2 and "rebuild" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("content,message", [
    (None, "No such file"),
    ('{"query": 3}\n', ":1: a JSON line needs a string 'query' field"),
    ('nước sạch\n{"query": "x"\n', ":2: invalid JSON"),
])
def test_bad_queries_file_exit_2(session_index, tmp_path, content, message):
    path = tmp_path / "q.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out = run("index", "search", "--queries", str(path), "--index", str(session_index.index_dir))
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


# -- python -m ingest ------------------------------------------------------------------------------------------
def test_ingest_builds_an_index_from_a_folder(session_index, tmp_path):
    corpus = tmp_path / "plans"
    corpus.mkdir()
    for short in ("002", "003"):
        shutil.copy(CORPUS / f"{DOC_IDS[short]}.txt", corpus)
    (corpus / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    cache = tmp_path / "cache"
    shutil.copytree(session_index.cache_dir, cache)
    index_dir = tmp_path / "out" / "index"
    env = {"PLANS_CACHE": str(cache)}
    out = run("ingest", str(corpus), "--index", str(index_dir), "--quiet", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "indexed 2 documents" in out.stdout and "(0 newly embedded)" in out.stdout
    assert f"-> {index_dir}" in out.stdout
    # the summary names every file left out, with the reason
    assert "refused" in out.stdout and "broken.txt" in out.stdout and "binary" in out.stdout
    assert not (tmp_path / "data").exists(), "the cache went to $PLANS_CACHE, not ./data/cache"
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["documents"]) == [DOC_IDS["002"], DOC_IDS["003"]]

    out = run("index", "search", "tỷ lệ tham gia BHXH", "-k", "2", "--json", "--index", str(index_dir))
    assert out.returncode == 0, out.stderr
    check_hits(json.loads(out.stdout), "tỷ lệ tham gia BHXH", 2)

    # a second run with one plan removed says so
    (corpus / f"{DOC_IDS['002']}.txt").unlink()
    out = run("ingest", str(corpus), "--index", str(index_dir), "--quiet", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "indexed 1 documents" in out.stdout and f"removed: {DOC_IDS['002']}" in out.stdout


def test_ingest_default_cache_is_data_cache_under_the_working_directory(session_index, tmp_path):
    corpus = tmp_path / "plans"
    corpus.mkdir()
    shutil.copy(CORPUS / f"{DOC_IDS['002']}.txt", corpus)
    (tmp_path / "data" / "cache").mkdir(parents=True)
    for f in Path(session_index.cache_dir).glob("*.npz"):
        shutil.copy(f, tmp_path / "data" / "cache")
    env = {k: v for k, v in os.environ.items() if k != "PLANS_CACHE"}
    full_env = {**env, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "ingest", str(corpus), "--index", "idx/index", "--quiet"],
                         cwd=tmp_path, env=full_env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "(0 newly embedded)" in out.stdout
    assert (tmp_path / "idx" / "index" / "manifest.json").exists()


def test_ingest_of_an_empty_folder_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    out = run("ingest", str(tmp_path / "empty"), "--index", str(tmp_path / "index"), "--quiet", cwd=tmp_path,
              env={"PLANS_CACHE": str(tmp_path / "cache")})
    assert out.returncode == 2
    assert out.stderr.startswith("error: no document could be read")
    assert not (tmp_path / "index").exists()
