"""Blueprints ``console`` (staff pages, /console) and ``staff_api`` (JSON, /api/staff).

Pages (session login, CSRF on every form)::

    GET  /console/                      queue of pending/open conversations, filters, live updates
    GET  /console/c/<id>                transcript, knowledge-base results, eligibility, contact, history
    POST /console/c/<id>/claim|reply|card|note|resolve
    GET  /console/search?q=             past conversations
    GET  /console/canned                canned replies per language (+ POST create/edit/delete)

API (session or ``Authorization: Bearer <token>``; 401 without)::

    GET  /api/staff/conversations?state=pending[,open]&language=&category=&assignee=me|none|<name>&waiting=<min>
    GET  /api/staff/conversations/<id>            details, messages, notes
    GET  /api/staff/conversations/<id>/messages?after=N
    POST /api/staff/conversations/<id>/claim      {"assignee": username}?   (default: yourself)
    POST /api/staff/conversations/<id>/reply      {"text"}
    POST /api/staff/conversations/<id>/card       {"programme_id"}
    POST /api/staff/conversations/<id>/notes      {"text"}
    POST /api/staff/conversations/<id>/resolve    {"hand_back": true}?
    GET  /api/staff/summary                       {"pending", "open", "mine"} for the badge
    GET  /api/staff/stream                        server-sent events: "changed" whenever a conversation does
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from knowledge.errors import KnowledgeError

from . import auth, cards, handoff, i18n, sse, store
from .auth import current_user, staff_required

log = logging.getLogger(__name__)

bp = Blueprint("console", __name__, url_prefix="/console")
api = Blueprint("staff_api", __name__, url_prefix="/api/staff")

ELIGIBILITY_SLOTS = ("founder_status", "company_stage", "company_age", "sector", "in_jeonbuk")


# --- queries ----------------------------------------------------------------------------


def _minutes_ago(minutes: float) -> str:
    t = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def queue_filters(args) -> dict:
    states = [s for s in (args.get("state") or "pending,open").split(",") if s in handoff.STATES]
    return {
        "state": states or ["pending", "open"],
        "language": args.get("language") or "",
        "category": args.get("category") or "",
        "assignee": args.get("assignee") or "",
        "waiting": args.get("waiting") or "",
    }


def query_conversations(db, filters: dict, user, limit: int = 200) -> list[dict]:
    sql = [
        "SELECT c.*, u.username AS assignee_name,"
        " (SELECT text FROM messages m WHERE m.conversation_id = c.id AND m.role = 'founder'"
        "  ORDER BY seq DESC LIMIT 1) AS last_founder_text"
        " FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id WHERE c.state IN (%s)"
        % ",".join("?" * len(filters["state"]))
    ]
    args: list = list(filters["state"])
    if filters["language"]:
        sql.append("AND c.language = ?")
        args.append(filters["language"])
    if filters["category"]:
        sql.append("AND c.category = ?")
        args.append(filters["category"])
    assignee = filters["assignee"]
    if assignee == "me":
        sql.append("AND c.assignee_id = ?")
        args.append(user.id)
    elif assignee == "none":
        sql.append("AND c.assignee_id IS NULL")
    elif assignee:
        sql.append("AND u.username = ?")
        args.append(assignee)
    try:
        waiting = float(filters["waiting"]) if filters["waiting"] else None
    except ValueError:
        waiting = None
    if waiting is not None:
        sql.append("AND c.pending_since <= ?")
        args.append(_minutes_ago(waiting))
    sql.append("ORDER BY CASE c.state WHEN 'pending' THEN 0 ELSE 1 END, c.pending_since LIMIT ?")
    args.append(limit)
    return [_summary(row) for row in db.execute(" ".join(sql), args).fetchall()]


def _summary(row) -> dict:
    return {
        "id": row["id"],
        "state": row["state"],
        "language": row["language"],
        "waiting_since": row["pending_since"],
        "assignee": row["assignee_name"],
        "category": row["category"],
        "reason": row["handoff_reason"],
        "contact_email": row["contact_email"],
        "updated_at": row["updated_at"],
        "last_founder_text": row["last_founder_text"],
    }


def load(conversation_id: str) -> store.Conversation:
    conversation = store.get_conversation(store.get_db(), conversation_id)
    if conversation is None:
        abort(404, description="No conversation with this id.")
    return conversation


def staff_message_api(message: store.Message) -> dict:
    data = message.to_api()
    data["meta"] = message.meta
    data["language_confidence"] = message.language_confidence
    return data


def last_search(messages: list[store.Message]) -> dict | None:
    """The bot's last knowledge-base search (custom payload ``search``) in the transcript."""
    for message in reversed(messages):
        search = (message.meta.get("custom") or {}).get("search") if message.role == "bot" else None
        if isinstance(search, dict):
            results = [r for r in search.get("results") or [] if isinstance(r, dict)]
            return {"query": search.get("query"), "answerable": search.get("answerable"), "results": results}
    return None


