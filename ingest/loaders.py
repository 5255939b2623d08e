"""Reading plan files into plain text: .txt/.md, .docx, .pdf (text layer), .json/.jsonl records.

Every reader returns ``Source`` records; anything unreadable raises ``IngestError`` naming the file.
Readers keep to ``ingest.limits`` (size, characters, pages, unzipped size); time and memory are bounded
by the worker process that runs them (``ingest.sandbox``, via ``ingest.read_file``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .limits import IngestError, LimitError, Limits, current

__all__ = ["Source", "IngestError", "LimitError", "read", "SUPPORTED"]

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".json", ".jsonl")
_ID = re.compile(r"[^\w.-]+", re.UNICODE)


@dataclass(frozen=True)
class Source:
    id: str
    text: str
    path: str
    format: str
    title: str = ""


def safe_id(name: str) -> str:
    """A document id usable as a file name: letters, digits, '.', '_' and '-'."""
    return _ID.sub("_", unicodedata.normalize("NFC", name)).strip("._") or "document"


def read(path: str | Path, limits: Limits | None = None) -> list[Source]:
    """Read one file, in this process (``ingest.read_file`` reads in a worker); JSON/JSONL files may hold
    many documents."""
    path, limits = Path(path), limits or current()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"{path}: unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise limits.refuse(path, f"the file has {size / 2**20:,.1f} MB", "file_bytes")
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{path}: cannot read ({e.strerror})") from e
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    if suffix in (".json", ".jsonl"):
        sources = _records(path, _decode(path, data, limits), suffix)
    else:
        reader = {".docx": _docx_text, ".pdf": _pdf_text}.get(suffix)
        text = reader(path, data, limits) if reader else _decode(path, data, limits)
        if not text.strip():
            raise IngestError(f"{path}: no text found")
        sources = [Source(id=safe_id(path.stem), text=text, path=str(path), format=suffix.lstrip("."))]
    _characters(path, sum(len(s.text) for s in sources), limits)
    return sources


def _characters(path: Path, n: int, limits: Limits) -> None:
    if n > limits.characters:
        raise limits.refuse(path, f"its text has {n:,} characters", "characters")


def _decode(path: Path, data: bytes, limits: Limits) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; binary content is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        if b"\x00" in data[:4096]:
            raise IngestError(f"{path}: looks binary (NUL bytes), not a text file")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise IngestError(f"{path}: not valid UTF-8 or UTF-16 text (byte {e.start}); save it as UTF-8") from e
    _characters(path, len(text), limits)
    if "\x00" in text:
        raise IngestError(f"{path}: looks binary (NUL characters), not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _records(path: Path, text: str, suffix: str) -> list[Source]:
    try:
        if suffix == ".jsonl":
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            rows = json.loads(text)
    except json.JSONDecodeError as e:
        raise IngestError(f"{path}: invalid JSON at line {e.lineno}: {e.msg}") from e
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list):
        raise IngestError(f"{path}: expected a list of {{id, title, text}} records")
    out = []
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row.get("id"):
            raise IngestError(f"{path}: record {n} needs a non-empty 'id' and a string 'text'")
        if row["text"].strip():
            out.append(Source(safe_id(str(row["id"])), row["text"], str(path), "json", str(row.get("title") or "")))
    if not out:
        raise IngestError(f"{path}: no record with text")
    return out


def _pdf_text(path: Path, data: bytes, limits: Limits) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{path}: the PDF is encrypted")
        if len(reader.pages) > limits.pages:
            raise limits.refuse(path, f"the PDF has {len(reader.pages):,} pages", "pages")
        pages, total = [], 0
        for page in reader.pages:
            pages.append((page.extract_text() or "").strip())
            total += len(pages[-1])
            _characters(path, total, limits)
    except (PdfReadError, ValueError, KeyError) as e:
        if isinstance(e, IngestError):
            raise
        raise IngestError(f"{path}: not a readable PDF ({e})") from e
    if not any(pages):
        raise IngestError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    return unicodedata.normalize("NFC", "\n\n".join(p for p in pages if p))


def _docx_text(path: Path, data: bytes, limits: Limits) -> str:
    from .docx_reader import docx_text
    from .zipcheck import check_zip

    check_zip(path, data, limits)
    try:
        return docx_text(data)
    except Exception as e:  # python-docx raises several unrelated types for a bad package
        raise IngestError(f"{path}: not a readable .docx ({type(e).__name__}: {e})") from e
