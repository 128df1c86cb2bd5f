"""The knowledge base: programmes in SQLite, their searchable chunks, embeddings and history."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

import numpy as np
import sqlite_utils

from . import search as ranking
from .chunks import content_hash, record_chunks
from .config import Settings, get_settings
from .encoders import Encoder, get_encoder
from .errors import DatabaseMissing, InvalidQuery, InvalidRecord, NotFound
from .migrations import migrations
from .programme import Programme
from .records import LIST_FIELDS, TEXT_FIELDS, normalize_record

DEFAULT_THRESHOLD = 0.80


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclasses.dataclass
class IndexStats:
    """What an index update did: chunks written, vectors computed and vectors reused."""

    chunks: int = 0
    embedded: int = 0
    reused: int = 0

    def add(self, other: "IndexStats") -> None:
        self.chunks += other.chunks
        self.embedded += other.embedded
        self.reused += other.reused


@dataclasses.dataclass
class _DenseIndex:
    revision: str
    model_id: str
    matrix: np.ndarray           # (chunks, dim), rows grouped by programme
    chunk_ids: np.ndarray        # chunk id per row
    hashes: list[str]
    roles: np.ndarray            # True where the chunk is a passage
    programme_ids: list[str]     # one per block
    starts: np.ndarray           # first row of each programme block
    layout: np.ndarray           # programme x chunk-slot -> row (see search.block_layout)
    classifier: np.ndarray       # (dim, programmes) ridge weights (see search.fit_classifier)
    titles: dict                 # programme id -> {lang: title}
    categories: dict
    title_codes: dict            # programme id -> codes in its titles
    text_codes: dict             # programme id -> codes anywhere in its text
    names: list                  # (search.name_tokens of a common name, programme block), distinctive ones
    block_of_chunk: dict         # chunk id -> programme block number
    block_of_rowid: np.ndarray   # programme rowid (the term index's rowid) -> block number, -1 if none
    term_rows: int               # programmes in the term index, whatever their status


class KnowledgeBase:
    """Programmes, their texts and the retrieval index, in one SQLite file.

    Open with :meth:`open`; nothing is loaded until it is used, and the encoder is loaded only
    when something must be embedded or searched.
    """

    def __init__(self, db: sqlite_utils.Database, settings: Settings, encoder: Encoder | None = None):
        self.db = db
        self.settings = settings
        self._encoder = encoder
        self._lock = threading.RLock()
        self._dense: _DenseIndex | None = None
        self.last_index_stats = IndexStats()  # what the latest single-record save embedded

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, settings: Settings | None = None, *, create: bool = False,
             encoder: Encoder | None = None, path: str | Path | None = None) -> "KnowledgeBase":
        """Open (and migrate) the knowledge base. Raises DatabaseMissing unless ``create``."""
        settings = settings or get_settings()
        path = Path(path) if path else settings.kb_path
        if not path.exists():
            if not create:
                raise DatabaseMissing(f"knowledge base not found at {path} (run `kb init`)")
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
        return cls(db, settings, encoder)

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = get_encoder(self.settings.encoder, self.settings.st_model)
        return self._encoder

    # ------------------------------------------------------------ meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    def _bump_revision(self) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES('revision', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    @property
    def revision(self) -> str:
        return self.meta("revision", "0")

    # ------------------------------------------------------------ reading
    def _row_to_record(self, row: dict) -> dict:
        texts = {}
        for t in self.db.query("SELECT * FROM program_texts WHERE program_id = ? ORDER BY rowid", [row["id"]]):
            texts[t["lang"]] = {**{k: t[k] or "" for k in TEXT_FIELDS},
                                **{k: json.loads(t[k] or "[]") for k in LIST_FIELDS}}
        window = row["window"]
        return {
            "id": row["id"], "category": row["category"], "agency": row["agency"] or "",
            "region": row["region"], "official_url": row["official_url"], "status": row["status"],
            "last_verified": row["last_verified"],
            "window": "rolling" if window in (None, "rolling") else json.loads(window),
            "eligibility": json.loads(row["eligibility"] or "{}"),
            "sources": json.loads(row["sources"] or "[]"),
            "text": texts,
        }

    def get(self, program_id: str) -> Programme:
        """The programme with ``program_id`` (any status). Raises NotFound."""
        rows = list(self.db.query("SELECT * FROM programs WHERE id = ?", [program_id]))
        if not rows:
            raise NotFound(f"no programme with id {program_id!r}")
        return Programme(self._row_to_record(rows[0]), rows[0]["version"])

    def exists(self, program_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM programs WHERE id = ?", [program_id]).fetchone() is not None

    def list(self, status: str | None = None, category: str | None = None) -> list[Programme]:
        """Programmes, optionally filtered by status and category, ordered by id."""
        clause, params = _where(status=status, category=category)
        sql = f"SELECT * FROM programs{clause} ORDER BY id"
        return [Programme(self._row_to_record(r), r["version"]) for r in self.db.query(sql, params)]

    def count(self, status: str | None = None) -> int:
        if status:
            return self.db.execute("SELECT count(*) FROM programs WHERE status = ?", [status]).fetchone()[0]
        return self.db.execute("SELECT count(*) FROM programs").fetchone()[0]

    def export(self, ids: list[str] | None = None) -> list[dict]:
        """Records in the import/export format."""
        if ids:
            return [self.get(i).record for i in ids]
        return [p.record for p in self.list()]

    def audit(self, *, actor: str | None = None, program_id: str | None = None, limit: int = 50,
              offset: int = 0) -> list[dict]:
        """The change log, newest first: who saved which version of which programme, how and when."""
        clause, params = _where(actor=actor, program_id=program_id)
        return list(self.db.query(
            f"SELECT id, program_id, version, action, actor, created_at FROM versions{clause} "
            "ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset]))

    def actors(self) -> list[str]:
        """Everyone who ever changed a programme."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT actor FROM versions ORDER BY actor")]

    def ids(self) -> set[str]:
        """The ids of every programme, whatever its status."""
        return {r[0] for r in self.db.execute("SELECT id FROM programs")}

    def history(self, program_id: str) -> list[dict]:
        """Every saved version of a programme, oldest first."""
        self.get(program_id)
        rows = self.db.query("SELECT version, action, actor, created_at, record FROM versions "
                             "WHERE program_id = ? ORDER BY id", [program_id])
        return [{**r, "record": json.loads(r["record"])} for r in rows]

    # ------------------------------------------------------------ writing
    def _write(self, record: dict, action: str, actor: str) -> int:
        existing = self.db.execute("SELECT version, created_at FROM programs WHERE id = ?",
                                   [record["id"]]).fetchone()
        version = (existing[0] + 1) if existing else 1
        now = _now()
        window = record["window"]
        self.db["programs"].upsert({
            "id": record["id"], "category": record["category"], "agency": record["agency"],
            "region": record["region"], "official_url": record["official_url"], "status": record["status"],
            "last_verified": record["last_verified"],
            "window": window if window == "rolling" else json.dumps(window, ensure_ascii=False),
            "eligibility": json.dumps(record["eligibility"], ensure_ascii=False),
            "sources": json.dumps(record["sources"], ensure_ascii=False),
            "version": version, "created_at": existing[1] if existing else now, "updated_at": now,
        }, pk="id")
        self.db.execute("DELETE FROM program_texts WHERE program_id = ?", [record["id"]])
        self.db["program_texts"].insert_all(
            [{"program_id": record["id"], "lang": lang, **{k: t[k] for k in TEXT_FIELDS},
              **{k: json.dumps(t[k], ensure_ascii=False) for k in LIST_FIELDS}}
             for lang, t in record["text"].items()], pk=("program_id", "lang"))
        self.db["versions"].insert({
            "program_id": record["id"], "version": version, "action": action, "actor": actor,
            "record": json.dumps(record, ensure_ascii=False), "created_at": now,
        })
        return version

    def _replace_chunks(self, record: dict) -> list[dict]:
        self.db.execute("DELETE FROM chunks WHERE program_id = ?", [record["id"]])
        chunks = record_chunks(record)
        self.db["chunks"].insert_all(chunks)
        rowid = self.db.execute("SELECT rowid FROM programs WHERE id = ?", [record["id"]]).fetchone()[0]
        self._write_terms(rowid, [c["text"] for c in chunks])
        return chunks

    def _write_terms(self, rowid: int, texts: list[str]) -> None:
        """Replace one programme's row of the term index."""
        self.db.execute("DELETE FROM program_terms WHERE rowid = ?", [rowid])
        keys = ranking.term_keys("\n".join(texts))
        self.db.execute("INSERT INTO program_terms(rowid, keys) VALUES (?, ?)", [rowid, " ".join(keys)])

    def _rebuild_terms(self) -> None:
        """Rebuild the whole term index when it was built by another version of the term rules."""
        if self.meta("terms_version") == ranking.TERMS_VERSION:
            return
        texts: dict[int, list[str]] = {}
        for rowid, text in self.db.execute(
                "SELECT p.rowid, c.text FROM chunks c JOIN programs p ON p.id = c.program_id ORDER BY c.id"):
            texts.setdefault(rowid, []).append(text)
        with self.db.atomic():
            self.db.execute("DELETE FROM program_terms")
            for rowid, parts in texts.items():
                self._write_terms(rowid, parts)
            self.set_meta("terms_version", ranking.TERMS_VERSION)

    def _embed_missing(self, chunks: list[dict], progress=None) -> IndexStats:
        """Embed the chunks whose (content hash, model) has no vector yet."""
        model_id = self.encoder.model_id
        stats = IndexStats(chunks=len(chunks))
        wanted = {}
        for c in chunks:
            wanted.setdefault(c["content_hash"], c)
        have = set()
        hashes = list(wanted)
        for i in range(0, len(hashes), 500):
            part = hashes[i:i + 500]
            marks = ",".join("?" * len(part))
            have.update(r[0] for r in self.db.execute(
                f"SELECT content_hash FROM embeddings WHERE model_id = ? AND content_hash IN ({marks})",
                [model_id, *part]))
        missing = [wanted[h] for h in hashes if h not in have]
        stats.reused = len(wanted) - len(missing)
        batch = 16
        for start in range(0, len(missing), batch):
            group = missing[start:start + batch]
            for role in ("query", "passage"):
                items = [c for c in group if c["role"] == role]
                if not items:
                    continue
                vectors = self.encoder.encode([c["text"] for c in items], role)
                self.db["embeddings"].insert_all(
                    [{"content_hash": c["content_hash"], "model_id": model_id,
                      "vector": vec.astype(np.float32).tobytes(), "dim": int(vec.shape[0])}
                     for c, vec in zip(items, vectors)], pk=("content_hash", "model_id"), replace=True)
            stats.embedded += len(group)
            if progress is not None:
                progress(len(group))
        return stats

    def upsert(self, raw: dict, *, actor: str = "system", action: str | None = None,
               embed: bool = True) -> Programme:
        """Validate and save one record (create or replace), re-embedding only changed texts."""
        record = normalize_record(raw)
        with self._lock, self.db.atomic():
            action = action or ("update" if self.exists(record["id"]) else "create")
            self._write(record, action, actor)
            chunks = self._replace_chunks(record)
            if embed:
                self.last_index_stats = self._embed_missing(chunks)
            self._bump_revision()
        return self.get(record["id"])

    def import_records(self, records: list[dict], *, actor: str = "import", replace: bool = True,
                       progress=None) -> IndexStats:
        """Save many validated records in one transaction: all or nothing.

        With ``replace=False`` an id that already exists is an error (DuplicateId semantics).
        """
        records = [normalize_record(r) for r in records]
        if not replace:
            clashes = [r["id"] for r in records if self.exists(r["id"])]
            if clashes:
                raise InvalidRecord([(i, "id already exists") for i in clashes])
        stats = IndexStats()
        with self._lock, self.db.atomic():
            all_chunks = []
            for record in records:
                action = "import-update" if self.exists(record["id"]) else "import-create"
                self._write(record, action, actor)
                all_chunks.extend(self._replace_chunks(record))
            stats.add(self._embed_missing(all_chunks, progress))
            self._bump_revision()
        return stats

    def patch(self, program_id: str, changes: dict, *, actor: str = "system") -> Programme:
        """Apply a partial change (text languages merge field by field) and save a new version."""
        record = self.get(program_id).record
        changes = dict(changes)
        if changes.get("id", program_id) != program_id:
            raise InvalidRecord([("id", "the id of a programme cannot change")])
        texts = changes.pop("text", None) or {}
        merged = {**record, **changes, "text": {k: dict(v) for k, v in record["text"].items()}}
        for lang, fields in texts.items():
            merged["text"].setdefault(lang, {}).update(fields or {})
        return self.upsert(merged, actor=actor, action="update")

    def set_status(self, program_id: str, status: str, *, actor: str = "system") -> Programme:
        """Publish, archive or return a programme to draft."""
        record = self.get(program_id).record
        return self.upsert({**record, "status": status}, actor=actor, action=status)

    def restore(self, program_id: str, version: int, *, actor: str = "system") -> Programme:
        """Save an earlier version of a programme as its newest version."""
        for entry in self.history(program_id):
            if entry["version"] == version:
                return self.upsert(entry["record"], actor=actor, action=f"restore-{version}")
        raise NotFound(f"programme {program_id!r} has no version {version}")

    def delete(self, program_id: str, *, actor: str = "system") -> None:
        """Remove a programme (its history stays in the versions table)."""
        record = self.get(program_id).record
        with self._lock, self.db.atomic():
            self.db.execute("DELETE FROM chunks WHERE program_id = ?", [program_id])
            self.db.execute("DELETE FROM program_terms WHERE rowid = (SELECT rowid FROM programs WHERE id = ?)",
                            [program_id])
            self.db.execute("DELETE FROM program_texts WHERE program_id = ?", [program_id])
            self.db.execute("DELETE FROM programs WHERE id = ?", [program_id])
            version = self.db.execute("SELECT coalesce(max(version), 0) + 1 FROM versions WHERE program_id = ?",
                                      [program_id]).fetchone()[0]
            self.db["versions"].insert({"program_id": program_id, "version": version, "action": "delete",
                                        "actor": actor, "record": json.dumps(record, ensure_ascii=False),
                                        "created_at": _now()})
            self._bump_revision()

    def reindex(self, *, full: bool = False, progress=None) -> IndexStats:
        """Rebuild every programme's chunks and embed what the current model lacks.

        ``full`` drops this model's vectors first, so everything is embedded again.
        """
        with self._lock, self.db.atomic():
            if full:
                self.db.execute("DELETE FROM embeddings WHERE model_id = ?", [self.encoder.model_id])
            chunks = []
            for programme in self.list():
                chunks.extend(self._replace_chunks(programme.record))
            stats = self._embed_missing(chunks, progress)
            self._bump_revision()
        return stats

    def pending_embeddings(self) -> int:
        """How many distinct chunk texts lack a vector for the current model."""
        return self.db.execute(
            "SELECT count(DISTINCT c.content_hash) FROM chunks c LEFT JOIN embeddings e "
            "ON e.content_hash = c.content_hash AND e.model_id = ? WHERE e.content_hash IS NULL",
            [self.encoder.model_id]).fetchone()[0]

    # ------------------------------------------------------------ searching
    def _dense_index(self) -> _DenseIndex:
        revision, model_id = self.revision, self.encoder.model_id
        cached = self._dense
        if cached and cached.revision == revision and cached.model_id == model_id:
            return cached
        with self._lock:
            self._rebuild_terms()
            if self.pending_embeddings():
                chunks = list(self.db.query("SELECT * FROM chunks"))
                with self.db.atomic():
                    self._embed_missing(chunks)
            rows = self.db.execute(
                "SELECT c.id, c.program_id, c.role, c.content_hash, e.vector FROM chunks c "
                "JOIN programs p ON p.id = c.program_id AND p.status = 'published' "
                "JOIN embeddings e ON e.content_hash = c.content_hash AND e.model_id = ? "
                "ORDER BY c.program_id, c.id", [model_id]).fetchall()
            dim = self.encoder.dim
            matrix = np.frombuffer(b"".join(r[4] for r in rows), dtype=np.float32).reshape(len(rows), dim) \
                if rows else np.zeros((0, dim), dtype=np.float32)
            programme_ids, starts, block_of_chunk = [], [], {}
            for i, r in enumerate(rows):
                if not programme_ids or programme_ids[-1] != r[1]:
                    programme_ids.append(r[1])
                    starts.append(i)
                block_of_chunk[r[0]] = len(programme_ids) - 1
            titles, categories, title_codes, text_codes = {}, {}, {}, {}
            block_of_id = {pid: i for i, pid in enumerate(programme_ids)}
            max_rowid = self.db.execute("SELECT coalesce(max(rowid), 0) FROM programs").fetchone()[0]
            block_of_rowid = np.full(max_rowid + 1, -1, dtype=np.int64)
            for rowid, pid, category in self.db.execute(
                    "SELECT rowid, id, category FROM programs WHERE status = 'published'"):
                categories[pid] = category
                if pid in block_of_id:
                    block_of_rowid[rowid] = block_of_id[pid]
            carriers = {}  # name -> programmes that list it
            for pid, lang, title, summary, body, names in self.db.execute(
                    "SELECT program_id, lang, title, summary, body, names FROM program_texts"):
                if pid not in categories:
                    continue
                for name in json.loads(names or "[]"):
                    carriers.setdefault(ranking.name_tokens(name), set()).add(pid)
                titles.setdefault(pid, {})[lang] = title
                title_codes.setdefault(pid, set()).update(ranking.codes_in(title or ""))
                text_codes.setdefault(pid, set()).update(ranking.visa_codes_in(f"{summary}\n{body}"))
            spread = {}
            for codes in title_codes.values():
                for code in codes:
                    spread[code] = spread.get(code, 0) + 1
            title_codes = {pid: {c for c in codes if spread[c] <= ranking.MAX_PROGRAMMES_PER_CODE}
                           for pid, codes in title_codes.items()}
            names = [(name, block_of_id[pid]) for name, pids in carriers.items()
                     if name and len(pids) <= ranking.MAX_PROGRAMMES_PER_CODE for pid in pids if pid in block_of_id]
            roles = np.array([r[2] == "passage" for r in rows], dtype=bool)
            self._dense = _DenseIndex(
                revision=revision, model_id=model_id, matrix=matrix,
                chunk_ids=np.array([r[0] for r in rows], dtype=np.int64), hashes=[r[3] for r in rows],
                roles=roles,
                programme_ids=programme_ids, starts=np.array(starts, dtype=np.int64),
                layout=ranking.block_layout(np.array(starts, dtype=np.int64), len(rows)),
                classifier=ranking.fit_classifier(matrix, np.array(starts, dtype=np.int64), roles),
                titles=titles, categories=categories, title_codes=title_codes, text_codes=text_codes, names=names,
                block_of_chunk=block_of_chunk, block_of_rowid=block_of_rowid,
                term_rows=self.db.execute("SELECT count(*) FROM program_terms").fetchone()[0])
            return self._dense

    def _overlap(self, text: str, index: "_DenseIndex", postings: dict | None = None) -> np.ndarray:
        """Term overlap per programme (search.term_overlap), from the term index or given ``postings``."""
        keys = ranking.term_keys(text)
        if postings is None:
            postings = {}
            marks = ",".join("?" * len(keys))
            held = dict(self.db.execute(
                f"SELECT term, doc FROM program_terms_vocab WHERE term IN ({marks})", keys)) if keys else {}
            everything = index.term_rows  # programmes of any status in the term index
            for key, count in held.items():
                if count > everything * ranking.COMMON_TERM_SHARE:
                    continue  # common (see term_overlap): skip the long posting list
                rowids = np.array([r for (r,) in self.db.execute(
                    "SELECT rowid FROM program_terms WHERE program_terms MATCH ?", [f'"{key}"'])], dtype=np.int64)
                blocks = index.block_of_rowid[rowids[rowids < len(index.block_of_rowid)]]
                postings[key] = blocks[blocks >= 0]
        return ranking.term_overlap(keys, postings, len(index.programme_ids))

    def threshold(self) -> float:
        """The answerability threshold on the best programme's dense score (override, else calibrated)."""
        if self.settings.answer_threshold is not None:
            return self.settings.answer_threshold
        stored = self.meta(f"threshold:{self.encoder.model_id}")
        return float(stored) if stored else DEFAULT_THRESHOLD

    def answer_gate(self) -> "ranking.AnswerGate | None":
        """The calibrated answer gate of the current encoder, or None before ``kb calibrate``."""
        stored = self.meta(f"gate:{self.encoder.model_id}")
        return ranking.AnswerGate.from_json(stored) if stored else None

    def answer_confidence(self, scores: "ranking.Scores") -> float:
        """How sure the knowledge base is that it answers the query: the answer gate's probability.

        A threshold override in the settings (tests with the fake encoder), or a knowledge base not yet
        calibrated, uses the plain rule instead: best dense score >= threshold and novelty >= margin.
        """
        gate = self.answer_gate() if self.settings.answer_threshold is None else None
        if gate is not None:
            return float(gate.probability(scores.gate_features()))
        return float(scores.top >= self.threshold() and scores.novelty >= self.novelty_margin())

    def novelty_margin(self) -> float:
        """Calibrated minimum of (nearest KB text - nearest known non-question); -1 disables the check."""
        stored = self.meta(f"novelty:{self.encoder.model_id}")
        return float(stored) if stored else -1.0

    def negative_vectors(self) -> np.ndarray:
        """Vectors of the known non-questions (greetings, requests for a person, off-topic), cached in the DB."""
        model_id = self.encoder.model_id
        cached = getattr(self, "_negatives", None)
        if cached is not None and cached[0] == model_id:
            return cached[1]
        from .evaluate import negative_questions
        items = [{"content_hash": content_hash("query", t), "role": "query", "text": t}
                 for t in negative_questions()]
        with self._lock, self.db.atomic():
            self._embed_missing(items)
        by_hash = dict(self.db.execute(
            "SELECT content_hash, vector FROM embeddings WHERE model_id = ? AND content_hash IN (%s)"
            % ",".join("?" * len(items)), [model_id, *[i["content_hash"] for i in items]]).fetchall())
        matrix = np.stack([np.frombuffer(by_hash[i["content_hash"]], dtype=np.float32) for i in items])
        self._negatives = (model_id, matrix)
        return matrix

    def score_vector(self, text: str, query_vector: np.ndarray, *, exclude: np.ndarray | None = None,
                     exclude_negative: int | None = None, classifier: np.ndarray | None = None,
                     postings: dict | None = None) -> "ranking.Scores":
        """Every score for one query (the ranking core); see search.Scores.

        For calibration's held-out tests: ``exclude`` masks chunk rows out of the dense score,
        ``exclude_negative`` one known non-question, ``classifier`` replaces the classifier (one fitted
        without the excluded rows) and ``postings`` the term index (one built without them).
        """
        index = self._dense_index()
        sims = index.matrix @ query_vector
        if exclude is not None:
            sims = np.where(exclude, -np.inf, sims)  # excluded rows drop out of the top-k means
        dense = ranking.per_programme_topk(sims, index.layout)
        learned = query_vector @ (index.classifier if classifier is None else classifier)
        overlap = self._overlap(text, index, postings)
        query_codes = ranking.codes_in(text)
        code = np.array([
            ranking.TITLE_CODE_BONUS if query_codes & index.title_codes.get(pid, set())
            else ranking.TEXT_CODE_BONUS if query_codes & index.text_codes.get(pid, set()) else 0.0
            for pid in index.programme_ids], dtype=np.float32)
        if index.names:
            words = ranking.name_tokens(text)
            for name, block in index.names:
                if code[block] < ranking.NAME_BONUS and ranking.mentions_name(words, name):
                    code[block] = ranking.NAME_BONUS
        negatives = self.negative_vectors() @ query_vector
        if exclude_negative is not None:
            negatives[exclude_negative] = -1.0
        return ranking.Scores(index=index, dense=dense, fused=ranking.fuse(dense, learned, overlap, code),
                              overlap=overlap, code=code, nearest=float(sims.max()) if sims.size else -1.0,
                              nearest_negative=float(negatives.max()), learned=learned)

    def search(self, text: str, lang: str | None = None, k: int = 5, *, prior: str | None = None,
               history: tuple = ()) -> ranking.SearchResult:
        """Find the published programmes that answer ``text``, best first, at most ``k``.

        The result is answerable when the answer gate (search.AnswerGate, calibrated) gives it a
        probability of at least 0.5, or when it names a programme's code.
        """
        if text is None or not text.strip():
            raise InvalidQuery("the question is empty")
        if len(text) > ranking.MAX_QUERY_CHARS:
            raise InvalidQuery(f"the question is longer than {ranking.MAX_QUERY_CHARS} characters")
        text = text.strip()
        lang_conf = 1.0
        if not lang:
            lang, lang_conf = detect_language(text, prior, history)
        scores = self.score_vector(text, self.encoder.encode_queries([text])[0])
        index = scores.index
        hits = []
        for i in np.argsort(-scores.fused)[:k]:
            pid = index.programme_ids[i]
            titles = index.titles.get(pid, {})
            title = titles.get(lang) or titles.get("en") or next(iter(titles.values()), pid)
            hits.append(ranking.Hit(id=pid, score=float(scores.fused[i]), title=title,
                                    category=index.categories.get(pid, ""), dense=float(scores.dense[i]),
                                    overlap=float(scores.overlap[i]), code=float(scores.code[i])))
        named = bool(hits) and hits[0].code >= ranking.TITLE_CODE_BONUS - 1e-6
        confidence = 1.0 if named else self.answer_confidence(scores) if hits else 0.0
        return ranking.SearchResult(query=text, lang=lang, lang_confidence=lang_conf, answerable=confidence >= 0.5,
                                    hits=hits, threshold=self.threshold(), confidence=confidence,
                                    names_programme=named)

    def eligible(self, profile) -> list:
        """Published programmes checked against a founder's profile (see knowledge.eligibility)."""
        from .eligibility import match_all
        return match_all(self.list(status="published"), profile)


def _where(**filters) -> tuple[str, list]:
    """`` WHERE a = ? AND b = ?`` and its parameters for the filters that are set (column names are ours)."""
    used = {k: v for k, v in filters.items() if v}
    clause = " WHERE " + " AND ".join(f"{k} = ?" for k in used) if used else ""
    return clause, list(used.values())


def detect_language(text: str, prior: str | None = None, history: tuple = ()) -> tuple[str, float]:
    """Language of ``text`` via knowledge.langid."""
    from .langid import detect
    guess = detect(text, prior=prior, history=tuple(history))
    return guess.lang, guess.confidence
