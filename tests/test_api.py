"""The REST API (api/app.py): with FastAPI's test client over a tiny keyword-only library (quick), and as a
real uvicorn process over the bundled corpus with hybrid search (slow): start, query, upload, stop.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from test_service import NEW_PLAN, tiny_library

from api.app import MAX_FILES, create_app
from service import MAX_BYTES
from vntext.query import MAX_CHARS

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token-42"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANS_API_TOKEN", TOKEN)
    lib = tiny_library(tmp_path)
    with TestClient(create_app(lib), raise_server_exceptions=False) as c:
        yield c


def test_search_contract_with_highlights(client):
    r = client.get("/search", params={"q": "chi tieu BHXH 2025", "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == "chi tieu BHXH 2025" and body["mode"] == "bm25"
    top = body["hits"][0]
    assert {"rank", "score", "doc_id", "title", "citation", "section", "section_no", "text", "start", "end",
            "chunk_id", "highlights", "best"} <= set(top)
    doc = client.get(f"/documents/{top['doc_id']}").json()["text"]
    assert doc[top["start"]:top["end"]] == top["text"] and "45%" in top["text"]
    assert "bảo hiểm xã hội" in [doc[s:e].lower() for s, e in top["highlights"]]


def test_search_filters_as_repeated_parameters(client):
    hits = client.get("/search", params=[("q", "tuyên truyền"), ("year", "2024"), ("year", "2023")]).json()["hits"]
    assert hits and {h["doc_id"] for h in hits} == {"ctr_bac_giang"}
    assert client.get("/search", params={"q": "tuyên truyền", "plan": "kh_dong_nai"}).json()["hits"][0][
        "doc_id"] == "kh_dong_nai"
    assert client.get("/search", params={"q": "tuyên truyền", "implements": "99-NQ/TW"}).json()["hits"] == []


@pytest.mark.parametrize("params, status, says", [
    ({}, 422, "query.q: Field required"),
    ({"q": "nước", "k": 0}, 422, "query.k"),
    ({"q": "nước", "k": "mười"}, 422, "query.k"),
    ({"q": "nước", "mode": "magic"}, 422, "query.mode"),
    ({"q": "x" * (MAX_CHARS + 1)}, 422, f"at most {MAX_CHARS} characters"),
])
def test_bad_searches_are_4xx_with_a_message(client, params, status, says):
    r = client.get("/search", params=params)
    assert r.status_code == status and says in r.json()["detail"]


def test_odd_text_is_answered_not_crashed(client):
    r = client.get("/search?q=n%C6%B0%E1%BB%9Bc%20s%E1%BA%A1ch%20%ED%A0%80")  # invalid UTF-8 in the URL
    assert r.status_code == 200 and r.json()["hits"]
    r = client.post("/precedent", content=b'{"text": "n\\u01b0\\u1edbc s\\u1ea1ch \\ud800"}',
                    headers={"content-type": "application/json"})  # a lone surrogate in JSON
    assert r.status_code == 422 and "unicode" in r.json()["detail"]
    r = client.post("/precedent", content=b'{"text": ', headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["detail"]


def test_documents_and_spans(client):
    docs = client.get("/documents").json()["documents"]
    assert [d["id"] for d in docs] == ["ctr_bac_giang", "kh_dong_nai"]
    assert docs[1]["citation"] == "Kế hoạch số 9491/KH-UBND ngày 10/8/2021 của Ủy ban nhân dân tỉnh Đồng Nai"
    assert docs[1]["meta"]["implements"] == ["42-NQ/TW"]
    span = client.get("/documents/kh_dong_nai", params={"start": 0, "end": 15}).json()
    assert span["text"] == "ỦY BAN NHÂN DÂN" and (span["start"], span["end"]) == (0, 15)
    r = client.get("/documents/kh_dong_nai", params={"start": 10, "end": 5})
    assert r.status_code == 400 and "outside document" in r.json()["detail"]
    assert client.get("/documents/kh_dong_nai", params={"start": -1}).status_code == 422
    r = client.get("/documents/../../etc/passwd")
    assert r.status_code == 404
    r = client.get("/documents/nope")
    assert r.status_code == 404 and r.json() == {"detail": "no document 'nope' in the library"}


def test_precedent(client):
    r = client.post("/precedent", json={"text": "Tỷ lệ dân số nông thôn được cấp nước sạch đạt chuẩn đạt 95%."})
    plans = r.json()["plans"]
    assert r.status_code == 200 and plans[0]["doc_id"] == "kh_dong_nai"
    w = plans[0]["wordings"][0]
    assert "đạt 90%" in w["text"] and 0 < w["similarity"] <= 1 and w["section_no"]
    assert client.post("/precedent", json={"text": "nước sạch", "per_plan": 99}).status_code == 422


def test_uploads_need_the_token(client, monkeypatch):
    files = {"files": ("moi.txt", NEW_PLAN.read_bytes(), "text/plain")}
    assert client.post("/documents", files=files).status_code == 401
    r = client.post("/documents", files=files, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    monkeypatch.delenv("PLANS_API_TOKEN")  # no token configured: writes are refused, even with one sent
    assert client.post("/documents", files=files, headers=AUTH).status_code == 401


def test_upload_then_searchable_while_reads_go_on(client):
    files = [("files", ("Kế hoạch Bình Phước.txt", NEW_PLAN.read_bytes(), "text/plain")),
             ("files", ("../../evil.exe", b"MZ", "application/octet-stream"))]
    r = client.post("/documents", files=files, headers=AUTH)
    assert r.status_code == 202
    body = r.json()
    assert len(body["stored"]) == 1 and body["refused"][0]["filename"] == "../../evil.exe"
    assert "chỉ nhận tệp" in body["refused"][0]["reason"]
    doc_id = body["stored"][0]["doc_id"]
    deadline = time.time() + 60
    while client.get("/status").json()["build"]["running"]:  # answered from the previous index meanwhile
        assert client.get("/search", params={"q": "nước sạch"}).status_code == 200
        assert time.time() < deadline
        time.sleep(0.02)
    status = client.get("/status").json()
    assert status["documents"] == 3 and status["build"]["report"]["added"] == [doc_id]
    assert doc_id in [h["doc_id"] for h in client.get("/search", params={"q": "Bình Phước"}).json()["hits"]]
    r = client.post("/documents", files={"files": ("lai.txt", NEW_PLAN.read_bytes())}, headers=AUTH)
    assert r.status_code == 400 and "trùng" in r.json()["refused"][0]["reason"]


def test_upload_limits(client):
    big = b"a" * (MAX_BYTES + 1)
    r = client.post("/documents", files={"files": ("lon.txt", big)}, headers=AUTH)
    assert r.status_code == 400 and "vượt giới hạn" in r.json()["refused"][0]["reason"]
    many = [("files", (f"f{i}.txt", b"x")) for i in range(MAX_FILES + 1)]
    r = client.post("/documents", files=many, headers=AUTH)
    assert r.status_code == 413 and f"at most {MAX_FILES} files" in r.json()["detail"]


def test_health_status_and_docs(client):
    assert client.get("/health").json() == {"status": "ok", "documents": 2, "passages": 7, "modes": ["bm25"]}
    schema = client.get("/openapi.json").json()
    assert {"/search", "/precedent", "/documents", "/documents/{doc_id}", "/health", "/status"} <= set(
        schema["paths"])
    assert "mục tiêu nước sạch nông thôn 2030" in str(schema["paths"]["/search"])
    assert client.get("/docs").status_code == 200


def test_no_index_yet_is_503_then_built(tmp_path, monkeypatch):
    from service import Library, Paths

    (tmp_path / "corpus").mkdir()
    for f in (ROOT / "tests" / "fixtures" / "tiny").iterdir():
        (tmp_path / "corpus" / f.name).write_bytes(f.read_bytes())
    lib = Library(Paths(tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"), dense=False)
    with TestClient(create_app(lib)) as c:  # start-up begins the first build in the background
        deadline = time.time() + 60
        while (r := c.get("/search", params={"q": "nước sạch"})).status_code == 503:
            assert "being built" in r.json()["detail"] and time.time() < deadline
            time.sleep(0.02)
        assert r.status_code == 200 and r.json()["hits"]


def test_token_rules(monkeypatch):
    from service.auth import page_needs_token, token_ok

    monkeypatch.delenv("PLANS_API_TOKEN", raising=False)
    assert not token_ok("") and not token_ok("anything")  # none configured: nobody may write
    monkeypatch.setenv("PLANS_API_TOKEN", TOKEN)
    assert token_ok(TOKEN) and not token_ok(TOKEN + "x") and not token_ok(None)
    assert not page_needs_token("127.0.0.1") and not page_needs_token("localhost")
    assert page_needs_token("0.0.0.0") and page_needs_token("") and page_needs_token("10.1.2.3")


def test_servers_stay_local_and_quiet():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False and config["server"]["address"] == "127.0.0.1"
    app_sh = (ROOT / "scripts" / "app.sh").read_text(encoding="utf-8")
    assert "--browser.gatherUsageStats false" in app_sh and '"${HOST:-127.0.0.1}"' in app_sh
    api_sh = (ROOT / "scripts" / "api.sh").read_text(encoding="utf-8")
    assert '--host "${HOST:-127.0.0.1}"' in api_sh

    assert 'ap.add_argument("--host", default="127.0.0.1"' in (ROOT / "api" / "__main__.py").read_text(
        encoding="utf-8")


# -- a real server -----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_real_uvicorn_process(plans_copy):
    paths = plans_copy("api-server")
    port = _free_port()
    env = {**os.environ, "PLANS_CORPUS": str(paths.corpus), "PLANS_INDEX": str(paths.index),
           "PLANS_CACHE": str(paths.cache), "PLANS_API_TOKEN": TOKEN}
    server = subprocess.Popen([sys.executable, "-m", "api", "--port", str(port), "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.time() < deadline, "the server did not become healthy in 120 s"
            time.sleep(0.5)
        r = httpx.get(f"{base}/search", params={"q": "muc tieu nuoc sach nong thon 2030", "k": 3}, timeout=60)
        body = r.json()
        assert r.status_code == 200 and body["mode"] == "hybrid"
        assert "nước sạch" in body["hits"][0]["text"] and body["hits"][0]["highlights"]
        upload = httpx.post(f"{base}/documents", files={"files": ("moi.txt", NEW_PLAN.read_bytes())},
                            headers=AUTH, timeout=60)
        assert upload.status_code == 202
        doc_id = upload.json()["stored"][0]["doc_id"]
        while httpx.get(f"{base}/status", timeout=10).json()["build"]["running"]:
            assert httpx.get(f"{base}/search", params={"q": "nước sạch"}, timeout=60).status_code == 200
            assert time.time() < deadline + 120
            time.sleep(0.2)
        hits = httpx.get(f"{base}/search", params={"q": "Bình Phước", "k": 5}, timeout=60).json()["hits"]
        assert doc_id in [h["doc_id"] for h in hits]
        assert httpx.post(f"{base}/documents", files={"files": ("x.txt", b"x")}, timeout=10).status_code == 401
    finally:
        server.terminate()
        server.wait(30)
    assert server.returncode is not None


def test_place_in_the_question_and_switching_it_off(client):
    body = client.get("/search", params={"q": "bao hiem xa hoi dong nai"}).json()
    assert body["places"]["names"] == ["Đồng Nai"] and {h["doc_id"] for h in body["hits"]} == {"kh_dong_nai"}
    off = client.get("/search", params={"q": "tuyên truyền Đồng Nai", "places": "false"}).json()
    assert "places" not in off and "ctr_bac_giang" in {h["doc_id"] for h in off["hits"]}
