"""Benchmark: recovered rubric weights vs the best rubric the truth allows.

On fresh simulated worlds of about 2k, 5k and 20k closed toss-ups, the weights
`readiness.rubric.recalibrate` learns from `won` are compared with the same constrained
form fitted to the world's true win probabilities (`truth/handoffs.p_true`, as
soft labels) on the same toss-ups with the same item fractions — apples to
apples. Targets (issue 8): every weight within ±3 points at 20k toss-ups, and the
new rubric's held-out AUC ≥ the old one's. A fixed numpy workload is timed as a
baseline.

    python bench/recalibration.py --sizes 2000,5000,20000 --seed 3
Last line: JSON with max_abs_weight_error, auc_old, auc_new, toss_ups and more.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from simulate import numpy_baseline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000,20000", help="closed toss-ups")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--bootstrap", type=int, default=50)
    parser.add_argument(
        "--label-draws",
        type=int,
        default=20,
        help="at the largest size, refit on win labels redrawn from the true "
        "probabilities this many times: the error label noise alone leaves",
    )
    args = parser.parse_args(argv)

    from readiness.data.files import RawTables
    from readiness.data.load import validate_and_coerce
    from readiness.rubric.config import default_rubric
    from readiness.rubric.fit import criterion_fractions, fit_weights
    from readiness.rubric.recalibrate import (
        RecalibrationConfig,
        _closed_toss_ups,
        recalibrate,
    )
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world

    base = numpy_baseline(args.seed)
    rubric = default_rubric()
    rows = []
    t_all = time.perf_counter()
    for size in [int(s) for s in args.sizes.split(",")]:
        t0 = time.perf_counter()
        leads = int(size / 0.42)  # ~45 % tossed up, ~92 % of those closed
        world = simulate_world(WorldConfig(n_leads=leads, seed=args.seed))
        _, dataset = validate_and_coerce(RawTables.from_frames(world.tables))
        result = recalibrate(
            dataset,
            rubric=rubric,
            config=RecalibrationConfig(n_bootstrap=args.bootstrap, seed=args.seed),
        )
        closed = _closed_toss_ups(dataset)
        p_true = closed["lead_id"].map(
            world.truth["handoffs"].set_index("lead_id")["p_true"]
        )
        fit_rows = slice(0, result.n_train)  # the rows the recalibration fitted on
        s, _, _ = criterion_fractions(closed.iloc[fit_rows], rubric)
        truth_whole, truth_cont = fit_weights(s, p_true.iloc[fit_rows])
        keys = list(result.items)
        got = np.array([result.weights[k] for k in keys])
        got_cont = np.array([result.weights_continuous[k] for k in keys])
        row = {
            "toss_ups": len(closed),
            "n_fit": result.n_train,
            "weights": dict(zip(keys, got.tolist(), strict=True)),
            "truth_weights": dict(zip(keys, truth_whole.tolist(), strict=True)),
            "max_abs_weight_error": int(np.abs(got - truth_whole).max()),
            "max_abs_weight_error_continuous": round(
                float(np.abs(got_cont - truth_cont).max()), 2
            ),
            "auc_old": round(result.heldout["auc_old"], 4),
            "auc_new": round(result.heldout["auc_new"], 4),
            "auc_diff_ci": [round(x, 4) for x in result.heldout["auc_diff_ci"]],
            "seconds": round(time.perf_counter() - t0, 1),
        }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    # Same toss-ups, same item scores, only the outcomes redrawn from the truth: how
    # close any fit of this form gets with this many labels.
    rng = np.random.default_rng(args.seed)
    p_fit = p_true.iloc[fit_rows].to_numpy(dtype=float)
    noise = []
    for _ in range(args.label_draws):
        y = (rng.random(len(p_fit)) < p_fit).astype(int)
        noise.append(float(np.abs(fit_weights(s, y)[1] - truth_cont).max()))
    last = rows[-1]
    seconds = time.perf_counter() - t_all
    summary = {
        "seed": args.seed,
        "toss_ups": last["toss_ups"],
        "max_abs_weight_error": last["max_abs_weight_error"],
        "max_abs_weight_error_continuous": last["max_abs_weight_error_continuous"],
        "auc_old": last["auc_old"],
        "auc_new": last["auc_new"],
        "weights": last["weights"],
        "truth_weights": last["truth_weights"],
        "error_by_size": {str(r["toss_ups"]): r["max_abs_weight_error"] for r in rows},
        "label_noise_max_error_median": round(float(np.median(noise)), 2)
        if noise
        else None,
        "label_noise_share_within_3": round(float(np.mean(np.array(noise) <= 3)), 2)
        if noise
        else None,
        "within_target": bool(
            last["max_abs_weight_error"] <= 3 and last["auc_new"] >= last["auc_old"]
        ),
        "seconds": round(seconds, 1),
        "baseline_seconds": round(base, 3),
        "ratio_to_baseline": round(seconds / base, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
