"""Unit tests of the Rasa message merge (no server)."""

from web.rasa import RasaClient, RasaUnavailable, merge_messages

import pytest


def test_texts_become_replies_and_custom_merges_backwards():
    merged = merge_messages(
        [
            {"text": "A"},
            {"custom": {"sources": [{"id": "p1", "title": "P1", "url": "https://example.org/p1"}], "language": "fr"}},
            {"text": "B", "buttons": [{"title": "Oui", "payload": "/affirm"}, {"title": "broken"}]},
        ]
    )
    assert [r.to_api() for r in merged.replies] == [
        {"text": "A", "buttons": [], "sources": [{"id": "p1", "title": "P1", "url": "https://example.org/p1"}]},
        {"text": "B", "buttons": [{"title": "Oui", "payload": "/affirm"}], "sources": []},
    ]
    assert merged.replies[0].language == "fr"
    assert merged.language == "fr"
    assert merged.handoff is False


def test_custom_without_text_before_it():
    merged = merge_messages([{"custom": {"handoff": True}}, {"custom": {"sources": ["https://example.org"]}}])
    assert merged.handoff is True
    assert [r.to_api() for r in merged.replies] == [
        {"text": "", "buttons": [], "sources": [{"id": None, "title": "https://example.org", "url": "https://example.org"}]}
    ]


def test_unsafe_or_empty_sources_are_cleaned():
    merged = merge_messages(
        [{"text": "x"}, {"custom": {"sources": [{"title": "JS", "url": "javascript:alert(1)"}, {"id": "empty"}, 5]}}]
    )
    assert merged.replies[0].sources == [{"id": None, "title": "JS", "url": None}]


def test_client_raises_unavailable_on_connection_error(closed_url):
    with pytest.raises(RasaUnavailable):
        RasaClient(closed_url, timeout=1).send("c1", "hello", {"language": "en", "language_locked": False})


def test_client_posts_the_contract(fake_rasa):
    replies = RasaClient(fake_rasa.url + "/").send("c1", "hello", {"language": "en", "language_locked": False})
    assert replies == [{"recipient_id": "c1", "text": "[en] echo: hello"}]
    assert fake_rasa.requests[0]["path"] == "/webhooks/rest/webhook"
