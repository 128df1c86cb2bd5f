"""App factory, configuration layers, secret key, store migrations, CLI, widget assets, demo page."""

import re
import sqlite3
from pathlib import Path

import pytest

from knowledge.config import Settings
from knowledge.languages import SUPPORTED
from web import create_app, i18n


def test_defaults_come_from_shared_settings(tmp_path):
    app = create_app({"HOME": str(tmp_path)})
    defaults = Settings()
    assert app.config["WEB_DB"] == str(tmp_path / defaults.web_db)
    assert app.config["RASA_URL"] == defaults.rasa_url
    assert app.config["WEB_PORT"] == defaults.web_port
    assert not app.testing


def test_environment_overrides_defaults_and_test_config_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("FOUNDERDESK_WEB_DB", str(tmp_path / "other.db"))
    monkeypatch.setenv("FOUNDERDESK_RASA_URL", "http://127.0.0.1:6006")
    monkeypatch.setenv("FOUNDERDESK_RASA_TIMEOUT", "7")
    app = create_app()
    assert app.config["WEB_DB"] == str(tmp_path / "other.db")
    assert app.config["RASA_URL"] == "http://127.0.0.1:6006"
    assert app.config["RASA_TIMEOUT"] == 7
    assert create_app({"RASA_URL": "http://127.0.0.1:7007"}).config["RASA_URL"] == "http://127.0.0.1:7007"


def test_secret_key_is_generated_once_per_instance(tmp_path):
    first = create_app().config["SECRET_KEY"]  # FOUNDERDESK_HOME is tmp_path (conftest)
    key_file = tmp_path / "var" / "secret_key"
    assert len(first) == 64
    assert key_file.read_text().strip() == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert create_app().config["SECRET_KEY"] == first


def test_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FOUNDERDESK_SECRET_KEY", "12345")
    assert create_app().config["SECRET_KEY"] == "12345"
    assert not (tmp_path / "var" / "secret_key").exists()


def test_init_db_applies_migrations_once_and_uses_wal(runner, app):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "m001_conversations_messages" in result.output
    result = runner.invoke(args=["init-db"])
    assert "up to date" in result.output
    conn = sqlite3.connect(app.config["WEB_DB"])
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"conversations", "messages", "_sqlite_migrations"} <= tables


def test_store_is_created_on_first_request(client, app):
    assert not Path(app.config["WEB_DB"]).exists()
    client.post("/api/chat", json={"text": "hello there"})
    assert Path(app.config["WEB_DB"]).exists()


def test_languages_and_strings_are_complete():
    assert i18n.LANGUAGES == SUPPORTED
    assert set(i18n.RECEIVED_FALLBACK) == set(SUPPORTED)
    keys = set(i18n.WIDGET_STRINGS["en"])
    for lang in SUPPORTED:
        assert set(i18n.WIDGET_STRINGS[lang]) == keys, lang
        assert all(value.strip() for value in i18n.WIDGET_STRINGS[lang].values()), lang
    for table in (i18n.HANDOFF_NOTICE, i18n.WAIT_SOON, i18n.WAIT_LATER, i18n.STAFF_JOINED, i18n.BOT_BACK):
        assert set(table) == set(SUPPORTED)
    for lang in SUPPORTED:
        assert "{duration}" in i18n.WAIT_SOON[lang], lang


@pytest.mark.parametrize("tag, code", [("vi-VN", "vi"), ("zh_Hant", "zh"), ("AR", "ar"), ("hi-IN", "hi"), ("de", None), (None, None)])
def test_normalize(tag, code):
    assert i18n.normalize(tag) == code


def test_widget_js_carries_its_strings(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert body.startswith("window.FounderDeskI18n = {")
    assert '"max_chars":2000' in body
    assert "Tiếng Việt" in body and "العربية" in body


def test_widget_never_uses_html_injection():
    source = (Path(__file__).parents[2] / "web" / "static" / "widget.js").read_text()
    assert not re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write", source)


def test_demo_page_embeds_the_widget_in_one_line(client):
    html = client.get("/").get_data(as_text=True)
    assert '<script src="/widget.js" data-lang="auto" defer></script>' in html
    assert "Jeonbuk Center for Creative Economy" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    "origins, origin, allowed",
    [([], "https://jbcei.example", False), (["https://jbcei.example"], "https://jbcei.example", True),
     (["https://jbcei.example"], "https://evil.example", False), ("*", "https://any.example", True)],
)
def test_cors_for_embedding_sites(make_app, origins, origin, allowed):
    client = make_app(WIDGET_ORIGINS=origins).test_client()
    response = client.options("/api/chat", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert (response.headers.get("Access-Control-Allow-Origin") == origin) is allowed
