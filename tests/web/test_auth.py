"""Accounts, login (form and API), sessions, CSRF, rate limiting, API tokens, the user CLI."""

import pytest
from flask import Blueprint, jsonify

from web import auth as webauth
from web import store

from web.testing import csrf_from

STAFF_PASSWORD = "staff-password-1"
ADMIN_PASSWORD = "admin-password-1"


@pytest.fixture
def guarded_app(make_app):
    """An app with one page and one API route behind each decorator."""
    app = make_app()
    bp = Blueprint("guarded", __name__)
    for name, guard in [
        ("login", webauth.login_required),
        ("staff", webauth.staff_required),
        ("admin", webauth.admin_required),
    ]:
        bp.add_url_rule(f"/page/{name}", f"page_{name}", guard(lambda: "ok page"))
        bp.add_url_rule(
            f"/api/staff/test/{name}", f"api_{name}", guard(lambda: jsonify(user=webauth.current_user().username))
        )
    bp.add_url_rule("/page/form", "form", lambda: "posted", methods=["POST"])
    app.register_blueprint(bp)
    return app


@pytest.fixture
def gclient(guarded_app):
    with guarded_app.app_context():
        db = store.get_db()
        webauth.create_user(db, "staff", STAFF_PASSWORD, "staff")
        webauth.create_user(db, "admin", ADMIN_PASSWORD, "admin")
    return guarded_app.test_client()


def _login(client, username, password):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_from(client)})


@pytest.mark.parametrize("name", ["login", "staff", "admin"])
def test_anonymous_api_gets_401_json_and_page_redirects(gclient, name):
    response = gclient.get(f"/api/staff/test/{name}")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    response = gclient.get(f"/page/{name}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/login?next=/page/{name}")


@pytest.mark.parametrize("user, password, name, status", [
    ("staff", STAFF_PASSWORD, "login", 200),
    ("staff", STAFF_PASSWORD, "staff", 200),
    ("staff", STAFF_PASSWORD, "admin", 403),
    ("admin", ADMIN_PASSWORD, "staff", 200),
    ("admin", ADMIN_PASSWORD, "admin", 200),
])
def test_roles(gclient, user, password, name, status):
    assert _login(gclient, user, password).status_code == 302
    assert gclient.get(f"/page/{name}").status_code == status
    response = gclient.get(f"/api/staff/test/{name}")
    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"] == "forbidden"


