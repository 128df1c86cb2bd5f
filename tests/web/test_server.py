"""The real server (waitress via `flask --app web serve`): 8 founders at once, each with a live SSE stream."""

import http.client
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from web.testing import FakeRasa, WebServer

FOUNDERS = 8
MESSAGES_EACH = 3


@pytest.fixture
def server(tmp_path):
    rasa = FakeRasa()
    rasa.before = lambda body: time.sleep(0.3)  # Rasa takes a moment, as it does for real
    rasa.start()
    web = WebServer(
        {"FOUNDERDESK_HOME": str(tmp_path), "FOUNDERDESK_RASA_URL": rasa.url}, log_path=tmp_path / "web.log"
    ).wait_ready()
    yield web
    web.stop()
    rasa.stop()


def post(base, body):
    request = urllib.request.Request(
        base + "/api/chat", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def founder(base, port, n):
    conv = post(base, {"text": f"Xin chào, tôi là nhà sáng lập số {n}, tôi cần thị thực", "language": "vi"})
    stream = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    stream.request("GET", f"/api/chat/{conv['conversation_id']}/stream?token={conv['token']}")
    response = stream.getresponse()
    assert response.status == 200
    for i in range(MESSAGES_EACH - 1):
        body = {"text": f"Câu hỏi thứ {i + 2}", "conversation_id": conv["conversation_id"], "token": conv["token"]}
        assert post(base, body)["language"] == "vi"
    seen = []
    while len(seen) < 2 * MESSAGES_EACH:  # founder + bot for every message, pushed live
        line = response.fp.readline().decode().strip()
        if line.startswith("data: ") and '"seq"' in line:
            seen.append(json.loads(line[6:])["seq"])
    stream.close()
    return seen


def test_eight_concurrent_founders_with_live_streams(server):
    started = time.monotonic()
    with ThreadPoolExecutor(FOUNDERS) as pool:
        results = list(pool.map(lambda n: founder(server.url, server.port, n), range(FOUNDERS)))
    assert results == [list(range(1, 2 * MESSAGES_EACH + 1))] * FOUNDERS
    # 24 Rasa calls of 0.3 s each: served in parallel, not one after the other (7.2 s)
    assert time.monotonic() - started < 6
