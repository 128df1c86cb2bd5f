"""Admin pages and the admin API: access rules, saving, publishing, import, history, freshness, insights.

Real SQLite files in tmp_path for both the web store and the knowledge base; the fake encoder.
"""

import datetime as dt
import io

import pytest

from knowledge import KnowledgeBase, get_settings
from knowledge.encoders import FakeEncoder
from web import auth as webauth
from web import store
from web.kbaccess import close_kb, get_kb

TODAY = dt.date.today()


def record(pid, title, summary, *, status="draft", category="funding", lang="en", questions=(), **extra):
    return {"id": pid, "category": category, "status": status,
            "text": {lang: {"title": title, "summary": summary, "body": f"{summary}. Apply online.",
                            "questions": list(questions)}}, **extra}


@pytest.fixture
def app(make_app):
    """The app with the fake encoder and a loose clustering threshold that suits it."""
    app = make_app(ENCODER="fake", INSIGHTS_SIMILARITY=0.5)
    yield app
    close_kb(app)


@pytest.fixture
def kb(app):
    with app.app_context():
        kb = get_kb()
    kb.import_records([
        record("visa-a", "Startup visa", "A visa for technology founders", status="published", category="visa",
               questions=["how do I get a founder visa"], last_verified=TODAY.isoformat()),
        record("loan-b", "Guarantee loan", "Bank loan without collateral", status="published",
               questions=["loan without collateral"], last_verified="2020-01-01"),
        record("office-c", "Free office", "Free office space for teams", category="infrastructure",
               questions=["is there free office space"]),
    ], actor="seed")
    return kb


@pytest.fixture
def admin(auth, kb):
    auth.login_admin()
    return auth


def other_process_kb(app):
    """A second handle on the same file, like the action server has."""
    settings = get_settings(kb_path=get_kb_path(app), encoder="fake")
    return KnowledgeBase.open(settings, encoder=FakeEncoder())


def get_kb_path(app):
    with app.app_context():
        return get_kb().settings.kb_path


# ---------------------------------------------------------------- access rules

API = [
    ("get", "/api/admin/programs", None),
    ("post", "/api/admin/programs", record("new-x", "X", "Y")),
    ("patch", "/api/admin/programs/loan-b", {"agency": "KODIT"}),
    ("post", "/api/admin/programs/office-c/publish", None),
    ("post", "/api/admin/programs/loan-b/archive", None),
    ("get", "/api/admin/insights/unanswered", None),
]
PAGES = ["/admin/programs", "/admin/programs/new", "/admin/programs/loan-b/edit", "/admin/programs/loan-b/history",
         "/admin/programs/loan-b/preview?lang=vi", "/admin/import", "/admin/export?format=csv",
         "/admin/freshness", "/admin/insights", "/admin/audit"]


@pytest.mark.parametrize("method, url, body", API)
def test_api_needs_a_login(client, kb, method, url, body):
    response = getattr(client, method)(url, json=body)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("method, url, body", API)
def test_api_refuses_staff(client, auth, kb, method, url, body):
    auth.login_staff()
    response = getattr(client, method)(url, json=body)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    assert kb.get("loan-b").version == 1 and not kb.exists("new-x")


@pytest.mark.parametrize("method, url, body", API)
def test_api_serves_admins(client, admin, method, url, body):
    response = getattr(client, method)(url, json=body)
    assert response.status_code in (200, 201), response.get_json()


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_for_admins(client, auth, kb, url):
    assert client.get(url).status_code == 302  # to the login page
    auth.login_staff()
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login_admin()
    assert client.get(url).status_code == 200


def test_api_accepts_an_admin_bearer_token(app, client, users, kb):
    with app.app_context():
        token = webauth.create_api_token(store.get_db(), users["admin"].id, "checks")
        staff_token = webauth.create_api_token(store.get_db(), users["staff"].id, "checks")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/admin/programs", headers=headers).get_json()["count"] == 3
    response = client.post("/api/admin/programs/office-c/publish", headers=headers)
    assert response.status_code == 200
    assert kb.history("office-c")[-1]["actor"] == "admin"
    assert client.get("/api/admin/programs", headers={"Authorization": f"Bearer {staff_token}"}).status_code == 403


