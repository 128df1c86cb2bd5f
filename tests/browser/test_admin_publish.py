"""An admin adds a Vietnamese answer to a programme in headless chromium and publishes it; seconds later
the knowledge base finds it and a founder asking in Vietnamese gets it in the widget.

The web app runs as a waitress subprocess with the fake encoder; the "Rasa" is a FakeRasa in this
process that answers like action_answer_question: ``kb.search`` on the same knowledge-base file, then
``actions.compose.programme_answer``. (The lead wires the real-stack version.)
"""

import time

import pytest

from actions import compose
from knowledge import KnowledgeBase, get_settings
from knowledge.encoders import FakeEncoder
from web import auth, create_app, store
from web.testing import FakeRasa, WebServer

pytestmark = pytest.mark.browser

PASSWORD = "admin-password-1"
PROGRAMME = "visa-d8-4"
VI_TITLE = "Thị thực khởi nghiệp D-8-4"
VI_QUESTION = "tôi cần thị thực gì để khởi nghiệp ở Hàn Quốc"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("admin-web")


@pytest.fixture(scope="module")
def kb(home):
    """The knowledge base the web app edits: one English-only draft programme.

    The answer threshold suits the fake encoder (a mean of the best chunk similarities; the real
    threshold is calibrated per model).
    """
    settings = get_settings(kb_path=home / "var" / "knowledge.db", encoder="fake", answer_threshold=0.4)
    kb = KnowledgeBase.open(settings, create=True, encoder=FakeEncoder())
    kb.upsert({"id": PROGRAMME, "category": "visa", "status": "draft", "official_url": "https://www.hikorea.go.kr",
               "agency": "Korea Immigration Service",
               "text": {"en": {"title": "Startup visa (D-8-4)", "summary": "A visa for founders with an IP.",
                               "body": "You need a degree and an OASIS certificate.",
                               "questions": ["which visa do I need to start a company"]}}}, actor="seed")
    yield kb
    kb.close()


def answer_from_kb(kb):
    """A Rasa stand-in doing what action_answer_question does with the KB."""
    def reply(body):
        lang = body["metadata"]["language"]
        result = kb.search(body["message"], lang=lang, k=3)
        if result.answerable and result.hits:
            answer = compose.programme_answer(kb.get(result.hits[0].id), lang)
        else:
            answer = compose.unanswerable(lang, 1)
        return [{"recipient_id": body["sender"], "text": answer.text, "buttons": answer.buttons},
                {"recipient_id": body["sender"], "custom": answer.custom}]
    return reply


@pytest.fixture(scope="module")
def server(home, kb):
    app = create_app({"HOME": str(home), "SECRET_KEY": "x"})
    with app.app_context():
        auth.create_user(store.get_db(), "mina", PASSWORD, "admin")
    rasa = FakeRasa(reply=answer_from_kb(kb)).start()
    web = WebServer({"FOUNDERDESK_HOME": str(home), "FOUNDERDESK_RASA_URL": rasa.url,
                     "FOUNDERDESK_ENCODER": "fake", "FOUNDERDESK_KB_PATH": str(home / "var" / "knowledge.db")},
                    log_path=home / "web.log").wait_ready()
    yield web
    web.stop()
    rasa.stop()


def test_admin_adds_vietnamese_answer_and_founder_gets_it(server, kb, new_page, shot):
    before = kb.search(VI_QUESTION, lang="vi")
    assert not (before.answerable and before.hits and before.hits[0].id == PROGRAMME)

    page = new_page(locale="en-US")
    page.goto(server.url + f"/admin/programs/{PROGRAMME}/edit")
    page.fill('input[name="username"]', "mina")  # redirected to the login page first
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"**/admin/programs/{PROGRAMME}/edit")

    page.click("#tab-vi")
    assert page.locator("#panel-vi").is_visible() and not page.locator("#panel-en").is_visible()
    page.fill('input[name="text-vi-title"]', VI_TITLE)
    page.fill('textarea[name="text-vi-summary"]', "Thị thực cho nhà sáng lập có sở hữu trí tuệ.")
    page.fill('textarea[name="text-vi-body"]', "Bạn cần:\n- bằng cấp\n- chứng chỉ OASIS")
    page.fill('textarea[name="text-vi-questions"]', VI_QUESTION + "\nthị thực khởi nghiệp")
    shot(page, "10-admin-vietnamese-tab")
    page.click("text=Save")
    flash = page.locator(".flash").first
    flash.wait_for()
    assert "version 2" in flash.inner_text() and "re-embedded" in flash.inner_text()
    assert page.locator("#tab-vi .dot.complete").count() == 1  # title, summary, answer, questions

    page.click('button:has-text("Publish")')
    page.locator(".flash", has_text="Published").wait_for()
    published = time.monotonic()
    shot(page, "11-admin-published")

    result = kb.search(VI_QUESTION, lang="vi")  # another process's handle on the same file
    assert time.monotonic() - published < 2
    assert result.answerable and result.hits[0].id == PROGRAMME and result.hits[0].title == VI_TITLE
    assert [v["actor"] for v in kb.history(PROGRAMME)] == ["seed", "mina", "mina"]

    founder = new_page(locale="vi-VN")
    founder.goto(server.url + "/")
    w = founder.locator("#founderdesk-widget")
    w.locator(".launcher").click()
    w.locator(".panel").wait_for(state="visible")
    box = w.locator("textarea")
    box.fill(VI_QUESTION)
    box.press("Enter")
    answer = w.locator(".msg.bot[data-seq]").last
    answer.wait_for()
    assert answer.locator("strong").first.inner_text() == VI_TITLE
    assert answer.locator(".bubble li").count() == 2
    assert time.monotonic() - published < 15
    shot(founder, "12-founder-gets-vietnamese-answer")
