"""What founders asked and how the bot did: read-only queries on the web store, clustering, rates.

An *exchange* is one founder message (not a quick-reply payload) with the bot messages that follow
it up to the next founder message. It is

* **low-confidence** when a bot message's meta says ``custom.search.answerable == false``;
* **unanswered** when it is low-confidence or no bot message carries sources;
* **handed off** when a bot message's meta has ``handoff: true`` (or ``custom.handoff``).

Exchanges whose reply was the "Rasa unavailable" fallback are left out: the KB was never asked.
Every function takes a ``sqlite3`` connection (``web.store.get_db()``) or exchanges; none writes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

MAX_QUESTIONS = 1000  # newest unanswered questions clustered at most
DEFAULT_SIMILARITY = 0.85  # average cosine similarity that keeps two questions in one cluster


@dataclass
class Exchange:
    conversation_id: str
    seq: int
    text: str
    language: str | None
    created_at: str
    replied: bool = False
    low_confidence: bool = False
    has_sources: bool = False
    handoff: bool = False
    outage: bool = False
    programme_ids: list = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.has_sources and not self.low_confidence

    @property
    def reason(self) -> str:
        return "low confidence" if self.low_confidence else "no answer"


def _meta(raw) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _search(meta: dict) -> dict:
    custom = meta.get("custom")
    search = custom.get("search") if isinstance(custom, dict) else None
    return search if isinstance(search, dict) else {}


def exchanges(db, *, since: str | None = None, until: str | None = None) -> list[Exchange]:
    """Founder questions (oldest first) with what the bot did about each."""
    where, params = ["m.role IN ('founder', 'bot')"], []
    if since:
        where.append("m.created_at >= ?")
        params.append(since)
    if until:
        where.append("m.created_at < ?")
        params.append(until)
    rows = db.execute(
        "SELECT m.conversation_id, m.seq, m.role, m.text, m.sources, m.meta, m.created_at,"
        " COALESCE(m.language, c.language) AS language"
        " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        f" WHERE {' AND '.join(where)} ORDER BY m.conversation_id, m.seq",
        params,
    ).fetchall()
    out: list[Exchange] = []
    current: Exchange | None = None
    for row in rows:
        conversation_id, seq, role, text, sources, meta, created_at, language = tuple(row)
        if role == "founder":
            current = None
            if text.startswith("/"):  # a quick-reply payload, not a question
                continue
            current = Exchange(conversation_id, seq, text, language, created_at)
            out.append(current)
            continue
        if current is None or current.conversation_id != conversation_id:
            continue
        meta = _meta(meta)
        current.replied = True
        if meta.get("kind") == "rasa_unavailable":
            current.outage = True
        if _search(meta).get("answerable") is False:
            current.low_confidence = True
        custom = meta.get("custom") if isinstance(meta.get("custom"), dict) else {}
        if meta.get("handoff") is True or custom.get("handoff") is True:
            current.handoff = True
        try:
            source_list = json.loads(sources or "[]")
        except json.JSONDecodeError:
            source_list = []
        if source_list:
            current.has_sources = True
            current.programme_ids += [s.get("id") for s in source_list if isinstance(s, dict) and s.get("id")]
    out = [e for e in out if not e.outage]
    out.sort(key=lambda e: e.created_at)
    return out


# ---------------------------------------------------------------- clustering

def agglomerate(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering on cosine similarity of L2-normalised rows.

    Merges the two most similar clusters while their average similarity is at least ``threshold``.
    Returns clusters as lists of row indices, biggest first.
    """
    n = len(vectors)
    if n == 0:
        return []
    sim = (vectors @ vectors.T).astype(np.float64)
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    members = {i: [i] for i in range(n)}
    alive = np.ones(n, dtype=bool)
    while len(members) > 1:
        flat = int(np.argmax(sim))
        a, b = divmod(flat, n)
        if sim[a, b] < threshold:
            break
        # Lance-Williams update for average linkage: the merged cluster keeps row/column ``a``.
        merged = (sizes[a] * sim[a] + sizes[b] * sim[b]) / (sizes[a] + sizes[b])
        merged[~alive] = -np.inf
        merged[a] = -np.inf
        sim[a, :] = merged
        sim[:, a] = merged
        sim[b, :] = -np.inf
        sim[:, b] = -np.inf
        alive[b] = False
        sizes[a] += sizes[b]
        members[a] += members.pop(b)
    return sorted(members.values(), key=lambda m: (-len(m), m[0]))


@dataclass
class Cluster:
    size: int
    languages: dict
    examples: list          # distinct texts, most frequent first
    questions: list         # every exchange in the cluster
    representative: str     # the question closest to the cluster's centre
    first_seen: str
    last_seen: str
    low_confidence: int

    def to_api(self) -> dict:
        return {"size": self.size, "languages": self.languages, "examples": self.examples,
                "representative": self.representative, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "low_confidence": self.low_confidence}


