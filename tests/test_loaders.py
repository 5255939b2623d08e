"""Reading plan files (ingest.loaders, ingest.docx_reader): good formats and bad files, one by one and in a
folder where the good ones go in and each bad one is reported by its file name."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import ingest
from ingest import IngestError, document_from
from ingest.loaders import read

PLAN = (
    "KẾ HOẠCH\n\nPhát triển nước sạch nông thôn\n\n"
    "I. MỤC TIÊU\n\n1. Mục tiêu cụ thể\n\n"
    "Đến năm 2030, tỉ lệ dân số nông thôn được dùng nước sạch đạt 95%; hoà mạng cho 100% trạm y tế xã.\n"
)


def make_pdf(lines: list[str], path: Path) -> None:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica; a ToUnicode map carries the Vietnamese
    letters), written by hand since reportlab is not a dependency."""
    chars = sorted({ch for line in lines for ch in line if ord(ch) > 126})
    code = {ch: 128 + i for i, ch in enumerate(chars)}

    def enc(s: str) -> str:
        out = []
        for ch in s:
            b = code.get(ch, ord(ch))
            out.append(f"\\{b:03o}" if b > 126 or ch in "()\\" else ch)
        return "".join(out)

    content = "BT /F1 12 Tf 14 TL 72 760 Td " + " ".join(f"({enc(line)}) Tj T*" for line in lines) + " ET"
    pairs = [(b, b) for b in range(32, 127)] + [(code[ch], ord(ch)) for ch in chars]
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /X def /CMapType 2 def\n"
            "1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"{len(pairs)} beginbfchar\n" + "".join(f"<{a:02X}> <{u:04X}>\n" for a, u in pairs) +
            "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end")
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)


def make_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("I. MỤC TIÊU", level=1)
    doc.add_paragraph("Đến năm 2030, tỉ lệ dân số nông thôn được dùng nước sạch đạt 95%.")
    doc.add_heading("II. NHIỆM VỤ", level=1)
    doc.add_heading("Về cấp nước", level=2)
    for item in ("Khảo sát nguồn nước tại các xã vùng sâu.", "Xây dựng trạm cấp nước tập trung.",
                 "Kiểm tra chất lượng nước định kỳ."):
        doc.add_paragraph(item, style="List Number")
    table = doc.add_table(rows=2, cols=3)
    for i, row in enumerate([["Chỉ tiêu", "2025", "2030"], ["Nước sạch nông thôn", "85%", "95%"]]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    doc.save(str(path))


# -- good files -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,data", [
    ("plain.txt", PLAN.encode("utf-8")),
    ("bom.txt", PLAN.encode("utf-8-sig")),
    ("utf16le.txt", PLAN.encode("utf-16")),  # with BOM
    ("utf16be.txt", b"\xfe\xff" + PLAN.encode("utf-16-be")),
    ("crlf.txt", PLAN.replace("\n", "\r\n").encode("utf-8")),
    ("plan.md", PLAN.encode("utf-8")),
])
def test_text_encodings_read_to_the_same_text(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    [source] = read(path)
    assert source.text == PLAN
    assert source.id == Path(name).stem
    assert source.format == Path(name).suffix.lstrip(".")
    doc, chunks = document_from(source)
    assert any("nước sạch đạt 95%" in c.body for c in chunks)
    assert doc.meta.kind == "Kế hoạch"


def test_docx_headings_numbered_list_and_table(tmp_path):
    path = tmp_path / "plan.docx"
    make_docx(path)
    [source] = read(path)
    text = source.text
    assert "# I. MỤC TIÊU" in text and "## Về cấp nước" in text
    for n, item in enumerate(["Khảo sát nguồn nước", "Xây dựng trạm cấp nước", "Kiểm tra chất lượng nước"], 1):
        assert f"{n}. {item}" in text  # Word's list numbers, recomputed
    assert "Chỉ tiêu | 2025 | 2030" in text and "Nước sạch nông thôn | 85% | 95%" in text
    doc, chunks = document_from(source)
    by_text = {c.body: c for c in chunks}
    goal = next(c for c in chunks if "nước sạch đạt 95%" in c.body)
    assert goal.section == "I. MỤC TIÊU"
    listed = next(c for c in chunks if "1. Khảo sát nguồn nước" in c.body)
    assert "Về cấp nước" in listed.section
    assert "2. Xây dựng trạm cấp nước" in listed.body and "3. Kiểm tra chất lượng nước" in listed.body
    assert any("85%" in b for b in by_text)
    for c in chunks:
        assert source.text[c.start : c.end] == c.text


def test_regression_unnumbered_sub_heading_keeps_its_parent(tmp_path):
    """A Word 'Heading 2' without a number ('## Về cấp nước') under '# II. NHIỆM VỤ' nests there and holds
    the numbered list items that follow it (it once reset the path, then was closed by them)."""
    path = tmp_path / "plan.docx"
    make_docx(path)
    _, chunks = document_from(read(path)[0])
    listed = next(c for c in chunks if "1. Khảo sát nguồn nước" in c.body)
    assert listed.section == "II. NHIỆM VỤ › Về cấp nước"


def test_pdf_text_layer_is_read(tmp_path):
    path = tmp_path / "plan.pdf"
    make_pdf(["KẾ HOẠCH", "Đến năm 2030, tỉ lệ dân số nông thôn được dùng nước sạch đạt 95%."], path)
    [source] = read(path)
    assert source.format == "pdf"
    assert source.text.split("\n") == ["KẾ HOẠCH", "Đến năm 2030, tỉ lệ dân số nông thôn được dùng nước sạch đạt 95%."]
    _, chunks = document_from(source)
    assert any("nước sạch đạt 95%" in c.body for c in chunks)


def test_regression_pdf_heading_followed_by_body_on_the_next_line(tmp_path):
    """Pins that a heading followed by a single line break (every PDF text layer) does not swallow the next line:
    'I. MỤC TIÊU\nĐến năm 2030, …' once became one roman heading and document_from raised 'no searchable text'."""
    path = tmp_path / "plan.pdf"
    make_pdf(["KẾ HOẠCH", "I. MỤC TIÊU", "Đến năm 2030, tỉ lệ dân số nông thôn được dùng nước sạch đạt 95%."], path)
    [source] = read(path)
    _, chunks = document_from(source)
    goal = next(c for c in chunks if "nước sạch đạt 95%" in c.body)
    assert goal.section == "I. MỤC TIÊU"


def test_json_and_jsonl_records(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"id": "p1", "title": "Kế hoạch A", "text": PLAN},
                                                 {"id": "p/2", "text": PLAN}], ensure_ascii=False))
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "p3", "text": PLAN}, ensure_ascii=False) + "\n\n")
    corpus = ingest.load(tmp_path)
    assert not corpus.errors
    assert sorted(d.id for d in corpus.documents) == ["p1", "p3", "p_2"]
    titles = {d.id: d.meta.title for d in corpus.documents}
    assert titles["p1"] == "Kế hoạch A"


