"""Checking and storing a plan uploaded from the page.

A file is taken in only if it has an accepted type, is under the size limit, reads as text with the
project's own readers (``ingest.loaders.read`` on a temporary copy) and yields searchable passages. Its
stored name is made safe (``safe_id``) and always lies directly in the corpus folder. Messages are in
Vietnamese, for staff.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest import Document, IngestError, document_from
from ingest.loaders import SUPPORTED, read, safe_id

__all__ = ["ACCEPTED", "MAX_BYTES", "UploadError", "CheckedUpload", "check_upload", "store_upload", "explain"]

ACCEPTED = tuple(s for s in (".docx", ".pdf", ".txt", ".md", ".doc", ".odt", ".rtf", ".html", ".htm") if s in SUPPORTED)
MAX_BYTES = 10 * 1024 * 1024

# The readers' reasons (English, for the command line) as staff should read them.
_REASONS = (
    (r"looks binary|NUL", "tệp có vẻ là tệp nhị phân, không phải văn bản"),
    (r"not valid UTF-8|not UTF-8 or UTF-16", "nội dung không phải văn bản UTF-8 hay UTF-16, cũng không đọc được theo "
     "TCVN3, VNI, VIQR hay CP1258; hãy lưu lại tệp dưới dạng UTF-8"),
    (r"mojibake", "văn bản bị lỗi phông (lưu qua sai bảng mã) và không tự sửa được; hãy mở bằng đúng phông "
     "rồi lưu lại dưới dạng UTF-8"),
    (r"reads as .* equally well", "không xác định được bảng mã cũ của văn bản; hãy lưu lại dưới dạng UTF-8"),
    (r"could not be converted", "không chuyển đổi được tệp bằng LibreOffice"),
    (r"the file is empty", "tệp rỗng"),
    (r"no text layer", "PDF không có lớp chữ và nhận dạng chữ (OCR) cũng không đọc được chữ nào"),
    (r"encrypted", "PDF được đặt mật khẩu; hãy bỏ mật khẩu rồi tải lại"),
    (r"not a readable PDF", "không phải tệp PDF hợp lệ"),
    (r"not a readable \.docx", "không phải tệp Word (.docx) hợp lệ"),
    (r"no searchable text", "không còn nội dung để tìm kiếm sau khi bỏ phần đầu văn bản và chữ ký"),
    (r"no text found", "không tìm thấy chữ nào trong tệp"),
    (r"unsupported file type", "loại tệp không được hỗ trợ"),
)


class UploadError(ValueError):
    """An upload that cannot be taken in; the message (Vietnamese) says why and what to do."""


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: the name it will be stored under and the plan it holds."""

    filename: str
    data: bytes
    document: Document
    passages: int

    @property
    def citation(self) -> str:
        return self.document.meta.citation


def explain(error: IngestError, shown: str) -> str:
    """The reader's error as a Vietnamese message about the file ``shown``."""
    text = str(error)
    reason = next((vi for pattern, vi in _REASONS if re.search(pattern, text, re.IGNORECASE)),
                  "không đọc được nội dung tệp")
    return f"Không thể thêm tệp “{shown}”: {reason}."


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _target(corpus_dir: Path, filename: str) -> Path:
    """``corpus_dir / filename``, refused unless it lies directly in the corpus folder."""
    root = corpus_dir.resolve()
    target = (root / filename).resolve()
    if target.parent != root or target.name != filename:
        raise UploadError(f"Tên tệp “{filename}” không hợp lệ.")
    return target


def check_upload(name: str, data: bytes, corpus_dir: str | Path, known: Iterable[Document] = (),
                 max_bytes: int = MAX_BYTES) -> CheckedUpload:
    """Check an uploaded file; raises ``UploadError`` with the reason, returns what to store otherwise.

    ``known``: the documents already searchable, so the same plan is not added twice.
    """
    corpus_dir = Path(corpus_dir)
    shown = Path(name.replace("\\", "/")).name or "tệp"
    suffix = Path(shown).suffix.lower()
    if suffix not in ACCEPTED:
        raise UploadError(f"Không thể thêm tệp “{shown}”: chỉ nhận tệp {', '.join(ACCEPTED)}.")
    if len(data) > max_bytes:
        raise UploadError(f"Không thể thêm tệp “{shown}”: tệp nặng {_mb(len(data))}, vượt giới hạn "
                          f"{_mb(max_bytes)}.")
    if not data.strip():
        raise UploadError(f"Không thể thêm tệp “{shown}”: tệp rỗng.")
    doc_id = safe_id(Path(shown).stem)
    filename = doc_id + suffix
    _target(corpus_dir, filename)
    taken = sorted(p.name for p in corpus_dir.glob("*") if p.is_file() and safe_id(p.stem) == doc_id)
    if taken:
        raise UploadError(f"Không thể thêm tệp “{shown}”: kho đã có văn bản cùng tên ({taken[0]}). "
                          "Nếu đây là văn bản khác, hãy đổi tên tệp rồi tải lại.")
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        path = Path(tmp) / filename
        path.write_bytes(data)
        try:
            sources = read(path)
            if len(sources) != 1:
                raise IngestError(f"{path}: expected one document")
            document, chunks = document_from(sources[0])
        except IngestError as e:
            raise UploadError(explain(e, shown)) from e
    for other in known:
        if other.sha256 == document.sha256:
            raise UploadError(f"Không thể thêm tệp “{shown}”: nội dung trùng với văn bản đã có — {other.meta.citation}.")
    return CheckedUpload(filename, data, document, len(chunks))


def store_upload(upload: CheckedUpload, corpus_dir: str | Path) -> Path:
    """Write a checked upload into the corpus folder (atomically, never over an existing file)."""
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    target = _target(corpus_dir, upload.filename)
    tmp = corpus_dir / f".{uuid.uuid4().hex}.part"  # dot files are not read as plans
    tmp.write_bytes(upload.data)
    try:
        os.link(tmp, target)  # atomic, and never replaces a file already there
    except FileExistsError as e:
        raise UploadError(f"Kho đã có tệp “{upload.filename}”.") from e
    except OSError:  # a file system without hard links
        if target.exists():
            raise UploadError(f"Kho đã có tệp “{upload.filename}”.") from None
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
