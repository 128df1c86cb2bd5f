"""Blueprint ``admin`` (``/admin``, role admin): programmes, imports, freshness, insights, audit log.

Server-rendered pages over the knowledge base (``web.kbaccess.get_kb``); every change is saved with
the admin's user name as actor, is searchable at once (the KB's revision counter) and reports how many
texts were re-embedded and how many vectors were reused (``kb.last_index_stats``).
"""

from __future__ import annotations

import datetime as dt

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)

from knowledge import InvalidRecord, NotFound
from knowledge.languages import NATIVE_NAMES, RTL, SUPPORTED
from knowledge.records import (CATEGORIES, ELIGIBILITY_VOCAB, REGIONS, STATUSES, dump_csv, dump_json,
                               dump_yaml, format_for, parse_records)

from . import insights, programmes as pm, store, svgcharts
from .auth import admin_required, current_user
from .kbaccess import get_kb

bp = Blueprint("admin", __name__, url_prefix="/admin")

DEFAULTS = {
    "STALE_DAYS": 180,           # last verification older than this is stale
    "CLOSING_DAYS": 14,          # "closing soon" horizon
    "INSIGHTS_SIMILARITY": insights.DEFAULT_SIMILARITY,
    "ADMIN_MAX_UPLOAD": 16 * 1024 * 1024,  # bulk imports and the admin API (the app default is 64 KB)
}
STATUS_ACTIONS = {"published": "Published", "archived": "Archived", "draft": "Returned to draft"}
EXPORT_TYPES = {"yaml": "application/yaml", "csv": "text/csv", "json": "application/json"}
AUDIT_PAGE = 100


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    # Must run before the CSRF check reads the form, so it goes first among the app's hooks.
    app.before_request_funcs.setdefault(None, []).insert(0, _raise_upload_limit)
    app.register_blueprint(bp)
    from . import admin_api
    app.register_blueprint(admin_api.bp)


def _raise_upload_limit():
    """Bulk imports and full programme records are bigger than the chat API's 64 KB."""
    if request.path.startswith(("/admin/", "/api/admin/")):
        limit = int(current_app.config["ADMIN_MAX_UPLOAD"])
        request.max_content_length = limit
        request.max_form_memory_size = limit


@bp.before_request
@admin_required
def _admins_only():
    """Every admin page is for role admin (web.auth: login redirect, 403 for staff)."""


def actor() -> str:
    return current_user().username


def save(change):
    """Run ``change(kb)`` (one save) and return (programme, index stats of that save).

    The KB's lock is held across the save and the read of ``last_index_stats`` so that a concurrent
    save cannot swap in its own figures.
    """
    kb = get_kb()
    with kb._lock:  # noqa: SLF001 - KnowledgeBase's RLock; upsert takes it again (re-entrant)
        programme = change(kb)
        stats = kb.last_index_stats
    return programme, stats


def index_note(stats) -> str:
    return (f"Search index: {stats.embedded} text(s) re-embedded, {stats.reused} reused "
            f"({stats.chunks} chunk(s)); founders see the change now.")


def get_programme(program_id: str):
    try:
        return get_kb().get(program_id)
    except NotFound:
        abort(404, description=f"No programme {program_id!r}.")


def form_context(record: dict, **extra) -> dict:
    return {"record": record, "languages": pm.record_languages(record), "native": NATIVE_NAMES,
            "rtl": RTL, "categories": CATEGORIES, "regions": REGIONS, "vocab": ELIGIBILITY_VOCAB,
            "completeness": pm.completeness(record, pm.record_languages(record)),
            "core_fields": pm.CORE_FIELDS, "extra_fields": pm.EXTRA_FIELDS, **extra}


# ---------------------------------------------------------------- programmes

@bp.get("/")
def index():
    return redirect(url_for("admin.programmes"))


@bp.get("/programs")
def programmes():
    q = request.args.get("q", "")
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    category = request.args.get("category") if request.args.get("category") in CATEGORIES else None
    missing = request.args.get("missing") if request.args.get("missing") in SUPPORTED else None
    rows = []
    for programme in get_kb().list(status=status, category=category):
        record = programme.record
        if not pm.matches_query(record, q) or (missing and not pm.missing_language(record, missing)):
            continue
        rows.append({"programme": programme, "title": programme.title("en"),
                     "completeness": pm.completeness(record),
                     "ratio": pm.completeness_ratio(record),
                     "window": programme.window_state()})
    return render_template("admin/programmes.html", rows=rows, q=q, status=status, category=category,
                           missing=missing, statuses=STATUSES, categories=CATEGORIES, languages=SUPPORTED,
                           native=NATIVE_NAMES)


