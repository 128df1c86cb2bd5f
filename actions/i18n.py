"""Translations for the strings custom actions send (the data is in ``actions/i18n.yml``).

``t("handoff.done", "vi")`` returns the Vietnamese text; languages outside the thirteen supported ones
fall back to English. The file is read on first use, never at import time.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

import yaml

SUPPORTED = ("en", "ko", "zh", "ja", "vi", "ru", "uz", "mn", "id", "es", "fr", "ar", "hi")
DEFAULT = "en"
CATALOGUE_PATH = Path(__file__).with_name("i18n.yml")


@functools.lru_cache(maxsize=1)
def catalogue() -> dict:
    """Every key mapped to {language: text}."""
    with CATALOGUE_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def conversation_language(code: Optional[str]) -> str:
    """The supported language to answer in for a slot value such as "vi", "zh-TW" or "hi-IN"."""
    if not code:
        return DEFAULT
    base = str(code).replace("_", "-").split("-")[0].strip().lower()
    return base if base in SUPPORTED else DEFAULT


def t(key: str, lang: Optional[str], **values) -> str:
    """The text for ``key`` in ``lang`` (English if missing), with ``{placeholders}`` filled in."""
    entry = catalogue()[key]
    text = entry.get(conversation_language(lang)) or entry[DEFAULT]
    return text.format(**values) if values else text
