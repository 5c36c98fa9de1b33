"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Model
from api.schemas import ErrorOut, Health, ModelOut, Ready

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz() -> Health:
    """The process is alive (says nothing about the model)."""
    return Health(status="ok")


@router.get("/readyz", responses={503: {"model": ErrorOut}})
def readyz(model: Model) -> Ready:
    """Ready to score: a model is loaded (503 until then)."""
    return Ready(status="ready", model=ModelOut(**model.describe()))
