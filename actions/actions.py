"""Custom actions for the Founder Desk bot (rasa-sdk): thin adapters over the knowledge library.

Run: ``python -m rasa_sdk --actions actions --port 5055``. Answers are composed in
``actions/compose.py``, typed answers parsed in ``actions/parsing.py``, strings translated in
``actions/i18n.yml``. Nothing is opened at import time: the knowledge base is opened on first use
(``FOUNDERDESK_*`` settings, like every other process).
"""
from __future__ import annotations

import abc
import dataclasses
import functools
import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import compose, parsing
from actions.i18n import conversation_language, t
from knowledge import KnowledgeBase, KnowledgeError
from knowledge.errors import InvalidQuery, NotFound
from knowledge.languages import NATIVE_NAMES, SUPPORTED

logger = logging.getLogger(__name__)

# Below this intent confidence a change_language prediction is answered as a question instead.
CHANGE_LANGUAGE_MIN_CONFIDENCE = 0.6
# Answer from the knowledge base against the intent model's reading only when it is clearly sure (the answer
# gate's probability; 0.5 is enough otherwise): a message called off-topic, or an eligibility answer we could
# not read. At 0.8 every off-topic line of bench/eval/conversation_lines.jsonl is rejected and 96.7 % of
# the founder questions still pass.
CLEAR_ANSWER_CONFIDENCE = 0.8
FORM_SLOTS = ("founder_status", "company_stage", "company_age", "sector", "in_jeonbuk")


@functools.lru_cache(maxsize=1)
def get_kb() -> KnowledgeBase:
    """The knowledge base, opened on first use (tests replace this function)."""
    return KnowledgeBase.open()


def detect_language(text: Text) -> Optional[Text]:
    """Language of ``text`` by knowledge.langid, for conversations without a language slot."""
    try:
        from knowledge.langid import detect

        return detect(text).lang
    except Exception:  # language detection must never break a reply
        logger.exception("language detection failed")
        return None


def reply_language(tracker: Tracker) -> Text:
    """The language to answer in: the ``language`` slot (set from the web app's metadata),
    else the detected language of the latest message, else English."""
    slot = tracker.get_slot("language")
    if slot:
        return conversation_language(slot)
    text = (tracker.latest_message or {}).get("text") or ""
    if text and not text.startswith("/"):
        return conversation_language(detect_language(text))
    return conversation_language(None)


def send(dispatcher: CollectingDispatcher, reply: compose.Reply) -> None:
    """Send a reply's text (with buttons), then its custom message (see the Rasa <-> web contract)."""
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
    dispatcher.utter_message(json_message=reply.custom)


def in_scope(result, message: dict):
    """``result``, made unanswerable when the intent model's doubt tips it: the knowledge base's
    confidence times the probability that the message is not off-topic must reach 0.5 ("can you
    recommend a cheap restaurant?" can sit near the free-counselling programme, but the intent model
    gives it a fair chance of being off-topic). A question that names a programme is always in scope."""
    if not result.answerable or result.names_programme:
        return result
    if result.confidence * (1.0 - parsing.off_topic_probability(message)) >= 0.5:
        return result
    return dataclasses.replace(result, answerable=False)