@bp.route("/programs/new", methods=("GET", "POST"))
def create():
    if request.method == "POST":
        record = pm.record_from_form(request.form, status="draft")
        if record["id"] and get_kb().exists(record["id"]):
            problems = [("id", f"a programme with id {record['id']!r} already exists")]
            return render_template("admin/edit.html", **form_context(record, problems=problems, new=True)), 400
        try:
            programme, stats = save(lambda kb: kb.upsert(record, actor=actor(), action="create"))
        except InvalidRecord as exc:
            return render_template("admin/edit.html", **form_context(record, problems=exc.problems, new=True)), 400
        flash(f"Created {programme.id} as a draft (version {programme.version}). {index_note(stats)}")
        return redirect(url_for("admin.edit", program_id=programme.id))
    record = pm.blank_record(request.args.get("category") if request.args.get("category") in CATEGORIES
                             else CATEGORIES[0])
    for lang in SUPPORTED:  # "create a programme from this": example questions per language
        questions = [q.strip() for q in request.args.getlist(f"q-{lang}") if q.strip()]
        if questions:
            record["text"][lang] = {"questions": questions}
    return render_template("admin/edit.html", **form_context(record, problems=[], new=True,
                                                             first_lang=request.args.get("lang")))


@bp.route("/programs/<program_id>/edit", methods=("GET", "POST"))
def edit(program_id):
    programme = get_programme(program_id)
    if request.method == "POST":
        record = pm.record_from_form(request.form, program_id=program_id, status=programme.status)
        seen = request.form.get("version", type=int)
        if seen is not None and seen != programme.version:
            problems = [("version", f"someone saved version {programme.version} after you opened version {seen}; "
                                    "your edits are below: check them against the history, then save again")]
            return render_template("admin/edit.html", **form_context(
                record, problems=problems, new=False, programme=programme)), 409
        try:
            programme, stats = save(lambda kb: kb.upsert(record, actor=actor(), action="update"))
        except InvalidRecord as exc:
            return render_template("admin/edit.html", **form_context(
                record, problems=exc.problems, new=False, programme=programme,
                first_lang=request.form.get("tab"))), 400
        flash(f"Saved {program_id} (version {programme.version}). {index_note(stats)}")
        return redirect(url_for("admin.edit", program_id=program_id, lang=request.form.get("tab") or None))
    return render_template("admin/edit.html", **form_context(
        programme.record, problems=[], new=False, programme=programme, first_lang=request.args.get("lang")))


@bp.post("/programs/<program_id>/status")
def set_status(program_id):
    get_programme(program_id)
    status = request.form.get("status")
    if status not in STATUS_ACTIONS:
        abort(400, description="Unknown status.")
    try:
        programme, stats = save(lambda kb: kb.set_status(program_id, status, actor=actor()))
    except InvalidRecord as exc:
        flash("Not changed: " + "; ".join(f"{loc}: {msg}" for loc, msg in exc.problems))
        return redirect(url_for("admin.edit", program_id=program_id))
    flash(f"{STATUS_ACTIONS[status]} {program_id} (version {programme.version}). {index_note(stats)}")
    return redirect(request.form.get("next") or url_for("admin.edit", program_id=program_id))


@bp.route("/programs/<program_id>/preview", methods=("GET", "POST"))
def preview(program_id):
    """The founder's answer in a chosen language: the saved version (GET) or the unsaved form (POST)."""
    from knowledge import Programme
    from knowledge.records import normalize_record

    programme = get_programme(program_id)
    lang = request.values.get("preview_lang") or request.values.get("lang") or "en"
    if lang not in SUPPORTED:
        lang = "en"
    problems, unsaved = [], False
    if request.method == "POST":
        raw = pm.record_from_form(request.form, program_id=program_id, status=programme.status)
        try:
            programme = Programme(normalize_record(raw), programme.version)
            unsaved = True
        except InvalidRecord as exc:
            problems = exc.problems
    reply = pm.founder_answer(programme, lang)
    return render_template("admin/preview.html", programme=programme, lang=lang, reply=reply,
                           html=pm.render_answer(reply.text), languages=SUPPORTED, native=NATIVE_NAMES,
                           rtl=RTL, unsaved=unsaved, problems=problems,
                           used=programme.text_for(lang)[0])


