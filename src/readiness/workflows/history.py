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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd

from readiness.batch.parts import read_table
from readiness.batch.run import BatchResult
from readiness.clock import TIMEZONE
from readiness.data.write import atomic_write_bytes
from readiness.fields import ELEMENT_KEYS
from readiness.history import (
    POINT_COLUMNS,
    Change,
    HistoryError,
    HistoryStore,
    history_changes,
    model_version_of,
    open_store,
)
from readiness.settings import Settings, get_settings

__all__ = [
    "LeadHistory",
    "absent_sqlite",
    "api_point",
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
    rows = read_table(result.out, POINT_COLUMNS)
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


def api_point(
    answer: Mapping[str, Any], events: Sequence[tuple[datetime, str]]
) -> dict[str, Any]:
    """One /v1/score answer (`LeadScore.to_dict()`, with `timing` when asked) as a
    history point: event counts from the request's events up to as_of, memo
    elements from the answer's missing elements (explained answers only: the
    elements not missing are filled), factor contributions summed per group."""
    as_of = pd.Timestamp(answer["as_of"])
    if as_of.tzinfo is not None:
        as_of = as_of.tz_convert(TIMEZONE).tz_localize(None)
    counts: dict[str, int] = {}
    last: pd.Timestamp | None = None
    for when, kind in events:
        at = pd.Timestamp(when)
        if at.tzinfo is not None:
            at = at.tz_convert(TIMEZONE).tz_localize(None)
        if at <= as_of:
            counts[kind] = counts.get(kind, 0) + 1
            last = at if last is None or at > last else last
    factors: dict[str, float] = {}
    for f in (*answer.get("positive", ()), *answer.get("negative", ())):
        factors[f["group"]] = factors.get(f["group"], 0.0) + float(f["contribution"])
    elements: dict[str, str] | None = None
    if answer.get("positive") or answer.get("negative") or answer.get("missing"):
        elements = {k: "filled" for k in ELEMENT_KEYS}
        elements |= {m["element"]: m["status"] for m in answer.get("missing", ())}
    timing = answer.get("timing") or {}
    return {
        "lead_id": str(answer["lead_id"]),
        "as_of": as_of,
        "probability": float(answer["probability"]),
        "probability_low": answer.get("probability_low"),
        "probability_high": answer.get("probability_high"),
        "points": answer.get("points"),
        "grade": answer.get("grade"),
        "rubric_total": answer.get("rubric_total"),
        "gate_passed": answer.get("gate_passed"),
        "status": timing.get("state") or "api",
        "timing_action": timing.get("action"),
        "event_counts": counts,
        "last_event_at": last,
        "memo_elements": elements,
        "factors": factors or None,
    }


def append_api_score(
    store: HistoryStore,
    answer: Mapping[str, Any],
    *,
    events: Sequence[tuple[datetime, str]],
    meta: Mapping[str, Any],
) -> str:
    """Append one API answer as a run of kind `api`; returns its run id."""
    point = api_point(answer, events)
    return store.append_run(
        pd.DataFrame([point]),
        kind="api",
        model_version=model_version_of(meta),
        as_of=point["as_of"].to_pydatetime(),
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
    create: bool = True,
) -> LeadHistory:
    """The history of one lead from `url` (default: the settings' store);
    `create=False`: a SQLite file not made yet is an empty history."""
    settings = settings or get_settings()
    url = url or settings.resolved_history_url(data_dir)
    if url is None:
        raise HistoryError(
            "履歴は無効です（READINESS_HISTORY_URL=off） / the history is off "
            "(READINESS_HISTORY_URL=off): set it to a URL, or give --url"
        )
    if not create and absent_sqlite(url):
        return LeadHistory(str(lead_id), url, _no_points(), [])
    with open_store(url) as store:
        points = store.lead_history(lead_id)
        where = store.where
    return LeadHistory(str(lead_id), where, points, history_changes(points))


def absent_sqlite(url: str) -> bool:
    """A SQLite file that does not exist yet (reading must not create it)."""
    if not url.startswith("sqlite"):
        return False
    database = url.split("///", 1)[-1] if "///" in url else ""
    return bool(database) and database != ":memory:" and not Path(database).exists()


def _no_points() -> pd.DataFrame:
    return pd.DataFrame(columns=[*POINT_COLUMNS, "run_seq", "run_id", "kind"])
