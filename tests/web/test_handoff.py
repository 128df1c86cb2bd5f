"""Human handoff: states, triggers, the bot never answering while staff has the conversation,
the reopen window, the expected wait, the founder's e-mail and thumbs, the outbound webhook."""

import datetime as dt
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from web import auth as webauth
from web import handoff, i18n, store

VI = "Tôi muốn hỏi về thị thực khởi nghiệp D-8-4"
KO = "창업 비자에 대해 알고 싶어요"


def custom(**payload):
    return lambda body: [
        {"recipient_id": body["sender"], "text": f"bot: {body['message']}"},
        {"recipient_id": body["sender"], "custom": {"language": body["metadata"]["language"], **payload}},
    ]


UNANSWERABLE = {"search": {"query": "x", "answerable": False, "results": [{"id": "visa-d8-4", "score": 0.21, "title": "Visa"}]}}
ANSWERABLE = {"search": {"query": "x", "answerable": True, "results": [{"id": "visa-d8-4", "score": 0.91, "title": "Visa"}]}}


def state_of(db, conversation):
    return db.execute("SELECT state FROM conversations WHERE id = ?", (conversation["conversation_id"],)).fetchone()[0]


@pytest.fixture
def staff_user(app, users):
    return users["staff"]


def staff_api(client, users):
    """Bearer headers for the staff user."""
    with client.application.app_context():
        token = webauth.create_api_token(store.get_db(), users["staff"].id, "tests")
    return {"Authorization": f"Bearer {token}"}


def test_explicit_request_goes_pending_and_founder_is_told_the_wait(chat, fake_rasa, db):
    fake_rasa.reply = custom(handoff=True)
    conv = chat.start(VI)
    assert conv["handoff"] is True
    assert conv["replies"][-1]["text"].startswith(i18n.HANDOFF_NOTICE["vi"].split("{")[0])
    row = db.execute("SELECT state, handoff_reason, pending_since, needs_staff FROM conversations").fetchone()
    assert (row["state"], row["handoff_reason"], row["needs_staff"]) == ("pending", "requested", 1)
    assert row["pending_since"]
    history = chat.messages(conv).get_json()
    assert history["state"] == "pending" and history["handoff"] is True and history["contact"] is False
    assert history["messages"][-1]["kind"] == "handoff"


def test_bot_never_answers_while_pending_or_open(client, chat, fake_rasa, db, users):
    fake_rasa.reply = custom(handoff=True)
    conv = chat.start(VI)
    calls = len(fake_rasa.requests)
    for text in ["Xin chào?", "Còn ai ở đó không?"]:
        response = chat.send(conv, text)
        assert response.status_code == 200
        assert response.get_json()["replies"] == [] and response.get_json()["handoff"] is True
    assert len(fake_rasa.requests) == calls  # Rasa was not asked
    headers = staff_api(client, users)
    assert client.post(f"/api/staff/conversations/{conv['conversation_id']}/claim", headers=headers).status_code == 200
    assert state_of(db, conv) == "open"
    chat.send(conv, "Cảm ơn")
    assert len(fake_rasa.requests) == calls
    roles = [m["role"] for m in chat.messages(conv).get_json()["messages"]]
    assert roles[-3:] == ["founder", "founder", "founder"]  # stored for staff, no bot reply


def test_two_unanswerable_questions_in_a_row(chat, fake_rasa, db):
    fake_rasa.reply = custom(**UNANSWERABLE)
    conv = chat.start("first odd question about something")
    assert conv["handoff"] is False and state_of(db, conv) == "bot"
    fake_rasa.reply = custom(**ANSWERABLE)  # an answered question resets the count
    chat.send(conv, "a question the bot knows")
    fake_rasa.reply = custom(**UNANSWERABLE)
    assert chat.send(conv, "another odd question").get_json()["handoff"] is False
    data = chat.send(conv, "and one more odd question").get_json()
    assert data["handoff"] is True
    row = db.execute("SELECT state, handoff_reason FROM conversations").fetchone()
    assert tuple(row) == ("pending", "unanswerable")


