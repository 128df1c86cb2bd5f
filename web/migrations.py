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
