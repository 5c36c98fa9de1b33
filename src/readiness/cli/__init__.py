"""The `readiness` command: one sub-command per pipeline stage.

Each command parses its options, calls one workflow (`readiness.workflows`) and
prints what it returns, with a one-line summary. Errors readiness raises on
purpose (`ReadinessError`) are caught here, once, and printed as one `Error:`
line. Heavy imports happen inside the commands so `readiness --help` stays fast.

    data.py         simulate, validate, import
    rubric.py       rubric [score], adopt, revert, history
    model.py        train, evaluate
    recalibrate.py  recalibrate
    timing.py       timing
    batch.py        score-batch, export-scores
    alerts.py       alerts deliver
    history.py      history
"""

from __future__ import annotations

from typing import Any

import click

from readiness.cli import (
    alerts,
    batch,
    data,
    history,
    model,
    recalibrate,
    rubric,
    timing,
)
from readiness.errors import ReadinessError
from readiness.version import __version__

__all__ = ["main"]


class _Readiness(click.Group):
    """The root group: a `ReadinessError` from any command becomes one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReadinessError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Readiness, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="readiness")
def main() -> None:
    """Score inside-sales → field-sales hand-offs (toss-ups)."""


for command in (
    data.simulate,
    data.validate_command,
    rubric.rubric_group,
    model.train_command,
    model.evaluate_command,
    recalibrate.recalibrate_command,
    data.import_command,
    timing.timing_command,
    batch.score_batch_command,
    batch.export_scores_command,
    alerts.alerts_group,
    history.history_command,
):
    main.add_command(command)