def test_thumbs_down_hands_over_and_thumbs_up_does_not(client, chat, db):
    conv = chat.start("hello there my friend")
    headers = {"X-Conversation-Token": conv["token"]}
    url = f"/api/chat/{conv['conversation_id']}/feedback"
    assert client.post(url, json={"seq": 2, "value": "up"}, headers=headers).get_json()["handoff"] is False
    assert client.post(url, json={"seq": 1, "value": "down"}, headers=headers).status_code == 400  # founder msg
    assert client.post(url, json={"seq": 2, "value": "meh"}, headers=headers).status_code == 400
    assert client.post(url, json={"seq": 2, "value": "down"}).status_code == 403  # no token
    data = client.post(url, json={"seq": 2, "value": "down"}, headers=headers).get_json()
    assert data["handoff"] is True and data["state"] == "pending" and data["replies"]
    assert db.execute("SELECT value FROM feedback WHERE seq = 2").fetchone()[0] == "down"
    assert db.execute("SELECT handoff_reason FROM conversations").fetchone()[0] == "not_helpful"


def test_staff_takeover_of_a_bot_conversation(client, chat, fake_rasa, db, users):
    conv = chat.start(KO)
    headers = staff_api(client, users)
    response = client.post(f"/api/staff/conversations/{conv['conversation_id']}/claim", headers=headers)
    assert response.get_json()["state"] == "open" and response.get_json()["assignee"] == "staff"
    messages = chat.messages(conv).get_json()["messages"]
    assert messages[-1]["kind"] == "staff_joined" and messages[-1]["text"] == i18n.STAFF_JOINED["ko"]
    calls = len(fake_rasa.requests)
    chat.send(conv, "안녕하세요")
    assert len(fake_rasa.requests) == calls


def _resolve(client, conv, headers, **body):
    response = client.post(f"/api/staff/conversations/{conv['conversation_id']}/resolve", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_resolve_hands_back_to_the_bot(client, chat, fake_rasa, db, users):
    fake_rasa.reply = custom(handoff=True)
    conv = chat.start(VI)
    headers = staff_api(client, users)
    client.post(f"/api/staff/conversations/{conv['conversation_id']}/reply", json={"text": "Chào bạn"}, headers=headers)
    assert _resolve(client, conv, headers)["state"] == "resolved"
    last = chat.messages(conv).get_json()["messages"][-1]
    assert last["kind"] == "bot_back" and last["text"] == i18n.BOT_BACK["vi"]
    fake_rasa.reply = custom()
    calls = len(fake_rasa.requests)
    data = chat.send(conv, "Một câu hỏi nữa").get_json()
    assert len(fake_rasa.requests) == calls + 1 and data["handoff"] is False
    assert data["replies"][0]["text"] == "bot: Một câu hỏi nữa"
    # a new trigger within the window reopens it for the same assignee
    fake_rasa.reply = custom(handoff=True)
    chat.send(conv, "Cho tôi gặp nhân viên")
    row = db.execute("SELECT state, handoff_reason, assignee_id FROM conversations").fetchone()
    assert (row["state"], row["handoff_reason"], row["assignee_id"]) == ("pending", "reopened:requested", users["staff"].id)


def test_resolved_without_hand_back_reopens_within_the_window(client, chat, fake_rasa, db, users):
    fake_rasa.reply = custom(handoff=True)
    conv = chat.start(VI)
    headers = staff_api(client, users)
    _resolve(client, conv, headers, hand_back=False)
    calls = len(fake_rasa.requests)
    data = chat.send(conv, "Tôi còn một câu hỏi").get_json()
    assert data["handoff"] is True and len(fake_rasa.requests) == calls
    assert db.execute("SELECT state, handoff_reason FROM conversations").fetchone()[:] == ("pending", "reopened")


def test_after_the_reopen_window_the_bot_answers(client, chat, fake_rasa, db, users):
    fake_rasa.reply = custom(handoff=True)
    conv = chat.start(VI)
    headers = staff_api(client, users)
    _resolve(client, conv, headers, hand_back=False)
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=8)).isoformat().replace("+00:00", "Z")
    db.execute("UPDATE conversations SET resolved_at = ?", (old,))
    db.commit()
    fake_rasa.reply = custom()
    calls = len(fake_rasa.requests)
    data = chat.send(conv, "Xin chào lần nữa").get_json()
    assert len(fake_rasa.requests) == calls + 1 and data["handoff"] is False
    assert db.execute("SELECT state FROM conversations").fetchone()[0] == "bot"


