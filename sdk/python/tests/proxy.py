"""
A loopback proxy in front of the real API that misbehaves on cue: each request takes the next step of a script
(answer 503 or 429 with Retry-After, pass the request on but lose the answer, drop the connection) and, once the
script is used up, passes requests on. It records what it saw, for the retry tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# Script steps.
UNAVAILABLE = "503"  # 503 with Retry-After: 1, the request not passed on
BUSY = "429"  # 429 with Retry-After: 1, the request not passed on
LOST_ANSWER = "lost"  # passed on to the API, but the client gets a 503 with Retry-After: 1 instead of its answer
DROP = "drop"  # the connection closed without an answer


@dataclass
class Seen:
    method: str
    path: str
    idempotency_key: str | None
    at: float


class MisbehavingProxy:
    def __init__(self, api_url: str, script: list[str]) -> None:
        self.api_url = api_url
        self.script = list(script)
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def next_step(self, seen: Seen) -> str | None:
        with self._lock:
            self.seen.append(seen)
            return self.script.pop(0) if self.script else None


def _handler(proxy: MisbehavingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows failures only
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            step = proxy.next_step(
                Seen(self.command, self.path, self.headers.get("idempotency-key"), time.monotonic())
            )
            if step == DROP:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if step in (UNAVAILABLE, BUSY):
                return self._answer(int(step), b'{"error":{"code":"unavailable","message":"proxy says wait"}}')
            forwarded = httpx.request(
                self.command,
                f"{proxy.api_url}{self.path}",
                content=body,
                headers={k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")},
            )
            if step == LOST_ANSWER:
                return self._answer(503, b'{"error":{"code":"unavailable","message":"answer lost"}}')
            self._answer(forwarded.status_code, forwarded.content, forwarded.headers.get("content-type"))

        def _answer(self, status: int, body: bytes, content_type: str | None = "application/json") -> None:
            self.send_response(status)
            if status in (429, 503):
                self.send_header("Retry-After", "1")
            self.send_header("Content-Type", content_type or "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_DELETE = _handle

    return Handler


@contextmanager
def misbehaving_proxy(api_url: str, script: list[str]) -> Iterator[tuple[str, MisbehavingProxy]]:
    """The proxy's URL and its record, while the block runs."""
    proxy = MisbehavingProxy(api_url, script)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", proxy
    finally:
        server.shutdown()
        server.server_close()