def eligibility_answers(conversation_id: str, messages: list[store.Message]) -> dict:
    """The founder's eligibility answers: a custom payload ``profile`` if the bot sent one, else the
    latest values of the form slots in Rasa's tracker (best effort, short timeout)."""
    for message in reversed(messages):
        profile = (message.meta.get("custom") or {}).get("profile")
        if isinstance(profile, dict) and profile:
            return {k: v for k, v in profile.items() if v is not None}
    url = current_app.config["RASA_URL"].rstrip("/") + f"/conversations/{conversation_id}/tracker?include_events=ALL"
    try:
        with urllib.request.urlopen(url, timeout=1.5) as response:
            tracker = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError):
        return {}
    answers: dict = {}
    for event in tracker.get("events") or [] if isinstance(tracker, dict) else []:
        if isinstance(event, dict) and event.get("event") == "slot" and event.get("name") in ELIGIBILITY_SLOTS:
            if event.get("value") is not None:
                answers[event["name"]] = event["value"]
    return answers


def related_conversations(db, conversation: store.Conversation) -> list[dict]:
    """Earlier and later conversations of the same founder: same browser lineage or same e-mail."""
    ids: set[str] = set()
    frontier = [conversation.id]
    while frontier:  # walk parent and child links
        current = frontier.pop()
        rows = db.execute(
            "SELECT id FROM conversations WHERE parent_id = ? UNION SELECT parent_id FROM conversations"
            " WHERE id = ? AND parent_id IS NOT NULL",
            (current, current),
        ).fetchall()
        for row in rows:
            if row[0] not in ids and row[0] != conversation.id:
                ids.add(row[0])
                frontier.append(row[0])
    if conversation.contact_email:
        for row in db.execute(
            "SELECT id FROM conversations WHERE contact_email = ? COLLATE NOCASE AND id != ?",
            (conversation.contact_email, conversation.id),
        ):
            ids.add(row[0])
    if not ids:
        return []
    rows = db.execute(
        "SELECT c.id, c.state, c.language, c.created_at, c.contact_email,"
        " (SELECT text FROM messages m WHERE m.conversation_id = c.id AND m.role = 'founder' ORDER BY seq LIMIT 1)"
        " AS first_text FROM conversations c WHERE c.id IN (%s) ORDER BY c.created_at DESC" % ",".join("?" * len(ids)),
        list(ids),
    ).fetchall()
    return [dict(r) for r in rows]


def list_notes(db, conversation_id: str) -> list[dict]:
    rows = db.execute(
        "SELECT n.id, n.text, n.created_at, u.username FROM notes n LEFT JOIN users u ON u.id = n.user_id"
        " WHERE n.conversation_id = ? ORDER BY n.id",
        (conversation_id,),
    ).fetchall()
    return [dict(r) for r in rows]


def search_conversations(db, q: str, limit: int = 100) -> list[dict]:
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.execute(
        "SELECT c.id, c.state, c.language, c.created_at, c.contact_email,"
        " (SELECT m.text FROM messages m WHERE m.conversation_id = c.id AND m.text LIKE ? ESCAPE '\\'"
        "  ORDER BY m.seq LIMIT 1) AS snippet"
        " FROM conversations c WHERE c.id = ? OR c.contact_email LIKE ? ESCAPE '\\' OR EXISTS"
        " (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.text LIKE ? ESCAPE '\\')"
        " ORDER BY c.updated_at DESC LIMIT ?",
        (pattern, q, pattern, pattern, limit),
    ).fetchall()
    return [dict(r) for r in rows]


