"""What offices really have, read with the real tools: a .doc, .odt and .rtf converted by LibreOffice, a scanned
page and a half-scanned PDF read by Tesseract, an HTML page from a legal portal; and the new user's trials:
NFD text, two files of one base name, hidden files, a JSONL file with one bad line, and the summary."""

from __future__ import annotations

import io
import json
import shutil
import time
import unicodedata
from pathlib import Path

import pytest
from docx import Document as Docx
from test_loaders import PLAN, make_pdf

import ingest
from bench.scanned import render_scan
from ingest.convert import convert
from ingest.external import ExternalError, run
from ingest.loaders import IngestError, read
from ingest.summary import lines, tally
from present.cite import cite

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PLAN_003 = CORPUS / "003_9a9075a511bddb73.txt"
# LibreOffice and Tesseract take seconds per file on 2 cores: these run with the slow tier (scripts/test.sh).
_NO_LO = shutil.which("soffice") is None
_NO_OCR = shutil.which("tesseract") is None or shutil.which("pdftoppm") is None


def needs_lo(test):
    return pytest.mark.slow(pytest.mark.skipif(_NO_LO, reason="apt-get install libreoffice-writer-nogui")(test))


def needs_ocr(test):
    reason = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"
    return pytest.mark.slow(pytest.mark.skipif(_NO_OCR, reason=reason)(test))


@pytest.fixture(autouse=True)
def own_read_cache(tmp_path, monkeypatch):
    """Each test OCRs and converts for real: what an earlier run kept is not reused."""
    monkeypatch.setenv("PLANS_READ_CACHE", str(tmp_path / "read-cache"))


def plan_docx(text: str) -> bytes:
    doc = Docx()
    for block in text.split("\n\n"):
        if block.strip():
            doc.add_paragraph(block.strip().replace("**", "").replace("## ", ""))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- LibreOffice -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def office(tmp_path_factory) -> tuple[Path, dict]:
    """A real plan as .docx, and as .doc and .odt saved from it by LibreOffice."""
    folder = tmp_path_factory.mktemp("office")
    original = plan_docx(PLAN_003.read_text(encoding="utf-8"))
    (folder / "goc.docx").write_bytes(original)
    (folder / "cu.doc").write_bytes(convert(original, ".docx", "doc:MS Word 97"))
    (folder / "mo.odt").write_bytes(convert(original, ".docx", "odt"))
    return folder, read(folder / "goc.docx")[0]


@needs_lo
@pytest.mark.parametrize("name", ["cu.doc", "mo.odt"])
def test_doc_and_odt_saved_by_libreoffice_read_as_the_docx_and_keep_the_metadata(office, name):
    folder, original = office
    assert (folder / name).read_bytes()[:4] in (b"\xd0\xcf\x11\xe0", b"PK\x03\x04")  # OLE2 .doc, zipped .odt
    [source] = read(folder / name)
    assert source.text == original.text
    assert source.note == f"LibreOffice {Path(name).suffix} → .docx"
    doc, chunks = ingest.document_from(source)
    assert (doc.meta.number, doc.meta.date, doc.meta.issuer) == ("9491/KH-UBND", "2021-08-10",
                                                                  "Ủy ban nhân dân tỉnh Đồng Nai")
    assert len(chunks) > 20


@needs_lo
def test_rtf_with_vietnamese_escapes(tmp_path):
    body = "Kế hoạch số 12/KH-UBND về nước sạch nông thôn"
    escaped = "".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in body)
    (tmp_path / "kh.rtf").write_bytes(("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0 " + escaped +
                                       "\\par}").encode("ascii"))
    [source] = read(tmp_path / "kh.rtf")
    assert source.text == body and source.note == "LibreOffice .rtf → .docx"


@needs_lo
def test_a_file_libreoffice_cannot_open_is_refused_with_the_reason(tmp_path):
    (tmp_path / "hong.doc").write_bytes(b"\xd0\xcf\x11\xe0 this is not an OLE2 compound file" * 10)
    with pytest.raises(IngestError, match=r"hong\.doc: not a \.doc file"):
        read(tmp_path / "hong.doc")
    (tmp_path / "hong.odt").write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip header and nothing behind it
    with pytest.raises(IngestError, match=r"hong\.odt: could not be converted \(LibreOffice could not"):
        read(tmp_path / "hong.odt")


