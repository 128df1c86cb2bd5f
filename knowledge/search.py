"""Hybrid ranking: dense similarity and a linear programme classifier, fused with a lexical term
overlap (over an FTS5 index of each programme's terms) and exact code hits."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import re
import unicodedata

import numpy as np

MAX_QUERY_CHARS = 2000
# Codes founders type: visa codes (D-8-4, E-7, D-10-2) and programme acronyms (TIPS, OASIS, KOTRA).
CODE_RE = re.compile(r"(?<![\w-])([A-Za-z]{1,2}-\d{1,2}(?:-\d{1,2})?)(?![\w-])")
ACRONYM_RE = re.compile(r"(?<![\w&])([A-Z]{3,9})(?![\w&])")
ACRONYM_STOP = {"KRW", "USD", "THE", "AND", "FOR", "FAQ", "CEO", "URL", "PDF"}
CJK_RE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
# Weights of the fused score, chosen with ``kb calibrate``'s held-out test (the knowledge base's own
# example questions in five folds, each question's translations held out of every index with it) and
# with 429 founder questions in 13 languages written apart from the knowledge base (bench/eval/).
# Held-out P@1: dense top-k mean alone 0.555; plus the classifier 0.703; plus term overlap 0.769;
# with texts and questions weighted equally in the classifier's fit 0.789.
# Founder questions: 0.858 without term overlap, 0.916 with it. A BM25 term over a trigram index of
# every chunk, used before term overlap, added nothing beside it and was dropped.
#
# Term overlap counts the query's distinctive words (weighted by how few programmes use them) that
# a programme's texts contain in any language: a founder's "특허", "Gunsan" or "văn phòng" pulls
# towards the programmes that say so, where a small encoder blurs a rare word into the sentence.
TERM_WEIGHT = 0.06
COMMON_TERM_SHARE = 0.5
# Words longer than STEM_CHARS also give their first STEM_CHARS characters as a term, a crude stem that
# works in any language: Mongolian, Uzbek, Russian or Hindi inflect a word's ending ("оруулалтын",
# "оруулах"). Held-out P@1 0.790 -> 0.796 (mn 0.731 -> 0.751, uz 0.690 -> 0.704), founder questions
# 0.939 -> 0.942; prefixes of 5 to 8 characters all did about as well, 4 lost Japanese and Korean lines.
STEM_CHARS = 6
# Bump when overlap_terms or term_keys change: the stored term index is then rebuilt on next use.
TERMS_VERSION = "4"
CLASSIFIER_WEIGHT = 0.2
RIDGE_LAMBDA = 0.3
# The classifier learns from a programme's texts and from its example questions, and there are
# about five questions (in 13 languages) for every text. Weighted by count, the questions' wording
# decided the classifier's vote; weighting the texts up so that both kinds count equally raised
# held-out P@1 from 0.769 to 0.789 and the founder questions from 0.925 to 0.932 (any text weight
# from 2 to 10 did about as well; equal shares is the choice that needs no tuning).
TITLE_CODE_BONUS = 0.12
TEXT_CODE_BONUS = 0.03
# A programme's dense score is the mean of its TOP_K most similar chunks (over every language's
# title, texts and example questions): more robust across languages than the single best chunk.
TOP_K = 10
# A code names a programme only if few programmes carry it in their titles ("R&D" or "ICT" do not).
MAX_PROGRAMMES_PER_CODE = 2
# A common name the programme's record lists ("창업비자", "startup visa") in the question. Half a title
# code: founders use such names more loosely than codes. The small encoder blurs "창업비자" (startup
# visa) and "취업비자" (work visa) together; the name tells them apart. On the held-out example
# questions any bonus from 0.03 to 0.12 changed P@1 by at most 0.001.
NAME_BONUS = 0.06


@dataclasses.dataclass
class Hit:
    """One programme found for a query."""

    id: str
    score: float
    title: str = ""
    category: str = ""
    dense: float = 0.0
    overlap: float = 0.0
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
    confidence: float | None = None  # the answer gate's P(the knowledge base answers it); default from answerable
    names_programme: bool = False  # the query names a programme's code ("D-8-4", "TIPS")

    def __post_init__(self):
        if self.confidence is None:
            self.confidence = 1.0 if self.answerable else 0.0

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
    fused: np.ndarray       # dense + classifier + term overlap + code bonuses: the ranking
    overlap: np.ndarray
    code: np.ndarray
    nearest: float          # similarity of the single nearest chunk
    nearest_negative: float  # similarity of the nearest known non-question
    learned: np.ndarray | None = None  # the classifier's score per programme

    @property
    def top(self) -> float:
        return float(self.dense.max()) if self.dense.size else 0.0

    @property
    def novelty(self) -> float:
        """How much nearer the knowledge base is than the known non-questions."""
        return self.nearest - self.nearest_negative

    def gate_features(self) -> np.ndarray:
        """The answer gate's inputs (AnswerGate.FEATURES)."""
        learned = float(self.learned.max()) if self.learned is not None and self.learned.size else 0.0
        return np.array([self.top, self.novelty, learned], dtype=np.float64)


