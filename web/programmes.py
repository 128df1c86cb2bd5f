"""Pure helpers behind the admin pages: form <-> record, completeness, freshness, diffs, previews.

No Flask, no database: the views in ``web/admin.py`` fetch programmes from the knowledge base and
pass them in. Records are in the import/export format of ``knowledge.records``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from knowledge.languages import SUPPORTED
from knowledge.programme import window_state
from knowledge.records import (CATEGORIES, ELIGIBILITY_FLAGS, ELIGIBILITY_NUMBERS, ELIGIBILITY_VOCAB,
                               LIST_FIELDS, TEXT_FIELDS, dump_yaml)

#: What an admin fills in per language; completeness is measured on these.
CORE_FIELDS = ("title", "summary", "body", "questions")
#: The other per-language texts, kept and editable under "more fields".
EXTRA_FIELDS = tuple(f for f in TEXT_FIELDS if f not in ("title", "summary", "body", "agency"))


# ---------------------------------------------------------------- form <-> record

def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _number(value: str | None):
    """"7" -> 7, "2.5" -> 2.5, "" -> None; anything else is returned as is for validation to report."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def record_from_form(form, *, program_id: str | None = None, status: str = "draft") -> dict:
    """A raw record from the edit form (``werkzeug`` MultiDict); validate it with ``normalize_record``.

    A language whose fields are all empty is left out; ``program_id`` (editing) wins over the form.
    """
    window = "rolling"
    if form.get("window_kind") == "dates":
        window = {"opens": form.get("window_opens") or None, "closes": form.get("window_closes") or None}
        if (form.get("window_note") or "").strip():
            window["note"] = form["window_note"].strip()
    eligibility = {}
    for key in ELIGIBILITY_VOCAB:
        chosen = form.getlist(f"elig_{key}")
        if chosen:
            eligibility[key] = chosen
    for key in ELIGIBILITY_NUMBERS:
        number = _number(form.get(f"elig_{key}"))
        if number is not None:
            eligibility[key] = number
    for key in ELIGIBILITY_FLAGS:
        flag = form.get(f"elig_{key}", "")
        if flag in ("true", "false"):
            eligibility[key] = flag == "true"
    texts = {}
    for lang in form_languages(form):
        entry = {name: (form.get(f"text-{lang}-{name}") or "").strip() for name in TEXT_FIELDS}
        entry.update({name: _lines(form.get(f"text-{lang}-{name}")) for name in LIST_FIELDS})
        if any(entry.values()):
            texts[lang] = entry
    return {
        "id": program_id or (form.get("id") or "").strip(),
        "category": form.get("category") or None,
        "agency": (form.get("agency") or "").strip(),
        "region": form.get("region") or "nationwide",
        "official_url": (form.get("official_url") or "").strip() or None,
        "status": status,
        "last_verified": form.get("last_verified") or None,
        "window": window,
        "eligibility": eligibility,
        "sources": _lines(form.get("sources")),
        "text": texts,
    }


def form_languages(form) -> list[str]:
    """The supported languages plus any other language the form carries (kept from the record)."""
    extra = sorted({m.group(1) for key in form for m in [re.match(r"^text-([a-z]{2})-", key)] if m}
                   - set(SUPPORTED))
    return [*SUPPORTED, *extra]


def record_languages(record: dict) -> list[str]:
    """Tabs to show: the supported languages, then any other language the record has."""
    return [*SUPPORTED, *sorted(set(record.get("text") or {}) - set(SUPPORTED))]


def blank_record(category: str = CATEGORIES[0]) -> dict:
    return {"id": "", "category": category, "agency": "", "region": "nationwide", "official_url": None,
            "status": "draft", "last_verified": dt.date.today().isoformat(), "window": "rolling",
            "eligibility": {}, "sources": [], "text": {}}


# ---------------------------------------------------------------- translation completeness

@dataclass
class Completeness:
    filled: int
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(CORE_FIELDS)

    @property
    def state(self) -> str:
        """``complete``, ``partial`` or ``missing``."""
        return "complete" if not self.missing else ("missing" if self.filled == 0 else "partial")


def completeness(record: dict, langs=SUPPORTED) -> dict[str, Completeness]:
    """Per language: how many of title, summary, body and example questions are filled in."""
    out = {}
    for lang in langs:
        texts = (record.get("text") or {}).get(lang) or {}
        missing = [name for name in CORE_FIELDS if not texts.get(name)]
        out[lang] = Completeness(filled=len(CORE_FIELDS) - len(missing), missing=missing)
    return out


def completeness_ratio(record: dict, langs=SUPPORTED) -> float:
    per = completeness(record, langs).values()
    return sum(c.filled for c in per) / (len(CORE_FIELDS) * len(langs))


# ---------------------------------------------------------------- list filters

