"""Human handoff: conversation states, triggers, the expected wait and the outbound webhook.

States (``conversations.state``)::

    bot ──start()──▶ pending ──claim()──▶ open ──resolve()──▶ resolved
     │                  ▲                                        │
     └──claim() (staff takeover)──▶ open                         │
                        └──── founder writes within REOPEN_DAYS ─┘ (hand_back=False)

* While ``pending`` or ``open`` the bot never answers: founder messages are stored for staff only.
* ``resolve(hand_back=True)`` (the default) gives the conversation back to the bot: the founder's next
  messages go to Rasa again. A handoff trigger within ``REOPEN_DAYS`` of the resolution reopens the
  conversation as pending for the same assignee (reason ``reopened:<trigger>``).
* ``resolve(hand_back=False)`` closes it for follow-ups: any founder message within ``REOPEN_DAYS``
  reopens it as pending (reason ``reopened``); after that the bot answers.
* Triggers: the bot's custom payload ``"handoff": true`` (``requested``); ``UNANSWERED_HANDOFF`` (2)
  unanswerable searches in a row (custom payload ``{"search": {"answerable": false}}``; an answerable
  one resets the count); a thumbs-down on a bot answer (``not_helpful``); Rasa unreachable
  (``rasa_unavailable``); a staff member claiming a bot conversation (``staff_takeover``).

Every function here takes the store connection and runs inside the caller's transaction. New pending
conversations are announced to ``HANDOFF_WEBHOOK`` (if set) after the request, from a background
thread with retries; failures are logged to ``webhook_failures``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request

from knowledge.plurals import count_text

from . import i18n, store

log = logging.getLogger(__name__)

STATES = ("bot", "pending", "open", "resolved")
ACTIVE = ("pending", "open")

DEFAULTS = {
    "REOPEN_DAYS": 7,  # a resolved conversation reopens as pending within this many days
    "UNANSWERED_HANDOFF": 2,  # unanswerable questions in a row that start a handoff
    "BUSINESS_TIMEZONE": "Asia/Seoul",
    "BUSINESS_DAYS": [0, 1, 2, 3, 4],  # Monday = 0
    "BUSINESS_OPEN": "09:00",
    "BUSINESS_CLOSE": "18:00",
    # Public holidays of this country (ISO 3166 code; "" for none), computed for any year by the
    # ``holidays`` package, substitute holidays and election days included.
    "HOLIDAY_COUNTRY": "KR",
    "HOLIDAYS": [],  # the centre's own closing days on top, as ISO dates
    "RESPONSE_MINUTES": 30,  # typical wait for a person during business hours
    "HANDOFF_WEBHOOK": None,  # URL for new pending conversations; offline (None) by default
    "HANDOFF_WEBHOOK_RETRIES": 4,
    "HANDOFF_WEBHOOK_BACKOFF": 2.0,  # seconds before the first retry, doubled each time
    "HANDOFF_WEBHOOK_TIMEOUT": 5,
    "CONSOLE_POLL_SECONDS": 3,  # live updates of the staff console
}

EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]{2,}$")


class HandoffError(Exception):
    """A state change that is not allowed now (e.g. resolving a conversation the bot has)."""


class HolidayCalendarError(ValueError):
    """FOUNDERDESK_HOLIDAY_COUNTRY names no country the ``holidays`` package knows."""


# --- business hours ---------------------------------------------------------------------


@dataclass
class Wait:
    in_hours: bool
    minutes: int  # expected minutes during business hours
    opens_at: dt.datetime | None  # next opening (local time) when closed now

    def to_api(self) -> dict:
        return {
            "in_hours": self.in_hours,
            "minutes": self.minutes,
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
        }


def _hm(value: str) -> dt.time:
    hours, minutes = str(value).split(":")
    return dt.time(int(hours), int(minutes))


@functools.lru_cache(maxsize=16)
def public_holidays(country: str, year: int) -> frozenset:
    """The public holidays of ``country`` in ``year`` (empty for no country)."""
    if not country:
        return frozenset()
    import holidays

    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError as exc:
        raise HolidayCalendarError(
            f"FOUNDERDESK_HOLIDAY_COUNTRY={country!r}: no public holiday calendar for that country "
            "(use an ISO 3166 code such as KR, or an empty value for none)") from exc


def expected_wait(config, now: dt.datetime | None = None) -> Wait:
    """How long a founder should expect to wait for a person, from the centre's business hours."""
    tz = ZoneInfo(config["BUSINESS_TIMEZONE"])
    local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(tz)
    opens, closes = _hm(config["BUSINESS_OPEN"]), _hm(config["BUSINESS_CLOSE"])
    days = {int(d) for d in config["BUSINESS_DAYS"]}
    closed = {str(h) for h in config["HOLIDAYS"]}
    country = config.get("HOLIDAY_COUNTRY") or ""
    minutes = int(config["RESPONSE_MINUTES"])

    def working(day: dt.date) -> bool:
        return (day.weekday() in days and day.isoformat() not in closed
                and day not in public_holidays(country, day.year))

    if working(local.date()) and opens <= local.time() < closes:
        return Wait(True, minutes, None)
    day = local.date()
    if working(day) and local.time() < opens:
        return Wait(False, minutes, dt.datetime.combine(day, opens, tz))
    for _ in range(60):
        day += dt.timedelta(days=1)
        if working(day):
            return Wait(False, minutes, dt.datetime.combine(day, opens, tz))
    return Wait(False, minutes, None)  # no working day configured in the next 60 days