@bp.get("/programs/<program_id>/history")
def history(program_id):
    programme = get_programme(program_id)
    versions = get_kb().history(program_id)
    by_number = {v["version"]: v for v in versions}
    b = request.args.get("b", type=int) or programme.version
    a = request.args.get("a", type=int)
    if a is None:
        earlier = [v["version"] for v in versions if v["version"] < b]
        a = earlier[-1] if earlier else None
    if b not in by_number or (a is not None and a not in by_number):
        abort(404, description="No such version.")
    diff = pm.record_diff(by_number[a]["record"] if a else None, by_number[b]["record"],
                          f"version {a}" if a else "nothing", f"version {b}")
    return render_template("admin/history.html", programme=programme, versions=list(reversed(versions)),
                           a=a, b=b, diff=diff)


@bp.post("/programs/<program_id>/restore")
def restore(program_id):
    get_programme(program_id)
    version = request.form.get("version", type=int)
    try:
        programme, stats = save(lambda kb: kb.restore(program_id, version, actor=actor()))
    except NotFound:
        abort(404, description="No such version.")
    except InvalidRecord as exc:
        flash("Not restored: " + "; ".join(f"{loc}: {msg}" for loc, msg in exc.problems))
        return redirect(url_for("admin.history", program_id=program_id))
    flash(f"Restored version {version} of {program_id} as version {programme.version} "
          f"(status {programme.status}). {index_note(stats)}")
    return redirect(url_for("admin.history", program_id=program_id))


# ---------------------------------------------------------------- import / export

def _uploaded_text() -> tuple[str, str, str]:
    """(text, format, source name) from the upload form: a file, else the pasted text."""
    upload = request.files.get("file")
    fmt = request.form.get("format") or "auto"
    if upload and upload.filename:
        name = upload.filename
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidRecord([(name, "not UTF-8 text")]) from None
    else:
        name = request.form.get("source") or "pasted"
        text = request.form.get("text") or ""
    if fmt == "auto":
        fmt = format_for(name) if "." in name else ("csv" if text.lstrip().startswith("id,") else "yaml")
    return text, fmt, name


def _import_plan(records: list[dict]) -> list[dict]:
    """What applying ``records`` would do to each programme, for the report."""
    kb = get_kb()
    plan = []
    for record in records:
        try:
            current = kb.get(record["id"]).record
        except NotFound:
            current = None
        diff = pm.record_diff(current, record) if current else []
        changed = sum(1 for line in diff if line.kind in ("add", "del"))
        plan.append({"record": record, "action": "update" if current else "create",
                     "changed_lines": changed, "unchanged": current is not None and changed == 0,
                     "languages": [lang for lang, t in record["text"].items() if t.get("title")]})
    return plan


@bp.route("/import", methods=("GET", "POST"))
def import_page():
    """Step 1: upload or paste; validate everything and show the report. Nothing is applied here."""
    if request.method == "GET":
        return render_template("admin/import.html", stage="upload")
    try:
        text, fmt, name = _uploaded_text()
        records = parse_records(text, fmt, source=name)
    except InvalidRecord as exc:
        return render_template("admin/import.html", stage="invalid", problems=exc.problems,
                               source=request.files.get("file").filename if request.files.get("file") else "pasted"), 400
    return render_template("admin/import.html", stage="confirm", plan=_import_plan(records), text=text,
                           fmt=fmt, source=name)


@bp.post("/import/confirm")
def import_confirm():
    """Step 2: validate again (the text came back from the browser) and apply it all or nothing."""
    text, fmt, name = request.form.get("text") or "", request.form.get("format") or "yaml", \
        request.form.get("source") or "pasted"
    try:
        records = parse_records(text, fmt, source=name)
        stats = get_kb().import_records(records, actor=actor())
    except InvalidRecord as exc:
        return render_template("admin/import.html", stage="invalid", problems=exc.problems, source=name), 400
    flash(f"Imported {len(records)} programme(s) from {name}. {index_note(stats)}")
    return redirect(url_for("admin.programmes"))