def test_a_program_past_its_time_is_killed_with_its_children(tmp_path):
    marker = tmp_path / "child.pid"
    t0 = time.monotonic()
    with pytest.raises(ExternalError, match="took longer than 1 s"):
        run(["sh", "-c", f"sleep 60 & echo $! > {marker}; wait"], timeout=1)
    assert time.monotonic() - t0 < 10
    stat = Path(f"/proc/{int(marker.read_text())}/stat")
    time.sleep(0.2)  # the grandchild went with the group: gone, or a zombie waiting for init to reap it
    assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


# -- OCR ---------------------------------------------------------------------------------------------------
SCANNED = ("KẾ HOẠCH\n\nThực hiện Nghị quyết số 42-NQ/TW về chính sách xã hội\n\nI. MỤC TIÊU\n\n"
           "Đến năm 2030, tỉ lệ dân số nông thôn được dùng nước sạch đạt 95%; hoà mạng cho 100% trạm y tế xã.")


def _similar(a: str, b: str) -> float:
    import difflib

    flat = lambda s: " ".join(s.split())  # noqa: E731
    return difflib.SequenceMatcher(None, flat(a), flat(b)).ratio()


@needs_ocr
def test_a_scanned_page_is_read_by_ocr_without_its_header_page_number_and_stamp(tmp_path):
    [truth] = render_scan(SCANNED, tmp_path / "scan.pdf", noise=0.001, angle=0.5, size=60)
    [source] = read(tmp_path / "scan.pdf")
    assert source.note == "OCR (Tesseract, vie) of page 1 of 1" and source.ocr_pages == (1,)
    body = source.text.split("\n\n", 1)[1]  # after the header line (a running header only on 2 pages or more)
    text_set = truth.split("\nTM. ")[0]  # the plan's text; the signature block under the stamp may be lost
    assert _similar(body, text_set) > 0.95, source.text
    assert not any(line.strip() == "1" for line in source.text.splitlines())  # the page number
    assert "ĐỒNG NAI" not in source.text and "*" not in source.text  # the stamp
    assert "95%" in source.text and "42-NQ/TW" in source.text
    doc, _ = ingest.document_from(source)
    assert "OCR" in doc.meta.citation


@needs_ocr
def test_ocr_in_a_reader_worker_is_given_its_own_time(tmp_path):
    """A worker's time limit (1 s here) is extended by each page's OCR timeout: a scan is not refused for
    the seconds Tesseract takes, while a file that stalls in our own code still is."""
    from ingest.limits import Limits

    render_scan(SCANNED, tmp_path / "scan.pdf", noise=0.001, angle=0.5, size=60)
    t0 = time.monotonic()
    [(doc, chunks)] = ingest.read_file(tmp_path / "scan.pdf", limits=Limits(seconds=1))
    assert time.monotonic() - t0 > 1  # longer than the limit itself: the extension was used
    assert doc.meta.ocr_pages == (1,) and chunks and "95%" in doc.text


@needs_lo
def test_libreoffice_in_a_reader_worker_is_given_its_own_time_and_memory(office):
    """Under the worker's 1 s limit and its address-space cap, a conversion still runs to its own timeout."""
    from ingest.limits import Limits

    folder, _ = office
    [(doc, chunks)] = ingest.read_file(folder / "cu.doc", limits=Limits(seconds=1, memory_bytes=512 * 2**20))
    assert chunks and doc.meta.converted.startswith("LibreOffice .doc")


@needs_ocr
def test_a_pdf_with_one_scanned_page_keeps_both_pages_and_their_numbers(tmp_path, monkeypatch):
    from pypdf import PdfWriter

    make_pdf(["KE HOACH so 7/KH-UBND", "Trang mot co lop chu: phat trien nong thon moi va giao thong"],
             tmp_path / "text.pdf")
    render_scan(SCANNED, tmp_path / "scan.pdf", size=60, stamp=False)
    writer = PdfWriter()
    for part in ("text.pdf", "scan.pdf"):
        writer.append(str(tmp_path / part))
    writer.write(str(tmp_path / "mixed.pdf"))
    [source] = read(tmp_path / "mixed.pdf")
    assert source.ocr_pages == (2,) and source.note == "OCR (Tesseract, vie) of page 2 of 2"
    assert source.text.startswith("KE HOACH so 7/KH-UBND")
    assert len(source.page_starts) == 2 and "Đến năm 2030" in source.text[source.page_starts[1]:]
    doc, chunks = ingest.document_from(source)
    water = next(c for c in chunks if "nước sạch" in c.text)
    assert cite(doc, water).endswith(", trang 2")
    first = next(c for c in chunks if "nong thon" in c.text)
    assert cite(doc, first).endswith(", trang 1")
    # Read again (a rebuild, or the build after an upload's check): from the cache, without running Tesseract.
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert read(tmp_path / "mixed.pdf") == [source]
    assert len(list((tmp_path / "read-cache").glob("*.pdf.json"))) == 1


