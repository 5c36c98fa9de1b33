"""Score the whole backlog (the nightly batch) with the served model."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

import pandas as pd

from readiness.alerts.rules import AlertRules
from readiness.alerts.rules_file import load_alert_rules
from readiness.batch.backlog import BatchError
from readiness.batch.export import CRMS, ExportResult, export_scores
from readiness.batch.parts import read_table
from readiness.batch.run import BatchOptions, BatchResult, run_batch
from readiness.data.write import atomic_write_bytes
from readiness.history.store import open_store, previous_points
from readiness.model.bundle import Bundle
from readiness.scoring.timing_model import TimingModel
from readiness.settings import Settings, available_cores, get_settings
from readiness.workflows.alerts import (
    batch_run_id,
    outbox_path,
    run_alerts,
)
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
    alerts: Path | None = None,
    previous: pd.DataFrame | None = None,
    history: bool = True,
) -> ScoreBatchRun:
    """Score every lead of DATA_DIR into `out` with the bundle in `model_dir`
    (default: the settings' model directory) or registered at `model_uri`.

    With `options.timing`, a timing model that cannot be loaded only drops the
    timing advice: the scores still come, and `warnings` says why.

    `engine="spark"` scores on Spark (`readiness.batch.spark`) at `spark_master`
    (default: the settings', `local[*]`): same rows, no resume.

    With alert rules (`alerts`, else the settings' READINESS_ALERTS) the rules are
    checked before any scoring and evaluated at the end against `previous` (each
    lead's previous point; default: its latest point before this run in the score
    history; without history no lead has one, so only `gate_fails` can fire);
    the summary gains an `alerts` block. An unreachable destination never fails
    the batch: its alerts wait in the outbox.

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
    rules_path = alerts or settings.alerts
    rules = load_alert_rules(rules_path) if rules_path else None
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
        result = _locally(
            data_dir,
            out,
            served.bundle,
            options,
            settings=settings,
            warnings=warnings,
            resume=resume,
            drafts=drafts,
            fs_capacity=fs_capacity,
            as_of_is_now=as_of_is_now,
            progress=progress,
            timing=served.timing,
        )
    url = settings.resolved_history_url(data_dir) if history else None
    if url is not None:
        entry = append_batch(
            result, data_dir=data_dir, meta=served.bundle.meta, url=url, started_at=now
        )
        if rules is not None and previous is None:
            # each lead's point before this run: what "crosses", "drop" and
            # "turning at risk" compare with
            with open_store(url) as store:
                previous = previous_points(store, None, entry["run_id"])
    if rules is not None:
        _with_alerts(result, rules, previous)
    return ScoreBatchRun(result=result, options=options, warnings=warnings)


def _with_alerts(
    result: BatchResult, rules: AlertRules, previous: pd.DataFrame | None
) -> None:
    """The one place a batch fires its alerts; the summary file gains the block."""
    block = run_alerts(
        rules,
        read_table(result.out),
        previous,
        run_id=batch_run_id(result.summary),
        outbox=outbox_path(result.out),
        retry_hint=f"readiness alerts deliver {result.out}",
    )
    result.summary["alerts"] = block
    text = json.dumps(result.summary, ensure_ascii=False, indent=2, default=str)
    atomic_write_bytes(result.summary_path, (text + "\n").encode("utf-8"))


def _locally(
    data_dir: Path,
    out: Path,
    bundle: Bundle,
    options: BatchOptions,
    *,
    settings: Settings,
    warnings: list[str],
    resume: bool,
    drafts: Path | None,
    fs_capacity: int | None,
    as_of_is_now: bool,
    progress: Callable[[int, int], object] | None,
    timing: TimingModel | None,
) -> BatchResult:
    """The batch in chunks on this machine, memos read through the data's cache."""
    with data_memo_cache(data_dir, settings, warnings.append):
        return run_batch(
            data_dir,
            out,
            bundle=bundle,
            options=options,
            resume=resume,
            drafts=drafts,
            fs_capacity=fs_capacity,
            as_of_is_now=as_of_is_now,
            progress=progress,
            timing=timing,
            workers=settings.workers or available_cores(),
        )


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


def run_export_scores(
    scores: Path,
    out: Path,
    *,
    crm: str,
    lang: str = "ja",
    bom: bool = True,
    id_header: str | None = None,
) -> ExportResult:
    """The CRM import CSV of the latest scores (`readiness.batch.export`)."""
    if crm not in CRMS:
        raise BatchError(f"--crm {crm!r}: choose one of {', '.join(CRMS)}")
    if lang not in ("ja", "en"):
        raise BatchError(f"--lang {lang!r}: choose ja or en")
    return export_scores(
        scores,
        out,
        crm=crm,  # type: ignore[arg-type]  # checked above
        lang=lang,  # type: ignore[arg-type]
        bom=bom,
        id_header=id_header,
    )
