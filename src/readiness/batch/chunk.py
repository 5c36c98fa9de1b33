"""Scoring one chunk of the backlog: the unit of work of every engine.

A chunk is the raw rows of some leads (all rows of a lead id together), as
`readiness.batch.backlog.chunk_frames` cuts them: the local engine runs
`score_chunk` on each chunk in turn; the Spark engine runs the same function on
each executor's bucket of leads (`readiness.batch.spark`). So both engines share
validation, backlog points, features, memo parsing (through the active memo
cache), predict and timing advice, and give the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.batch.backlog import (
    Backlog,
    BatchError,
    backlog_points,
    clean_ids,
    validate_chunk,
)
from readiness.batch.facts import FACT_COLUMNS, lead_facts
from readiness.batch.summary import drift_references, population_of
from readiness.data.contract import Dataset
from readiness.features.build import build_features
from readiness.model.bundle import Bundle
from readiness.model.drift import reference_counts
from readiness.scoring.results import LeadScore, score_table
from readiness.scoring.score import score_points
from readiness.scoring.timing import recommend
from readiness.scoring.timing_model import TimingModel
from readiness.stopwatch import stage

__all__ = [
    "TIMING_COLUMNS",
    "BatchOptions",
    "ChunkResult",
    "backlog_sizes",
    "drift_steps",
    "explain_chunk",
    "parse_explain",
    "score_chunk",
]

TIMING_COLUMNS: Final = ("timing_action", "timing_action_ja", "timing_next_element")


@dataclass(frozen=True)
class BatchOptions:
    """What a run computes; any change makes earlier parts unusable for `resume`."""

    as_of: datetime | None = None  # naive Asia/Tokyo; None: latest in data + 1 s
    chunk_size: int = 50_000
    explain: str = "top:500"  # "none" | "all" | "top:N"
    include_closed: bool = False
    top_k: int = 3
    drift_sample: int = 10_000  # points whose features are counted for drift
    timing: bool = False  # timing advice for the open leads (needs a timing model)


def parse_explain(text: str) -> str:
    """Normalise `none`, `all` or `top:N`; raise BatchError otherwise."""
    value = str(text).strip().lower()
    if value in ("none", "all"):
        return value
    if value.startswith("top:") and value[4:].isdigit():
        return f"top:{int(value[4:])}"
    raise BatchError(
        f"--explain {text!r}: write none, all or top:N (e.g. top:500, the N "
        "highest-ranked leads)"
    )


@dataclass
class ChunkResult:
    """One chunk scored: rows, rejects, and the counts the run adds up."""

    scored: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    closed: int
    drift_counts: dict[str, dict[str, list[int]]]

    @property
    def rejected(self) -> int:
        """Lead rows rejected (rows of other tables are reported, not counted)."""
        rejects = self.rejects
        return int((rejects["table"] == "leads").sum()) if len(rejects) else 0

    def check_balance(self, where: str) -> None:
        """Rows in = scored + rejected + closed, or the run stops: a bug lost rows."""
        if self.rows_in != len(self.scored) + self.rejected + self.closed:
            raise BatchError(
                f"{where}: {self.rows_in} lead rows in but {len(self.scored)} scored "
                f"+ {self.rejected} rejected + {self.closed} closed; this is a bug"
            )


def _rows(scores: Sequence[LeadScore], status: Sequence[str]) -> pd.DataFrame:
    rows = score_table(scores)
    rows.insert(1, "status", list(status))
    return rows


def score_chunk(
    frames: Mapping[str, pd.DataFrame],
    *,
    bundle: Bundle,
    extras: Mapping[str, Any],
    as_of: datetime,
    options: BatchOptions,
    drift_step: Mapping[str, int],
    timing: TimingModel | None = None,
) -> ChunkResult:
    """Score the raw rows of one chunk (row numbers of the files as index)."""
    with stage("validate"):
        dataset, rejects = validate_chunk(frames, extras)
    with stage("backlog points"):
        points, late, n_closed = backlog_points(
            dataset, frames.get("drafts"), as_of, options.include_closed
        )
    if len(late):
        rows = frames["leads"]
        key = clean_ids(rows["lead_id"])
        late["row"] = [int(rows.index[key == lid][0]) + 1 for lid in late["lead_id"]]
        rejects = pd.concat([rejects, late], ignore_index=True)
    explain = options.explain == "all"
    scored = _rows([], [])
    counts: dict[str, dict[str, list[int]]] = {}
    if len(points):
        with stage("scoring (rest)"):
            scores = score_points(
                dataset,
                points.drop(columns="status"),
                bundle=bundle,
                explain=explain,
                top_k=options.top_k,
            )
        with stage("result rows"):
            scored = _rows(scores, points["status"].tolist())
        if timing is not None:
            with stage("timing advice"):
                scored = _with_timing(scored, dataset, points, bundle, timing)
        with stage("history facts"):
            facts = lead_facts(dataset, points, bundle.rubric)
            scored = pd.concat([scored, facts.set_axis(scored.index)], axis=1)
        with stage("drift sample"):
            counts = _drift_counts(dataset, points, bundle, drift_step)
    if not len(points):
        scored = scored.assign(**{c: pd.Series(dtype=object) for c in FACT_COLUMNS})
    return ChunkResult(scored, rejects, len(frames["leads"]), n_closed, counts)


def explain_chunk(
    frames: Mapping[str, pd.DataFrame],
    wanted: set[str],
    *,
    bundle: Bundle,
    extras: Mapping[str, Any],
    as_of: datetime,
    options: BatchOptions,
) -> pd.DataFrame:
    """The rows of the `wanted` leads of a chunk, scored again with explanations."""
    dataset, _ = validate_chunk(frames, extras)
    points, _, _ = backlog_points(dataset, frames.get("drafts"), as_of, True)
    points = points[points["lead_id"].isin(wanted)].reset_index(drop=True)
    scores = score_points(
        dataset,
        points.drop(columns="status"),
        bundle=bundle,
        explain=True,
        top_k=options.top_k,
    )
    return _rows(scores, points["status"].tolist())


def _drift_counts(
    dataset: Dataset, points: pd.DataFrame, bundle: Bundle, step: Mapping[str, int]
) -> dict[str, dict[str, list[int]]]:
    """Drift counts of a sample of the points, per population the bundle has a
    reference for (hand-offs and open leads; or "all" with an older bundle)."""
    references = drift_references(bundle.meta)
    population = population_of(points["status"], references)
    out: dict[str, dict[str, list[int]]] = {}
    for name, reference in references.items():
        rows = points[(population == name).to_numpy()]
        sample = rows.iloc[:: step.get(name, 1)].drop(columns="status")
        if len(sample):
            features = build_features(dataset, sample, rubric=bundle.rubric)
            out[name] = reference_counts(features, reference)
    return out


def drift_steps(sizes: Mapping[str, int], options: BatchOptions) -> dict[str, int]:
    """Every k-th point per population, so each gives about `drift_sample` points.

    `sizes`: leads in the backlog (`all`), those scored as hand-offs and the open
    ones (`backlog_sizes` for a backlog read on one machine).
    """
    return {
        k: max(1, math.ceil(n / max(1, options.drift_sample))) for k, n in sizes.items()
    }


def backlog_sizes(backlog: Backlog, options: BatchOptions) -> dict[str, int]:
    """How many leads each drift population has in a backlog read on one machine."""
    handed = closed = pd.Index([], dtype="str")
    if backlog.handoffs is not None and "lead_id" in backlog.handoffs:
        handed = pd.Index(clean_ids(backlog.handoffs["lead_id"]).dropna().unique())
    if backlog.outcomes is not None and "lead_id" in backlog.outcomes:
        closed = pd.Index(clean_ids(backlog.outcomes["lead_id"]).dropna().unique())
    scored_handed = handed if options.include_closed else handed.difference(closed)
    return {
        "all": len(backlog.leads),
        "handed_off": int(backlog.uniques.isin(scored_handed).sum()),
        "open": int((~backlog.uniques.isin(handed)).sum()),
    }


def _with_timing(
    scored: pd.DataFrame,
    dataset: Dataset,
    points: pd.DataFrame,
    bundle: Bundle,
    timing: TimingModel,
) -> pd.DataFrame:
    """The timing advice of each open lead (blank for leads already handed off)."""
    out = scored.assign(**{c: "" for c in TIMING_COLUMNS})
    open_rows = np.flatnonzero(points["status"].to_numpy() == "open")
    if not len(open_rows):
        return out
    chosen = points.iloc[open_rows].drop(columns="status").reset_index(drop=True)
    advice = recommend(dataset, chosen, bundle=bundle, timing=timing)
    nxt = [a.next_element.element if a.next_element else "" for a in advice]
    out.loc[out.index[open_rows], "timing_action"] = [a.action for a in advice]
    out.loc[out.index[open_rows], "timing_action_ja"] = [a.action_ja for a in advice]
    out.loc[out.index[open_rows], "timing_next_element"] = nxt
    return out
