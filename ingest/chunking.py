"""Chunks that follow the plan's structure: one paragraph or list item, or consecutive short ones
under the same heading, never across headings. A paragraph too long for the embedder is cut at
sentence ends. Each chunk keeps its exact source span: ``doc[start:end] == chunk.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .structure import Block

__all__ = ["Chunk", "chunk_blocks", "DEFAULT_MAX_WORDS"]

DEFAULT_MAX_WORDS = 120
_SENTENCE_END = re.compile(r"(?<=[.;!?…])[*”\")]*\s+(?=[-+*“\"(]*\s*[A-ZĐÀ-Ỹ0-9])")


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    start: int
    end: int
    text: str  # the source, exactly: document_text[start:end]
    section: str  # heading path, "II- MỤC TIÊU › 2. Các chỉ tiêu chủ yếu đến năm 2030"
    section_no: str  # "II.2"
    body: str  # cleaned text: markup dropped, broken lines joined


def _words(text: str) -> int:
    return len(text.split())


def _split_long(doc: str, block: Block, max_words: int) -> list[Block]:
    """Cut a block at sentence ends into pieces of at most ``max_words`` where possible."""
    cuts = [block.start]
    for m in _SENTENCE_END.finditer(doc, block.start, block.end):
        if _words(doc[cuts[-1] : m.start()]) >= max_words * 0.6:
            cuts.append(m.end())
    cuts.append(block.end)
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        text = re.sub(r"\s+", " ", doc[a:b].replace("**", "")).strip()
        if text:
            end = a + len(doc[a:b].rstrip())
            pieces.append(Block(a, end, text, block.kind, block.marker, block.bullet, block.rank, path=block.path))
    return pieces


def chunk_blocks(doc_id: str, doc: str, blocks: list[Block], max_words: int = DEFAULT_MAX_WORDS) -> list[Chunk]:
    content = [b for b in blocks if b.kind in ("para", "bullet")]
    pieces = [p for b in content for p in (_split_long(doc, b, max_words) if _words(b.text) > max_words else [b])]
    groups: list[list[Block]] = []
    for piece in pieces:
        group = groups[-1] if groups else None
        if (group and group[-1].path == piece.path and not piece.marker.isupper()
                and sum(_words(b.text) for b in group) + _words(piece.text) <= max_words):
            group.append(piece)
        else:
            groups.append([piece])
    chunks = []
    for n, group in enumerate(groups):
        first, last = group[0], group[-1]
        chunks.append(Chunk(
            id=f"{doc_id}#{n}",
            doc_id=doc_id,
            start=first.start,
            end=last.end,
            text=doc[first.start : last.end],
            section=first.section,
            section_no=first.section_no(),
            body=" ".join(b.text for b in group),
        ))
    return chunks
