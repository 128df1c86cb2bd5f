"""Custom actions: call ``run()`` with trackers and a CollectingDispatcher, against a small fake KB.

One test at the end runs the answer action against a real knowledge base (temporary SQLite,
deterministic fake encoder, the bundled seed programmes).
"""
import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import actions, compose, parsing
from actions.i18n import t
from knowledge.eligibility import Match
from knowledge.errors import DatabaseMissing, NotFound
from knowledge.programme import Programme
from knowledge.records import normalize_record
from knowledge.search import Hit, SearchResult

DATA = Path(__file__).parent / "data"
DOMAIN = yaml.safe_load((Path(__file__).parent.parent / "bot" / "domain.yml").read_text(encoding="utf-8"))
TODAY = dt.date.today()


def programme(pid, title, *, lang_texts=None, window="rolling", url="https://example.org", **extra):
    texts = lang_texts or {"en": {"title": title, "summary": f"{title} summary", "body": f"About {title}."}}
    raw = {"id": pid, "category": "visa", "status": "published", "agency": "Agency of " + title,
           "official_url": url, "last_verified": "2026-11-20", "window": window, "text": texts, **extra}
    return Programme(normalize_record(raw))


VISA = programme("visa-d8-4", "Startup visa (D-8-4)", lang_texts={
    "en": {"title": "Startup visa (D-8-4)", "summary": "Visa for tech founders.", "body": "Earn 80 OASIS points."},
    "vi": {"title": "Visa khởi nghiệp (D-8-4)", "summary": "Visa cho nhà sáng lập.", "body": "Cần 80 điểm OASIS."},
})
TIPS = programme("tips", "TIPS", window={"opens": (TODAY - dt.timedelta(days=10)).isoformat(),
                                        "closes": (TODAY + dt.timedelta(days=5)).isoformat()})
OASIS = programme("oasis", "OASIS", url=None)


class FakeKB:
    """The part of knowledge.KnowledgeBase the actions use, with canned answers."""

    def __init__(self, programmes=(VISA, TIPS, OASIS), result=None, matches=()):
        self.programmes = {p.record["id"]: p for p in programmes}
        self.result = result
        self.matches = list(matches)
        self.searches, self.profiles = [], []

    def search(self, text, lang=None, k=5):
        self.searches.append((text, lang, k))
        return self.result

    def get(self, pid):
        try:
            return self.programmes[pid]
        except KeyError:
            raise NotFound(pid) from None

    def eligible(self, profile):
        self.profiles.append(profile)
        return self.matches


def hit(pid, title, score=0.9):
    return Hit(id=pid, score=score, title=title, dense=score)


ANSWERABLE = SearchResult(query="q", lang="vi", lang_confidence=1.0, answerable=True, threshold=0.8,
                          hits=[hit("visa-d8-4", "Visa khởi nghiệp (D-8-4)"), hit("oasis", "OASIS", 0.85),
                                hit("tips", "TIPS", 0.8)])
UNANSWERABLE = SearchResult(query="q", lang="vi", lang_confidence=1.0, answerable=False, threshold=0.8,
                            hits=[hit("tips", "TIPS", 0.78), hit("oasis", "OASIS", 0.5)])


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture
def tracker_data():
    """The recorded tracker of a Vietnamese founder asking about the startup visa."""
    return json.loads((DATA / "tracker_question.json").read_text(encoding="utf-8"))


@pytest.fixture
def make_tracker(tracker_data):
    def make(text=None, slots=None, entities=None, intent=None, extra_events=(), active_loop=None):
        data = copy.deepcopy(tracker_data)
        data["slots"].update(slots or {})
        message = data["latest_message"]
        if text is not None:
            message["text"] = text
            data["events"][-1]["text"] = text
        if entities is not None:
            message["entities"] = entities
        if intent is not None:
            message["intent"] = {"name": intent, "confidence": 1.0}
        data["events"].extend(extra_events)
        if active_loop:
            data["active_loop"] = {"name": active_loop}
        return Tracker.from_dict(data)
    return make