class ActionAnswerQuestion(Action):
    """Answer a founder's question from the knowledge base, or offer a person when it cannot."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        message = tracker.latest_message or {}
        text = (message.get("text") or "").strip()
        programme_id = parsing.entity_value(message.get("entities"), "programme_id")
        lang = reply_language(tracker)
        try:
            kb = get_kb()
            if programme_id:
                return self._answer(dispatcher, tracker, kb.get(programme_id), lang, related=())
            result = in_scope(kb.search(text, lang=lang, k=1 + compose.MAX_RELATED), message)
            return self.respond(dispatcher, tracker, kb, lang, result)
        except (NotFound, InvalidQuery):
            return self._unanswered(dispatcher, tracker, lang, ())
        except KnowledgeError:
            logger.exception("knowledge base unavailable")
            send(dispatcher, compose.kb_unavailable(lang))
            return [SlotSet("handoff_offered", True)]

    @classmethod
    def respond(cls, dispatcher, tracker, kb, lang, result) -> List[EventType]:
        """Answer with the best programme of a search result, or say honestly that there is none."""
        search = compose.search_summary(result)
        if result.answerable and result.hits:
            best = result.hits[0]
            related = compose.related_hits(result.hits, best.id)
            return cls._answer(dispatcher, tracker, kb.get(best.id), lang, related, search)
        small_talk = parsing.small_talk_response(tracker.latest_message)
        if small_talk:
            dispatcher.utter_message(response=small_talk)
            return []
        return cls._unanswered(dispatcher, tracker, lang, compose.suggestions(result), search)

    @staticmethod
    def _answer(dispatcher, tracker, programme, lang, related, search=None) -> List[EventType]:
        reply = compose.programme_answer(programme, lang, related)
        if search:
            reply.custom["search"] = search
        send(dispatcher, reply)
        events: List[EventType] = [SlotSet("unanswered_count", 0)]
        if tracker.get_slot("handoff_offered"):
            events.append(SlotSet("handoff_offered", False))
        return events

    @staticmethod
    def _unanswered(dispatcher, tracker, lang, maybe, search=None) -> List[EventType]:
        count = int(tracker.get_slot("unanswered_count") or 0) + 1
        reply = compose.unanswerable(lang, count, maybe)
        reply.custom["search"] = search or {"answerable": False, "results": []}
        send(dispatcher, reply)
        return [SlotSet("unanswered_count", count), SlotSet("handoff_offered", True)]


class ActionOutOfScope(Action):
    """Off-topic, says the intent model: answer anyway when the knowledge base clearly can (a model
    trained on a few examples per language calls some real questions off-topic, e.g. a question about
    "ARC" or "1357" it has never seen), otherwise say what the assistant is for."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        lang = reply_language(tracker)
        try:
            kb = get_kb()
            result = kb.search(text, lang=lang, k=1 + compose.MAX_RELATED)
        except KnowledgeError:  # includes an empty or overlong message
            result = None
        if result is not None and result.hits and result.confidence >= CLEAR_ANSWER_CONFIDENCE:
            return ActionAnswerQuestion.respond(dispatcher, tracker, kb, lang, result)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionHandoff(Action):
    """Record that the founder wants a person and tell them, in their language."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = reply_language(tracker)
        already = bool(tracker.get_slot("handoff_requested"))
        reason = "offered" if tracker.get_slot("handoff_offered") else "requested"
        dispatcher.utter_message(text=t("handoff.already" if already else "handoff.done", lang))
        dispatcher.utter_message(json_message=compose.custom_payload(lang, handoff=True, reason=reason))
        return [SlotSet("handoff_requested", True), SlotSet("handoff_offered", False),
                SlotSet("unanswered_count", 0)]


class ActionFindEligible(Action):
    """List the programmes that fit the answers of the eligibility form, and the near misses."""

    def name(self) -> Text:
        return "action_find_eligible"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        from knowledge.eligibility import Profile

        lang = reply_language(tracker)
        if any(tracker.get_slot(slot) is None for slot in FORM_SLOTS if slot != "company_age"):
            return []  # the founder left the questions early (see ValidateEligibilityForm)
        age = tracker.get_slot("company_age")
        profile = Profile(
            founder_status=tracker.get_slot("founder_status"),
            stage=tracker.get_slot("company_stage"),
            company_age=float(age) if isinstance(age, (int, float)) else None,
            sector=tracker.get_slot("sector"),
            in_jeonbuk=tracker.get_slot("in_jeonbuk") if isinstance(tracker.get_slot("in_jeonbuk"), bool) else None,
        )
        try:
            kb = get_kb()
            matches = kb.eligible(profile)
            programmes = {pid: kb.get(pid) for pid in compose.ids_to_show(matches)}
            reply = compose.eligibility_reply(matches, programmes, lang)
            reply.custom["profile"] = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
            send(dispatcher, reply)
        except KnowledgeError:
            logger.exception("knowledge base unavailable")
            send(dispatcher, compose.kb_unavailable(lang))
        # Forget the answers so that asking again starts the questions afresh.
        return [SlotSet(slot, None) for slot in FORM_SLOTS]


class ActionChangeLanguage(Action):
    """Switch the conversation language to the one the founder named, or ask which one."""

    def name(self) -> Text:
        return "action_change_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        if (not (message.get("text") or "").startswith("/")
                and intent.get("confidence", 1.0) < CHANGE_LANGUAGE_MIN_CONFIDENCE):
            # Switching language is disruptive: when NLU is unsure ("I can't speak Korean, is there an
            # interpreter?"), treat the message as a question for the knowledge base instead.
            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        current = reply_language(tracker)
        wanted = parsing.entity_value(message.get("entities"), "requested_language")
        if not wanted and not (message.get("text") or "").startswith("/"):
            wanted = parsing.requested_language(message.get("text"), current)
        if wanted in SUPPORTED:
            dispatcher.utter_message(text=t("language.changed", wanted))
            dispatcher.utter_message(json_message=compose.custom_payload(wanted, language_locked=True))
            return [SlotSet("language", wanted)]
        buttons = [{"title": NATIVE_NAMES[code],
                    "payload": "/change_language" + json.dumps({"requested_language": code})}
                   for code in SUPPORTED]
        dispatcher.utter_message(text=t("language.which", current), buttons=buttons)
        return []


class ActionDefaultFallback(Action):
    """When the dialogue policy is unsure: say so in the founder's language and offer a person."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = reply_language(tracker)
        dispatcher.utter_message(text=t("fallback.default", lang),
                                 buttons=[{"title": t("button.person", lang), "payload": "/request_human"}])
        return [UserUtteranceReverted()]