def test_cookie_api_change_from_another_site_is_refused(client, admin, kb):
    response = client.post("/api/admin/programs/office-c/publish", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert kb.get("office-c").status == "draft"


# ---------------------------------------------------------------- admin API

def test_create_list_and_replace(client, admin, kb):
    body = record("jb-new", "Jeonbuk grant", "Grants for Jeonbuk startups", questions=["jeonbuk grant"])
    response = client.post("/api/admin/programs", json=body)
    assert response.status_code == 201
    data = response.get_json()
    assert data["version"] == 1 and data["program"]["status"] == "draft"
    assert data["index"]["embedded"] > 0 and data["index"]["reused"] == 0
    listed = client.get("/api/admin/programs?status=draft").get_json()
    assert {p["id"] for p in listed["programs"]} == {"jb-new", "office-c"}
    assert client.get("/api/admin/programs?q=jeonbuk").get_json()["count"] == 1
    again = client.post("/api/admin/programs", json=body)
    assert again.status_code == 200
    assert again.get_json()["version"] == 2 and again.get_json()["index"]["embedded"] == 0
    assert kb.history("jb-new")[0]["actor"] == "admin"


def test_invalid_record_is_400_with_every_problem(client, admin, kb):
    bad = {"id": "Bad Id", "category": "nope", "official_url": "ftp://x", "text": {"english": {"title": "t"}}}
    response = client.post("/api/admin/programs", json=bad)
    assert response.status_code == 400
    data = response.get_json()
    assert data["error"] == "invalid_record"
    locations = " ".join(p["location"] for p in data["problems"])
    assert "id" in locations and "category" in locations and "official_url" in locations and "text" in locations
    assert kb.count() == 3
    assert client.post("/api/admin/programs", data="not json").status_code == 400


def test_patch_re_embeds_only_the_changed_text(client, admin, kb):
    response = client.patch("/api/admin/programs/loan-b", json={
        "text": {"vi": {"title": "Khoản vay bảo lãnh", "summary": "Vay ngân hàng không cần tài sản thế chấp",
                        "questions": ["vay không cần thế chấp"]}}})
    assert response.status_code == 200
    data = response.get_json()
    assert data["program"]["text"]["en"]["title"] == "Guarantee loan"  # other languages kept
    assert data["program"]["text"]["vi"]["title"] == "Khoản vay bảo lãnh"
    assert 0 < data["index"]["embedded"] < data["index"]["chunks"]
    assert data["index"]["reused"] > 0
    assert client.patch("/api/admin/programs/nope", json={"agency": "x"}).status_code == 404
    bad = client.patch("/api/admin/programs/loan-b", json={"category": "nope"})
    assert bad.status_code == 400 and bad.get_json()["problems"]
    assert client.patch("/api/admin/programs/loan-b", json={"id": "other"}).status_code == 400


def test_publish_is_searchable_at_once_and_archive_hides(app, client, admin, kb):
    question = "is there free office space"
    action_server = other_process_kb(app)
    try:
        assert "office-c" not in [h.id for h in action_server.search(question, lang="en").hits]
        response = client.post("/api/admin/programs/office-c/publish")
        assert response.status_code == 200
        assert response.get_json()["program"]["status"] == "published"
        assert response.get_json()["index"]["embedded"] == 0  # same texts: nothing to embed
        result = action_server.search(question, lang="en")
        assert result.hits[0].id == "office-c" and result.answerable
        assert client.post("/api/admin/programs/office-c/archive").status_code == 200
        assert "office-c" not in [h.id for h in action_server.search(question, lang="en").hits]
    finally:
        action_server.close()
    assert [v["action"] for v in kb.history("office-c")][-2:] == ["published", "archived"]
    assert client.post("/api/admin/programs/nope/publish").status_code == 404


# ---------------------------------------------------------------- pages: edit, status, preview

def form_for(client, program_id):
    """The edit form's current values, as the browser would post them back."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.field, self.in_form = [], None, False

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and a.get("id") == "program-form":
                self.in_form = True
            if tag == "option" and self.field and len(self.field) == 3 and "selected" in a:
                self.field[1] = a.get("value")
            if not self.in_form or "name" not in a or "disabled" in a:
                return
            if tag == "input":
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                self.data.append((a["name"], a.get("value", "")))
            elif tag == "textarea":
                self.field = [a["name"], ""]
            elif tag == "select":
                self.field = [a["name"], None, "select"]

        def handle_data(self, data):
            if self.field and len(self.field) == 2:
                self.field[1] += data

        def handle_endtag(self, tag):
            if tag == "form":
                self.in_form = False
            if tag in ("textarea", "select") and self.field:
                if self.field[1] is not None:
                    self.data.append((self.field[0], self.field[1]))
                self.field = None

    import html as html_lib
    page = client.get(f"/admin/programs/{program_id}/edit").get_data(as_text=True)
    parser = Parser()
    parser.feed(page)
    return [(k, html_lib.unescape(v)) for k, v in parser.data]


def test_edit_form_round_trip_changes_nothing_but_the_edit(client, admin, kb):
    before = kb.get("loan-b").record
    fields = dict(form_for(client, "loan-b"))
    assert fields["version"] == "1"
    fields.update({"text-vi-title": "Khoản vay", "text-vi-summary": "Vay không thế chấp",
                   "text-vi-questions": "vay không thế chấp\nvay ngân hàng", "text-vi-names": "vay bảo lãnh\n",
                   "tab": "vi"})
    response = client.post("/admin/programs/loan-b/edit", data=fields)
    assert response.status_code == 302
    after = kb.get("loan-b")
    assert after.version == 2
    assert after.record["text"]["vi"]["questions"] == ["vay không thế chấp", "vay ngân hàng"]
    assert after.record["text"]["vi"]["names"] == ["vay bảo lãnh"]
    assert client.get("/api/admin/programs?q=bảo lãnh").get_json()["count"] == 1  # the list searches names
    assert {k: v for k, v in after.record.items() if k != "text"} == {k: v for k, v in before.items() if k != "text"}
    assert after.record["text"]["en"] == before["text"]["en"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "re-embedded" in page and "reused" in page


def test_edit_with_problems_saves_nothing(client, admin, kb):
    fields = dict(form_for(client, "loan-b"))
    fields.update({"official_url": "not a url", "elig_company_age_max_years": "seven"})
    response = client.post("/admin/programs/loan-b/edit", data=fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "official_url" in page and "company_age_max_years" in page and 'value="not a url"' in page
    assert kb.get("loan-b").version == 1


def test_stale_edit_is_refused(client, admin, kb):
    fields = dict(form_for(client, "loan-b"))
    kb.patch("loan-b", {"agency": "someone else"}, actor="other")
    response = client.post("/admin/programs/loan-b/edit", data=fields)
    assert response.status_code == 409
    assert kb.get("loan-b").record["agency"] == "someone else"


def test_create_from_form_and_publish(client, admin, kb):
    csrf = admin.csrf()
    response = client.post("/admin/programs/new", data={
        "csrf_token": csrf, "id": "mentor-d", "category": "talent", "region": "jeonbuk", "window_kind": "dates",
        "window_opens": "2026-01-01", "window_closes": "2026-02-01", "elig_stages": ["early", "growth"],
        "elig_requires_korean_company": "true", "elig_foreign_founders_unconfirmed": "true",
        "text-en-title": "Mentoring", "text-en-summary": "Mentors for you",
        "text-en-questions": "find a mentor"})
    assert response.status_code == 302, response.get_data(as_text=True)
    created = kb.get("mentor-d").record
    assert created["status"] == "draft" and created["region"] == "jeonbuk"
    assert created["window"] == {"opens": "2026-01-01", "closes": "2026-02-01"}
    assert created["eligibility"] == {"stages": ["early", "growth"], "requires_korean_company": True,
                                      "foreign_founders_unconfirmed": True}
    assert set(created["text"]) == {"en"}
    duplicate = client.post("/admin/programs/new", data={"csrf_token": csrf, "id": "mentor-d", "category": "talent",
                                                          "text-en-title": "x", "text-en-summary": "y"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.get_data(as_text=True)
    response = client.post("/admin/programs/mentor-d/status", data={"csrf_token": csrf, "status": "published"})
    assert response.status_code == 302
    assert kb.get("mentor-d").status == "published"
    assert kb.search("find a mentor", lang="en").hits[0].id == "mentor-d"
    assert client.post("/admin/programs/mentor-d/status", data={"status": "published"}).status_code == 400  # no CSRF


def test_create_form_prefilled_from_questions(client, admin):
    page = client.get("/admin/programs/new?lang=vi&q-vi=mở+tài+khoản&q-en=open+a+bank+account").get_data(as_text=True)
    assert "mở tài khoản</textarea>" in page and "open a bank account</textarea>" in page


def test_preview_is_the_founders_answer(client, admin, kb):
    kb.patch("visa-a", {"official_url": "https://www.hikorea.go.kr",
                        "text": {"vi": {"title": "Thị thực khởi nghiệp", "summary": "Cho nhà sáng lập",
                                        "body": "Bạn cần:\n- **bằng cấp**\n- kế hoạch"}}})
    page = client.get("/admin/programs/visa-a/preview?lang=vi").get_data(as_text=True)
    assert "<strong>Thị thực khởi nghiệp</strong>" in page
    assert "<li><strong>bằng cấp</strong></li>" in page
    assert 'href="https://www.hikorea.go.kr" target="_blank" rel="noopener noreferrer"' in page
    fallback = client.get("/admin/programs/visa-a/preview?lang=ko").get_data(as_text=True)
    assert "No 한국어 text yet" in fallback
    fields = dict(form_for(client, "visa-a"))
    fields.update({"text-vi-title": "Tiêu đề <b>mới</b>", "preview_lang": "vi"})
    unsaved = client.post("/admin/programs/visa-a/preview", data=fields).get_data(as_text=True)
    assert "Tiêu đề &lt;b&gt;mới&lt;/b&gt;" in unsaved and "unsaved changes" in unsaved
    assert kb.get("visa-a").title("vi") == "Thị thực khởi nghiệp"


# ---------------------------------------------------------------- history, restore, audit

def test_history_diff_and_restore(client, admin, kb):
    kb.patch("loan-b", {"agency": "KODIT"}, actor="admin")
    page = client.get("/admin/programs/loan-b/history").get_data(as_text=True)
    assert '<span class="add">+  agency: KODIT</span>' in page
    assert '<span class="del">-  agency: &#39;&#39;</span>' in page
    response = client.post("/admin/programs/loan-b/restore", data={"csrf_token": admin.csrf(), "version": "1"})
    assert response.status_code == 302
    current = kb.get("loan-b")
    assert current.version == 3 and current.record["agency"] == ""
    assert kb.history("loan-b")[-1]["action"] == "restore-1"
    assert client.post("/admin/programs/loan-b/restore",
                       data={"csrf_token": admin.csrf(), "version": "99"}).status_code == 404
    audit = client.get("/admin/audit?actor=admin").get_data(as_text=True)
    assert "restore-1" in audit and "seed" not in audit.split("<tbody>")[1]


# ---------------------------------------------------------------- import / export

MALFORMED = """\
programs:
  - id: good-one
    category: funding
    text: {en: {title: Good, summary: Fine}}
  - id: Bad_Id
    category: visa
    text: {en: {title: Bad, summary: Id}}
  - id: no-category
    category: rocket
    last_verified: 2026-13-45
    text: {en: {title: Cat, summary: Missing}}
  - id: good-one
    category: funding
    text: {en: {title: Twice, summary: Duplicate}}
"""


def test_malformed_import_changes_nothing_and_reports_every_line(client, admin, kb):
    versions_before = kb.db.execute("SELECT count(*) FROM versions").fetchone()[0]
    revision = kb.revision
    response = client.post("/admin/import", data={
        "csrf_token": admin.csrf(), "format": "auto", "file": (io.BytesIO(MALFORMED.encode()), "batch.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for expected in ("batch.yaml:5 (Bad_Id).id", "batch.yaml:8 (no-category).category",
                     "batch.yaml:8 (no-category).last_verified", "batch.yaml:12 (good-one)"):
        assert expected in page, expected
    assert "nothing was imported" in page
    assert kb.count() == 3 and not kb.exists("good-one")
    assert kb.db.execute("SELECT count(*) FROM versions").fetchone()[0] == versions_before
    assert kb.revision == revision


def test_malformed_csv_reports_lines(client, admin, kb):
    text = ("id,category,lang,title,summary,window,questions\n"
            "csv-a,funding,en,A,Summary,rolling,[]\n"
            "csv-a,funding,en,A again,Summary,rolling,[]\n"
            "csv-b,funding,en,B,Summary,{bad json,[]\n")
    response = client.post("/admin/import", data={"csrf_token": admin.csrf(), "format": "csv", "text": text})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "pasted:3" in page and "pasted:4.window" in page
    assert kb.count() == 3


def test_valid_import_waits_for_confirmation(client, admin, kb):
    export = client.get("/admin/export?format=yaml")
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    text = export.get_data(as_text=True).replace("Guarantee loan", "Guarantee loan (KODIT)")
    text += """- id: brand-new
  category: expansion
  text: {en: {title: New, summary: Brand new programme}}
"""
    response = client.post("/admin/import", data={"csrf_token": admin.csrf(), "format": "yaml", "text": text})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "4 valid record(s)" in page and "new" in page and "update (" in page and "unchanged" in page
    assert not kb.exists("brand-new") and kb.get("loan-b").title("en") == "Guarantee loan"
    confirm = client.post("/admin/import/confirm", data={"csrf_token": admin.csrf(), "format": "yaml",
                                                         "source": "pasted", "text": text})
    assert confirm.status_code == 302
    assert kb.exists("brand-new") and kb.get("loan-b").title("en") == "Guarantee loan (KODIT)"
    assert kb.history("brand-new")[0]["actor"] == "admin"


def test_csv_export_round_trips(client, admin, kb):
    from knowledge.records import parse_records

    text = client.get("/admin/export?format=csv").get_data(as_text=True)
    assert [r["id"] for r in parse_records(text, "csv")] == ["loan-b", "office-c", "visa-a"]


# ---------------------------------------------------------------- freshness

def test_freshness_page(client, admin, kb):
    soon = (TODAY + dt.timedelta(days=5)).isoformat()
    kb.patch("visa-a", {"window": {"opens": "2020-01-01", "closes": soon}})
    kb.patch("office-c", {"window": {"opens": "2020-01-01", "closes": "2021-01-01", "note": "reopens in spring"},
                          "last_verified": TODAY.isoformat()})
    page = client.get("/admin/freshness").get_data(as_text=True)
    stale = page.split('id="stale"')[1].split('id="closing"')[0]
    closing = page.split('id="closing"')[1].split('id="closed"')[0]
    closed = page.split('id="closed"')[1]
    assert "loan-b" in stale and "visa-a" not in stale and "office-c" not in stale
    assert "visa-a" in closing and "(5 d)" in closing
    assert "office-c" in closed and "reopens in spring" in closed
    assert "loan-b" not in client.get("/admin/freshness?stale_days=100000").get_data(as_text=True).split('id="stale"')[1].split('id="closing"')[0]


def test_freshness_uses_the_configured_age(make_app):
    from web import programmes as pm

    class P:
        def __init__(self, verified):
            self.record = {"status": "published", "last_verified": verified, "window": "rolling"}

    old = P((TODAY - dt.timedelta(days=40)).isoformat())
    assert pm.freshness([old], stale_days=30).stale and not pm.freshness([old], stale_days=180).stale
    assert make_app(ENCODER="fake").config["STALE_DAYS"] == 180
    assert make_app(ENCODER="fake", STALE_DAYS=30).config["STALE_DAYS"] == 30


# ---------------------------------------------------------------- insights

def add_exchange(db, lang, question, reply, *, sources=(), meta=None):
    conversation, _ = store.create_conversation(db, language=lang)
    store.add_message(db, conversation.id, "founder", question, language=lang)
    store.add_message(db, conversation.id, "bot", reply, language=lang, sources=sources, meta=meta)
    return conversation


@pytest.fixture
def questions(app):
    visa = [{"id": "visa-a", "title": "Startup visa", "url": None}]
    with app.app_context():
        db = store.get_db()
        add_exchange(db, "en", "how do I open a bank account", "Sorry, I am not sure.",
                     meta={"custom": {"search": {"answerable": False}}})
        add_exchange(db, "en", "how can I open a bank account here", "Sorry.")
        add_exchange(db, "vi", "How do I open a bank account?", "Xin lỗi.", meta={"handoff": True})
        add_exchange(db, "en", "where is a coworking desk for rent", "Sorry.")
        add_exchange(db, "en", "what visa do I need", "The startup visa.", sources=visa)
        add_exchange(db, "ko", "what visa do I need", "스타트업 비자", sources=visa)
        payload = add_exchange(db, "en", "/affirm", "OK")
        store.add_message(db, payload.id, "founder", "a question while Rasa was down", language="en")
        store.add_message(db, payload.id, "bot", "We received it.", meta={"kind": "rasa_unavailable"})


def test_exchanges_classify_answers(app, questions):
    from web import insights

    with app.app_context():
        items = insights.exchanges(store.get_db())
    assert len(items) == 6  # no payload, no outage
    by_text = {e.text: e for e in items}
    assert by_text["how do I open a bank account"].low_confidence
    assert not by_text["how can I open a bank account here"].answered
    assert by_text["How do I open a bank account?"].handoff
    assert by_text["what visa do I need"].answered and by_text["what visa do I need"].programme_ids == ["visa-a"]


def test_clusters_group_similar_questions():
    from web import insights

    def item(text, lang="en"):
        return insights.Exchange("c", 1, text, lang, "2026-01-01T00:00:00Z")

    items = [item("open a bank account"), item("open bank account", "vi"), item("Open a bank account"),
             item("coworking desk rent"), item("answered", "en")]
    items[-1].has_sources = True
    clusters = insights.cluster_unanswered(items, FakeEncoder().encode_queries, threshold=0.6)
    assert [c.size for c in clusters] == [3, 1]
    assert clusters[0].languages == {"en": 2, "vi": 1}
    assert set(clusters[0].examples) == {"open a bank account", "open bank account", "Open a bank account"}
    assert clusters[1].examples == ["coworking desk rent"]


def test_agglomerate_stops_at_the_threshold():
    import numpy as np

    from web.insights import agglomerate

    v = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.1, 0.99]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    assert agglomerate(v, 0.9) == [[0, 1], [2, 3]]
    assert agglomerate(v, 0.0) == [[0, 1, 2, 3]]
    assert agglomerate(v, 0.999) == [[0], [1], [2], [3]]
    assert agglomerate(np.zeros((0, 2)), 0.5) == []


def test_unanswered_api(client, admin, questions):
    data = client.get("/api/admin/insights/unanswered").get_json()
    assert data["questions"] == 6 and data["unanswered"] == 4 and data["low_confidence"] == 1
    first = data["clusters"][0]
    assert first["size"] == 3 and first["languages"] == {"en": 2, "vi": 1}
    assert "q-en=" in first["create_url"] and "q-vi=" in first["create_url"]
    assert client.get("/api/admin/insights/unanswered?lang=vi").get_json()["unanswered"] == 1
    assert client.get("/api/admin/insights/unanswered?lang=xx").status_code == 400


def test_insights_page_draws_charts(client, admin, questions):
    page = client.get("/admin/insights?days=30").get_data(as_text=True)
    assert page.count("<svg") >= 4
    assert "Create a programme from this" in page
    assert "33%" in page  # 2 of 6 questions answered
    assert client.get("/admin/insights?lang=vi&category=visa").status_code == 200
