"""Timing advice for every open lead: toss up now, keep nurturing or at risk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from readiness.data.contract import Dataset
from readiness.data.write import atomic_write_bytes, csv_bytes, parquet_bytes
from readiness.scoring.timing import advice_frame, open_lead_points, recommend
from readiness.scoring.timing_model import TimingModel
from readiness.scoring.timing_store import TIMING_FILE, save_timing
from readiness.settings import Settings, get_settings
from readiness.workflows.data import InputError, Progress, load_data
from readiness.workflows.memo_cache import data_memo_cache
from readiness.workflows.served import ServedModel, load_served

CHUNK = 2_000  # open leads advised at once
ACTIONS = ("toss_up_now", "at_risk", "keep_nurturing", "recycle", "no_advice")


@dataclass(frozen=True)
class TimingRun:
    advice: pd.DataFrame  # one row per open lead (`advice_frame`)
    out: Path | None  # where the table was written
    saved: Path | None  # the timing model, when it was learned by this run

    def counts(self) -> dict[str, int]:
        """Open leads per action, every action named."""
        found = self.advice["action"].value_counts()
        return {k: int(found.get(k, 0)) for k in ACTIONS}


def run_timing(
    data_dir: Path,
    *,
    model_dir: Path | None = None,
    as_of: datetime | None = None,
    out: Path | None = None,
    refit: bool = False,
    dormant_days: float | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    advised: Callable[[int, int], None] | None = None,
) -> TimingRun:
    """Advise on each lead of DATA_DIR open at `as_of` (default: the export moment).

    The timing model saved beside the bundle is used; without one (or with
    `refit`) it is learned from DATA_DIR's history and saved there. `out` (.csv or
    .parquet) receives the advice table. `advised(done, total)` follows the leads.
    `dormant_days` (else READINESS_DORMANT_DAYS, else what the model learned): days
    without activity after which an open lead is dormant.
    """
    settings = settings or get_settings()
    model_dir = model_dir or settings.model_dir
    say = progress or (lambda _msg: None)
    served = load_served(model_dir, timing=not refit)
    dataset = load_data(data_dir)
    with data_memo_cache(data_dir, settings, say):
        return _advise(
            dataset, served, data_dir, model_dir, as_of, out, refit, dormant_days,
            settings, say, advised,
        )  # fmt: skip


def _advise(
    dataset: Dataset,
    served: ServedModel,
    data_dir: Path,
    model_dir: Path,
    as_of: datetime | None,
    out: Path | None,
    refit: bool,
    dormant_days: float | None,
    settings: Settings,
    say: Progress,
    advised: Callable[[int, int], None] | None,
) -> TimingRun:
    timing = served.timing
    saved = None
    if timing is None:
        if not refit and (model_dir / TIMING_FILE).exists():
            say(f"{served.timing_error}; learning it from {data_dir} now")
        elif not refit:
            say(f"… learning the timing model from {data_dir}")
        timing = TimingModel(n_jobs=settings.n_jobs).fit(dataset, progress=say)
        saved = save_timing(timing, model_dir)
        say(f"timing model saved: {saved}")
    timing.set_dormant_days(
        dormant_days if dormant_days is not None else settings.dormant_days
    )
    points = open_lead_points(dataset, as_of=as_of)
    if not len(points):
        raise InputError(
            f"no open lead in {data_dir} at {as_of or 'the export moment'}: every "
            "lead created by then was already tossed up"
        )
    advice = []
    if advised is not None:
        advised(0, len(points))
    for lo in range(0, len(points), CHUNK):
        chunk = points.iloc[lo : lo + CHUNK].reset_index(drop=True)
        advice += recommend(dataset, chunk, bundle=served.bundle, timing=timing)
        if advised is not None:
            advised(lo + len(chunk), len(points))
    frame = advice_frame(advice)
    if out is not None:
        data = (
            parquet_bytes(frame, path=out, table="timing")
            if out.suffix.lower() == ".parquet"
            else csv_bytes(frame, path=out, table="timing", encoding="utf-8")
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out, data)
    return TimingRun(advice=frame, out=out, saved=saved)
