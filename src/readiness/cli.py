"""The `readiness` command: one sub-command per pipeline stage.

Each command parses its options, loads, calls one library function, writes and
prints a one-line summary. Heavy imports happen inside the commands so that
`readiness --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

    from readiness.rubric.config import load_rubric
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

    from readiness.data.findings import ContractError
    from readiness.data.load import read_tables, validate

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

    from readiness.memo.parse import parse_memo
    from readiness.rubric.config import RubricError, load_rubric
    from readiness.rubric.render import render_result
    from readiness.rubric.score import score_memo

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
        if rubric_path is None:  # the adopted rubric, when ops adopted one
            from readiness.rubric.store import active_rubric
            from readiness.settings import get_settings

            rubric = active_rubric(get_settings().rubric_dir) or rubric
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
    click.echo(f"(rubric: {rubric.name})", err=True)
    for warning in memo.warnings:
        click.echo(f"warning: {warning}", err=True)


def _score_handoffs(
    data_dir: Path, rubric: object, out: Path | None, as_json: bool
) -> None:
    """Score every hand-off of a data directory and print a per-band summary."""
    import json

    from tqdm import tqdm

    from readiness.data.files import DataFileError
    from readiness.data.findings import ContractError
    from readiness.data.load import load_dataset
    from readiness.rubric.config import Rubric
    from readiness.rubric.render import band_summary, render_band_summary
    from readiness.rubric.score import score_frame

    assert isinstance(rubric, Rubric)
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise click.UsageError("--out must end in .csv or .parquet")
    try:
        dataset = load_dataset(data_dir)
    except (ContractError, DataFileError) as exc:
        raise click.ClickException(str(exc)) from exc
    handoffs = dataset.handoffs
    if not len(handoffs):
        raise click.ClickException(
            f"{data_dir} has no hand-offs to score: add the handoffs table "
            "(see README, the data contract)"
        )
    memos = handoffs["memo"].fillna("").astype("str").str.strip()
    if not memos.ne("").any():
        click.echo(
            f"every hand-off memo in {data_dir} is empty: every total is 0 and every "
            "hand-off needs work",
            err=True,
        )
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


def _load(data_dir: Path) -> Any:
    from readiness.data.files import DataFileError
    from readiness.data.findings import ContractError
    from readiness.data.load import load_dataset

    try:
        return load_dataset(data_dir)
    except (ContractError, DataFileError) as exc:
        raise click.ClickException(
            f"{data_dir} does not meet the data contract:\n{exc}\n"
            f"(run `readiness validate {data_dir}` for the full report)"
        ) from exc


def _truth(data_dir: Path) -> Any:
    """p_true per toss-up when DATA_DIR is a simulated world, else None."""
    from readiness.simulate.store import TRUTH_DIR, read_truth

    if not (data_dir / TRUTH_DIR / "handoffs.parquet").exists():
        return None
    return read_truth(data_dir, "handoffs")[["lead_id", "p_true"]]


@main.command("train")
@click.argument("data_dir", metavar="DATA_DIR", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "model_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Bundle directory (default: $READINESS_MODEL_DIR or models/lead-readiness).",
)
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
@click.option("--no-tracking", is_flag=True, help="Do not log to MLflow.")
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
    from readiness.model.bundle import (
        bundle_from_result,
        dataset_fingerprint,
        git_commit,
        save_bundle,
        update_meta,
    )
    from readiness.model.train import ConfigError, load_train_config, train
    from readiness.reports.evaluation import write_report
    from readiness.rubric.config import RubricError, load_rubric
    from readiness.settings import get_settings

    settings = get_settings()
    model_dir = model_dir or settings.model_dir
    try:
        config = load_train_config(config_path)
        rubric = load_rubric(rubric_path)
    except (ConfigError, RubricError) as exc:
        raise click.ClickException(str(exc)) from exc
    dataset = _load(data_dir)
    try:
        result = train(
            dataset,
            config=config,
            rubric=rubric,
            truth=_truth(data_dir),
            progress=lambda msg: click.echo(f"… {msg}", err=True),
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    fingerprint = dataset_fingerprint(dataset)
    commit = git_commit()
    bundle = bundle_from_result(result, data_fingerprint=fingerprint, commit=commit)
    save_bundle(bundle, model_dir)
    report_dir = model_dir / "report"
    meta = {
        "data": str(data_dir),
        "data fingerprint": fingerprint,
        "git commit": commit or "unknown",
        "served": f"{result.predictor} — {result.reason}",
    }
    time_order = _time_order(data_dir)
    if time_order and time_order.get("kind") == "constant":
        click.echo(
            f"warning: {time_order.get('note') or 'one time for every row'}", err=True
        )
    paths = write_report(
        result.evaluation,
        report_dir,
        title="readiness — model vs rubric",
        meta=meta,
        split={**result.split, "time_order": time_order},
        candidates=result.candidates,
    )
    if result.split.get("basis", "time") != "time":
        click.echo(f"warning: split by {result.split['basis']}", err=True)
    click.echo(result.evaluation.headline())
    click.echo(render_candidates(result))
    click.echo(f"served: {result.predictor} ({result.reason})")
    skipped: dict[str, str] = {}
    effects = result.extra.get("element_effects")
    if result.served == "model" and not (effects or {}).get("elements"):
        skipped["element_effects"] = (
            "no hand-off memos with elements to collect: missing-element gains "
            "come from each lead's own counterfactual only"
        )
        click.echo(f"skipped element effects: {skipped['element_effects']}")
    timing_skip = _fit_timing(dataset, model_dir, n_jobs=settings.n_jobs)
    if timing_skip is not None:
        skipped["timing"] = timing_skip
    update_meta(model_dir, skipped=skipped)
    run_line = "MLflow: not logged (--no-tracking)"
    if not no_tracking:
        from readiness.workflows.tracking import default_tracking_uri, log_training

        uri = (
            tracking_uri
            or settings.tracking_uri
            or default_tracking_uri(settings.project_dir)
        )
        reg = log_training(
            result,
            model_dir,
            test_features=result.test_features,
            report_dir=report_dir,
            tracking_uri=uri,
            data_fingerprint=fingerprint,
            commit=commit,
            artifact_dir=settings.project_dir / "mlartifacts",
            skipped=skipped,
        )
        update_meta(
            model_dir,
            mlflow_run_id=reg.run_id,
            registered_version=reg.version,
            alias=reg.alias,
        )
        click.echo(
            f"MLflow run {reg.run_id}: lead-readiness v{reg.version} is "
            f"{reg.alias} ({reg.reason})"
        )
        run_line = f"MLflow run: {reg.run_id} (mlflow ui --backend-store-uri {uri})"
    click.echo(f"bundle: {model_dir}")
    click.echo(f"report: {paths['html']}")
    click.echo(run_line)


def render_candidates(result: Any) -> str:
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


def _fit_timing(dataset: Any, model_dir: Path, *, n_jobs: int) -> str | None:
    """Learn the timing model beside a freshly saved bundle (it replaced the old).

    Returns why it could not be learned, or None when it was.
    """
    from readiness.scoring.timing import TimingError, TimingModel, save_timing

    try:
        timing = TimingModel(n_jobs=n_jobs).fit(
            dataset, progress=lambda msg: click.echo(f"… {msg}", err=True)
        )
    except (TimingError, ValueError) as exc:  # never lose the saved bundle
        click.echo(
            f"skipped timing model: {exc}; POST /v1/timing answers 503 until "
            "`readiness timing DATA_DIR` can learn one",
            err=True,
        )
        return str(exc)
    click.echo(f"timing model: {save_timing(timing, model_dir)}")
    return None


@main.command("evaluate")
@click.argument("data_dir", metavar="DATA_DIR", type=click.Path(path_type=Path))
@click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Bundle directory (default: $READINESS_MODEL_DIR or models/lead-readiness).",
)
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
    import pandas as pd

    from readiness.features.build import build_features, labelled_points
    from readiness.model.bundle import BundleError, load_bundle
    from readiness.model.evaluate import evaluate
    from readiness.model.train import prediction_frame
    from readiness.reports.evaluation import write_report
    from readiness.settings import get_settings

    model_dir = model_dir or get_settings().model_dir
    try:
        bundle = load_bundle(model_dir)
    except BundleError as exc:
        raise click.ClickException(str(exc)) from exc
    dataset = _load(data_dir)
    points = labelled_points(dataset)
    trained = bundle.meta.get("split", {})
    until = pd.Timestamp(trained["train_until"])
    if after_training:
        points = points[points["as_of"] > until].reset_index(drop=True)
    if points["won"].nunique() < 2:
        raise click.ClickException(
            f"{len(points)} closed toss-ups to evaluate on, not both won and lost; "
            + (
                "use --all or a directory with newer outcomes"
                if after_training
                else "evaluate on a directory with outcomes (the outcomes table)"
            )
        )
    # With --all the training toss-ups are scored too: figures in-sample for them.
    in_sample = 0 if after_training else int((points["as_of"] <= until).sum())
    X = build_features(dataset, points, rubric=bundle.rubric)
    frame = prediction_frame(
        points,
        X,
        rubric=bundle.rubric,
        predictors={"model": bundle.estimator, "rubric_total": bundle.rubric_model},
    )
    predictions = {"model": "p_model", "rubric_total": "p_rubric_total"}
    # The bundle keeps no other baseline; the training win rate is the one any
    # predictor must beat (and the only one left when the rubric is constant).
    if trained.get("train_toss_ups") and trained.get("train_wins") is not None:
        rate = trained["train_wins"] / trained["train_toss_ups"]
        frame["p_training_win_rate"] = min(max(rate, 1e-6), 1 - 1e-6)
        predictions["training_win_rate"] = "p_training_win_rate"
    truth = _truth(data_dir)
    if truth is not None:
        frame = frame.merge(truth, on="lead_id", how="left")
        predictions["oracle"] = "p_true"
    evaluation = evaluate(
        frame, predictions=predictions, primary="model", in_sample=in_sample
    )
    out_dir = out_dir or model_dir / "evaluation"
    scope = "after training" if after_training else "all (in-sample for training)"
    meta = {
        "data": str(data_dir),
        "model": f"{model_dir} ({bundle.served}, trained {bundle.meta['trained_at']})",
        "toss-ups": f"{len(frame):,} {scope}",
    }
    split = {
        "train_toss_ups": trained.get("train_toss_ups"),
        "train_wins": trained.get("train_wins"),
        "train_from": trained.get("train_from"),
        "train_until": trained.get("train_until"),
        "test_toss_ups": len(frame),
        "test_wins": int(frame["won"].sum()),
        "test_from": str(points["as_of"].min()),
        "test_until": str(points["as_of"].max()),
        "time_order": _time_order(data_dir) or trained.get("time_order"),
    }
    title = "readiness — evaluation" + (
        "" if after_training else " (in-sample: includes the training toss-ups)"
    )
    paths = write_report(evaluation, out_dir, title=title, meta=meta, split=split)
    click.echo(evaluation.headline())
    click.echo(
        f"report: {paths['html']}"
        + ("" if after_training else f" (in-sample for {in_sample:,} toss-ups)")
    )


def _time_order(data_dir: Path) -> dict[str, Any] | None:
    """The importer's `time_order` from DATA_DIR/import.json (None without one)."""
    import json

    path = data_dir / "import.json"
    try:
        found = json.loads(path.read_text(encoding="utf-8")).get("time_order")
    except (OSError, ValueError, AttributeError):
        return None
    return found if isinstance(found, dict) else None


