"""No file can take the service down: hostile and broken files made here, each with its expected outcome,
and the service still answering afterwards.

- a zip-bomb .docx (2 MB on disk, 2 GB unpacked) and a "billion laughs" .docx: refused at once, by the
  command line's reader, by an upload on the page's path and by the API;
- a 50 MB text: refused by the characters limit in about a second; with that limit raised, stopped by
  the time limit, or by the memory limit, its worker killed and the next file read as usual;
- a damaged index file (4 KiB of random bytes in the middle): an error naming it and how to rebuild,
  never answers.
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import struct
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient
from test_service import NEW_PLAN, tiny_library

import ingest
from api.app import create_app
from index.store import IndexLoadError
from ingest import IngestError, LimitError, Limits, sandbox
from service.uploads import UploadError, check_upload

TOKEN = "test-token-42"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MB = 1 << 20


# -- making the files -------------------------------------------------------------------------------
def _plain_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH thực hiện Nghị quyết số 42-NQ/TW")
    d.add_paragraph("I. MỤC TIÊU")
    d.add_paragraph("Đến năm 2030, tỷ lệ dân số nông thôn được cấp nước sạch đạt 95%.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _zip(parts: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated parts: (name, raw deflate stream, crc32, unpacked size)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in parts:
        offset, raw = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(raw), 0))
        out.write(raw + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                  len(raw), 0, 0, 0, 0, 0, offset) + raw)
    start, n = out.tell(), len(parts)
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central.getvalue()), start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


@functools.lru_cache(maxsize=4)
def zip_bomb_docx(unpacked_mb: int = 2048) -> bytes:
    """A valid .docx whose document.xml holds ``unpacked_mb`` MB of blank space before its text: the same
    deflated megabyte repeated (a full flush makes each one independent), so it is made in a moment and
    takes ~1 KB per MB on disk."""
    src = zipfile.ZipFile(io.BytesIO(_plain_docx()))
    parts = [(i.filename, _deflated(src.read(i.filename)), i.CRC, i.file_size) for i in src.infolist()
             if i.filename != "word/document.xml"]
    xml = src.read("word/document.xml")
    cut = xml.index(b"<w:body>") + len(b"<w:body>")
    c, blank = zlib.compressobj(9, zlib.DEFLATED, -15), b" " * MB
    head = c.compress(xml[:cut]) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(blank) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(xml[:cut])
    for _ in range(unpacked_mb):
        crc = zlib.crc32(blank, crc)
    crc = zlib.crc32(xml[cut:], crc)
    stream = head + block * unpacked_mb + c.compress(xml[cut:]) + c.flush()
    return _zip([*parts, ("word/document.xml", stream, crc, len(xml) + unpacked_mb * MB)])


def billion_laughs_docx() -> bytes:
    """A .docx whose document.xml defines entities that expand to 10^9 "lol"s."""
    src = zipfile.ZipFile(io.BytesIO(_plain_docx()))
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    body = src.read("word/document.xml").decode().split("?>", 1)[1].replace("Đến năm", "&lol9; Đến năm")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            z.writestr(i, f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>{body}'.encode()
                       if i.filename == "word/document.xml" else src.read(i.filename))
    return out.getvalue()


@pytest.fixture(scope="module")
def big_text(tmp_path_factory) -> Path:
    """50 MB of real plan text: the bundled plans' lines, shuffled, one per line."""
    lines = [line for f in sorted(Path("corpus").glob("*.txt")) for line in f.read_text().splitlines() if line.strip()]
    rng, out, size = random.Random(7), [], 0
    while size < 50 * MB:
        line = rng.choice(lines)
        out.append(line)
        size += len(line.encode()) + 1
    path = tmp_path_factory.mktemp("big") / "rat_dai.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


# -- the readers ------------------------------------------------------------------------------------
def test_zip_bomb_is_refused_at_once(tmp_path):
    path = tmp_path / "bom.docx"
    path.write_bytes(zip_bomb_docx())
    assert path.stat().st_size < 3 * MB
    started = time.perf_counter()
    with pytest.raises(LimitError, match=r"unpack to 2,0\d\d MB \(a zip bomb\?\), over the limit of 256 MB") as e:
        ingest.read_file(path)
    assert time.perf_counter() - started < 10 and str(path) in str(e.value)
    assert e.value.setting == "PLANS_MAX_UNZIPPED_MB"


