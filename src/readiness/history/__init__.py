"""Score history: every batch run and (opt-in) API score, kept, and what changed.

Interface (kept stable for `readiness.workflows` and the alerts):

    open_store(url: str) -> HistoryStore
        Any SQLAlchemy URL (sqlite:///…/history.sqlite, postgresql+psycopg://…);
        creates the schema or upgrades it to head (Alembic); HistoryError when
        the URL is unusable or the database is of a newer readiness.
    HistoryStore.append_run(rows: pd.DataFrame, *, run_id: str | None = None,
                            kind: "batch" | "api" = "batch",
                            started_at=None, finished_at=None,
                            model_version=None, data_fingerprint=None,
                            as_of=None) -> str  (the run id)
        One row per lead: lead_id, as_of, probability and any of
        `POINT_COLUMNS`; the same run id again replaces that run's points.
    HistoryStore.lead_history(lead_id: str) -> pd.DataFrame
        A lead's points, oldest first, with run_id and kind.
    previous_points(store, lead_ids: Sequence[str] | None,
                    before_run_id: str | None) -> pd.DataFrame
        One row per lead: its latest point strictly before `before_run_id`
        (latest overall when None or not yet stored); columns lead_id, run_id,
        as_of, probability, probability_low, probability_high, points, grade,
        rubric_total, gate_passed, status, timing_action (None when absent),
        model_version.
    what_changed(before: Mapping, after: Mapping) -> Change
        Between two stored points: new events, memo elements filled or lost,
        grade / probability / timing change, and a model change kept apart
        from the data's, with ja/en sentences.

This package is a stage (the level of `readiness.batch`): it never imports the
workflows, CLI or API; they call it.
"""

from __future__ import annotations

from readiness.history.changes import (
    Change,
    ElementChange,
    history_changes,
    what_changed,
)
from readiness.history.schema import POINT_COLUMNS, model_version_of
from readiness.history.store import (
    PREVIOUS_COLUMNS,
    HistoryError,
    HistoryStore,
    RunKind,
    head_revision,
    open_store,
    previous_points,
)

__all__ = [
    "POINT_COLUMNS",
    "PREVIOUS_COLUMNS",
    "Change",
    "ElementChange",
    "HistoryError",
    "HistoryStore",
    "RunKind",
    "head_revision",
    "history_changes",
    "model_version_of",
    "open_store",
    "previous_points",
    "what_changed",
]
