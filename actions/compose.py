"""Compose the bot's answers from knowledge-base objects: text, buttons and the custom payload.

Pure functions (no Rasa, no database): the actions in ``actions/actions.py`` fetch programmes
and pass them in, then send what these functions return. Every visible string comes from
``actions/i18n.yml`` through :func:`actions.i18n.t`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Iterable, List, Optional, Sequence

from actions.i18n import t
from knowledge.plurals import count_text

MAX_RELATED = 2
MAX_ELIGIBLE = 5
MAX_NEAR_MISSES = 3
MAX_ELIGIBLE_BUTTONS = 3
#: Suggest weak hits of an unanswerable question only when this close to the answer threshold.
SUGGESTION_MARGIN = 0.05


@dataclasses.dataclass
class Reply:
    """One bot message plus the machine-readable custom message that follows it.

    Blank lines are collapsed: Rasa's REST channel splits a text without buttons at every blank
    line into separate messages, and the custom message must follow the whole answer.
    """

    text: str
    buttons: List[dict] = dataclasses.field(default_factory=list)
    custom: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self.text = re.sub(r"\n\s*\n+", "\n", self.text.strip())


def custom_payload(lang: str, sources: Sequence[dict] = (), handoff: bool = False, **extra) -> dict:
    """The custom message of the Rasa <-> web contract (docs/architecture.md)."""
    return {"sources": list(sources), "language": lang, "handoff": handoff, **extra}


def ask_payload(programme_id: str) -> str:
    """Button payload that asks about one programme: handled by action_answer_question."""
    return "/ask_programme" + json.dumps({"programme_id": programme_id}, separators=(",", ":"))


def programme_button(programme_id: str, title: str) -> dict:
    return {"title": title, "payload": ask_payload(programme_id)}


def person_buttons(lang: str) -> List[dict]:
    """Yes / no buttons after the bot offered a person."""
    return [{"title": t("button.handoff_yes", lang), "payload": "/request_human"},
            {"title": t("button.handoff_no", lang), "payload": "/deny"}]


def window_line(state: dict, lang: str) -> str:
    """"Applications: open, closes in 5 days (2026-12-01)" from ``Programme.window_state()``."""
    kind = state.get("state")
    days = state.get("days")
    if kind == "upcoming":
        if days:
            return t("window.opens_in", lang, duration=count_text("day", lang, days), date=state.get("opens"))
        return t("window.opens", lang, date=state.get("opens"))
    if kind == "open":
        closes = state.get("closes")
        if not closes:
            return t("window.open", lang)
        if days in (0, 1):
            return t("window.closes_today" if days == 0 else "window.closes_tomorrow", lang, date=closes)
        return t("window.closes_in", lang, duration=count_text("day", lang, days), date=closes)
    if kind == "closed":
        return t("window.closed", lang, date=state.get("closes"))
    if kind == "periodic":
        return t("window.periodic", lang)
    return t("window.rolling", lang)


def source(programme, lang: str) -> dict:
    """``{"id", "title", "url"}`` of a programme for the custom payload."""
    return {"id": programme.record["id"], "title": programme.title(lang),
            "url": programme.record.get("official_url")}


def programme_answer(programme, lang: str, related: Iterable = (), today: Optional[dt.date] = None) -> Reply:
    """The answer about one programme in ``lang`` (or its English/Korean text, saying so)."""
    record = programme.record
    used, texts = programme.text_for(lang)
    lines = []
    if used != lang and used in ("en", "ko"):
        lines += [t("answer.in_english" if used == "en" else "answer.in_korean", lang), ""]
    lines.append(f"**{texts.get('title') or record['id']}**")
    body = (texts.get("body") or texts.get("summary") or "").strip()
    if body:
        lines += ["", body]
    lines.append("")
    agency = texts.get("agency") or record.get("agency")
    if agency:
        lines.append(t("answer.agency", lang, agency=agency))
    lines.append(window_line(programme.window_state(today), lang))
    url = record.get("official_url")
    lines.append(t("answer.link", lang, url=url) if url else t("answer.no_link", lang))
    if record.get("last_verified"):
        lines.append(t("answer.verified", lang, date=record["last_verified"]))
    buttons = [programme_button(hit.id, hit.title) for hit in list(related)[:MAX_RELATED]]
    if buttons:
        lines += ["", t("answer.related", lang)]
    return Reply(text="\n".join(lines), buttons=buttons,
                 custom=custom_payload(lang, [source(programme, lang)]))


def search_summary(result) -> dict:
    """What the search found, for the staff console and the admin insights (custom payload "search")."""
    return {"query": result.query, "answerable": bool(result.answerable),
            "results": [{"id": h.id, "score": round(float(h.score), 4), "title": h.title} for h in result.hits]}


def related_hits(hits: Sequence, answered_id: str) -> list:
    """The other hits of a search, as related programmes."""
    return [hit for hit in hits if hit.id != answered_id][:MAX_RELATED]


def suggestions(result) -> list:
    """Hits of an unanswerable search that are still close enough to be worth a button."""
    threshold = getattr(result, "threshold", 0.0) or 0.0
    return [hit for hit in result.hits[:MAX_RELATED]
            if getattr(hit, "dense", hit.score) >= threshold - SUGGESTION_MARGIN]


def unanswerable(lang: str, count: int, maybe: Sequence = ()) -> Reply:
    """Say honestly that there is no reliable answer and offer a person."""
    lines = [t("unanswerable.first" if count <= 1 else "unanswerable.again", lang)]
    buttons = [programme_button(hit.id, hit.title) for hit in maybe]
    if buttons:
        lines += ["", t("unanswerable.maybe", lang)]
    return Reply(text="\n".join(lines), buttons=buttons + person_buttons(lang), custom=custom_payload(lang))


def kb_unavailable(lang: str) -> Reply:
    return Reply(text=t("error.kb_unavailable", lang), buttons=person_buttons(lang), custom=custom_payload(lang))


def criteria_text(criteria: Iterable[str], lang: str) -> str:
    """Localised criterion names ("stage" -> "company stage"); unknown names are shown as they are."""
    names = []
    for name in criteria:
        try:
            names.append(t(f"criterion.{name}", lang))
        except KeyError:
            names.append(str(name))
    return ", ".join(names)


def caveats_text(match, lang: str) -> str:
    """" ⚠ whether foreign founders can apply is not confirmed…" for a match with caveats, else ""."""
    return "".join(" ⚠ " + t(f"eligible.caveat.{c}", lang) for c in match.caveats)


def eligibility_reply(matches: Sequence, programmes: dict, lang: str) -> Reply:
    """Matching programmes with reasons and links, then near misses with their unmet criteria.

    ``matches`` is ``kb.eligible(profile)`` (eligible first, then near misses);
    ``programmes`` maps the ids shown to their ``Programme``.
    """
    eligible = [m for m in matches if not m.missed][:MAX_ELIGIBLE]
    near = [m for m in matches if m.missed][:MAX_NEAR_MISSES]
    lines, shown = [], []
    if eligible:
        lines.append(t("eligible.intro", lang))
        for match in eligible:
            programme = programmes[match.id]
            line = f"- **{programme.title(lang)}**"
            if match.matched:
                line += " (" + t("eligible.matched", lang, reasons=criteria_text(match.matched, lang)) + ")"
            line += caveats_text(match, lang)
            url = programme.record.get("official_url")
            lines.append(line + (f" {url}" if url else ""))
            shown.append(programme)
    else:
        lines.append(t("eligible.none", lang))
    if near:
        lines += ["", t("eligible.near", lang)]
        for match in near:
            programme = programmes[match.id]
            lines.append(f"- **{programme.title(lang)}** ("
                         + t("eligible.missed", lang, criteria=criteria_text(match.missed, lang)) + ")"
                         + caveats_text(match, lang))
            shown.append(programme)
    buttons = [programme_button(p.record["id"], p.title(lang)) for p in shown[:MAX_ELIGIBLE_BUTTONS]]
    if not eligible and not near:
        buttons = [{"title": t("button.person", lang), "payload": "/request_human"}]
    else:
        lines += ["", t("eligible.more", lang)]
    return Reply(text="\n".join(lines), buttons=buttons,
                 custom=custom_payload(lang, [source(p, lang) for p in shown]))


def ids_to_show(matches: Sequence) -> list:
    """The programme ids :func:`eligibility_reply` will display (so the caller can fetch them)."""
    eligible = [m.id for m in matches if not m.missed][:MAX_ELIGIBLE]
    near = [m.id for m in matches if m.missed][:MAX_NEAR_MISSES]
    return eligible + near