@pytest.fixture
def use_kb(monkeypatch):
    def install(kb):
        monkeypatch.setattr(actions, "get_kb", lambda: kb)
        return kb
    return install


def texts(dispatcher):
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def customs(dispatcher):
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


# ------------------------------------------------------------------ action_answer_question

@pytest.mark.asyncio
async def test_answer_in_the_founders_language_with_sources(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(result=ANSWERABLE))
    events = await actions.ActionAnswerQuestion().run(dispatcher, make_tracker(), {})

    assert kb.searches == [("Làm sao để xin visa khởi nghiệp?", "vi", 3)]
    assert events == [SlotSet("unanswered_count", 0)]
    answer, custom = dispatcher.messages
    assert answer["text"].startswith("**Visa khởi nghiệp (D-8-4)**")
    assert "\n\n" not in answer["text"], "Rasa would split the answer into several messages"
    assert "Cần 80 điểm OASIS." in answer["text"]
    assert t("answer.agency", "vi", agency="Agency of Startup visa (D-8-4)") in answer["text"]
    assert t("answer.link", "vi", url="https://example.org") in answer["text"]
    assert t("answer.verified", "vi", date="2026-11-20") in answer["text"]
    assert t("window.rolling", "vi") in answer["text"]
    assert [b["payload"] for b in answer["buttons"]] == ['/ask_programme{"programme_id":"oasis"}',
                                                         '/ask_programme{"programme_id":"tips"}']
    search = custom["custom"].pop("search")
    assert custom["custom"] == {"sources": [{"id": "visa-d8-4", "title": "Visa khởi nghiệp (D-8-4)",
                                             "url": "https://example.org"}],
                                "language": "vi", "handoff": False}
    assert search["answerable"] is True and [r["id"] for r in search["results"]][0] == "visa-d8-4"


@pytest.mark.asyncio
async def test_answer_falls_back_to_english_and_says_so(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(result=SearchResult("q", "vi", 1.0, True, [hit("tips", "TIPS")], 0.8)))
    await actions.ActionAnswerQuestion().run(dispatcher, make_tracker(), {})
    text = texts(dispatcher)[0]
    assert text.startswith(t("answer.in_english", "vi"))
    assert t("window.closes_in", "vi", duration="5 ngày", date=(TODAY + dt.timedelta(days=5)).isoformat()) in text


@pytest.mark.asyncio
async def test_button_payload_asks_about_one_programme_without_searching(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB())
    tracker = make_tracker(text='/ask_programme{"programme_id":"oasis"}',
                           entities=[{"entity": "programme_id", "value": "oasis"}])
    await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert kb.searches == []
    assert texts(dispatcher)[0].startswith(t("answer.in_english", "vi") + "\n**OASIS**")
    assert t("answer.no_link", "vi") in texts(dispatcher)[0]


@pytest.mark.asyncio
async def test_unanswerable_question_offers_a_person_and_counts(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(result=UNANSWERABLE))
    events = await actions.ActionAnswerQuestion().run(dispatcher, make_tracker(), {})

    assert events == [SlotSet("unanswered_count", 1), SlotSet("handoff_offered", True)]
    message, custom = dispatcher.messages
    assert message["text"].startswith(t("unanswerable.first", "vi"))
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_programme{"programme_id":"tips"}', "/request_human", "/deny"]
    search = custom["custom"].pop("search")
    assert custom["custom"] == {"sources": [], "language": "vi", "handoff": False}
    assert search == {"query": "q", "answerable": False,
                      "results": [{"id": "tips", "score": 0.78, "title": "TIPS"},
                                  {"id": "oasis", "score": 0.5, "title": "OASIS"}]}


