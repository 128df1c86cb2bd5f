"""Client for the Rasa REST channel and the merge of its messages into widget replies.

Contract (docs/architecture.md, "Rasa ↔ web contract"): the web app posts
``{"sender", "message", "metadata": {"language", "language_locked"}}`` to
``{RASA_URL}/webhooks/rest/webhook`` and gets a list of messages back; a ``custom``
message carries ``sources`` / ``handoff`` / ``language`` for the text before it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

WEBHOOK_PATH = "/webhooks/rest/webhook"


class RasaUnavailable(Exception):
    """Rasa could not be reached or gave no usable answer (connection, timeout, HTTP error, bad JSON)."""


class RasaClient:
    """Tiny HTTP client for the Rasa REST webhook (stdlib only, one call per founder message)."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.url = base_url.rstrip("/") + WEBHOOK_PATH
        self.timeout = timeout

    def send(self, sender: str, message: str, metadata: dict) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message, "metadata": metadata}).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:  # HTTPError is a URLError
            raise RasaUnavailable(f"{self.url}: {exc}") from exc
        try:
            messages = json.loads(payload.decode("utf-8") or "[]")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RasaUnavailable(f"{self.url}: invalid JSON") from exc
        if not isinstance(messages, list):
            raise RasaUnavailable(f"{self.url}: expected a list of messages")
        return [m for m in messages if isinstance(m, dict)]


@dataclass
class Reply:
    text: str
    buttons: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    language: str | None = None
    handoff: bool = False
    custom: dict = field(default_factory=dict)  # the custom payload(s) that followed this text, merged

    def to_api(self) -> dict:
        return {"text": self.text, "buttons": self.buttons, "sources": self.sources}


@dataclass
class Merged:
    replies: list[Reply]
    handoff: bool = False
    language: str | None = None
    customs: list[dict] = field(default_factory=list)  # every custom payload, in order


def _http_url(value) -> str | None:
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def clean_buttons(buttons) -> list[dict]:
    out = []
    for b in buttons if isinstance(buttons, list) else []:
        if isinstance(b, dict) and isinstance(b.get("title"), str) and b.get("payload") is not None:
            out.append({"title": b["title"], "payload": str(b["payload"])})
    return out


def clean_sources(sources) -> list[dict]:
    out = []
    for s in sources if isinstance(sources, list) else []:
        if isinstance(s, str):
            s = {"id": None, "title": s, "url": s}
        if not isinstance(s, dict):
            continue
        url = _http_url(s.get("url"))
        title = s.get("title") if isinstance(s.get("title"), str) else None
        if not (title or url):
            continue
        out.append({"id": s.get("id"), "title": title or url, "url": url})
    return out


def merge_messages(messages: list[dict]) -> Merged:
    """Turn Rasa's message list into replies; each ``custom`` message is merged into the reply before it.

    A custom message with no text before it applies its handoff/language to the conversation, and its
    sources (if any) become a reply of their own with empty text.
    """
    merged = Merged(replies=[])
    for m in messages:
        custom = m.get("custom")
        if isinstance(m.get("text"), str) and m["text"].strip():
            merged.replies.append(Reply(text=m["text"], buttons=clean_buttons(m.get("buttons"))))
        elif m.get("buttons") and merged.replies:
            merged.replies[-1].buttons.extend(clean_buttons(m.get("buttons")))
        elif isinstance(m.get("image"), str) and _http_url(m["image"]):
            merged.replies.append(Reply(text=m["image"]))
        if not isinstance(custom, dict):
            continue
        merged.customs.append(custom)
        sources = clean_sources(custom.get("sources"))
        target = merged.replies[-1] if merged.replies else None
        if target is None and sources:
            target = Reply(text="")
            merged.replies.append(target)
        if target is not None:
            target.custom.update(custom)
            target.sources.extend(sources)
            if custom.get("handoff") is True:
                target.handoff = True
            if isinstance(custom.get("language"), str):
                target.language = custom["language"]
        if custom.get("handoff") is True:
            merged.handoff = True
        if isinstance(custom.get("language"), str):
            merged.language = custom["language"]
    return merged
