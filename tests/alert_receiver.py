"""A real webhook receiver on a loopback port (http.server in a thread).

It records every request, and dedups by `Idempotency-Key` the way a receiver
should: a repeated key is answered 200 and not processed again. It can fail the
first requests (a 503, 429 or slow answer), and kill a client process at its Nth
request after processing it: the client's crash between the receiver's 2xx and
marking the alert delivered.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    fail_first: int = 0
    fail_status: int = 503
    slow_first: int = 0  # answer the first N after `slow_seconds` (client timeouts)
    slow_seconds: float = 0.0
    kill_at: int | None = None  # the Nth request kills `kill_pid` once processed
    kill_pid: int | None = None
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)  # every request
    processed: dict[str, dict[str, Any]] = field(default_factory=dict)  # by key
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> list[str | None]:
        return [r["key"] for r in self.requests]

    def handle(self, key: str | None, body: dict[str, Any], headers: Any) -> int:
        with self.lock:
            self.requests.append({"key": key, "body": body, "headers": dict(headers)})
            n = len(self.requests)
        if n <= self.slow_first:
            time.sleep(self.slow_seconds)  # outside the lock: others go on
        with self.lock:
            if n <= self.fail_first:
                return self.fail_status
            if key is not None and key not in self.processed:
                self.processed[key] = body
            if self.kill_at == n and self.kill_pid is not None:
                os.kill(self.kill_pid, signal.SIGKILL)
            return 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            code = receiver.handle(
                self.headers.get("Idempotency-Key"), body, self.headers
            )
            data = b'{"ok": true}' if code == 200 else b'{"ok": false}'
            self.send_response(code)
            if code == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            # the client may be gone (killed, or timed out)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


@contextmanager
def receiving(receiver: Receiver | None = None, *, port: int = 0) -> Iterator[Receiver]:
    """The receiver listening on 127.0.0.1 at `port` (0: a free one; `receiver.url`)."""
    receiver = receiver or Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
