"""Hybrid ranking: dense similarity fused with an FTS5 lexical score and exact code hits."""
from __future__ import annotations

import dataclasses
import re

import numpy as np

MAX_QUERY_CHARS = 2000
# Codes founders type: visa codes (D-8-4, E-7, D-10-2) and programme acronyms (TIPS, OASIS, KOTRA).
CODE_RE = re.compile(r"(?<![\w-])([A-Za-z]{1,2}-\d{1,2}(?:-\d{1,2})?)(?![\w-])")
ACRONYM_RE = re.compile(r"(?<![\w&])([A-Z][A-Z&]{2,9})(?![\w&])")
ACRONYM_STOP = {"KRW", "USD", "THE", "AND", "FOR", "FAQ", "CEO", "URL", "PDF"}
CJK_RE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
# Weights of the fused score; tuned on the knowledge base's own example questions (kb calibrate).
LEXICAL_WEIGHT = 0.04
TITLE_CODE_BONUS = 0.12
TEXT_CODE_BONUS = 0.03
PASSAGE_OFFSET = 0.02


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


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def codes_in(text: str) -> set[str]:
    """Visa codes and acronyms mentioned in ``text``, normalised ("D-8-4" -> "d84")."""
    found = {normalize_code(m) for m in CODE_RE.findall(text)}
    found |= {normalize_code(m) for m in ACRONYM_RE.findall(text) if m not in ACRONYM_STOP}
    return found


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


def per_programme_max(scores: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Max of ``scores`` over each programme's contiguous block of chunks."""
    if scores.size == 0:
        return scores
    return np.maximum.reduceat(scores, starts)


def fuse(dense: np.ndarray, lexical: np.ndarray, code: np.ndarray) -> np.ndarray:
    """The final score: dense similarity plus a small lexical term and code bonuses."""
    top = lexical.max() if lexical.size and lexical.max() > 0 else 1.0
    return dense + LEXICAL_WEIGHT * (lexical / top) + code
