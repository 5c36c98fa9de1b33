"""The HTTP API: score hand-offs, describe and reload the served model.

Run with `uvicorn api.app:create_app --factory` (settings from `READINESS_*`).
The model is loaded once in the lifespan; without one the app still starts,
`/readyz` and scoring answer 503 and say how to train.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors, web
from api.gate import FairGate
from api.model import TRAIN_HINT_EN, TRAIN_HINT_JA, Loaded, ModelHolder
from api.schemas import (
    BatchIn,
    BatchOut,
    ErrorOut,
    Health,
    ModelOut,
    Ready,
    ReloadOut,
    ScoreIn,
    ScoreOut,
    TimingIn,
    TimingOut,
)
from api.security import (
    SizeLimitMiddleware,
    error_detail,
    require_admin_key,
    require_key,
)
from api.service import (
    load_timing_cached,
    problem_items,
    score_batch,
    score_one,
    timing_one,
)
from readiness import __version__
from readiness.scoring.score import ScoringInputError
from readiness.scoring.timing import TimingError, TimingModel
from readiness.settings import Settings, get_settings

log = logging.getLogger("api")

# Requests under these paths carry user input in their query strings (the lead
# search's `q` holds company names): access logs keep the path, never the query.
PRIVATE_QUERY_PREFIXES: Final = ("/v1/",)

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        401: "missing or wrong X-API-Key",
        413: "request body over the size limit",
        422: "invalid input, with field paths (msg_en / msg_ja)",
        503: "no model is loaded",
    }.items()
}


def _holder(request: Request) -> ModelHolder:
    holder: ModelHolder = request.app.state.model
    return holder


def current_model(holder: Annotated[ModelHolder, Depends(_holder)]) -> Loaded:
    loaded = holder.current
    if loaded is None:
        why = holder.error or "the model has not been loaded yet"
        raise HTTPException(
            status_code=503,
            detail=error_detail(
                f"no model is loaded ({why}). {TRAIN_HINT_EN} Then restart or "
                "POST /v1/admin/reload.",
                f"モデルが読み込まれていません（{why}）。{TRAIN_HINT_JA}"
                "その後、再起動するか POST /v1/admin/reload を呼んでください。",
                "no_model",
            ),
        )
    return loaded


Model = Annotated[Loaded, Depends(current_model)]
Holder = Annotated[ModelHolder, Depends(_holder)]

ops = APIRouter(tags=["ops"])
v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=_ERRORS)
admin = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin_key)],
    responses={403: {"model": ErrorOut, "description": "no API key configured"}},
)


@ops.get("/healthz")
def healthz() -> Health:
    """The process is alive (says nothing about the model)."""
    return Health(status="ok")


@ops.get("/readyz", responses={503: {"model": ErrorOut}})
def readyz(model: Model) -> Ready:
    """Ready to score: a model is loaded (503 until then)."""
    return Ready(status="ready", model=ModelOut(**model.describe()))


@v1.post("/score", tags=["score"])
def score(body: ScoreIn, model: Model, request: Request) -> ScoreOut:
    """Win probability of one hand-off, why, and what to collect before the toss-up
    (with `timing: true`, also when to toss up)."""
    started = time.perf_counter()
    try:
        with request.app.state.compute:
            result = score_one(body, bundle=model.bundle, display_rubric=model.rubric)
            if body.timing:
                _add_timing(result, body, model, request.app.state.settings)
    except ScoringInputError as exc:
        log.info(
            "score lead=%s: 422 (%d problems)", body.lead.lead_id, len(exc.problems)
        )
        raise HTTPException(status_code=422, detail=problem_items(exc)) from None
    log.info(
        "score lead=%s: %.1f ms",
        body.lead.lead_id,
        (time.perf_counter() - started) * 1000,
    )
    return ScoreOut.model_validate(result)


def _add_timing(
    result: dict[str, Any], body: ScoreIn, model: Loaded, settings: Settings
) -> None:
    """The timing advice of a scored lead, or a warning saying why there is none."""
    try:
        timing_model = load_timing_cached(settings.model_dir)
    except TimingError as exc:
        result["warnings"].append(
            f"no timing advice: {exc}; `readiness train` (or `readiness timing "
            "DATA_DIR`) saves the timing model next to the bundle"
        )
        return
    result["timing"] = timing_one(body, bundle=model.bundle, timing=timing_model)


@v1.post("/score/batch", tags=["score"])
def score_many(body: BatchIn, model: Model, request: Request) -> BatchOut:
    """Score up to 1,000 leads; a lead that fails validation gets its own errors."""
    started = time.perf_counter()
    with request.app.state.compute:
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


def current_timing(request: Request) -> TimingModel:
    """The timing model saved next to the bundle (503 with how to make one)."""
    settings: Settings = request.app.state.settings
    try:
        return load_timing_cached(settings.model_dir)
    except (TimingError, OSError, ValueError) as exc:
        raise HTTPException(
            status_code=503,
            detail=error_detail(
                f"no timing model is loaded ({exc}).",
                "タイミングモデルが読み込まれていません。`readiness timing DATA_DIR` "
                f"で過去データから学習してください（{settings.model_dir}）。",
                "no_timing_model",
            ),
        ) from None


Timing = Annotated[TimingModel, Depends(current_timing)]


@v1.post("/timing", tags=["timing"])
def timing(body: TimingIn, model: Model, timing: Timing, request: Request) -> TimingOut:
    """Toss up now, keep nurturing (and what to collect next) or at risk, and why."""
    started = time.perf_counter()
    try:
        with request.app.state.compute:
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


@v1.get("/model", tags=["model"])
def model_info(model: Model) -> ModelOut:
    """The served model: name, registry version and alias, metrics, features."""
    return ModelOut(**model.describe())


@admin.post("/reload", response_model=ReloadOut, responses={503: {"model": ReloadOut}})
def reload(holder: Holder, request: Request) -> JSONResponse:
    """Reload the model without a restart; on failure the old model keeps serving.

    The page's lead data (READINESS_DATA_DIR) is read again on next use."""
    ok, error = holder.load()
    request.app.state.data.forget()
    current = holder.current
    described = None if current is None else ModelOut(**current.describe())
    if ok:
        out = ReloadOut(
            reloaded=True,
            message_en=f"reloaded from {current.source if current else '?'}",
            message_ja="モデルを再読み込みしました",
            model=described,
        )
        return JSONResponse(out.model_dump(mode="json"))
    keeping_en = (
        f"still serving the previous model (loaded {current.loaded_at})"
        if current
        else "no model is being served"
    )
    keeping_ja = (
        f"以前のモデル（{current.loaded_at} 読み込み）で提供を続けています"
        if current
        else "提供中のモデルはありません"
    )
    out = ReloadOut(
        reloaded=False,
        message_en=f"reload failed: {error}; {keeping_en}. {TRAIN_HINT_EN}",
        message_ja=f"再読み込みに失敗しました（{error}）。{keeping_ja}。{TRAIN_HINT_JA}",
        model=described,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=503)


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


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; uvicorn calls it with no argument (`--factory`)."""
    settings = settings or get_settings()
    install_access_log_scrubbing()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        holder: ModelHolder = app.state.model
        await run_in_threadpool(holder.load)
        yield

    app = FastAPI(
        title="readiness",
        version=__version__,
        summary="Win probability of an inside-sales → field-sales hand-off (toss-up), "
        "why, and what is missing.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.model = ModelHolder(settings)
    # Scoring is CPU-bound Python: threads beyond the slots only fight over the GIL
    # (measured: 8 concurrent requests scored fewer per second than 1). Requests
    # wait here, in arrival order, instead.
    app.state.compute = FairGate(settings.compute_slots)
    errors.install(app)
    app.add_middleware(SizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(AccessLog)
    for router in (ops, v1, admin):
        app.include_router(router)
    web.install(app, settings)
    return app
