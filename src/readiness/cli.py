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


class _DefaultScoreGroup(click.Group):
    """`readiness rubric ARGS` means `readiness rubric score ARGS` unless ARGS starts
    with a sub-command name, so sub-commands (e.g. `adopt`) can be added later."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["score", *args]
        return super().parse_args(ctx, args)


@main.group("rubric", cls=_DefaultScoreGroup, no_args_is_help=True)
def rubric_group() -> None:
    """Score hand-off memos with the 100-point rubric: items, band and toss-up gate.

    \b
    readiness rubric MEMO_FILE [--rubric YAML] [--json] [--date YYYY-MM-DD]
    readiness rubric --handoffs DATA_DIR [--out FILE.csv|FILE.parquet]
    """


@rubric_group.command("score")
@click.argument(
    "memo_file",
    required=False,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
)
@click.option(
    "--handoffs",
    "data_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Score every hand-off of this data directory instead of one memo.",
)
@click.option(
    "--rubric",
    "rubric_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rubric YAML (default: the articles' 10/25/30/20/15, bands 80/60).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--date",
    "ref",
    metavar="YYYY-MM-DD",
    help="Toss-up day that dates without a year refer to (default: today).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --handoffs: write the scores to a .csv or .parquet file.",
)
def rubric_score(
    memo_file: Path | None,
    data_dir: Path | None,
    rubric_path: Path | None,
    as_json: bool,
    ref: str | None,
    out: Path | None,
) -> None:
    """Score MEMO_FILE (template text, free text or JSON; UTF-8 or cp932)."""
    import json
    from datetime import date

    from readiness.memo import parse_memo
    from readiness.rubric import RubricError, load_rubric, render_result, score_memo

    if (memo_file is None) == (data_dir is None):
        raise click.UsageError("give either MEMO_FILE or --handoffs DATA_DIR")
    try:
        day = date.fromisoformat(ref) if ref else date.today()
    except ValueError:
        raise click.BadParameter(
            f"{ref!r} is not a date like 2026-11-03", param_hint="--date"
        ) from None
    if out is not None and data_dir is None:
        raise click.UsageError("--out goes with --handoffs")
    try:
        rubric = load_rubric(rubric_path)
    except RubricError as exc:
        raise click.ClickException(str(exc)) from exc
    if data_dir is not None:
        _score_handoffs(data_dir, rubric, out, as_json)
        return
    assert memo_file is not None
    stream = click.open_file(str(memo_file), "rb")
    with stream:
        data = stream.read()
    memo = parse_memo(data, reference_date=day)
    result = score_memo(memo, rubric=rubric)
    if as_json:
        payload = {**result.to_dict(), "rubric": rubric.name, "memo": memo.to_dict()}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(render_result(result))
    for warning in memo.warnings:
        click.echo(f"warning: {warning}", err=True)


def _score_handoffs(
    data_dir: Path, rubric: object, out: Path | None, as_json: bool
) -> None:
    """Score every hand-off of a data directory and print a per-band summary."""
    import json

    from tqdm import tqdm

    from readiness.contract import ContractError, DataFileError, load_dataset
    from readiness.rubric import Rubric, band_summary, render_band_summary, score_frame

    assert isinstance(rubric, Rubric)
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise click.UsageError("--out must end in .csv or .parquet")
    try:
        dataset = load_dataset(data_dir)
    except (ContractError, DataFileError) as exc:
        raise click.ClickException(str(exc)) from exc
    handoffs = dataset.handoffs
    with tqdm(total=len(handoffs), unit="memo", desc="rubric", disable=None) as bar:
        scored = score_frame(handoffs, rubric=rubric, progress=bar.update)
    outcomes = dataset.outcomes
    labelled = scored
    if len(outcomes) and "won" in outcomes:
        won = outcomes.set_index("lead_id")["won"]
        labelled = scored.assign(won=scored["lead_id"].map(won))
    summary = band_summary(labelled)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            scored.to_csv(out, index=False)
        else:
            scored.to_parquet(out, index=False)
    if as_json:
        records = summary.reset_index().to_dict(orient="records")
        click.echo(json.dumps({"rubric": rubric.name, "bands": records}, default=str))
        return
    passed = scored["gate_passed"].mean() if len(scored) else 0.0
    click.echo(
        f"scored {len(scored):,} hand-offs with rubric {rubric.name!r}: "
        f"mean {scored['total'].mean():.1f}, gate passed {passed:.1%}"
        + (f"; wrote {out}" if out is not None else "")
    )
    click.echo(render_band_summary(summary))