def cluster_unanswered(items: list[Exchange], encode, *, threshold: float = DEFAULT_SIMILARITY,
                       max_examples: int = 5) -> list[Cluster]:
    """Group unanswered exchanges by the similarity of their texts (``encode``: texts -> unit rows).

    Identical texts (ignoring case and spaces) are embedded once.
    """
    items = [e for e in items if not e.answered][-MAX_QUESTIONS:]
    if not items:
        return []
    keys = [" ".join(e.text.lower().split()) for e in items]
    unique = list(dict.fromkeys(keys))
    vectors = np.asarray(encode([next(e.text for e, k in zip(items, keys) if k == u) for u in unique]),
                         dtype=np.float32)
    groups = agglomerate(vectors, threshold)
    by_key = defaultdict(list)
    for e, k in zip(items, keys):
        by_key[k].append(e)
    clusters = []
    for group in groups:
        members = [e for i in group for e in by_key[unique[i]]]
        centre = vectors[group].mean(axis=0)
        best = group[int(np.argmax(vectors[group] @ centre))]
        counts = Counter(e.text.strip() for e in members)
        clusters.append(Cluster(
            size=len(members),
            languages=dict(Counter(e.language or "?" for e in members).most_common()),
            examples=[text for text, _ in counts.most_common(max_examples)],
            questions=sorted(members, key=lambda e: e.created_at, reverse=True),
            representative=by_key[unique[best]][0].text.strip(),
            first_seen=min(e.created_at for e in members),
            last_seen=max(e.created_at for e in members),
            low_confidence=sum(e.low_confidence for e in members),
        ))
    clusters.sort(key=lambda c: c.last_seen, reverse=True)
    clusters.sort(key=lambda c: -c.size)  # biggest first, then most recent
    return clusters


# ---------------------------------------------------------------- rates and top programmes over time

def bucket_of(created_at: str, bucket: str) -> str:
    """The start date of the day or ISO week (Monday) a timestamp falls in."""
    day = dt.date.fromisoformat(created_at[:10])
    if bucket == "week":
        day -= dt.timedelta(days=day.weekday())
    return day.isoformat()


def buckets(since: dt.date, until: dt.date, bucket: str) -> list[str]:
    """Every bucket start from ``since`` to ``until`` inclusive (so empty periods show as gaps of zero)."""
    step = dt.timedelta(days=7 if bucket == "week" else 1)
    start = dt.date.fromisoformat(bucket_of(since.isoformat(), bucket))
    out = []
    while start <= until:
        out.append(start.isoformat())
        start += step
    return out


@dataclass
class Rates:
    bucket: str
    total: int = 0
    answered: int = 0
    handoff: int = 0

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.total if self.total else None

    @property
    def handoff_rate(self) -> float | None:
        return self.handoff / self.total if self.total else None


def rates_over_time(items: list[Exchange], keys: list[str], bucket: str) -> list[Rates]:
    """Answer and handoff rate per bucket (``keys`` from :func:`buckets`)."""
    table = {k: Rates(k) for k in keys}
    for e in items:
        rates = table.get(bucket_of(e.created_at, bucket))
        if rates is None:
            continue
        rates.total += 1
        rates.answered += e.answered
        rates.handoff += e.handoff
    return [table[k] for k in keys]


def rates_by_language(items: list[Exchange]) -> list[tuple[str, Rates]]:
    table: dict[str, Rates] = {}
    for e in items:
        rates = table.setdefault(e.language or "?", Rates(""))
        rates.total += 1
        rates.answered += e.answered
        rates.handoff += e.handoff
    return sorted(table.items(), key=lambda kv: -kv[1].total)


def top_programmes(items: list[Exchange], *, limit: int = 10) -> list[tuple[str, int]]:
    """Programmes most often given as an answer (by source id)."""
    counts = Counter(pid for e in items if e.answered for pid in dict.fromkeys(e.programme_ids))
    return counts.most_common(limit)


def answers_by_category_over_time(items: list[Exchange], categories: dict, keys: list[str],
                                  bucket: str) -> dict[str, list[int]]:
    """Answered questions per programme category and bucket (category of the first source)."""
    index = {k: i for i, k in enumerate(keys)}
    out: dict[str, list[int]] = {}
    for e in items:
        if not e.answered or not e.programme_ids:
            continue
        i = index.get(bucket_of(e.created_at, bucket))
        if i is None:
            continue
        category = categories.get(e.programme_ids[0], "other")
        out.setdefault(category, [0] * len(keys))[i] += 1
    return dict(sorted(out.items(), key=lambda kv: -sum(kv[1])))
