"""Every bot response exists in every supported language (docs/architecture.md, "Languages")."""
from pathlib import Path

import pytest
import yaml

from knowledge.languages import SUPPORTED

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]


def variant_language(variant: dict) -> str:
    """The ``language`` slot value a response variation is conditioned on; "en" for the default."""
    conditions = variant.get("condition") or []
    languages = [c["value"] for c in conditions if c.get("type") == "slot" and c.get("name") == "language"]
    assert len(languages) <= 1, f"several language conditions in {variant}"
    return languages[0] if languages else "en"


def test_domain_has_responses():
    assert RESPONSES, "bot/domain.yml has no responses"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_exists_in_every_language(name):
    variants = RESPONSES[name]
    languages = [variant_language(v) for v in variants]
    missing = sorted(set(SUPPORTED) - set(languages))
    assert not missing, f"{name} lacks {', '.join(missing)}"
    duplicated = sorted({lang for lang in languages if languages.count(lang) > 1})
    assert not duplicated, f"{name} has several variations for {', '.join(duplicated)}"
    assert sum(1 for v in variants if not v.get("condition")) == 1, f"{name} needs exactly one English default"
    assert all((v.get("text") or "").strip() for v in variants), f"{name} has an empty text"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_buttons_are_the_same_in_every_language(name):
    payloads = {variant_language(v): [b["payload"] for b in v.get("buttons") or []] for v in RESPONSES[name]}
    assert len({tuple(p) for p in payloads.values()}) == 1, f"{name}: buttons differ between languages: {payloads}"


def test_language_slot_is_filled_from_the_language_entity():
    slot = DOMAIN["slots"]["language"]
    assert slot["influence_conversation"] is False
    assert {"type": "from_entity", "entity": "language"} in slot["mappings"]
