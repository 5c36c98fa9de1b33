"""Score the whole backlog (the nightly batch) with the served model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from readiness.batch.run import BatchOptions, BatchResult, run_batch
from readiness.settings import Settings, available_cores, get_settings
from readiness.workflows.memo_cache import data_memo_cache
from readiness.workflows.served import load_served


@dataclass(frozen=True)
class ScoreBatchRun:
    result: BatchResult
    options: BatchOptions  # as run (`timing` off when no timing model could load)
    warnings: list[str] = field(default_factory=list)


def run_score_batch(
    data_dir: Path,
    out: Path,
    *,
    options: BatchOptions | None = None,
    model_dir: Path | None = None,
    model_uri: str | None = None,
    resume: bool = False,
    drafts: Path | None = None,
    fs_capacity: int | None = None,
    as_of_is_now: bool = False,
    settings: Settings | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> ScoreBatchRun:
    """Score every lead of DATA_DIR into `out` with the bundle in `model_dir`
    (default: the settings' model directory) or registered at `model_uri`.

    With `options.timing`, a timing model that cannot be loaded only drops the
    timing advice: the scores still come, and `warnings` says why.
    """
    settings = settings or get_settings()
    options = options or BatchOptions()
    model_dir = model_dir or settings.model_dir
    served = load_served(
        model_uri or model_dir,
        tracking_uri=settings.resolved_tracking_uri(),
        timing=options.timing,
        timing_dir=model_dir,
    )
    warnings = []
    if options.timing and served.timing is None:
        # Timing is one part of the backlog file: the scores still come.
        warnings.append(f"no timing advice ({served.timing_error}); scoring without it")
        options = dataclasses.replace(options, timing=False)
    if served.timing is not None:
        served.timing.set_dormant_days(settings.dormant_days)
    with data_memo_cache(data_dir, settings, warnings.append):
        result = run_batch(
            data_dir,
            out,
            bundle=served.bundle,
            options=options,
            resume=resume,
            drafts=drafts,
            fs_capacity=fs_capacity,
            as_of_is_now=as_of_is_now,
            progress=progress,
            timing=served.timing,
            workers=settings.workers or available_cores(),
        )
    return ScoreBatchRun(result=result, options=options, warnings=warnings)
