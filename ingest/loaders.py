"""Reading plan files into plain text: .txt/.md (UTF-8/16 or a legacy Vietnamese encoding), .docx, .pdf (text
layer, OCR for scanned pages), .doc/.odt/.rtf (converted by LibreOffice), .html/.htm (the document inside the
page), .json/.jsonl records. All text comes out in NFC.

Every reader returns ``Source`` records; anything unreadable raises ``IngestError`` naming the file. A
source's ``note`` says what was converted on the way (an encoding, a format, OCR).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Source", "IngestError", "read", "SUPPORTED"]

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".json", ".jsonl", ".doc", ".odt", ".rtf", ".html", ".htm")
_ID = re.compile(r"[^\w.-]+", re.UNICODE)


class IngestError(ValueError):
    """A file that cannot be taken in; the message names the file and the reason."""


@dataclass(frozen=True)
class Source:
    id: str
    text: str
    path: str
    format: str
    title: str = ""
    note: str = ""  # what was converted: "TCVN3 → Unicode", "LibreOffice .doc → .docx", "OCR (Tesseract, vie)…"
    page_starts: tuple[int, ...] = ()  # PDF: the offset in ``text`` where each page begins
    ocr_pages: tuple[int, ...] = ()  # PDF: the pages (1-based) whose text is from OCR


def safe_id(name: str) -> str:
    """A document id usable as a file name: letters, digits, '.', '_' and '-'."""
    return _ID.sub("_", unicodedata.normalize("NFC", name)).strip("._") or "document"


def read(path: str | Path, data: bytes | None = None, warn=None) -> list[Source]:
    """Read one file (or its ``data``, already read elsewhere); JSON/JSONL files may hold many documents.
    ``warn(message)`` hears of what was left out of a file that is otherwise read (a bad JSONL line)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"{path}: unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED)}")
    try:
        data = path.read_bytes() if data is None else data
    except OSError as e:
        raise IngestError(f"{path}: cannot read ({e.strerror})") from e
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    if suffix in (".json", ".jsonl"):
        return _records(path, _decode(path, data)[0], suffix, warn or (lambda message: None))
    from . import readcache

    if suffix in _SLOW and (kept := readcache.get(data, suffix)) is not None:
        return [Source(**{**kept, "id": safe_id(path.stem), "path": str(path)})]
    if suffix == ".pdf":
        source = _pdf(path, data, warn or (lambda message: None))
    else:
        reader = {".docx": _docx_text, ".doc": _converted, ".odt": _converted, ".rtf": _converted,
                  ".html": _html, ".htm": _html}.get(suffix, _decode)
        text, note = reader(path, data)
        text = unicodedata.normalize("NFC", text)
        if not text.strip():
            raise IngestError(f"{path}: no text found")
        source = Source(id=safe_id(path.stem), text=text, path=str(path), format=suffix.lstrip("."), note=note)
    if suffix in _SLOW and (source.ocr_pages or suffix != ".pdf"):
        readcache.put(data, suffix, source)
    return [source]


