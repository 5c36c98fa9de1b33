"""The `readiness` command: one sub-command per pipeline stage.

Each command parses its options, loads, calls one library function, writes and
prints a one-line summary. Heavy imports happen inside the commands so that
`readiness --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from readiness import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="readiness")
def main() -> None:
    """Score inside-sales → field-sales hand-offs (toss-ups)."""


# --- commands are added below, one block per stage -------------------------


@main.command()
@click.option(
    "--leads",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Number of leads to simulate.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the tables (and truth/) into.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
)
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "cp932"]),
    default="utf-8",
    show_default=True,
    help="CSV encoding (cp932 is what Japanese Excel writes).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def simulate(
    leads: int, seed: int, out_dir: Path, fmt: str, encoding: str, as_json: bool
) -> None:
    """Simulate a B2B sales world with known truth into OUT."""
    import json

    from tqdm import tqdm

    from readiness.rubric import load_rubric
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import WorldDirError, write_world
    from readiness.simulate.summary import format_headline, headline
    from readiness.simulate.world import simulate_world

    config = WorldConfig(n_leads=leads, seed=seed)
    with tqdm(total=leads, unit="lead", desc="simulate", disable=None) as bar:
        world = simulate_world(config, progress=bar.update)
    figures = headline(world, rubric=load_rubric())
    try:
        write_world(world, out_dir, fmt=fmt, encoding=encoding, headline=figures)  # type: ignore[arg-type]
    except WorldDirError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    click.echo(format_headline(figures))
    click.echo(f"wrote {out_dir} (tables) and {out_dir / 'truth'} (ground truth)")


@main.command("validate")
@click.argument("data_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate_command(data_dir: Path, as_json: bool) -> None:
    """Check the tables in DIR against the data contract; exit 1 on errors."""
    import json

    from readiness.contract import ContractError, read_tables, validate

    try:
        report = validate(read_tables(data_dir))
    except ContractError as exc:
        report = exc.report
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.format())
    if not report.ok:
        raise SystemExit(1)

# [rubric]
