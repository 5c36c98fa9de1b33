"""The 100-point rubric at work: which rubric applies, scoring a data directory's
hand-offs, and adopting or reverting the rubric the API and scoring show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from readiness.data.load import load_dataset
from readiness.rubric.config import Rubric, RubricError, load_rubric
from readiness.rubric.render import band_summary
from readiness.rubric.score import score_frame
from readiness.rubric.store import ACTIVE, active_rubric, adopt_rubric, rubric_history
from readiness.workflows.data import InputError


def rubric_in_use(path: Path | None, *, rubric_dir: Path) -> Rubric:
    """The rubric at `path`; without one, the adopted rubric, else the articles'."""
    if path is not None:
        return load_rubric(path)
    return active_rubric(rubric_dir) or load_rubric(None)


@dataclass(frozen=True)
class HandoffScores:
    """Every hand-off of a data directory scored with one rubric."""

    rubric: Rubric
    scored: pd.DataFrame  # one row per hand-off: total, items, band, gate
    summary: pd.DataFrame  # per band (with the win rate when outcomes are known)
    out: Path | None
    all_memos_empty: bool


def score_handoffs(
    data_dir: Path,
    *,
    rubric: Rubric,
    out: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> HandoffScores:
    """Score every hand-off of DATA_DIR; write the scores to `out` (.csv/.parquet).

    `progress(done, total)` follows the memos.
    """
    dataset = load_dataset(data_dir)
    handoffs = dataset.handoffs
    if not len(handoffs):
        raise InputError(
            f"{data_dir} has no hand-offs to score: add the handoffs table "
            "(see README, the data contract)"
        )
    memos = handoffs["memo"].fillna("").astype("str").str.strip()
    done = 0

    def scored_some(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, len(handoffs))

    scored = score_frame(handoffs, rubric=rubric, progress=scored_some)
    outcomes = dataset.outcomes
    labelled = scored
    if len(outcomes) and "won" in outcomes:
        won = outcomes.set_index("lead_id")["won"]
        labelled = scored.assign(won=scored["lead_id"].map(won))
    summary = band_summary(labelled)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            scored.to_csv(out, index=False)
        else:
            scored.to_parquet(out, index=False)
    return HandoffScores(
        rubric=rubric,
        scored=scored,
        summary=summary,
        out=out,
        all_memos_empty=not memos.ne("").any(),
    )


def adopt(rubric_file: Path, *, rubric_dir: Path) -> tuple[Rubric, Path | None]:
    """Make RUBRIC_FILE the active rubric; (rubric, where the previous one is kept)."""
    try:
        return adopt_rubric(rubric_file, rubric_dir)
    except RubricError as exc:
        raise RubricError(f"{exc}\nnothing was changed") from exc


@dataclass(frozen=True)
class RubricVersion:
    path: Path
    active: bool
    name: str | None  # None: the file cannot be read as a rubric
    weights: tuple[float, ...]


def rubric_versions(rubric_dir: Path) -> list[RubricVersion]:
    """The kept versions (oldest first), then the active one, as far as they exist."""
    versions = []
    for path in [*rubric_history(rubric_dir), rubric_dir / ACTIVE]:
        if not path.exists():
            continue
        try:
            r = load_rubric(path)
        except RubricError:
            versions.append(RubricVersion(path, path.name == ACTIVE, None, ()))
            continue
        weights = tuple(i.weight for i in r.items.values())
        versions.append(RubricVersion(path, path.name == ACTIVE, r.name, weights))
    return versions
