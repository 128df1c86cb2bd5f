"""GET /api/chat/<id>/stream: server-sent events read from the store."""

from web import store
from web.testing import sse_events as events

VI = "Xin chào, tôi muốn hỏi về thị thực khởi nghiệp ở Hàn Quốc"


def test_stream_yields_existing_and_new_messages(app, client, chat):
    conv = chat.start(VI)
    response = client.get(
        f"/api/chat/{conv['conversation_id']}/stream", headers={"X-Conversation-Token": conv["token"]}, buffered=False
    )
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"

    stream = events(response)
    assert [next(stream)[2]["seq"], next(stream)[2]["seq"]] == [1, 2]
    with app.app_context():
        store.add_message(store.get_db(), conv["conversation_id"], "staff", "Chào bạn, tôi là Minh ở trung tâm.")
    event_id, event, data = next(stream)
    assert (event_id, event) == ("3", "message")
    assert data["role"] == "staff"
    assert data["text"] == "Chào bạn, tôi là Minh ở trung tâm."
    response.close()


def test_stream_resumes_after_last_event_id_and_accepts_token_param(client, chat):
    conv = chat.start(VI)
    chat.send(conv, "Cảm ơn bạn rất nhiều")
    response = client.get(
        f"/api/chat/{conv['conversation_id']}/stream?token={conv['token']}&after=1",
        headers={"Last-Event-ID": "3"},
        buffered=False,
    )
    first = next(events(response))
    assert first[0] == "4"
    response.close()


def test_stream_has_heartbeat_and_bounded_lifetime(make_app):
    app = make_app(SSE_LIFETIME_SECONDS=0.5, SSE_HEARTBEAT_SECONDS=0.1)
    client = app.test_client()
    conv = client.post("/api/chat", json={"text": VI}).get_json()
    response = client.get(
        f"/api/chat/{conv['conversation_id']}/stream?after=2", headers={"X-Conversation-Token": conv["token"]}
    )  # buffered: returns only because the stream ends by itself
    body = response.get_data(as_text=True)
    assert body.startswith("retry: ")
    assert ": heartbeat" in body
    assert body.rstrip().endswith('data: {"reconnect": true}')
