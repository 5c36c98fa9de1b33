"""The model: `readiness train` and `readiness evaluate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from readiness.cli.options import (
    bundle_option,
    data_dir_argument,
    no_tracking_option,
    say,
    step,
)

if TYPE_CHECKING:
    from readiness.model.train import TrainResult


@click.command("train")
@data_dir_argument
@bundle_option("--out")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Training config YAML (overrides of readiness.model.train.TrainConfig).",
)
@click.option(
    "--rubric",
    "rubric_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rubric YAML the memo features and the baseline use.",
)
@click.option(
    "--tracking-uri", help="MLflow tracking URI (default: sqlite in project)."
)
@no_tracking_option
def train_command(
    data_dir: Path,
    model_dir: Path | None,
    config_path: Path | None,
    rubric_path: Path | None,
    tracking_uri: str | None,
    no_tracking: bool,
) -> None:
    """Train the win-probability model on DATA_DIR, evaluate it against the rubric,
    export the bundle, log to MLflow and register it."""
    from readiness.workflows.train import run_training

    run = run_training(
        data_dir,
        model_dir=model_dir,
        config=config_path,
        rubric=rubric_path,
        tracking=not no_tracking,
        tracking_uri=tracking_uri,
        progress=step,
    )
    result = run.result
    for warning in run.warnings:
        say(warning)
    click.echo(result.evaluation.headline())
    click.echo(render_candidates(result))
    click.echo(f"served: {result.predictor} ({result.reason})")
    if "element_effects" in run.skipped:
        click.echo(f"skipped element effects: {run.skipped['element_effects']}")
    click.echo(
        adjusted_line(
            result.extra.get("adjusted_effects"), result.config.explain_method
        )
    )
    if run.timing_path is not None:
        click.echo(f"timing model: {run.timing_path}")
    run_line = "MLflow run: not logged (--no-tracking)"
    reg = run.registration
    if reg is not None:
        click.echo(
            f"MLflow run {reg.run_id}: lead-readiness v{reg.version} is "
            f"{reg.alias} ({reg.reason})"
        )
        run_line = (
            f"MLflow run: {reg.run_id} (mlflow ui --backend-store-uri "
            f"{run.tracking_uri})"
        )
    click.echo(f"bundle: {run.bundle_dir}")
    click.echo(f"report: {run.report_path}")
    click.echo(run_line)


_ORDER = {
    "points": "robust adjusted effects first, then rubric points, then model gain",
    "adjusted": "by adjusted effect",
    "blend": "by the model's blended gain",
}


def adjusted_line(adjusted: dict[str, Any] | None, method: str) -> str:
    """One line on the adjusted element effects the bundle keeps and the order."""
    order = f"missing elements ordered {_ORDER.get(method, method)}"
    none = "adjusted element effects: not estimated"
    if not adjusted:
        return f"{none} (adjusted_effects: false); {order}"
    if "skipped" in adjusted:
        return f"{none} ({adjusted['skipped']}); {order}"
    elements = adjusted.get("elements") or {}
    told = [k for k, v in elements.items() if v.get("told")]
    robust = [k for k, v in elements.items() if v.get("robust")]
    return (
        f"adjusted element effects on {adjusted['n']:,} toss-ups: told apart from "
        f"zero {', '.join(told) or 'none'}; robust to a hidden cause (robustness "
        f"value ≥ {adjusted['min_rv']:g}) {', '.join(robust) or 'none'}; {order}"
    )


def render_candidates(result: TrainResult) -> str:
    """The validation table of every candidate: what was compared, what won."""
    rows = [
        f"candidates on the validation slice "
        f"({result.split.get('validation_toss_ups', 0):,} latest training toss-ups; "
        "the simplest within the noise of the best is served):",
        f"  {'candidate':<16}{'log-loss':>9}{'Brier':>8}{'ROC-AUC':>8}  verdict",
    ]
    for name, row in result.candidates.items():

        def fmt(key: str, width: int, row: dict[str, Any] = row) -> str:
            value = row.get(key)
            return f"{value:>{width}.4f}" if isinstance(value, float) else " " * width

        mark = "*" if name == result.predictor else " "
        rows.append(
            f"  {name + mark:<16}{fmt('log_loss', 9)}{fmt('brier', 8)}"
            f"{fmt('roc_auc', 8)}  {row.get('verdict', '')}"
        )
    return "\n".join(rows)


@click.command("evaluate")
@data_dir_argument
@bundle_option("--model")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Report directory (default: MODEL/evaluation).",
)
@click.option(
    "--after-training/--all",
    default=True,
    show_default=True,
    help="Only toss-ups after the model's training window (honest), or all.",
)
def evaluate_command(
    data_dir: Path, model_dir: Path | None, out_dir: Path | None, after_training: bool
) -> None:
    """Evaluate a trained bundle on the closed toss-ups of DATA_DIR vs the rubric."""
    from readiness.workflows.evaluate import run_evaluation

    run = run_evaluation(
        data_dir, model_dir=model_dir, out_dir=out_dir, after_training=after_training
    )
    click.echo(run.evaluation.headline())
    click.echo(
        f"report: {run.report_path}"
        + ("" if after_training else f" (in-sample for {run.in_sample:,} toss-ups)")
    )
