"""Blueprint ``widget``: the founders' chat API and the embeddable widget script.

    POST /api/chat                          send a message (starts a conversation without an id)
    GET  /api/chat/<id>/messages?after=N    history / catch-up (header X-Conversation-Token)
    GET  /api/chat/<id>/stream?after=N      server-sent events (token as header or ?token=)
    POST /api/chat/<id>/feedback            {"seq", "value": "up"|"down"} on a bot answer (down: handoff)
    POST /api/chat/<id>/contact             {"email"}: where staff may write if the founder leaves
    GET  /widget.js                         the widget, with its interface strings
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, request

from . import chat, handoff, i18n, sse, store

bp = Blueprint("widget", __name__)

STATIC = Path(__file__).parent / "static"


class ApiError(Exception):
    """A 4xx answer with a machine-readable code and a human message (rendered as JSON)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.app_errorhandler(ApiError)
def _api_error(exc: ApiError):
    return jsonify({"error": exc.code, "message": exc.message}), exc.status


def load_conversation(conversation_id: str, token) -> store.Conversation:
    """The conversation if it exists (else 404) and the token is its own (else 403)."""
    conversation = store.get_conversation(store.get_db(), conversation_id)
    if conversation is None:
        abort(404, description="No conversation with this id.")
    if not store.token_matches(conversation, token):
        abort(403, description="The token does not belong to this conversation.")
    return conversation


def _request_token():
    return request.headers.get("X-Conversation-Token") or request.args.get("token")


def _after_arg() -> int:
    raw = request.args.get("after", "0")
    try:
        after = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_after", "'after' must be a message sequence number.") from None
    if after < 0:
        raise ApiError(400, "invalid_after", "'after' must not be negative.")
    return after


@bp.post("/api/chat")
def post_chat():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'Send a JSON object such as {"text": "Hello"}.')
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "empty_text", "The message text is empty.")
    text = text.strip()
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        raise ApiError(400, "text_too_long", f"The message is longer than {limit} characters.")

    conversation = None
    token = None
    parent_id = None
    conversation_id = data.get("conversation_id")
    if conversation_id is not None:
        if not isinstance(conversation_id, str):
            raise ApiError(400, "invalid_conversation_id", "conversation_id must be a string.")
        token = data.get("token")
        conversation = load_conversation(conversation_id, token)
    else:
        parent_id = _previous_conversation(data)

    locked = data.get("language_locked")
    if locked is not None and not isinstance(locked, bool):
        raise ApiError(400, "invalid_language_locked", "language_locked must be true or false.")
    language = i18n.normalize(data.get("language"))
    display = data.get("display")
    display = display.strip()[:200] if isinstance(display, str) and display.strip() else None

    exchange = chat.handle_message(
        text=text,
        conversation=conversation,
        token=token,
        requested_language=language,
        language_locked=locked,
        display_text=display,
        parent_id=parent_id,
    )
    return jsonify(exchange.to_api())


def _previous_conversation(data: dict) -> str | None:
    """The earlier conversation of this browser ("New conversation" in the widget), if its token matches."""
    previous_id, previous_token = data.get("previous_conversation_id"), data.get("previous_token")
    if not isinstance(previous_id, str) or not isinstance(previous_token, str):
        return None
    previous = store.get_conversation(store.get_db(), previous_id)
    return previous.id if previous and store.token_matches(previous, previous_token) else None


@bp.get("/api/chat/<conversation_id>/messages")
def get_messages(conversation_id):
    conversation = load_conversation(conversation_id, _request_token())
    after = _after_arg()
    messages = store.list_messages(store.get_db(), conversation.id, after=after)
    return jsonify(
        {
            "conversation_id": conversation.id,
            "language": conversation.language,
            "language_locked": conversation.language_locked,
            "handoff": conversation.state in handoff.ACTIVE,
            "state": conversation.state,
            "contact": bool(conversation.contact_email),
            "messages": [m.to_api() for m in messages],
        }
    )


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "Send a JSON object.")
    return data


@bp.post("/api/chat/<conversation_id>/feedback")
def post_feedback(conversation_id):
    """Thumbs on a bot answer; "down" hands the conversation to staff (unless staff has it already)."""
    data = _json_body()
    conversation = load_conversation(conversation_id, _request_token() or data.get("token"))
    seq, value = data.get("seq"), data.get("value")
    if not isinstance(seq, int) or isinstance(seq, bool) or value not in ("up", "down"):
        raise ApiError(400, "invalid_feedback", 'Send {"seq": <bot message seq>, "value": "up" | "down"}.')
    db = store.get_db()
    notice = None
    with store.transaction(db):
        if not handoff.record_feedback(db, conversation, seq, value):
            raise ApiError(400, "invalid_feedback", "There is no answer of the assistant with this seq.")
        if value == "down":
            notice = handoff.start(db, conversation, "not_helpful")
    conversation = store.get_conversation(db, conversation.id)
    return jsonify(
        {
            "ok": True,
            "state": conversation.state,
            "handoff": conversation.state in handoff.ACTIVE,
            "replies": [{"text": notice.text, "buttons": [], "sources": []}] if notice else [],
        }
    )


@bp.post("/api/chat/<conversation_id>/contact")
def post_contact(conversation_id):
    """The founder's e-mail address, left in the widget's short form."""
    data = _json_body()
    conversation = load_conversation(conversation_id, _request_token() or data.get("token"))
    email = handoff.valid_email(data.get("email"))
    if email is None:
        raise ApiError(400, "invalid_email", "This is not a valid e-mail address.")
    db = store.get_db()
    with store.transaction(db):
        handoff.set_contact(db, conversation.id, email)
    return jsonify({"ok": True, "email": email})


@bp.get("/api/chat/<conversation_id>/stream")
def stream(conversation_id):
    conversation = load_conversation(conversation_id, _request_token())
    last = _after_arg()
    last_event_id = request.headers.get("Last-Event-ID", "")
    if last_event_id.isdigit():
        last = max(last, int(last_event_id))

    def new_messages(conn):
        nonlocal last
        for message in store.list_messages(conn, conversation.id, after=last, limit=100):
            last = message.seq
            yield "message", message.to_api(), message.seq

    return sse.stream(new_messages)


@bp.get("/widget.js")
def widget_js():
    """widget.js with its interface strings in front (one file for the one-line embed)."""
    cache = current_app.extensions.setdefault("founderdesk_widget", {})
    body = cache.get("js")
    if body is None or current_app.debug:
        bundle = i18n.widget_bundle()
        bundle["max_chars"] = current_app.config["MAX_MESSAGE_CHARS"]
        bundle = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
        source = (STATIC / "widget.js").read_text(encoding="utf-8")
        body = f"window.FounderDeskI18n = {bundle};\n{source}"
        cache["js"] = body
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.after_app_request
def _cors(response):
    """Let pages on the configured origins (FOUNDERDESK_WIDGET_ORIGINS) embed the widget."""
    origin = request.headers.get("Origin")
    if not origin or not (request.path.startswith("/api/chat") or request.path == "/widget.js"):
        return response
    allowed = current_app.config["WIDGET_ORIGINS"]
    if isinstance(allowed, str):
        allowed = [o.strip() for o in allowed.split(",") if o.strip()]
    if "*" in allowed or origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, X-Conversation-Token, Last-Event-ID"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers.add("Vary", "Origin")
    return response
