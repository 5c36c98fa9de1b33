"""Benchmark: training time on ~100,000 closed toss-ups (target <= 5 min).

Times the whole `readiness.model.train.train` (features, LightGBM + calibration, the
three baselines, evaluation) and, in the same run as a baseline, LightGBM's own
fit on the prepared feature matrix: the ratio is comparable across noisy runs.
The training features are also timed with the memo cache cold (every memo read,
kept in a new SQLite file) and warm (the next run reading that file), checked equal.

    python bench/train.py --toss-ups 100000 --seed 3
Last line: JSON with toss_ups and seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toss-ups", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--features-only",
        action="store_true",
        help="time only the training features (memo cache cold and warm)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes reading uncached memos (0: every core, as the commands do)",
    )
    args = parser.parse_args(argv)

    import lightgbm as lgb
    import pandas as pd

    from readiness.data.load import load_dataset
    from readiness.features.build import build_features, labelled_points
    from readiness.features.memo import memo_workers
    from readiness.features.memo_cache import MemoCache, use_memo_cache
    from readiness.model.config import TrainConfig
    from readiness.model.train import train
    from readiness.rubric.config import default_rubric
    from readiness.settings import available_cores
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import write_world
    from readiness.simulate.world import simulate_world
    from readiness.stopwatch import Stopwatch, use_stopwatch

    workers = args.workers or available_cores()

    # About 0.42 closed toss-ups per simulated lead (measured at 192k leads).
    leads = int(args.toss_ups / 0.42)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "world"
        write_world(simulate_world(WorldConfig(n_leads=leads, seed=args.seed)), out)
        dataset = load_dataset(out)
        config = TrainConfig()
        t0 = time.perf_counter()
        result = None
        if not args.features_only:
            with use_memo_cache(MemoCache()):  # cold: every memo read
                result = train(dataset, config=config)
        seconds = time.perf_counter() - t0
        rubric = result.rubric if result is not None else default_rubric()

        # Training features, cold (a new cache file) and warm (the next run: a
        # new cache object reading the file), checked equal.
        points = labelled_points(dataset)
        cache_file = Path(tmp) / "memo_cache.sqlite"
        t1 = time.perf_counter()
        cold_watch, warm_watch = Stopwatch(), Stopwatch()
        with (
            use_memo_cache(MemoCache(cache_file)) as cold,
            memo_workers(workers),
            use_stopwatch(cold_watch),
        ):
            X = build_features(dataset, points, rubric=rubric)
        seconds_features = time.perf_counter() - t1
        cold.close()
        t1 = time.perf_counter()
        with (
            use_memo_cache(MemoCache(cache_file)) as warm,
            memo_workers(workers),
            use_stopwatch(warm_watch),
        ):
            X_warm = build_features(dataset, points, rubric=rubric)
        seconds_features_warm = time.perf_counter() - t1
        for name, watch in (("cold", cold_watch), ("warm", warm_watch)):
            stages = "  ".join(f"{k} {v:.1f} s" for k, v in watch.seconds.items())
            print(f"[bench/train] features {name}: {stages}", file=sys.stderr)
        pd.testing.assert_frame_equal(X, X_warm)
        design = X.drop(columns=["memo_text"])
        t2 = time.perf_counter()
        lgb.LGBMClassifier(
            n_estimators=config.n_estimators,
            learning_rate=config.learning_rate,
            num_leaves=config.num_leaves,
            max_depth=config.max_depth,
            min_child_samples=config.min_child_samples,
            n_jobs=config.n_jobs,
            verbose=-1,
        ).fit(design, points["won"])
        seconds_lgbm = time.perf_counter() - t2
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        json.dumps(
            {
                "toss_ups": len(points),
                "leads": leads,
                "seed": args.seed,
                "seconds": round(seconds, 1),
                "seconds_features": round(seconds_features, 1),
                "seconds_features_warm_cache": round(seconds_features_warm, 1),
                "memos_read_cold": cold.misses,
                "memo_workers": workers,
                "stage_seconds_cold": cold_watch.rounded(1),
                "stage_seconds_warm": warm_watch.rounded(1),
                "memos_read_warm": warm.misses,
                "features_target_cold_100k": 25,
                "features_target_warm_100k": 10,
                "seconds_lightgbm_fit_only": round(seconds_lgbm, 1),
                "ratio_to_lightgbm_fit": (
                    round(seconds / seconds_lgbm, 1) if result is not None else None
                ),
                "peak_rss_gb": round(peak, 2),
                "target_seconds": 300,
                "within_target": seconds <= 300 if result is not None else None,
                "served": result.served if result is not None else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
