"""Human handoff in two browser contexts: a founder in the widget and a staff member in the console
exchange live messages, then the staff member hands the conversation back to the bot."""

import subprocess
import sys

import pytest

from web.testing import REPO_ROOT, FakeRasa, WebServer

pytestmark = pytest.mark.browser

PASSWORD = "console-pass-123"


def bot_reply(body):
    """Hands over when the founder asks for a person; otherwise echoes like a bot."""
    text = body["message"]
    if "person" in text.lower():
        return [
            {"recipient_id": body["sender"], "text": "I will get a person for you."},
            {"recipient_id": body["sender"], "custom": {"handoff": True, "language": "en"}},
        ]
    return [{"recipient_id": body["sender"], "text": f"Bot answer: {text}"}]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("handoff")
    rasa = FakeRasa(reply=bot_reply).start()
    # a poll slower than any wait below: the console's live updates must come through its stream
    env = {"FOUNDERDESK_HOME": str(home), "FOUNDERDESK_RASA_URL": rasa.url, "FOUNDERDESK_CONSOLE_POLL_SECONDS": "120"}
    added = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "web", "user-add", "mina", "--role", "staff", "--password-stdin"],
        input=PASSWORD + "\n", text=True, capture_output=True, cwd=REPO_ROOT,
        env={**{k: v for k, v in __import__("os").environ.items() if not k.startswith("FOUNDERDESK_")}, **env},
    )
    assert added.returncode == 0, added.stderr
    server = WebServer(env, log_path=home / "web.log").wait_ready()
    yield server
    server.stop()
    rasa.stop()


def test_founder_and_staff_exchange_live_messages_and_hand_back(stack, new_page, shot):
    founder = new_page(locale="en-US")
    staff = new_page(locale="en-US")

    # staff logs in and watches the queue
    staff.goto(stack.url + "/console/")
    staff.fill("input[name=username]", "mina")
    staff.fill("input[name=password]", PASSWORD)
    staff.click("button[type=submit]")
    staff.wait_for_url("**/console/")
    assert staff.locator("#queue .empty").count() == 1
    staff.locator("#queue[data-live='1']").wait_for()

    # the founder asks for a person
    founder.goto(stack.url + "/")
    w = founder.locator("#founderdesk-widget")
    w.locator(".launcher").click()
    w.locator("textarea").fill("Can I talk to a person please?")
    w.locator("textarea").press("Enter")
    notice = w.locator(".msg.bot[data-seq]", has_text="A person from the centre will answer you here")
    notice.wait_for()
    w.locator("form.email").wait_for()  # offered the e-mail form
    w.locator("form.email input").fill("not an email")
    w.locator("form.email button").click()
    assert "valid e-mail" in w.locator(".email-status").inner_text()
    w.locator("form.email input").fill("founder@example.com")
    w.locator("form.email button").click()
    w.locator(".email-saved").wait_for()

    # the queue updates live, with the badge
    row = staff.locator("#queue tbody tr[data-id]")
    row.wait_for()
    assert "pending" in row.inner_text()
    staff.locator("#pending-badge").wait_for()
    assert staff.locator("#pending-badge").inner_text() == "1"
    shot(staff, "handoff-01-queue")
    row.locator("a").click()
    staff.wait_for_selector("#transcript")
    assert "founder@example.com" in staff.content()

    # staff replies; the founder sees it live (SSE)
    staff.fill("#reply-text", "Hello, this is Mina from the centre.")
    staff.click("#reply-form button[type=submit]")
    w.locator(".msg.staff", has_text="Hello, this is Mina from the centre.").wait_for()

    # the founder answers; the bot stays silent and staff sees it live
    w.locator("textarea").fill("Thanks Mina, <b>one</b> question")
    w.locator("textarea").press("Enter")
    staff.locator("#transcript .msg-founder", has_text="Thanks Mina, <b>one</b> question").wait_for()
    assert w.locator(".msg.bot", has_text="Bot answer: Thanks").count() == 0
    shot(founder, "handoff-02-founder-with-staff")
    shot(staff, "handoff-03-console")

    # the staff reply survives a reload of the founder's page
    founder.reload()
    w = founder.locator("#founderdesk-widget")
    w.locator(".msg.staff", has_text="Hello, this is Mina from the centre.").wait_for()

    # hand back to the bot: the founder is told, and the bot answers again
    staff.click("text=Resolve and hand back to the bot")
    staff.wait_for_selector("#conv-state:has-text('resolved')")
    w.locator(".msg.bot", has_text="The assistant is answering again").wait_for()
    w.locator("textarea").fill("What about office space?")
    w.locator("textarea").press("Enter")
    w.locator(".msg.bot", has_text="Bot answer: What about office space?").wait_for()
    staff.locator("#transcript .msg-bot", has_text="Bot answer: What about office space?").wait_for()
    shot(founder, "handoff-04-back-to-bot")


def test_thumbs_down_hands_over(stack, new_page):
    founder = new_page(locale="en-US")
    founder.goto(stack.url + "/")
    w = founder.locator("#founderdesk-widget")
    w.locator(".launcher").click()
    w.locator("textarea").fill("Where is the nearest bank?")
    w.locator("textarea").press("Enter")
    answer = w.locator(".msg.bot[data-seq]", has_text="Bot answer: Where is the nearest bank?")
    answer.wait_for()
    answer.locator(".thumb.down").click()
    w.locator(".msg.bot", has_text="A person from the centre will answer you here").wait_for()
    assert answer.locator(".thumb.down").get_attribute("aria-pressed") == "true"
