"""The web app's own SQLite store: conversations and their messages (later: users).

flaskr-style helpers: ``get_db()`` opens one connection per request on ``g`` and
``close_db`` closes it on teardown. The schema lives in ``web/migrations.py`` and is
applied on first use (or explicitly with ``flask --app web init-db``).
Connections are in autocommit mode; multi-statement writes use ``transaction()``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import click
import sqlite_utils
from flask import current_app, g
from flask.cli import with_appcontext

from .migrations import migrations

_migrate_lock = threading.Lock()


def now() -> str:
    """UTC timestamp as ISO 8601 with milliseconds, e.g. 2026-11-26T23:18:00.123Z."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a connection to the store: WAL, foreign keys, rows by name, autocommit."""
    conn = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    # WAL + NORMAL: a commit survives the process being killed (the kill tests); only an OS crash or
    # power loss could drop the last transactions, and it saves an fsync per message on the hot path.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migrate(path: str | Path) -> list[str]:
    """Create the file if needed, switch it to WAL and apply pending migrations; return their names."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        return pending
    finally:
        db.close()


def ensure_schema(app) -> None:
    """Apply migrations once per app (thread-safe); later calls are free."""
    state = app.extensions.setdefault("founderdesk_store", {"ready": False})
    if state["ready"]:
        return
    with _migrate_lock:
        if not state["ready"]:
            migrate(app.config["WEB_DB"])
            state["ready"] = True


def get_db() -> sqlite3.Connection:
    """The request's connection to the web store, opened on first use."""
    if "db" not in g:
        ensure_schema(current_app)
        g.db = connect(current_app.config["WEB_DB"])
    return g.db


def close_db(e=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection):
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


# --- tokens -----------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(conversation: "Conversation", token: object) -> bool:
    """Constant-time check of a conversation token (only its hash is stored)."""
    if not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(conversation.token_hash, hash_token(token))


# --- records ----------------------------------------------------------------------------


@dataclass
class Conversation:
    id: str
    token_hash: str
    language: str
    language_locked: bool
    browser_language: str | None
    needs_staff: bool
    status: str
    created_at: str
    updated_at: str
    # human handoff (m003): see web/handoff.py
    state: str = "bot"
    assignee_id: int | None = None
    handoff_reason: str | None = None
    pending_since: str | None = None
    resolved_at: str | None = None
    hand_back: bool = True
    contact_email: str | None = None
    category: str | None = None
    unanswered_streak: int = 0
    parent_id: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Conversation":
        d = dict(row)
        d["language_locked"] = bool(d["language_locked"])
        d["needs_staff"] = bool(d["needs_staff"])
        if "hand_back" in d:
            d["hand_back"] = bool(d["hand_back"])
        return cls(**d)


@dataclass
class Message:
    id: int
    conversation_id: str
    seq: int
    role: str
    text: str
    display_text: str | None
    language: str | None
    language_confidence: float | None
    created_at: str
    buttons: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Message":
        d = dict(row)
        for key in ("buttons", "sources", "meta"):
            d[key] = json.loads(d[key]) if d[key] else ({} if key == "meta" else [])
        return cls(**d)

    def to_api(self) -> dict:
        """The message as the widget API shows it (a button click shows its title, not the payload).

        ``kind`` is only present on notices the web app wrote itself (``handoff``, ``staff_joined``,
        ``bot_back``, ``rasa_unavailable``); the widget shows the e-mail form after a ``handoff`` one.
        """
        data = {
            "seq": self.seq,
            "role": self.role,
            "text": self.display_text if self.display_text is not None else self.text,
            "language": self.language,
            "buttons": self.buttons,
            "sources": self.sources,
            "created_at": self.created_at,
        }
        if self.meta.get("kind"):
            data["kind"] = self.meta["kind"]
        return data


# --- conversations ----------------------------------------------------------------------


