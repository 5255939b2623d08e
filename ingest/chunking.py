"""Chunks that follow the plan's structure: one paragraph or list item, or consecutive short ones
under the same heading, never across headings. A paragraph too long for the embedder is cut at
sentence ends. Each chunk keeps its exact source span: ``doc[start:end] == chunk.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vntext.sentences import sentences

from .structure import Block

__all__ = ["Chunk", "chunk_blocks", "DEFAULT_MAX_WORDS"]

DEFAULT_MAX_WORDS = 120


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
    """Cut a block at sentence ends into pieces of about ``max_words`` (a sentence is never cut)."""
    cuts = [block.start]
    for start, _ in sentences(doc[block.start : block.end]):
        if _words(doc[cuts[-1] : block.start + start]) >= max_words * 0.6:
            cuts.append(block.start + start)
    cuts.append(block.end)
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        text = re.sub(r"\s+", " ", doc[a:b].replace("**", "")).strip()
        if text:
            end = a + len(doc[a:b].rstrip())
            pieces.append(Block(a, end, text, block.kind, block.marker, block.bullet, block.rank, path=block.path))
    return pieces


def _section_no(group: list[Block]) -> str:
    """The first item's number, or a range when the chunk holds several numbered items: "III.2.l–m"."""
    first, last = group[0].section_no(), next((b.section_no() for b in reversed(group) if b.marker), "")
    if last and last != first and first.rsplit(".", 1)[0] == last.rsplit(".", 1)[0] and "." in first:
        return f"{first}–{last.rsplit('.', 1)[1]}"
    return first


def chunk_blocks(doc_id: str, doc: str, blocks: list[Block], max_words: int = DEFAULT_MAX_WORDS) -> list[Chunk]:
    groups: list[list[Block]] = []
    open_group = False  # a heading, title or header line in between closes the group
    for block in blocks:
        if block.kind not in ("para", "bullet"):
            open_group = False
            continue
        pieces = _split_long(doc, block, max_words) if _words(block.text) > max_words else [block]
        for piece in pieces:
            group = groups[-1] if groups and open_group else None
            if (group and group[-1].path == piece.path
                    and sum(_words(b.text) for b in group) + _words(piece.text) <= max_words):
                group.append(piece)
            else:
                groups.append([piece])
            open_group = len(pieces) == 1
        open_group = len(pieces) == 1
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
            section_no=_section_no(group),
            body=" ".join(b.text for b in group),
        ))
    return chunks
