"""Numbered schema migrations for the web store (var/web.db).

Add a new ``m00N_...`` function for every change; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("web")


@migrations()
def m001_conversations_messages(db):
    db.execute(
        """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL,
            language TEXT NOT NULL,
            language_locked INTEGER NOT NULL DEFAULT 0,
            browser_language TEXT,
            needs_staff INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            seq INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('founder', 'bot', 'staff')),
            text TEXT NOT NULL,
            display_text TEXT,
            language TEXT,
            language_confidence REAL,
            buttons TEXT NOT NULL DEFAULT '[]',
            sources TEXT NOT NULL DEFAULT '[]',
            meta TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (conversation_id, seq)
        )
        """
    )
    db.execute("CREATE INDEX idx_conversations_needs_staff ON conversations (needs_staff, updated_at)")


@migrations()
def m002_users_auth(db):
    """Staff accounts, their API tokens and failed logins (for rate limiting)."""
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
            display_name TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            last_login_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            name TEXT,
            created_at TEXT NOT NULL,
            last_used_at TEXT,
            revoked_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL,
            ip TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_login_failures ON login_failures (username, ip, created_at)")


@migrations()
def m003_handoff(db):
    """Human handoff: conversation states, assignee, contact, staff notes, canned replies, feedback, events."""
    for column in (
        "state TEXT NOT NULL DEFAULT 'bot'",  # bot | pending | open | resolved
        "assignee_id INTEGER REFERENCES users(id)",
        "handoff_reason TEXT",
        "pending_since TEXT",
        "resolved_at TEXT",
        "hand_back INTEGER NOT NULL DEFAULT 1",  # 1: the bot answers after resolve
        "contact_email TEXT",
        "category TEXT",
        "unanswered_streak INTEGER NOT NULL DEFAULT 0",
        "parent_id TEXT REFERENCES conversations(id)",  # the conversation the widget started this one after
    ):
        db.execute(f"ALTER TABLE conversations ADD COLUMN {column}")
    db.execute("UPDATE conversations SET state = 'pending', pending_since = updated_at WHERE needs_staff = 1")
    db.execute("CREATE INDEX idx_conversations_state ON conversations (state, pending_since)")
    db.execute("CREATE INDEX idx_conversations_contact ON conversations (contact_email)")
    db.execute("CREATE INDEX idx_conversations_parent ON conversations (parent_id)")
    db.execute(
        """
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            user_id INTEGER REFERENCES users(id),
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_notes_conversation ON notes (conversation_id, id)")
    db.execute(
        """
        CREATE TABLE canned_replies (
            id INTEGER PRIMARY KEY,
            language TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            seq INTEGER NOT NULL,
            value TEXT NOT NULL CHECK (value IN ('up', 'down')),
            created_at TEXT NOT NULL,
            UNIQUE (conversation_id, seq)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE conversation_events (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            kind TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            detail TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_events_conversation ON conversation_events (conversation_id, id)")
    db.execute(
        """
        CREATE TABLE webhook_failures (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT,
            url TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            error TEXT NOT NULL,
            final INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )
        """
    )


@migrations()
def m004_conversations_updated_index(db):
    """The staff console's live stream asks for the latest change of any conversation twice a second."""
    db.execute("CREATE INDEX idx_conversations_updated ON conversations (updated_at)")
