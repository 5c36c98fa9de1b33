"""Timing advice: toss up now, keep nurturing or at risk."""

from __future__ import annotations

import logging
import time

from fastapi import HTTPException

from api.deps import Compute, Model, Timing
from api.routes import BODY_ERRORS, v1_router
from api.schemas import TimingIn, TimingOut
from api.service import problem_items, timing_one
from readiness.scoring.score import ScoringInputError

log = logging.getLogger("api")

router = v1_router(503, *BODY_ERRORS)


@router.post("/timing", tags=["timing"])
def timing(body: TimingIn, model: Model, timing: Timing, compute: Compute) -> TimingOut:
    """Toss up now, keep nurturing (and what to collect next) or at risk, and why."""
    started = time.perf_counter()
    try:
        with compute:
            result = timing_one(body, bundle=model.bundle, timing=timing)
    except ScoringInputError as exc:
        log.info(
            "timing lead=%s: 422 (%d problems)", body.lead.lead_id, len(exc.problems)
        )
        raise HTTPException(status_code=422, detail=problem_items(exc)) from None
    log.info(
        "timing lead=%s: %s, %.1f ms",
        body.lead.lead_id,
        result["action"],
        (time.perf_counter() - started) * 1000,
    )
    return TimingOut.model_validate(result)