@pytest.mark.asyncio
@pytest.mark.parametrize("confidence, off_topic, named, answered", [
    (0.9, 0.1, False, True),    # sure of the answer, surely a question
    (0.57, 0.31, False, False),  # "a cheap restaurant?": 0.57 x 0.69 < 0.5
    (0.57, 0.31, True, True),    # a programme's code is always in scope
])
async def test_the_intent_models_doubt_weighs_on_a_weak_answer(dispatcher, make_tracker, use_kb,
                                                               confidence, off_topic, named, answered):
    import dataclasses
    use_kb(FakeKB(result=dataclasses.replace(ANSWERABLE, confidence=confidence, names_programme=named)))
    tracker = make_tracker(intent="ask_programme")
    tracker.latest_message["intent_ranking"] = [{"name": "ask_programme", "confidence": 1 - off_topic},
                                                {"name": "out_of_scope", "confidence": off_topic}]
    await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert bool(customs(dispatcher)[0]["sources"]) is answered


def unclear(make_tracker, text, ranking):
    """A message the intent model was unsure of (nlu_fallback), with its ranking of the other intents."""
    tracker = make_tracker(text=text, intent="nlu_fallback")
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.3}] + [
        {"name": name, "confidence": confidence} for name, confidence in ranking]
    return tracker


@pytest.mark.asyncio
async def test_unclear_small_talk_the_kb_cannot_answer_gets_small_talk(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(result=UNANSWERABLE))
    tracker = unclear(make_tracker, "Oke, sampai jumpa!", [("goodbye", 0.43), ("affirm", 0.41), ("greet", 0.14)])
    events = await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert events == [] and [m["response"] for m in dispatcher.messages] == ["utter_goodbye"]


@pytest.mark.asyncio
@pytest.mark.parametrize("ranking", [
    [("ask_programme", 0.45), ("greet", 0.3)],   # a question the knowledge base cannot answer
    [("thanks", 0.2), ("greet", 0.19)],          # too unsure even of the small talk
])
async def test_other_unclear_messages_still_get_the_honest_offer(dispatcher, make_tracker, use_kb, ranking):
    use_kb(FakeKB(result=UNANSWERABLE))
    events = await actions.ActionAnswerQuestion().run(dispatcher, unclear(make_tracker, "hmm", ranking), {})
    assert SlotSet("handoff_offered", True) in events
    assert texts(dispatcher)[0].startswith(t("unanswerable.first", "vi"))


@pytest.mark.asyncio
async def test_unclear_small_talk_is_still_answered_when_the_kb_can(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(result=ANSWERABLE))
    tracker = unclear(make_tracker, "hello, D-8-4?", [("greet", 0.4), ("ask_programme", 0.35)])
    await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert customs(dispatcher)[0]["sources"][0]["id"] == "visa-d8-4"


@pytest.mark.asyncio
async def test_out_of_scope_still_answers_what_the_knowledge_base_clearly_can(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(result=ANSWERABLE))
    events = await actions.ActionOutOfScope().run(dispatcher, make_tracker(intent="out_of_scope"), {})
    assert kb.searches and events == [SlotSet("unanswered_count", 0)]
    assert customs(dispatcher)[0]["sources"][0]["id"] == "visa-d8-4"


@pytest.mark.asyncio
@pytest.mark.parametrize("kb", [FakeKB(result=UNANSWERABLE), None])
async def test_out_of_scope_otherwise_says_what_the_assistant_is_for(dispatcher, make_tracker, use_kb, monkeypatch, kb):
    if kb is None:  # the knowledge base is missing: still a polite off-topic reply, never an error
        monkeypatch.setattr(actions, "get_kb", lambda: (_ for _ in ()).throw(DatabaseMissing("no kb")))
    else:
        use_kb(kb)
    events = await actions.ActionOutOfScope().run(dispatcher, make_tracker(intent="out_of_scope"), {})
    assert events == [] and [m.get("response") for m in dispatcher.messages] == ["utter_out_of_scope"]
    assert "utter_out_of_scope" in DOMAIN["responses"]


@pytest.mark.asyncio
async def test_second_unanswerable_question_says_so(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(result=UNANSWERABLE))
    tracker = make_tracker(slots={"unanswered_count": 1, "handoff_offered": True})
    events = await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert events == [SlotSet("unanswered_count", 2), SlotSet("handoff_offered", True)]
    assert texts(dispatcher)[0].startswith(t("unanswerable.again", "vi"))


