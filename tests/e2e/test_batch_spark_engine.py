"""`score-batch --engine spark`: the same features, rows and rejects as one machine.

Spark runs in local mode (`local[2]`, two shuffle partitions: CI has two cores) on
small worlds. The reference is always the local engine's own code path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from clean_env import pinned_env
from factory import Factory

from readiness.batch.backlog import (
    backlog_points,
    chunk_frames,
    latest_timestamp,
    plan_chunks,
    read_backlog,
    validate_chunk,
)
from readiness.batch.run import BatchOptions, run_batch
from readiness.batch.spark import spark_features, spark_score_batch
from readiness.data.contract import write_tables
from readiness.features.build import build_features

pytestmark = [
    pytest.mark.spark,
    # pyspark 4.3 warns on any pandas >= 3 ("not yet fully supported"): a notice
    # about pandas conversions the engine does not use (it hands executors Arrow
    # tables). These tests are what show the combination gives the same numbers.
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]

if shutil.which("java") is None and not os.environ.get("CI"):
    pytest.skip(
        "Spark needs Java: apt-get install default-jre-headless (CI installs it)",
        allow_module_level=True,
    )

SCORE_COLUMNS = ("lead_id", "status", "probability", "grade", "points")
# A few hundred leads and a model that is LightGBM (the commands are under test).
FAST_YAML = (
    "n_estimators: 40\ntext_components: 4\nmin_toss_ups: 50\nmin_wins: 10\n"
    "min_child_samples: 10\ncandidates: [lightgbm]\n"
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from readiness.workflows.spark import spark_session

    with spark_session("local[2]", app="readiness-test") as session:
        session.conf.set("spark.sql.shuffle.partitions", "2")
        yield session


@pytest.fixture(scope="module")
def messy_dir(tmp_path_factory: pytest.TempPathFactory, factory: Factory) -> Path:
    """The tiny world as CSV with what a real export has: a few invalid rows, rows
    of no lead, padded lead ids, and memo drafts (`drafts.csv`) for open leads."""
    out = tmp_path_factory.mktemp("messy")
    dataset = factory.dataset("tiny")
    tables = {n: f.astype(object) for n, f in dataset.tables().items()}
    leads, events, handoffs = tables["leads"], tables["events"], tables["handoffs"]
    open_ids = sorted(set(leads["lead_id"]) - set(handoffs["lead_id"]))
    bad, late, padded, wide = open_ids[:4]
    leads.loc[leads["lead_id"] == bad, "employees"] = "many"
    leads.loc[leads["lead_id"] == padded, "lead_id"] = f"  {padded} "
    events.loc[events["lead_id"] == wide, "lead_id"] = f"{wide}\u3000"
    row = events.index[events["lead_id"] == late][0]
    events.loc[row, "timestamp"] = "2026-13-45 99:99"
    orphans = events.iloc[[0, 1]].assign(lead_id=["NOT-A-LEAD", ""])
    tables["events"] = pd.concat([events, orphans], ignore_index=True)
    stray = handoffs.iloc[[0]].assign(lead_id="NOBODY")
    tables["handoffs"] = pd.concat([handoffs, stray], ignore_index=True)
    write_tables(tables, out, fmt="csv")
    drafts = pd.DataFrame(
        {
            "lead_id": [*open_ids[4:40], "NO-SUCH-LEAD"],
            "memo": ["予算: 500万円 決裁者: 部長 時期: 来月 課題: 在庫管理"] * 37,
        }
    )
    drafts.to_csv(out / "drafts.csv", index=False)
    return out


def _local_features(data_dir: Path, drafts: Path, rubric: Any) -> pd.DataFrame:
    """The numpy reference: build_features on the local engine's backlog points."""
    backlog = read_backlog(data_dir, drafts)
    plan = plan_chunks(backlog, len(backlog.uniques))
    frames = chunk_frames(backlog, plan, 0)
    dataset, _ = validate_chunk(frames, backlog.extras)
    points, _, _ = backlog_points(
        dataset, frames.get("drafts"), latest_timestamp(backlog), False
    )
    built = build_features(dataset, points.drop(columns="status"), rubric=rubric)
    built.insert(0, "status", points["status"].to_numpy())
    built.insert(0, "lead_id", points["lead_id"].to_numpy())
    return built.sort_values("lead_id", kind="stable").reset_index(drop=True)


def test_every_feature_column_on_spark_equals_the_numpy_reference(
    spark: Any, messy_dir: Path, factory: Factory
) -> None:
    rubric = factory.bundle("medium").rubric
    drafts = messy_dir / "drafts.csv"
    expected = _local_features(messy_dir, drafts, rubric)
    got = spark_features(spark, messy_dir, rubric=rubric, drafts=drafts, chunk_size=64)

    assert list(got.columns) == list(expected.columns)
    assert len(expected.columns) > 100
    assert got["lead_id"].tolist() == expected["lead_id"].tolist()
    assert (expected["status"] == "open").sum() > 100
    for name in expected.columns:
        want, have = expected[name], got[name]
        assert str(have.dtype) == str(want.dtype), name
        if want.dtype == np.float32:  # exact, NaN where NaN
            np.testing.assert_array_equal(have.to_numpy(), want.to_numpy(), name)
        else:
            assert have.astype(object).fillna("∅").tolist() == (
                want.astype(object).fillna("∅").tolist()
            ), name


