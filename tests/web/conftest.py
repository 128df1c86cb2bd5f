"""Fixtures for the web app: a fresh app on a real SQLite file in tmp_path, and a fake Rasa server."""

import os
import sqlite3

import pytest

from web import create_app
from web.testing import FakeRasa, csrf_from, free_port


@pytest.fixture
def closed_url():
    """A local URL with nothing listening (a port bound, then released)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(autouse=True)
def env_setup(monkeypatch, tmp_path):
    """No FOUNDERDESK_* from the developer's shell; everything lives under tmp_path."""
    for key in list(os.environ):
        if key.startswith("FOUNDERDESK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FOUNDERDESK_HOME", str(tmp_path))


@pytest.fixture
def fake_rasa():
    rasa = FakeRasa().start()
    yield rasa
    rasa.stop()


@pytest.fixture
def make_app(tmp_path, fake_rasa):
    """``make_app(**overrides)``: an app on tmp_path/var/web.db talking to the fake Rasa."""

    def factory(**overrides):
        config = {
            "TESTING": True,
            "HOME": str(tmp_path),
            "SECRET_KEY": "test",
            "RASA_URL": fake_rasa.url,
            "RASA_TIMEOUT": 5,
            "SSE_POLL_SECONDS": 0.05,
            "SSE_HEARTBEAT_SECONDS": 0.3,
            "SSE_LIFETIME_SECONDS": 3,
        }
        config.update(overrides)
        return create_app(config)

    return factory


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A plain sqlite3 connection to the app's store, for checking state."""
    with app.app_context():
        from web import store

        store.ensure_schema(app)
    conn = sqlite3.connect(app.config["WEB_DB"], check_same_thread=False)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


class ChatActions:
    """Talk to /api/chat like the widget does."""

    def __init__(self, client):
        self.client = client

    def start(self, text, **fields):
        response = self.client.post("/api/chat", json={"text": text, **fields})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def send(self, conversation, text, **fields):
        body = {"text": text, "conversation_id": conversation["conversation_id"], "token": conversation["token"]}
        return self.client.post("/api/chat", json={**body, **fields})

    def messages(self, conversation, after=0):
        return self.client.get(
            f"/api/chat/{conversation['conversation_id']}/messages?after={after}",
            headers={"X-Conversation-Token": conversation["token"]},
        )


@pytest.fixture
def chat(client):
    return ChatActions(client)


STAFF_PASSWORD = "staff-password-1"
ADMIN_PASSWORD = "admin-password-1"


@pytest.fixture
def users(app):
    """Two accounts: ``staff`` (role staff) and ``admin`` (role admin)."""
    from web import auth, store

    with app.app_context():
        db = store.get_db()
        made = {
            "staff": auth.create_user(db, "staff", STAFF_PASSWORD, "staff", "Mina Staff"),
            "admin": auth.create_user(db, "admin", ADMIN_PASSWORD, "admin"),
        }
    return made


class AuthActions:
    """Log the test client in and out through the real login form."""

    STAFF_PASSWORD = STAFF_PASSWORD
    ADMIN_PASSWORD = ADMIN_PASSWORD

    def __init__(self, client):
        self.client = client

    def login(self, username="staff", password=STAFF_PASSWORD):
        return self.client.post(
            "/login", data={"username": username, "password": password, "csrf_token": csrf_from(self.client)}
        )

    def login_staff(self):
        response = self.login()
        assert response.status_code == 302, response.data
        return response

    def login_admin(self):
        response = self.login("admin", ADMIN_PASSWORD)
        assert response.status_code == 302, response.data
        return response

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_from(self.client)})

    def csrf(self) -> str:
        return csrf_from(self.client)


@pytest.fixture
def auth(client, users):
    return AuthActions(client)