@pytest.mark.asyncio
async def test_answer_clears_a_pending_offer(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(result=ANSWERABLE))
    tracker = make_tracker(slots={"unanswered_count": 1, "handoff_offered": True})
    events = await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert events == [SlotSet("unanswered_count", 0), SlotSet("handoff_offered", False)]


@pytest.mark.asyncio
async def test_unknown_programme_id_is_treated_as_unanswerable(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB())
    tracker = make_tracker(text="/ask_programme", entities=[{"entity": "programme_id", "value": "nope"}])
    events = await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert events == [SlotSet("unanswered_count", 1), SlotSet("handoff_offered", True)]


@pytest.mark.asyncio
async def test_missing_knowledge_base_never_raises_to_the_founder(dispatcher, make_tracker, monkeypatch):
    def missing():
        raise DatabaseMissing("no kb")
    monkeypatch.setattr(actions, "get_kb", missing)
    events = await actions.ActionAnswerQuestion().run(dispatcher, make_tracker(), {})
    assert texts(dispatcher) == [t("error.kb_unavailable", "vi")]
    assert events == [SlotSet("handoff_offered", True)]


@pytest.mark.asyncio
async def test_language_is_detected_when_the_slot_is_empty(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(result=UNANSWERABLE))
    tracker = make_tracker(text="창업 비자는 어떻게 받나요?", slots={"language": None})
    await actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert kb.searches[0][1] == "ko"
    assert texts(dispatcher)[0].startswith(t("unanswerable.first", "ko"))


# ------------------------------------------------------------------ window wording

@pytest.mark.parametrize("state, key, values", [
    ({"state": "rolling"}, "window.rolling", {}),
    ({"state": "periodic"}, "window.periodic", {}),
    ({"state": "upcoming", "days": 3, "opens": "2026-12-01"}, "window.opens_in", {"duration": "3日", "date": "2026-12-01"}),
    ({"state": "open", "days": None, "closes": None}, "window.open", {}),
    ({"state": "open", "days": 0, "closes": "2026-11-26"}, "window.closes_today", {"date": "2026-11-26"}),
    ({"state": "open", "days": 1, "closes": "2026-11-27"}, "window.closes_tomorrow", {"date": "2026-11-27"}),
    ({"state": "open", "days": 5, "closes": "2026-12-01"}, "window.closes_in", {"duration": "5日", "date": "2026-12-01"}),
    ({"state": "closed", "days": 4, "closes": "2026-11-22"}, "window.closed", {"date": "2026-11-22"}),
])
def test_window_line(state, key, values):
    assert compose.window_line(state, "ja") == t(key, "ja", **values)


# ------------------------------------------------------------------ action_handoff

@pytest.mark.asyncio
async def test_handoff_records_the_request_and_tells_the_founder(dispatcher, make_tracker):
    tracker = make_tracker(text="tôi muốn nói chuyện với nhân viên", intent="request_human")
    events = await actions.ActionHandoff().run(dispatcher, tracker, {})
    assert events == [SlotSet("handoff_requested", True), SlotSet("handoff_offered", False),
                      SlotSet("unanswered_count", 0)]
    assert texts(dispatcher) == [t("handoff.done", "vi")]
    assert customs(dispatcher) == [{"sources": [], "language": "vi", "handoff": True, "reason": "requested"}]


@pytest.mark.asyncio
async def test_second_handoff_says_the_team_already_has_it(dispatcher, make_tracker):
    tracker = make_tracker(slots={"handoff_requested": True, "handoff_offered": True}, intent="affirm")
    await actions.ActionHandoff().run(dispatcher, tracker, {})
    assert texts(dispatcher) == [t("handoff.already", "vi")]
    assert customs(dispatcher)[0]["reason"] == "offered"


# ------------------------------------------------------------------ eligibility