def test_reopen_window_is_configurable(make_app, fake_rasa, users):
    app = make_app(REOPEN_DAYS=0)
    client = app.test_client()
    fake_rasa.reply = custom(handoff=True)
    conv = client.post("/api/chat", json={"text": VI}).get_json()
    with app.app_context():
        user = webauth.get_user_by_name(store.get_db(), "staff")
        token = webauth.create_api_token(store.get_db(), user.id)
    client.post(f"/api/staff/conversations/{conv['conversation_id']}/resolve", json={"hand_back": False},
                headers={"Authorization": f"Bearer {token}"})
    fake_rasa.reply = custom()
    data = client.post("/api/chat", json={"text": "lại", "conversation_id": conv["conversation_id"],
                                          "token": conv["token"]}).get_json()
    assert data["handoff"] is False


SEOUL = dt.timezone(dt.timedelta(hours=9))


@pytest.mark.parametrize("local, in_hours, opens", [
    (dt.datetime(2026, 11, 25, 10, 0, tzinfo=SEOUL), True, None),                 # Wednesday morning
    (dt.datetime(2026, 11, 25, 7, 30, tzinfo=SEOUL), False, "2026-11-25 09:00"),  # before opening
    (dt.datetime(2026, 11, 25, 18, 0, tzinfo=SEOUL), False, "2026-11-26 09:00"),  # closing time
    (dt.datetime(2026, 11, 27, 20, 0, tzinfo=SEOUL), False, "2026-11-30 09:00"),  # Friday evening -> Monday
    (dt.datetime(2026, 12, 24, 19, 0, tzinfo=SEOUL), False, "2026-12-28 09:00"),  # Christmas + weekend
    (dt.datetime(2026, 9, 23, 22, 0, tzinfo=SEOUL), False, "2026-09-28 09:00"),   # Chuseok
    (dt.datetime(2027, 2, 5, 19, 0, tzinfo=SEOUL), False, "2027-02-10 09:00"),    # Seollal + substitute day
    (dt.datetime(2027, 12, 24, 19, 0, tzinfo=SEOUL), False, "2027-12-28 09:00"),  # Christmas on a Saturday
    (dt.datetime(2027, 12, 31, 19, 0, tzinfo=SEOUL), False, "2028-01-03 09:00"),  # into the next year
])
def test_expected_wait_from_business_hours(app, local, in_hours, opens):
    wait = handoff.expected_wait(app.config, now=local.astimezone(dt.timezone.utc))
    assert wait.in_hours is in_hours
    assert (wait.opens_at.strftime("%Y-%m-%d %H:%M") if wait.opens_at else None) == opens
    text = handoff.wait_text("ko", wait)
    assert (opens or "30") in text


def test_business_hours_are_configurable(make_app):
    app = make_app(BUSINESS_OPEN="10:00", BUSINESS_CLOSE="12:00", BUSINESS_DAYS=[5], HOLIDAYS=["2026-11-28"],
                   RESPONSE_MINUTES=5)
    wait = handoff.expected_wait(app.config, now=dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.timezone.utc))
    assert wait.opens_at.strftime("%Y-%m-%d %H:%M") == "2026-12-05 10:00"  # next Saturday, not the holiday
    assert handoff.wait_text("en", handoff.Wait(True, 5, None)) == "Expected wait: about 5 minutes."
    assert handoff.wait_text("en", handoff.Wait(True, 1, None)) == "Expected wait: about 1 minute."
    # Arabic words the number of minutes in four ways
    assert [handoff.wait_text("ar", handoff.Wait(True, n, None)).split("نحو ")[1] for n in (1, 2, 5, 30)] == [
        "دقيقة واحدة.", "دقيقتين.", "5 دقائق.", "30 دقيقة."]
    assert handoff.wait_text("ru", handoff.Wait(True, 30, None)) == "Время ожидания: около 30 мин."
    assert handoff.wait_text("es", handoff.Wait(True, 1, None)) == "Espera estimada: alrededor de 1 minuto."


def test_public_holidays_follow_the_configured_country(make_app):
    friday_evening = dt.datetime(2027, 2, 5, 10, 0, tzinfo=dt.timezone.utc)  # 19:00 in Seoul
    for country, opens in [("KR", "2027-02-10 09:00"), ("", "2027-02-08 09:00"), ("FR", "2027-02-08 09:00")]:
        app = make_app(HOLIDAY_COUNTRY=country)
        assert handoff.expected_wait(app.config, now=friday_evening).opens_at.strftime("%Y-%m-%d %H:%M") == opens
    with pytest.raises(handoff.HolidayCalendarError, match="HOLIDAY_COUNTRY='XX'"):
        make_app(HOLIDAY_COUNTRY="XX")


