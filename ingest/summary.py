"""What a load took in and what it left out: every file is either in the library or named with the reason.

    tally(corpus)   -> {"files": 12, "read": 10, "converted": {...}, "ocr": {...}, "refused": [...], "skipped": [...]}
    lines(tally)    -> the summary `python -m ingest` prints at the end
"""

from __future__ import annotations

from collections import Counter

__all__ = ["tally", "lines", "lines_vi"]


def _kind(note: str) -> str:
    """ "TCVN3 → Unicode in 3 runs; tracked changes accepted" -> "TCVN3 → Unicode, tracked changes accepted"."""
    parts = [p.split(" in ")[0].split(" of page")[0].strip() for p in note.split(";")]
    return ", ".join(p for p in parts if p and not p.startswith("OCR"))


def tally(corpus) -> dict:
    """Counts of a loaded ``ingest.Corpus``: files read, converted (and how), OCR'd, refused and skipped."""
    docs_by_file = Counter(d.path for d in corpus.documents)
    converted = Counter(_kind(d.meta.converted) for d in corpus.documents if _kind(d.meta.converted))
    ocr = [d for d in corpus.documents if d.meta.ocr_pages]
    skipped = [e for e in corpus.errors if ": skipped" in e or "skipped," in e]
    refused = [e for e in corpus.errors if e not in skipped]
    return {"files": len(docs_by_file) + len(refused) + sum(": skipped" in e for e in skipped),
            "read": len(docs_by_file), "documents": len(corpus.documents), "converted": dict(converted),
            "ocr": {"files": len(ocr), "pages": sum(len(d.meta.ocr_pages) for d in ocr)},
            "refused": refused, "skipped": skipped}


def lines(t: dict) -> list[str]:
    out = [f"{t['files']} files: {t['read']} read ({t['documents']} documents), {len(t['refused'])} refused, "
           f"{sum(': skipped' in e for e in t['skipped'])} skipped"]
    for how, n in sorted(t["converted"].items()):
        out.append(f"  converted: {n} × {how}")
    if t["ocr"]["files"]:
        out.append(f"  OCR'd: {t['ocr']['files']} files, {t['ocr']['pages']} pages")
    out += [f"  refused: {e}" for e in t["refused"]] + [f"  skipped: {e}" for e in t["skipped"]]
    return out


def lines_vi(t: dict) -> str:
    """One line for the page: "12 tệp: đọc 10, chuyển đổi 3, nhận dạng OCR 1 (4 trang), bỏ qua 2"."""
    text = f"{t['files']} tệp: đọc được {t['read']}"
    if t["converted"]:
        text += f", chuyển đổi {sum(t['converted'].values())} ({'; '.join(sorted(t['converted']))})"
    if t["ocr"]["files"]:
        text += f", nhận dạng chữ (OCR) {t['ocr']['files']} tệp ({t['ocr']['pages']} trang)"
    left = len(t["refused"]) + len(t["skipped"])
    return text + (f", bỏ qua {left} (lý do ở dưới)" if left else "")
