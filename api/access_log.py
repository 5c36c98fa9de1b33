"""Access logs that never carry user input: no bodies, headers or API query strings."""

from __future__ import annotations

import logging
import time
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("api")

# Requests under these paths carry user input in their query strings (the lead
# search's `q` holds company names): access logs keep the path, never the query.
PRIVATE_QUERY_PREFIXES: Final = ("/v1/",)


class AccessLog:
    """Method, path, status and time of each request: never bodies, headers or
    query strings (the ASGI `path` has none)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            log.info(
                "%s %s %d %.1f ms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )


def scrub_target(target: str) -> str:
    """A request target as an access log may print it: the query string of an API
    path dropped (`/v1/leads?q=山田` → `/v1/leads`), anything else unchanged."""
    path, sep, _ = target.partition("?")
    if sep and path.startswith(PRIVATE_QUERY_PREFIXES):
        return path
    return target


class ScrubQueryStrings(logging.Filter):
    """Rewrites uvicorn's access records, whose third argument is the full target
    (`'%s - "%s %s HTTP/%s" %d'`), so the printed line has no API query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            scrubbed = scrub_target(args[2])
            if scrubbed != args[2]:
                record.args = (*args[:2], scrubbed, *args[3:])
        return True


def install_access_log_scrubbing() -> None:
    """Put `ScrubQueryStrings` on uvicorn's access logger (once per process).

    Called from `create_app`: uvicorn has configured its loggers by then (it
    builds the app after `configure_logging`), and a logger's filters survive.
    """
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, ScrubQueryStrings) for f in access.filters):
        access.addFilter(ScrubQueryStrings())
