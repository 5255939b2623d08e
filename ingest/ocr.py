"""Text of scanned PDF pages by OCR: each page rendered by pdftoppm (poppler-utils) and read by Tesseract
with its Vietnamese model (tesseract-ocr, tesseract-ocr-vie), one page at a time, each within a time limit.

Layout noise is kept out of the text: words Tesseract reads with low confidence (stamps, signatures,
handwriting) are dropped, so are lines with hardly any letters, page numbers, and lines repeated at the
top or bottom of most pages (running headers and footers).
"""

from __future__ import annotations

import logging
import re
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from .external import need, run

__all__ = ["ocr_pages", "page_image_text", "DPI", "PAGE_TIMEOUT", "MIN_CONFIDENCE"]

log = logging.getLogger("ingest.ocr")
DPI = 300
PAGE_TIMEOUT = 120.0
MIN_CONFIDENCE = 30  # Tesseract's word confidence (0-100); stamps and signatures read far below
_PAGE_NUMBER = re.compile(r"^\W*(?:trang\s*)?\d{1,4}\W*$", re.IGNORECASE)


def page_image_text(image: Path, lang: str = "vie", timeout: float = PAGE_TIMEOUT) -> str:
    """One page image's text: Tesseract's words above ``MIN_CONFIDENCE``, lines and paragraphs kept."""
    tesseract = need("tesseract", package="tesseract-ocr tesseract-ocr-vie")
    tsv = run([tesseract, str(image), "stdout", "-l", lang, "--psm", "3", "tsv"], timeout,
              env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    return _from_tsv(tsv.decode("utf-8", "replace"))


def _from_tsv(tsv: str) -> str:
    lines: dict[tuple, list[str]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        if float(cols[10]) < MIN_CONFIDENCE:
            continue
        lines.setdefault((int(cols[2]), int(cols[3]), int(cols[4])), []).append(cols[11])
    paragraphs: dict[tuple, list[str]] = {}
    for (block, par, _), words in lines.items():
        line = " ".join(words)
        if sum(c.isalpha() for c in line) >= max(2, len(line) // 3):  # not a line of specks and strokes
            paragraphs.setdefault((block, par), []).append(line)
    return unicodedata.normalize("NFC", "\n\n".join("\n".join(p) for p in paragraphs.values()))


def ocr_pages(pdf: Path, pages: list[int], lang: str = "vie", dpi: int = DPI,
              timeout: float = PAGE_TIMEOUT) -> dict[int, str]:
    """{page number (1-based): text} for the given pages of ``pdf``, read one by one (progress logged)."""
    pdftoppm = need("pdftoppm", package="poppler-utils")
    out = {}
    with tempfile.TemporaryDirectory(prefix="plans-ocr-") as tmp:
        for done, n in enumerate(pages, 1):
            log.info("OCR %s: page %d (%d/%d)", pdf.name, n, done, len(pages))
            stem = Path(tmp, f"p{n}")
            run([pdftoppm, "-r", str(dpi), "-gray", "-png", "-f", str(n), "-l", str(n), "-singlefile",
                 str(pdf), str(stem)], timeout)
            out[n] = page_image_text(stem.with_suffix(".png"), lang, timeout)
            stem.with_suffix(".png").unlink()
    return out


def strip_running_lines(pages: dict[int, str]) -> dict[int, str]:
    """Drops page numbers, and the first or last lines that recur on at least half the pages (2 or more)."""
    edges: Counter[str] = Counter()
    for text in pages.values():
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        edges.update({_key(ln) for ln in lines[:2] + lines[-2:]})
    running = {k for k, c in edges.items() if c >= 2 and c * 2 >= len(pages)}
    out = {}
    for n, text in pages.items():
        kept = [ln for ln in text.split("\n") if not _PAGE_NUMBER.match(ln.strip()) and _key(ln) not in running]
        out[n] = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return out


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())