def test_zip_bomb_past_a_raised_limit_is_stopped_by_memory(tmp_path):
    """With the unpacked-size limit lifted, python-docx reads the 2 GB document.xml into memory: the
    worker's address-space limit stops it, the message says so, and the next file is read as usual."""
    path = tmp_path / "bom.docx"
    path.write_bytes(zip_bomb_docx())
    with pytest.raises(LimitError, match="memory") as e:
        ingest.read_file(path, limits=Limits(unzipped_bytes=8 * 2**30, memory_bytes=1024 * MB))
    assert "PLANS_PARSE_MEMORY_MB" in str(e.value)
    doc, chunks = ingest.read_file(NEW_PLAN)[0]
    assert chunks and doc.meta.kind


def test_billion_laughs_is_refused(tmp_path):
    path = tmp_path / "cuoi.docx"
    path.write_bytes(billion_laughs_docx())
    with pytest.raises(IngestError, match=r"word/document.xml declares a DTD or XML entities"):
        ingest.read_file(path)


def test_characters_pages_and_file_size_limits(tmp_path):
    path = tmp_path / "k.txt"
    path.write_text("Kế hoạch thực hiện.\n" * 1000, encoding="utf-8")
    with pytest.raises(LimitError, match=r"has 20,000 characters, over the limit of 1,000 characters "
                                         r"\(raise it with PLANS_MAX_CHARACTERS\)"):
        ingest.read_file(path, limits=Limits(characters=1000))
    with pytest.raises(LimitError, match="over the limit of 0 MB"):
        ingest.read_file(path, limits=Limits(file_bytes=1000))
    from pypdf import PdfWriter

    writer, pdf = PdfWriter(), tmp_path / "dai.pdf"
    for _ in range(3):
        writer.add_blank_page(595, 842)
    with open(pdf, "wb") as f:
        writer.write(f)
    with pytest.raises(LimitError, match=r"the PDF has 3 pages, over the limit of 2 pages \(raise it with "
                                         r"PLANS_MAX_PAGES\)"):
        ingest.read_file(pdf, limits=Limits(pages=2))
    assert Limits.from_env({"PLANS_MAX_CHARACTERS": "5000", "PLANS_PARSE_SECONDS": "2.5"}) == Limits(
        characters=5000, seconds=2.5)
    with pytest.raises(ValueError, match="PLANS_PARSE_MEMORY_MB"):
        Limits.from_env({"PLANS_PARSE_MEMORY_MB": "lots"})


def test_fifty_megabytes_of_text_is_refused_quickly(big_text):
    started = time.perf_counter()
    with pytest.raises(LimitError, match=r"its text has \d{2},\d{3},\d{3} characters, over the limit of 5,000,000"):
        ingest.read_file(big_text)
    assert time.perf_counter() - started < 30  # reading and counting, not parsing


def test_fifty_megabytes_past_the_characters_limit_is_stopped_by_time(big_text):
    started = time.perf_counter()
    # Reading and parsing these 50 MB takes about 3 s here: a limit of 1 s stops it, the worker is killed, and
    # the next file is read by a fresh one.
    with pytest.raises(LimitError, match=r"reading it took longer, over the limit of 1 s \(raise it with "
                                         r"PLANS_PARSE_SECONDS\)"):
        ingest.read_file(big_text, limits=Limits(characters=10**9, seconds=1))
    assert time.perf_counter() - started < 15
    killed = sandbox.pool().stats["killed"]
    assert killed >= 1
    assert ingest.read_file(NEW_PLAN)[0][1]  # a fresh worker reads the next file


def test_a_folder_with_hostile_files_loads_the_rest(tmp_path, big_text):
    """``python -m ingest``'s path: each bad file named with its reason, the good ones in."""
    folder = tmp_path / "kho"
    folder.mkdir()
    (folder / "bom.docx").write_bytes(zip_bomb_docx(512))
    (folder / "cuoi.docx").write_bytes(billion_laughs_docx())
    os.link(big_text, folder / "rat_dai.txt")
    (folder / "moi.txt").write_bytes(NEW_PLAN.read_bytes())
    corpus = ingest.load(folder)
    assert [d.id for d in corpus.documents] == ["moi"]
    errors = sorted(corpus.errors)
    assert len(errors) == 3
    assert "bom.docx: refused, its parts unpack to 51" in errors[0] and "a zip bomb?" in errors[0]
    assert "cuoi.docx: refused, its part word/document.xml declares a DTD" in errors[1]
    assert "rat_dai.txt: refused, its text has" in errors[2] and "PLANS_MAX_CHARACTERS" in errors[2]


# -- uploads: the page's path, and the API ----------------------------------------------------------
def test_upload_check_refuses_in_vietnamese(tmp_path):
    with pytest.raises(UploadError, match="bom nén.*giới hạn: 256 MB"):
        check_upload("bom.docx", zip_bomb_docx(300), tmp_path)
    with pytest.raises(UploadError, match="khai báo thực thể XML"):
        check_upload("cuoi.docx", billion_laughs_docx(), tmp_path)


