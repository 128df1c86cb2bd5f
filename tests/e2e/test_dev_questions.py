"""Every line of the shared dev questions through the real stack: the right kind of reply, in its language."""
import json
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_questions.jsonl"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def reply_kind(response: dict) -> str:
    """answer (cites a programme), handoff, unknown (honest: asks whether to pass it to a person)
    or chat (greetings and other small talk)."""
    replies = response["replies"]
    if any(r.get("sources") for r in replies):
        return "answer"
    if response["handoff"]:
        return "handoff"
    for r in replies:  # "shall I pass this to a person?" with yes / no buttons
        payloads = {b.get("payload") for b in r.get("buttons") or []}
        if {"/request_human", "/deny"} <= payloads:
            return "unknown"
    return "chat"


def ask_every_line(stack, path: Path, artifact: str) -> list[dict]:
    """Each JSONL line of ``path`` in a new conversation (no browser language): the line with the reply's
    kind, cited sources, language and texts; also written to tests/artifacts/``artifact``."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for row in rows:
        response = stack.chat(row["q"])
        sources = [s["id"] for r in response["replies"] for s in r.get("sources") or []]
        out.append({**row, "kind_got": reply_kind(response), "sources": sources,
                    "language": response["language"], "texts": [r["text"] for r in response["replies"]]})
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / artifact).write_text(json.dumps(out, ensure_ascii=False, indent=1))
    return out


@pytest.fixture(scope="module")
def results(stack):
    if not DEV.exists():
        pytest.fail(f"{DEV} is missing (shared/ must sit beside the repo)")
    return ask_every_line(stack, DEV, "e2e_dev_questions.json")


def test_greetings_are_greeted(results):
    for r in (r for r in results if r["kind"] == "greet"):
        assert r["kind_got"] == "chat" and r["texts"], r


def test_requests_for_a_person_start_a_handoff(results):
    for r in (r for r in results if r["kind"] == "handoff"):
        assert r["kind_got"] == "handoff", r


def test_out_of_scope_never_cites_a_programme(results):
    for r in (r for r in results if r["kind"] == "oos"):
        assert r["kind_got"] in ("unknown", "chat"), r


def test_knowledge_questions_get_an_answer_or_an_honest_offer(results):
    kb = [r for r in results if r["kind"] == "kb"]
    for r in kb:
        assert r["kind_got"] in ("answer", "unknown"), r
    right = sum(1 for r in kb if r["kind_got"] == "answer" and set(r["sources"]) & set(r["expect"]))
    wrong = sum(1 for r in kb if r["kind_got"] == "answer" and not set(r["sources"]) & set(r["expect"]))
    # figures for the README. Search's P@1 on this set is 0.93 (kb eval), so a few answers cite a
    # neighbouring programme; this floor catches a regression anywhere between search and the widget.
    print(f"\nkb lines: {len(kb)}, answered with an expected source: {right}, other source: {wrong}")
    assert right / len(kb) >= 0.85


def test_replies_are_in_the_question_language(results):
    checked = [r for r in results if len(r["q"]) >= 12]
    wrong = [(r["q"], r["lang"], r["language"]) for r in checked if r["language"] != r["lang"]]
    assert not wrong


def test_conversation_continues_and_history_is_stored(stack):
    first = stack.chat("Xin chào")
    second = stack.chat("Tôi cần vay vốn ngân hàng mà không có tài sản thế chấp", conversation=first)
    assert second["conversation_id"] == first["conversation_id"] and second["language"] == "vi"
    import urllib.request
    req = urllib.request.Request(f"{stack.url}/api/chat/{first['conversation_id']}/messages?after=0",
                                 headers={"X-Conversation-Token": first["token"]})
    messages = json.loads(urllib.request.urlopen(req, timeout=10).read())["messages"]
    roles = [m["role"] for m in messages]
    assert roles[0] == "founder" and roles.count("founder") == 2 and "bot" in roles


def test_asked_language_change_sticks(stack):
    first = stack.chat("Please answer in Korean from now on")
    assert first["language"] == "ko"
    second = stack.chat("How do I register my company in Korea?", conversation=first)
    assert second["language"] == "ko"
    assert any(r.get("sources") for r in second["replies"])


FOUNDERS = Path(__file__).resolve().parents[2] / "bench" / "eval" / "founder_questions.jsonl"


def test_founder_questions_in_13_languages(stack):
    """The 429 founder questions (bench/eval): an answer or an honest offer in the question's language."""
    rows = ask_every_line(stack, FOUNDERS, "e2e_founder_questions.json")
    kinds = dict(Counter(r["kind_got"] for r in rows))
    other = [(r["q"], r["kind_got"]) for r in rows if r["kind_got"] not in ("answer", "unknown")]
    right = sum(r["kind_got"] == "answer" and bool(set(r["sources"]) & set(r["expect"])) for r in rows)
    wrong_language = [(r["q"], r["lang"], r["language"]) for r in rows if r["language"] != r["lang"]]
    print(f"\nfounder questions: {len(rows)}, kinds {kinds}, answered with an expected source: {right}, "
          f"replied in another language: {len(wrong_language)}")
    # the intent model takes the odd question for small talk or a request for a person (2 of 429 when
    # written: an Indonesian question read as a greeting, a Japanese one about on-site consultants as
    # a request for staff, which hands it to a person: not wrong, not an answer)
    assert len(other) <= len(rows) * 0.01, other
    assert right / len(rows) >= 0.85  # search alone: 0.93 P@1 (README)
    assert len(wrong_language) <= len(rows) * 0.02, wrong_language