def test_running_headers_and_page_numbers_are_dropped():
    from ingest.ocr import strip_running_lines

    pages = {1: "UBND TỈNH - BẢN SAO\nKẾ HOẠCH\nMục tiêu một\n- 1 -", 2: "UBND TỈNH - BẢN SAO\nMục tiêu hai\nTrang 2",
             3: "UBND TỈNH - BẢN SAO\nMục tiêu ba\n3"}
    assert strip_running_lines(pages) == {1: "KẾ HOẠCH\nMục tiêu một", 2: "Mục tiêu hai", 3: "Mục tiêu ba"}
    assert strip_running_lines({1: "KẾ HOẠCH\nMục tiêu"}) == {1: "KẾ HOẠCH\nMục tiêu"}  # one page: nothing runs


# -- HTML ----------------------------------------------------------------------------------------------------
PORTAL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kế hoạch 9491/KH-UBND</title>
<style>.menu{color:red}</style><script>var tracking = "Kế hoạch giả trong script";</script></head>
<body><header><a href="/">Trang chủ</a> | <a href="/vb">Văn bản pháp luật</a></header>
<nav class="main-menu"><ul><li>Đăng nhập</li><li>Tìm kiếm văn bản</li></ul></nav>
<div class="breadcrumb">Trang chủ › Văn bản › Xã hội</div>
<div id="toanvancontent">
<p>ỦY BAN NHÂN DÂN<br>TỈNH ĐỒNG NAI</p><p>Số: 9491/KH-UBND</p><p>Đồng Nai, ngày 10 tháng 8 năm 2021</p>
<p><b>KẾ HOẠCH</b></p><p>Thực hiện chính sách xã hội giai đoạn 2021 - 2025</p>
<p>I. MỤC TIÊU</p><p>Tỉ lệ dân số được cấp nước sạch đạt 92%&nbsp;vào năm 2025.</p>
<table><tr><td>Chỉ tiêu</td><td>2025</td></tr><tr><td>Nước sạch</td><td>92%</td></tr></table>
</div>
<aside class="related">Văn bản liên quan: Kế hoạch 1/KH-UBND</aside>
<footer>© Cổng thông tin. Liên hệ quảng cáo.</footer></body></html>"""


def test_an_html_page_from_a_portal_gives_the_plan_without_menus_and_scripts(tmp_path):
    (tmp_path / "vb.html").write_text(PORTAL, encoding="utf-8")
    [source] = read(tmp_path / "vb.html")
    for furniture in ("Trang chủ", "Đăng nhập", "tracking", "Kế hoạch giả", "liên quan", "quảng cáo", "color"):
        assert furniture not in source.text
    assert "Tỉ lệ dân số được cấp nước sạch đạt 92% vào năm 2025." in source.text
    assert "Nước sạch | 92%" in source.text
    doc, _ = ingest.document_from(source)
    assert (doc.meta.number, doc.meta.date) == ("9491/KH-UBND", "2021-08-10")


def test_an_html_page_without_a_content_element_keeps_the_body_less_its_furniture(tmp_path):
    from ingest.legacy import cp1258_encode

    page = cp1258_encode(PORTAL.replace('id="toanvancontent"', 'class="x"'))
    page = page.replace(b'charset="utf-8"', b'charset="windows-1258"')
    (tmp_path / "vb.htm").write_bytes(page)
    [source] = read(tmp_path / "vb.htm")
    assert "Số: 9491/KH-UBND" in source.text and "Đăng nhập" not in source.text and "quảng cáo" not in source.text
    assert "windows-1258 → Unicode" in source.note


# -- tried as a new user would ---------------------------------------------------------------------------------
def test_nfd_text_keeps_its_number_date_and_issuer(tmp_path):
    text = PLAN_003.read_text(encoding="utf-8")
    (tmp_path / "nfc.txt").write_text(text, encoding="utf-8")
    (tmp_path / "nfd.txt").write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    docs = {d.id: d for d in ingest.load(tmp_path).documents}
    assert docs["nfd"].text == docs["nfc"].text
    assert docs["nfd"].meta == docs["nfc"].meta
    assert docs["nfd"].meta.number == "9491/KH-UBND" and docs["nfd"].meta.issuer


def test_same_base_name_in_two_formats_and_two_normal_forms_all_kept(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN)
    (tmp_path / "plan.docx").write_bytes(plan_docx(PLAN.replace("95%", "96%")))
    make_pdf(["KE HOACH", "I. MUC TIEU", "Nuoc sach nong thon dat 97% vao nam 2030 cho moi xa"],
             tmp_path / "plan.pdf")
    name = "Kế hoạch nước"
    (tmp_path / f"{unicodedata.normalize('NFC', name)}.txt").write_text(PLAN.replace("95%", "98%"))
    (tmp_path / f"{unicodedata.normalize('NFD', name)}.txt").write_text(PLAN.replace("95%", "99%"))
    corpus = ingest.load(tmp_path)
    assert not corpus.errors
    ids = [d.id for d in corpus.documents]
    assert len(ids) == len(set(ids)) == 5
    assert {"plan", "plan.pdf", "plan.txt"} <= set(ids)
    assert len({c.id for c in corpus.chunks}) == len(corpus.chunks)
    assert sorted(p for d in corpus.documents for p in ("95%", "96%", "97%", "98%", "99%") if p in d.text) == \
        ["95%", "96%", "97%", "98%", "99%"]


def test_hidden_files_and_folders_are_named_not_silently_dropped(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN)
    (tmp_path / ".ke-hoach-an.txt").write_text(PLAN)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref")
    (tmp_path / ".abc123.part").write_text("an upload being written")  # the service's own temporary file
    corpus = ingest.load(tmp_path)
    assert [d.id for d in corpus.documents] == ["plan"]
    assert len(corpus.errors) == 2, corpus.errors
    assert any(".ke-hoach-an.txt: skipped, a hidden file" in e for e in corpus.errors)
    assert any(e.startswith(str(tmp_path / ".git") + ": skipped, a hidden folder") for e in corpus.errors)


def test_jsonl_with_one_bad_line_keeps_the_good_ones_and_names_the_bad(tmp_path):
    rows = [json.dumps({"id": f"kh{n}", "text": PLAN}, ensure_ascii=False) for n in range(4)]
    rows.insert(2, '{"id": "kh-hong", "text": "unterminated')
    rows.insert(4, '{"title": "no id"}')
    (tmp_path / "plans.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    corpus = ingest.load(tmp_path)
    assert [d.id for d in corpus.documents] == ["kh0", "kh1", "kh2", "kh3"]
    assert len(corpus.errors) == 2
    assert "plans.jsonl: line 3 skipped, invalid JSON" in corpus.errors[0]
    assert "plans.jsonl: line 5 skipped" in corpus.errors[1] and "'id'" in corpus.errors[1]


def test_the_summary_names_every_file(tmp_path):
    from ingest.legacy import tcvn3_encode

    (tmp_path / "plan.txt").write_text(PLAN)
    (tmp_path / "cu.txt").write_bytes(tcvn3_encode(PLAN.lower()))
    (tmp_path / "vb.html").write_text(PORTAL, encoding="utf-8")
    (tmp_path / "hong.txt").write_bytes(b"\x00\x01binary" * 50)
    (tmp_path / "notes.wpd").write_bytes(b"WordPerfect")
    (tmp_path / ".an.txt").write_text(PLAN)
    t = tally(ingest.load(tmp_path))
    assert (t["files"], t["read"], len(t["refused"]), len(t["skipped"])) == (6, 3, 1, 2)
    assert t["converted"] == {"TCVN3 → Unicode": 1, "HTML page: document text only": 1}
    text = "\n".join(lines(t))
    assert text.startswith("6 files: 3 read (3 documents), 1 refused, 2 skipped")
    for name in ("hong.txt", "notes.wpd", ".an.txt"):
        assert name in text


@pytest.mark.slow
def test_python_m_ingest_ends_with_the_summary(tmp_path, capsys, monkeypatch):
    from ingest.__main__ import main
    from ingest.legacy import tcvn3_encode

    monkeypatch.setenv("PLANS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.txt").write_text(PLAN)
    (folder / "cu.txt").write_bytes(tcvn3_encode(PLAN.lower().replace("95%", "96%")))
    (folder / "hong.txt").write_bytes(b"\x00\x01" * 100)
    (folder / ".an.txt").write_text(PLAN)
    assert main([str(folder), "--index", str(tmp_path / "index"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 files: 2 read (2 documents), 1 refused, 1 skipped\n  converted: 1 × TCVN3 → Unicode\n")
    assert "refused: " + str(folder / "hong.txt") in out and "skipped: " + str(folder / ".an.txt") in out
