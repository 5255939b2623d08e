"""The structure of a plan: blocks of text with their exact spans and heading paths.

The plans arrive as rough text from PDF/Word. What is parsed:
- headings in the forms they use: markdown ``#``, ``**bold**``, ``I.`` / ``II-``, ``1.``, ``2.1.``, ``a)`` / ``đ)``;
  a heading run into its sub-heading on one line ("I. MỤC ĐÍCH, YÊU CẦU**1. Mục đích**");
- lines hard-wrapped inside a paragraph, and sentences broken by a blank line, joined;
- the signature block, the "Nơi nhận" list, print stamps, page numbers and separators: left out.

The level of a heading comes from its numbering style (roman > arabic > decimal > letter), not from its
markdown depth, which these files use inconsistently. Numbered paragraphs that are not headings
("1. Ban Tuyên giáo ... xây dựng kế hoạch ...") still number what follows them ("V.1.a").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Block", "Entry", "parse", "body_end"]

_TAIL = re.compile(r"^\W*(nơi nhận|t/m\b|tm\.|t/tm|kt\.\s*chủ|tl\.|q\.\s*chủ tịch)", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^\W*nơi nhận\W*$", re.IGNORECASE)
_LABEL = re.compile(r"^[^.:;]{3,40}:\s")
_STAMP = re.compile(r"\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}")
_SEPARATOR = re.compile(r"^[\W_]*$|^(trang\s*)?\d{1,3}$", re.IGNORECASE)
_HEADER = re.compile(r"^(số\s*:|.{2,40},\s*ngày\b.*\bnăm\s*\d{4}\s*$)", re.IGNORECASE)
_RUN_IN = re.compile(r"(?<=\S)\*\*(?=\s*(?:[IVX]+\s*[.\-–]|\d+(?:\.\d+)*\.|[a-zđ]\))\s|[A-ZĐ]{2})")
_MD_HEADING = re.compile(r"^#{1,6}\s")

_MARKERS = (  # (kind, pattern, rank)
    ("roman", re.compile(r"^([IVXL]+)\s*[.\-–)]\s*(?=\S)"), 10),
    ("decimal", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)"), None),
    ("arabic", re.compile(r"^(\d{1,2})[.)]\s+(?=\S)"), 20),
    ("letter", re.compile(r"^(?:[-–]\s*)?([a-zđ])\)\s*(?=\S)"), 50),
    ("bullet", re.compile(r"^([-+•–])\s*(?=\S)"), 60),
)
_TERMINAL = (".", ";", ":", "!", "?", "…")


@dataclass(frozen=True)
class Entry:
    """One level of a heading path."""

    rank: int
    marker: str
    title: str
    heading: bool
    md_level: int = 0  # for an unnumbered markdown heading: its depth

    def label(self, width: int = 70) -> str:
        if self.heading or len(self.title) <= width:
            return self.title
        return self.title[:width].rsplit(" ", 1)[0] + "…"


@dataclass
class Block:
    """A paragraph, list item or heading: ``text`` is cleaned, ``doc[start:end]`` is the source."""

    start: int
    end: int
    text: str
    kind: str = "para"  # para | heading | bullet | meta
    marker: str = ""
    bullet: str = ""
    rank: int = 99
    md_heading: bool = False
    md_level: int = 0  # number of leading '#'
    italic: bool = False  # the whole line in *single* asterisks
    path: tuple[Entry, ...] = field(default_factory=tuple)

    @property
    def section(self) -> str:
        return " › ".join(e.label() for e in self.path)

    def section_no(self) -> str:
        """Numbering of the block within the plan, e.g. "IV.1.i" (its own marker last)."""
        markers = [e.marker for e in self.path if e.marker]
        if self.marker and self.kind != "heading":
            markers.append(self.marker)
        out: list[str] = []
        for m in markers:
            if out and m.startswith(out[-1] + "."):
                out[-1] = m
            else:
                out.append(m)
        return ".".join(out)


def body_end(text: str) -> int:
    """Offset where the signature block or the "Nơi nhận" list begins (len(text) if none)."""
    lines = text.split("\n")
    offset, ends = 0, []
    for line in lines:
        ends.append(offset)
        offset += len(line) + 1
    floor = len(text) * 0.5
    for start, line in zip(ends, lines, strict=True):
        clean = _clean(line)
        # "Nơi nhận:" on its own line ends the body wherever it stands; signature titles
        # ("T/M BAN THƯỜNG VỤ", "KT. CHỦ TỊCH") only in the second half, where they belong.
        if _RECIPIENTS.match(clean) or (start >= floor and _TAIL.match(clean)):
            return start
    return len(text)


def _clean(s: str) -> str:
    s = _MD_HEADING.sub("", s.strip())
    s = s.replace("**", "").strip()
    if s.startswith("*") or s.endswith("*"):
        s = s.strip("*").strip()
    return re.sub(r"\s+", " ", s.replace("*", ""))


def _trim(doc: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past markup: '#', '*', spaces."""
    while start < end and doc[start] in "#* \t":
        start += 1
    while end > start and doc[end - 1] in "* \t":
        end -= 1
    return start, end