CONVERSATION = FOUNDERS.with_name("conversation_lines.jsonl")
# The replies each kind of line may get (see reply_kind): off-topic lines may get "this is outside what
# I can help with" (chat) or the honest offer of a person (unknown), never a programme.
RIGHT_KINDS = {"greet": {"chat"}, "thanks": {"chat"}, "goodbye": {"chat"}, "handoff": {"handoff"},
               "oos": {"chat", "unknown"}}


def test_conversation_lines_in_13_languages(stack):
    """Greetings, thanks, goodbyes, requests for a person and off-topic lines written apart from the
    training data (bench/eval): the right kind of reply, in the line's language."""
    rows = ask_every_line(stack, CONVERSATION, "e2e_conversation_lines.json")
    wrong = [(r["q"], r["kind"], r["kind_got"]) for r in rows if r["kind_got"] not in RIGHT_KINDS[r["kind"]]]
    cited = [(r["q"], r["sources"]) for r in rows if r["kind"] == "oos" and r["sources"]]
    wrong_language = [(r["q"], r["lang"], r["language"]) for r in rows if r["language"] != r["lang"]]
    for batch in sorted({r["batch"] for r in rows}):
        these = [r for r in rows if r["batch"] == batch]
        right = sum(r["kind_got"] in RIGHT_KINDS[r["kind"]] for r in these)
        print(f"\nconversation lines, batch {batch}: {right} of {len(these)} the right kind")
    print(f"off-topic lines answered with a programme: {len(cited)}; replied in another language: "
          f"{len(wrong_language)}; wrong kind: {wrong}")
    assert len(wrong) <= len(rows) * 0.03, wrong
    assert len(cited) <= 2, cited
    assert len(wrong_language) <= len(rows) * 0.01, wrong_language


def test_a_hindi_conversation(stack):
    greeting = stack.chat("नमस्ते")
    assert greeting["language"] == "hi" and "Founder Desk" in greeting["replies"][0]["text"]
    answer = stack.chat("क्या कोरिया में बिना गारंटी के बैंक लोन मिल सकता है?", conversation=greeting)
    cited = [r for r in answer["replies"] if r.get("sources")]
    assert cited and answer["language"] == "hi"
    # the programme's own Hindi text, not the English fallback: mostly Devanagari letters
    letters = [c for c in cited[0]["text"] if c.isalpha()]
    assert sum("\u0900" <= c <= "\u097f" for c in letters) > len(letters) / 2
    handoff = stack.chat("मुझे किसी इंसान से बात करनी है", conversation=greeting)
    assert handoff["handoff"] is True and "स्टाफ़" in handoff["replies"][0]["text"]
