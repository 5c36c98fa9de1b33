"""Benchmark: nightly batch scoring of a large backlog, end to end, vs predict alone.

Targets (issues 6 and 18): 1,000,000 leads with about 20,000,000 events scored end
to end (read, validate, features, predict, write; no explanations) in ≤ 10× the
time LightGBM's own predict takes on the prepared feature matrix (stretch: 3×),
within 6 GB peak. The run's own stage seconds (the summary's `seconds`) are
printed beside it, so the line says where the rest of the time goes.

Simulating a million leads costs ~320 s and ~20 GB, so a smaller world
(`--base-leads`, default 50,000) is simulated once and tiled: copy k renames every
lead id `<id>-t<k>` in all tables, so the backlog has the base world's mix of open,
handed-off and closed leads, `--leads` rows and proportionally many events. A model
is trained on the base world with the default training config. The batch run is a
`readiness score-batch` subprocess (its peak RSS is measured alone); the baseline
is `booster.predict` of the served model on the model's prepared design matrix of
the same number of backlog points, built from the base world's points and tiled.

    python bench/batch.py --leads 1000000            # the issue's size
    python bench/batch.py --leads 20000 --base-leads 10000   # a quick run
Last line: JSON with rows_in, rows_scored, rows_rejected, seconds_total,
seconds_predict_only, peak_rss_gb and more.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def say(msg: str) -> None:
    print(f"[bench/batch] {msg}", file=sys.stderr, flush=True)


def tile_world(base: Path, out: Path, *, leads: int) -> dict[str, int]:
    """Write `leads` leads by tiling the base world's tables, streaming each copy."""
    out.mkdir(parents=True, exist_ok=True)
    base_leads = pq.read_table(base / "leads.parquet")
    n_base = base_leads.num_rows
    tiles = math.ceil(leads / n_base)
    keep = pc.is_in(
        base_leads["lead_id"], value_set=base_leads["lead_id"].slice(0, leads % n_base)
    )
    rows: dict[str, int] = {}
    for name in ("leads", "events", "handoffs", "outcomes"):
        table = (
            base_leads if name == "leads" else pq.read_table(base / f"{name}.parquet")
        )
        ids = table["lead_id"]
        last_keep = pc.is_in(ids, value_set=base_leads["lead_id"].filter(keep))
        rows[name] = 0
        with pq.ParquetWriter(out / f"{name}.parquet", table.schema) as writer:
            for k in range(tiles):
                part = table
                if k == tiles - 1 and leads % n_base:
                    part = table.filter(last_keep)
                ids = part["lead_id"]
                renamed = pc.binary_join_element_wise(
                    ids, pa.scalar(f"-t{k}", ids.type), pa.scalar("", ids.type)
                )
                index = part.schema.get_field_index("lead_id")
                part = part.set_column(index, "lead_id", renamed)
                writer.write_table(part)
                rows[name] += part.num_rows
    return rows


