"""`readiness timing`: toss up now, keep nurturing or at risk, for each open lead."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from readiness.cli.options import click_bar, data_dir_argument, say


@click.command("timing")
@data_dir_argument
@click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model bundle directory (default: READINESS_MODEL_DIR); the timing model "
    "is kept there as timing.joblib.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]),
    default=None,
    help="The moment to advise for, Asia/Tokyo (default: the latest in the data).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the advice table here (.csv or .parquet).",
)
@click.option(
    "--dormant-days",
    type=click.FloatRange(min=1),
    default=None,
    help="Days without activity after which an open lead is dormant and recycled "
    "to marketing (default: READINESS_DORMANT_DAYS, else what the timing model "
    "learned from the history).",
)
@click.option(
    "--refit",
    is_flag=True,
    help="Learn the timing model from DATA_DIR's history even if one is saved.",
)
def timing_command(
    data_dir: Path,
    model_dir: Path | None,
    as_of: datetime | None,
    out: Path | None,
    dormant_days: float | None,
    refit: bool,
) -> None:
    """Toss up now, keep nurturing or at risk: advice for each open lead of DATA_DIR."""
    from readiness.workflows.timing import run_timing

    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise click.BadParameter(
            f"{out.name}: give a .csv or .parquet file", param_hint="--out"
        )
    with click_bar("advising") as advised:
        run = run_timing(
            data_dir,
            model_dir=model_dir,
            as_of=as_of,
            out=out,
            refit=refit,
            dormant_days=dormant_days,
            progress=say,
            advised=advised,
        )
    frame = run.advice
    click.echo(
        f"{len(frame):,} open leads as of {frame['as_of'].iloc[0]}: "
        + ", ".join(f"{k} {n:,}" for k, n in run.counts().items())
        + (f"; wrote {out}" if out is not None else "")
    )
    # the leads to hand off now: toss up now and at risk (not recycled or closed)
    top = frame[frame["action"].isin(["toss_up_now", "at_risk"])].nlargest(
        5, "probability"
    )
    for row in top.itertuples():
        click.echo(f"  {row.lead_id}  {row.action_ja}  p={row.probability:.2f}")