class ValidateEligibilityForm(FormValidationAction):
    """Turn buttons or free text in any language into the eligibility slots' canonical values."""

    def name(self) -> Text:
        return "validate_eligibility_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        """Validate the answer, unless it is no answer at all but a request to stop the questions or
        a question the knowledge base can answer: then leave the form (answering the question)."""
        leave = self._leave(dispatcher, tracker)
        return leave if leave is not None else await super().run(dispatcher, tracker, domain)

    @staticmethod
    def _leave(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
        slot = tracker.get_slot("requested_slot")
        message = tracker.latest_message or {}
        text = (message.get("text") or "").strip()
        parse = parsing.SLOT_PARSERS.get(slot)
        if parse is None or not text or text.startswith("/") or parse(text) is not None:
            return None
        lang = reply_language(tracker)
        events: List[EventType] = []
        if not parsing.is_stop_request(text):
            # Only a question leaves the form: an unread description ("AI for image analysis") is an
            # answer in words we lack, however well the knowledge base matches it.
            if parsing.intent_name(message) != "ask_programme" or not parsing.is_question(text):
                return None
            try:
                kb = get_kb()
                result = kb.search(text, lang=lang, k=1 + compose.MAX_RELATED)
                if result.confidence < CLEAR_ANSWER_CONFIDENCE:
                    return None
                events = ActionAnswerQuestion.respond(dispatcher, tracker, kb, lang, result)
            except KnowledgeError:  # an answer to the form we could not read, as before
                logger.exception("knowledge base unavailable")
                return None
        dispatcher.utter_message(text=t("form.stopped", lang))
        # the answers given so far stay: asking again only asks what is missing
        return [*events, SlotSet(slot, None), SlotSet("requested_slot", None), ActiveLoop(None)]

    @staticmethod
    def _invalid(dispatcher: CollectingDispatcher, tracker: Tracker, slot: Text) -> Dict[Text, Any]:
        dispatcher.utter_message(text=t("form.invalid", reply_language(tracker)))
        return {slot: None}

    def validate_founder_status(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        status = parsing.parse_founder_status(value)
        return {"founder_status": status} if status else self._invalid(dispatcher, tracker, "founder_status")

    def validate_company_stage(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        stage, years = parsing.parse_company_stage(value)
        if stage is None:
            return self._invalid(dispatcher, tracker, "company_stage")
        # A number ("2 years") answers the age question too; "not founded yet" makes it 0.
        return {"company_stage": stage, **({"company_age": years} if years is not None else {})}

    def validate_company_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        years = float(value) if isinstance(value, (int, float)) else parsing.parse_years(value)
        if years is None:
            return self._invalid(dispatcher, tracker, "company_age")
        stage = "pre_founding" if tracker.get_slot("company_stage") == "pre_founding" else parsing.stage_for_age(years)
        return {"company_age": years, "company_stage": stage}

    def validate_sector(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[Text, Any]:
        sector = parsing.parse_sector(value)
        return {"sector": sector} if sector else self._invalid(dispatcher, tracker, "sector")

    def validate_in_jeonbuk(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        answer = value if isinstance(value, bool) else parsing.parse_in_jeonbuk(value)
        return {"in_jeonbuk": answer} if answer is not None else self._invalid(dispatcher, tracker, "in_jeonbuk")


class AskSlotAction(Action, abc.ABC):
    """Base of the ``action_ask_<slot>`` actions: the form's question with option buttons."""

    options: tuple = ()

    @property
    @abc.abstractmethod
    def slot(self) -> Text:
        """The form slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def buttons(self, tracker: Tracker, lang: Text) -> List[dict]:
        return [{"title": t(f"option.{self.slot}.{code}", lang), "payload": code} for code in self.options]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = reply_language(tracker)
        # the stop button sends its own title, which the form reads as a request to stop
        stop = {"title": t("button.stop_form", lang), "payload": t("button.stop_form", lang)}
        question = t(f"ask.{self.slot}", lang)
        if parsing.intent_name(tracker.latest_message) == "find_eligible_programmes":
            # the finder has just started (by the founder's words or a button): say what is coming
            question = f"{t('form.intro', lang)}\n\n{question}"
        dispatcher.utter_message(text=question, buttons=[*self.buttons(tracker, lang), stop])
        return []


class ActionAskFounderStatus(AskSlotAction):
    """Ask the founder's residence or visa status."""

    slot = "founder_status"
    options = parsing.FOUNDER_STATUSES


class ActionAskCompanyStage(AskSlotAction):
    """Ask whether the company exists and roughly how old it is."""

    slot = "company_stage"
    options = parsing.STAGES


class ActionAskCompanyAge(AskSlotAction):
    """Ask the company's age in years, with buttons within the stage already given."""

    slot = "company_age"
    YEARS_BY_STAGE = {"early": ("0", "1", "2"), "growth": ("3", "4", "5", "6", "7"), "mature": ("8", "10", "15")}

    def buttons(self, tracker: Tracker, lang: Text) -> List[dict]:
        years = self.YEARS_BY_STAGE.get(tracker.get_slot("company_stage"), ("0", "1", "2", "3", "5", "7", "10"))
        return [{"title": t("option.company_age.under_one", lang) if y == "0" else y, "payload": y} for y in years]


class ActionAskSector(AskSlotAction):
    """Ask the startup's sector."""

    slot = "sector"
    options = parsing.SECTORS


class ActionAskInJeonbuk(AskSlotAction):
    """Ask whether the company is (or will be) in Jeonbuk."""

    slot = "in_jeonbuk"
    options = ("yes", "planning", "no")
