"""`readiness recalibrate`: recommend rubric weights and bands from outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import click

from readiness.cli.options import no_tracking_option, say

if TYPE_CHECKING:
    from readiness.workflows.recalibrate import RecalibrationRun


@click.command("recalibrate")
@click.argument(
    "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for report.html, report.json, the PNGs and rubric.yaml.",
)
@click.option(
    "--rubric",
    "rubric_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rubric to start from (default: the adopted one, else the articles').",
)
@click.option(
    "--bands",
    type=click.Choice(["share", "win_rate"]),
    default="share",
    show_default=True,
    help="Cut-offs written to rubric.yaml: keep today's band shares, or reach "
    "target win rates.",
)
@click.option(
    "--target-win-rate",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Win rate at the high cut-off (default: the current rubric's at 80).",
)
@click.option(
    "--target-standard-win-rate",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Win rate at the standard cut-off (default: the current rubric's at 60).",
)
@click.option("--bootstrap", type=click.IntRange(min=0), default=200, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--bundle",
    "bundle_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Model bundle: show how its probability maps to each band.",
)
@click.option(
    "--adjusted/--no-adjusted",
    default=True,
    show_default=True,
    help="Estimate each element's effect adjusted for behaviour and intent (double "
    "ML) and warn where the recommended weights only follow the association.",
)
@click.option(
    "--weights",
    type=click.Choice(["outcomes", "effects"]),
    default="outcomes",
    show_default=True,
    help="Weights written to rubric.yaml: fitted to outcomes, or following the "
    "adjusted element effects (falls back to outcomes when they support none).",
)
@no_tracking_option
def recalibrate_command(
    data_dir: Path,
    out_dir: Path,
    rubric_path: Path | None,
    bands: str,
    target_win_rate: float | None,
    target_standard_win_rate: float | None,
    bootstrap: int,
    seed: int,
    bundle_dir: Path | None,
    adjusted: bool,
    weights: str,
    no_tracking: bool,
) -> None:
    """Recommend rubric weights and bands from DATA_DIR's outcomes, with a report."""
    from readiness.workflows.recalibrate import run_recalibration

    run = run_recalibration(
        data_dir,
        out_dir=out_dir,
        rubric_path=rubric_path,
        bands=cast(Literal["share", "win_rate"], bands),
        target_win_rate=target_win_rate,
        target_standard_win_rate=target_standard_win_rate,
        bootstrap=bootstrap,
        seed=seed,
        bundle_dir=bundle_dir,
        tracking=not no_tracking,
        adjusted=adjusted,
        weights=cast(Literal["outcomes", "effects"], weights),
        progress=say,
    )
    result, paths = run.result, run.paths
    h = result.heldout
    recommended = "/".join(str(result.weights[k]) for k in result.items)
    logged = f"; MLflow run {run.run_id}" if run.run_id is not None else ""
    click.echo(
        f"recommended {recommended}, bands {result.bands[0]:g}/{result.bands[1]:g}"
        f"{_effect_following(run)}; "
        f"held-out AUC {h['auc_old']:.3f} → {h['auc_new']:.3f} "
        f"({h['n']:,} toss-ups); report {paths['html']}, rubric {paths['rubric']}"
        f"{logged}\nadopt with: readiness rubric adopt {paths['rubric']}"
    )
    if run.fallback_note:
        click.echo(run.fallback_note)
    if run.effect_warnings:
        click.echo(
            f"{len(run.effect_warnings)} warning(s) on adjusted effects "
            "(see the report) / 調整後の効果に関する注意あり"
        )


def _effect_following(run: RecalibrationRun) -> str:
    """The effect-following weights (and cut-offs) beside the recommended ones."""
    ew = run.effect_weights
    if ew is None:
        return ""
    if ew.weights is None:
        return " (effect-following: none)"
    text = "/".join(str(ew.weights[k]) for k in run.result.items)
    if run.effect_check is not None:
        text += ", bands {:g}/{:g}".format(*run.effect_check.bands)
    if run.weights_written == "effects":
        text += ", written to rubric.yaml"
    return f" (effect-following {text})"
