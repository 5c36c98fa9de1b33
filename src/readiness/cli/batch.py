"""`readiness score-batch`: score every lead of a data directory (the backlog)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from readiness.cli.options import (
    bundle_option,
    chunk_bar,
    data_dir_argument,
    json_option,
    say,
)


@click.command("score-batch")
@data_dir_argument
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Scores file, .parquet or .csv; rejects and summary are written beside it.",
)
@bundle_option("--model")
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
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="local: chunks on this machine; spark: the same scoring on a Spark "
    "cluster (pip install 'readiness[spark]'; docs/spark.md).",
)
@click.option(
    "--spark-master",
    help="Spark master for --engine spark (default: READINESS_SPARK_MASTER, "
    "else local[*]), e.g. spark://host:7077 or yarn.",
)
@click.option(
    "--alerts",
    "alerts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Alert rules YAML evaluated at the end (default: READINESS_ALERTS); "
    "docs/alerts.md.",
)
@click.option(
    "--no-history",
    is_flag=True,
    help="Do not append this run to the score history (READINESS_HISTORY_URL; "
    "docs/history.md).",
)
@json_option("Print the summary as JSON.")
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
    engine: str,
    spark_master: str | None,
    alerts: Path | None,
    no_history: bool,
    as_json: bool,
) -> None:
    """Score every lead of DATA_DIR (the nightly backlog) into a ranked file."""
    import json

    from readiness.batch.run import BatchOptions, parse_explain
    from readiness.batch.summary import summary_text
    from readiness.workflows.batch import run_score_batch

    options = BatchOptions(
        as_of=_moment(as_of),
        chunk_size=chunk_size,
        explain=parse_explain(explain),
        include_closed=include_closed,
        top_k=top_k,
        timing=with_timing,
    )
    with chunk_bar("scoring", "chunk") as progress:
        run = run_score_batch(
            data_dir,
            out,
            options=options,
            model_dir=model_dir,
            model_uri=model_uri,
            resume=resume,
            drafts=drafts,
            fs_capacity=fs_capacity,
            as_of_is_now=(as_of or "").strip().lower() == "now",
            progress=progress,
            engine=engine,
            spark_master=spark_master,
            alerts=alerts,
            history=not no_history,
        )
    for warning in run.warnings:
        say(warning)
    result = run.result
    if as_json:
        click.echo(json.dumps(result.summary, ensure_ascii=False, default=str))
        return
    click.echo(summary_text(result.summary))
    if "alerts" in result.summary:
        from readiness.workflows.alerts import alerts_line

        click.echo(alerts_line(result.summary["alerts"]))
    if result.reused_chunks:
        click.echo(f"resumed: {result.reused_chunks} chunks reused from the last run")
    click.echo(
        f"scores: {result.out}   rejects: {result.rejects}   "
        f"summary: {result.summary_path}"
    )
    if history := result.summary.get("history"):
        click.echo(
            f"history: {history['rows']} rows appended to {history['url']} "
            f"(run {history['run_id']})"
        )


def _moment(as_of: str | None) -> datetime | None:
    """--as-of as the contract's time (naive Asia/Tokyo); None: the data decides."""
    import pandas as pd

    from readiness.clock import TIMEZONE, now_tokyo

    if not as_of:
        return None
    if as_of.strip().lower() == "now":
        return now_tokyo()
    stamp = pd.to_datetime(as_of, errors="coerce")
    if pd.isna(stamp):
        raise click.ClickException(
            f"--as-of {as_of!r} is not a timestamp; write e.g. "
            "2026-11-03T06:00:00 (Asia/Tokyo) or now"
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(TIMEZONE).tz_localize(None)
    moment: datetime = stamp.to_pydatetime()
    return moment


@click.command("export-scores")
@click.argument("scores", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--crm",
    type=click.Choice(["salesforce", "hubspot"]),
    required=True,
    help="Whose import conventions the headers follow (docs/crm-export.md).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CSV to write (UTF-8; with a BOM unless --no-bom).",
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default="ja",
    show_default=True,
    help="Language of the element, question and timing-action cells.",
)
@click.option(
    "--bom/--no-bom",
    default=True,
    show_default=True,
    help="A UTF-8 byte-order mark, so Excel reads Japanese; --no-bom for "
    "Salesforce Data Loader, which takes the BOM as part of the first header.",
)
@click.option(
    "--id-header",
    help="Header of the lead-id column instead of Id / Record ID "
    "(e.g. Email when your lead ids are e-mail addresses).",
)
def export_scores_command(
    scores: Path, crm: str, out: Path, lang: str, bom: bool, id_header: str | None
) -> None:
    """Write SCORES (a score-batch output) as a Salesforce or HubSpot import CSV."""
    from readiness.workflows.batch import run_export_scores

    result = run_export_scores(
        scores, out, crm=crm, lang=lang, bom=bom, id_header=id_header
    )
    click.echo(
        f"{result.rows} rows → {result.out} ({crm}; updated at "
        f"{result.updated_at:%Y-%m-%dT%H:%M:%SZ}); columns: {', '.join(result.columns)}"
    )
    if result.unexplained:
        say(
            f"{result.unexplained} rows have no top missing element: score-batch "
            "explains only the top of the ranking (--explain top:N); run it with "
            "--explain all to fill every row"
        )
