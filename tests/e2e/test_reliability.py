"""Kill tests on the real stack: Rasa, the action server or the web app going away loses nothing."""
import json
import urllib.request

import pytest

from web.testing import WebServer

pytestmark = pytest.mark.e2e


def history(stack, conversation):
    req = urllib.request.Request(f"{stack.url}/api/chat/{conversation['conversation_id']}/messages?after=0",
                                 headers={"X-Conversation-Token": conversation["token"]})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["messages"]


def test_processes_going_away_lose_nothing(own_stack):
    s = own_stack
    first = s.chat("Xin chào, tôi muốn mở tài khoản ngân hàng cho công ty")
    assert first["replies"] and not first["handoff"]

    # the action server dies: the founder is told, in Vietnamese, that the message is queued for staff
    s.stop_process("actions")
    second = s.chat("Tôi cần hỗ trợ phiên dịch tiếng Hàn", conversation=first)
    assert second["handoff"] is True and second["language"] == "vi"
    assert second["replies"] and all(r["text"] for r in second["replies"])

    # the conversation now waits for staff: later messages are stored for them, the bot stays quiet
    third = s.chat("Còn văn phòng miễn phí thì sao?", conversation=first)
    assert third["handoff"] is True and not any(r.get("sources") for r in third["replies"])

    # Rasa dies too: a new founder is still told, in their language, and their message is kept
    s.stop_process("rasa")
    other = s.chat("안녕하세요, 창업 비자에 대해 묻고 싶어요")
    assert other["handoff"] is True and other["language"] == "ko" and other["replies"]
    assert [m["text"] for m in history(s, other) if m["role"] == "founder"] == ["안녕하세요, 창업 비자에 대해 묻고 싶어요"]

    # the web app dies and comes back on the same database: the whole history is there
    s.web.stop()
    s.web = WebServer({k: v for k, v in s.env.items() if k.startswith("FOUNDERDESK_")},
                      port=s.ports["web"], log_path=s.workdir / "web2.log").wait_ready(60)
    founder = [m["text"] for m in history(s, first) if m["role"] == "founder"]
    assert founder == ["Xin chào, tôi muốn mở tài khoản ngân hàng cho công ty",
                       "Tôi cần hỗ trợ phiên dịch tiếng Hàn", "Còn văn phòng miễn phí thì sao?"]


def test_bot_never_answers_while_waiting_for_staff(stack):
    """Uses the shared stack: a real request for a person, then Rasa must not see the next message."""
    first = stack.chat("I want to talk to a real person please")
    assert first["handoff"] is True
    follow_up = stack.chat("Hello? Is anyone there? What about the D-8-4 visa?", conversation=first)
    assert follow_up["handoff"] is True
    assert not any(r.get("sources") for r in follow_up["replies"])
    rasa = stack.env["FOUNDERDESK_RASA_URL"]
    with urllib.request.urlopen(f"{rasa}/conversations/{first['conversation_id']}/tracker", timeout=20) as resp:
        seen = [e.get("text") for e in json.loads(resp.read())["events"] if e.get("event") == "user"]
    assert seen == ["I want to talk to a real person please"]
    founder = [m["text"] for m in history(stack, first) if m["role"] == "founder"]
    assert founder[-1] == "Hello? Is anyone there? What about the D-8-4 visa?"
