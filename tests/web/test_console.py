"""Staff console pages and the staff API: access rules, CSRF, the queue and its filters, the
conversation view, acting on a conversation, escaping of everything founders wrote."""

import pytest

from knowledge.encoders import FakeEncoder  # noqa: F401  (the KB in these tests uses ENCODER=fake)
from web.kbaccess import close_kb, get_kb

XSS = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


def handoff_reply(body):
    return [
        {"recipient_id": body["sender"], "text": "A person will help."},
        {"recipient_id": body["sender"], "custom": {
            "handoff": True, "language": body["metadata"]["language"],
            "search": {"query": body["message"], "answerable": False,
                       "results": [{"id": "visa-d8-4", "score": 0.4231, "title": "Startup visa"}]},
            "profile": {"founder_status": "student", "in_jeonbuk": True},
        }},
    ]


@pytest.fixture
def app(make_app):
    app = make_app(ENCODER="fake")
    yield app
    close_kb(app)


@pytest.fixture
def pending(chat, fake_rasa):
    """A pending Vietnamese conversation (the founder asked for a person)."""
    fake_rasa.reply = handoff_reply
    return chat.start("Tôi cần gặp nhân viên về thị thực")


def page_urls(cid):
    return ["/console/", f"/console/c/{cid}", "/console/search?q=x", "/console/canned"]


def test_console_pages_redirect_to_login(client, pending):
    for url in page_urls(pending["conversation_id"]):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/staff/conversations?state=pending", None),
    ("get", "/api/staff/summary", None),
    ("get", "/api/staff/stream", None),
    ("get", "/api/staff/conversations/{id}", None),
    ("get", "/api/staff/conversations/{id}/messages", None),
    ("post", "/api/staff/conversations/{id}/claim", {}),
    ("post", "/api/staff/conversations/{id}/reply", {"text": "hi"}),
    ("post", "/api/staff/conversations/{id}/resolve", {}),
    ("post", "/api/staff/conversations/{id}/notes", {"text": "n"}),
    ("post", "/api/staff/conversations/{id}/card", {"programme_id": "visa-a"}),
])
def test_staff_api_needs_authentication(client, pending, users, method, path, body):
    url = path.format(id=pending["conversation_id"])
    response = getattr(client, method)(url, json=body)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    response = getattr(client, method)(url, json=body, headers={"Authorization": "Bearer fd_nope"})
    assert response.status_code == 401


def test_staff_api_flow_with_login(client, pending, db, users):
    cid = pending["conversation_id"]
    assert client.post("/api/staff/login", json={"username": "staff", "password": "staff-password-1"}).status_code == 200
    data = client.get("/api/staff/conversations?state=pending").get_json()
    assert data["conversations"] == [
        {**data["conversations"][0], "id": cid, "state": "pending", "language": "vi", "assignee": None}
    ]
    assert data["conversations"][0]["waiting_since"]
    assert client.get("/api/staff/summary").get_json()["pending"] == 1

    claimed = client.post(f"/api/staff/conversations/{cid}/claim").get_json()
    assert (claimed["state"], claimed["assignee"]) == ("open", "staff")
    assert client.get("/api/staff/conversations?state=pending").get_json()["conversations"] == []
    reply = client.post(f"/api/staff/conversations/{cid}/reply", json={"text": "Xin chào, tôi là Mina"})
    assert reply.status_code == 200 and reply.get_json()["message"]["role"] == "staff"
    assert client.post(f"/api/staff/conversations/{cid}/reply", json={"text": "  "}).status_code == 400
    assert client.post(f"/api/staff/conversations/{cid}/resolve").get_json()["state"] == "resolved"
    assert client.post(f"/api/staff/conversations/{cid}/resolve").status_code == 409
    assert client.post("/api/staff/conversations/nope/claim").status_code == 404

    # the founder sees the staff reply in the history (and so after a reload)
    history = client.get(f"/api/chat/{cid}/messages", headers={"X-Conversation-Token": pending["token"]}).get_json()
    assert ("staff", "Xin chào, tôi là Mina") in [(m["role"], m["text"]) for m in history["messages"]]


