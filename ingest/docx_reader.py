"""A .docx body as text the structure parser reads: headings as markdown, list numbers written out,
tables as rows of cells joined by " | ".

Word stores list numbers as numbering definitions, not text; they are recomputed here from
``numbering.xml`` (decimal, letters, roman numerals, bullets) so "a)" and "II." survive.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from .docx_runs import Fonts, paragraph_text, tracked_changes

_HEADING = re.compile(r"(?:Heading|Tiêu đề)\s*(\d)", re.IGNORECASE)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += numeral * count
    return out


def _letter(n: int) -> str:
    return "abcdđeghiklmnopqrstuvxy"[(n - 1) % 23]


_FORMATS = {
    "decimal": str,
    "lowerLetter": _letter,
    "upperLetter": lambda n: _letter(n).upper(),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
}


def _levels(doc) -> dict[tuple[str, int], tuple[str, str]]:
    """(numId, level) -> (numFmt, lvlText) from the numbering part, if any."""
    try:
        root = doc.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {}
    for a in root.findall(qn("w:abstractNum")):
        lv = {}
        for lvl in a.findall(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            text = lvl.find(qn("w:lvlText"))
            lv[int(lvl.get(qn("w:ilvl")))] = (
                fmt.get(qn("w:val")) if fmt is not None else "decimal",
                text.get(qn("w:val")) if text is not None else "%1.",
            )
        abstract[a.get(qn("w:abstractNumId"))] = lv
    out = {}
    for num in root.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        for ilvl, spec in abstract.get(ref.get(qn("w:val")) if ref is not None else None, {}).items():
            out[(num.get(qn("w:numId")), ilvl)] = spec
    return out


def _numpr(ppr):
    return ppr.numPr if ppr is not None else None


class _Numbering:
    def __init__(self, doc):
        self.levels = _levels(doc)
        self.counters: dict[str, list[int]] = {}

    def label(self, paragraph) -> str:
        numpr = _numpr(paragraph._p.pPr)
        style = paragraph.style
        while numpr is None and style is not None:  # list styles carry their numbering
            numpr = _numpr(style.element.pPr)
            style = style.base_style
        if numpr is None or numpr.numId is None:
            return ""
        num_id = str(numpr.numId.val)
        ilvl = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        fmt, text = self.levels.get((num_id, ilvl), ("bullet", ""))
        if fmt == "bullet" or fmt not in _FORMATS:
            return "- "
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        counts[ilvl + 1 :] = [0] * (8 - ilvl)
        label = text
        for i in range(ilvl + 1):
            fmt_i = self.levels.get((num_id, i), (fmt, ""))[0]
            label = label.replace(f"%{i + 1}", _FORMATS.get(fmt_i, str)(max(counts[i], 1)))
        return label + " "


def docx_text(data: bytes) -> str:
    return docx_read(data)[0]


def docx_read(data: bytes) -> tuple[str, str]:
    """(text, note): the note says what was converted ("TCVN3 → Unicode in 12 runs; tracked changes accepted")."""
    doc = Document(io.BytesIO(data))
    numbering, fonts = _Numbering(doc), Fonts(doc)
    blocks = []
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, doc)
            text = paragraph_text(element, fonts).strip()
            if not text:
                continue
            style = paragraph.style.name if paragraph.style is not None else ""
            heading = _HEADING.search(style)
            prefix = "#" * int(heading.group(1)) + " " if heading else ""
            blocks.append(prefix + numbering.label(paragraph) + text)
        elif element.tag == qn("w:tbl"):
            table = Table(element, doc)
            for row in table.rows:
                cells = ["\n".join(paragraph_text(p._p, fonts) for p in c.paragraphs).strip() for c in row.cells]
                if any(cells):
                    blocks.append(" | ".join(cells))
    notes = [f"{kind} → Unicode in {n} runs" for kind, n in sorted(fonts.converted.items())]
    if tracked_changes(doc.element.body):
        notes.append("tracked changes accepted")
    return "\n\n".join(blocks), "; ".join(notes)
