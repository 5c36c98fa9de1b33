"""A lead's score history: its points over time and what changed between them."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field

from api.deps import History
from api.errors import error_detail
from api.routes import documented, v1_router
from readiness.history import history_changes

router = v1_router(404, tags=["leads"])


class HistoryOut(BaseModel):
    lead_id: str
    points: list[dict[str, Any]] = Field(
        description="The lead's points, oldest first: run, as_of, probability, "
        "grade, timing action, model version, event counts, memo elements."
    )
    changes: list[dict[str, Any]] = Field(
        description="Between each two consecutive points: what changed and why "
        "(reasons in ja and en; a model change is told apart from the data's)."
    )


@router.get("/leads/{lead_id}/history", responses=documented(404, 422))
def lead_history(lead_id: str, history: History) -> HistoryOut:
    """A lead's scores over the batch runs (and API scores, when kept) and, between
    two points, what changed and why."""
    store = history.store(create=False)
    points = store.lead_history(lead_id) if store is not None else None
    if points is None or not len(points):
        where = "off" if history.url is None else "not in the history"
        raise HTTPException(
            status_code=404,
            detail=error_detail(
                f"lead {lead_id!r} has no score history ({where}); the nightly "
                "`readiness score-batch` adds each lead, and /v1/score does when "
                "READINESS_HISTORY_API=1",
                f"リード {lead_id!r} のスコア履歴はありません。`readiness "
                "score-batch` の実行で記録されます（/v1/score は "
                "READINESS_HISTORY_API=1 のとき）。",
                "unknown_lead",
            ),
        )
    shown = points.drop(columns=["run_seq"])
    rows = shown.astype(object).where(shown.notna(), None).to_dict("records")
    return HistoryOut(
        lead_id=lead_id,
        points=[_plain(r) for r in rows],
        changes=[c.to_dict() for c in history_changes(points)],
    )


def _plain(row: dict[Any, Any]) -> dict[str, Any]:
    return {
        str(k): v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()
    }
