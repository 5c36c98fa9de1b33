"""Recommend rubric weights and bands from outcomes: report, rubric.yaml, MLflow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from readiness.data.contract import Dataset
from readiness.features.build import build_features, labelled_points, toss_up_points
from readiness.model.bundle import dataset_fingerprint, load_bundle
from readiness.model.effect_weights import EffectWeights, effect_weights
from readiness.model.effects import ElementEffects, estimate_element_effects
from readiness.reports.recalibration import write_recalibration
from readiness.reports.recalibration_effects import (
    ITEM_ELEMENTS,
    effect_warnings,
    effect_weight_warnings,
)
from readiness.rubric.config import Rubric
from readiness.rubric.recalibrate import (
    Recalibration,
    RecalibrationConfig,
    WeightsCheck,
    check_recalibration_data,
    check_weights,
    recalibrate,
)
from readiness.settings import Settings, get_settings
from readiness.workflows.data import Progress, load_data
from readiness.workflows.rubric import rubric_in_use

# Fewer closed toss-ups than this leave every element's interval too wide to use.
MIN_ADJUSTED = 300
WeightsChoice = Literal["outcomes", "effects"]


@dataclass(frozen=True)
class RecalibrationRun:
    result: Recalibration
    rubric: Rubric  # the rubric it started from
    paths: dict[str, Path]  # html, json, rubric (the recommended rubric.yaml), ...
    run_id: str | None  # None: not logged to MLflow
    effects: ElementEffects | None = None  # adjusted element effects, if estimated
    effect_warnings: tuple[str, ...] = ()
    # effect-following weights and their cut-offs / held-out check, if any
    effect_weights: EffectWeights | None = None
    effect_check: WeightsCheck | None = None
    weights_written: WeightsChoice = "outcomes"  # which went into rubric.yaml
    fallback_note: str = ""  # why `effects` was asked for and `outcomes` written


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
    weights: WeightsChoice = "outcomes",
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> RecalibrationRun:
    """Recalibrate the rubric in use (or `rubric_path`) on DATA_DIR's outcomes and
    write the report and the recommended rubric.yaml into `out_dir`.

    With `bundle_dir`, the report shows how that model's probability maps to
    each band. With `adjusted` (the default) and at least MIN_ADJUSTED closed
    toss-ups, each element's effect adjusted for behaviour and intent is estimated
    (`model.effects`) and the report sets it beside the weights, with warnings,
    together with weights that follow those effects (`model.effect_weights`).
    `weights` picks what goes into rubric.yaml: the recommended weights fitted to
    outcomes, or the effect-following ones (falling back to outcomes, with a
    note, when the effects support none).
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
    weights_fit = check = None
    if effects is not None:
        items = {k: ITEM_ELEMENTS.get(k, ()) for k in result.items}
        weights_fit = effect_weights(effects, items, seed=seed)
        if weights_fit.weights is not None:
            check = check_weights(
                dataset,
                result,
                weights_fit.weights,
                rubric=rubric,
                seed=seed,
                model_probability=probability,
            )
    fallback = ""
    if weights == "effects" and check is None:
        why = (
            weights_fit.reason
            if weights_fit is not None
            else "the adjusted effects were not estimated"
        )
        fallback = (
            f"--weights effects: {why}; rubric.yaml carries the weights fitted to "
            "outcomes / 効果に基づく配点がないため、rubric.yaml には受注実績に"
            "基づく推奨配点を書き出しました"
        )
        result.notes.append(fallback)
    written: WeightsChoice = "effects" if weights == "effects" and check else "outcomes"
    fingerprint = dataset_fingerprint(dataset)
    meta = {
        "data": str(data_dir),
        "data fingerprint": fingerprint,
        "rubric": rubric.name,
    }
    paths = write_recalibration(
        result,
        rubric,
        out_dir,
        source=str(data_dir),
        meta=meta,
        effects=effects,
        effect_weights=weights_fit,
        effect_check=check,
        write_effect_weights=written == "effects",
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
    if weights_fit is not None:
        warned += tuple(effect_weight_warnings(result, weights_fit))
    return RecalibrationRun(
        result=result,
        rubric=rubric,
        paths=paths,
        run_id=run_id,
        effects=effects,
        effect_warnings=warned,
        effect_weights=weights_fit,
        effect_check=check,
        weights_written=written,
        fallback_note=fallback,
    )


def bundle_probability(dataset: Dataset, bundle_dir: Path) -> pd.Series:
    """lead_id → the bundle's win probability at each toss-up."""
    bundle = load_bundle(bundle_dir)
    points = toss_up_points(dataset)
    features = build_features(dataset, points, rubric=bundle.rubric)
    predicted = bundle.predict(features)
    return predicted["probability"].set_axis(points["lead_id"].to_numpy())
