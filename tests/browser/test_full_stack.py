"""The widget against the real stack (Rasa, action server, web app) in headless Chromium."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_vietnamese_answer_with_link_survives_reload(stack, new_page, shot):
    page = new_page(locale="vi-VN")
    page.goto(stack.url + "/")
    w = page.locator("#founderdesk-widget")
    w.locator(".launcher").click()
    w.locator(".panel").wait_for(state="visible")
    w.locator("textarea").fill("Làm thế nào để xin visa khởi nghiệp công nghệ D-8-4?")
    w.locator("textarea").press("Enter")
    answer = w.locator(".msg.bot[data-seq]").last
    answer.wait_for(timeout=60_000)
    link = answer.locator(".sources a")
    assert link.count() == 1
    assert link.get_attribute("href").startswith("https://")
    assert "D-8-4" in link.inner_text()
    shot(page, "10-full-stack-vi")
    before = w.locator(".msg[data-seq] .bubble").all_inner_texts()
    page.reload()
    w.locator(".msg.bot[data-seq]").last.wait_for(timeout=20_000)
    assert w.locator(".msg[data-seq] .bubble").all_inner_texts() == before


def test_arabic_conversation_renders_right_to_left(stack, new_page, shot):
    page = new_page(locale="ar")
    page.goto(stack.url + "/")
    w = page.locator("#founderdesk-widget")
    w.locator(".launcher").click()
    w.locator("textarea").fill("كيف أفتح حسابا مصرفيا لشركتي في كوريا؟")
    w.locator("textarea").press("Enter")
    w.locator(".msg.bot[data-seq]").last.wait_for(timeout=60_000)
    assert w.locator(".panel").get_attribute("dir") == "rtl"
    shot(page, "11-full-stack-ar")
