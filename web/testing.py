"""Helpers for tests and local trials: a fake Rasa REST webhook and the web app in a subprocess.

Example (widget without Rasa): ``python -m web.testing --port 5005`` answers every message
with an echo in the conversation's language, then ``flask --app web serve``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def echo_reply(body: dict) -> list[dict]:
    lang = (body.get("metadata") or {}).get("language", "en")
    return [{"recipient_id": body["sender"], "text": f"[{lang}] echo: {body['message']}"}]


class FakeRasa:
    """A Rasa REST webhook on a local port (0 = any free one), served from a thread.

    ``reply(body) -> list`` builds the answer (default: echo); ``before(body)`` runs first;
    ``status`` / ``raw`` replace the HTTP status / body; ``requests`` records what came in.
    """

    def __init__(self, port: int = 0, reply=echo_reply):
        self.requests: list[dict] = []
        self.status = 200
        self.raw: bytes | None = None
        self.before = None
        self.reply = reply
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append({"path": self.path, "body": body})
                if fake.before:
                    fake.before(body)
                payload = fake.raw if fake.raw is not None else json.dumps(fake.reply(body)).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeRasa":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sse_events(response):
    """(id, event, data) for each event of a streamed Flask test response, read as it arrives."""
    for chunk in response.response:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        for block in text.split("\n\n"):
            fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
            if "data" in fields:
                yield fields.get("id"), fields.get("event"), json.loads(fields["data"])


def csrf_from(client) -> str:
    """The CSRF token of a Flask test client's session (one is set if the session has none yet)."""
    with client.session_transaction() as session:
        if not session.get("csrf"):
            session["csrf"] = "test-csrf-token"
        return session["csrf"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    """``flask --app web serve`` (waitress) in a subprocess on a free port; ``stop()`` ends it."""

    def __init__(self, env: dict, port: int | None = None, threads: int = 32, log_path: Path | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("FOUNDERDESK_")}
        full_env.update(env)
        full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), full_env.get("PYTHONPATH")]))
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "web", "serve", "--port", str(self.port), "--threads", str(threads)],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 20) -> "WebServer":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"web server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/widget.js", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"web server not ready on {self.url}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._log is not subprocess.DEVNULL:
            self._log.close()


def main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Fake Rasa REST webhook that echoes every message.")
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args(argv)
    fake = FakeRasa(port=args.port)
    print(f"fake Rasa on {fake.url}/webhooks/rest/webhook (Ctrl-C to stop)")
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------- the real stack (e2e tests, benchmarks)

ROOT = REPO_ROOT
MODEL = ROOT / "models" / "founder-desk.tar.gz"
BUILT_KB = ROOT / "var" / "knowledge.db"


def wait_http(url, timeout, process, name):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{name} not ready at {url}")


# As `make run` (SERVE_ENV in the Makefile): one math thread per server process, so three processes on
# two cores do not starve each other with spinning OpenMP / OpenBLAS / TensorFlow threads.
SERVE_THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                 "TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}


class Stack:
    """Start and stop the three processes; ``chat()`` talks to the web app like the widget does."""

    def __init__(self, workdir: Path):
        if not MODEL.exists() or not BUILT_KB.exists():
            raise FileNotFoundError("needs `make train` and `make kb` first")
        self.workdir = workdir
        kb_path = workdir / "knowledge.db"
        with sqlite3.connect(BUILT_KB) as src, sqlite3.connect(kb_path) as dst:
            src.backup(dst)
        self.ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("FOUNDERDESK_")}
        for name, value in SERVE_THREADS.items():
            self.env.setdefault(name, value)
        self.env.update({
            "FOUNDERDESK_KB_PATH": str(kb_path), "FOUNDERDESK_WEB_DB": str(workdir / "web.db"),
            "FOUNDERDESK_ACTIONS_PORT": str(self.ports["actions"]),
            "FOUNDERDESK_RASA_PORT": str(self.ports["rasa"]),
            "FOUNDERDESK_RASA_URL": f"http://127.0.0.1:{self.ports['rasa']}",
            "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
        })
        self.logs = []
        self.processes = {}

    def _spawn(self, name, cmd):
        log = open(self.workdir / f"{name}.log", "wb")
        self.logs.append(log)
        self.processes[name] = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self.processes[name]

    def start_actions(self):
        p = self._spawn("actions", [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                                    "--port", str(self.ports["actions"])])
        wait_http(f"http://127.0.0.1:{self.ports['actions']}/health", 120, p, "action server")

    def start_rasa(self):
        p = self._spawn("rasa", [str(ROOT / ".venv-rasa" / "bin" / "rasa"), "run", "--enable-api", "--interface", "127.0.0.1",
                                 "--port", str(self.ports["rasa"]), "--model", str(MODEL),
                                 "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml"])
        wait_http(f"http://127.0.0.1:{self.ports['rasa']}/status", 300, p, "rasa")

    def start_web(self):
        self.web = WebServer({k: v for k, v in self.env.items() if k.startswith("FOUNDERDESK_") or k in SERVE_THREADS},
                             port=self.ports["web"], log_path=self.workdir / "web.log").wait_ready(60)
        self.url = self.web.url

    def start(self):
        self.start_actions()
        self.start_rasa()
        self.start_web()
        return self

    @classmethod
    @contextlib.contextmanager
    def running(cls, workdir: Path):
        """``with Stack.running(dir) as stack:``: started, and stopped whatever happens."""
        stack = cls(workdir)
        try:
            yield stack.start()
        finally:
            stack.stop()

    def stop_process(self, name):
        p = self.processes.pop(name, None)
        if p:
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def stop(self):
        if getattr(self, "web", None):
            self.web.stop()
        for name in list(self.processes):
            self.stop_process(name)
        for log in self.logs:
            log.close()

    def chat(self, text, conversation=None, language=None, timeout=60):
        body = {"text": text}
        if conversation:
            body.update(conversation_id=conversation["conversation_id"], token=conversation["token"])
        if language:
            body["language"] = language
        req = urllib.request.Request(self.url + "/api/chat", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())


