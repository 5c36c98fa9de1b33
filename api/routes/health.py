"""Liveness and readiness probes: open, and bare (no model details; `/v1/model`
has those behind the key)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.deps import Holder
from api.errors import error_detail
from api.schemas import ErrorOut, Health, Ready
from api.state import TRAIN_HINT_EN, TRAIN_HINT_JA

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz() -> Health:
    """The process is alive (says nothing about the model)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    responses={503: {"model": ErrorOut, "description": "no model is loaded yet"}},
)
def readyz(holder: Holder) -> Ready:
    """Ready to score: a model is loaded (503 until then). Nothing else is said;
    `GET /v1/model` describes the model."""
    if holder.current is None:
        raise HTTPException(
            status_code=503,
            detail=error_detail(
                f"not ready: no model is loaded. {TRAIN_HINT_EN}",
                f"準備ができていません（モデルが読み込まれていません）。{TRAIN_HINT_JA}",
                "not_ready",
            ),
        )
    return Ready(status="ready")
