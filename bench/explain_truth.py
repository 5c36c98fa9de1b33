"""Benchmark: do the ranked missing elements agree with the world's true gains?

Simulates a world, trains on it (time split inside `train`), scores the test
toss-ups (the latest 20 %) with explanations, and compares the ranking of missing
elements with the truth: the true gain of element e is `p_if_<e> − p_true` from
`truth/handoffs`. Among toss-ups with at least two missing elements it measures how
often the top-ranked element truly gains more than a randomly chosen other missing
one (exact over all others, ties count half; target ≥ 0.80), the Spearman
correlation of the predicted gain with the true gain over every (toss-up, missing
element) pair, and how often the top three include an element FS flagged in
`fs_feedback`, beside the same rate for a random ranking. Also times one lead
(from plain mappings) and a 1,000-lead batch. `--preset confounded` runs the world
where buying intent decides what gets written down (docs/world.md, "Presets").

Measured (20,000 leads, seed 7): default world (LightGBM served) top-1 beats a
random other 0.709 over 1,508 toss-ups, Spearman 0.405 over 5,624 missing
elements; confounded world (logistic served) 0.418 and −0.219: worse than a random
ranking, as the associations intent makes there lead one to expect.

    python bench/explain_truth.py --leads 20000 --seed 7 [--preset NAME]
Last line: JSON with preset, top1_beats_random, spearman_pred_vs_true, toss_ups,
fs_flag_in_top3, fs_flag_in_top3_random and the latencies.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr


def _beats(top: float, others: list[float]) -> float:
    wins = [1.0 if top > o + 1e-12 else 0.5 if abs(top - o) <= 1e-12 else 0.0
            for o in others]  # fmt: skip
    return float(np.mean(wins))


def _random_top3_hit(n: int, k: int) -> float:
    """P(a random top 3 of n missing elements holds one of the k flagged)."""
    if k == 0:
        return 0.0
    if n <= 3:
        return 1.0
    return 1.0 - math.comb(n - k, 3) / math.comb(n, 3)


def _agreement(
    scores: list, truth: pd.DataFrame, flags: pd.Series
) -> dict[str, float | int | None]:
    """Top-1-beats-random, Spearman of gains and FS flags in the top 3 vs truth."""
    beats: list[float] = []
    hits: list[float] = []
    random_hits: list[float] = []
    predicted: list[float] = []  # one per (toss-up, missing element)
    actual: list[float] = []
    for s in scores:
        keys = [m.element for m in s.missing]
        row = truth.loc[s.lead_id]
        true_gain = {k: float(row[f"p_if_{k}"] - row["p_true"]) for k in keys}
        predicted.extend(m.gain for m in s.missing)
        actual.extend(true_gain[k] for k in keys)
        if len(keys) >= 2:
            beats.append(_beats(true_gain[keys[0]], [true_gain[k] for k in keys[1:]]))
        flagged = flags.get(s.lead_id, set())
        if flagged:
            hits.append(float(bool(flagged & set(keys[:3]))))
            random_hits.append(_random_top3_hit(len(keys), len(flagged & set(keys))))
    rho = spearmanr(predicted, actual).statistic if len(predicted) >= 3 else np.nan
    return {
        "top1_beats_random": round(float(np.mean(beats)), 4) if beats else None,
        "toss_ups": len(beats),
        "spearman_pred_vs_true": round(float(rho), 4) if np.isfinite(rho) else None,
        "spearman_pairs": len(predicted),
        "fs_flag_in_top3": round(float(np.mean(hits)), 4) if hits else None,
        "fs_flag_in_top3_random": round(float(np.mean(random_hits)), 4)
        if random_hits
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--preset", default="default", help="a simulate.config preset")
    args = parser.parse_args(argv)

    from readiness.data.load import load_dataset
    from readiness.features.build import toss_up_points
    from readiness.model.bundle import load_bundle
    from readiness.model.config import TrainConfig
    from readiness.scoring.lead import lead_dataset
    from readiness.scoring.score import bundle_explain_method, score_points
    from readiness.settings import Settings
    from readiness.simulate import config as sim_config
    from readiness.simulate.store import read_truth, write_world
    from readiness.simulate.world import simulate_world
    from readiness.workflows.train import run_training

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "world"
        cfg = sim_config.preset(args.preset).with_(n_leads=args.leads, seed=args.seed)
        world = simulate_world(cfg)
        write_world(world, out)
        dataset = load_dataset(out)
        truth = read_truth(out, "handoffs").set_index("lead_id")
        t0 = time.perf_counter()
        run = run_training(
            out,
            model_dir=Path(tmp) / "bundle",
            config=TrainConfig(),
            tracking=False,
            timing=False,
            settings=Settings(project_dir=Path(tmp)),
        )
        train_s = time.perf_counter() - t0  # training, bundle and report
        result = run.result
        bundle = load_bundle(run.bundle_dir)
    print(f"trained in {train_s:.1f} s; served: {result.served} ({result.reason})")

    test_ids = set(result.test_frame["lead_id"])
    points = toss_up_points(dataset)
    points = points[points["lead_id"].isin(test_ids)].reset_index(drop=True)
    flags = dataset.fs_feedback.groupby("lead_id")["missing_elements"].agg(
        lambda s: {k for v in s for k in v.split(";") if k}
    )
    methods: dict[str, dict[str, float | int | None]] = {}
    score_s = 0.0
    for method in ("points", "adjusted", "blend"):
        t1 = time.perf_counter()
        scores = score_points(dataset, points, bundle=bundle, explain_method=method)
        score_s += time.perf_counter() - t1
        methods[method] = _agreement(scores, truth, flags)
    served_method = bundle_explain_method(bundle.meta)
    adjusted = bundle.meta.get("adjusted_effects") or {}
    effects_pts = {
        k: None if v.get("effect") is None else round(100 * v["effect"], 2)
        for k, v in (adjusted.get("elements") or {}).items()
    }
    robust = sorted(k for k, v in (adjusted.get("elements") or {}).items()
                    if v.get("robust"))  # fmt: skip

    # Latency: one lead from plain mappings (what the API does), then a batch.
    lead_id = points["lead_id"].iloc[0]
    lead = dataset.leads[dataset.leads["lead_id"] == lead_id].iloc[0]
    lead_map = {k: (None if pd.isna(v) else v) for k, v in lead.items()}
    ev = dataset.events[dataset.events["lead_id"] == lead_id]
    events = [
        {"timestamp": t, "type": k, "detail": None if pd.isna(d) else d}
        for t, k, d in zip(ev["timestamp"], ev["type"], ev["detail"], strict=True)
    ]
    one = points.iloc[[0]]
    timings, timings_ds = [], []
    for _ in range(20):
        a = time.perf_counter()
        single = lead_dataset(lead_map, events)
        b = time.perf_counter()
        score_points(single, one, bundle=bundle)
        c = time.perf_counter()
        timings_ds.append(b - a)
        timings.append(c - b)
    batch = points.head(1000)
    a = time.perf_counter()
    score_points(dataset, batch, bundle=bundle)
    batch_s = time.perf_counter() - a
    a = time.perf_counter()
    score_points(dataset, batch, bundle=bundle, explain=False)
    batch_plain_s = time.perf_counter() - a

    served = methods[served_method]
    report = {
        "leads": args.leads,
        "seed": args.seed,
        "preset": args.preset,
        "served": result.served,
        "explain_method": served_method,
        "top1_beats_random": served["top1_beats_random"],
        "spearman_pred_vs_true": served["spearman_pred_vs_true"],
        "toss_ups": served["toss_ups"],
        "test_toss_ups": len(points),
        "methods": methods,
        "adjusted_effects_pts": effects_pts,
        "robust_effects": robust,
        "single_lead_ms": round(1000 * float(np.median(timings)), 1),
        "single_lead_dataset_ms": round(1000 * float(np.median(timings_ds)), 1),
        "batch_1000_s": round(batch_s, 2),
        "batch_1000_no_explain_s": round(batch_plain_s, 2),
        "test_scoring_s": round(score_s, 2),
        "train_s": round(train_s, 1),
    }
    for method, m in methods.items():
        print(
            f"{method:>9}: top-ranked element beats a random other missing one "
            f"{m['top1_beats_random']} over {m['toss_ups']:,} toss-ups (≥ 0.80); "
            f"Spearman predicted vs true gain {m['spearman_pred_vs_true']}; FS flag in "
            f"top 3 {m['fs_flag_in_top3']} vs random {m['fs_flag_in_top3_random']}"
        )
    print(
        f"served order: {served_method}; adjusted effects (pt) {effects_pts}; robust: "
        f"{robust or 'none'}; one lead {report['single_lead_ms']} ms; 1,000 leads "
        f"{report['batch_1000_s']} s"
    )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
