"""Recommend rubric weights and bands from outcomes: report, rubric.yaml, MLflow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from readiness.data.contract import Dataset
from readiness.features.build import build_features, labelled_points, toss_up_points
from readiness.model.bundle import dataset_fingerprint, load_bundle
from readiness.model.effects import ElementEffects, estimate_element_effects
from readiness.reports.recalibration import write_recalibration
from readiness.reports.recalibration_effects import effect_warnings
from readiness.rubric.config import Rubric
from readiness.rubric.recalibrate import (
    Recalibration,
    RecalibrationConfig,
    check_recalibration_data,
    recalibrate,
)
from readiness.settings import Settings, get_settings
from readiness.workflows.data import Progress, load_data
from readiness.workflows.rubric import rubric_in_use

# Fewer closed toss-ups than this leave every element's interval too wide to use.
MIN_ADJUSTED = 300


@dataclass(frozen=True)
class RecalibrationRun:
    result: Recalibration
    rubric: Rubric  # the rubric it started from
    paths: dict[str, Path]  # html, json, rubric (the recommended rubric.yaml), ...
    run_id: str | None  # None: not logged to MLflow
    effects: ElementEffects | None = None  # adjusted element effects, if estimated
    effect_warnings: tuple[str, ...] = ()


def run_recalibration(
    data_dir: Path,
    *,
    out_dir: Path,
    rubric_path: Path | None = None,
    bands: Literal["share", "win_rate"] = "share",
    target_win_rate: float | None = None,
    target_standard_win_rate: float | None = None,
    bootstrap: int = 200,
    seed: int = 0,
    bundle_dir: Path | None = None,
    tracking: bool = True,
    adjusted: bool = True,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> RecalibrationRun:
    """Recalibrate the rubric in use (or `rubric_path`) on DATA_DIR's outcomes and
    write the report and the recommended rubric.yaml into `out_dir`.

    With `bundle_dir`, the report shows how that model's probability maps to
    each band. With `adjusted` (the default) and at least MIN_ADJUSTED closed
    toss-ups, each element's effect adjusted for behaviour and intent is estimated
    (`model.effects`) and the report sets it beside the weights, with warnings.
    """
    settings = settings or get_settings()
    rubric = rubric_in_use(rubric_path, rubric_dir=settings.rubric_dir)
    dataset = load_data(data_dir)
    check_recalibration_data(dataset)
    probability = None
    if bundle_dir is not None:
        probability = bundle_probability(dataset, bundle_dir)
    config = RecalibrationConfig(
        n_bootstrap=bootstrap,
        seed=seed,
        target_high=target_win_rate,
        target_standard=target_standard_win_rate,
        bands=bands,
    )
    if progress is not None:
        progress(f"recalibrating {rubric.name!r} on {data_dir} ...")
    result = recalibrate(
        dataset, rubric=rubric, config=config, model_probability=probability
    )
    effects = None
    if adjusted:
        points = labelled_points(dataset)
        if len(points) >= MIN_ADJUSTED:
            if progress is not None:
                progress(f"adjusted element effects on {len(points):,} toss-ups ...")
            features = build_features(dataset, points, rubric=rubric)
            effects = estimate_element_effects(features, points["won"], seed=seed)
        else:
            result.notes.append(
                f"adjusted element effects need at least {MIN_ADJUSTED} closed "
                f"toss-ups (have {len(points)}); not estimated / 調整後の要素効果は"
                f"{MIN_ADJUSTED}件以上の完了トスアップが必要です"
            )
    fingerprint = dataset_fingerprint(dataset)
    meta = {
        "data": str(data_dir),
        "data fingerprint": fingerprint,
        "rubric": rubric.name,
    }
    paths = write_recalibration(
        result, rubric, out_dir, source=str(data_dir), meta=meta, effects=effects
    )
    run_id = None
    if tracking:
        from readiness.workflows.tracking import log_recalibration

        run_id = log_recalibration(
            result.to_dict(),
            out_dir,
            tracking_uri=settings.resolved_tracking_uri(),
            artifact_dir=settings.artifact_dir,
            data_fingerprint=fingerprint,
        )
    warned = tuple(effect_warnings(result, effects)) if effects is not None else ()
    return RecalibrationRun(
        result=result,
        rubric=rubric,
        paths=paths,
        run_id=run_id,
        effects=effects,
        effect_warnings=warned,
    )


def bundle_probability(dataset: Dataset, bundle_dir: Path) -> pd.Series:
    """lead_id → the bundle's win probability at each toss-up."""
    bundle = load_bundle(bundle_dir)
    points = toss_up_points(dataset)
    features = build_features(dataset, points, rubric=bundle.rubric)
    predicted = bundle.predict(features)
    return predicted["probability"].set_axis(points["lead_id"].to_numpy())