def test_staff_stream_says_changed_when_a_conversation_changes(app, client, pending, auth):
    from web import store
    from web.testing import sse_events

    auth.login_staff()
    response = client.get("/api/staff/stream", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = sse_events(response)
    with app.app_context():
        store.add_message(store.get_db(), pending["conversation_id"], "founder", "Is anyone there?")
        changed_at = store.get_conversation(store.get_db(), pending["conversation_id"]).updated_at
    assert next(events) == (None, "changed", {"updated_at": changed_at})
    response.close()


def test_assign_to_a_colleague(client, pending, users):
    client.post("/api/staff/login", json={"username": "admin", "password": "admin-password-1"})
    cid = pending["conversation_id"]
    data = client.post(f"/api/staff/conversations/{cid}/claim", json={"assignee": "staff"}).get_json()
    assert data["assignee"] == "staff"
    assert client.post(f"/api/staff/conversations/{cid}/claim", json={"assignee": "ghost"}).status_code == 400
    mine = client.get("/api/staff/conversations?assignee=me").get_json()["conversations"]
    assert mine == []
    theirs = client.get("/api/staff/conversations?assignee=staff").get_json()["conversations"]
    assert [c["id"] for c in theirs] == [cid]


def test_queue_filters(client, chat, fake_rasa, users):
    fake_rasa.reply = handoff_reply
    vi = chat.start("Tôi cần gặp nhân viên về thị thực")
    ko = chat.start("담당자와 이야기하고 싶어요 비자")
    fake_rasa.reply = lambda body: [{"recipient_id": body["sender"], "text": "hi"}]
    chat.start("just chatting with the bot", language="en")
    client.post("/api/staff/login", json={"username": "staff", "password": "staff-password-1"})

    def ids(query):
        return {c["id"] for c in client.get("/api/staff/conversations" + query).get_json()["conversations"]}

    assert ids("?state=pending") == {vi["conversation_id"], ko["conversation_id"]}
    assert ids("?state=pending&language=ko") == {ko["conversation_id"]}
    assert ids("?state=pending&waiting=60") == set()
    assert ids("?state=pending&waiting=0") == {vi["conversation_id"], ko["conversation_id"]}
    assert ids("?assignee=none") == {vi["conversation_id"], ko["conversation_id"]}
    assert len(ids("?state=bot")) == 1


def test_category_comes_from_the_knowledge_base(app, client, chat, fake_rasa, users):
    kb = _seed_kb(app)
    fake_rasa.reply = lambda body: [
        {"recipient_id": body["sender"], "text": "Hmm."},
        {"recipient_id": body["sender"], "custom": {"handoff": True, "search": {
            "query": "q", "answerable": False, "results": [{"id": "visa-a", "score": 0.3, "title": "Visa"}]}}},
    ]
    conv = chat.start("Tôi cần gặp nhân viên về thị thực")
    assert kb.get("visa-a").record["category"] == "visa"
    client.post("/api/staff/login", json={"username": "staff", "password": "staff-password-1"})
    data = client.get("/api/staff/conversations?state=pending&category=visa").get_json()
    assert [c["id"] for c in data["conversations"]] == [conv["conversation_id"]]


def _seed_kb(app):
    with app.app_context():
        kb = get_kb()
    kb.import_records([
        {"id": "visa-a", "category": "visa", "status": "published", "agency": "Immigration",
         "official_url": "https://www.hikorea.go.kr",
         "text": {"en": {"title": "Startup visa", "summary": "A visa for founders.", "body": "Apply."},
                  "vi": {"title": "Thị thực khởi nghiệp", "summary": "Thị thực cho nhà sáng lập.", "body": "Nộp."}}},
        {"id": "loan-b", "category": "funding", "status": "published",
         "text": {"en": {"title": "Guarantee loan", "summary": "A loan.", "body": "Apply."}}},
    ], actor="seed")
    return kb


def test_conversation_view_shows_everything_escaped(app, client, chat, fake_rasa, auth):
    fake_rasa.reply = handoff_reply
    conv = chat.start(XSS)
    cid = conv["conversation_id"]
    chat.client.post(f"/api/chat/{cid}/contact", json={"email": "mai@example.com"},
                     headers={"X-Conversation-Token": conv["token"]})
    chat.send(conv, "Tôi là sinh viên " + XSS)
    earlier = chat.start("Câu hỏi cũ", previous_conversation_id=None)
    chat.client.post(f"/api/chat/{earlier['conversation_id']}/contact", json={"email": "MAI@example.com"},
                     headers={"X-Conversation-Token": earlier["token"]})
    auth.login_staff()

    for url in [f"/console/c/{cid}", "/console/?state=pending", "/console/search?q=script"]:
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page, url
    page = client.get(f"/console/c/{cid}").get_data(as_text=True)
    assert "0.423" in page and "visa-d8-4" in page                       # last KB search with scores
    assert "founder_status" in page and "student" in page                # eligibility answers
    assert "mai@example.com" in page                                     # contact
    assert f"/console/c/{earlier['conversation_id']}" in page            # same founder by e-mail
    assert "lang vi" in page or "lang " in page                          # detected language per message
    assert 'name="csrf_token"' in page


def test_console_forms_need_csrf(client, pending, auth, db):
    auth.login_staff()
    cid = pending["conversation_id"]
    for action, data in [("claim", {}), ("reply", {"text": "x"}), ("note", {"text": "x"}), ("resolve", {})]:
        assert client.post(f"/console/c/{cid}/{action}", data=data).status_code == 400, action
    assert db.execute("SELECT state FROM conversations").fetchone()[0] == "pending"
    assert client.post("/console/canned", data={"language": "vi", "title": "t", "text": "x"}).status_code == 400


def test_console_actions(app, client, pending, auth, db):
    kb = _seed_kb(app)
    auth.login_staff()
    cid = pending["conversation_id"]
    csrf = auth.csrf()
    assert client.post(f"/console/c/{cid}/claim", data={"csrf_token": csrf}).status_code == 302
    client.post(f"/console/c/{cid}/reply", data={"csrf_token": csrf, "text": "Chào bạn"})
    client.post(f"/console/c/{cid}/note", data={"csrf_token": csrf, "text": "VIP founder, call back"})
    client.post(f"/console/c/{cid}/card", data={"csrf_token": csrf, "programme_id": "visa-a"})
    response = client.post(f"/console/c/{cid}/card", data={"csrf_token": csrf, "programme_id": "nope"}, follow_redirects=True)
    assert response.status_code == 200
    history = client.get(f"/api/chat/{cid}/messages", headers={"X-Conversation-Token": pending["token"]}).get_json()
    staff = [m for m in history["messages"] if m["role"] == "staff"]
    assert staff[0]["text"] == "Chào bạn"
    assert staff[1]["text"].startswith("**Thị thực khởi nghiệp**")  # rendered in the founder's language
    assert staff[1]["sources"] == [{"id": "visa-a", "title": "Thị thực khởi nghiệp", "url": "https://www.hikorea.go.kr"}]
    assert "VIP founder" not in str(history)  # notes stay internal
    page = client.get(f"/console/c/{cid}").get_data(as_text=True)
    assert "VIP founder, call back" in page
    client.post(f"/console/c/{cid}/resolve", data={"csrf_token": csrf, "hand_back": "0"})
    row = db.execute("SELECT state, hand_back FROM conversations").fetchone()
    assert tuple(row) == ("resolved", 0)
    assert kb.exists("visa-a")


def test_canned_replies_crud_and_offered_in_the_founders_language(client, pending, auth, db):
    auth.login_staff()
    csrf = auth.csrf()
    client.post("/console/canned", data={"csrf_token": csrf, "language": "vi", "title": "Chào", "text": "Xin chào!"})
    client.post("/console/canned", data={"csrf_token": csrf, "language": "ko", "title": "인사", "text": "안녕하세요"})
    client.post("/console/canned", data={"csrf_token": csrf, "language": "xx", "title": "bad", "text": "bad"})
    rows = db.execute("SELECT id, language, title FROM canned_replies ORDER BY id").fetchall()
    assert [tuple(r)[1:] for r in rows] == [("vi", "Chào"), ("ko", "인사")]
    page = client.get(f"/console/c/{pending['conversation_id']}").get_data(as_text=True)
    assert "Xin chào!" in page and "안녕하세요" not in page
    client.post(f"/console/canned/{rows[0]['id']}/edit",
                data={"csrf_token": csrf, "language": "vi", "title": "Chào", "text": "Xin chào bạn!"})
    client.post(f"/console/canned/{rows[1]['id']}/delete", data={"csrf_token": csrf})
    assert [tuple(r) for r in db.execute("SELECT language, text FROM canned_replies")] == [("vi", "Xin chào bạn!")]


def test_search_past_conversations(client, chat, auth):
    chat.start("Tôi hỏi về khoản vay 100%_ưu đãi")
    chat.start("Something else entirely")
    auth.login_staff()
    page = client.get("/console/search?q=khoản vay").get_data(as_text=True)
    assert "khoản vay" in page
    assert "Something else" not in page
    assert "Nothing found" in client.get("/console/search?q=%25zz").get_data(as_text=True)  # % is literal
    assert "khoản vay" in client.get("/console/search?q=100%25_").get_data(as_text=True)


def test_queue_page_lists_pending(client, pending, auth):
    auth.login_staff()
    page = client.get("/console/").get_data(as_text=True)
    assert pending["conversation_id"] in page and "pending" in page
    assert 'id="pending-badge"' in page and "console.js" in page