# --- rubric recalibration and the adopted rubric ------------------------------------


@rubric_group.command("adopt")
@click.argument("rubric_file", type=click.Path(dir_okay=False, path_type=Path))
def rubric_adopt(rubric_file: Path) -> None:
    """Make RUBRIC_FILE the active rubric (the previous one is kept for `revert`).

    The API shows it after `POST /admin/reload` (or a restart); the model's
    features keep the rubric it was trained with.
    """
    from readiness.rubric.config import RubricError
    from readiness.rubric.store import ACTIVE, adopt_rubric
    from readiness.settings import get_settings

    store = get_settings().rubric_dir
    try:
        rubric, kept = adopt_rubric(rubric_file, store)
    except RubricError as exc:
        raise click.ClickException(f"{exc}\nnothing was changed") from exc
    weights = "/".join(f"{i.weight:g}" for i in rubric.items.values())
    click.echo(
        f"adopted rubric {rubric.name!r} ({weights}, bands "
        f"{rubric.bands.high:g}/{rubric.bands.standard:g}) as {store / ACTIVE}"
        + (f"; previous version kept as {kept}" if kept else "")
    )


@rubric_group.command("revert")
def rubric_revert() -> None:
    """Put the previously active rubric back (or the default if there was none)."""
    from readiness.rubric.config import RubricError
    from readiness.rubric.store import revert_rubric
    from readiness.settings import get_settings

    try:
        rubric = revert_rubric(get_settings().rubric_dir)
    except RubricError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        "no rubric adopted any more: the bundle's (default) rubric applies"
        if rubric is None
        else f"reverted to rubric {rubric.name!r}"
    )


