"""The page for IS reps at `/`, and the routes it uses to pick a lead of the data.

The page is static HTML, CSS and JavaScript in `api/static/` (no build step, no
CDN: it works offline); it calls the same `/v1` routes a CRM would. Leads are
picked from the data directory in `READINESS_DATA_DIR` (default `data/world`),
read once on first use and again after `POST /v1/admin/reload`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api.security import error_detail, require_key
from readiness.data.contract import Dataset
from readiness.data.findings import ContractError
from readiness.data.load import load_dataset
from readiness.scoring.lead import lead_request
from readiness.settings import Settings

STATIC = Path(__file__).parent / "static"

page = APIRouter(include_in_schema=False)


@page.get("/")
def index() -> FileResponse:
    """The page (Japanese first, English on a toggle)."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


class LeadRow(BaseModel):
    lead_id: str
    company_name: str | None
    industry: str | None
    status: str  # open | handed_off | won | lost


class LeadList(BaseModel):
    total: int
    leads: list[LeadRow]


class DataHolder:
    """The data directory's tables, loaded on first use (thread-safe)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._dataset: Dataset | None = None
        self._rows: list[LeadRow] = []

    def forget(self) -> None:
        with self._lock:
            self._dataset = None

    def get(self) -> tuple[Dataset, list[LeadRow]]:
        with self._lock:
            if self._dataset is None:
                self._dataset = self._load()
                self._rows = _rows(self._dataset)
            return self._dataset, self._rows

    def _load(self) -> Dataset:
        where = self.data_dir
        if not where.is_dir():
            raise _no_data(f"{where} is not a directory")
        try:
            return load_dataset(where)
        except ContractError as exc:
            raise _no_data(str(exc).splitlines()[0]) from None


def _no_data(why: str) -> HTTPException:
    return HTTPException(
        status_code=404,
        detail=error_detail(
            f"no lead data to pick from ({why}); set READINESS_DATA_DIR to a data "
            "directory (e.g. one made by `readiness simulate` or `readiness import`) "
            "— pasting a memo works without it",
            f"選べるリードのデータがありません（{why}）。READINESS_DATA_DIR にデータ"
            "ディレクトリを指定してください。メモの貼り付けはデータなしで使えます。",
            "no_data",
        ),
    )


def _rows(dataset: Dataset) -> list[LeadRow]:
    leads = dataset.leads
    handed = set(dataset.handoffs["lead_id"].astype("str"))
    won = dict(
        zip(
            dataset.outcomes["lead_id"].astype("str"),
            dataset.outcomes["won"].astype(bool),
            strict=True,
        )
    )
    rows = []
    for lead_id, company, industry in zip(
        leads["lead_id"].astype("str"),
        leads["company_name"],
        leads["industry"],
        strict=True,
    ):
        status = "open"
        if lead_id in won:
            status = "won" if won[lead_id] else "lost"
        elif lead_id in handed:
            status = "handed_off"
        rows.append(
            LeadRow(
                lead_id=lead_id,
                company_name=None if company is None else str(company),
                industry=None if industry is None else str(industry),
                status=status,
            )
        )
    return rows


def _data(request: Request) -> DataHolder:
    holder: DataHolder = request.app.state.data
    return holder


Data = Annotated[DataHolder, Depends(_data)]
leads = APIRouter(prefix="/v1", tags=["leads"], dependencies=[Depends(require_key)])


@leads.get("/leads")
def list_leads(
    data: Data,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(pattern="^(|open|handed_off|won|lost)$")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> LeadList:
    """Leads of the loaded data whose id, company or industry contains `q`."""
    _, rows = data.get()
    needle = q.strip().lower()
    found = [
        r
        for r in rows
        if (not status or r.status == status)
        and (
            not needle
            or needle in r.lead_id.lower()
            or needle in (r.company_name or "").lower()
            or needle in (r.industry or "").lower()
        )
    ]
    return LeadList(total=len(found), leads=found[:limit])


@leads.get("/leads/{lead_id}")
def get_lead(lead_id: str, data: Data) -> dict[str, Any]:
    """One lead as a scoring request (the body of POST /v1/score)."""
    dataset, _ = data.get()
    try:
        return lead_request(dataset, lead_id)
    except KeyError:
        raise HTTPException(
            status_code=404,
            detail=error_detail(
                f"lead {lead_id!r} is not in the data; search with GET /v1/leads?q=",
                f"リード {lead_id!r} はデータにありません。",
                "unknown_lead",
            ),
        ) from None


def install(app: Any, settings: Settings) -> None:
    """Mount the page and the lead routes on `app`."""
    app.state.data = DataHolder(settings.data_dir)
    app.include_router(page)
    app.include_router(leads)
    from fastapi.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
