"""Benchmark: model quality next to the oracle (the world's true p) and the rubric.

On a fresh world (a seed never used in development), the same test set (the
latest 20 % of closed toss-ups) scores the model, the calibrated rubric and the
oracle. The same pipeline on a world 5x larger shows whether the gap to the
oracle is data-limited (it shrinks) or what the observable data cannot tell (it
stays). `--curve` adds a learning curve: the smallest data where the model beats
the calibrated rubric on validation (the cold-start threshold).

Targets (issue 4): AUC >= 0.97 x oracle AUC, Brier <= 1.05 x oracle Brier,
ECE <= 0.02, AUC >= rubric AUC + 0.10.

    python bench/quality.py --leads 20000 --seed 90210 [--multiplier 5] [--curve]
Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _run(leads: int, seed: int, tmp: Path, **overrides: Any) -> dict[str, Any]:
    from readiness.data.load import load_dataset
    from readiness.model.config import TrainConfig
    from readiness.model.train import train
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.store import read_truth, write_world
    from readiness.simulate.world import simulate_world

    out = tmp / f"world_{leads}_{seed}"
    write_world(simulate_world(WorldConfig(n_leads=leads, seed=seed)), out)
    dataset = load_dataset(out)
    truth = read_truth(out, "handoffs")[["lead_id", "p_true"]]
    t0 = time.perf_counter()
    result = train(dataset, config=TrainConfig(**overrides), truth=truth)
    m = result.evaluation.metrics
    return {
        "toss_ups": result.split["toss_ups"],
        "test_toss_ups": result.split["test_toss_ups"],
        "served": result.served,
        "predictor": result.predictor,
        "seconds_train": round(time.perf_counter() - t0, 1),
        "validation": result.validation,
        "metrics": m,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=90210)
    parser.add_argument("--multiplier", type=int, default=5, help="0 to skip")
    parser.add_argument("--curve", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        base = _run(args.leads, args.seed, tmp)
        m = base["metrics"]
        for name in ("model", "rubric_total", "logistic", "oracle"):
            v = m[name]
            print(
                f"{args.leads:>7} leads  {name:<13} AUC {v['roc_auc']:.4f}  "
                f"Brier {v['brier']:.4f}  ECE {v['ece']:.4f}",
                file=sys.stderr,
            )
        big: dict[str, Any] | None = None
        if args.multiplier > 0:
            big = _run(args.leads * args.multiplier, args.seed, tmp)
            for name in ("model", "oracle"):
                v = big["metrics"][name]
                print(
                    f"{args.leads * args.multiplier:>7} leads  {name:<13} "
                    f"AUC {v['roc_auc']:.4f}  Brier {v['brier']:.4f}",
                    file=sys.stderr,
                )
        curve = []
        if args.curve:
            for leads in (400, 800, 1600, 3200, 6400):
                r = _run(leads, args.seed + 1, tmp, min_toss_ups=20, min_wins=5)
                curve.append(
                    {
                        "leads": leads,
                        "train_toss_ups": round(r["toss_ups"] * 0.8),
                        "served": r["predictor"],
                        "val_auc_served": round(
                            r["validation"].get(f"roc_auc_{r['predictor']}", 0), 4
                        ),
                        "val_auc_rubric": round(
                            r["validation"].get("roc_auc_rubric", 0), 4
                        ),
                        "test_auc_model": round(r["metrics"]["model"]["roc_auc"], 4),
                        "test_auc_rubric": round(
                            r["metrics"]["rubric_total"]["roc_auc"], 4
                        ),
                    }
                )
                print(json.dumps(curve[-1]), file=sys.stderr)

    o, r = m["oracle"], m["rubric_total"]
    model = m["model"]
    result: dict[str, Any] = {
        "leads": args.leads,
        "seed": args.seed,
        "toss_ups": base["toss_ups"],
        "test_toss_ups": base["test_toss_ups"],
        "served": base["served"],
        "predictor": base["predictor"],
        "auc_model": round(model["roc_auc"], 4),
        "auc_oracle": round(o["roc_auc"], 4),
        "auc_rubric": round(r["roc_auc"], 4),
        "auc_logistic": round(m["logistic"]["roc_auc"], 4),
        "brier_model": round(model["brier"], 5),
        "brier_oracle": round(o["brier"], 5),
        "brier_rubric": round(r["brier"], 5),
        "ece_model": round(model["ece"], 4),
        "auc_ratio_to_oracle": round(model["roc_auc"] / o["roc_auc"], 4),
        "brier_ratio_to_oracle": round(model["brier"] / o["brier"], 4),
        "auc_gain_over_rubric": round(model["roc_auc"] - r["roc_auc"], 4),
    }
    if big is not None:
        bm, bo = big["metrics"]["model"], big["metrics"]["oracle"]
        result.update(
            {
                "leads_5x": args.leads * args.multiplier,
                "auc_model_5x": round(bm["roc_auc"], 4),
                "auc_oracle_5x": round(bo["roc_auc"], 4),
                "brier_model_5x": round(bm["brier"], 5),
                "brier_oracle_5x": round(bo["brier"], 5),
                "ece_model_5x": round(bm["ece"], 4),
                "auc_gap_to_oracle": round(o["roc_auc"] - model["roc_auc"], 4),
                "auc_gap_to_oracle_5x": round(bo["roc_auc"] - bm["roc_auc"], 4),
            }
        )
    result["targets_met"] = {
        "auc_ge_0.97_oracle": result["auc_ratio_to_oracle"] >= 0.97,
        "brier_le_1.05_oracle": result["brier_ratio_to_oracle"] <= 1.05,
        "ece_le_0.02": result["ece_model"] <= 0.02,
        "auc_ge_rubric_plus_0.10": result["auc_gain_over_rubric"] >= 0.10,
    }
    if curve:
        result["learning_curve"] = curve
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