@dataclasses.dataclass
class AnswerGate:
    """Whether a query is one the knowledge base answers: a logistic regression on three scores.

    Fitted by ``kb calibrate`` on the knowledge base's own example questions (each held out, with its
    translations, of the index and the classifier) against known non-questions. A line through the
    three scores replaced two cut-offs (best dense score >= t and novelty >= m), fitted on the same data:
    of the 429 founder questions, written apart from the knowledge base, it answers 98.8 % instead of
    96.5 %, and it rejects 98.7 % of the 874 conversation lines (greetings, thanks, requests for a person,
    off-topic) against 99.0 % (bench/eval/).
    """

    FEATURES = ("top", "novelty", "learned")
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(answerable) for one feature vector or a matrix of them."""
        z = ((np.asarray(features) - self.mean) / self.scale) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def fit(cls, positives: np.ndarray, negatives: np.ndarray, l2: float = 1.0) -> "AnswerGate":
        """Class-balanced, L2-regularised logistic regression (Newton steps) on standardised features."""
        x = np.vstack([positives, negatives]).astype(np.float64)
        y = np.r_[np.ones(len(positives)), np.zeros(len(negatives))]
        mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-9)
        xb = np.c_[(x - mean) / scale, np.ones(len(x))]
        weight = np.where(y == 1, len(y) / (2 * len(positives)), len(y) / (2 * len(negatives)))
        penalty = np.r_[np.full(x.shape[1], l2), 0.0]
        beta = np.zeros(xb.shape[1])
        for _ in range(100):
            p = 1.0 / (1.0 + np.exp(-xb @ beta))
            gradient = xb.T @ (weight * (p - y)) + penalty * beta
            hessian = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(penalty)
            step = np.linalg.solve(hessian, gradient)
            beta -= step
            if np.abs(step).max() < 1e-9:
                break
        return cls(mean=mean.tolist(), scale=scale.tolist(), coef=beta[:-1].tolist(), intercept=float(beta[-1]))

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "AnswerGate":
        return cls(**json.loads(text))


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


# Uzbek is written with ʻ and ʼ (letters to \\w) or with ' (not): split at any of them, on both sides,
# so "oʻzbek" and "o'zbek" give the same terms; French "l'étranger" gives "étranger".
_APOSTROPHES = str.maketrans({c: " " for c in "'‘’`´ʻʼ"})


@functools.cache
def _word_re() -> re.Pattern:
    """Runs of word characters and combining marks: Python's ``\\w`` alone splits Hindi "वीज़ा" at its
    vowel signs (category Mc/Mn), and Arabic words at their diacritics."""
    ranges, start, prev = [], None, None
    for code in range(0x300, 0x10000):  # the marks beyond the BMP belong to historic scripts
        if unicodedata.category(chr(code)).startswith("M"):
            if start is None:
                start = code
            elif code != prev + 1:
                ranges.append((start, prev))
                start = code
            prev = code
    ranges.append((start, prev))
    marks = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(rf"[\w{marks}]+")


def overlap_terms(text: str) -> set[str]:
    """The terms of term overlap: words of 2+ characters, their stems (``STEM_CHARS``) and word pairs;
    CJK runs as 2- and 3-grams, so Korean spacing ("창업비자" / "창업 비자") and unsegmented Chinese and
    Japanese still match."""
    terms: set[str] = set()
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    words = _word_re().findall(text.lower())
    for i, token in enumerate(words):
        if CJK_RE.search(token):
            for n in (2, 3):
                if len(token) <= n:
                    terms.add(token)
                else:
                    terms.update(token[j:j + n] for j in range(len(token) - n + 1))
            continue
        if len(token) >= 2:
            terms.add(token)
        if len(token) > STEM_CHARS:
            terms.add(token[:STEM_CHARS] + "…")
        if i + 1 < len(words) and not CJK_RE.search(words[i + 1]):
            terms.add(f"{token} {words[i + 1]}")
    return terms


def name_tokens(text: str) -> tuple[str, ...]:
    """A name or a question as ``mentions_name`` compares them: lower-case words, apostrophes split."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return tuple(_word_re().findall(text))


