"""The page for IS reps at `/`: static HTML, CSS and JavaScript in `api/static/`.

No build step, no CDN (it works offline); it calls the same `/v1` routes a CRM
would, and picks leads through `routes/leads.py`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parents[1] / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    """The page (Japanese first, English on a toggle)."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
