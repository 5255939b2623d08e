"""What the page shows, kept out of ``app.py`` so it can be tested on its own. Presentation only: the
service (``service``) finds, marks and stores; this turns its records into citations and HTML.

- ``render``: source text to escaped HTML with marked spans;
- ``cite``: citations ("Kế hoạch số … ngày … của …, mục II.2") and filter labels;
- ``results``: marked hits ready to show; a whole document with the passage marked;
- ``precedent``: a plan's wording beside the draft, differences marked word by word.
"""

from .cite import cite, implements_label, locality_label, plan_label, section_label, short_body
from .precedent import deviation_label, diff_html, usage_html
from .render import PASSAGE_ID, STYLE, md_escape, to_html
from .results import CopyView, Passage, copies_label, document_html, passage

__all__ = [
    "cite", "implements_label", "locality_label", "plan_label", "section_label", "short_body",
    "diff_html", "usage_html", "deviation_label",
    "PASSAGE_ID", "STYLE", "md_escape", "to_html",
    "Passage", "CopyView", "copies_label", "document_html", "passage",
]