# -- bad files ----------------------------------------------------------------------------------------------------
def _bad_files(tmp_path: Path) -> dict[str, str]:
    """name -> a piece of the message expected for it."""
    files = {
        "empty.txt": (b"", "empty"),
        "blank.md": (b" \n\n \t\n", "empty"),
        "nul.txt": (b"KE HOACH\x00\x00\x00 binary" * 20, "binary"),
        "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        "latin1.txt": ("Größe des Wassers: café".encode("latin-1"), "UTF-8"),
        "bad.json": (b'{"id": "x", "text": ', "invalid JSON"),
        "norecords.json": (b'{"title": "no id"}', "needs a non-empty 'id'"),
        "notes.wpd": (b"WordPerfect", "unsupported file type .wpd"),
        "README": (b"no extension", "unsupported file type (none)"),
        "broken.docx": (b"PK\x03\x04 not really a zip", "not a readable .docx"),
        "broken.pdf": (b"%PDF-1.4 garbage", "PDF"),
        "onlyheader.txt": ("Số: 12/KH-UBND\n\nHà Nội, ngày 5 tháng 3 năm 2024\n".encode(), "no searchable text"),
    }
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(str(tmp_path / "scan.pdf"))
    out = {name: msg for name, (_, msg) in files.items()}
    out["scan.pdf"] = "no text layer"
    return out


@pytest.mark.parametrize("name", ["empty.txt", "blank.md", "nul.txt", "image.txt", "latin1.txt", "bad.json",
                                  "norecords.json", "notes.wpd", "README", "broken.docx", "broken.pdf", "scan.pdf"])
def test_bad_file_raises_ingest_error_naming_it(tmp_path, name):
    expected = _bad_files(tmp_path)
    with pytest.raises(IngestError) as err:
        read(tmp_path / name)
    assert name in str(err.value)
    assert expected[name].lower() in str(err.value).lower()


def test_folder_with_good_and_bad_files_loads_the_good_and_reports_each_bad(tmp_path):
    expected = _bad_files(tmp_path)
    (tmp_path / "good.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good16.txt").write_bytes(PLAN.encode("utf-16"))
    make_docx(tmp_path / "sub" / "word.docx")
    (tmp_path / ".hidden.txt").write_text("ignored")
    expected[".hidden.txt"] = "hidden file"
    corpus = ingest.load(tmp_path)
    assert sorted(d.id for d in corpus.documents) == ["good", "good16", "word"]
    assert len(corpus.errors) == len(expected), corpus.errors
    for name, message in expected.items():
        mine = [e for e in corpus.errors if Path(e.split(":")[0]).name == name]
        assert len(mine) == 1, (name, corpus.errors)
        assert message.lower() in mine[0].lower()
    assert all(c.doc_id in {"good", "good16", "word"} for c in corpus.chunks)


def test_same_base_name_twice_keeps_both_under_distinct_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "plan.txt").write_text(PLAN)
    (tmp_path / "b" / "plan.md").write_text(PLAN)
    (tmp_path / "b" / "plan.txt").write_text(PLAN)
    corpus = ingest.load(tmp_path)
    ids = [d.id for d in corpus.documents]
    assert ids == ["plan", "plan.md", "plan.txt"]
    assert not corpus.errors


def test_load_of_the_bundled_corpus_is_clean(corpus):
    assert len(corpus.documents) == 5 and not corpus.errors
    assert len(corpus.chunks) > 250


def test_load_accepts_a_single_file_and_a_list(tmp_path):
    (tmp_path / "one.txt").write_text(PLAN)
    (tmp_path / "two.txt").write_text(PLAN)
    assert [d.id for d in ingest.load(tmp_path / "one.txt").documents] == ["one"]
    assert [d.id for d in ingest.load([str(tmp_path / "one.txt"), tmp_path / "two.txt"]).documents] == ["one", "two"]


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    corpus = ingest.load(tmp_path / "nope.txt")
    assert not corpus.documents
    assert len(corpus.errors) == 1 and "nope.txt" in corpus.errors[0]


def test_docx_bytes_reader_directly():
    from ingest.docx_reader import docx_text

    buf = io.BytesIO()
    from docx import Document

    d = Document()
    d.add_paragraph("Một", style="List Bullet")
    d.add_paragraph("Hai", style="List Bullet")
    d.save(buf)
    assert docx_text(buf.getvalue()).split("\n\n") == ["- Một", "- Hai"]