@pytest.mark.asyncio
async def test_find_eligible_lists_matches_and_near_misses(dispatcher, make_tracker, use_kb):
    matches = [Match("tips", ["stage", "company_age"], [], ["foreign_founders"]), Match("oasis", [], []),
               Match("visa-d8-4", ["founder_status"], ["stage"])]
    kb = use_kb(FakeKB(matches=matches))
    tracker = make_tracker(slots={"founder_status": "student", "company_stage": "early", "company_age": 2.0,
                                  "sector": "ai", "in_jeonbuk": True, "language": "ko"})
    events = await actions.ActionFindEligible().run(dispatcher, tracker, {})

    profile = kb.profiles[0]
    assert (profile.founder_status, profile.stage, profile.company_age, profile.sector, profile.in_jeonbuk) == \
        ("student", "early", 2.0, "ai", True)
    text = texts(dispatcher)[0]
    assert text.startswith(t("eligible.intro", "ko"))
    assert ("**TIPS** (" + t("eligible.matched", "ko", reasons="기업 단계, 업력") + ") ⚠ "
            + t("eligible.caveat.foreign_founders", "ko") + " https://example.org") in text
    assert text.count("⚠") == 1  # only TIPS carries the caveat
    assert t("eligible.near", "ko") in text
    assert t("eligible.missed", "ko", criteria=t("criterion.stage", "ko")) in text
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]][0] == '/ask_programme{"programme_id":"tips"}'
    assert [s["id"] for s in customs(dispatcher)[0]["sources"]] == ["tips", "oasis", "visa-d8-4"]
    assert customs(dispatcher)[0]["profile"] == {"founder_status": "student", "company_stage": "early",
                                                 "company_age": 2.0, "sector": "ai", "in_jeonbuk": True}
    assert events == [SlotSet(slot, None) for slot in actions.FORM_SLOTS]


@pytest.mark.asyncio
async def test_find_eligible_without_matches_offers_a_person(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(matches=[]))
    tracker = make_tracker(slots={"founder_status": "overseas", "company_stage": "pre_founding",
                                  "sector": "other", "in_jeonbuk": False})
    await actions.ActionFindEligible().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0] == t("eligible.none", "vi")
    assert dispatcher.messages[0]["buttons"] == [{"title": t("button.person", "vi"), "payload": "/request_human"}]


def slot_event(name, value):
    return {"event": "slot", "name": name, "value": value}


@pytest.mark.asyncio
async def test_form_validation_turns_free_text_into_stage_and_age(dispatcher, make_tracker):
    tracker = make_tracker(text="khoảng 2 năm", slots={"requested_slot": "company_stage", "company_stage": "khoảng 2 năm"},
                           extra_events=[slot_event("company_stage", "khoảng 2 năm")], active_loop="eligibility_form")
    events = await actions.ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("company_stage", "early") in events
    assert SlotSet("company_age", 2.0) in events
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_a_founded_company_without_its_age_is_asked_the_age(dispatcher, make_tracker):
    said = "sí, ya está constituida"
    tracker = make_tracker(text=said, slots={"requested_slot": "company_stage", "company_stage": said},
                           extra_events=[slot_event("company_stage", said)], active_loop="eligibility_form")
    events = await actions.ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("company_stage", parsing.FOUNDED) in events
    assert not [e for e in events if e.get("name") == "company_age"]
    assert dispatcher.messages == []  # no "I didn't understand"
    # the age question then decides the stage
    tracker = make_tracker(text="hace unos 5 años", slots={"requested_slot": "company_age", "company_stage": parsing.FOUNDED,
                                                           "company_age": "hace unos 5 años"},
                           extra_events=[slot_event("company_age", "hace unos 5 años")], active_loop="eligibility_form")
    events = await actions.ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("company_stage", "growth") in events and SlotSet("company_age", 5.0) in events


@pytest.mark.asyncio
async def test_form_validation_rejects_what_it_cannot_read(dispatcher, make_tracker):
    tracker = make_tracker(text="banana", slots={"requested_slot": "sector", "sector": "banana"},
                           extra_events=[slot_event("sector", "banana")], active_loop="eligibility_form")
    events = await actions.ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("sector", None) in events
    assert texts(dispatcher) == [t("form.invalid", "vi")]


