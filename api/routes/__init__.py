"""The routes, one module per concern: health, score, timing, model, leads, page.

Every `/v1` router shares the API key check and the documented error answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.schemas import ErrorOut
from api.security import require_key

V1_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        401: "missing or wrong X-API-Key",
        413: "request body over the size limit",
        422: "invalid input, with field paths (msg_en / msg_ja)",
        503: "no model is loaded",
    }.items()
}


def v1_router(**kwargs: Any) -> APIRouter:
    """A router under /v1: API key required, error answers documented."""
    return APIRouter(
        prefix="/v1", dependencies=[Depends(require_key)], responses=V1_ERRORS, **kwargs
    )
