"""Blueprint ``admin_api`` (``/api/admin``, role admin): the admin JSON API.

Same authentication as the staff API (``web.auth``): session cookie or ``Authorization: Bearer``;
401 without a user, 403 for a non-admin. Records are in the import/export format
(docs/architecture.md, "Programme record"). Errors are ``{"error", "message"}``; an invalid record
adds ``"problems": [{"location", "message"}]``.

* ``GET /api/admin/programs[?status=&category=&q=]`` -> ``{"programs": [record + "version"], "count"}``
* ``GET /api/admin/programs/<id>`` -> ``{"program": record, "version"}``
* ``POST /api/admin/programs`` (a record) -> 201 created / 200 replaced, ``{"program", "version", "index"}``
* ``PATCH /api/admin/programs/<id>`` (some keys; ``text`` merges per language and field) -> 200
* ``POST /api/admin/programs/<id>/publish`` / ``.../archive`` -> 200
* ``GET /api/admin/insights/unanswered[?days=90&lang=]`` -> clusters of unanswered founder questions

``index`` is ``{"chunks", "embedded", "reused"}``: what the save re-embedded and what it reused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, request

from knowledge import InvalidRecord, NotFound
from knowledge.languages import SUPPORTED
from knowledge.records import CATEGORIES, STATUSES

from . import insights, programmes as pm, store
from .admin import actor, cluster_questions, create_link, save
from .auth import admin_required
from .kbaccess import get_kb

bp = Blueprint("admin_api", __name__, url_prefix="/api/admin")


@bp.before_request
@admin_required
def _admins_only():
    """401 JSON without a user, 403 JSON for staff (web.auth)."""


@bp.before_request
def _same_site_only():
    """A cookie-authenticated change must come from this site (bearer tokens cannot be forged by one)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return None
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        if f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/"):
            return error(403, "forbidden", "Cross-site requests are not allowed.")
    return None


def error(status: int, code: str, message: str, **extra):
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    return response


def invalid(exc: InvalidRecord):
    return error(400, "invalid_record", f"{len(exc.problems)} problem(s); nothing was saved.",
                 problems=[{"location": loc, "message": msg} for loc, msg in exc.problems])


def body() -> dict | None:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


def program_json(programme, stats=None, status=200):
    out = {"program": programme.record, "version": programme.version}
    if stats is not None:
        out["index"] = dataclasses.asdict(stats)
    return jsonify(out), status


@bp.get("/programs")
def list_programs():
    status = request.args.get("status")
    category = request.args.get("category")
    if status and status not in STATUSES:
        return error(400, "invalid_status", f"status must be one of {', '.join(STATUSES)}")
    if category and category not in CATEGORIES:
        return error(400, "invalid_category", f"category must be one of {', '.join(CATEGORIES)}")
    q = request.args.get("q", "")
    programmes = [p for p in get_kb().list(status=status or None, category=category or None)
                  if pm.matches_query(p.record, q)]
    return jsonify({"programs": [{**p.record, "version": p.version} for p in programmes],
                    "count": len(programmes)})


@bp.get("/programs/<program_id>")
def get_program(program_id):
    try:
        return program_json(get_kb().get(program_id))
    except NotFound as exc:
        return error(404, "not_found", str(exc))


@bp.post("/programs")
def create_program():
    data = body()
    if data is None:
        return error(400, "invalid_json", "Send one programme record as a JSON object.")
    existed = isinstance(data.get("id"), str) and get_kb().exists(data["id"])
    try:
        programme, stats = save(lambda kb: kb.upsert(data, actor=actor(),
                                                     action="update" if existed else "create"))
    except InvalidRecord as exc:
        return invalid(exc)
    return program_json(programme, stats, 200 if existed else 201)


@bp.patch("/programs/<program_id>")
def patch_program(program_id):
    data = body()
    if data is None:
        return error(400, "invalid_json", "Send the keys to change as a JSON object.")
    return _change(lambda kb: kb.patch(program_id, data, actor=actor()))


def _set_status(program_id, status):
    return _change(lambda kb: kb.set_status(program_id, status, actor=actor()))


def _change(fn):
    """Save a change to an existing programme; unknown id -> 404, invalid result -> 400 with problems."""
    try:
        programme, stats = save(fn)
    except NotFound as exc:
        return error(404, "not_found", str(exc))
    except InvalidRecord as exc:
        return invalid(exc)
    return program_json(programme, stats)


@bp.post("/programs/<program_id>/publish")
def publish_program(program_id):
    return _set_status(program_id, "published")


@bp.post("/programs/<program_id>/archive")
def archive_program(program_id):
    return _set_status(program_id, "archived")


@bp.get("/insights/unanswered")
def unanswered():
    days = min(max(request.args.get("days", type=int) or 90, 1), 730)
    lang = request.args.get("lang")
    if lang and lang not in SUPPORTED:
        return error(400, "invalid_language", f"lang must be one of {', '.join(SUPPORTED)}")
    since = dt.date.today() - dt.timedelta(days=days - 1)
    items = insights.exchanges(store.get_db(), since=since.isoformat())
    if lang:
        items = [e for e in items if e.language == lang]
    clusters = cluster_questions(items)
    return jsonify({
        "since": since.isoformat(), "days": days, "language": lang,
        "questions": len(items), "unanswered": sum(c.size for c in clusters),
        "low_confidence": sum(c.low_confidence for c in clusters),
        "clusters": [{**c.to_api(), "create_url": create_link(c)} for c in clusters],
    })
