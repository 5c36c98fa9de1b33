"""The history tables: one row per run, one row per (lead, run) point.

The migrations (`migrations/versions`) create these; this module is the shape
the store reads and writes through, kept equal to the head revision (a test
compares them). Runs are ordered by `run_seq` (an integer the store assigns),
so "before a run" is `run_seq <` that run's; `run_id` is the caller's name.
Lists that grow with the vocabulary (event kinds, memo elements, factor groups)
are JSON text, so a new event kind needs no migration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

import sqlalchemy as sa

__all__ = ["POINT_COLUMNS", "metadata", "model_version_of", "points", "runs"]

metadata = sa.MetaData()

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(8), nullable=False),  # batch | api
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("model_version", sa.String(64), nullable=True),
    sa.Column("data_fingerprint", sa.String(128), nullable=True),
    sa.Column("as_of", sa.DateTime, nullable=True),
    sa.Column("n_rows", sa.Integer, nullable=False, default=0),
)

points = sa.Table(
    "points",
    metadata,
    sa.Column("lead_id", sa.String(64), primary_key=True),
    sa.Column("run_seq", sa.Integer, primary_key=True),  # runs.run_seq
    sa.Column("as_of", sa.DateTime, nullable=False),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("probability_low", sa.Float, nullable=True),
    sa.Column("probability_high", sa.Float, nullable=True),
    sa.Column("points", sa.Float, nullable=True),
    sa.Column("grade", sa.String(8), nullable=True),
    sa.Column("rubric_total", sa.Float, nullable=True),
    sa.Column("gate_passed", sa.Boolean, nullable=True),
    sa.Column("status", sa.String(16), nullable=True),
    sa.Column("timing_action", sa.String(32), nullable=True),
    sa.Column("model_version", sa.String(64), nullable=True),
    # {"web_visit": 3, ...}: events of each kind up to as_of
    sa.Column("event_counts", sa.Text, nullable=True),
    sa.Column("last_event_at", sa.DateTime, nullable=True),
    # {"budget": "filled", ...}: each memo element's status (readiness.fields)
    sa.Column("memo_elements", sa.Text, nullable=True),
    # {"behaviour": 0.41, ...}: summed log-odds contributions per factor group
    sa.Column("factors", sa.Text, nullable=True),
)
# The primary key (lead_id, run_seq) is the index a lead's history reads.

# Columns of `points` a caller may give (`HistoryStore.append_run`), in order.
POINT_COLUMNS: Final[tuple[str, ...]] = tuple(
    c.name for c in points.columns if c.name != "run_seq"
)


def model_version_of(meta: Mapping[str, Any]) -> str:
    """The model version a point records: the registry's version ("v3"), else a
    short id of the bundle (when and on what it was trained), so a retrained
    bundle served from a directory still shows as a model change."""
    version = meta.get("registered_version")
    if version not in (None, ""):
        return f"v{version}"
    key = "|".join(str(meta.get(k) or "") for k in ("trained_at", "data_fingerprint"))
    return "bundle-" + hashlib.sha256(key.encode()).hexdigest()[:8]