def _run_in(line: str) -> list[int]:
    """Where headings run into the line's text begin: a "**" outside bold, within 80 characters of text
    from the line's start (counted once, so a long line costs time linear in its length)."""
    cuts, bold, counted = [], 0, 0
    for m in _RUN_IN.finditer(line):
        bold += line.count("**", counted, m.start())
        counted = m.start()
        shown = len(_clean(line[: m.start()]))
        if shown > 100:  # past any heading's place (the cleaned length grows with the prefix, give or take a "*")
            break
        if bold % 2 == 0 and shown <= 80:
            cuts.append(m.start())
    return cuts


def _pieces(doc: str, limit: int):
    """(start, end, md_heading, md_level, italic, blank_before) for each line piece, splitting run-in
    headings."""
    offset, blank = 0, True
    for line in doc[:limit].split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        if not line.strip():
            blank = True
            continue
        cuts = [0] + _run_in(line) + [len(line)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            s, e = _trim(doc, line_start + a, line_start + b)
            if s < e:
                raw = line[a:b].strip()
                level = len(raw) - len(raw.lstrip("#")) if _MD_HEADING.match(raw) else 0
                bare = raw.lstrip("#").strip()
                italic = bare.startswith("*") and not bare.startswith("**") and bare.endswith("*")
                yield s, e, bool(level) or a > 0, level, italic, blank
                blank = False


def _marker(text: str):
    for kind, pattern, rank in _MARKERS:
        m = pattern.match(text)
        if m:
            if kind == "decimal":
                rank = 20 + 10 * m.group(1).count(".")
            return kind, m.group(1), rank
    return "", "", 99


def _ends_sentence(text: str) -> bool:
    """Ends like a sentence or a clause (not a comma: "cho Nhân dân,\n\nnhất là" goes on)."""
    return text.rstrip("*_ )”\"'").endswith(_TERMINAL) or text.rstrip().endswith(_TERMINAL)


def _proper_name_split(prev: str, text: str) -> bool:
    """ "… của Ban" + "Chấp hành Đảng bộ tỉnh": a capitalised name broken by a blank line."""
    last = prev.rstrip("*_ ").rsplit(" ", 1)[-1]
    return last[:1].isupper() and text[:1].isupper() and not _is_caps(last)


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class _Growing:
    """The text of the paragraph being joined, line by line, in time linear in its length: the parts are
    joined once at the end, and what the joining rules ask of it (its start, its end, whether it is all
    capitals, its length) is kept as it grows."""

    EDGE = 200  # characters kept of its start and of its end

    def __init__(self, text: str):
        self.parts, self.length = [text], len(text)
        self.head, self.tail = text[: self.EDGE], text[-self.EDGE :]
        self.letters, self.upper = self._letters(text)

    @staticmethod
    def _letters(text: str) -> tuple[bool, bool]:
        """(has letters, every letter a capital)."""
        letters = [c for c in text if c.isalpha()]
        return bool(letters), all(c.isupper() for c in letters)

    @property
    def caps(self) -> bool:
        return self.letters and self.upper

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += 1 + len(text)
        if len(self.head) < self.EDGE:
            self.head = (self.head + " " + text)[: self.EDGE]
        self.tail = (self.tail + " " + text)[-self.EDGE :]
        letters, upper = self._letters(text)
        self.letters, self.upper = self.letters or letters, self.upper and upper

    def text(self) -> str:
        return " ".join(self.parts)


def _blocks(doc: str, limit: int) -> list[Block]:
    """Line pieces joined into paragraphs: hard wraps, then sentences broken by a blank line."""
    blocks: list[Block] = []
    grown: _Growing | None = None  # the last block's text while lines are joined to it
    for start, end, md, level, italic, blank in _pieces(doc, limit):
        text = _clean(doc[start:end])
        kind, marker, _ = _marker(text)
        prev = blocks[-1] if blocks else None
        if prev is not None:
            head, tail, caps, length = grown.head, grown.tail, grown.caps, grown.length
        # A short numbered or capitalised line is a heading, not the first line of a wrapped paragraph.
        wrap = (prev is not None and not blank and not kind and not md and not prev.md_heading
                and not caps and not (_marker(head)[0] and length < 60))
        broken = (prev is not None and blank and not kind and not md and prev.kind != "meta"
                  and not _ends_sentence(tail) and not caps and not prev.md_heading
                  and (text[:1].islower() or (length > 150 and _proper_name_split(tail, text))))
        if wrap or broken:
            prev.end = end
            grown.add(text)
            continue
        if prev is not None:
            prev.text = grown.text()
        blocks.append(Block(start, end, text, md_heading=md, md_level=level, italic=italic))
        grown = _Growing(text)
    if blocks:
        blocks[-1].text = grown.text()
    return blocks


def _classify(block: Block, following: Block | None) -> None:
    text = block.text
    if _SEPARATOR.match(text) or _STAMP.search(text) and len(text) < 80 or _HEADER.match(text):
        block.kind = "meta"
        return
    kind, marker, rank = _marker(text)
    short = len(text) <= 250 and not _ends_sentence(text) and not text.endswith(",")
    if kind == "bullet":
        block.bullet = marker
        nxt = _marker(following.text)[1] if following else ""
        if marker in "-–•" and len(text) <= 100 and (not _ends_sentence(text) or text.endswith(":")) and nxt == "+":
            block.kind, block.rank = "heading", rank
        else:
            block.kind = "bullet"
        return
    if kind:
        block.marker, block.rank = marker, rank
        # An italic numbered line is a heading even with a full stop ("*5.2. Thực hiện … khác.*").
        heading = short or (kind == "roman" or block.italic) and len(text) <= 250
        block.kind = "heading" if heading else "para"
        return
    if short and (block.md_heading or _is_caps(text)) and len(text) <= 120:
        block.kind, block.rank = "heading", 0  # unnumbered markdown headings are placed in parse()


def parse(doc: str) -> list[Block]:
    """Blocks of the body (header lines marked "meta"), each with its heading path."""
    blocks = _blocks(doc, body_end(doc))
    for block, following in zip(blocks, blocks[1:] + [None], strict=False):
        _classify(block, following)
    stack: list[Entry] = []
    numbered = False
    for block in blocks:
        if block.kind == "meta":
            continue
        if block.kind == "heading" and not block.marker and not numbered:
            block.kind = "title"  # "KẾ HOẠCH", "DỰ THẢO": the plan's title, not a section
            continue
        numbered = numbered or bool(block.marker) and block.rank < 60
        if block.kind == "heading" and not block.marker and block.md_level:
            # "## Về cấp nước" under "# II. NHIỆM VỤ": closes the unnumbered heading of the same or a
            # deeper level, nests under the rest, and holds the numbered items that follow it.
            same = [i for i, e in enumerate(stack) if e.md_level >= block.md_level]
            del stack[same[0] if same else len(stack):]
            block.rank = stack[-1].rank + 1 if stack else 0
            block.path = tuple(stack)
            stack.append(Entry(block.rank, "", block.text, True, block.md_level))
            continue
        if block.kind == "heading" or block.marker:
            while stack and stack[-1].rank >= block.rank:
                stack.pop()
            block.path = tuple(stack)
            stack.append(Entry(block.rank, block.marker if block.kind != "heading" or block.rank < 60 else "",
                               block.text, block.kind == "heading"))
            continue
        if block.kind == "bullet" and block.bullet != "+":
            while stack and stack[-1].rank >= 60:
                stack.pop()
        elif block.kind == "para" and not _LABEL.match(block.text):
            # A plain paragraph closes the numbered items above it, unless it is an attribute line
            # of the item ("Cơ quan tham mưu, thực hiện: …").
            while stack and not stack[-1].heading:
                stack.pop()
        block.path = tuple(stack)
    return blocks