def staff_users(db) -> list[auth.User]:
    return [u for u in auth.list_users(db) if u.active]


def canned_replies(db, language: str | None = None) -> list[dict]:
    if language:
        rows = db.execute("SELECT * FROM canned_replies WHERE language = ? ORDER BY title", (language,))
    else:
        rows = db.execute("SELECT * FROM canned_replies ORDER BY language, title")
    return [dict(r) for r in rows.fetchall()]


# --- actions shared by pages and API ----------------------------------------------------


class ActionError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def do_claim(conversation, assignee_name: str | None):
    db = store.get_db()
    user = current_user()
    assignee_id = None
    if assignee_name:
        assignee = auth.get_user_by_name(db, assignee_name)
        if assignee is None or not assignee.active:
            raise ActionError(400, "unknown_assignee", f"No active user named {assignee_name!r}.")
        assignee_id = assignee.id
    with store.transaction(db):
        handoff.claim(db, store.get_conversation(db, conversation.id), user, assignee_id)


def do_reply(conversation, text: object):
    if not isinstance(text, str) or not text.strip():
        raise ActionError(400, "empty_text", "The reply is empty.")
    text = text.strip()
    if len(text) > 4000:
        raise ActionError(400, "text_too_long", "The reply is longer than 4000 characters.")
    db = store.get_db()
    with store.transaction(db):
        return handoff.reply(db, store.get_conversation(db, conversation.id), current_user(), text)


def do_card(conversation, programme_id: object):
    if not isinstance(programme_id, str) or not programme_id.strip():
        raise ActionError(400, "invalid_programme", "Choose a programme.")
    try:
        text, sources, lang_used = cards.programme_card(programme_id.strip(), conversation.language)
    except KnowledgeError as exc:
        raise ActionError(404 if "not" in type(exc).__name__.lower() else 503, "programme_unavailable", str(exc)) from None
    db = store.get_db()
    with store.transaction(db):
        return handoff.reply(
            db,
            store.get_conversation(db, conversation.id),
            current_user(),
            text,
            sources=sources,
            meta={"kind": "card", "programme_id": programme_id, "lang_used": lang_used},
        )


def do_note(conversation, text: object):
    if not isinstance(text, str) or not text.strip():
        raise ActionError(400, "empty_text", "The note is empty.")
    db = store.get_db()
    with store.transaction(db):
        handoff.add_note(db, conversation.id, current_user(), text.strip()[:4000])


def do_resolve(conversation, hand_back: bool):
    db = store.get_db()
    try:
        with store.transaction(db):
            handoff.resolve(db, store.get_conversation(db, conversation.id), current_user(), hand_back=hand_back)
    except handoff.HandoffError as exc:
        raise ActionError(409, "invalid_state", str(exc)) from None


# --- pages ------------------------------------------------------------------------------


@bp.app_template_filter("localtime")
def _localtime(ts: str | None) -> str:
    if not ts:
        return ""
    from zoneinfo import ZoneInfo

    when = dt.datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(
        ZoneInfo(current_app.config["BUSINESS_TIMEZONE"])
    )
    return when.strftime("%Y-%m-%d %H:%M")


@bp.context_processor
def _console_context():
    return {"poll_seconds": current_app.config["CONSOLE_POLL_SECONDS"], "language_names": i18n.NATIVE_NAMES}


@bp.get("/")
@staff_required
def queue():
    db = store.get_db()
    filters = queue_filters(request.args)
    categories = [r[0] for r in db.execute("SELECT DISTINCT category FROM conversations WHERE category IS NOT NULL")]
    return render_template(
        "console/queue.html",
        conversations=query_conversations(db, filters, current_user()),
        filters=filters,
        categories=sorted(categories),
        users=staff_users(db),
        states=handoff.STATES,
    )