def form_tracker(make_tracker, slot, text, intent="ask_programme", **slots):
    """The founder typed ``text`` where the form asked for ``slot`` (from_text already copied it there)."""
    return make_tracker(text=text, intent=intent, slots={"requested_slot": slot, slot: text, **slots},
                        extra_events=[slot_event(slot, text)], active_loop="eligibility_form")


def leaves_form(events, slot):
    return events[-3:] == [SlotSet(slot, None), SlotSet("requested_slot", None), ActiveLoop(None)]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["stop", "cancel the questions please", "그만할게요", "算了", "Dừng các câu hỏi"])
async def test_a_request_to_stop_leaves_the_questions(dispatcher, make_tracker, use_kb, text):
    kb = use_kb(FakeKB(result=ANSWERABLE))
    events = await actions.ValidateEligibilityForm().run(
        dispatcher, form_tracker(make_tracker, "sector", text, intent="deny"), DOMAIN)
    assert leaves_form(events, "sector")
    assert texts(dispatcher) == [t("form.stopped", "vi")]
    assert kb.searches == []


@pytest.mark.asyncio
async def test_a_question_in_the_middle_of_the_form_is_answered_and_the_form_left(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(result=ANSWERABLE))
    tracker = form_tracker(make_tracker, "founder_status", "Làm sao để mở tài khoản ngân hàng?")
    events = await actions.ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN)
    assert kb.searches and leaves_form(events, "founder_status")
    assert texts(dispatcher)[0].startswith("**Visa khởi nghiệp (D-8-4)**")
    assert texts(dispatcher)[-1] == t("form.stopped", "vi")
    assert [s["id"] for s in customs(dispatcher)[0]["sources"]] == ["visa-d8-4"]


@pytest.mark.asyncio
async def test_a_question_the_kb_cannot_answer_stays_in_the_form(dispatcher, make_tracker, use_kb):
    use_kb(FakeKB(result=UNANSWERABLE))
    events = await actions.ValidateEligibilityForm().run(
        dispatcher, form_tracker(make_tracker, "sector", "what is the meaning of life?"), DOMAIN)
    assert SlotSet("sector", None) in events and ActiveLoop(None) not in events
    assert texts(dispatcher) == [t("form.invalid", "vi")]


@pytest.mark.asyncio
async def test_an_unread_description_stays_in_the_form_however_well_the_kb_matches(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(result=ANSWERABLE))  # "we analyse pictures with neural nets" may match a programme well
    events = await actions.ValidateEligibilityForm().run(
        dispatcher, form_tracker(make_tracker, "sector", "we analyse pictures with neural nets"), DOMAIN)
    assert ActiveLoop(None) not in events and kb.searches == []
    assert texts(dispatcher) == [t("form.invalid", "vi")]


@pytest.mark.asyncio
async def test_a_readable_answer_is_never_taken_for_a_question_or_a_stop(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(result=ANSWERABLE))
    events = await actions.ValidateEligibilityForm().run(
        dispatcher, form_tracker(make_tracker, "in_jeonbuk", "no, stop asking, we are in Seoul"), DOMAIN)
    assert SlotSet("in_jeonbuk", False) in events and ActiveLoop(None) not in events
    assert kb.searches == [] and dispatcher.messages == []


@pytest.mark.asyncio
async def test_find_eligible_says_nothing_after_the_founder_left_the_questions(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(matches=[]))
    events = await actions.ActionFindEligible().run(dispatcher, make_tracker(slots={"founder_status": "student"}), {})
    assert events == [] and dispatcher.messages == [] and kb.profiles == []


def test_every_languages_stop_button_reads_as_a_stop():
    for lang in parsing.LANGUAGES:
        assert parsing.is_stop_request(t("button.stop_form", lang)), lang
    assert not parsing.is_stop_request("I want to stop paying rent for my office, is there free space for startups?")


@pytest.mark.asyncio
async def test_ask_company_age_offers_years_within_the_stage(dispatcher, make_tracker):
    tracker = make_tracker(slots={"company_stage": "growth"})
    await actions.ActionAskCompanyAge().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert message["text"] == t("ask.company_age", "vi")
    assert [b["payload"] for b in message["buttons"]][:-1] == ["3", "4", "5", "6", "7"]
    stop = message["buttons"][-1]
    assert stop == {"title": t("button.stop_form", "vi"), "payload": t("button.stop_form", "vi")}


