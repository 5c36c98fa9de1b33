"""`readiness rubric`: score memos with the 100-point rubric; adopt, revert and
list the rubric the API and scoring show."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from readiness.cli.options import chunk_bar, json_option, say

if TYPE_CHECKING:
    from readiness.rubric.config import Rubric


class _DefaultScoreGroup(click.Group):
    """`readiness rubric ARGS` means `readiness rubric score ARGS` unless ARGS starts
    with a sub-command name, so sub-commands (e.g. `adopt`) can be added later."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["score", *args]
        return super().parse_args(ctx, args)


@click.group("rubric", cls=_DefaultScoreGroup, no_args_is_help=True)
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
@json_option("Print the result as JSON.")
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

    from readiness.memo.parse import parse_memo
    from readiness.rubric.render import render_result
    from readiness.rubric.score import score_memo
    from readiness.settings import get_settings
    from readiness.workflows.rubric import rubric_in_use

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
    # the adopted rubric, when ops adopted one
    rubric = rubric_in_use(rubric_path, rubric_dir=get_settings().rubric_dir)
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
    say(f"(rubric: {rubric.name})")
    for warning in memo.warnings:
        say(f"warning: {warning}")


def _score_handoffs(
    data_dir: Path, rubric: Rubric, out: Path | None, as_json: bool
) -> None:
    """Score every hand-off of a data directory and print a per-band summary."""
    import json

    from readiness.rubric.render import render_band_summary
    from readiness.workflows.rubric import score_handoffs

    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise click.UsageError("--out must end in .csv or .parquet")
    with chunk_bar("rubric", "memo") as progress:
        done = score_handoffs(data_dir, rubric=rubric, out=out, progress=progress)
    if done.all_memos_empty:
        say(
            f"every hand-off memo in {data_dir} is empty: every total is 0 and every "
            "hand-off needs work"
        )
    scored = done.scored
    if as_json:
        records = done.summary.reset_index().to_dict(orient="records")
        click.echo(json.dumps({"rubric": rubric.name, "bands": records}, default=str))
        return
    passed = scored["gate_passed"].mean() if len(scored) else 0.0
    click.echo(
        f"scored {len(scored):,} hand-offs with rubric {rubric.name!r}: "
        f"mean {scored['total'].mean():.1f}, gate passed {passed:.1%}"
        + (f"; wrote {out}" if out is not None else "")
    )
    click.echo(render_band_summary(done.summary))


@rubric_group.command("adopt")
@click.argument("rubric_file", type=click.Path(dir_okay=False, path_type=Path))
def rubric_adopt(rubric_file: Path) -> None:
    """Make RUBRIC_FILE the active rubric (the previous one is kept for `revert`).

    The API shows it after `POST /admin/reload` (or a restart); the model's
    features keep the rubric it was trained with.
    """
    from readiness.rubric.store import ACTIVE
    from readiness.settings import get_settings
    from readiness.workflows.rubric import adopt

    store = get_settings().rubric_dir
    rubric, kept = adopt(rubric_file, rubric_dir=store)
    weights = "/".join(f"{i.weight:g}" for i in rubric.items.values())
    click.echo(
        f"adopted rubric {rubric.name!r} ({weights}, bands "
        f"{rubric.bands.high:g}/{rubric.bands.standard:g}) as {store / ACTIVE}"
        + (f"; previous version kept as {kept}" if kept else "")
    )


@rubric_group.command("revert")
def rubric_revert() -> None:
    """Put the previously active rubric back (or the default if there was none)."""
    from readiness.rubric.store import revert_rubric
    from readiness.settings import get_settings

    rubric = revert_rubric(get_settings().rubric_dir)
    click.echo(
        "no rubric adopted any more: the bundle's (default) rubric applies"
        if rubric is None
        else f"reverted to rubric {rubric.name!r}"
    )


@rubric_group.command("history")
def rubric_history_command() -> None:
    """List the active rubric and the versions `revert` can go back to."""
    from readiness.rubric.store import ACTIVE
    from readiness.settings import get_settings
    from readiness.workflows.rubric import rubric_versions

    store = get_settings().rubric_dir
    for version in rubric_versions(store):
        what = (
            "(unreadable)"
            if version.name is None
            else f"{version.name} " + "/".join(f"{w:g}" for w in version.weights)
        )
        mark = "* active" if version.active else "  kept  "
        click.echo(f"{mark} {version.path}  {what}")
    if not (store / ACTIVE).exists():
        click.echo(f"no rubric adopted in {store}: the default applies")
