"""What the page shows, kept out of ``app.py`` so it can be tested on its own.

- ``text``: words and sentences of source text, with exact spans;
- ``highlight``: the words matching a query (diacritics optional, abbreviations expanded), best sentence;
- ``render``: source text to escaped HTML with marked spans;
- ``cite``: citations ("Kế hoạch số … ngày … của …, mục II.2") and filter labels;
- ``results``: search hits ready to show; a whole document with the passage marked;
- ``precedent``: closest wordings per plan for drafters, differences marked word by word;
- ``upload``: checking and storing uploaded plans;
- ``indexing``: folders (from the environment) and rebuilding the index with progress.
"""

from .cite import cite, implements_label, plan_label, section_label, short_body
from .highlight import Highlighter, best_sentence
from .indexing import BuildReport, Paths, index_exists, rebuild, version
from .precedent import PlanWordings, Wording, closest_wordings, diff_html
from .render import PASSAGE_ID, STYLE, to_html
from .results import Passage, document_html, passages
from .upload import ACCEPTED, MAX_BYTES, CheckedUpload, UploadError, check_upload, store_upload

__all__ = [
    "cite", "implements_label", "plan_label", "section_label", "short_body",
    "Highlighter", "best_sentence",
    "BuildReport", "Paths", "index_exists", "rebuild", "version",
    "PlanWordings", "Wording", "closest_wordings", "diff_html",
    "PASSAGE_ID", "STYLE", "to_html",
    "Passage", "document_html", "passages",
    "ACCEPTED", "MAX_BYTES", "CheckedUpload", "UploadError", "check_upload", "store_upload",
]
