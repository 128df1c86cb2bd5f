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