@rubric_group.command("history")
def rubric_history_command() -> None:
    """List the active rubric and the versions `revert` can go back to."""
    from readiness.rubric.config import RubricError, load_rubric
    from readiness.rubric.store import ACTIVE, rubric_history
    from readiness.settings import get_settings

    store = get_settings().rubric_dir
    for path in [*rubric_history(store), store / ACTIVE]:
        if not path.exists():
            continue
        try:
            r = load_rubric(path)
            what = f"{r.name} " + "/".join(f"{i.weight:g}" for i in r.items.values())
        except RubricError:
            what = "(unreadable)"
        mark = "* active" if path.name == ACTIVE else "  kept  "
        click.echo(f"{mark} {path}  {what}")
    if not (store / ACTIVE).exists():
        click.echo(f"no rubric adopted in {store}: the default applies")


@main.command("recalibrate")
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
@click.option("--no-tracking", is_flag=True, help="Do not log to MLflow.")
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
    no_tracking: bool,
) -> None:
    """Recommend rubric weights and bands from DATA_DIR's outcomes, with a report."""
    from readiness.model.bundle import dataset_fingerprint
    from readiness.reports.recalibration import write_recalibration
    from readiness.rubric.config import RubricError, load_rubric
    from readiness.rubric.fit import RecalibrationError
    from readiness.rubric.recalibrate import (
        RecalibrationConfig,
        check_recalibration_data,
        recalibrate,
    )
    from readiness.rubric.store import active_rubric
    from readiness.settings import get_settings

    settings = get_settings()
    try:
        rubric = (
            load_rubric(rubric_path)
            if rubric_path
            else active_rubric(settings.rubric_dir) or load_rubric(None)
        )
    except RubricError as exc:
        raise click.ClickException(str(exc)) from exc
    dataset = _load(data_dir)
    try:
        check_recalibration_data(dataset)
    except RecalibrationError as exc:
        raise click.ClickException(str(exc)) from exc
    probability = None
    if bundle_dir is not None:
        probability = _bundle_probability(dataset, bundle_dir)
    config = RecalibrationConfig(
        n_bootstrap=bootstrap,
        seed=seed,
        target_high=target_win_rate,
        target_standard=target_standard_win_rate,
        bands=bands,  # type: ignore[arg-type]
    )
    click.echo(f"recalibrating {rubric.name!r} on {data_dir} ...", err=True)
    try:
        result = recalibrate(
            dataset, rubric=rubric, config=config, model_probability=probability
        )
    except RecalibrationError as exc:
        raise click.ClickException(str(exc)) from exc
    fingerprint = dataset_fingerprint(dataset)
    meta = {
        "data": str(data_dir),
        "data fingerprint": fingerprint,
        "rubric": rubric.name,
    }
    paths = write_recalibration(
        result, rubric, out_dir, source=str(data_dir), meta=meta
    )
    run = ""
    if not no_tracking:
        from readiness.workflows.tracking import default_tracking_uri, log_recalibration

        run_id = log_recalibration(
            result.to_dict(),
            out_dir,
            tracking_uri=settings.tracking_uri
            or default_tracking_uri(settings.project_dir),
            artifact_dir=settings.project_dir / "mlartifacts",
            data_fingerprint=fingerprint,
        )
        run = f"; MLflow run {run_id}"
    h = result.heldout
    weights = "/".join(str(result.weights[k]) for k in result.items)
    click.echo(
        f"recommended {weights}, bands {result.bands[0]:g}/{result.bands[1]:g}; "
        f"held-out AUC {h['auc_old']:.3f} → {h['auc_new']:.3f} "
        f"({h['n']:,} toss-ups); report {paths['html']}, rubric {paths['rubric']}"
        f"{run}\nadopt with: readiness rubric adopt {paths['rubric']}"
    )


