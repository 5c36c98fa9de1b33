"""Evaluate a saved bundle on newer outcomes, against the rubric, with a report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from readiness.features.build import build_features, labelled_points
from readiness.model.bundle import load_bundle
from readiness.model.evaluate import Evaluation, evaluate
from readiness.model.train import prediction_frame
from readiness.reports.evaluation import write_report
from readiness.settings import Settings, get_settings
from readiness.workflows.data import (
    InputError,
    import_time_order,
    load_data,
    simulated_truth,
)


@dataclass(frozen=True)
class EvaluationRun:
    evaluation: Evaluation
    report_paths: dict[str, Path]
    after_training: bool
    # Toss-ups the model was trained on and scored again (0 after training).
    in_sample: int

    @property
    def report_path(self) -> Path:
        return self.report_paths["html"]


def run_evaluation(
    data_dir: Path,
    *,
    model_dir: Path | None = None,
    out_dir: Path | None = None,
    after_training: bool = True,
    settings: Settings | None = None,
) -> EvaluationRun:
    """Score DATA_DIR's closed toss-ups with the bundle in `model_dir` and the
    rubric; write the report to `out_dir` (default MODEL_DIR/evaluation).

    `after_training` keeps only toss-ups after the training window (honest);
    otherwise every toss-up is scored and the report says it is in-sample.
    """
    model_dir = model_dir or (settings or get_settings()).model_dir
    bundle = load_bundle(model_dir)
    dataset = load_data(data_dir)
    points = labelled_points(dataset)
    trained = bundle.meta.get("split", {})
    until = pd.Timestamp(trained["train_until"])
    if after_training:
        points = points[points["as_of"] > until].reset_index(drop=True)
    if points["won"].nunique() < 2:
        raise InputError(
            f"{len(points)} closed toss-ups to evaluate on, not both won and lost; "
            + (
                "use --all or a directory with newer outcomes"
                if after_training
                else "evaluate on a directory with outcomes (the outcomes table)"
            )
        )
    # With --all the training toss-ups are scored too: figures in-sample for them.
    in_sample = 0 if after_training else int((points["as_of"] <= until).sum())
    X = build_features(dataset, points, rubric=bundle.rubric)
    frame = prediction_frame(
        points,
        X,
        rubric=bundle.rubric,
        predictors={"model": bundle.estimator, "rubric_total": bundle.rubric_model},
        interval=bundle.interval,
    )
    predictions = {"model": "p_model", "rubric_total": "p_rubric_total"}
    # The bundle keeps no other baseline; the training win rate is the one any
    # predictor must beat (and the only one left when the rubric is constant).
    if trained.get("train_toss_ups") and trained.get("train_wins") is not None:
        rate = trained["train_wins"] / trained["train_toss_ups"]
        frame["p_training_win_rate"] = min(max(rate, 1e-6), 1 - 1e-6)
        predictions["training_win_rate"] = "p_training_win_rate"
    truth = simulated_truth(data_dir)
    if truth is not None:
        frame = frame.merge(truth, on="lead_id", how="left")
        predictions["oracle"] = "p_true"
    evaluation = evaluate(
        frame, predictions=predictions, primary="model", in_sample=in_sample
    )
    out_dir = out_dir or model_dir / "evaluation"
    scope = "after training" if after_training else "all (in-sample for training)"
    meta = {
        "data": str(data_dir),
        "model": f"{model_dir} ({bundle.served}, trained {bundle.meta['trained_at']})",
        "toss-ups": f"{len(frame):,} {scope}",
    }
    split = {
        "train_toss_ups": trained.get("train_toss_ups"),
        "train_wins": trained.get("train_wins"),
        "train_from": trained.get("train_from"),
        "train_until": trained.get("train_until"),
        "test_toss_ups": len(frame),
        "test_wins": int(frame["won"].sum()),
        "test_from": str(points["as_of"].min()),
        "test_until": str(points["as_of"].max()),
        "time_order": import_time_order(data_dir) or trained.get("time_order"),
    }
    title = "readiness — evaluation" + (
        "" if after_training else " (in-sample: includes the training toss-ups)"
    )
    paths = write_report(evaluation, out_dir, title=title, meta=meta, split=split)
    return EvaluationRun(
        evaluation=evaluation,
        report_paths=paths,
        after_training=after_training,
        in_sample=in_sample,
    )
