"""Benchmark: the batch on Spark (local mode) against the local engine — parity.

Builds a small world (`--leads`, `--seed`), trains a quick LightGBM bundle on it,
then scores the backlog with the local engine and with `--engine spark` (Spark in
local mode, `--master`, default local[2]) and computes every feature column of the
backlog points both ways (the numpy kernel on one machine; the same kernel on
Spark's executors). The point is parity, not speed: on one machine Spark adds its
start-up and several passes over the data.

    python bench/spark.py --leads 800 --seed 3
Last line: JSON with seconds_local, seconds_spark, seconds_spark_start, rows,
max_abs_dprobability, feature_columns, feature_columns_equal and more.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

FAST = {
    "n_estimators": 40,
    "text_components": 4,
    "min_toss_ups": 50,
    "min_wins": 10,
    "min_child_samples": 10,
    "candidates": ("lightgbm",),
}


def say(msg: str) -> None:
    print(f"[bench/spark] {msg}", file=sys.stderr, flush=True)


def _equal_columns(local: pd.DataFrame, spark: pd.DataFrame) -> tuple[int, int]:
    """(columns compared, columns equal): float32 exact with NaN where NaN."""
    equal = 0
    for name in local.columns:
        a, b = local[name], spark[name]
        if a.dtype == np.float32 and b.dtype == np.float32:
            same = np.array_equal(a.to_numpy(), b.to_numpy(), equal_nan=True)
        else:
            same = str(a.dtype) == str(b.dtype) and (
                a.astype(object).fillna("∅").tolist()
                == b.astype(object).fillna("∅").tolist()
            )
        equal += bool(same)
    return len(local.columns), equal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=800)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work", type=Path, default=None, help="default: a temp dir")
    args = parser.parse_args(argv)
    warnings.filterwarnings(  # pyspark 4.3 on pandas 3: a notice, see workflows.spark
        "ignore", "PySpark does not yet fully support pandas", FutureWarning
    )

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
    from readiness.data.load import load_dataset
    from readiness.features.build import build_features
    from readiness.model.bundle import bundle_from_result, dataset_fingerprint
    from readiness.model.config import TrainConfig
    from readiness.model.train import train
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import write_world
    from readiness.simulate.world import simulate_world
    from readiness.workflows.spark import spark_session

    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        world = work / "world"
        say(f"simulating {args.leads} leads (seed {args.seed})")
        write_world(simulate_world(WorldConfig(n_leads=args.leads, seed=args.seed)),
                    world)  # fmt: skip
        dataset = load_dataset(world)
        say("training a quick bundle")
        result = train(dataset, config=TrainConfig(**FAST))
        bundle = bundle_from_result(
            result, data_fingerprint=dataset_fingerprint(dataset), commit=None,
            dataset=dataset,
        )  # fmt: skip
        options = BatchOptions(explain="top:20")

        say("local engine")
        t = time.perf_counter()
        local = run_batch(world, work / "local.parquet", bundle=bundle, options=options)
        seconds_local = time.perf_counter() - t

        backlog = read_backlog(world, None)
        frames = chunk_frames(backlog, plan_chunks(backlog, len(backlog.uniques)), 0)
        checked, _ = validate_chunk(frames, backlog.extras)
        points, _, _ = backlog_points(checked, None, latest_timestamp(backlog), False)
        reference = build_features(
            checked, points.drop(columns="status"), rubric=bundle.rubric
        )
        reference.insert(0, "status", points["status"].to_numpy())
        reference.insert(0, "lead_id", points["lead_id"].to_numpy())
        reference = reference.sort_values("lead_id").reset_index(drop=True)

        say(f"Spark engine ({args.master})")
        t = time.perf_counter()
        with spark_session(args.master, app="bench-spark") as spark:
            seconds_start = time.perf_counter() - t
            spark.conf.set("spark.sql.shuffle.partitions", "2")
            t = time.perf_counter()
            on_spark = spark_score_batch(
                spark, world, work / "spark.parquet", bundle=bundle, options=options
            )
            seconds_spark = time.perf_counter() - t
            features = spark_features(spark, world, rubric=bundle.rubric)

        a, b = pd.read_parquet(local.out), pd.read_parquet(on_spark.out)
        same_rows = a["lead_id"].tolist() == b["lead_id"].tolist()
        diff = a["probability"].to_numpy() - b["probability"].to_numpy()
        delta = float(np.max(np.abs(diff), initial=0.0))
        compared, equal = _equal_columns(reference, features)
        same_ids = reference["lead_id"].tolist() == features["lead_id"].tolist()
        line = {
            "leads": args.leads,
            "seed": args.seed,
            "master": args.master,
            "served": bundle.predictor,
            "rows": len(a),
            "rows_spark": len(b),
            "same_lead_order": same_rows,
            "max_abs_dprobability": delta,
            "same_grades": a["grade"].tolist() == b["grade"].tolist(),
            "same_summary": _untimed(local.summary) == _untimed(on_spark.summary),
            "feature_points": len(reference),
            "feature_points_same_leads": same_ids,
            "feature_columns": compared,
            "feature_columns_equal": equal,
            "seconds_local": round(seconds_local, 2),
            "seconds_spark_start": round(seconds_start, 2),
            "seconds_spark": round(seconds_spark, 2),
        }
    print(json.dumps(line))
    return 0


def _untimed(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("seconds", "finished_at")}


if __name__ == "__main__":
    raise SystemExit(main())
