"""The HTTP API: score hand-offs, describe and reload the served model.

Run with `uvicorn api.app:create_app --factory` (settings from `READINESS_*`).
The model is loaded once in the lifespan, through the one loader of the served
model (`readiness.workflows.served`); without one the app still starts, `/readyz`
and scoring answer 503 and say how to train.

    deps.py          the routes' dependencies (settings, model, timing, gate, data)
    state.py         the served model and the page's lead data, held between requests
    routes/          health, score, timing, model (+ admin reload), leads, page
                     (/docs and /redoc from local assets, no CDN)
    service.py       request models → the library's scoring, and back
    schemas.py       request and response models (the OpenAPI docs)
    security.py      API keys and the request size limit
    errors.py        error answers in one shape, in English and Japanese
    access_log.py    access logs without user input
    gate.py          first-come, first-served compute slots
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi_offline import FastAPIOffline

from api import errors
from api.access_log import AccessLog, install_access_log_scrubbing
from api.gate import FairGate
from api.routes import docs, health, history, leads, model, page, score, timing
from api.routes.docs import DOCS_ASSETS
from api.security import SizeLimitMiddleware, document_keys
from api.state import DataHolder, HistoryHolder, ModelHolder
from readiness.settings import Settings, get_settings
from readiness.version import __version__


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; uvicorn calls it with no argument (`--factory`)."""
    settings = settings or get_settings()
    install_access_log_scrubbing()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        holder: ModelHolder = app.state.model
        await run_in_threadpool(holder.load)
        yield

    # /docs and /redoc load Swagger UI and ReDoc from the assets the
    # fastapi-offline package ships (under DOCS_ASSETS), never from a CDN: the
    # service runs on closed networks.
    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        redoc_url=None,  # routes/docs.py: ReDoc without its CDN logo
        title="readiness",
        version=__version__,
        summary="Win probability of an inside-sales → field-sales hand-off (toss-up), "
        "why, and what is missing.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.model = ModelHolder(settings)
    app.state.data = DataHolder(settings.data_dir)
    app.state.history = HistoryHolder(settings)
    # Scoring is CPU-bound Python: threads beyond the slots only fight over the GIL
    # (measured: 8 concurrent requests scored fewer per second than 1). Requests
    # wait here, in arrival order, instead.
    app.state.compute = FairGate(settings.compute_slots)
    errors.install(app)
    app.add_middleware(SizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(AccessLog)
    for router in (
        health.router,
        score.router,
        timing.router,
        model.router,
        model.admin,
        page.router,
        leads.router,
        history.router,
        docs.router,
    ):
        app.include_router(router)
    page.mount_static(app)
    document_keys(app, key_configured=bool(settings.api_key))
    return app
