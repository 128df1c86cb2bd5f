"""The widget in headless chromium on the demo page, against the real web app and a fake Rasa.

Screenshots go to tests/artifacts/ (gitignored).
"""

import json
import re

import pytest

from web import store

pytestmark = pytest.mark.browser

VI_QUESTION = "Xin chào, tôi muốn mở công ty khởi nghiệp ở Jeonbuk. Tôi cần thị thực gì?"
AR_QUESTION = "مرحبا، أريد تأسيس شركة ناشئة في جونبوك. ما هي التأشيرة المناسبة؟"


def widget(page):
    return page.locator("#founderdesk-widget")  # Playwright's CSS pierces the open shadow root


def open_widget(page):
    w = widget(page)
    w.locator(".launcher").click()
    panel = w.locator(".panel")
    panel.wait_for(state="visible")
    return w, panel


def send(page, text):
    box = widget(page).locator("textarea")
    box.fill(text)
    box.press("Enter")


def test_vietnamese_conversation_survives_reload(live_server, rasa, new_page, shot):
    page = new_page(locale="vi-VN")
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Build your company in Jeonbuk"
    shot(page, "01-demo-page")

    w, panel = open_widget(page)
    assert panel.get_attribute("lang") == "vi"  # the interface follows the browser language
    assert w.locator(".send").inner_text() == "Gửi"
    assert w.locator("textarea").evaluate("el => el === el.getRootNode().activeElement")  # focus moved in

    send(page, VI_QUESTION)
    answer = w.locator(".msg.bot[data-seq]").last
    answer.wait_for()
    assert "thị thực khởi nghiệp D-8-4" in answer.locator("strong").inner_text()
    assert answer.locator(".bubble li").count() == 2
    link = answer.locator(".bubble a", has_text="HiKorea")
    assert link.get_attribute("href") == "https://www.hikorea.go.kr/"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert answer.locator('.bubble a[href^="javascript"]').count() == 0  # unsafe link left as text
    assert answer.locator(".sources a").inner_text() == "Startup visa (D-8-4)"
    assert w.locator(".msg.founder").first.inner_text().endswith(VI_QUESTION)
    assert panel.get_attribute("dir") == "ltr"
    assert rasa.requests[-1]["body"]["metadata"] == {"language": "vi", "language_locked": False}
    shot(page, "02-vietnamese-answer")

    # quick reply: sends the payload, shows the title
    w.locator(".quick button", has_text="Có").click()
    w.locator(".msg.bot[data-seq]", has_text="OK (/affirm)").wait_for()
    assert w.locator(".msg.founder").last.inner_text().endswith("Có")
    assert w.locator(".quick").count() == 0

    page.reload()
    w = widget(page)
    w.locator(".panel").wait_for(state="visible")  # it was open before the reload
    w.locator(".msg.bot[data-seq]", has_text="OK (/affirm)").wait_for()
    texts = w.locator(".msg[data-seq] .bubble").all_inner_texts()
    assert texts[0] == VI_QUESTION
    assert len(texts) == 4
    assert w.locator(".bubble a", has_text="HiKorea").count() == 1
    shot(page, "03-history-after-reload")

    # Escape closes and gives focus back to the launcher
    page.keyboard.press("Escape")
    w.locator(".panel").wait_for(state="hidden")
    assert w.locator(".launcher").evaluate("el => el === el.getRootNode().activeElement")


def test_arabic_conversation_is_right_to_left(live_server, new_page, shot):
    page = new_page(locale="en-US")
    page.goto(live_server.url + "/")
    w, panel = open_widget(page)
    assert panel.get_attribute("dir") == "ltr"

    send(page, AR_QUESTION)
    answer = w.locator(".msg.bot[data-seq]").last
    answer.wait_for()
    assert "D-8-4" in answer.inner_text()
    assert answer.locator(".bubble a").get_attribute("href") == "https://www.hikorea.go.kr/"
    assert panel.get_attribute("dir") == "rtl"
    assert panel.get_attribute("lang") == "ar"
    assert w.locator(".send").inner_text() == "إرسال"
    assert "تأشيرة الشركات الناشئة" in answer.inner_text()
    shot(page, "04-arabic-rtl")


def test_staff_message_arrives_live(live_server, new_page):
    page = new_page(locale="vi-VN")
    page.goto(live_server.url + "/")
    w, _ = open_widget(page)
    send(page, VI_QUESTION)
    w.locator(".msg.bot[data-seq]").last.wait_for()
    saved = json.loads(page.evaluate("Object.values(localStorage)[0]"))

    conn = store.connect(live_server.home / "var" / "web.db")
    store.add_message(conn, saved["id"], "staff", "Chào bạn, tôi là **Minh** ở trung tâm. Tôi sẽ gọi cho bạn.")
    conn.close()

    staff = w.locator(".msg.staff[data-seq]")
    staff.wait_for(timeout=5_000)  # pushed by the SSE stream, no action in the page
    assert staff.locator("strong").inner_text() == "Minh"
    assert staff.locator(".who").inner_text() == "Nhân viên"


def test_language_picker_locks_the_language(live_server, rasa, new_page):
    page = new_page(locale="en-US")
    page.goto(live_server.url + "/")
    w, panel = open_widget(page)
    options = w.locator("select option").all_inner_texts()
    assert options[1:] == [
        "English", "한국어", "中文", "日本語", "Tiếng Việt", "Русский",
        "Oʻzbekcha", "Монгол", "Bahasa Indonesia", "Español", "Français", "العربية", "हिन्दी",
    ]
    w.locator("select").select_option("fr")
    assert panel.get_attribute("lang") == "fr"
    assert w.locator(".send").inner_text() == "Envoyer"
    send(page, "Hello, I need a visa")
    w.locator(".msg.bot[data-seq]").last.wait_for()
    assert rasa.requests[-1]["body"]["metadata"] == {"language": "fr", "language_locked": True}


def test_unreachable_server_shows_retry(live_server, new_page):
    page = new_page(locale="en-US")
    page.goto(live_server.url + "/")
    w, _ = open_widget(page)
    page.route("**/api/chat", lambda route: route.abort())
    send(page, "Hello, is anyone there?")
    error = w.locator(".error")
    error.wait_for(state="visible")
    assert "Cannot reach the server" in error.inner_text()
    assert w.locator(".msg.founder.failed").count() == 1

    page.unroute("**/api/chat")
    error.locator("button", has_text="Retry").click()
    w.locator(".msg.bot[data-seq]", has_text="You wrote: Hello, is anyone there?").wait_for()
    assert error.is_hidden()
    assert w.locator(".msg.founder.failed").count() == 0


def test_text_is_never_markup(live_server, new_page):
    page = new_page(locale="en-US")
    page.goto(live_server.url + "/")
    w, _ = open_widget(page)
    send(page, '<img src=x onerror="window.pwned=1"> **hi**')
    w.locator(".msg.bot[data-seq]").last.wait_for()
    assert w.locator(".log img").count() == 0
    assert page.evaluate("window.pwned") is None
    assert '<img src=x onerror="window.pwned=1">' in w.locator(".msg.founder").last.inner_text()


def test_mobile_layout_is_full_screen(live_server, new_page, shot):
    page = new_page(locale="ko-KR", viewport={"width": 390, "height": 780}, is_mobile=True, has_touch=True)
    page.goto(live_server.url + "/")
    w, panel = open_widget(page)
    box = panel.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 780)
    assert re.search("보내기", w.locator(".send").inner_text())
    shot(page, "05-mobile-korean")
