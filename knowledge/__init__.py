"""Founder Desk knowledge base: programmes, multilingual retrieval and eligibility matching."""
from .config import Settings, get_settings
from .errors import (DatabaseMissing, DuplicateId, EncoderUnavailable, InvalidQuery, InvalidRecord,
                     KnowledgeError, NotFound)
from .kb import KnowledgeBase
from .programme import Programme, window_state

__all__ = [
    "KnowledgeBase", "Programme", "Settings", "get_settings", "window_state",
    "KnowledgeError", "DatabaseMissing", "DuplicateId", "EncoderUnavailable", "InvalidQuery",
    "InvalidRecord", "NotFound",
]
