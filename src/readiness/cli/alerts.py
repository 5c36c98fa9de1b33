"""`readiness alerts deliver`: send the alerts a batch could not deliver."""

from __future__ import annotations

from pathlib import Path

import click

from readiness.cli.options import json_option


@click.group("alerts")
def alerts_group() -> None:
    """Alerts fired by `score-batch --alerts` (docs/alerts.md)."""


@alerts_group.command("deliver")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@json_option("Print the result as JSON.")
def deliver_command(out: Path, as_json: bool) -> None:
    """Deliver the pending and failed alerts of the batches written as OUT
    (their outbox: OUT's folder/.readiness/alerts-outbox.sqlite)."""
    import json

    from readiness.workflows.alerts import deliver_outbox, outbox_path

    box = outbox_path(out)
    if not box.exists():
        raise click.ClickException(
            f"{box}: アラートの送信箱がありません / no alert outbox for {out} — fix: "
            "give the --out path of a `score-batch --alerts` run"
        )
    done = deliver_outbox(box)
    if as_json:
        click.echo(json.dumps(done, ensure_ascii=False))
        return
    counts = done["outbox"]
    click.echo(
        f"アラート alerts: {done['tried']} tried, {done['delivered']} delivered, "
        f"{done['failed']} failed, {done['left_pending']} left pending; outbox: "
        f"{counts['delivered']} delivered, {counts['pending']} pending, "
        f"{counts['failed']} failed ({counts['path']})"
    )
    for error in done["errors"]:
        click.echo(f"  {error}", err=True)
