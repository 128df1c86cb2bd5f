"""The knowledge base as the web app sees it: opened lazily, once per app, shared by every thread.

Production runs one app per process, so this is one ``KnowledgeBase`` per process; tests create
one app per test and get one handle each. ``KnowledgeBase`` serialises its writes with its own lock,
and a search sees every change at once (it checks the KB's revision counter).

Settings come from ``knowledge.config.get_settings()`` (``FOUNDERDESK_KB_PATH``,
``FOUNDERDESK_ENCODER``, ...); ``KB_PATH`` / ``ENCODER`` in the app config (``test_config``) win.
"""

from __future__ import annotations

import threading

from flask import current_app

from knowledge import KnowledgeBase, get_settings

_open_lock = threading.Lock()
_EXTENSION = "founderdesk_kb"


def get_kb() -> KnowledgeBase:
    """The app's knowledge base, opened (and migrated, created if absent) on first use."""
    app = current_app._get_current_object()
    state = app.extensions.setdefault(_EXTENSION, {})
    kb = state.get("kb")
    if kb is None:
        with _open_lock:
            kb = state.get("kb")
            if kb is None:
                settings = get_settings(
                    home=app.config.get("HOME"),
                    kb_path=app.config.get("KB_PATH"),
                    encoder=app.config.get("ENCODER"),
                )
                kb = state["kb"] = KnowledgeBase.open(settings, create=True)
    return kb


def close_kb(app) -> None:
    """Close the app's handle if it was opened (tests; a process exit closes it anyway)."""
    kb = app.extensions.get(_EXTENSION, {}).pop("kb", None)
    if kb is not None:
        kb.close()
