"""Data in: `readiness simulate`, `readiness validate`, `readiness import`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast

import click

from readiness.cli.options import format_option, json_option, say
from readiness.simulate.config import PRESETS

Fmt = Literal["parquet", "csv"]


@click.command()
@click.option(
    "--leads",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Number of leads to simulate.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option(
    "--preset",
    "preset",
    metavar="NAME",
    default="default",
    show_default=True,
    help=f"World preset: {', '.join(PRESETS)} (docs/world.md, Presets).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the tables (and truth/) into.",
)
@format_option
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "cp932"]),
    default="utf-8",
    show_default=True,
    help="CSV encoding (cp932 is what Japanese Excel writes).",
)
@json_option("Print the figures as JSON.")
def simulate(
    leads: int,
    seed: int,
    preset: str,
    out_dir: Path,
    fmt: str,
    encoding: str,
    as_json: bool,
) -> None:
    """Simulate a B2B sales world with known truth into OUT."""
    import json

    from tqdm import tqdm

    from readiness.simulate.summary import format_headline
    from readiness.workflows.data import simulate as simulate_into

    with tqdm(total=leads, unit="lead", desc="simulate", disable=None) as bar:
        figures = simulate_into(
            out_dir,
            leads=leads,
            seed=seed,
            preset=preset,
            fmt=cast(Fmt, fmt),
            encoding=cast(Literal["utf-8", "cp932"], encoding),
            progress=bar.update,
        )
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    click.echo(format_headline(figures))
    click.echo(f"wrote {out_dir} (tables) and {out_dir / 'truth'} (ground truth)")


@click.command("validate")
@click.argument("data_dir", metavar="DIR", type=click.Path(path_type=Path))
@json_option("Print the report as JSON.")
def validate_command(data_dir: Path, as_json: bool) -> None:
    """Check the tables in DIR against the data contract; exit 1 on errors."""
    import json

    from readiness.workflows.data import validate_dir

    report = validate_dir(data_dir)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.format())
    if not report.ok:
        raise SystemExit(1)


@click.command("import")
@click.argument(
    "export_path", metavar="EXPORT.csv", type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Mapping YAML: export columns → contract (see examples/bank-marketing/).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory to write the contract tables into.",
)
@format_option
@click.option(
    "--overwrite", is_flag=True, help="Replace tables already in OUT (else refused)."
)
def import_command(
    export_path: Path, mapping_path: Path, out_dir: Path, fmt: str, overwrite: bool
) -> None:
    """Turn a CRM/MA export (CSV, .csv.gz) into a data directory of the contract."""
    from readiness.workflows.data import run_import

    result = run_import(
        export_path,
        mapping_path=mapping_path,
        out_dir=out_dir,
        fmt=cast(Fmt, fmt),
        overwrite=overwrite,
    )
    for warning in result.warnings:
        say(warning)
    for problem in result.report.warnings:
        say(problem.format())
    if result.leak_dropped:
        say(f"not imported (leak): {', '.join(result.leak_dropped)}")
    if result.not_imported:
        say(f"not mapped: {', '.join(result.not_imported)}")
    say(f"time: {result.time_note}")
    click.echo(f"{result.summary()} → {out_dir}")
