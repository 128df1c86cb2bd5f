"""The docs stay honest: every kb command is in the README, every custom action in docs/bot.md."""
from pathlib import Path

import pytest
import yaml

from knowledge.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_kb_command_is_documented(command):
    assert f"`kb {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_custom_action_is_documented():
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    bot_doc = (ROOT / "docs" / "bot.md").read_text(encoding="utf-8")
    missing = [a for a in domain["actions"] if a not in bot_doc]
    assert not missing


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
