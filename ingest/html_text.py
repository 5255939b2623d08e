"""The text of a plan inside a web page saved from a legal portal (.html, .htm), without menus, scripts,
styles, forms, headers and footers.

Where the page marks the document's own text (an element whose id or class names the content, as the
portals do: "toanvancontent", "divContentDoc", "content1", "fulltext"…), only that element is read; else
the whole body less the page furniture. Block elements become paragraph breaks, table cells " | ".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_text", "MAX_HTML"]

MAX_HTML = 20 * 2**20
_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select",
         "iframe", "svg", "menu", "head", "object"}
_FURNITURE = re.compile(r"(?:^|[\s_-])(?:menu|nav|navbar|breadcrumbs?|footer|header|sidebar|banner|social|share|"
                        r"comment|comments|login|search|advert|ads|related|toolbar|cookie)(?:$|[\s_-])", re.IGNORECASE)
_CONTENT = re.compile(r"toanvan|contentdoc|content1|fulltext|noidung|vanban|doc-?content|article-?body",
                      re.IGNORECASE)
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
          "blockquote", "pre", "ul", "ol", "dd", "dt"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, content)
        self.all: list[str] = []
        self.content: list[str] = []

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _in_content(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        names = " ".join(v or "" for k, v in attrs if k in ("id", "class", "role"))
        skipped = self._skipped() or tag in _SKIP or bool(_FURNITURE.search(names)) and tag not in ("body", "html")
        content = self._in_content() or bool(_CONTENT.search(names))
        if tag in _BLOCK:
            self._emit("\n")
        elif tag in ("td", "th"):
            self._emit(" | ")
        if tag not in _VOID:
            self.stack.append((tag, skipped, content))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # close up to the matching tag (HTML in the wild)
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag in _BLOCK:
            self._emit("\n")

    def handle_data(self, data):
        if not self._skipped():
            self._emit(data)

    def _emit(self, text: str) -> None:
        self.all.append(text)
        if self._in_content():
            self.content.append(text)


def _tidy(parts: list[str]) -> str:
    lines = (re.sub(r"[ \t\xa0\u200b]+", " ", line).strip().strip("|").strip() for line in "".join(parts).split("\n"))
    return "\n\n".join(line for line in lines if line)


def html_text(html: str) -> str:
    """The document text of an HTML page (see the module's doc)."""
    if len(html) > MAX_HTML:
        raise ValueError(f"the page is over {MAX_HTML // 2**20} MB of HTML")
    parser = _Text()
    parser.feed(html)
    parser.close()
    content = _tidy(parser.content)
    return content if len(content) > 200 else _tidy(parser.all)


def charset(data: bytes) -> str | None:
    """The encoding a page declares in its first 4 KB (<meta charset=…>)."""
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", data[:4096], re.IGNORECASE)
    return m.group(1).decode("ascii").lower() if m else None