def _transcript(conversation_id):
    """The store handle, the conversation (404 if unknown), its messages and its assignee."""
    db = store.get_db()
    conversation = load(conversation_id)
    messages = store.list_messages(db, conversation.id, limit=5000)
    assignee = auth.get_user(db, conversation.assignee_id) if conversation.assignee_id else None
    return db, conversation, messages, assignee


@bp.get("/c/<conversation_id>")
@staff_required
def conversation_view(conversation_id):
    db, conversation, messages, assignee = _transcript(conversation_id)
    return render_template(
        "console/conversation.html",
        conversation=conversation,
        messages=messages,
        assignee=assignee,
        search=last_search(messages),
        eligibility=eligibility_answers(conversation.id, messages),
        related=related_conversations(db, conversation),
        notes=list_notes(db, conversation.id),
        canned=canned_replies(db, conversation.language),
        programmes=cards.programme_choices(conversation.language),
        users=staff_users(db),
        last_seq=messages[-1].seq if messages else 0,
    )


def _page_action(conversation_id, action):
    conversation = load(conversation_id)
    try:
        action(conversation)
    except ActionError as exc:
        flash(exc.message)
    return redirect(url_for("console.conversation_view", conversation_id=conversation.id))


@bp.post("/c/<conversation_id>/claim")
@staff_required
def claim_page(conversation_id):
    return _page_action(conversation_id, lambda c: do_claim(c, request.form.get("assignee") or None))


@bp.post("/c/<conversation_id>/reply")
@staff_required
def reply_page(conversation_id):
    return _page_action(conversation_id, lambda c: do_reply(c, request.form.get("text")))


@bp.post("/c/<conversation_id>/card")
@staff_required
def card_page(conversation_id):
    return _page_action(conversation_id, lambda c: do_card(c, request.form.get("programme_id")))


@bp.post("/c/<conversation_id>/note")
@staff_required
def note_page(conversation_id):
    return _page_action(conversation_id, lambda c: do_note(c, request.form.get("text")))


@bp.post("/c/<conversation_id>/resolve")
@staff_required
def resolve_page(conversation_id):
    hand_back = request.form.get("hand_back", "1") == "1"
    response = _page_action(conversation_id, lambda c: do_resolve(c, hand_back))
    return response


@bp.get("/search")
@staff_required
def search():
    q = (request.args.get("q") or "").strip()
    results = search_conversations(store.get_db(), q) if q else []
    return render_template("console/search.html", q=q, results=results)


@bp.route("/canned", methods=("GET", "POST"))
@staff_required
def canned():
    db = store.get_db()
    if request.method == "POST":
        form = _canned_form()
        if form:
            ts = store.now()
            db.execute(
                "INSERT INTO canned_replies (language, title, text, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*form, current_user().id, ts, ts),
            )
            flash("Canned reply added.")
        return redirect(url_for("console.canned"))
    return render_template("console/canned.html", replies=canned_replies(db), languages=i18n.LANGUAGES)


@bp.post("/canned/<int:reply_id>/edit")
@staff_required
def canned_edit(reply_id):
    form = _canned_form()
    if form:
        store.get_db().execute(
            "UPDATE canned_replies SET language = ?, title = ?, text = ?, updated_at = ? WHERE id = ?",
            (*form, store.now(), reply_id),
        )
        flash("Canned reply saved.")
    return redirect(url_for("console.canned"))


def _canned_form():
    """(language, title, text) from the canned-reply form, trimmed to size; None (and a flash) if incomplete."""
    language = i18n.normalize(request.form.get("language"))
    title = (request.form.get("title") or "").strip()
    text = (request.form.get("text") or "").strip()
    if not (language and title and text):
        flash("Language, title and text are required.")
        return None
    return language, title[:200], text[:4000]


@bp.post("/canned/<int:reply_id>/delete")
@staff_required
def canned_delete(reply_id):
    store.get_db().execute("DELETE FROM canned_replies WHERE id = ?", (reply_id,))
    flash("Canned reply deleted.")
    return redirect(url_for("console.canned"))


# --- JSON API ---------------------------------------------------------------------------


@api.errorhandler(ActionError)
def _action_error(exc: ActionError):
    return jsonify({"error": exc.code, "message": exc.message}), exc.status


def _body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


