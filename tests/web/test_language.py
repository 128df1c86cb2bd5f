"""Per-message detection (knowledge.langid), sticky conversation language, explicit choice."""

import dataclasses

import pytest

VI = "Xin chào, tôi muốn hỏi về thị thực khởi nghiệp ở Hàn Quốc"
EN = "Hello, which visa do I need to open a company in Jeonju?"
AR = "مرحبا، أريد معلومات عن تأشيرة الشركات الناشئة في كوريا"


def languages(chat, conv):
    return [(m["role"], m["language"]) for m in chat.messages(conv).get_json()["messages"] if m["role"] == "founder"]


def test_detected_language_wins_over_browser_language(chat, fake_rasa):
    conv = chat.start(VI, language="en-US")
    assert conv["language"] == "vi"
    assert fake_rasa.requests[0]["body"]["metadata"] == {"language": "vi", "language_locked": False}


def test_language_is_sticky_for_short_messages(chat, fake_rasa):
    conv = chat.start(VI, language="en")
    data = chat.send(conv, "ok").get_json()
    assert data["language"] == "vi"
    assert fake_rasa.requests[-1]["body"]["metadata"]["language"] == "vi"


def test_a_clear_message_in_another_language_switches(chat):
    conv = chat.start(VI)
    assert chat.send(conv, EN).get_json()["language"] == "en"
    assert languages(chat, conv) == [("founder", "vi"), ("founder", "en")]


def test_explicit_choice_overrides_detection_and_sticks(chat, fake_rasa):
    conv = chat.start(EN, language="ar", language_locked=True)
    assert conv["language"] == "ar"
    assert fake_rasa.requests[-1]["body"]["metadata"] == {"language": "ar", "language_locked": True}
    # still Arabic when the client does not repeat the choice ...
    assert chat.send(conv, VI).get_json()["language"] == "ar"
    assert fake_rasa.requests[-1]["body"]["metadata"] == {"language": "ar", "language_locked": True}
    # ... each message's own language is still stored ...
    assert languages(chat, conv) == [("founder", "en"), ("founder", "vi")]
    # ... and "language_locked": false hands the choice back to detection.
    assert chat.send(conv, VI, language="en", language_locked=False).get_json()["language"] == "vi"


def test_detector_gets_prior_and_history(make_app):
    calls = []

    @dataclasses.dataclass
    class Guess:
        lang: str
        confidence: float

    def detect(text, prior=None, history=()):
        calls.append((text, prior, tuple(history)))
        return Guess({"one": "fr", "two": "es"}.get(text, "fr"), 0.9)

    client = make_app(LANGID=detect).test_client()
    first = client.post("/api/chat", json={"text": "one", "language": "fr-FR"}).get_json()
    body = {"conversation_id": first["conversation_id"], "token": first["token"], "language": "fr"}
    client.post("/api/chat", json={"text": "two", **body})
    client.post("/api/chat", json={"text": "three", **body})
    assert calls == [("one", "fr", ()), ("two", "fr", ("fr",)), ("three", "fr", ("fr", "es"))]


@pytest.mark.parametrize("detector", ["no.such.module:detect", "knowledge.langid:no_such_function"])
def test_missing_detector_falls_back_to_browser_language(make_app, detector):
    client = make_app(LANGID=detector).test_client()
    data = client.post("/api/chat", json={"text": VI, "language": "ko-KR"}).get_json()
    assert data["language"] == "ko"


def test_failing_detector_does_not_lose_the_message(make_app):
    def detect(text, prior=None, history=()):
        raise RuntimeError("boom")

    client = make_app(LANGID=detect).test_client()
    response = client.post("/api/chat", json={"text": AR})
    assert response.status_code == 200
    assert response.get_json()["language"] == "en"


def test_unsupported_browser_language_is_ignored(chat):
    assert chat.start("ok", language="de-DE")["language"] == "en"


def test_bot_may_switch_language_through_custom(chat, fake_rasa):
    fake_rasa.reply = lambda body: [{"text": "네, 한국어로 안내해 드릴게요."}, {"custom": {"language": "ko"}}]
    conv = chat.start(EN)
    assert conv["language"] == "ko"
    fake_rasa.reply = lambda body: [{"text": "echo"}]
    assert chat.send(conv, "ok").get_json()["language"] == "ko"