# Readers that take seconds (OCR, LibreOffice): what they made of a file is kept by its content hash.
_SLOW = (".pdf", ".doc", ".odt", ".rtf")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, note): UTF-8 (with or without BOM), UTF-16 with BOM, or a legacy Vietnamese encoding (TCVN3, VNI,
    VIQR, CP1258), and text garbled through the wrong code page put right; binary content is refused."""
    from .legacy import LegacyError, decode_bytes

    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:4096]:
        raise IngestError(f"{path}: looks binary (NUL bytes), not a text file")
    try:
        text, note = decode_bytes(data)
    except (LegacyError, UnicodeDecodeError) as e:
        raise IngestError(f"{path}: {e}") from e
    if "\x00" in text:
        raise IngestError(f"{path}: looks binary (NUL characters), not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n"), note


def _records(path: Path, text: str, suffix: str, warn) -> list[Source]:
    if suffix == ".jsonl":
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            try:
                if line.strip():
                    rows.append((n, json.loads(line)))
            except json.JSONDecodeError as e:
                warn(f"{path}: line {n} skipped, invalid JSON ({e.msg} at column {e.colno})")
    else:
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as e:
            raise IngestError(f"{path}: invalid JSON at line {e.lineno}: {e.msg}") from e
        rows = list(enumerate(rows if isinstance(rows, list) else [rows], 1)) if isinstance(rows, (list, dict)) else None
    if rows is None:
        raise IngestError(f"{path}: expected a list of {{id, title, text}} records")
    out, where = [], "line" if suffix == ".jsonl" else "record"
    for n, row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row.get("id"):
            if suffix != ".jsonl":
                raise IngestError(f"{path}: record {n} needs a non-empty 'id' and a string 'text'")
            warn(f"{path}: {where} {n} skipped, a record needs a non-empty 'id' and a string 'text'")
            continue
        if row["text"].strip():
            out.append(Source(safe_id(str(row["id"])), unicodedata.normalize("NFC", row["text"]), str(path), "json",
                              str(row.get("title") or "")))
    if not out:
        raise IngestError(f"{path}: no record with text")
    return out


# A page with fewer letters than this in its text layer is taken for a scan and read by OCR.
MIN_PAGE_LETTERS = 20
MAX_OCR_PAGES = 500


def _pdf(path: Path, data: bytes, warn) -> Source:
    """The text layer page by page; pages without one are read by OCR. Pages are kept apart by a blank line
    and their start offsets recorded, so a passage can cite its page."""
    pages = _pdf_pages(path, data)
    scanned = [n for n, text in enumerate(pages, 1) if sum(c.isalpha() for c in text) < MIN_PAGE_LETTERS]
    note, ocr_done = "", []
    if scanned:
        from .external import ExternalError
        from .ocr import ocr_pages, strip_running_lines

        if len(scanned) > MAX_OCR_PAGES:
            raise IngestError(f"{path}: {len(scanned)} scanned pages, more than the {MAX_OCR_PAGES} read by OCR")
        try:
            read = strip_running_lines(ocr_pages(path, scanned))
        except ExternalError as e:
            if len(scanned) == len(pages):
                raise IngestError(f"{path}: the PDF has no text layer (a scan?) and OCR failed: {e}") from e
            warn(f"{path}: pages {_ranges(scanned)} have no text layer and were left out, OCR failed: {e}")
            read = {}
        for n, text in read.items():
            if text.strip():
                pages[n - 1], ocr_done = text, ocr_done + [n]
        if ocr_done:
            note = f"OCR (Tesseract, vie) of page {_ranges(ocr_done)} of {len(pages)}"
    text, starts = "", []
    for page in pages:
        starts.append(len(text))
        text += page + "\n\n"
    if not text.strip():
        raise IngestError(f"{path}: no text found: the PDF has no text layer and OCR found no text either")
    return Source(safe_id(path.stem), text.rstrip("\n"), str(path), "pdf", note=note, page_starts=tuple(starts),
                  ocr_pages=tuple(ocr_done))


def _ranges(pages: list[int]) -> str:
    """[1, 2, 3, 5] -> "1–3, 5"."""
    out, start = [], None
    for i, n in enumerate(pages):
        start = n if start is None else start
        if i + 1 == len(pages) or pages[i + 1] != n + 1:
            out.append(str(n) if start == n else f"{start}–{n}")
            start = None
    return ", ".join(out)


def _pdf_pages(path: Path, data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{path}: the PDF is encrypted")
        return [unicodedata.normalize("NFC", (page.extract_text() or "").strip()) for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as e:
        raise IngestError(f"{path}: not a readable PDF ({e})") from e


def _docx_text(path: Path, data: bytes, what: str = ".docx") -> tuple[str, str]:
    from .docx_reader import docx_read

    try:
        return docx_read(data)
    except Exception as e:  # python-docx raises several unrelated types for a bad package
        raise IngestError(f"{path}: not a readable {what} ({type(e).__name__}: {e})") from e


def _converted(path: Path, data: bytes) -> tuple[str, str]:
    """.doc/.odt/.rtf: LibreOffice writes a .docx, read as any .docx is."""
    from .convert import looks_like, to_docx
    from .external import ExternalError

    if not looks_like(data, path.suffix.lower()):
        raise IngestError(f"{path}: not a {path.suffix.lower()} file (its first bytes are not that format's)")
    try:
        docx = to_docx(data, path.suffix.lower())
    except ExternalError as e:
        raise IngestError(f"{path}: could not be converted ({e})") from e
    text, note = _docx_text(path, docx, f"{path.suffix} (after conversion)")
    return text, "; ".join(filter(None, [f"LibreOffice {path.suffix.lower()} → .docx", note]))


def _html(path: Path, data: bytes) -> tuple[str, str]:
    from .html_text import MAX_HTML, charset, html_text

    if len(data) > MAX_HTML:
        raise IngestError(f"{path}: the page is over {MAX_HTML // 2**20} MB of HTML")
    declared = charset(data)
    if declared and declared not in ("utf-8", "utf8"):
        try:
            html, note = data.decode(declared), f"{declared} → Unicode"
        except (LookupError, UnicodeDecodeError) as e:
            raise IngestError(f"{path}: the page declares {declared} but does not read as it ({e})") from e
    else:
        html, note = _decode(path, data)
    return html_text(html), "; ".join(filter(None, ["HTML page: document text only", note]))
