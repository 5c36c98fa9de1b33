"""Score the whole backlog (the nightly batch) with the served model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from readiness.batch.backlog import BatchError
from readiness.batch.run import BatchOptions, BatchResult, run_batch
from readiness.model.bundle import Bundle
from readiness.scoring.timing_model import TimingModel
from readiness.settings import Settings, available_cores, get_settings
from readiness.workflows.history import append_batch
from readiness.workflows.memo_cache import data_memo_cache
from readiness.workflows.served import load_served

ENGINES: Final = ("local", "spark")


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
    engine: str = "local",
    spark_master: str | None = None,
    history: bool = True,
) -> ScoreBatchRun:
    """Score every lead of DATA_DIR into `out` with the bundle in `model_dir`
    (default: the settings' model directory) or registered at `model_uri`.

    With `options.timing`, a timing model that cannot be loaded only drops the
    timing advice: the scores still come, and `warnings` says why.

    `engine="spark"` scores on Spark (`readiness.batch.spark`) at `spark_master`
    (default: the settings', `local[*]`): same rows, no resume.

    With `history` (and READINESS_HISTORY_URL not `off`) the scored rows are
    appended to the score history once the output is written; the summary's
    `history` says where and how many.
    """
    if engine not in ENGINES:
        raise BatchError(f"--engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "spark" and resume:
        raise BatchError(
            "--resume は local エンジンだけです / --resume works with the local "
            "engine only: a Spark run keeps no parts; run again without --resume"
        )
    settings = settings or get_settings()
    now = datetime.now()
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
    if engine == "spark":
        result = _on_spark(
            data_dir,
            out,
            served.bundle,
            options,
            master=spark_master or settings.spark_master,
            drafts=drafts,
            fs_capacity=fs_capacity,
            timing=served.timing,
            progress=progress,
        )
    else:
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
    url = settings.resolved_history_url(data_dir) if history else None
    if url is not None:
        append_batch(
            result, data_dir=data_dir, meta=served.bundle.meta, url=url, started_at=now
        )
    return ScoreBatchRun(result=result, options=options, warnings=warnings)


def _on_spark(
    data_dir: Path,
    out: Path,
    bundle: Bundle,
    options: BatchOptions,
    *,
    master: str,
    drafts: Path | None,
    fs_capacity: int | None,
    timing: TimingModel | None,
    progress: Callable[[int, int], object] | None,
) -> BatchResult:
    """The batch on a Spark session at `master`. Each executor reads memos through
    its own in-memory cache (the file cache beside the data is not shared)."""
    from readiness.batch.spark import spark_score_batch
    from readiness.workflows.spark import spark_session

    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with spark_session(master, app="readiness score-batch") as spark:
        return spark_score_batch(
            spark,
            data_dir,
            out,
            bundle=bundle,
            options=options,
            drafts=drafts,
            fs_capacity=fs_capacity,
            timing=timing,
            progress=progress,
        )