def test_login_sets_httponly_samesite_cookie_and_redirects_to_next(gclient):
    response = _login(gclient, "staff", STAFF_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    response = gclient.post(
        "/login?next=/page/staff",
        data={"username": "staff", "password": STAFF_PASSWORD, "csrf_token": csrf_from(gclient)},
    )
    assert response.headers["Location"] == "/page/staff"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_login_never_redirects_off_site(gclient, target):
    response = gclient.post(
        f"/login?next={target}",
        data={"username": "staff", "password": STAFF_PASSWORD, "csrf_token": csrf_from(gclient)},
    )
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"] and "javascript" not in response.headers["Location"]


def test_wrong_password_and_unknown_user(gclient):
    assert _login(gclient, "staff", "wrong-password").status_code == 401
    assert _login(gclient, "nobody", "wrong-password").status_code == 401
    assert gclient.get("/api/staff/test/staff").status_code == 401


def test_form_post_without_csrf_token_is_rejected(gclient):
    response = gclient.post("/login", data={"username": "staff", "password": STAFF_PASSWORD})
    assert response.status_code == 400
    response = gclient.post("/login", data={"username": "staff", "password": STAFF_PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert gclient.post("/page/form").status_code == 400
    assert gclient.get("/api/staff/test/staff").status_code == 401


def test_logout_needs_csrf_and_ends_the_session(gclient):
    _login(gclient, "staff", STAFF_PASSWORD)
    assert gclient.post("/logout").status_code == 400
    assert gclient.get("/api/staff/test/staff").status_code == 200
    assert gclient.post("/logout", data={"csrf_token": csrf_from(gclient)}).status_code == 302
    assert gclient.get("/api/staff/test/staff").status_code == 401


def test_session_is_renewed_on_login(gclient):
    before = csrf_from(gclient)
    _login(gclient, "staff", STAFF_PASSWORD)
    assert csrf_from(gclient) != before


def test_api_login_and_cross_site_requests(gclient):
    response = gclient.post("/api/staff/login", json={"username": "staff", "password": STAFF_PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["role"] == "staff" and body["csrf_token"]
    assert gclient.get("/api/staff/test/staff").get_json() == {"user": "staff"}
    # a session-authenticated write from another site is refused
    response = gclient.post("/api/staff/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    response = gclient.post("/api/staff/logout", headers={"Origin": "http://localhost"})
    assert response.status_code == 200


def test_api_login_errors(gclient):
    assert gclient.post("/api/staff/login", data="x").status_code == 400
    response = gclient.post("/api/staff/login", json={"username": "staff", "password": "nope"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_credentials"


def test_login_rate_limit_per_username_and_ip(guarded_app, gclient):
    for _ in range(5):
        assert gclient.post("/api/staff/login", json={"username": "staff", "password": "bad"}).status_code == 401
    response = gclient.post("/api/staff/login", json={"username": "staff", "password": STAFF_PASSWORD})
    assert response.status_code == 429
    assert _login(gclient, "staff", STAFF_PASSWORD).status_code == 429
    # another IP, and another user from the same IP, are not blocked
    other = guarded_app.test_client()
    response = other.post(
        "/api/staff/login",
        json={"username": "staff", "password": STAFF_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 200
    assert gclient.post("/api/staff/login", json={"username": "admin", "password": ADMIN_PASSWORD}).status_code == 200


def test_rate_limit_window_expires(make_app):
    app = make_app(LOGIN_WINDOW_SECONDS=0)
    client = app.test_client()
    with app.app_context():
        webauth.create_user(store.get_db(), "staff", STAFF_PASSWORD, "staff")
    for _ in range(6):
        client.post("/api/staff/login", json={"username": "staff", "password": "bad"})
    assert client.post("/api/staff/login", json={"username": "staff", "password": STAFF_PASSWORD}).status_code == 200


def test_bearer_tokens(guarded_app, gclient):
    with guarded_app.app_context():
        db = store.get_db()
        user = webauth.get_user_by_name(db, "staff")
        token = webauth.create_api_token(db, user.id, "tests")
        stored = db.execute("SELECT token_hash FROM api_tokens").fetchone()[0]
    assert token.startswith("fd_") and stored != token
    headers = {"Authorization": f"Bearer {token}"}
    assert gclient.get("/api/staff/test/staff", headers=headers).get_json() == {"user": "staff"}
    assert gclient.get("/api/staff/test/admin", headers=headers).status_code == 403
    assert gclient.get("/api/staff/test/staff", headers={"Authorization": "Bearer fd_wrong"}).status_code == 401
    # tokens are for the API only; pages need a session
    assert gclient.get("/page/staff", headers=headers).status_code == 302
    with guarded_app.app_context():
        db = store.get_db()
        assert webauth.revoke_api_token(db, webauth.list_api_tokens(db, user.id)[0]["id"])
    assert gclient.get("/api/staff/test/staff", headers=headers).status_code == 401


def test_disabled_user_loses_access(guarded_app, gclient):
    _login(gclient, "staff", STAFF_PASSWORD)
    with guarded_app.app_context():
        db = store.get_db()
        webauth.update_user(db, webauth.get_user_by_name(db, "staff").id, active=False)
    assert gclient.get("/api/staff/test/staff").status_code == 401
    assert _login(gclient, "staff", STAFF_PASSWORD).status_code == 401


def test_passwords_are_hashed(guarded_app, gclient):
    with guarded_app.app_context():
        row = store.get_db().execute("SELECT password_hash FROM users WHERE username = 'staff'").fetchone()
    assert STAFF_PASSWORD not in row[0]
    assert row[0].startswith(("scrypt:", "pbkdf2:"))


def test_user_add_cli(app, runner):
    result = runner.invoke(args=["user-add", "mina", "--role", "staff", "--password-stdin"], input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    assert "Created user mina (staff)" in result.output
    result = runner.invoke(args=["user-add", "mina", "--role", "admin", "--password-stdin"], input="another-pass\n")
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["user-add", "short", "--role", "staff", "--password-stdin"], input="abc\n")
    assert result.exit_code != 0 and "at least 8" in result.output
    result = runner.invoke(args=["user-add", "boss", "--role", "root", "--password-stdin"], input="s3cret-pass\n")
    assert result.exit_code != 0
    result = runner.invoke(
        args=["user-add", "mina", "--role", "admin", "--password-stdin", "--update"], input="new-password\n"
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert client.post("/api/staff/login", json={"username": "mina", "password": "new-password"}).status_code == 200
    assert client.get("/api/staff/login").status_code == 405


def test_user_token_cli(app, runner):
    runner.invoke(args=["user-add", "mina", "--role", "staff", "--password-stdin"], input="s3cret-pass\n")
    result = runner.invoke(args=["user-token", "mina", "--name", "bot"])
    assert result.exit_code == 0
    token = result.output.strip()
    with app.app_context():
        assert webauth.user_for_token(store.get_db(), token).username == "mina"
    assert runner.invoke(args=["user-token", "nobody"]).exit_code != 0


def test_no_users_exist_by_default(app, runner):
    runner.invoke(args=["init-db"])
    with app.app_context():
        assert webauth.list_users(store.get_db()) == []


def test_login_page_has_csrf_field_and_escapes_the_name(gclient):
    page = gclient.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    response = gclient.post(
        "/login", data={"username": "<script>x</script>", "password": "wrong-pass", "csrf_token": csrf_from(gclient)}
    )
    page = response.get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