def test_contact_email_form(client, chat, db):
    conv = chat.start(VI)
    url = f"/api/chat/{conv['conversation_id']}/contact"
    headers = {"X-Conversation-Token": conv["token"]}
    for bad in ["", "not-an-email", "a@b", "x@y.z", "<script>@x.com", "a b@c.com", 5]:
        assert client.post(url, json={"email": bad}, headers=headers).status_code == 400, bad
    assert client.post(url, json={"email": "mai@example.com"}).status_code == 403
    response = client.post(url, json={"email": " mai@example.com "}, headers=headers)
    assert response.get_json() == {"ok": True, "email": "mai@example.com"}
    assert db.execute("SELECT contact_email FROM conversations").fetchone()[0] == "mai@example.com"
    assert chat.messages(conv).get_json()["contact"] is True


def test_rasa_down_mid_conversation_queues_for_staff_and_loses_nothing(chat, fake_rasa, db):
    conv = chat.start(VI)
    fake_rasa.stop()
    data = chat.send(conv, "Bạn còn đó không?").get_json()
    assert data["handoff"] is True
    assert data["replies"][0]["text"] == i18n.RECEIVED_FALLBACK["vi"]
    texts = [(m["role"], m["text"]) for m in chat.messages(conv).get_json()["messages"]]
    assert ("founder", VI) in texts and ("founder", "Bạn còn đó không?") in texts
    assert db.execute("SELECT state, handoff_reason FROM conversations").fetchone()[:] == ("pending", "rasa_unavailable")
    chat.send(conv, "Tin nhắn thứ ba")  # stored for staff, Rasa not tried again
    assert [m["text"] for m in chat.messages(conv).get_json()["messages"]][-1] == "Tin nhắn thứ ba"
    fake_rasa.server.server_close = lambda: None  # the fixture stops it again


def test_new_conversation_links_to_the_previous_one(client, chat, db):
    first = chat.start(VI)
    second = chat.start("Xin chào", previous_conversation_id=first["conversation_id"], previous_token=first["token"])
    third = chat.start("Xin chào", previous_conversation_id=first["conversation_id"], previous_token="wrong")
    parents = dict(db.execute("SELECT id, parent_id FROM conversations").fetchall())
    assert parents[second["conversation_id"]] == first["conversation_id"]
    assert parents[third["conversation_id"]] is None


class Hook:
    """A webhook receiver that fails ``failures`` times with HTTP 500, then accepts."""

    def __init__(self, failures):
        self.failures, self.received = failures, []
        self.done = threading.Event()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                hook.received.append(body)
                ok = len(hook.received) > hook.failures
                self.send_response(200 if ok else 500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if ok:
                    hook.done.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def test_webhook_retries_and_logs_failures(make_app, fake_rasa):
    hook = Hook(failures=2)
    app = make_app(HANDOFF_WEBHOOK=hook.url, HANDOFF_WEBHOOK_BACKOFF=0.05)
    fake_rasa.reply = custom(handoff=True)
    conv = app.test_client().post("/api/chat", json={"text": VI}).get_json()
    assert hook.done.wait(10)
    hook.server.shutdown()
    assert len(hook.received) == 3
    assert hook.received[-1]["event"] == "conversation.pending"
    assert hook.received[-1]["conversation_id"] == conv["conversation_id"]
    assert hook.received[-1]["console_url"].endswith(f"/console/c/{conv['conversation_id']}")
    conn = sqlite3.connect(app.config["WEB_DB"])
    rows = conn.execute("SELECT attempt, final FROM webhook_failures ORDER BY id").fetchall()
    assert rows == [(1, 0), (2, 0)]


def test_webhook_gives_up_after_retries(app, db):
    ok = handoff.deliver_webhook("http://127.0.0.1:9/none", {"conversation_id": "c1"}, app.config["WEB_DB"],
                                 retries=2, backoff=0.01, timeout=1)
    assert ok is False
    with app.app_context():
        rows = store.get_db().execute("SELECT attempt, final FROM webhook_failures").fetchall()
    assert [tuple(r) for r in rows] == [(1, 0), (2, 0), (3, 1)]


def test_no_webhook_by_default(app):
    assert app.config["HANDOFF_WEBHOOK"] is None
