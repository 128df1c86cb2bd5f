"""actions/i18n.yml: every string the actions send exists in every supported language."""
import re
import string

import pytest

from actions import i18n
from knowledge.languages import SUPPORTED

CATALOGUE = i18n.catalogue()


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_key_has_every_language_with_the_same_placeholders(key):
    entry = CATALOGUE[key]
    missing = sorted(set(SUPPORTED) - set(entry))
    assert not missing, f"{key} lacks {', '.join(missing)}"
    assert not set(entry) - set(SUPPORTED), f"{key} has unknown languages {sorted(set(entry) - set(SUPPORTED))}"
    expected = placeholders(entry["en"])
    for lang in SUPPORTED:
        assert entry[lang].strip(), f"{key}.{lang} is empty"
        assert placeholders(entry[lang]) == expected, f"{key}.{lang} placeholders differ from English"


def test_i18n_supports_the_same_languages_as_the_knowledge_base():
    assert tuple(i18n.SUPPORTED) == tuple(SUPPORTED)


@pytest.mark.parametrize("code, expected", [("vi", "vi"), ("zh-TW", "zh"), ("hi-IN", "hi"), ("pt", "en"), ("th", "en"), (None, "en")])
def test_conversation_language_falls_back_to_english(code, expected):
    assert i18n.conversation_language(code) == expected


def test_t_fills_placeholders_and_falls_back_to_english():
    assert i18n.t("answer.verified", "ko", date="2026-11-26") == "최종 확인일: 2026-11-26"
    assert i18n.t("answer.verified", "pt", date="2026-11-26") == "Last verified: 2026-11-26"


def test_every_key_used_by_the_actions_exists():
    """Keys written literally in the action modules must be in the catalogue."""
    from pathlib import Path

    source = "".join(p.read_text(encoding="utf-8") for p in Path(i18n.__file__).parent.glob("*.py"))
    used = set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z_.]+)"', source))
    assert used, "no literal keys found"
    assert not used - set(CATALOGUE), f"unknown keys: {sorted(used - set(CATALOGUE))}"
