"""`readiness history LEAD_ID`: a lead's scores over time and what changed."""

from __future__ import annotations

from pathlib import Path

import click

from readiness.cli.options import json_option


@click.command("history")
@click.argument("lead_id")
@click.option(
    "--url",
    help="History store (any SQLAlchemy URL; default: READINESS_HISTORY_URL, else "
    "DATA/.readiness/history.sqlite).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The data directory whose history to read (default: READINESS_DATA_DIR).",
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default="ja",
    show_default=True,
    help="Language of the reasons.",
)
@json_option("Print the points and changes as JSON.")
def history_command(
    lead_id: str, url: str | None, data_dir: Path | None, lang: str, as_json: bool
) -> None:
    """The scores of LEAD_ID over the runs, and between each two, what changed."""
    import json

    from readiness.errors import ReadinessError
    from readiness.workflows.history import lead_history

    found = lead_history(lead_id, url=url, data_dir=data_dir, create=False)
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False, default=str))
        return
    if not len(found.points):
        raise ReadinessError(
            f"リード {lead_id} の履歴はありません / no history for lead {lead_id} in "
            f"{found.url}: run `readiness score-batch` on its data first"
        )
    click.echo(f"{lead_id}: {len(found.points)} points in {found.url}")
    click.echo(f"{'run':<24} {'as of':<19} {'p':>6} {'grade':<5} {'model':<16} timing")
    for row in found.points.to_dict("records"):
        model = str(row["model_version"] or "")[:16]
        click.echo(
            f"{str(row['run_id'])[:24]:<24} {str(row['as_of'])[:19]:<19} "
            f"{float(row['probability']):>6.3f} {row['grade'] or ''!s:<5} "
            f"{model:<16} {row['timing_action'] or ''}"
        )
    pick = 0 if lang == "ja" else 1
    for change in found.changes:
        click.echo(f"\n{change.from_run} → {change.to_run}")
        for reason in change.reasons:
            click.echo(f"  - {reason[pick]}")
