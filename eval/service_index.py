"""The evaluation asks its questions through the service, as the page and the API do.

``ServiceIndex`` wraps a ``service.Library``: ``search`` is ``Library.search`` (a question naming a place is
answered from that place's plans, ``service.places``), and ``documents``/``chunks``/``params`` are those of
the index it serves — what ``eval.runner`` reads of an index. The words matched and the best sentence are
not marked (``marks=False``): they change no ranking, and marking costs more than the search itself.
Near-identical passages are not grouped unless asked (``grouped()``): a relevant copy grouped under another
plan's passage would otherwise not count as found. ``places=False`` asks the same index without
place scoping (the comparison the locality evaluation prints).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from index.embedding_cache import default_cache_dir
from service.library import Library, Paths

__all__ = ["ServiceIndex", "library_index"]


class ServiceIndex:
    def __init__(self, library: Library, places: bool = True, keep=None, group: bool = False):
        self.library, self.places, self.group = library, places, group
        self._keep = keep  # a temporary folder that lives as long as this object

    @property
    def index(self):
        return self.library.index()

    @property
    def documents(self):
        return self.index.documents

    @property
    def chunks(self):
        return self.index.chunks

    @property
    def params(self):
        return self.index.params

    @property
    def modes(self):
        return self.index.modes

    def search(self, query, k: int = 10, mode: str = "hybrid"):
        return self.library.search(query, k=k, mode=mode, places=self.places, group=self.group, marks=False).hits

    def without_places(self) -> ServiceIndex:
        return ServiceIndex(self.library, places=False, keep=self._keep, group=self.group)

    def grouped(self) -> ServiceIndex:
        """Near-identical passages of several plans as one result (``Library.search(group=True)``)."""
        return ServiceIndex(self.library, places=self.places, keep=self._keep, group=True)


def _bar(desc: str):
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="chunk", file=sys.stderr, leave=False)

    def step(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return step


def library_index(corpus="corpus", modes=("hybrid", "bm25", "dense"), index_dir=None, cache_dir=None,
                  embedder=None, progress: bool = True, **params) -> ServiceIndex:
    """A ``Library`` of ``corpus`` indexed into ``index_dir`` (a temporary folder when None; an existing index
    there is updated: only new text is embedded), wrapped for the evaluation. Without a dense mode among
    ``modes`` the library is keyword-only (no model loaded, nothing embedded)."""
    keep = None
    if index_dir is None:
        keep = tempfile.TemporaryDirectory(prefix="plans-eval-")
        index_dir = Path(keep.name) / "index"
    dense = not set(modes) <= {"bm25"}
    paths = Paths(Path(corpus).resolve(), Path(index_dir).resolve(),
                  Path(cache_dir or default_cache_dir()).resolve())
    library = Library(paths, embedder=embedder, dense=dense)
    library.build(_bar("Embedding passages (cached ones skipped)") if progress and dense else None, **params)
    return ServiceIndex(library, keep=keep)
