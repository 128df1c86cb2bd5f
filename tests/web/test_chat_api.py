"""POST /api/chat and GET /api/chat/<id>/messages, against a fake Rasa and a real SQLite store."""

import time

import pytest

from web import i18n

VI = "Xin chào, tôi muốn hỏi về thị thực khởi nghiệp ở Hàn Quốc"
AR = "مرحبا، أريد معلومات عن تأشيرة الشركات الناشئة في كوريا"


def test_new_conversation(chat, fake_rasa, db):
    data = chat.start(VI, language="vi-VN")

    assert set(data) == {"conversation_id", "token", "language", "handoff", "replies"}
    assert data["language"] == "vi"
    assert data["handoff"] is False
    assert data["replies"] == [{"text": "[vi] echo: " + VI, "buttons": [], "sources": []}]
    assert fake_rasa.requests == [
        {
            "path": "/webhooks/rest/webhook",
            "body": {
                "sender": data["conversation_id"],
                "message": VI,
                "metadata": {"language": "vi", "language_locked": False},
            },
        }
    ]
    conv = db.execute("SELECT * FROM conversations").fetchone()
    assert conv["id"] == data["conversation_id"]
    assert conv["token_hash"] != data["token"]  # only the hash is stored
    rows = db.execute("SELECT seq, role, text, language FROM messages ORDER BY seq").fetchall()
    assert [tuple(r) for r in rows] == [(1, "founder", VI, "vi"), (2, "bot", "[vi] echo: " + VI, "vi")]


def test_follow_up_message(chat, fake_rasa):
    conv = chat.start(VI)
    response = chat.send(conv, "Tôi cần những giấy tờ gì?")
    assert response.status_code == 200
    data = response.get_json()
    assert data["conversation_id"] == conv["conversation_id"]
    assert data["token"] == conv["token"]
    assert fake_rasa.requests[-1]["body"]["sender"] == conv["conversation_id"]


@pytest.mark.parametrize("token", ["wrong", "", None, 123])
def test_wrong_token_is_403(chat, db, token):
    conv = chat.start(VI)
    response = chat.send(conv, "again", token=token)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 2  # nothing stored