def _bundle_probability(dataset: Any, bundle_dir: Path) -> Any:
    """lead_id → the bundle's win probability at each toss-up."""
    from readiness.features.build import build_features, toss_up_points
    from readiness.model.bundle import BundleError, load_bundle

    try:
        bundle = load_bundle(bundle_dir)
    except BundleError as exc:
        raise click.ClickException(str(exc)) from exc
    points = toss_up_points(dataset)
    features = build_features(dataset, points, rubric=bundle.rubric)
    predicted = bundle.predict(features)
    return predicted["probability"].set_axis(points["lead_id"].to_numpy())


@main.command("import")
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
)
@click.option(
    "--overwrite", is_flag=True, help="Replace tables already in OUT (else refused)."
)
def import_command(
    export_path: Path, mapping_path: Path, out_dir: Path, fmt: str, overwrite: bool
) -> None:
    """Turn a CRM/MA export (CSV, .csv.gz) into a data directory of the contract."""
    import hashlib

    from readiness.data.files import DataFileError
    from readiness.data.importer import import_export, record_lines, write_import
    from readiness.data.mapping import ExportError, MappingError, load_mapping
    from readiness.data.read import read_export

    try:
        mapping = load_mapping(mapping_path)
        export = read_export(export_path, mapping=mapping)
        result = import_export(export, mapping, lines=record_lines(export))
        source = {
            "export": str(export_path),
            "export_sha256": hashlib.sha256(export_path.read_bytes()).hexdigest(),
            "mapping": str(mapping_path),
        }
        write_import(result, out_dir, source=source, fmt=fmt, overwrite=overwrite)  # type: ignore[arg-type]
    except (MappingError, ExportError, DataFileError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in result.warnings:
        click.echo(warning, err=True)
    for problem in result.report.warnings:
        click.echo(problem.format(), err=True)
    if result.leak_dropped:
        click.echo(f"not imported (leak): {', '.join(result.leak_dropped)}", err=True)
    if result.not_imported:
        click.echo(f"not mapped: {', '.join(result.not_imported)}", err=True)
    click.echo(f"time: {result.time_note}", err=True)
    click.echo(f"{result.summary()} → {out_dir}")


# --- timing -------------------------------------------------------------------------


@main.command("timing")
@click.argument("data_dir", metavar="DATA_DIR", type=click.Path(path_type=Path))
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
    "--refit",
    is_flag=True,
    help="Learn the timing model from DATA_DIR's history even if one is saved.",
)
def timing_command(
    data_dir: Path,
    model_dir: Path | None,
    as_of: Any,
    out: Path | None,
    refit: bool,
) -> None:
    """Toss up now, keep nurturing or at risk: advice for each open lead of DATA_DIR."""
    from readiness.data.write import atomic_write_bytes, csv_bytes, parquet_bytes
    from readiness.model.bundle import BundleError, load_bundle
    from readiness.scoring.timing import (
        TIMING_FILE,
        TimingError,
        TimingModel,
        advice_frame,
        load_timing,
        open_lead_points,
        recommend,
        save_timing,
    )
    from readiness.settings import get_settings

    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise click.BadParameter(
            f"{out.name}: give a .csv or .parquet file", param_hint="--out"
        )
    model_dir = model_dir or get_settings().model_dir
    try:
        bundle = load_bundle(model_dir)
    except BundleError as exc:
        raise click.ClickException(str(exc)) from exc
    dataset = _load(data_dir)
    timing: Any = None
    try:
        timing = None if refit else load_timing(model_dir)
    except TimingError as exc:
        if (model_dir / TIMING_FILE).exists():
            click.echo(f"{exc}; learning it from {data_dir} now", err=True)
        else:
            click.echo(f"… learning the timing model from {data_dir}", err=True)
    try:
        if timing is None:
            timing = TimingModel(n_jobs=get_settings().n_jobs).fit(
                dataset, progress=lambda m: click.echo(m, err=True)
            )
            saved = save_timing(timing, model_dir)
            click.echo(f"timing model saved: {saved}", err=True)
    except TimingError as exc:
        raise click.ClickException(str(exc)) from exc
    points = open_lead_points(dataset, as_of=as_of)
    if not len(points):
        raise click.ClickException(
            f"no open lead in {data_dir} at {as_of or 'the export moment'}: every "
            "lead created by then was already tossed up"
        )
    with click.progressbar(length=len(points), label="advising", file=None) as bar:
        advice = []
        for lo in range(0, len(points), 2_000):
            chunk = points.iloc[lo : lo + 2_000].reset_index(drop=True)
            advice += recommend(dataset, chunk, bundle=bundle, timing=timing)
            bar.update(len(chunk))
    frame = advice_frame(advice)
    if out is not None:
        data = (
            parquet_bytes(frame, path=out, table="timing")
            if out.suffix.lower() == ".parquet"
            else csv_bytes(frame, path=out, table="timing", encoding="utf-8")
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(out, data)
    counts = frame["action"].value_counts()
    click.echo(
        f"{len(frame):,} open leads as of {frame['as_of'].iloc[0]}: "
        + ", ".join(f"{k} {int(counts.get(k, 0)):,}" for k in ACTIONS_ORDER)
        + (f"; wrote {out}" if out is not None else "")
    )
    top = frame[frame["action"] != "keep_nurturing"].nlargest(5, "probability")
    for row in top.itertuples():
        click.echo(f"  {row.lead_id}  {row.action_ja}  p={row.probability:.2f}")


ACTIONS_ORDER = ("toss_up_now", "at_risk", "keep_nurturing")


# --- batch scoring of the backlog ----------------------------------------------------


@main.command("score-batch")
@click.argument("data_dir", metavar="DATA_DIR", type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Scores file, .parquet or .csv; rejects and summary are written beside it.",
)
@click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Bundle directory (default: $READINESS_MODEL_DIR or models/lead-readiness).",
)
@click.option(
    "--model-uri",
    help="Score with a registered model instead, e.g. models:/lead-readiness@champion.",
)
@click.option(
    "--as-of",
    help="When open leads are scored 'as if tossed up now': a timestamp "
    "(Asia/Tokyo), or 'now'. Default: the latest timestamp in the data + 1 s.",
)
@click.option(
    "--explain",
    default="top:500",
    show_default=True,
    help="Factors and missing elements for: none, all, or top:N of the ranking.",
)
@click.option(
    "--fs-capacity",
    type=click.IntRange(min=1),
    help="Leads FS can take: the summary names the top open leads and their "
    "expected wins.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=50_000,
    show_default=True,
    help="Leads per chunk: memory is bounded by one chunk.",
)
@click.option(
    "--include-closed",
    is_flag=True,
    help="Also score closed hand-offs (with an outcome) at their toss-up.",
)
@click.option(
    "--drafts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV/Parquet of memo drafts (lead_id, memo) for leads not yet handed off.",
)
@click.option("--top-k", type=click.IntRange(min=0), default=3, show_default=True)
@click.option(
    "--timing",
    "with_timing",
    is_flag=True,
    help="Add timing advice (toss up now / keep nurturing / at risk) for open leads.",
)
@click.option("--resume", is_flag=True, help="Reuse the parts of an interrupted run.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def score_batch_command(
    data_dir: Path,
    out: Path,
    model_dir: Path | None,
    model_uri: str | None,
    as_of: str | None,
    explain: str,
    fs_capacity: int | None,
    chunk_size: int,
    include_closed: bool,
    drafts: Path | None,
    top_k: int,
    with_timing: bool,
    resume: bool,
    as_json: bool,
) -> None:
    """Score every lead of DATA_DIR (the nightly backlog) into a ranked file."""
    import json

    import pandas as pd
    from tqdm import tqdm

    from readiness.batch.backlog import BatchError
    from readiness.batch.run import BatchOptions, parse_explain, run_batch
    from readiness.batch.summary import now_tokyo, summary_text
    from readiness.model.bundle import BundleError, load_bundle
    from readiness.scoring.timing import TimingError
    from readiness.settings import get_settings

    settings = get_settings()
    try:
        explain = parse_explain(explain)
        if model_uri:
            from readiness.workflows.tracking import (
                default_tracking_uri,
                load_bundle_from_registry,
            )

            uri = settings.tracking_uri or default_tracking_uri(settings.project_dir)
            bundle = load_bundle_from_registry(model_uri, tracking_uri=uri)
        else:
            bundle = load_bundle(model_dir or settings.model_dir)
    except (BatchError, BundleError) as exc:
        raise click.ClickException(str(exc)) from exc
    timing = None
    if with_timing:
        from readiness.scoring.timing import load_timing

        try:
            timing = load_timing(model_dir or settings.model_dir)
        except TimingError as exc:
            # Timing is one part of the backlog file: the scores still come.
            click.echo(f"no timing advice ({exc}); scoring without it", err=True)
            with_timing = False
    moment = None
    if as_of:
        if as_of.strip().lower() == "now":
            moment = now_tokyo()
        else:
            stamp = pd.to_datetime(as_of, errors="coerce")
            if pd.isna(stamp):
                raise click.ClickException(
                    f"--as-of {as_of!r} is not a timestamp; write e.g. "
                    "2026-11-03T06:00:00 (Asia/Tokyo) or now"
                )
            if stamp.tzinfo is not None:
                stamp = stamp.tz_convert("Asia/Tokyo").tz_localize(None)
            moment = stamp.to_pydatetime()
    options = BatchOptions(
        as_of=moment,
        chunk_size=chunk_size,
        explain=explain,
        include_closed=include_closed,
        top_k=top_k,
        timing=with_timing,
    )
    bar = tqdm(total=0, unit="chunk", desc="scoring", file=None, disable=None)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        result = run_batch(
            data_dir,
            out,
            bundle=bundle,
            options=options,
            resume=resume,
            drafts=drafts,
            fs_capacity=fs_capacity,
            as_of_is_now=(as_of or "").strip().lower() == "now",
            progress=progress,
            timing=timing,
        )
    except BatchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()
    if as_json:
        click.echo(json.dumps(result.summary, ensure_ascii=False, default=str))
        return
    click.echo(summary_text(result.summary))
    if result.reused_chunks:
        click.echo(f"resumed: {result.reused_chunks} chunks reused from the last run")
    click.echo(
        f"scores: {result.out}   rejects: {result.rejects}   "
        f"summary: {result.summary_path}"
    )