def _same_output(local: Any, spark_run: Any) -> None:
    a, b = pd.read_parquet(local.out), pd.read_parquet(spark_run.out)
    assert list(a.columns) == list(b.columns)
    assert a["lead_id"].tolist() == b["lead_id"].tolist()
    np.testing.assert_allclose(b["probability"], a["probability"], rtol=0, atol=1e-9)
    for col in a.columns.drop("probability"):
        assert a[col].astype(object).fillna("∅").tolist() == (
            b[col].astype(object).fillna("∅").tolist()
        ), col
    ra = pd.read_csv(local.rejects, dtype=str, keep_default_na=False)
    rb = pd.read_csv(spark_run.rejects, dtype=str, keep_default_na=False)
    key = ["table", "row", "lead_id", "column", "reason"]
    pd.testing.assert_frame_equal(
        ra.sort_values(key).reset_index(drop=True),
        rb.sort_values(key).reset_index(drop=True),
    )
    for field in ("rows_in", "rows_scored", "rows_rejected", "rows_closed_skipped"):
        assert local.summary[field] == spark_run.summary[field], field


def test_spark_scores_explains_and_rejects_the_rows_the_local_engine_does(
    spark: Any, messy_dir: Path, factory: Factory, tmp_path: Path
) -> None:
    bundle, timing = factory.bundle("medium"), factory.timing("medium")
    options = BatchOptions(chunk_size=64, explain="top:15", timing=True)
    drafts = messy_dir / "drafts.csv"
    local = run_batch(
        messy_dir, tmp_path / "local.parquet", bundle=bundle, options=options,
        drafts=drafts, timing=timing,
    )  # fmt: skip
    on_spark = spark_score_batch(
        spark, messy_dir, tmp_path / "spark.parquet", bundle=bundle, options=options,
        drafts=drafts, timing=timing,
    )  # fmt: skip
    _same_output(local, on_spark)
    rejects = pd.read_csv(on_spark.rejects, dtype=str, keep_default_na=False)
    assert {"NOT-A-LEAD", "NOBODY", "NO-SUCH-LEAD"} <= set(rejects["lead_id"])
    assert (rejects["table"] == "leads").sum() == 2  # the bad and the late lead
    scores = pd.read_parquet(on_spark.out)
    assert scores["explained"].sum() == 15
    assert (scores["timing_action"] != "").any()


class _Cli:
    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.env = {**pinned_env(home), **env}

    def run(self, *args: str | Path, ok: bool = True) -> str:
        done = subprocess.run(
            [sys.executable, "-c", "from readiness.cli import main; main()"]
            + [str(a) for a in args],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        out = done.stdout + done.stderr
        assert "Traceback" not in out, out
        assert (done.returncode == 0) == ok, out
        if not ok:
            errors = [ln for ln in done.stderr.splitlines() if ln.startswith("Error:")]
            assert len(errors) == 1, out
            return errors[0]
        return out


@pytest.mark.slow
def test_score_batch_engine_spark_gives_the_rows_of_the_local_engine(
    tmp_path: Path,
) -> None:
    cli = _Cli(tmp_path)
    (tmp_path / "fast.yaml").write_text(FAST_YAML)
    cli.run("simulate", "--leads", "500", "--seed", "3", "--out", "data")
    out = cli.run("train", "data", "--config", "fast.yaml")
    assert "served: lightgbm" in out
    cli.run("score-batch", "data", "--out", "local.parquet", "--explain", "top:10")
    cli.run(
        "score-batch", "data", "--out", "spark.parquet", "--explain", "top:10",
        "--engine", "spark", "--spark-master", "local[2]",
    )  # fmt: skip

    runs = []
    for name in ("local", "spark"):
        out_file = tmp_path / f"{name}.parquet"
        summary = json.loads(
            out_file.with_name(out_file.name + ".summary.json").read_text()
        )
        rejects = out_file.with_name(out_file.name + ".rejects.csv")
        runs.append(_Run(out_file, rejects, summary))
    _same_output(*runs)
    assert _untimed(runs[1].summary) == _untimed(runs[0].summary)  # drift too


class _Run:
    def __init__(self, out: Path, rejects: Path, summary: dict[str, Any]) -> None:
        self.out, self.rejects, self.summary = out, rejects, summary


def test_the_spark_engine_says_what_to_install_and_refuses_resume(
    tmp_path: Path, factory: Factory
) -> None:
    blocker = tmp_path / "no-pyspark" / "pyspark"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed')\n")
    world, model = factory.world_dir("tiny"), factory.model_dir("medium")
    env = pinned_env(tmp_path)
    cli = _Cli(tmp_path, PYTHONPATH=os.pathsep.join([str(blocker.parent),
                                                     env["PYTHONPATH"]]))  # fmt: skip
    args = ("score-batch", world, "--out", "s.parquet", "--model", model,
            "--engine", "spark")  # fmt: skip
    error = cli.run(*args, ok=False)
    assert "pip install 'readiness[spark]'" in error
    error = _Cli(tmp_path).run(*args, "--resume", ok=False)
    assert "--resume" in error and "local" in error
    assert not (tmp_path / "s.parquet").exists()


def _untimed(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary without its stage seconds and finishing time, which differ
    between any two runs."""
    return {k: v for k, v in summary.items() if k not in ("seconds", "finished_at")}
