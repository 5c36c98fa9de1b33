"""The routes, one module per concern: health, score, timing, model, leads, page.

Every `/v1` router shares the API key check and the documented error answers;
`documented` picks the error answers a route can give, all in the one shape of
`ErrorOut` (`api.errors`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.schemas import ErrorOut
from api.security import require_key

ERRORS: dict[int, str] = {
    400: "the body could not be read (not UTF-8, or JSON nested too deep)",
    401: "missing or wrong X-API-Key (only when the server sets READINESS_API_KEY)",
    404: "no such lead, or no lead data on the server",
    413: "request body over the size limit",
    422: "invalid input, with field paths (msg_en / msg_ja)",
    503: "no model is loaded",
}

# the errors of a route taking a JSON body
BODY_ERRORS: tuple[int, ...] = (400, 413, 422)


def documented(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error codes, all in the `ErrorOut` shape."""
    return {code: {"model": ErrorOut, "description": ERRORS[code]} for code in codes}


def v1_router(*codes: int, **kwargs: Any) -> APIRouter:
    """A router under /v1: API key required (when configured), 401 and the given
    error answers documented."""
    return APIRouter(
        prefix="/v1",
        dependencies=[Depends(require_key)],
        responses=documented(401, *codes),
        **kwargs,
    )