@pytest.mark.asyncio
async def test_ask_founder_status_buttons_send_canonical_codes(dispatcher, make_tracker):
    await actions.ActionAskFounderStatus().run(dispatcher, make_tracker(slots={"language": "ar"}), {})
    message = dispatcher.messages[0]
    assert message["text"] == t("ask.founder_status", "ar")
    assert [b["payload"] for b in message["buttons"]][:2] == ["overseas", "student"]
    assert message["buttons"][1]["title"] == t("option.founder_status.student", "ar")


@pytest.mark.asyncio
async def test_the_first_question_says_what_is_coming(dispatcher, make_tracker):
    """Started by the founder's words or the greeting's button, the finder first says what it will ask."""
    tracker = make_tracker(slots={"language": "mn"}, intent="find_eligible_programmes")
    await actions.ActionAskFounderStatus().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == f"{t('form.intro', 'mn')}\n\n{t('ask.founder_status', 'mn')}"


# ------------------------------------------------------------------ language and fallback

@pytest.mark.asyncio
@pytest.mark.parametrize("text, lang", [("Please answer in Korean", "ko"), ("हिंदी में जवाब दो", "hi")])
async def test_change_language_from_free_text(dispatcher, make_tracker, text, lang):
    tracker = make_tracker(text=text, slots={"language": "en"}, intent="change_language")
    events = await actions.ActionChangeLanguage().run(dispatcher, tracker, {})
    assert events == [SlotSet("language", lang)]
    assert texts(dispatcher) == [t("language.changed", lang)]
    assert customs(dispatcher) == [{"sources": [], "language": lang, "handoff": False, "language_locked": True}]


@pytest.mark.asyncio
async def test_change_language_from_a_button(dispatcher, make_tracker):
    tracker = make_tracker(text='/change_language{"requested_language":"mn"}', intent="change_language",
                           entities=[{"entity": "requested_language", "value": "mn"}])
    events = await actions.ActionChangeLanguage().run(dispatcher, tracker, {})
    assert events == [SlotSet("language", "mn")]


@pytest.mark.asyncio
async def test_change_language_asks_which_when_none_is_named(dispatcher, make_tracker):
    tracker = make_tracker(text="đổi ngôn ngữ", intent="change_language")
    events = await actions.ActionChangeLanguage().run(dispatcher, tracker, {})
    assert events == []
    message = dispatcher.messages[0]
    assert message["text"] == t("language.which", "vi")
    assert len(message["buttons"]) == 13
    assert message["buttons"][4]["payload"] == '/change_language{"requested_language": "vi"}'
    assert message["buttons"][-1] == {"title": "हिन्दी", "payload": '/change_language{"requested_language": "hi"}'}


@pytest.mark.asyncio
async def test_default_fallback_reverts_and_offers_a_person(dispatcher, make_tracker):
    events = await actions.ActionDefaultFallback().run(dispatcher, make_tracker(), {})
    assert events == [UserUtteranceReverted()]
    assert texts(dispatcher) == [t("fallback.default", "vi")]


def test_action_names_match_the_domain():
    import inspect
    from rasa_sdk import Action
    classes = [c for c in vars(actions).values()
               if inspect.isclass(c) and issubclass(c, Action) and c.__module__ == actions.__name__
               and not inspect.isabstract(c)]
    names = {cls().name() for cls in classes}
    assert names == set(DOMAIN["actions"])


# ------------------------------------------------------------------ real knowledge base

@pytest.fixture
def seeded_kb(tmp_path):
    from knowledge import KnowledgeBase, get_settings
    from knowledge.encoders import FakeEncoder
    from knowledge.records import read_records

    settings = get_settings(kb_path=tmp_path / "kb.db", encoder="fake")
    kb = KnowledgeBase.open(settings, create=True, encoder=FakeEncoder())
    seed = Path(__file__).parent.parent / "knowledge" / "seed" / "programs"
    kb.import_records([r for path in sorted(seed.glob("*.yaml")) for r in read_records(path)])
    yield kb
    kb.close()


