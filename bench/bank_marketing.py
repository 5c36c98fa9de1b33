"""Benchmark: the real UCI bank-marketing export through `readiness import` + `train`.

Imports data/external/bank-additional-full.csv.gz with the mapping in
examples/bank-marketing/, trains with the example's train.yaml (linear base +
refit; `--base none --refit no` for plain LightGBM), and measures on the same
time-ordered test set (the latest 20 %): the served model, the calibrated rubric
(flat: no memos), the pipeline's logistic baseline and a plain logistic
regression (one-hot + scaled) on the same columns. As a reference to the
published level (Moro et al. 2014, ≈ 0.80 without
`duration`), the same plain LightGBM and logistic regression are also scored by
shuffled 5-fold cross-validation, which ignores time.

    python bench/bank_marketing.py [--n-estimators 400] [--seed 0]
        [--base none|logistic] [--refit yes|no]   (default: train.yaml's)
Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _columns(dataset: Any) -> tuple[pd.DataFrame, np.ndarray, list[str], list[str]]:
    order = dataset.handoffs.sort_values(["tossed_up_at", "lead_id"], kind="stable")
    kinds = dataset.extra_lead_columns
    num = [c for c, k in kinds.items() if k == "numeric"]
    cat = [c for c, k in kinds.items() if k == "category"]
    X = dataset.leads.set_index("lead_id").loc[order["lead_id"], [*num, *cat]]
    y = (
        dataset.outcomes.set_index("lead_id")
        .loc[order["lead_id"], "won"]
        .to_numpy(dtype=int)
    )
    return X.reset_index(drop=True), y, num, cat


def _logistic(num: list[str], cat: list[str]) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prep = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                num,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
        ]
    )
    return make_pipeline(prep, LogisticRegression(max_iter=2000))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-estimators", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--base", choices=["none", "logistic"], default=None)
    parser.add_argument("--refit", choices=["yes", "no"], default=None)
    args = parser.parse_args(argv)

    import lightgbm as lgb
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    from readiness.importer import import_export, load_mapping, read_export
    from readiness.train import load_train_config, train

    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    t0 = time.perf_counter()
    mapping = load_mapping(ROOT / "examples/bank-marketing/mapping.yaml")
    export = read_export(
        ROOT / "data/external/bank-additional-full.csv.gz", mapping=mapping
    )
    dataset = import_export(export, mapping).dataset
    seconds_import = time.perf_counter() - t0
    say(f"imported {len(export):,} rows in {seconds_import:.1f} s; training")
    t0 = time.perf_counter()
    overrides: dict[str, Any] = {}
    if args.base is not None:
        overrides["base"] = args.base
    if args.refit is not None:
        overrides["refit"] = args.refit == "yes"
    config = load_train_config(ROOT / "examples/bank-marketing/train.yaml")
    config = config.model_copy(
        update={"n_estimators": args.n_estimators, "seed": args.seed, **overrides}
    )
    result = train(dataset, config=config, progress=say)
    seconds_train = time.perf_counter() - t0
    test = result.test_frame
    auc = {
        name: round(float(roc_auc_score(test["won"], test[f"p_{name}"])), 4)
        for name in ("model", "rubric_total", "logistic")
    }
    X, y, num, cat = _columns(dataset)
    cut = result.split["train_toss_ups"]
    Xo = X.astype({c: object for c in cat})
    plain = _logistic(num, cat).fit(Xo.iloc[:cut], y[:cut])
    auc["plain_logistic"] = round(
        float(roc_auc_score(y[cut:], plain.predict_proba(Xo.iloc[cut:])[:, 1])), 4
    )
    say(f"time-ordered test ROC-AUC: {auc}; {args.folds}-fold reference")
    model_metrics = result.evaluation.metrics["model"]
    Xc = X.astype({c: "category" for c in cat})
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    cv: dict[str, list[float]] = {"lightgbm": [], "plain_logistic": []}
    for fit, held in folds.split(X, y):
        booster = lgb.LGBMClassifier(
            n_estimators=args.n_estimators,
            learning_rate=0.03,
            num_leaves=15,
            n_jobs=1,
            random_state=args.seed,
            verbose=-1,
        ).fit(Xc.iloc[fit], y[fit])
        cv["lightgbm"].append(
            roc_auc_score(y[held], booster.predict_proba(Xc.iloc[held])[:, 1])
        )
        lr = _logistic(num, cat).fit(Xo.iloc[fit], y[fit])
        cv["plain_logistic"].append(
            roc_auc_score(y[held], lr.predict_proba(Xo.iloc[held])[:, 1])
        )
    out = {
        "bench": "bank_marketing",
        "rows": len(export),
        "seed": args.seed,
        "n_estimators": args.n_estimators,
        "base": config.base,
        "refit": config.refit,
        "served": result.served,
        "split": result.split,
        "time_ordered_test_auc": auc,
        "model_minus_plain_logistic": round(auc["model"] - auc["plain_logistic"], 4),
        "model_test_ece": round(float(model_metrics["ece"]), 4),
        "model_test_brier": round(float(model_metrics["brier"]), 4),
        f"cv{args.folds}_auc": {k: round(float(np.mean(v)), 4) for k, v in cv.items()},
        "seconds_import": round(seconds_import, 1),
        "seconds_train": round(seconds_train, 1),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
