"""A library of plans: its folders, its index, and everything asked of it. The page, the API and the
command line are doors onto one ``Library``; none holds logic of its own beyond presentation.

    lib = Library.from_env()            # $PLANS_CORPUS, $PLANS_INDEX, $PLANS_CACHE
    if not lib.exists(): lib.build()    # first start: index the corpus folder
    result = lib.search("mục tiêu nước sạch nông thôn 2030", k=5)
    lib.add([("ke-hoach.docx", data)])  # check, store, re-index (only new text is embedded)

Reads are served from the index in memory while a build runs (in this process, or in another one: the
index on disk is swapped atomically and picked up on the next read). One process writes at a time
(``index.lock``); in this process, a second build while one runs waits for it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from index import Filters, Hit, HybridIndex, IndexBusy, IndexLoadError, SearchSettings, build_index
from index import progress as progress_file
from index.embedders import load_embedder
from index.lock import holder
from index.store import read_manifest
from ingest import Document
from targets import Target, extract_all
from targets.store import TargetsLoadError
from targets.store import read as read_targets
from vntext.query import Query, QueryError

from .answers import TargetAnswer, filter_targets
from .answers import answer as target_answer
from .groups import group as group_copies
from .marks import mark
from .places import PlaceScope, scope_of
from .precedent import PlanWordings, closest_wordings
from .uploads import CheckedUpload, UploadError, check_upload, store_upload

__all__ = ["Paths", "Library", "BuildReport", "Progress", "SearchResult", "AddReport", "NotFound", "QueryError",
           "IndexBusy", "IndexLoadError"]

ROOT = Path(__file__).resolve().parent.parent


class NotFound(LookupError):
    """No such document (or span of it); the message says which."""


def _path(variable: str, default: str) -> Path:
    p = Path(os.environ.get(variable) or default)
    return p if p.is_absolute() else ROOT / p


@dataclass(frozen=True)
class Paths:
    """Where a library lives: plan files, the index (a link swapped atomically), the embedding cache."""

    corpus: Path
    index: Path
    cache: Path

    @classmethod
    def from_env(cls) -> Paths:
        """``PLANS_CORPUS`` (default ``corpus/``), ``PLANS_INDEX`` (``data/index``), ``PLANS_CACHE``
        (``data/cache``); relative paths are taken from the project folder."""
        return cls(_path("PLANS_CORPUS", "corpus"), _path("PLANS_INDEX", "data/index"),
                   _path("PLANS_CACHE", "data/cache"))


@dataclass(frozen=True)
class BuildReport:
    documents: int
    passages: int
    embedded: int
    seconds: float
    errors: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    summary: dict = field(default_factory=dict)  # ingest.summary.tally: files read, converted, OCR'd, refused


@dataclass
class Progress:
    """A build under way (or the last one): passages embedded so far, and how it ended."""

    started: float
    done: int = 0
    total: int = 0
    finished: float | None = None
    report: BuildReport | None = None
    error: str = ""

    def to_dict(self) -> dict:
        out = {"running": self.finished is None, "started": _iso(self.started), "done": self.done,
               "total": self.total}
        if self.finished is not None:
            out["finished"] = _iso(self.finished)
        if self.report is not None:
            out["report"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(self.report).items()}
        if self.error:
            out["error"] = self.error
        return out


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t))


@dataclass(frozen=True)
class SearchResult:
    query: Query
    mode: str  # the mode that served the answer
    hits: list[Hit]
    filters: Filters = Filters()
    scope: PlaceScope | None = None  # the places the question named, and their plans
    grouped: bool = False  # near-identical passages were grouped: each hit's ``copies`` hold the others

    def to_dict(self) -> dict:
        """The command line's JSON contract: {"query", "mode", "grouped", "hits": [...]} (``Hit.to_dict``), with
        "places" when the question named some. Grouped, every hit has "copies" (possibly empty): the
        near-identical passages it stands for, each with its citation and differences (``service.groups``)."""
        out = {"query": self.query.raw, "mode": self.mode, "grouped": self.grouped,
               "hits": [h.to_dict() for h in self.hits]}
        if self.grouped:
            for row in out["hits"]:
                row.setdefault("copies", [])
        if self.filters:
            out["filters"] = self.filters.to_dict()
        if self.scope is not None:
            out["places"] = self.scope.to_dict()
            for hit, row in zip(self.hits, out["hits"], strict=True):
                if hit.document.id in self.scope.docs:
                    row["place_relation"] = self.scope.docs[hit.document.id]
        return out


@dataclass(frozen=True)
class AddReport:
    """What became of uploaded files: stored ones, refused ones (with the reason), and the build."""

    stored: tuple[CheckedUpload, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()  # (file name as given, Vietnamese reason)
    build: BuildReport | None = None
    build_error: str = ""  # indexing failed: the previous index keeps serving, files stay stored


@lru_cache(maxsize=2)
def shared_embedder(name: str | None):
    """The embedding model, loaded once per process whatever library uses it."""
    return load_embedder(name)


def _version(path: Path) -> str:
    """What identifies the index now on disk: the directory ``path`` links to (a new one per save)."""
    try:
        return f"{path.resolve()}@{(path / 'manifest.json').stat().st_mtime_ns}"
    except OSError:
        return ""


def serve_from_env():
    """What serves each loaded index: Milvus at ``$PLANS_MILVUS_URI`` (collection ``$PLANS_MILVUS_COLLECTION``,
    default "plans"; ``$MILVUS_TOKEN`` for a cluster that asks for one) after ``python -m index milvus-load``,
    or None for the embedded engines."""
    uri = os.environ.get("PLANS_MILVUS_URI", "").strip()
    if not uri:
        return None
    from index.milvus import DEFAULT_COLLECTION, MilvusIndex, MilvusStore

    collection = os.environ.get("PLANS_MILVUS_COLLECTION", "").strip() or DEFAULT_COLLECTION
    store: list[MilvusStore] = []

    def serve(index: HybridIndex) -> HybridIndex:
        store[:] = store or [MilvusStore(uri, collection, os.environ.get("MILVUS_TOKEN"))]
        return MilvusIndex.connect(index, store[0])

    return serve


class Library:
    def __init__(self, paths: Paths, embedder=None, model: str | None = None, dense: bool = True,
                 serve: Callable[[HybridIndex], HybridIndex] | None = None):
        """``embedder`` or ``model`` (a name): the embedding model to build with (default: the bundled one);
        ``dense=False``: keyword search only, no model loaded (small tools, tests, first minutes of a library);
        ``serve``: what answers for each index loaded (e.g. ``index.milvus.MilvusIndex.connect``: a search server).
        """
        self.paths, self.dense, self._serve = paths, dense, serve
        self._embedder, self._model = embedder, model
        self._index: HybridIndex | None = None
        self._version = ""
        self._read = threading.RLock()  # loading, and the model (not known to be thread-safe)
        self._write = threading.Lock()  # one build at a time in this process
        self.progress: Progress | None = None
        self._pending_lock = threading.Lock()
        self._pending = False
        self._worker: threading.Thread | None = None

    @classmethod
    def from_env(cls, **kw) -> Library:
        """The library of ``Paths.from_env()``, served from Milvus when ``$PLANS_MILVUS_URI`` names one."""
        return cls(Paths.from_env(), **{"serve": serve_from_env(), **kw})

    # -- the index --------------------------------------------------------------------------------
    def exists(self) -> bool:
        return (self.paths.index / "manifest.json").is_file()

    def _embedder_for(self, name: str | None):
        if self._embedder is not None and (name is None or self._embedder.name == name):
            return self._embedder
        return shared_embedder(name)

    def index(self) -> HybridIndex:
        """The index now on disk, loaded once per version; ``IndexLoadError`` if none or damaged."""
        now = _version(self.paths.index)
        if self._index is not None and now in ("", self._version):
            if self._index.integrity is not None:
                self._index.integrity.check(wait=False)
            return self._index
        if self._index is None and not self.exists() and self.building():
            p = self.progress
            raise IndexLoadError(f"the index is being built ({p.done}/{p.total or '?'} passages embedded); "
                                 "try again shortly")
        with self._read:
            if self._index is None or now != self._version:
                self._index, self._version = self._load(), now
        if self._index.integrity is not None:  # a damaged file found by the check of its large files
            self._index.integrity.check(wait=False)
        return self._index

    def _load(self, tries: int = 3) -> HybridIndex:
        """The index on disk; retried when a writer swapped it while it was being read."""
        for attempt in range(tries):
            before = _version(self.paths.index)
            try:
                model = read_manifest(self.paths.index)["model"]["name"]
                embedder = self._embedder_for(model) if model is not None else None
                index = HybridIndex.load(self.paths.index, embedder=embedder)
                return self._serve(index) if self._serve else index
            except IndexLoadError:
                if attempt == tries - 1 or _version(self.paths.index) == before:
                    raise
        raise AssertionError("unreachable")

    @property
    def version(self) -> str:
        """Identifies the index now served (a new value whenever a new one is swapped in)."""
        return self._version

    def build(self, progress: Callable[[int, int], None] | None = None, **params) -> BuildReport:
        """Index every plan in the corpus folder (only text not in the cache is embedded) and serve it.

        The new index replaces the old one on disk in one atomic step once complete: a failure leaves
        the previous one serving. Raises ``ValueError`` when no plan can be read, ``IndexBusy`` when
        another process is writing the index.
        """
        with self._write:
            state = self.progress = Progress(time.time())

            def step(done: int, total: int) -> None:
                state.done, state.total = done, total
                if progress:
                    progress(done, total)

            try:
                embedder = self._embedder_for(self._model) if self.dense else None
                index, _, stats = build_index(self.paths.corpus, self.paths.index, embedder, step,
                                              cache_dir=str(self.paths.cache), dense=self.dense, **params)
            except BaseException as e:
                state.error, state.finished = f"{type(e).__name__}: {e}", time.time()
                raise
            index.manifest = read_manifest(self.paths.index)  # as a loaded index has it (model, created)
            with self._read:
                self._index, self._version = index, _version(self.paths.index)
            report = BuildReport(stats["documents"], stats["chunks"], stats["embedded"], stats["seconds"],
                                 tuple(stats["errors"]), *(tuple(stats[k]) for k in ("added", "changed", "removed")),
                                 stats.get("summary", {}))
            state.report, state.finished = report, time.time()
            return report

    def building(self) -> bool:
        return self.progress is not None and self.progress.finished is None

    def build_in_background(self) -> bool:
        """Build in a thread; if one is running in this process, it builds once more when done (so files
        stored meanwhile are taken in). Returns False in that case."""
        with self._pending_lock:
            self._pending = True
            if self._worker is not None and self._worker.is_alive():
                return False
            self.progress = Progress(time.time())  # visible at once, before the thread takes the lock
            self._worker = threading.Thread(target=self._background_builds, name="plans-build", daemon=True)
            self._worker.start()
            return True

    def _background_builds(self) -> None:
        while True:
            with self._pending_lock:
                if not self._pending:
                    self._worker = None
                    return
                self._pending = False
            try:
                self.build()
            except Exception:  # noqa: BLE001, S110 — recorded in self.progress.error, shown by status()
                pass

    # -- adding plans -----------------------------------------------------------------------------
    def check(self, name: str, data: bytes) -> CheckedUpload:
        """Check one file as an upload (type, size, readable text, not a duplicate); ``UploadError``."""
        known = self.index().documents.values() if self.exists() else ()
        return check_upload(name, data, self.paths.corpus, known)

    def add(self, files: Iterable[tuple[str, bytes]], progress=None, background: bool = False,
            each: Callable[[str, str | None], None] | None = None) -> AddReport:
        """Check and store each file in the corpus folder, one by one (each read in a worker process within
        ``ingest.limits``), then re-index (now, or in a background thread).

        A refused file is reported with its reason and the others go in. When indexing fails, the files
        stay stored (taken in at the next update) and the previous index keeps serving. ``each(name,
        outcome)`` is told of every file: outcome None as its check starts, then "" (stored) or the reason.
        """
        stored, refused = [], []
        for name, data in files:
            if each:
                each(name, None)
            reason = ""
            try:
                checked = self.check(name, data)
                store_upload(checked, self.paths.corpus)
                stored.append(checked)
            except UploadError as e:
                reason = str(e)
            except OSError as e:
                reason = f"Không lưu được tệp “{name}”: {e.strerror or e}."
            if reason:
                refused.append((name, reason))
            if each:
                each(name, reason)
        if not stored:
            return AddReport((), tuple(refused))
        if background:
            self.build_in_background()
            return AddReport(tuple(stored), tuple(refused))
        try:
            return AddReport(tuple(stored), tuple(refused), self.build(progress))
        except Exception as e:  # noqa: BLE001 — the old index keeps serving; the caller shows why
            return AddReport(tuple(stored), tuple(refused), None, f"{type(e).__name__}: {e}")

    # -- reading ----------------------------------------------------------------------------------
    def search(self, query: str | Query, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
               settings: SearchSettings | None = None, places: bool = True, group: bool = True,
               marks: bool = True) -> SearchResult:
        """Passages answering ``query``, each with its matched words and best sentence marked.

        ``group`` (on by default): near-identical passages of several plans are one hit, the best of them,
        with the others as its ``copies`` (``service.groups``), so the ``k`` hits are ``k`` different
        answers; further candidates are taken in to fill ``k``.

        A question naming a place (``places``, on by default) is answered from that place's plans, the place
        words left out of the search (``service.places``); the result's ``scope`` says which.
        Raises ``QueryError`` for a query that is too long or not text, ``ValueError`` for a bad mode or
        ``k``. Before the index has vectors, any mode is answered by BM25 and the result says so.
        ``marks=False`` leaves the matched words and best sentence unmarked (the evaluation: ranking only).
        """
        query, filters = Query.parse(query), filters or Filters()
        if not 1 <= k <= 1000:
            raise ValueError(f"k must be between 1 and 1000, not {k}")
        index = self.index()
        served = mode if mode in index.modes else "bm25"
        scope = scope_of(query.raw, index.documents) if places and query else None
        searched, tiers = query, [filters]
        if scope is not None and scope.docs:
            allowed = frozenset(scope.docs)
            tiers = [replace(filters, doc_ids=filters.doc_ids & t if filters.doc_ids else t) for t in scope.tiers()
                     if not filters.doc_ids or filters.doc_ids & t]
            filters = replace(filters, doc_ids=filters.doc_ids & allowed if filters.doc_ids else allowed)
            tiers = tiers or [filters]
            searched = Query.parse(scope.query) or query  # a question that was only a place keeps its words
        with self._read:
            hits = []
            for tier in tiers:  # the place's own plans first, then those above and below it (places.TIERS)
                n = k - len(hits)
                if n <= 0:
                    break
                if group:
                    pool = max(n, (settings or index.settings).candidates)
                    hits += group_copies(index.search(searched, pool, served, tier, settings), n)
                else:
                    hits += index.search(searched, n, served, tier, settings)
            hits = [replace(h, rank=r) for r, h in enumerate(hits, 1)]
            hits = mark(hits, searched, index.embedder) if marks else hits
        return SearchResult(query, served, hits, filters, scope, group)

    def precedent(self, text: str, mode: str = "hybrid", filters: Filters | None = None,
                  per_plan: int = 2) -> list[PlanWordings]:
        """The closest wordings of ``text`` in each plan, best plan first (see ``service.precedent``)."""
        query = Query.parse(text)
        if not query:
            return []
        index = self.index()
        served = mode if mode in index.modes else "bm25"
        with self._read:
            rows = index.scores(query, served, filters)
        return closest_wordings(query.raw, [index.chunks[i] for i in rows], index.documents, per_plan)

    def documents(self) -> list[Document]:
        return list(self.index().documents.values())

    def document(self, doc_id: str) -> Document:
        doc = self.index().documents.get(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id!r} in the library")
        return doc

    def span(self, doc_id: str, start: int | None = None, end: int | None = None) -> tuple[Document, int, int]:
        """A document and a checked span of it (the whole text by default)."""
        doc = self.document(doc_id)
        start = 0 if start is None else start
        end = len(doc.text) if end is None else end
        if not 0 <= start <= end <= len(doc.text):
            raise ValueError(f"span [{start}:{end}] is outside document {doc_id!r} (0–{len(doc.text)} characters)")
        return doc, start, end

    # -- targets (chỉ tiêu) -------------------------------------------------------------------------
    def all_targets(self) -> list[Target]:
        """Every target of every plan, as stored with the index (extracted at once from an index built
        before targets were stored)."""
        index = self.index()
        version = self._version
        cached = getattr(self, "_targets", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        try:
            rows = read_targets(self.paths.index)
        except TargetsLoadError:
            rows = extract_all(index.documents.values())
        self._targets = (version, rows)
        return rows

    def targets(self, query: str = "", year: str | None = None, place: str | None = None,
                plan: Iterable[str] = (), key: str | None = None) -> list[Target]:
        """The targets the filters keep (``service.answers.filter_targets``), in plan and document order."""
        return filter_targets(self.all_targets(), self.index().documents, Query.parse(query).raw if query else "",
                              year, place, plan, key)

    def target_answer(self, question: str | Query) -> TargetAnswer | None:
        """The answer card when ``question`` asks for a target, else None (``service.answers``)."""
        query = Query.parse(question)
        return target_answer(query.raw, self.all_targets(), self.index().documents) if query else None

    # -- status -----------------------------------------------------------------------------------
    def status(self) -> dict:
        """What the library holds, which mode serves, and the build under way or last finished."""
        out: dict = {"corpus": str(self.paths.corpus), "index": str(self.paths.index), "ready": False}
        try:
            index = self.index()
        except IndexLoadError as e:
            out["error"] = str(e)
        else:
            manifest = getattr(index, "manifest", {})
            out.update(ready=True, documents=len(index.documents), passages=len(index.chunks),
                       modes=list(index.modes), model=manifest.get("model", {}).get("name"),
                       created=manifest.get("created"))
        shared = progress_file.read(self.paths.index)  # the stage, from whichever process builds
        other = holder(self.paths.index) if not self.building() else None
        if self.progress is not None:
            out["build"] = self.progress.to_dict()
            if self.building() and shared:
                out["build"]["stage"] = shared["stage"]
        if other is not None:  # another process is writing the index
            out["writer"] = other
            if shared:
                out["build"] = {"running": True, "stage": shared["stage"], "done": shared["done"],
                                "total": shared["total"], "started": _iso(shared["started"]), "pid": shared["pid"]}
        return out