def predict_only(base: Path, bundle_dir: Path, rows: int) -> tuple[float, int]:
    """Seconds of LightGBM predict on the prepared matrix of `rows` backlog points."""
    import numpy as np
    import pandas as pd

    from readiness.batch.backlog import backlog_points, latest_timestamp, read_backlog
    from readiness.data.load import load_dataset
    from readiness.features.build import build_features
    from readiness.model.bundle import load_bundle

    bundle = load_bundle(bundle_dir)
    dataset = load_dataset(base)
    as_of = latest_timestamp(read_backlog(base, None))
    points, _, _ = backlog_points(dataset, None, as_of, False)
    features = build_features(
        dataset, points.drop(columns="status"), rubric=bundle.rubric
    )
    model = bundle.estimator
    design = model._design(features)  # the matrix LightGBM is given
    reps = math.ceil(rows / len(design))
    big = pd.concat([design] * reps, ignore_index=True).iloc[:rows]
    if model.booster_model_ is None:  # a linear model is served: its own scoring
        matrix = np.asarray(model.design_matrix(features), dtype=np.float64)
        big_matrix = np.concatenate([matrix] * reps)[:rows]
        t = time.perf_counter()
        model.raw_design(big_matrix)
        return time.perf_counter() - t, len(big_matrix)
    t = time.perf_counter()
    model.booster_model_.booster_.predict(big)
    return time.perf_counter() - t, len(big)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--base-leads", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=None, help="default: a temp dir")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the base world, model and tiled backlog already in --work",
    )
    args = parser.parse_args(argv)

    from readiness.model.bundle import load_bundle
    from readiness.settings import Settings
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import write_world
    from readiness.simulate.world import simulate_world
    from readiness.workflows.train import run_training

    base_leads = min(args.base_leads, args.leads)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        base, tiled, bundle_dir = work / "base", work / "backlog", work / "bundle"
        if args.reuse and (tiled / "leads.parquet").exists():
            say(f"reusing {base}, {bundle_dir} and {tiled}")
            rows = {
                n: pq.ParquetFile(tiled / f"{n}.parquet").metadata.num_rows
                for n in ("leads", "events", "handoffs", "outcomes")
            }
        else:
            say(f"simulating the base world: {base_leads:,} leads")
            world = simulate_world(WorldConfig(n_leads=base_leads, seed=args.seed))
            write_world(world, base)
            del world
            say("training the model on it (default config)")
            run_training(
                base,
                model_dir=bundle_dir,
                tracking=False,
                timing=False,
                settings=Settings(project_dir=work, model_dir=bundle_dir),
            )
            say(f"tiling to {args.leads:,} leads")
            rows = tile_world(base, tiled, leads=args.leads)
        say(f"backlog: {rows}")
        out = work / "scores.parquet"
        cmd = [
            sys.executable, "-c", "from readiness.cli import main; main()",
            "score-batch", str(tiled), "--out", str(out), "--model", str(bundle_dir),
            "--explain", "none", "--chunk-size", str(args.chunk_size), "--json",
        ]  # fmt: skip
        say("scoring end to end (subprocess): " + " ".join(cmd[3:]))
        t = time.perf_counter()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        seconds_total = time.perf_counter() - t
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        say(f"end to end: {seconds_total:.1f} s, peak {peak_gb:.2f} GB")
        timed = summary.get("seconds") or {}
        stages = timed.get("stages") or {}
        for name, sec in sorted(stages.items(), key=lambda kv: -kv[1]):
            say(f"  {name:<16} {sec:7.1f} s")
        if timed.get("other") is not None:
            say(f"  {'other':<16} {timed['other']:7.1f} s")
        if (timed.get("workers") or 1) > 1:
            say(f"  (stages summed over {timed['workers']} worker processes)")
        say("LightGBM predict alone on the prepared matrix")
        seconds_predict, predicted = predict_only(
            base, bundle_dir, summary["rows_scored"]
        )
        say(f"predict only: {seconds_predict:.1f} s for {predicted:,} rows")
        ratio = seconds_total / seconds_predict if seconds_predict else float("inf")
        result_line = {
            "leads": args.leads,
            "base_leads": base_leads,
            "events": rows["events"],
            "chunk_size": args.chunk_size,
            "rows_in": summary["rows_in"],
            "rows_scored": summary["rows_scored"],
            "rows_rejected": summary["rows_rejected"],
            "rows_closed_skipped": summary["rows_closed_skipped"],
            "rows_balance": summary["rows_balance"],
            "seconds_total": round(seconds_total, 1),
            "seconds_predict_only": round(seconds_predict, 2),
            "ratio_to_predict": round(ratio, 1),
            "peak_rss_gb": round(peak_gb, 3),
            "stage_seconds": stages,
            "seconds_in_run": timed.get("total"),
            "seconds_other": timed.get("other"),
            "workers": timed.get("workers"),
            "target_ratio": 10,
            "stretch_ratio": 3,
            "target_peak_rss_gb": 6,
            "within_target": bool(ratio <= 10 and peak_gb <= 6),
            "within_stretch": bool(ratio <= 3 and peak_gb <= 6),
            "n_estimators": load_bundle(bundle_dir).meta["config"]["n_estimators"],
            "served": load_bundle(bundle_dir).meta.get("served"),
        }
    print(json.dumps(result_line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
