"""Blueprint ``auth``: staff accounts, sessions, API tokens, CSRF and the access decorators.

Auth API for other blueprints (console, admin)
----------------------------------------------
::

    from web.auth import login_required, staff_required, admin_required, current_user

    @bp.get("/")
    @staff_required                 # role staff or admin; admin_required: role admin only
    def index():
        user = current_user()       # -> User(id, username, role, display_name, active) or None
        ...

* Decorators: without a user, ``/api/...`` paths get 401 JSON ``{"error": "unauthorized"}``, HTML
  pages a redirect to ``/login?next=...``; a user with the wrong role gets 403 (JSON for ``/api/``).
  ``login_required`` = any active user; ``staff_required`` = staff or admin; ``admin_required`` = admin.
* A request is authenticated by the session cookie (after ``/login`` or ``POST /api/staff/login``)
  or by ``Authorization: Bearer <api token>`` (API paths only).
* CSRF: every HTML form that POSTs must contain ``{{ csrf_field() }}`` (a hidden ``csrf_token``
  input); JavaScript may send the token as header ``X-CSRF-Token`` (``{{ csrf_token() }}``).
  Every POST/PUT/PATCH/DELETE outside ``/api/`` without a valid token gets 400. Session-authenticated
  ``/api/`` requests are checked by ``Origin`` instead (cross-site ones get 403); bearer-token
  requests need no CSRF token. Cookies: HttpOnly, SameSite=Lax (``SESSION_COOKIE_SECURE`` on HTTPS).
* Accounts (all take a store connection, e.g. ``store.get_db()``): ``create_user(db, username,
  password, role)``, ``get_user(db, id)``, ``get_user_by_name(db, name)``, ``list_users(db)``,
  ``set_password(db, user_id, password)``, ``update_user(db, user_id, role=..., display_name=...,
  active=...)``, ``create_api_token(db, user_id, name) -> token`` (shown once; only its SHA-256 is
  kept), ``list_api_tokens(db, user_id)``, ``revoke_api_token(db, token_id, user_id=None)``.
  ``AuthError`` (a ``ValueError``) says why an account change was refused (``str(exc)``).
* Login rate limit: ``LOGIN_MAX_FAILURES`` (5) failures per username + IP within
  ``LOGIN_WINDOW_SECONDS`` (600) block further attempts for that pair (429 on the API).
* CLI: ``flask --app web user-add NAME --role staff|admin --password-stdin``,
  ``flask --app web user-token NAME [--name LABEL]`` (prints a new API token).
  There are no default accounts or passwords.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import secrets
import sqlite3
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.cli import with_appcontext
from markupsafe import Markup, escape
from werkzeug.security import check_password_hash, generate_password_hash

from . import store

bp = Blueprint("auth", __name__)

ROLES = ("staff", "admin")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULTS = {
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_SECONDS": 600,
    "PASSWORD_MIN_LENGTH": 8,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
}
TOKEN_PREFIX = "fd_"


class AuthError(ValueError):
    """An account change that was refused (unknown role, short password, name taken, ...)."""


@dataclass
class User:
    id: int
    username: str
    role: str
    display_name: str | None
    active: bool
    created_at: str = ""
    last_login_at: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "User":
        return cls(
            id=row["id"],
            username=row["username"],
            role=row["role"],
            display_name=row["display_name"],
            active=bool(row["active"]),
            created_at=row["created_at"],
            last_login_at=row["last_login_at"],
        )


# --- accounts ---------------------------------------------------------------------------


def _check_password(password: object) -> str:
    if not isinstance(password, str):
        raise AuthError("The password must be text.")
    minimum = int(current_app.config.get("PASSWORD_MIN_LENGTH", 8)) if current_app else 8
    if len(password) < minimum:
        raise AuthError(f"The password must have at least {minimum} characters.")
    if len(password) > 1024:
        raise AuthError("The password is too long.")
    return password


def _check_role(role: object) -> str:
    if role not in ROLES:
        raise AuthError(f"The role must be one of {', '.join(ROLES)}.")
    return role  # type: ignore[return-value]


def create_user(
    db: sqlite3.Connection, username: str, password: str, role: str, display_name: str | None = None
) -> User:
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AuthError("The user name must be 1 to 64 characters without spaces.")
    _check_role(role)
    _check_password(password)
    ts = store.now()
    try:
        cur = db.execute(
            "INSERT INTO users (username, password_hash, role, display_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (username, generate_password_hash(password), role, display_name, ts, ts),
        )
    except sqlite3.IntegrityError:
        raise AuthError(f"A user named {username!r} already exists.") from None
    return get_user(db, cur.lastrowid)


def get_user(db: sqlite3.Connection, user_id) -> User | None:
    row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return User.from_row(row) if row else None


def get_user_by_name(db: sqlite3.Connection, username: str) -> User | None:
    row = db.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
    return User.from_row(row) if row else None


def list_users(db: sqlite3.Connection) -> list[User]:
    return [User.from_row(r) for r in db.execute("SELECT * FROM users ORDER BY username").fetchall()]


def set_password(db: sqlite3.Connection, user_id: int, password: str) -> None:
    _check_password(password)
    db.execute(
        "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
        (generate_password_hash(password), store.now(), user_id),
    )


def update_user(db: sqlite3.Connection, user_id: int, **fields) -> None:
    """Change ``role``, ``display_name`` and/or ``active``."""
    unknown = set(fields) - {"role", "display_name", "active"}
    if unknown:
        raise AuthError(f"cannot update {sorted(unknown)}")
    if "role" in fields:
        _check_role(fields["role"])
    values = {k: int(v) if isinstance(v, bool) else v for k, v in fields.items()}
    values["updated_at"] = store.now()
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*values.values(), user_id))


def authenticate(db: sqlite3.Connection, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way)."""
    row = db.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        check_password_hash(_dummy_hash(), password)  # do not reveal unknown names by timing
        return None
    if not check_password_hash(row["password_hash"], password) or not row["active"]:
        return None
    return User.from_row(row)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


