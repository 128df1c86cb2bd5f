"""Founder Desk web app: chat API + widget for founders (later: staff console, admin).

Configuration, later layers win:
1. defaults: shared ones from knowledge.config.Settings, web-only ones in DEFAULTS below
   (relative paths are under HOME, the repo root unless FOUNDERDESK_HOME says otherwise);
2. environment variables ``FOUNDERDESK_<NAME>`` (``app.config.from_prefixed_env("FOUNDERDESK")``),
   e.g. FOUNDERDESK_WEB_DB, FOUNDERDESK_RASA_URL, FOUNDERDESK_SECRET_KEY (see docs/architecture.md);
3. ``test_config``.
The secret key comes from the environment or is generated once into ``var/secret_key``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask, current_app, jsonify, request
from flask.cli import with_appcontext
from werkzeug.exceptions import HTTPException

from knowledge.config import Settings

from . import auth, handoff

# Web-only knobs; the shared ones (HOME, WEB_DB, WEB_HOST, WEB_PORT, RASA_URL) come from
# knowledge.config.Settings so that every process has the same defaults.
DEFAULTS = {
    "WEB_THREADS": 32,  # waitress threads: each open SSE stream holds one
    "RASA_TIMEOUT": 30,  # seconds for one Rasa webhook call (it runs actions and retrieval)
    "LANGID": "knowledge.langid:detect",  # callable or "module:attr"
    "LANG_SWITCH_CONFIDENCE": 0.6,  # a running conversation changes language only above this
    "MAX_MESSAGE_CHARS": 2000,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SSE_POLL_SECONDS": 0.5,
    "SSE_HEARTBEAT_SECONDS": 15,
    "SSE_LIFETIME_SECONDS": 300,
    "WIDGET_ORIGINS": [],  # other sites allowed to embed the widget (CORS); ["*"] for any
}


def _shared_defaults() -> dict:
    s = Settings()  # the code defaults only; environment variables are applied by Flask below
    return {
        "HOME": str(s.home),
        "WEB_DB": str(s.web_db),
        "WEB_HOST": s.web_host,
        "WEB_PORT": s.web_port,
        "RASA_URL": s.rasa_url,
        "KB_PATH": str(s.kb_path),
    }


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(_shared_defaults())
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(auth.DEFAULTS)
    app.config.from_mapping(handoff.DEFAULTS)
    app.config.from_prefixed_env("FOUNDERDESK")
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False

    home = Path(app.config["HOME"])
    app.config["HOME"] = str(home)
    app.config["WEB_DB"] = str(_under(home, app.config["WEB_DB"]))
    app.config["KB_PATH"] = str(_under(home, app.config["KB_PATH"]))
    if app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])  # from_prefixed_env parses JSON
    else:
        app.config["SECRET_KEY"] = _instance_secret(home / "var" / "secret_key")

    from . import console, demo, store, widget

    store.init_app(app)
    auth.init_app(app)
    handoff.init_app(app)
    app.register_blueprint(widget.bp)
    app.register_blueprint(demo.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(console.api)
    from . import admin

    admin.init_app(app)  # blueprints admin (/admin) and admin_api (/api/admin)
    app.register_error_handler(HTTPException, _http_error)
    app.cli.add_command(serve_command)
    return app


def _under(home: Path, value) -> Path:
    path = Path(value)
    return path if path.is_absolute() else home / path


def _instance_secret(path: Path) -> str:
    """Read the per-instance secret, creating it (mode 600) on first start."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    return key


def _http_error(exc: HTTPException):
    """JSON errors for the API, Flask's HTML pages elsewhere."""
    if not request.path.startswith("/api/"):
        return exc
    code = (exc.name or "error").lower().replace(" ", "_")
    return jsonify({"error": code, "message": exc.description}), exc.code


@click.command("serve")
@with_appcontext
@click.option("--host", default=None, help="Default: WEB_HOST (127.0.0.1).")
@click.option("--port", type=int, default=None, help="Default: WEB_PORT (8000).")
@click.option("--threads", type=int, default=None, help="Default: WEB_THREADS (32).")
def serve_command(host, port, threads):
    """Serve the app with waitress (production server; SSE-capable, threaded).

    Example: flask --app web serve --port 8000
    """
    import waitress

    from .store import ensure_schema

    cfg = current_app.config
    app = current_app._get_current_object()
    ensure_schema(app)
    host = host or cfg["WEB_HOST"]
    port = port or int(cfg["WEB_PORT"])
    threads = threads or int(cfg["WEB_THREADS"])
    click.echo(f"Founder Desk web on http://{host}:{port} (waitress, {threads} threads)")
    waitress.serve(app, host=host, port=port, threads=threads, channel_timeout=120, ident="founderdesk")
