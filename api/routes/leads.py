"""The leads of READINESS_DATA_DIR, for the page to pick one from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Query
from pydantic import BaseModel

from api.deps import Data
from api.errors import error_detail
from api.routes import documented, v1_router
from readiness.scoring.lead import lead_request

router = v1_router(404, tags=["leads"])


class LeadRow(BaseModel):
    lead_id: str
    company_name: str | None
    industry: str | None
    status: str  # open | handed_off | won | lost


class LeadList(BaseModel):
    total: int
    leads: list[LeadRow]


@router.get("/leads", responses=documented(422))
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
    return LeadList(
        total=len(found),
        leads=[
            LeadRow(
                lead_id=r.lead_id,
                company_name=r.company_name,
                industry=r.industry,
                status=r.status,
            )
            for r in found[:limit]
        ],
    )


@router.get("/leads/{lead_id}", responses=documented(422))
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
