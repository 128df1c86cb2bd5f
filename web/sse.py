"""Server-sent event streams over the web store: the founder's live chat and the staff console.

Each stream has its own SQLite connection (the generator outlives the request) and asks a
``check`` function every ``SSE_POLL_SECONDS`` for what happened since its last call. Comments keep
idle proxies from closing the connection; after ``SSE_LIFETIME_SECONDS`` the stream says "bye" and
the browser's EventSource reconnects, so a long-open page never pins a worker thread for good.
"""

from __future__ import annotations

import json
import time
from typing import Callable, Iterable

from flask import Response, current_app

from . import store

Event = tuple[str, dict, "int | None"]  # (event name, data, id for Last-Event-ID)


def format_event(event: str | None, data: dict | None = None, id_: int | None = None) -> str:
    lines = []
    if id_ is not None:
        lines.append(f"id: {id_}")
    if event:
        lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data or {}, ensure_ascii=False))
    return "\n".join(lines) + "\n\n"


def stream(check: Callable[[object], Iterable[Event]]) -> Response:
    """An event-stream response that sends whatever ``check(connection)`` returns, as it happens."""
    cfg = current_app.config
    path = cfg["WEB_DB"]
    poll = float(cfg["SSE_POLL_SECONDS"])
    heartbeat = float(cfg["SSE_HEARTBEAT_SECONDS"])
    lifetime = float(cfg["SSE_LIFETIME_SECONDS"])

    def events():
        conn = store.connect(path)
        try:
            started = last_beat = time.monotonic()
            yield "retry: 3000\n\n"
            while True:
                for event, data, id_ in check(conn):
                    yield format_event(event, data, id_)
                    last_beat = time.monotonic()
                now = time.monotonic()
                if now - started >= lifetime:
                    yield format_event("bye", {"reconnect": True})
                    return
                if now - last_beat >= heartbeat:
                    yield ": heartbeat\n\n"
                    last_beat = now
                time.sleep(poll)
        finally:
            conn.close()

    return Response(events(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