@api.get("/conversations")
@staff_required
def api_conversations():
    db = store.get_db()
    return jsonify({"conversations": query_conversations(db, queue_filters(request.args), current_user())})


@api.get("/summary")
@staff_required
def api_summary():
    db = store.get_db()
    rows = dict(db.execute("SELECT state, COUNT(*) FROM conversations WHERE state IN ('pending', 'open') GROUP BY state"))
    mine = db.execute(
        "SELECT COUNT(*) FROM conversations WHERE state = 'open' AND assignee_id = ?", (current_user().id,)
    ).fetchone()[0]
    latest = db.execute("SELECT MAX(pending_since) FROM conversations WHERE state = 'pending'").fetchone()[0]
    return jsonify({"pending": rows.get("pending", 0), "open": rows.get("open", 0), "mine": mine, "latest_pending": latest})


@api.get("/stream")
@staff_required
def api_stream():
    """A "changed" event whenever any conversation changes (a message, a claim, a state), so open
    console pages refresh their badge, queue and transcript at once instead of on their next poll."""
    latest = "SELECT MAX(updated_at) FROM conversations"
    seen = store.get_db().execute(latest).fetchone()[0]  # what the page knew when it connected

    def changes(conn):
        nonlocal seen
        version = conn.execute(latest).fetchone()[0]
        if version != seen:
            seen = version
            yield "changed", {"updated_at": version}, None

    return sse.stream(changes)


@api.get("/conversations/<conversation_id>")
@staff_required
def api_conversation(conversation_id):
    db, conversation, messages, assignee = _transcript(conversation_id)
    return jsonify(_conversation_api(
        conversation, assignee,
        reason=conversation.handoff_reason,
        category=conversation.category,
        contact_email=conversation.contact_email,
        messages=[staff_message_api(m) for m in messages],
        notes=list_notes(db, conversation.id),
        search=last_search(messages),
        related=related_conversations(db, conversation),
    ))


@api.get("/conversations/<conversation_id>/messages")
@staff_required
def api_messages(conversation_id):
    conversation = load(conversation_id)
    try:
        after = max(0, int(request.args.get("after", "0")))
    except ValueError:
        after = 0
    messages = store.list_messages(store.get_db(), conversation.id, after=after)
    return jsonify({"state": conversation.state, "messages": [staff_message_api(m) for m in messages]})


@api.post("/conversations/<conversation_id>/claim")
@staff_required
def api_claim(conversation_id):
    conversation = load(conversation_id)
    assignee = _body().get("assignee")
    do_claim(conversation, assignee if isinstance(assignee, str) and assignee else None)
    return _state(conversation.id)


@api.post("/conversations/<conversation_id>/reply")
@staff_required
def api_reply(conversation_id):
    message = do_reply(load(conversation_id), _body().get("text"))
    return _state(conversation_id, message=message.to_api())


@api.post("/conversations/<conversation_id>/card")
@staff_required
def api_card(conversation_id):
    message = do_card(load(conversation_id), _body().get("programme_id"))
    return _state(conversation_id, message=message.to_api())


@api.post("/conversations/<conversation_id>/notes")
@staff_required
def api_note(conversation_id):
    do_note(load(conversation_id), _body().get("text"))
    return _state(conversation_id)


@api.post("/conversations/<conversation_id>/resolve")
@staff_required
def api_resolve(conversation_id):
    hand_back = _body().get("hand_back", True)
    do_resolve(load(conversation_id), hand_back is not False)
    return _state(conversation_id)


def _state(conversation_id: str, **extra):
    db = store.get_db()
    conversation = store.get_conversation(db, conversation_id)
    assignee = auth.get_user(db, conversation.assignee_id) if conversation.assignee_id else None
    return jsonify(_conversation_api(conversation, assignee, **extra))


def _conversation_api(conversation, assignee, **extra) -> dict:
    """The staff API's view of a conversation (the fields checks outside the project rely on first)."""
    return {
        "id": conversation.id,
        "state": conversation.state,
        "language": conversation.language,
        "waiting_since": conversation.pending_since,
        "assignee": assignee.username if assignee else None,
        **extra,
    }
