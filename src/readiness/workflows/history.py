"""The score history at the edges: a batch run's rows appended, a lead's points read.

Where the store is: `Settings.resolved_history_url` (READINESS_HISTORY_URL, else
DATA_DIR/.readiness/history.sqlite; `off` disables). A batch run's id is derived
from its inputs, model, options and as_of, so running the same batch again (a
resume, a retry) replaces its points instead of adding a second run.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd

from readiness.batch.run import BatchResult
from readiness.data.write import atomic_write_bytes
from readiness.history import (
    POINT_COLUMNS,
    Change,
    HistoryError,
    history_changes,
    model_version_of,
    open_store,
)
from readiness.scoring.results import LeadScore
from readiness.settings import Settings, get_settings

__all__ = [
    "LeadHistory",
    "append_api_score",
    "append_batch",
    "data_fingerprint",
    "lead_history",
]

_TABLE_SUFFIXES: Final = (".csv", ".parquet")


def data_fingerprint(data_dir: Path) -> str:
    """Name, size and modification time of the data's table files: cheap."""
    digest = hashlib.sha256()
    for p in sorted(Path(data_dir).iterdir()):
        if p.is_file() and p.suffix.lower() in _TABLE_SUFFIXES:
            st = p.stat()
            digest.update(f"{p.name}\x1f{st.st_size}\x1f{st.st_mtime_ns}\x1e".encode())
    return digest.hexdigest()[:16]


def _batch_run_id(summary: Mapping[str, Any], fingerprint: str) -> str:
    key = json.dumps(
        [
            fingerprint,
            summary.get("as_of"),
            summary.get("model"),
            summary.get("options"),
        ],
        sort_keys=True,
        default=str,
    )
    return "batch-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _read_rows(path: Path) -> pd.DataFrame:
    wanted = list(POINT_COLUMNS)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        names = set(pq.read_schema(path).names)
        return pd.read_parquet(path, columns=[c for c in wanted if c in names])
    frame = pd.read_csv(path, usecols=lambda c: c in wanted, dtype={"lead_id": str})
    for c in ("as_of", "last_event_at"):
        if c in frame:
            frame[c] = pd.to_datetime(frame[c])
    return frame


def append_batch(
    result: BatchResult,
    *,
    data_dir: Path,
    meta: Mapping[str, Any],
    url: str,
    started_at: datetime | None = None,
) -> dict[str, Any]:
    """Append a finished batch run's rows to the store at `url`; rewrites the
    run's summary with `history` (where, run id, rows) and the "history append"
    stage in its `seconds`. Returns the `history` entry."""
    started = time.perf_counter()
    rows = _read_rows(result.out)
    fingerprint = data_fingerprint(data_dir)
    run_id = _batch_run_id(result.summary, fingerprint)
    with open_store(url) as store:
        store.append_run(
            rows,
            run_id=run_id,
            kind="batch",
            started_at=started_at,
            model_version=model_version_of(meta),
            data_fingerprint=fingerprint,
            as_of=datetime.fromisoformat(str(result.summary["as_of"])),
        )
        where = store.where
    seconds = time.perf_counter() - started
    entry = {"url": where, "run_id": run_id, "rows": len(rows)}
    result.summary["history"] = entry
    timed = result.summary.get("seconds")
    if isinstance(timed, dict):
        timed.setdefault("stages", {})["history append"] = round(seconds, 2)
        timed["total"] = round(float(timed.get("total") or 0.0) + seconds, 2)
    text = json.dumps(result.summary, ensure_ascii=False, indent=2, default=str)
    atomic_write_bytes(result.summary_path, (text + "\n").encode("utf-8"))
    return entry


def append_api_score(
    score: LeadScore,
    *,
    meta: Mapping[str, Any],
    url: str,
    timing_action: str | None = None,
) -> str:
    """Append one API answer as a run of kind `api`; returns its run id."""
    groups: dict[str, float] = {}
    for f in (*score.positive, *score.negative):
        groups[f.group] = groups.get(f.group, 0.0) + f.contribution
    row = {
        "lead_id": score.lead_id,
        "as_of": pd.Timestamp(score.as_of).tz_localize(None)
        if pd.Timestamp(score.as_of).tzinfo
        else pd.Timestamp(score.as_of),
        "probability": score.probability,
        "probability_low": getattr(score, "probability_low", None),
        "probability_high": getattr(score, "probability_high", None),
        "points": score.points,
        "grade": score.grade,
        "rubric_total": score.rubric_total,
        "gate_passed": score.gate_passed,
        "status": "api",
        "timing_action": timing_action,
        "factors": groups or None,
    }
    with open_store(url) as store:
        return store.append_run(
            pd.DataFrame([row]), kind="api", model_version=model_version_of(meta)
        )


@dataclass(frozen=True)
class LeadHistory:
    """A lead's points (oldest first) and the change between each pair."""

    lead_id: str
    url: str
    points: pd.DataFrame
    changes: list[Change]

    def to_dict(self) -> dict[str, Any]:
        shown = self.points.drop(columns=["run_seq"], errors="ignore")
        rows = json.loads(shown.to_json(orient="records", date_format="iso"))
        return {
            "lead_id": self.lead_id,
            "points": rows,
            "changes": [c.to_dict() for c in self.changes],
        }


def lead_history(
    lead_id: str,
    *,
    url: str | None = None,
    data_dir: Path | None = None,
    settings: Settings | None = None,
) -> LeadHistory:
    """The history of one lead from `url` (default: the settings' store)."""
    settings = settings or get_settings()
    url = url or settings.resolved_history_url(data_dir)
    if url is None:
        raise HistoryError(
            "履歴は無効です（READINESS_HISTORY_URL=off） / the history is off "
            "(READINESS_HISTORY_URL=off): set it to a URL, or give --url"
        )
    with open_store(url) as store:
        points = store.lead_history(lead_id)
        where = store.where
    return LeadHistory(str(lead_id), where, points, history_changes(points))
