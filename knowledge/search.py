"""Hybrid ranking: dense similarity and a linear programme classifier, fused with an FTS5 lexical
score and exact code hits."""
from __future__ import annotations

import dataclasses
import re

import numpy as np

MAX_QUERY_CHARS = 2000
# Codes founders type: visa codes (D-8-4, E-7, D-10-2) and programme acronyms (TIPS, OASIS, KOTRA).
CODE_RE = re.compile(r"(?<![\w-])([A-Za-z]{1,2}-\d{1,2}(?:-\d{1,2})?)(?![\w-])")
ACRONYM_RE = re.compile(r"(?<![\w&])([A-Z]{3,9})(?![\w&])")
ACRONYM_STOP = {"KRW", "USD", "THE", "AND", "FOR", "FAQ", "CEO", "URL", "PDF"}
CJK_RE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
# Weights of the fused score, chosen with ``kb calibrate``'s held-out test: the knowledge base's own
# example questions in five folds, each question's translations held out of every index with it.
# Dense top-k mean alone: P@1 0.555; plus the classifier at 0.25: 0.703; plus BM25 at 0.01: 0.712.
# BM25 over trigrams only breaks near-ties: generic words ("help", "free") match many programmes.
LEXICAL_WEIGHT = 0.01
# The classifier is ridge regression from chunk vectors to a one-hot programme label. Where nearest
# neighbours reward a programme for repeating a query's generic words, the classifier learns which
# directions of the embedding separate programmes (an "office" need versus a "legal" one), from every
# language at once. Closed form, so it is refitted whenever the knowledge base changes: milliseconds for
# the seed KB, a few seconds at 10,000 programmes.
CLASSIFIER_WEIGHT = 0.25
RIDGE_LAMBDA = 0.3
TITLE_CODE_BONUS = 0.12
TEXT_CODE_BONUS = 0.03
# A programme's dense score is the mean of its TOP_K most similar chunks (over every language's
# title, texts and example questions): more robust across languages than the single best chunk.
TOP_K = 10
# A code names a programme only if few programmes carry it in their titles ("R&D" or "ICT" do not).
MAX_PROGRAMMES_PER_CODE = 2


@dataclasses.dataclass
class Hit:
    """One programme found for a query."""

    id: str
    score: float
    title: str = ""
    category: str = ""
    dense: float = 0.0
    lexical: float = 0.0
    code: float = 0.0

    def to_dict(self) -> dict:
        return {"id": self.id, "score": round(self.score, 4), "title": self.title}


@dataclasses.dataclass
class SearchResult:
    """Ranked programmes for one query and whether the best is good enough to answer with."""

    query: str
    lang: str
    lang_confidence: float
    answerable: bool
    hits: list[Hit]
    threshold: float = 0.0

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    def to_dict(self) -> dict:
        return {"q": self.query, "lang": self.lang, "answerable": self.answerable,
                "results": [h.to_dict() for h in self.hits]}


@dataclasses.dataclass
class Scores:
    """Everything computed for one query: per-programme arrays plus the answerability features."""

    index: object
    dense: np.ndarray       # mean of each programme's best chunks
    fused: np.ndarray       # dense + classifier + lexical + code bonuses: the ranking
    lexical: np.ndarray
    code: np.ndarray
    nearest: float          # similarity of the single nearest chunk
    nearest_negative: float  # similarity of the nearest known non-question

    @property
    def top(self) -> float:
        return float(self.dense.max()) if self.dense.size else 0.0

    @property
    def novelty(self) -> float:
        """How much nearer the knowledge base is than the known non-questions."""
        return self.nearest - self.nearest_negative


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def codes_in(text: str) -> set[str]:
    """Visa codes and acronyms mentioned in ``text``, normalised ("D-8-4" -> "d84")."""
    found = {normalize_code(m) for m in CODE_RE.findall(text)}
    found |= {normalize_code(m) for m in ACRONYM_RE.findall(text) if m not in ACRONYM_STOP}
    return found


def visa_codes_in(text: str) -> set[str]:
    """Only visa-style codes ("D-8-4", "E-7"): distinctive even in body text."""
    return {normalize_code(m) for m in CODE_RE.findall(text)}


def lexical_terms(text: str, limit: int = 32) -> list[str]:
    """FTS5 trigram terms: words of 3+ characters; CJK runs split into overlapping trigrams."""
    terms: list[str] = []
    for token in re.findall(r"\w+", text.lower()):
        if CJK_RE.search(token) and len(token) > 3:
            terms.extend(token[i:i + 3] for i in range(len(token) - 2))
        elif len(token) >= 3:
            terms.append(token)
    unique = list(dict.fromkeys(terms))
    return unique[:limit]


def fts_expression(terms: list[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def block_layout(starts: np.ndarray, total: int) -> np.ndarray:
    """(programmes, longest block) matrix of row numbers into the chunk matrix; -1 pads short blocks."""
    if not len(starts):
        return np.zeros((0, 0), dtype=np.int64)
    ends = np.append(starts[1:], total)
    width = int((ends - starts).max())
    layout = np.full((len(starts), width), -1, dtype=np.int64)
    for i, (a, b) in enumerate(zip(starts, ends)):
        layout[i, : b - a] = np.arange(a, b)
    return layout


def per_programme_topk(scores: np.ndarray, layout: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """Mean of each programme's ``k`` best chunk scores (fewer if it has fewer chunks)."""
    if layout.size == 0:
        return np.zeros(len(layout), dtype=np.float32)
    filled = np.where(layout >= 0, scores[np.maximum(layout, 0)], -np.inf)
    k = min(k, filled.shape[1])
    top = -np.partition(-filled, k - 1, axis=1)[:, :k]
    valid = np.isfinite(top)
    return np.where(valid, top, 0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)


def fit_classifier(matrix: np.ndarray, starts: np.ndarray, lam: float = RIDGE_LAMBDA) -> np.ndarray:
    """Ridge regression from chunk vectors to their programme: a (dim, programmes) weight matrix.

    ``matrix`` rows are grouped by programme, each block beginning at ``starts``; so the one-hot
    target product ``X^T Y`` is a sum of rows per block and never needs a (chunks, programmes) array.
    """
    dim = matrix.shape[1]
    if not len(starts):
        return np.zeros((dim, 0), dtype=np.float32)
    gram = matrix.T @ matrix
    gram[np.diag_indices(dim)] += lam
    sums = np.add.reduceat(matrix, starts, axis=0).T
    return np.linalg.solve(gram.astype(np.float64), sums.astype(np.float64)).astype(np.float32)


def fuse(dense: np.ndarray, learned: np.ndarray, lexical: np.ndarray, code: np.ndarray) -> np.ndarray:
    """The final score: dense similarity, the classifier's score, a small lexical term and code bonuses."""
    top = lexical.max() if lexical.size and lexical.max() > 0 else 1.0
    return dense + CLASSIFIER_WEIGHT * learned + LEXICAL_WEIGHT * (lexical / top) + code