def matches_query(record: dict, query: str) -> bool:
    """Case-insensitive substring search over id, agency, titles, common names, summaries and example questions."""
    query = (query or "").strip().lower()
    if not query:
        return True
    hay = [record["id"], record.get("agency") or ""]
    for texts in (record.get("text") or {}).values():
        hay += [texts.get("title") or "", texts.get("summary") or "", *texts.get("names", []),
                *texts.get("questions", [])]
    return any(query in h.lower() for h in hay)


def missing_language(record: dict, lang: str) -> bool:
    return completeness(record, (lang,))[lang].state != "complete"


# ---------------------------------------------------------------- freshness

@dataclass
class Freshness:
    stale: list = field(default_factory=list)      # (programme, days since verification or None)
    closing: list = field(default_factory=list)    # (programme, window state)
    closed: list = field(default_factory=list)     # (programme, window state)


def freshness(programmes, *, today: dt.date | None = None, stale_days: int = 180,
              closing_days: int = 14) -> Freshness:
    """Programmes not verified for ``stale_days`` (or never), closing within ``closing_days``, closed.

    Archived programmes are left out: founders never see them.
    """
    today = today or dt.date.today()
    out = Freshness()
    for programme in programmes:
        record = programme.record
        if record["status"] == "archived":
            continue
        verified = record.get("last_verified")
        age = (today - dt.date.fromisoformat(verified)).days if verified else None
        if age is None or age > stale_days:
            out.stale.append((programme, age))
        state = window_state(record["window"], today)
        if state["state"] == "closed":
            out.closed.append((programme, state))
        elif state["state"] == "open" and state["days"] is not None and state["days"] <= closing_days:
            out.closing.append((programme, state))
    out.stale.sort(key=lambda item: -(item[1] if item[1] is not None else 10**6))
    out.closing.sort(key=lambda item: item[1]["days"])
    out.closed.sort(key=lambda item: item[1]["closes"] or "", reverse=True)
    return out


# ---------------------------------------------------------------- history diffs

@dataclass
class DiffLine:
    kind: str  # "add", "del", "hunk", "ctx"
    text: str


def record_diff(old: dict | None, new: dict, old_label: str = "before", new_label: str = "after") -> list[DiffLine]:
    """A unified diff of two versions, each dumped as YAML (the export format)."""
    a = dump_yaml([old]).splitlines() if old else []
    b = dump_yaml([new]).splitlines()
    out = []
    for line in difflib.unified_diff(a, b, old_label, new_label, n=2, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
        out.append(DiffLine(kind, line))
    return out


# ---------------------------------------------------------------- preview (the widget's markdown subset)

_INLINE = re.compile(r"\*\*([^*\n]+?)\*\*|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(https?://[^\s<>\"')\]]+)")
_BULLET = re.compile(r"^\s*(?:-|•)\s+(.*)$")


def _link(url: str, label: str) -> Markup:
    if not re.match(r"^https?://[^\s]+$", url):
        return escape(label)
    return Markup('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>').format(url, label)


def _inline(text: str) -> Markup:
    out, last = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[last:m.start()]))
        if m.group(1) is not None:
            out.append(Markup("<strong>{}</strong>").format(_inline(m.group(1))))
        elif m.group(2) is not None:
            out.append(_link(m.group(3), m.group(2)))
        else:
            url = m.group(4).rstrip(".,;:!?")
            out.append(_link(url, url))
            out.append(escape(m.group(4)[len(url):]))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def render_answer(text: str) -> Markup:
    """HTML for a bot message, rendered like ``widget.js`` does: paragraphs, line breaks, "- " lists,
    **bold**, [label](url) and bare http(s) links; everything else is text."""
    html, in_list, in_para = [], False, False
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        item = _BULLET.match(line)
        if item:
            if in_para:
                html.append(Markup("</p>"))
                in_para = False
            if not in_list:
                html.append(Markup("<ul>"))
                in_list = True
            html.append(Markup("<li>{}</li>").format(_inline(item.group(1))))
            continue
        if in_list:
            html.append(Markup("</ul>"))
            in_list = False
        if not line.strip():
            if in_para:
                html.append(Markup("</p>"))
                in_para = False
            continue
        html.append(Markup("<br>") if in_para else Markup("<p>"))
        in_para = True
        html.append(_inline(line))
    html.append(Markup("</ul>") if in_list else Markup(""))
    html.append(Markup("</p>") if in_para else Markup(""))
    return Markup("").join(html)


def founder_answer(programme, lang: str, today: dt.date | None = None):
    """The bot's answer about ``programme`` in ``lang``: ``actions.compose.programme_answer``.

    Returns the compose ``Reply`` (text, buttons, custom with sources), exactly what the action sends.
    """
    from actions.compose import programme_answer
    return programme_answer(programme, lang, related=(), today=today)