def test_unknown_conversation_is_404(client):
    response = client.post("/api/chat", json={"text": "hi", "conversation_id": "nope", "token": "x"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    "body, error",
    [
        ({}, "empty_text"),
        ({"text": ""}, "empty_text"),
        ({"text": "   \n "}, "empty_text"),
        ({"text": 42}, "empty_text"),
        ({"text": "x" * 2001}, "text_too_long"),
        ({"text": "hi", "conversation_id": 5}, "invalid_conversation_id"),
        ({"text": "hi", "language_locked": "yes"}, "invalid_language_locked"),
        (["not", "an", "object"], "invalid_json"),
    ],
)
def test_bad_requests_are_400(client, fake_rasa, db, body, error):
    response = client.post("/api/chat", json=body)
    assert response.status_code == 400
    data = response.get_json()
    assert data["error"] == error
    assert data["message"]
    assert fake_rasa.requests == []
    assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0


def test_non_json_body_is_400(client):
    response = client.post("/api/chat", data="text=hi", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"


def test_limit_is_inclusive(chat):
    assert chat.start("a" * 2000)["conversation_id"]


def test_founder_message_is_stored_before_rasa_is_called(chat, fake_rasa, db):
    seen = []
    fake_rasa.before = lambda body: seen.append(
        [tuple(r) for r in db.execute("SELECT seq, role, text FROM messages ORDER BY seq")]
    )
    chat.start(VI)
    assert seen == [[(1, "founder", VI)]]


@pytest.mark.parametrize("failure", ["down", "http_500", "bad_json", "timeout"])
def test_rasa_unavailable(make_app, fake_rasa, closed_url, failure):
    overrides = {}
    if failure == "down":
        overrides["RASA_URL"] = closed_url
    elif failure == "http_500":
        fake_rasa.status = 500
    elif failure == "bad_json":
        fake_rasa.raw = b"<html>oops</html>"
    elif failure == "timeout":
        overrides["RASA_TIMEOUT"] = 0.3
        fake_rasa.before = lambda body: time.sleep(1)
    app = make_app(**overrides)
    client = app.test_client()

    response = client.post("/api/chat", json={"text": VI, "language": "en"})

    assert response.status_code == 200
    data = response.get_json()
    assert data["language"] == "vi"
    assert data["handoff"] is True
    # "received" + the handoff notice with the expected wait (web/handoff.py), both in Vietnamese
    assert data["replies"][0] == {"text": i18n.RECEIVED_FALLBACK["vi"], "buttons": [], "sources": []}
    assert len(data["replies"]) == 2
    assert data["replies"][1]["text"].startswith(i18n.HANDOFF_NOTICE["vi"].split("{")[0])
    history = client.get(
        f"/api/chat/{data['conversation_id']}/messages", headers={"X-Conversation-Token": data["token"]}
    ).get_json()
    assert [(m["role"], m["text"], m.get("kind")) for m in history["messages"]] == [
        ("founder", VI, None),
        ("bot", i18n.RECEIVED_FALLBACK["vi"], "rasa_unavailable"),
        ("bot", data["replies"][1]["text"], "handoff"),
    ]
    assert history["handoff"] is True  # the conversation is queued for staff
    assert history["state"] == "pending"


def test_custom_messages_merge_into_the_reply_before_them(chat, fake_rasa, db):
    fake_rasa.reply = lambda body: [
        {"recipient_id": body["sender"], "text": "Thị thực D-8-4 dành cho nhà sáng lập."},
        {
            "recipient_id": body["sender"],
            "custom": {
                "sources": [{"id": "visa-d8-4", "title": "Startup visa", "url": "https://www.hikorea.go.kr"}],
                "handoff": False,
                "language": "vi",
            },
        },
        {
            "recipient_id": body["sender"],
            "text": "Bạn có muốn gặp nhân viên không?",
            "buttons": [{"title": "Có", "payload": "/affirm"}, {"title": "Không", "payload": "/deny"}],
        },
        {
            "recipient_id": body["sender"],
            "custom": {"sources": [{"id": "x", "title": "Bad", "url": "javascript:alert(1)"}], "handoff": True},
        },
    ]
    data = chat.start(VI)

    assert data["handoff"] is True
    notice = data["replies"].pop()  # the handoff notice (web/handoff.py) comes last
    assert notice["text"].startswith(i18n.HANDOFF_NOTICE["vi"].split("{")[0])
    assert data["replies"] == [
        {
            "text": "Thị thực D-8-4 dành cho nhà sáng lập.",
            "buttons": [],
            "sources": [{"id": "visa-d8-4", "title": "Startup visa", "url": "https://www.hikorea.go.kr"}],
        },
        {
            "text": "Bạn có muốn gặp nhân viên không?",
            "buttons": [{"title": "Có", "payload": "/affirm"}, {"title": "Không", "payload": "/deny"}],
            "sources": [{"id": "x", "title": "Bad", "url": None}],  # only http(s) links survive
        },
    ]
    assert db.execute("SELECT needs_staff FROM conversations").fetchone()[0] == 1


def test_messages_after(chat):
    conv = chat.start(VI)
    chat.send(conv, "Cảm ơn bạn rất nhiều")

    all_messages = chat.messages(conv).get_json()["messages"]
    assert [m["seq"] for m in all_messages] == [1, 2, 3, 4]
    assert [m["role"] for m in all_messages] == ["founder", "bot", "founder", "bot"]
    assert set(all_messages[0]) >= {"seq", "role", "text", "sources", "created_at"}

    later = chat.messages(conv, after=2).get_json()["messages"]
    assert [m["seq"] for m in later] == [3, 4]
    assert chat.messages(conv, after=4).get_json()["messages"] == []


@pytest.mark.parametrize("after", ["x", "-1", "1.5"])
def test_messages_after_must_be_a_sequence_number(chat, after):
    conv = chat.start(VI)
    response = chat.messages(conv, after=after)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_after"


@pytest.mark.parametrize("suffix", ["messages", "stream"])
def test_history_and_stream_need_the_token(client, chat, suffix):
    conv = chat.start(VI)
    url = f"/api/chat/{conv['conversation_id']}/{suffix}"
    assert client.get(url).status_code == 403
    assert client.get(url, headers={"X-Conversation-Token": "wrong"}).status_code == 403
    assert client.get(f"/api/chat/unknown/{suffix}", headers={"X-Conversation-Token": "x"}).status_code == 404


def test_quick_reply_payload_is_sent_and_its_title_shown(chat, fake_rasa):
    conv = chat.start(VI)
    response = chat.send(conv, "/affirm", display="Có")
    assert response.status_code == 200
    assert fake_rasa.requests[-1]["body"]["message"] == "/affirm"
    founder = [m for m in chat.messages(conv).get_json()["messages"] if m["role"] == "founder"]
    assert [m["text"] for m in founder] == [VI, "Có"]
    assert founder[-1]["language"] is None  # a payload is not language-detected


def test_unknown_api_route_is_json(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_method_not_allowed_is_json(client):
    response = client.get("/api/chat")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_oversized_body_is_413_json(client):
    response = client.post("/api/chat", json={"text": "x" * 100_000})
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"
