"""Alerts fixtures: production task queues and a local stub HTTP server for providers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@pytest.fixture(autouse=True)
def _task_queues(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "reports", "notifications", "training"],
        }
    }


class StubProvider:
    """Records requests and answers from a queue of (status, json) replies per path."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: dict[str, list[tuple[int, dict]]] = {}
        self.url = ""

    def reply(self, path: str, *answers: tuple[int, dict]) -> None:
        self.replies.setdefault(path, []).extend(answers)

    def calls(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


@pytest.fixture
def stub_provider():
    stub = StubProvider()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            stub.requests.append(
                {
                    "method": self.command,
                    "path": parts.path,
                    "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "headers": dict(self.headers),
                    "json": json.loads(body) if body else None,
                }
            )
            queue = stub.replies.get(parts.path) or [(200, {"ok": True})]
            status, payload = queue.pop(0) if len(queue) > 1 else queue[0]
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _answer  # noqa: N815 (http.server names)
        do_POST = _answer  # noqa: N815

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield stub
    server.shutdown()
    server.server_close()
