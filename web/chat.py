"""Founder conversation logic behind ``POST /api/chat``: language choice, storage, Rasa, fallback.

Order matters: the founder's message is committed to the store before Rasa is called,
and every reply is stored after Rasa answers (or the "received" fallback when it does not).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from flask import current_app

from . import handoff, i18n, store
from .rasa import RasaClient, RasaUnavailable, merge_messages

log = logging.getLogger(__name__)


@dataclass
class LanguageDecision:
    language: str  # conversation language after this message
    locked: bool
    detected: str | None  # this message's detected language (stored on the message)
    confidence: float | None


# --- language identification ------------------------------------------------------------


def get_detector():
    """The configured ``detect(text, prior=None, history=()) -> Guess(lang, confidence)``.

    ``LANGID`` is a callable or a "module:attr" path (default ``knowledge.langid:detect``);
    resolved on first use and cached per app. Returns None if it cannot be imported.
    """
    state = current_app.extensions.setdefault("founderdesk_langid", {})
    if "detect" not in state:
        spec = current_app.config["LANGID"]
        if callable(spec):
            state["detect"] = spec
        else:
            module_name, _, attr = str(spec).partition(":")
            try:
                state["detect"] = getattr(importlib.import_module(module_name), attr or "detect")
            except (ImportError, AttributeError):
                log.exception("language detector %r unavailable; using the browser/conversation language", spec)
                state["detect"] = None
    return state["detect"]


def detect_language(text: str, prior: str | None, history: list[str]) -> tuple[str | None, float | None]:
    detect = get_detector()
    if detect is None:
        return None, None
    try:
        guess = detect(text, prior=prior, history=tuple(history))
    except Exception:  # a detector bug must not lose the founder's message
        log.exception("language detection failed")
        return None, None
    lang = getattr(guess, "lang", None)
    confidence = getattr(guess, "confidence", None)
    return (lang if isinstance(lang, str) else None), (float(confidence) if confidence is not None else None)


def decide_language(
    *,
    text: str,
    conversation: store.Conversation | None,
    requested: str | None,
    locked: bool | None,
    history: list[str],
    is_payload: bool,
) -> LanguageDecision:
    """Detect this message's language and decide the conversation language.

    * an explicit choice (``language_locked: true`` with a supported ``language``) wins and sticks;
    * ``language_locked: false`` releases an earlier explicit choice; omitted leaves it as it was;
    * otherwise the language is sticky: a new conversation takes the detected language (or the
      browser's), a running one switches only when detection is confident (``LANG_SWITCH_CONFIDENCE``).
    """
    prior = requested or (conversation.browser_language if conversation else None)
    if is_payload:  # a quick-reply payload such as "/choose{...}" says nothing about the language
        detected, confidence = None, None
    else:
        detected, confidence = detect_language(text, prior, history)
    supported = detected if detected in i18n.LANGUAGES else None

    if locked and requested:
        return LanguageDecision(requested, True, detected, confidence)
    if conversation is not None and conversation.language_locked and locked is None:
        return LanguageDecision(conversation.language, True, detected, confidence)

    if conversation is None:
        language = supported or requested or i18n.DEFAULT_LANGUAGE
    elif supported and supported != conversation.language and (confidence or 0.0) >= current_app.config[
        "LANG_SWITCH_CONFIDENCE"
    ]:
        language = supported
    else:
        language = conversation.language
    return LanguageDecision(language, False, detected, confidence)


# --- the exchange -----------------------------------------------------------------------


@dataclass
class Exchange:
    conversation_id: str
    token: str
    language: str
    handoff: bool
    replies: list[dict]

    def to_api(self) -> dict:
        return {
            "conversation_id": self.conversation_id,
            "token": self.token,
            "language": self.language,
            "handoff": self.handoff,
            "replies": self.replies,
        }


def rasa_client() -> RasaClient:
    return RasaClient(current_app.config["RASA_URL"], timeout=float(current_app.config["RASA_TIMEOUT"]))


def handle_message(
    *,
    text: str,
    conversation: store.Conversation | None,
    token: str | None,
    requested_language: str | None,
    language_locked: bool | None,
    display_text: str | None = None,
    parent_id: str | None = None,
) -> Exchange:
    """Store the founder message, ask Rasa (unless staff has the conversation), store and return the replies.

    While the conversation is pending or open (web/handoff.py) Rasa is never called: the message is
    stored for staff and the reply list is empty (or holds the handoff notice when this message
    reopened a resolved conversation).
    """
    db = store.get_db()
    is_payload = text.startswith("/")
    history = store.founder_languages(db, conversation.id) if conversation else []
    decision = decide_language(
        text=text,
        conversation=conversation,
        requested=requested_language,
        locked=language_locked,
        history=history,
        is_payload=is_payload,
    )

    with store.transaction(db):
        if conversation is None:
            conversation, token = store.create_conversation(
                db,
                language=decision.language,
                language_locked=decision.locked,
                browser_language=requested_language,
                parent_id=parent_id,
            )
        elif (decision.language, decision.locked) != (conversation.language, conversation.language_locked):
            store.update_conversation(
                db, conversation.id, language=decision.language, language_locked=decision.locked
            )
        store.add_message(
            db,
            conversation.id,
            "founder",
            text,
            display_text=display_text if is_payload else None,
            language=decision.detected,
            language_confidence=decision.confidence,
        )
        conversation = store.get_conversation(db, conversation.id)
        route, notice = handoff.route_founder_message(db, conversation)

    language = decision.language
    if route == "staff":
        return Exchange(conversation.id, token, language, True, [_reply(notice)] if notice else [])
    try:
        messages = rasa_client().send(
            conversation.id, text, {"language": language, "language_locked": decision.locked}
        )
        if not messages:
            # every founder message gets a reply from this bot; none means its action server failed
            raise RasaUnavailable("Rasa sent no reply (is the action server down?)")
    except RasaUnavailable as exc:
        log.warning("Rasa unavailable for conversation %s: %s", conversation.id, exc)
        fallback = i18n.received_fallback(language)
        with store.transaction(db):
            replies = [
                store.add_message(
                    db, conversation.id, "bot", fallback, language=language, meta={"kind": "rasa_unavailable"}
                )
            ]
            conversation = store.get_conversation(db, conversation.id)
            notice = handoff.start(db, conversation, "rasa_unavailable")
            if notice is not None:
                replies.append(notice)
        return Exchange(conversation.id, token, language, True, [_reply(m) for m in replies])

    merged = merge_messages(messages)
    bot_locked = False
    if merged.language in i18n.LANGUAGES and not decision.locked:
        language = merged.language  # the bot may switch language on request ("answer in Korean")
        # a switch the founder asked the bot for sticks like the picker's explicit choice
        bot_locked = any(c.get("language_locked") is True for c in merged.customs)
    replies = [r.to_api() for r in merged.replies]
    with store.transaction(db):
        for reply in merged.replies:
            meta = {}
            if reply.handoff:
                meta["handoff"] = True
            if reply.custom:
                meta["custom"] = reply.custom
            store.add_message(
                db,
                conversation.id,
                "bot",
                reply.text,
                language=reply.language or language,
                buttons=reply.buttons,
                sources=reply.sources,
                meta=meta,
            )
        if bot_locked:
            store.update_conversation(db, conversation.id, language=language, language_locked=True)
        elif language != decision.language:
            store.update_conversation(db, conversation.id, language=language)
        conversation = store.get_conversation(db, conversation.id)
        reason = handoff.trigger_from_bot(db, conversation, merged.handoff, merged.customs)
        notice = handoff.start(db, conversation, reason) if reason else None
    if notice is not None:
        replies.append(_reply(notice))
    return Exchange(conversation.id, token, language, reason is not None, replies)


def _reply(message: store.Message) -> dict:
    return {"text": message.text, "buttons": message.buttons, "sources": message.sources}