def test_page_path_reports_each_file_then_serves(tmp_path):
    lib = tiny_library(tmp_path)
    seen = []
    report = lib.add([("bom.docx", zip_bomb_docx(300)), ("cuoi.docx", billion_laughs_docx()),
                      ("moi.txt", NEW_PLAN.read_bytes())], each=lambda name, outcome: seen.append((name, outcome)))
    assert [n for n, o in seen if o is None] == ["bom.docx", "cuoi.docx", "moi.txt"]  # one by one, in order
    outcomes = {n: o for n, o in seen if o is not None}
    assert "bom nén" in outcomes["bom.docx"] and "DTD" in outcomes["cuoi.docx"] and outcomes["moi.txt"] == ""
    assert [c.filename for c in report.stored] == ["moi.txt"] and len(report.refused) == 2
    assert lib.search("Bình Phước", k=3).hits


def test_api_upload_of_hostile_files_then_still_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANS_API_TOKEN", TOKEN)
    with TestClient(create_app(tiny_library(tmp_path)), raise_server_exceptions=False) as client:
        files = [("files", ("bom.docx", zip_bomb_docx(300))), ("files", ("cuoi.docx", billion_laughs_docx()))]
        r = client.post("/documents", files=files, headers=AUTH)
        assert r.status_code == 400
        reasons = {f["filename"]: f["reason"] for f in r.json()["refused"]}
        assert "bom nén" in reasons["bom.docx"] and "DTD" in reasons["cuoi.docx"]
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/search", params={"q": "nước sạch"}).json()["hits"]


# -- a damaged index --------------------------------------------------------------------------------
def _flip_middle(path: Path, n: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    n = min(n, len(data) // 2)  # the tiny library's files are a few KB
    middle = len(data) // 2 - n // 2
    noise = random.Random(3).randbytes(n)
    assert noise != data[middle : middle + n]
    data[middle : middle + n] = noise
    path.write_bytes(bytes(data))


def _largest(folder: Path, pattern: str = "*") -> Path:
    return max((p for p in folder.rglob(pattern) if p.is_file() and p.name != "manifest.json"),
               key=lambda p: p.stat().st_size)


def test_damaged_index_file_is_an_error_that_says_how_to_rebuild(tmp_path):
    lib = tiny_library(tmp_path)
    index_dir = lib.paths.index
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert set(manifest["files"]) >= {"documents.jsonl", "chunks.jsonl", "bm25/params.json"}
    victim = _largest(index_dir)
    _flip_middle(victim)
    from service import Library

    fresh = Library(lib.paths, dense=False)
    with pytest.raises(IndexLoadError, match=rf"{victim.relative_to(index_dir).as_posix()} does not match its "
                                             r"checksum\): rebuild it with `python -m ingest --rebuild`"):
        fresh.search("nước sạch")
    assert fresh.status()["ready"] is False and "rebuild" in fresh.status()["error"]
    from index.__main__ import main

    assert main(["verify", "--index", str(index_dir)]) == 2
    fresh.build()  # the rebuild the message asks for
    assert fresh.search("nước sạch").hits and main(["verify", "--index", str(index_dir)]) == 0


def test_truncated_file_is_found_on_load_and_large_ones_before_any_search(tmp_path, monkeypatch):
    lib = tiny_library(tmp_path)
    from index import HybridIndex, checksums

    victim = _largest(lib.paths.index)
    with open(victim, "r+b") as f:
        f.truncate(victim.stat().st_size - 1)
    with pytest.raises(IndexLoadError, match=r"bytes, not .*rebuild it with"):
        HybridIndex.load(lib.paths.index)
    lib.build()
    _flip_middle(_largest(lib.paths.index / "bm25", "*.npy"))  # memory-mapped, not parsed on load
    monkeypatch.setattr(checksums, "HASH_ON_LOAD", 0)  # every file "large": hashed in the background
    index = HybridIndex.load(lib.paths.index)  # loads (sizes are right) ...
    with pytest.raises(IndexLoadError, match="does not match its checksum"):
        index.search("nước sạch")  # ... but answers nothing before its files are verified


@pytest.mark.slow
def test_damaged_dense_faiss_is_a_clear_error(plans_copy):
    from service import Library

    paths = plans_copy("damaged-faiss")
    faiss_file = paths.index / "dense.faiss"
    _flip_middle(faiss_file)
    lib = Library(paths)
    with pytest.raises(IndexLoadError, match=r"dense.faiss does not match its checksum\): rebuild it with "
                                             r"`python -m ingest --rebuild`"):
        lib.search("mục tiêu nước sạch nông thôn 2030")
