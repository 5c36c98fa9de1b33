"""Benchmark: simulate a world and write it; time and peak memory.

Targets (issue 2): 100,000 leads in <= 60 s and <= 4 GB on a 2-core machine.
A fixed numpy workload is timed in the same run as a baseline, because these
machines are noisy: `ratio_to_baseline` is comparable across runs, seconds are not.

    python bench/simulate.py --leads 100000 --seed 1
Last line: JSON with leads, events, seconds, peak_rss_gb and more.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def numpy_baseline(seed: int) -> float:
    """Draw and sort 20 M numbers: a fixed amount of numpy work."""
    t = time.perf_counter()
    rng = np.random.default_rng(seed)
    np.sort(rng.poisson(0.3, size=20_000_000))
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--out", type=Path, default=None, help="default: a temp dir")
    args = parser.parse_args(argv)

    from readiness.rubric.config import load_rubric
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import write_world
    from readiness.simulate.summary import headline
    from readiness.simulate.world import simulate_world

    base = numpy_baseline(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "world"
        t0 = time.perf_counter()
        world = simulate_world(WorldConfig(n_leads=args.leads, seed=args.seed))
        t1 = time.perf_counter()
        write_world(world, out, fmt=args.format)
        t2 = time.perf_counter()
        figures = headline(world, rubric=load_rubric())
        t3 = time.perf_counter()
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    seconds = t2 - t0
    result = {
        "leads": args.leads,
        "seed": args.seed,
        "events": figures["events"],
        "toss_ups": figures["toss_ups"],
        "seconds": round(seconds, 2),
        "seconds_simulate": round(t1 - t0, 2),
        "seconds_write": round(t2 - t1, 2),
        "seconds_headline": round(t3 - t2, 2),
        "peak_rss_gb": round(peak_gb, 3),
        "baseline_seconds": round(base, 3),
        "ratio_to_baseline": round(seconds / base, 1),
        "target_seconds": 60,
        "target_peak_rss_gb": 4,
        "within_target": bool(seconds <= 60 and peak_gb <= 4),
        "win_rate": figures["win_rate"],
        "toss_up_rate": figures["toss_up_rate"],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