# --- API tokens -------------------------------------------------------------------------


def create_api_token(db: sqlite3.Connection, user_id: int, name: str | None = None) -> str:
    """Create a token for the user and return it (only its hash is stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO api_tokens (user_id, token_hash, name, created_at) VALUES (?, ?, ?, ?)",
        (user_id, store.hash_token(token), name, store.now()),
    )
    return token


def list_api_tokens(db: sqlite3.Connection, user_id: int) -> list[dict]:
    rows = db.execute(
        "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id",
        (user_id,),
    ).fetchall()
    return [dict(r) for r in rows]


def revoke_api_token(db: sqlite3.Connection, token_id: int, user_id: int | None = None) -> bool:
    sql = "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
    args: list = [store.now(), token_id]
    if user_id is not None:
        sql += " AND user_id = ?"
        args.append(user_id)
    return db.execute(sql, args).rowcount > 0


def user_for_token(db: sqlite3.Connection, token: str) -> User | None:
    row = db.execute(
        "SELECT u.*, t.id AS token_id FROM api_tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1",
        (store.hash_token(token),),
    ).fetchone()
    if row is None:
        return None
    db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (store.now(), row["token_id"]))
    return User.from_row(row)


# --- rate limiting ----------------------------------------------------------------------


def _cutoff(seconds: float) -> str:
    t = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=seconds)
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def login_blocked(db: sqlite3.Connection, username: str, ip: str) -> bool:
    cfg = current_app.config
    count = db.execute(
        "SELECT COUNT(*) FROM login_failures WHERE username = ? AND ip = ? AND created_at > ?",
        (username.lower(), ip, _cutoff(float(cfg["LOGIN_WINDOW_SECONDS"]))),
    ).fetchone()[0]
    return count >= int(cfg["LOGIN_MAX_FAILURES"])


def record_login_failure(db: sqlite3.Connection, username: str, ip: str) -> None:
    db.execute(
        "INSERT INTO login_failures (username, ip, created_at) VALUES (?, ?, ?)",
        (username.lower(), ip, store.now()),
    )
    db.execute(  # keep the table small
        "DELETE FROM login_failures WHERE created_at < ?", (_cutoff(24 * 3600),)
    )


def clear_login_failures(db: sqlite3.Connection, username: str, ip: str) -> None:
    db.execute("DELETE FROM login_failures WHERE username = ? AND ip = ?", (username.lower(), ip))


def attempt_login(username: object, password: object) -> tuple[User | None, str | None]:
    """Check credentials with rate limiting; on success start a fresh session.

    Returns ``(user, None)`` or ``(None, "invalid" | "rate_limited")``.
    """
    if not isinstance(username, str) or not isinstance(password, str) or not username.strip():
        return None, "invalid"
    username = username.strip()
    db = store.get_db()
    ip = request.remote_addr or "-"
    if login_blocked(db, username, ip):
        return None, "rate_limited"
    user = authenticate(db, username, password)
    if user is None:
        record_login_failure(db, username, ip)
        return None, "invalid"
    clear_login_failures(db, username, ip)
    db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", (store.now(), user.id))
    session.clear()  # no session fixation
    session.permanent = True
    session["user_id"] = user.id
    session["csrf"] = secrets.token_urlsafe(32)
    g.user = user
    return user, None


# --- the current user -------------------------------------------------------------------


def current_user() -> User | None:
    """The user of this request (session cookie or bearer token on /api/), else None."""
    if "user" not in g:
        g.user = _load_user()
    return g.user


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _load_user() -> User | None:
    db = store.get_db()
    if request.path.startswith("/api/"):
        token = _bearer_token()
        if token:
            g.auth_method = "token"
            return user_for_token(db, token)
    user_id = session.get("user_id")
    if user_id is None:
        return None
    user = get_user(db, user_id)
    if user is None or not user.active:
        session.clear()
        return None
    g.auth_method = "session"
    return user


def _deny(status: int):
    if request.path.startswith("/api/"):
        code, message = {
            401: ("unauthorized", "Log in or send 'Authorization: Bearer <token>'."),
            403: ("forbidden", "Your account may not do this."),
        }[status]
        response = jsonify({"error": code, "message": message})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="founderdesk"'
        return response
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


def _require(roles: tuple[str, ...]):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return _deny(401)
            if user.role not in roles:
                return _deny(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = _require(ROLES)
login_required.__doc__ = "Any logged-in, active user."
staff_required = _require(("staff", "admin"))
staff_required.__doc__ = "Staff or admin."
admin_required = _require(("admin",))
admin_required.__doc__ = "Admins only."


# --- CSRF -------------------------------------------------------------------------------


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % escape(csrf_token())


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


@bp.before_app_request
def _csrf_protect():
    if request.method not in UNSAFE_METHODS:
        return None
    if request.path.startswith("/api/"):
        # Founders' chat API uses its own conversation tokens; staff API: bearer tokens need no
        # CSRF token, session requests must not come from another site.
        if not request.path.startswith("/api/staff/") or _bearer_token():
            return None
        origin = request.headers.get("Origin")
        if origin and origin != "null" and not _same_origin(origin):
            return _deny(403)
        sent = request.headers.get("X-CSRF-Token")
        if sent is not None and not hmac.compare_digest(sent, session.get("csrf", "")):
            return _deny(403)
        return None
    expected = session.get("csrf")
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="The form expired or did not come from this site. Reload the page and try again.")
    return None


@bp.app_context_processor
def _template_helpers():
    return {"csrf_token": csrf_token, "csrf_field": csrf_field, "current_user": current_user}


# --- views ------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("console.queue") if "console" in current_app.blueprints else "/"


@bp.route("/login", methods=("GET", "POST"))
def login():
    error = None
    status = 200
    if request.method == "POST":
        user, problem = attempt_login(request.form.get("username"), request.form.get("password"))
        if user is not None:
            return redirect(_safe_next(request.args.get("next")))
        if problem == "rate_limited":
            error, status = "Too many failed attempts. Wait a few minutes and try again.", 429
        else:
            error, status = "Wrong user name or password.", 401
    return render_template("auth/login.html", error=error, username=request.form.get("username", "")), status


@bp.post("/logout")
def logout():
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("auth.login"))


@bp.post("/api/staff/login")
def api_login():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify({"error": "invalid_json", "message": 'Send {"username": ..., "password": ...}.'}), 400
    user, problem = attempt_login(data.get("username"), data.get("password"))
    if problem == "rate_limited":
        return jsonify({"error": "rate_limited", "message": "Too many failed attempts; try again later."}), 429
    if user is None:
        return jsonify({"error": "invalid_credentials", "message": "Wrong user name or password."}), 401
    return jsonify({"user": {"id": user.id, "username": user.username, "role": user.role}, "csrf_token": csrf_token()})


@bp.post("/api/staff/logout")
def api_logout():
    session.clear()
    return jsonify({"ok": True})


# --- CLI --------------------------------------------------------------------------------


@click.command("user-add")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="staff or admin")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--display-name", default=None, help="Name shown to colleagues.")
@click.option("--update", is_flag=True, help="Change the password and role of an existing user.")
def user_add_command(username, role, password_stdin, display_name, update):
    """Create a staff or admin account (prompts for the password unless --password-stdin).

    Example: printf '%s\\n' "$PASSWORD" | flask --app web user-add mina --role staff --password-stdin
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    db = store.get_db()
    try:
        existing = get_user_by_name(db, username.strip())
        if existing and update:
            set_password(db, existing.id, password)
            update_user(db, existing.id, role=role, **({"display_name": display_name} if display_name else {}))
            click.echo(f"Updated user {existing.username} ({role})")
            return
        user = create_user(db, username, password, role, display_name)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created user {user.username} ({user.role})")


@click.command("user-token")
@with_appcontext
@click.argument("username")
@click.option("--name", "label", default=None, help="What the token is for.")
def user_token_command(username, label):
    """Create an API token for a user and print it (it is shown only once).

    Example: flask --app web user-token mina --name messenger-bot
    """
    db = store.get_db()
    user = get_user_by_name(db, username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    click.echo(create_api_token(db, user.id, label))


def init_app(app) -> None:
    """Register the blueprint and CLI (the DEFAULTS are loaded by create_app before the environment)."""
    app.register_blueprint(bp)
    app.cli.add_command(user_add_command)
    app.cli.add_command(user_token_command)
