"""Browser fixtures: the real web app (waitress subprocess), a fake Rasa, headless Debian chromium."""

import os
from pathlib import Path

import pytest

from web.testing import FakeRasa, WebServer

CHROMIUM = os.environ.get("FOUNDERDESK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

VI_ANSWER = (
    "Với **thị thực khởi nghiệp D-8-4** bạn cần:\n"
    "- bằng cấp hoặc chứng chỉ OASIS\n"
    "- kế hoạch kinh doanh\n"
    "Xem thêm tại [HiKorea](https://www.hikorea.go.kr) hoặc [đây](javascript:alert(1))."
)
AR_ANSWER = "مرحبًا! يمكنك التقدم بطلب **تأشيرة الشركات الناشئة D-8-4**. التفاصيل: https://www.hikorea.go.kr"
SOURCE = {"id": "visa-d8-4", "title": "Startup visa (D-8-4)", "url": "https://www.hikorea.go.kr"}


def canned_rasa(body):
    """Answers like the real bot would: text in the conversation's language, then a custom message."""
    lang = body["metadata"]["language"]
    message = body["message"]
    if message.startswith("/"):
        return [{"recipient_id": body["sender"], "text": f"OK ({message})"}]
    if lang == "ar":
        text = AR_ANSWER
    elif lang == "vi":
        text = VI_ANSWER
    else:
        text = f"You wrote: {message}"
    return [
        {
            "recipient_id": body["sender"],
            "text": text,
            "buttons": [{"title": "Có" if lang == "vi" else "Yes", "payload": "/affirm"}],
        },
        {"recipient_id": body["sender"], "custom": {"sources": [SOURCE], "handoff": False, "language": lang}},
    ]


@pytest.fixture(scope="module")
def rasa():
    fake = FakeRasa(reply=canned_rasa).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, rasa):
    home = tmp_path_factory.mktemp("web")
    server = WebServer(
        {"FOUNDERDESK_HOME": str(home), "FOUNDERDESK_RASA_URL": rasa.url}, log_path=home / "web.log"
    ).wait_ready()
    server.home = home
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """``new_page(locale="vi-VN", **context_options)``: a page in a fresh context (own localStorage)."""
    contexts = []

    def factory(locale="en-US", **options):
        context = browser.new_context(locale=locale, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    return save
