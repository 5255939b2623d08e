"""The service layer: one ``Library`` owns a collection of plans (folders, index, build, uploads) and
answers everything asked of it — search with marked passages, precedent wording, documents and spans,
status. The page (``app.py``), the REST API (``api/``) and the command lines are thin doors onto it.

- ``library``: ``Library``, ``Paths``, build reports and progress, search results;
- ``marks``: the query's words and best sentence of each hit, as document offsets;
- ``precedent``: the closest wordings of a draft in each plan;
- ``uploads``: checking and storing an uploaded plan (type, size, readable, not a duplicate).
"""

from index import MODES, Filters, SearchSettings

from .library import (
    AddReport,
    BuildReport,
    IndexBusy,
    IndexLoadError,
    Library,
    NotFound,
    Paths,
    Progress,
    QueryError,
    SearchResult,
)
from .precedent import PlanWordings, Wording
from .uploads import ACCEPTED, MAX_BYTES, CheckedUpload, UploadError

__all__ = ["Library", "Paths", "MODES", "Filters", "SearchSettings", "BuildReport", "Progress", "SearchResult",
           "AddReport", "NotFound", "QueryError", "IndexBusy", "IndexLoadError", "PlanWordings", "Wording",
           "ACCEPTED", "MAX_BYTES", "CheckedUpload", "UploadError"]
