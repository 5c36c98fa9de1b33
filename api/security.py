"""API keys and the request size limit.

`/v1` routes need `X-API-Key` when `READINESS_API_KEY` is set; admin routes always
need it. The size limit is a pure ASGI middleware, so it holds for chunked bodies
too and no route ever reads a raw body.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import APIKeyHeader
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import AppSettings
from api.errors import error_detail

API_KEY_HEADER: Final = "X-API-Key"

_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="Required when the server sets READINESS_API_KEY; always for admin.",
)


def _matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), expected.encode("utf-8")
    )


def _unauthorized() -> HTTPException:
    return HTTPException(
        status_code=401,
        detail=error_detail(
            f"missing or wrong API key: send it in the {API_KEY_HEADER} header",
            "API キーがないか、正しくありません。"
            f"{API_KEY_HEADER} ヘッダーで送ってください",
            "unauthorized",
        ),
        headers={"WWW-Authenticate": "APIKey"},
    )


def require_key(
    settings: AppSettings, key: Annotated[str | None, Depends(_header)]
) -> None:
    """Open when no key is configured; otherwise the header must match."""
    expected = settings.api_key
    if expected and not _matches(key, expected):
        raise _unauthorized()


def require_admin_key(
    settings: AppSettings, key: Annotated[str | None, Depends(_header)]
) -> None:
    """Admin routes are closed unless a key is configured and sent."""
    expected = settings.api_key
    if not expected:
        raise HTTPException(
            status_code=403,
            detail=error_detail(
                "admin routes are disabled: set READINESS_API_KEY on the server "
                "and send it in the X-API-Key header",
                "管理用ルートは無効です。サーバーに READINESS_API_KEY を設定し、"
                "X-API-Key ヘッダーで送ってください",
                "forbidden",
            ),
        )
    if not _matches(key, expected):
        raise _unauthorized()


def document_keys(app: FastAPI, *, key_configured: bool) -> None:
    """Mark the key required in the OpenAPI spec only where the server asks for it.

    Without a configured key `/v1` is open: its operations lose the key and the
    401 answer; admin routes always keep them.
    """
    if key_configured:
        return
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        schema = plain()
        for path, operations in schema.get("paths", {}).items():
            if path.startswith("/v1/admin"):
                continue
            for operation in operations.values():
                operation.pop("security", None)
                operation.get("responses", {}).pop("401", None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


class _TooLarge(Exception):
    pass


class SizeLimitMiddleware:
    """Answer 413 when a body exceeds `max_bytes`, by Content-Length or as streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _body(self, path: str) -> bytes:
        if path.endswith("/batch"):
            fix_en, fix_ja = (
                "split the batch into smaller ones",
                "バッチを分けて送ってください",
            )
        else:
            fix_en = "shorten the memo or send fewer events"
            fix_ja = "メモを短くするか、イベントを減らして送ってください"
        detail = error_detail(
            f"request body is larger than {self.max_bytes:,} bytes; {fix_en}",
            f"リクエストが {self.max_bytes:,} バイトを超えています。{fix_ja}",
            "too_large",
        )
        return json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")

    async def _reject(self, scope: Scope, send: Send) -> None:
        body = self._body(str(scope.get("path", "")))
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await self._reject(scope, send)
                    return
        received = 0
        started = False
        rejected = False

        async def limited_receive() -> Message:
            nonlocal received, rejected
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    rejected = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return  # the 413 is the answer; drop whatever the app says after
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not rejected:
                raise
        if rejected and not started:
            await self._reject(scope, send)