@bp.get("/export")
def export():
    fmt = request.args.get("format", "yaml")
    if fmt not in EXPORT_TYPES:
        abort(400, description="format must be yaml, csv or json")
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    records = [p.record for p in get_kb().list(status=status)]
    body = {"yaml": dump_yaml, "csv": dump_csv, "json": dump_json}[fmt](records)
    stamp = dt.date.today().isoformat()
    return Response(body, content_type=f"{EXPORT_TYPES[fmt]}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="programs-{status or "all"}-{stamp}.{fmt}"'})


# ---------------------------------------------------------------- freshness

@bp.get("/freshness")
def freshness():
    cfg = current_app.config
    stale_days = request.args.get("stale_days", type=int) or int(cfg["STALE_DAYS"])
    report = pm.freshness(get_kb().list(), stale_days=stale_days, closing_days=int(cfg["CLOSING_DAYS"]))
    return render_template("admin/freshness.html", report=report, stale_days=stale_days,
                           closing_days=int(cfg["CLOSING_DAYS"]))


# ---------------------------------------------------------------- insights

def insight_window() -> tuple[int, dt.date, dt.date, str]:
    days = min(max(request.args.get("days", type=int) or 90, 1), 730)
    until = dt.date.today()
    since = until - dt.timedelta(days=days - 1)
    return days, since, until, ("day" if days <= 31 else "week")


def cluster_questions(items):
    """Clusters of the unanswered questions among ``items``, embedded with the KB's encoder."""
    threshold = float(current_app.config["INSIGHTS_SIMILARITY"])
    return insights.cluster_unanswered(items, get_kb().encoder.encode_queries, threshold=threshold)


def create_link(cluster) -> str:
    """The create form prefilled with the cluster's distinct questions, per language."""
    params: dict[str, list[str]] = {}
    seen = set()
    for e in cluster.questions:
        key = e.text.strip().lower()
        if e.language in SUPPORTED and key not in seen and len(seen) < 12:
            seen.add(key)
            params.setdefault(f"q-{e.language}", []).append(e.text.strip())
    first = max(cluster.languages, key=cluster.languages.get) if cluster.languages else None
    return url_for("admin.create", lang=first if first in SUPPORTED else None, **params)


@bp.get("/insights")
def insights_page():
    days, since, until, bucket = insight_window()
    lang = request.args.get("lang") if request.args.get("lang") in SUPPORTED else None
    category = request.args.get("category") if request.args.get("category") in CATEGORIES else None
    all_items = insights.exchanges(store.get_db(), since=since.isoformat())
    items = [e for e in all_items if not lang or e.language == lang]
    clusters = cluster_questions(items)
    keys = insights.buckets(since, until, bucket)
    rates = insights.rates_over_time(items, keys, bucket)
    kb = get_kb()
    programmes = {p.id: p for p in kb.list()}
    categories = {pid: p.category for pid, p in programmes.items()}
    answered_items = [e for e in items if not category or
                      (e.programme_ids and categories.get(e.programme_ids[0]) == category)]
    top = insights.top_programmes(answered_items)
    top_labels = [(programmes[pid].title(lang or "en") if pid in programmes else pid, n) for pid, n in top]
    by_category = insights.answers_by_category_over_time(items, categories, keys, bucket)
    per_language = insights.rates_by_language(all_items)
    charts = {
        "rates": svgcharts.line_chart(keys, [("answer rate", [r.answer_rate for r in rates]),
                                             ("handoff rate", [r.handoff_rate for r in rates])],
                                      title="Answer and handoff rate per " + bucket, percent=True),
        "volume": svgcharts.line_chart(keys, [("questions", [r.total for r in rates]),
                                              ("answered", [r.answered for r in rates])],
                                       title="Founder questions per " + bucket),
        "categories": svgcharts.line_chart(keys, list(by_category.items()),
                                           title="Answered questions per category and " + bucket)
        if by_category else None,
        "languages": svgcharts.bar_chart([(lg, r.answer_rate or 0.0) for lg, r in per_language],
                                         title="Answer rate per language", percent=True)
        if per_language else None,
        "top": svgcharts.bar_chart(top_labels, title="Top programmes") if top_labels else None,
    }
    totals = insights.Rates("all", total=len(items), answered=sum(e.answered for e in items),
                            handoff=sum(e.handoff for e in items))
    return render_template("admin/insights.html", days=days, since=since, until=until, bucket=bucket,
                           lang=lang, category=category, clusters=clusters, create_link=create_link,
                           charts=charts, rates=rates, totals=totals, per_language=per_language,
                           top=top, top_labels=top_labels, programmes=programmes, by_category=by_category,
                           languages=SUPPORTED, categories=CATEGORIES, native=NATIVE_NAMES)


# ---------------------------------------------------------------- audit log

@bp.get("/audit")
def audit():
    kb = get_kb()
    page = max(request.args.get("page", type=int) or 1, 1)
    who = request.args.get("actor") or None
    program_id = request.args.get("program") or None
    entries = kb.audit(actor=who, program_id=program_id, limit=AUDIT_PAGE + 1, offset=(page - 1) * AUDIT_PAGE)
    actors = kb.actors()
    existing = kb.ids()
    return render_template("admin/audit.html", entries=entries[:AUDIT_PAGE], more=len(entries) > AUDIT_PAGE,
                           page=page, who=who, program_id=program_id, actors=actors, existing=existing)
