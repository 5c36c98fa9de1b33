"""Scoring: one lead, or a batch of up to 1,000."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import HTTPException
from sqlalchemy.exc import SQLAlchemyError

from api.deps import Compute, History, Model
from api.routes import BODY_ERRORS, v1_router
from api.schemas import BatchIn, BatchOut, ScoreIn, ScoreOut
from api.service import problem_items, score_batch, score_one, timing_one
from api.state import HistoryHolder
from readiness.errors import ReadinessError
from readiness.scoring.score import ScoringInputError
from readiness.workflows.history import append_api_score
from readiness.workflows.served import ServedModel

log = logging.getLogger("api")

router = v1_router(503, *BODY_ERRORS)


@router.post("/score", tags=["score"])
def score(body: ScoreIn, model: Model, compute: Compute, history: History) -> ScoreOut:
    """Win probability of one hand-off, why, and what to collect before the toss-up
    (with `timing: true`, also when to toss up)."""
    started = time.perf_counter()
    try:
        with compute:
            result = score_one(body, bundle=model.bundle, display_rubric=model.rubric)
            if body.timing:
                _add_timing(result, body, model)
    except ScoringInputError as exc:
        log.info(
            "score lead=%s: 422 (%d problems)", body.lead.lead_id, len(exc.problems)
        )
        raise HTTPException(status_code=422, detail=problem_items(exc)) from None
    if history.append:
        _keep(result, body, model, history)
    log.info(
        "score lead=%s: %.1f ms",
        body.lead.lead_id,
        (time.perf_counter() - started) * 1000,
    )
    return ScoreOut.model_validate(result)


def _keep(
    result: dict[str, Any], body: ScoreIn, model: ServedModel, history: HistoryHolder
) -> None:
    """Append the answer to the score history (READINESS_HISTORY_API=1); a store
    that fails costs a warning, never the score."""
    try:
        store = history.store(create=True)
        if store is not None:
            events = [(e.timestamp, str(e.type)) for e in body.events]
            append_api_score(store, result, events=events, meta=model.bundle.meta)
    except (ReadinessError, SQLAlchemyError) as exc:
        log.warning(
            "score lead=%s: not kept in the history: %s", body.lead.lead_id, exc
        )
        result["warnings"].append(f"not kept in the score history: {exc}")


def _add_timing(result: dict[str, Any], body: ScoreIn, model: ServedModel) -> None:
    """The timing advice of a scored lead, or a warning saying why there is none."""
    if model.timing is None:
        result["warnings"].append(
            f"no timing advice: {model.timing_error}; `readiness train` (or "
            "`readiness timing DATA_DIR`) saves the timing model next to the bundle"
        )
        return
    result["timing"] = timing_one(
        body, bundle=model.bundle, timing=model.timing, warn=False
    )


@router.post("/score/batch", tags=["score"])
def score_many(body: BatchIn, model: Model, compute: Compute) -> BatchOut:
    """Score up to 1,000 leads; a lead that fails validation gets its own errors."""
    started = time.perf_counter()
    with compute:
        result = score_batch(
            body.leads, bundle=model.bundle, display_rubric=model.rubric
        )
    log.info(
        "batch of %d: %d scored, %d failed, %.1f ms",
        len(body.leads),
        result["scored"],
        result["failed"],
        (time.perf_counter() - started) * 1000,
    )
    return BatchOut.model_validate(result)
