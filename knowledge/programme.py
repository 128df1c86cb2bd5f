"""A programme as read back from the knowledge base, with helpers for answering."""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass
class Programme:
    """One programme record (the export format) plus its version number."""

    record: dict
    version: int = 1

    def __getattr__(self, name):
        try:
            return self.__dict__["record"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def languages(self) -> list[str]:
        return [lang for lang, t in self.record["text"].items() if t.get("title")]

    def text_for(self, lang: str, fallbacks: tuple[str, ...] = ("en", "ko")) -> tuple[str, dict]:
        """The texts in ``lang`` if the programme has them, else the first fallback it has.

        Returns ``(language used, text fields)``; missing fields of the chosen language are filled
        from English so an answer is never empty.
        """
        texts = self.record["text"]
        order = [lang, *fallbacks, *texts.keys()]
        chosen = next(code for code in order if code in texts and texts[code].get("title"))
        merged = dict(texts[chosen])
        base = texts.get("en") or {}
        for key, value in base.items():
            if not merged.get(key):
                merged[key] = value
        return chosen, merged

    def title(self, lang: str) -> str:
        return self.text_for(lang)[1]["title"]

    def window_state(self, today: dt.date | None = None) -> dict:
        """Where the application window stands today: rolling, upcoming, open or closed."""
        return window_state(self.record["window"], today)


def window_state(window, today: dt.date | None = None) -> dict:
    """``{"state": rolling|periodic|upcoming|open|closed, "days": n, "opens", "closes", "note"}`` for a window."""
    today = today or dt.date.today()
    if window in (None, "rolling"):
        return {"state": "rolling", "days": None, "opens": None, "closes": None, "note": None}
    opens = dt.date.fromisoformat(window["opens"]) if window.get("opens") else None
    closes = dt.date.fromisoformat(window["closes"]) if window.get("closes") else None
    out = {"opens": window.get("opens"), "closes": window.get("closes"), "note": window.get("note")}
    if not (opens or closes):
        return {**out, "state": "periodic", "days": None}
    if opens and today < opens:
        return {**out, "state": "upcoming", "days": (opens - today).days}
    if closes and today > closes:
        return {**out, "state": "closed", "days": (today - closes).days}
    return {**out, "state": "open", "days": (closes - today).days if closes else None}