@pytest.mark.asyncio
async def test_answer_and_eligibility_against_a_real_knowledge_base(dispatcher, make_tracker, use_kb, seeded_kb):
    use_kb(seeded_kb)
    await actions.ActionAnswerQuestion().run(dispatcher, make_tracker(text="TIPS"), {})
    custom = customs(dispatcher)[-1]
    assert set(custom) == {"sources", "language", "handoff", "search"} and custom["language"] == "vi"
    assert custom["search"]["answerable"] and custom["search"]["results"][0]["id"] == "tips"

    tracker = make_tracker(slots={"founder_status": "student", "company_stage": "pre_founding", "company_age": 0.0,
                                  "sector": "ai", "in_jeonbuk": True})
    await actions.ActionFindEligible().run(dispatcher, tracker, {})
    assert texts(dispatcher)[-1].startswith(t("eligible.intro", "vi"))


@pytest.mark.asyncio
async def test_unsure_language_change_is_answered_as_a_question(dispatcher, make_tracker, use_kb):
    kb = use_kb(FakeKB(result=ANSWERABLE))
    tracker = make_tracker(text="Tôi không nói được tiếng Hàn, có phiên dịch không?")
    tracker.latest_message["intent"] = {"name": "change_language", "confidence": 0.5}
    events = await actions.ActionChangeLanguage().run(dispatcher, tracker, {})
    assert kb.searches and events == [SlotSet("unanswered_count", 0)]
    assert not any(e.get("name") == "language" for e in events)


def test_answer_names_the_agency_in_the_founders_language():
    prog = programme("visa-d8-4", "Startup visa", lang_texts={
        "en": {"title": "Startup visa", "summary": "s", "body": "b"},
        "vi": {"title": "Visa khởi nghiệp", "summary": "s", "body": "b", "agency": "Bộ Tư pháp"},
    })
    assert t("answer.agency", "vi", agency="Bộ Tư pháp") in compose.programme_answer(prog, "vi").text
    # no agency in that language: the programme's own (English) agency line
    assert t("answer.agency", "en", agency="Agency of Startup visa") in compose.programme_answer(prog, "en").text


@pytest.mark.parametrize("lang, days, expected", [
    ("en", 1, "Applications: open in 1 day (2026-12-01)"),
    ("en", 21, "Applications: open in 21 days (2026-12-01)"),
    ("ru", 1, "Приём заявок: начнётся через 1 день (2026-12-01)"),
    ("ru", 3, "Приём заявок: начнётся через 3 дня (2026-12-01)"),
    ("ru", 12, "Приём заявок: начнётся через 12 дней (2026-12-01)"),
    ("ru", 22, "Приём заявок: начнётся через 22 дня (2026-12-01)"),
    ("ar", 2, "التقديم: يُفتح باب التقديم بعد يومين (2026-12-01)"),
    ("ar", 5, "التقديم: يُفتح باب التقديم بعد 5 أيام (2026-12-01)"),
    ("ar", 15, "التقديم: يُفتح باب التقديم بعد 15 يومًا (2026-12-01)"),
    ("uz", 5, "Arizalar: 5 kundan keyin qabul qilinadi (2026-12-01)"),
    ("fr", 1, "Candidatures : ouverture dans 1 jour (2026-12-01)"),
])
def test_days_are_counted_in_each_language(lang, days, expected):
    assert compose.window_line({"state": "upcoming", "days": days, "opens": "2026-12-01"}, lang) == expected


def test_every_language_counts_days_and_minutes():
    from knowledge.languages import SUPPORTED
    from knowledge.plurals import FORMS, count_text
    for unit, forms in FORMS.items():
        assert set(forms) == set(SUPPORTED), unit
        for lang in SUPPORTED:
            assert "other" in forms[lang]
            for n in (1, 2, 3, 5, 11, 21, 100):
                assert count_text(unit, lang, n).strip(), (unit, lang, n)
