"""Benchmark: training time on ~100,000 closed toss-ups (target <= 5 min).

Times the whole `readiness.model.train.train` (features, LightGBM + calibration, the
three baselines, evaluation) and, in the same run as a baseline, LightGBM's own
fit on the prepared feature matrix: the ratio is comparable across noisy runs.

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
    args = parser.parse_args(argv)

    import lightgbm as lgb

    from readiness.data.load import load_dataset
    from readiness.features.build import build_features, labelled_points
    from readiness.model.config import TrainConfig
    from readiness.model.train import train
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import write_world
    from readiness.simulate.world import simulate_world

    # About 0.42 closed toss-ups per simulated lead (measured at 192k leads).
    leads = int(args.toss_ups / 0.42)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "world"
        write_world(simulate_world(WorldConfig(n_leads=leads, seed=args.seed)), out)
        dataset = load_dataset(out)
        config = TrainConfig()
        t0 = time.perf_counter()
        result = train(dataset, config=config)
        seconds = time.perf_counter() - t0

        points = labelled_points(dataset)
        t1 = time.perf_counter()
        X = build_features(dataset, points, rubric=result.rubric)
        seconds_features = time.perf_counter() - t1
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
                "toss_ups": result.split["toss_ups"],
                "leads": leads,
                "seed": args.seed,
                "seconds": round(seconds, 1),
                "seconds_features": round(seconds_features, 1),
                "seconds_lightgbm_fit_only": round(seconds_lgbm, 1),
                "ratio_to_lightgbm_fit": round(seconds / seconds_lgbm, 1),
                "peak_rss_gb": round(peak, 2),
                "target_seconds": 300,
                "within_target": seconds <= 300,
                "served": result.served,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