def create_conversation(
    db: sqlite3.Connection,
    *,
    language: str,
    language_locked: bool = False,
    browser_language: str | None = None,
    parent_id: str | None = None,
) -> tuple[Conversation, str]:
    """Create a conversation; return it with its token (shown once, only the hash is kept).

    ``parent_id``: the earlier conversation of the same browser (the widget proved it holds its token).
    """
    token = new_token()
    ts = now()
    conv_id = uuid.uuid4().hex
    db.execute(
        "INSERT INTO conversations (id, token_hash, language, language_locked, browser_language,"
        " parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (conv_id, hash_token(token), language, int(language_locked), browser_language, parent_id, ts, ts),
    )
    return get_conversation(db, conv_id), token


def get_conversation(db: sqlite3.Connection, conversation_id: object) -> Conversation | None:
    if not isinstance(conversation_id, str):
        return None
    row = db.execute("SELECT * FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return Conversation.from_row(row) if row else None


_UPDATABLE = {
    "language",
    "language_locked",
    "needs_staff",
    "status",
    "state",
    "assignee_id",
    "handoff_reason",
    "pending_since",
    "resolved_at",
    "hand_back",
    "contact_email",
    "category",
    "unanswered_streak",
    "parent_id",
}


def update_conversation(db: sqlite3.Connection, conversation_id: str, **fields) -> None:
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    values = {k: int(v) if isinstance(v, bool) else v for k, v in fields.items()}
    values["updated_at"] = now()
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.execute(
        f"UPDATE conversations SET {assignments} WHERE id = ?",
        (*values.values(), conversation_id),
    )


# --- messages ---------------------------------------------------------------------------


def add_message(
    db: sqlite3.Connection,
    conversation_id: str,
    role: str,
    text: str,
    *,
    display_text: str | None = None,
    language: str | None = None,
    language_confidence: float | None = None,
    buttons=(),
    sources=(),
    meta: dict | None = None,
) -> Message:
    """Append a message with the next sequence number of its conversation (one atomic statement)."""
    ts = now()
    cur = db.execute(
        "INSERT INTO messages (conversation_id, seq, role, text, display_text, language,"
        " language_confidence, buttons, sources, meta, created_at)"
        " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?"
        " FROM messages WHERE conversation_id = ?",
        (
            conversation_id,
            role,
            text,
            display_text,
            language,
            language_confidence,
            json.dumps(list(buttons), ensure_ascii=False),
            json.dumps(list(sources), ensure_ascii=False),
            json.dumps(meta or {}, ensure_ascii=False),
            ts,
            conversation_id,
        ),
    )
    db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (ts, conversation_id))
    row = db.execute("SELECT * FROM messages WHERE id = ?", (cur.lastrowid,)).fetchone()
    return Message.from_row(row)


def list_messages(
    db: sqlite3.Connection, conversation_id: str, *, after: int = 0, limit: int = 500
) -> list[Message]:
    rows = db.execute(
        "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        (conversation_id, after, limit),
    ).fetchall()
    return [Message.from_row(r) for r in rows]


def founder_languages(db: sqlite3.Connection, conversation_id: str, *, limit: int = 10) -> list[str]:
    """Detected languages of the founder's previous messages, oldest first."""
    rows = db.execute(
        "SELECT language FROM messages WHERE conversation_id = ? AND role = 'founder'"
        " AND language IS NOT NULL ORDER BY seq DESC LIMIT ?",
        (conversation_id, limit),
    ).fetchall()
    return [r["language"] for r in reversed(rows)]


# --- CLI --------------------------------------------------------------------------------


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the web store (var/web.db by default).

    Example: flask --app web init-db
    """
    path = current_app.config["WEB_DB"]
    applied = migrate(path)
    current_app.extensions.setdefault("founderdesk_store", {})["ready"] = True
    if applied:
        click.echo(f"Applied {', '.join(applied)} to {path}")
    else:
        click.echo(f"{path} is up to date")


def init_app(app) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
