"""Knowledge-base programmes as the staff console uses them: cards, pickers, categories.

The knowledge base is the app's shared handle (``web.kbaccess.get_kb``: opened lazily, once per
process, from ``KB_PATH`` / ``FOUNDERDESK_KB_PATH``).
"""

from __future__ import annotations

import logging

from knowledge.errors import KnowledgeError

log = logging.getLogger(__name__)


def _kb():
    from .kbaccess import get_kb

    return get_kb()


def programme_card(programme_id: str, lang: str) -> tuple[str, list[dict], str]:
    """A programme as a chat message in ``lang``: ``(markdown text, sources, language used)``.

    Raises ``knowledge.errors.NotFound`` for an unknown id.
    """
    programme = _kb().get(programme_id)
    lang_used, texts = programme.text_for(lang)
    record = programme.record
    lines = [f"**{texts['title']}**"]
    for key in ("summary", "how_to_apply"):
        if texts.get(key):
            lines.append(texts[key])
    if record.get("agency"):
        lines.append(f"- {record['agency']}")
    url = record.get("official_url")
    if url:
        lines.append(f"- {url}")
    return "\n".join(lines), [{"id": programme_id, "title": texts["title"], "url": url}], lang_used


def programme_choices(lang: str = "en") -> list[tuple[str, str]]:
    """``[(id, title)]`` of published programmes for pickers; empty when the KB is unavailable."""
    try:
        return [(p.record["id"], p.title(lang)) for p in _kb().list(status="published")]
    except KnowledgeError:
        log.warning("knowledge base unavailable for the programme picker", exc_info=True)
        return []


def category_of(programme_id: str) -> str | None:
    try:
        return _kb().get(programme_id).record.get("category")
    except KnowledgeError:
        return None