def mentions_name(question: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Whether the ``question``'s words contain the ``name`` (both from ``name_tokens``).

    A name in a script written without spaces (Korean, Chinese, Japanese) matches anywhere, whatever
    the spacing ("창업 비자를" contains "창업비자"). Otherwise each of the name's words must begin a
    word of the question, in order, so a name written as stems matches inflected forms ("стартап-виз"
    matches "стартап-визу").
    """
    if not name:
        return False
    if CJK_RE.search(name[0]):
        return "".join(name) in "".join(question)
    n = len(name)
    return any(all(q.startswith(w) for q, w in zip(question[i:i + n], name))
               for i in range(len(question) - n + 1))


def term_keys(text: str) -> list[str]:
    """``overlap_terms`` as short ASCII keys (a 32-bit hash each): what the term index stores."""
    return sorted({hashlib.blake2b(t.encode("utf-8"), digest_size=4).hexdigest() for t in overlap_terms(text)})


def term_overlap(keys: list[str], postings: dict, programmes: int) -> np.ndarray:
    """Per programme, the share of the query's idf weight that its texts contain.

    ``postings`` maps a key to the programme blocks whose texts contain it. Keys no programme
    contains are ignored, so the score does not shrink with typos or chatter; so are keys more than
    half of the programmes contain ("startup", "Korea"), which say little and cost most to look up.
    """
    scores = np.zeros(programmes, dtype=np.float32)
    total = 0.0
    for key in keys:
        blocks = postings.get(key)
        if blocks is None or not len(blocks) or len(blocks) > programmes * COMMON_TERM_SHARE:
            continue
        idf = math.log((programmes - len(blocks) + 0.5) / (len(blocks) + 0.5) + 1.0)
        scores[np.asarray(blocks, dtype=np.int64)] += idf
        total += idf
    return scores / total if total else scores


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


def fit_classifier(matrix: np.ndarray, starts: np.ndarray, passages: np.ndarray | None = None,
                   lam: float = RIDGE_LAMBDA) -> np.ndarray:
    """Ridge regression from chunk vectors to their programme: a (dim, programmes) weight matrix.

    ``matrix`` rows are grouped by programme, each block beginning at ``starts``; so the one-hot
    target product ``X^T Y`` is a sum of rows per block and never needs a (chunks, programmes) array.
    ``passages`` marks the rows that are programme texts rather than example questions: they are
    weighted so that both kinds carry the same total weight (see RIDGE_LAMBDA).
    """
    dim = matrix.shape[1]
    if not len(starts):
        return np.zeros((dim, 0), dtype=np.float32)
    gram = matrix.T @ matrix
    sums = np.add.reduceat(matrix, starts, axis=0)
    if passages is not None and passages.any() and (~passages).any():
        # Add the passages' extra weight in slices: a weighted copy of the whole matrix would double
        # the memory of a large knowledge base.
        extra = float((~passages).sum() / passages.sum()) - 1.0
        rows = np.flatnonzero(passages)
        block = np.searchsorted(starts, rows, side="right") - 1
        for i in range(0, len(rows), 65536):
            part = matrix[rows[i:i + 65536]]
            gram += extra * (part.T @ part)
            np.add.at(sums, block[i:i + 65536], extra * part)
    gram[np.diag_indices(dim)] += lam
    return np.linalg.solve(gram.astype(np.float64), sums.T.astype(np.float64)).astype(np.float32)


def fuse(dense: np.ndarray, learned: np.ndarray, overlap: np.ndarray, code: np.ndarray) -> np.ndarray:
    """The final score: dense similarity, the classifier's score, term overlap and code (or name) bonuses."""
    return dense + CLASSIFIER_WEIGHT * learned + TERM_WEIGHT * overlap + code