def wait_text(lang: str, wait: Wait) -> str:
    if wait.in_hours or wait.opens_at is None:
        return i18n.localized(i18n.WAIT_SOON, lang, duration=count_text("minute", lang, wait.minutes))
    return i18n.localized(i18n.WAIT_LATER, lang, when=wait.opens_at.strftime("%Y-%m-%d %H:%M"))


def notice_text(lang: str, wait: Wait) -> str:
    return i18n.localized(i18n.HANDOFF_NOTICE, lang, wait=wait_text(lang, wait))


# --- state changes ----------------------------------------------------------------------


def log_event(db, conversation_id: str, kind: str, user_id: int | None = None, **detail) -> None:
    db.execute(
        "INSERT INTO conversation_events (conversation_id, kind, user_id, detail, created_at) VALUES (?, ?, ?, ?, ?)",
        (conversation_id, kind, user_id, json.dumps(detail, ensure_ascii=False), store.now()),
    )


def _parse(ts: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00")) if ts else None


def within_reopen_window(conversation: store.Conversation, now: dt.datetime | None = None) -> bool:
    resolved = _parse(conversation.resolved_at)
    if conversation.state != "resolved" or resolved is None:
        return False
    now = now or dt.datetime.now(dt.timezone.utc)
    return now - resolved <= dt.timedelta(days=float(current_app.config["REOPEN_DAYS"]))


def _guess_category(db, conversation_id: str) -> str | None:
    """The category of the programme the bot last pointed to (knowledge-base results or sources)."""
    from .cards import category_of

    rows = db.execute(
        "SELECT meta, sources FROM messages WHERE conversation_id = ? AND role = 'bot' ORDER BY seq DESC LIMIT 20",
        (conversation_id,),
    ).fetchall()
    for row in rows:
        custom = (json.loads(row["meta"] or "{}").get("custom") or {})
        results = (custom.get("search") or {}).get("results") or []
        candidates = [r for r in results if isinstance(r, dict)] + json.loads(row["sources"] or "[]")
        for item in candidates:
            if isinstance(item, dict) and item.get("category"):
                return str(item["category"])
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                category = category_of(item["id"])
                if category:
                    return category
    return None


def start(db, conversation: store.Conversation, reason: str, *, user_id: int | None = None):
    """Put the conversation in the staff queue and tell the founder; returns the notice message.

    Returns None if staff already has the conversation.
    """
    if conversation.state in ACTIVE:
        return None
    reopening = within_reopen_window(conversation)
    if reopening and not reason.startswith("reopened"):
        reason = f"reopened:{reason}"
    ts = store.now()
    fields = {
        "state": "pending",
        "needs_staff": True,
        "handoff_reason": reason,
        "pending_since": ts,
        "unanswered_streak": 0,
    }
    if not reopening:
        fields["assignee_id"] = None
    if conversation.category is None:
        try:
            category = _guess_category(db, conversation.id)
        except Exception:  # the category is a filter nicety; never lose the handoff for it
            log.exception("category lookup failed for %s", conversation.id)
            category = None
        if category:
            fields["category"] = category
    store.update_conversation(db, conversation.id, **fields)
    log_event(db, conversation.id, "pending", user_id, reason=reason)
    wait = expected_wait(current_app.config)
    notice = bot_notice(db, conversation, notice_text(conversation.language, wait), kind="handoff",
                        reason=reason, wait=wait.to_api())
    if has_request_context():
        g.setdefault("founderdesk_new_pending", []).append(
            {"conversation_id": conversation.id, "language": conversation.language, "reason": reason}
        )
    return notice


def route_founder_message(db, conversation: store.Conversation):
    """Who answers the founder's new message: ``("staff" | "bot", notice message or None)``.

    Reopens a conversation resolved without hand-back within REOPEN_DAYS; after that window a
    resolved conversation goes back to plain ``bot``.
    """
    if conversation.state in ACTIVE:
        return "staff", None
    if conversation.state == "resolved":
        if within_reopen_window(conversation):
            if not conversation.hand_back:
                return "staff", start(db, conversation, "reopened")
        else:
            store.update_conversation(db, conversation.id, state="bot")
    return "bot", None


def _search_outcomes(customs: list[dict]) -> list[bool]:
    outcomes = []
    for custom in customs:
        search = custom.get("search") if isinstance(custom, dict) else None
        if isinstance(search, dict) and isinstance(search.get("answerable"), bool):
            outcomes.append(search["answerable"])
    return outcomes


def trigger_from_bot(db, conversation: store.Conversation, handoff_requested: bool, customs: list[dict]) -> str | None:
    """Update the unanswerable streak from the bot's reply; return the handoff reason, if any."""
    outcomes = _search_outcomes(customs)
    streak = conversation.unanswered_streak
    if outcomes:
        streak = 0 if any(outcomes) else streak + 1
        if streak != conversation.unanswered_streak:
            store.update_conversation(db, conversation.id, unanswered_streak=streak)
            conversation.unanswered_streak = streak
    if handoff_requested:
        return "requested"
    if streak >= int(current_app.config["UNANSWERED_HANDOFF"]):
        return "unanswerable"
    return None


def claim(db, conversation: store.Conversation, user, assignee_id: int | None = None) -> None:
    """Give the conversation to ``assignee_id`` (default: the acting user); takes it over from the bot."""
    target = assignee_id or user.id
    if conversation.state in ("bot", "resolved"):
        ts = store.now()
        store.update_conversation(
            db,
            conversation.id,
            state="open",
            needs_staff=True,
            assignee_id=target,
            handoff_reason="staff_takeover",
            pending_since=ts,
            unanswered_streak=0,
        )
        bot_notice(db, conversation, i18n.localized(i18n.STAFF_JOINED, conversation.language), kind="staff_joined")
        log_event(db, conversation.id, "takeover", user.id, assignee_id=target)
        return
    store.update_conversation(db, conversation.id, state="open", needs_staff=True, assignee_id=target)
    log_event(db, conversation.id, "claim" if target == user.id else "assign", user.id, assignee_id=target)


def bot_notice(db, conversation: store.Conversation, text: str, *, kind: str, **meta) -> store.Message:
    """A message the web app itself writes to the founder as the bot (handoff, staff joined, bot back)."""
    return store.add_message(db, conversation.id, "bot", text, language=conversation.language,
                             meta={"kind": kind, **meta})


def reply(db, conversation: store.Conversation, user, text: str, *, sources=(), meta: dict | None = None):
    """A staff message to the founder (claims the conversation first if nobody has it)."""
    if conversation.state != "open" or conversation.assignee_id is None:
        claim(db, conversation, user, conversation.assignee_id if conversation.state == "open" else None)
    meta = {"user_id": user.id, "user": user.name, **(meta or {})}
    return store.add_message(
        db, conversation.id, "staff", text, language=conversation.language, sources=sources, meta=meta
    )


def resolve(db, conversation: store.Conversation, user, *, hand_back: bool = True) -> None:
    if conversation.state not in ACTIVE:
        raise HandoffError("Only pending or open conversations can be resolved.")
    store.update_conversation(
        db,
        conversation.id,
        state="resolved",
        needs_staff=False,
        resolved_at=store.now(),
        hand_back=hand_back,
        unanswered_streak=0,
    )
    if hand_back:
        bot_notice(db, conversation, i18n.localized(i18n.BOT_BACK, conversation.language), kind="bot_back")
    log_event(db, conversation.id, "resolve", user.id, hand_back=hand_back)


def add_note(db, conversation_id: str, user, text: str) -> None:
    db.execute(
        "INSERT INTO notes (conversation_id, user_id, text, created_at) VALUES (?, ?, ?, ?)",
        (conversation_id, user.id, text, store.now()),
    )


def set_contact(db, conversation_id: str, email: str) -> None:
    store.update_conversation(db, conversation_id, contact_email=email)
    log_event(db, conversation_id, "contact")


def valid_email(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if len(value) <= 254 and EMAIL_RE.match(value) else None


def record_feedback(db, conversation: store.Conversation, seq: int, value: str) -> bool:
    """Store a thumbs up/down on a bot message; False if there is no bot message with this seq."""
    row = db.execute(
        "SELECT role FROM messages WHERE conversation_id = ? AND seq = ?", (conversation.id, seq)
    ).fetchone()
    if row is None or row["role"] != "bot":
        return False
    db.execute(
        "INSERT INTO feedback (conversation_id, seq, value, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (conversation_id, seq) DO UPDATE SET value = excluded.value, created_at = excluded.created_at",
        (conversation.id, seq, value, store.now()),
    )
    return True


# --- outbound webhook -------------------------------------------------------------------


def _flush_webhooks(response):
    """After a request that created pending conversations: announce them (background thread)."""
    items = g.pop("founderdesk_new_pending", None)
    url = current_app.config.get("HANDOFF_WEBHOOK")
    if not items or not url or response.status_code >= 500:
        return response
    cfg = current_app.config
    base = request.host_url.rstrip("/")
    for item in items:
        payload = {
            "event": "conversation.pending",
            **item,
            "console_url": f"{base}/console/c/{item['conversation_id']}",
            "created_at": store.now(),
        }
        thread = threading.Thread(
            target=deliver_webhook,
            args=(str(url), payload, cfg["WEB_DB"]),
            kwargs={
                "retries": int(cfg["HANDOFF_WEBHOOK_RETRIES"]),
                "backoff": float(cfg["HANDOFF_WEBHOOK_BACKOFF"]),
                "timeout": float(cfg["HANDOFF_WEBHOOK_TIMEOUT"]),
            },
            name="founderdesk-webhook",
            daemon=True,
        )
        thread.start()
    return response


def deliver_webhook(url: str, payload: dict, db_path: str, *, retries: int = 4, backoff: float = 2.0,
                    timeout: float = 5.0) -> bool:
    """POST ``payload`` as JSON; retry with exponential backoff; log each failure to webhook_failures."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    delay = backoff
    for attempt in range(1, retries + 2):
        try:
            req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=timeout) as response:
                response.read()
            return True
        except (urllib.error.URLError, OSError, ValueError) as exc:
            final = attempt > retries
            log.warning("handoff webhook attempt %d failed: %s", attempt, exc)
            conn = store.connect(db_path)
            try:
                conn.execute(
                    "INSERT INTO webhook_failures (conversation_id, url, attempt, error, final, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (payload.get("conversation_id"), url, attempt, str(exc)[:500], int(final), store.now()),
                )
            finally:
                conn.close()
            if final:
                return False
            time.sleep(delay)
            delay *= 2
    return False


def init_app(app) -> None:
    public_holidays(app.config.get("HOLIDAY_COUNTRY") or "", dt.date.today().year)  # fail at start-up, not mid-chat
    app.after_request(_flush_webhooks)
