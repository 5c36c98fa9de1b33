"""Benchmark: the served predictor against plain models on real lead-conversion tables.

Each data set goes through the user's path (`readiness.data.importer` into a temporary
data directory, `readiness.data.load.load_dataset`,
`readiness.model.train.train`). On the
SAME test split (the latest 20 % of toss-ups, as `train` cut it), the served
predictor is compared with a plain LightGBM and a plain logistic regression (one-hot
+ scaled numerics) fitted on the raw export columns of the training part, each also
calibrated (sigmoid) on the latest 20 % of the training part.

Data sets (only the UCI bank-marketing file is shipped; both are built from it):
  bank          the export as shipped, imported with examples/bank-marketing/: 19
                columns incl. the economic context, in time order. The test period
                (May 2009 on) has a 31 % base rate against ~7 % before: drift.
  bank-clients  the same calls as a CRM lead table: client attributes, channel and
                campaign history only (12 columns; no economic context, no call
                month/weekday), exported in an order unrelated to time (seeded
                shuffle) with the row number as the time. A stationary split, so
                calibration is achievable: a miss there is the pipeline's, not drift's.

Targets (issue 13, item 7): the served predictor's test log-loss is not worse than
the best plain baseline's beyond bootstrap noise (the 95 % interval of the
difference reaches 0 or below), and its ECE <= 0.03.

    python bench/real_data.py [--datasets bank,bank-clients] [--rows N] [--seed 0]
        [--config PATH] [--bootstrap 1000]
Table on stderr; last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BANK_EXPORT = ROOT / "data" / "external" / "bank-additional-full.csv.gz"
BANK_MAPPING = ROOT / "examples" / "bank-marketing" / "mapping.yaml"
BANK_CONFIG = ROOT / "examples" / "bank-marketing" / "train.yaml"
DATASETS = ("bank", "bank-clients")
EPS = 1e-15  # the clip readiness.model.evaluate applies before log-loss
ECE_TARGET = 0.03

# bank-clients: what a CRM lead table carries (who the client is, how they were
# reached, the campaign history); the call date and the economy are left out.
CLIENT_COLUMNS: dict[str, tuple[str, str]] = {
    "age": ("age", "numeric"),
    "job": ("job", "category"),
    "marital": ("marital", "category"),
    "education": ("education", "category"),
    "credit_default": ("default", "category"),
    "housing_loan": ("housing", "category"),
    "personal_loan": ("loan", "category"),
    "contact_channel": ("contact", "category"),
    "calls_this_campaign": ("campaign", "numeric"),
    "days_since_previous_campaign": ("pdays", "numeric"),
    "contacts_before_campaign": ("previous", "numeric"),
    "previous_outcome": ("poutcome", "category"),
}


def _subsample(export: pd.DataFrame, rows: int | None, seed: int) -> pd.DataFrame:
    """A random subset of rows, kept in export (= time) order."""
    if rows is None or rows >= len(export):
        return export
    keep = np.sort(np.random.default_rng(seed).choice(len(export), rows, replace=False))
    return export.iloc[keep].reset_index(drop=True)


def _clients_mapping() -> dict[str, Any]:
    extras: dict[str, Any] = {
        name: {"column": col, "kind": kind}
        for name, (col, kind) in CLIENT_COLUMNS.items()
    }
    extras["days_since_previous_campaign"]["missing"] = ["999"]
    return {
        "id": {"prefix": "client-"},
        # Until the importer's `order:` key lands: the row number as minutes.
        "time": {"column": "exported_at"},
        "leads": {
            "company_name": {"constant": "個人顧客 (retail client)"},
            "industry": {"constant": "retail banking"},
            "region": {"constant": "Portugal"},
            "lead_source": {"constant": "outbound"},
            "contact_title": "job",
        },
        "handoffs": {"is_rep": {"constant": "telemarketing"}, "memo": {"constant": ""}},
        "outcomes": {
            "meeting_held": {"constant": True},
            "won": {"column": "subscribed", "values": {"yes": True, "no": False}},
        },
        "extra_lead_columns": extras,
    }


def _clients_export(bank: pd.DataFrame, seed: int, path: Path) -> None:
    """The bank calls as a shuffled, comma-separated CRM export with a row time."""
    order = np.random.default_rng(seed + 1).permutation(len(bank))
    cols = sorted({col for col, _ in CLIENT_COLUMNS.values()}, key=bank.columns.get_loc)
    out = bank.iloc[order][cols].reset_index(drop=True)
    out["subscribed"] = bank["y"].iloc[order].to_numpy()
    minutes = pd.to_timedelta(np.arange(len(out)), unit="min")
    out["exported_at"] = (pd.Timestamp("2024-01-01 00:00") + minutes).strftime(
        "%Y-%m-%d %H:%M"
    )
    out.to_csv(path, index=False)


def _bank_export(rows: int | None, seed: int) -> tuple[Any, pd.DataFrame]:
    """The shipped export as text cells (read once per run) and its mapping."""
    from readiness.data.mapping import load_mapping
    from readiness.data.read import read_export

    mapping = load_mapping(BANK_MAPPING)
    return mapping, _subsample(read_export(BANK_EXPORT, mapping=mapping), rows, seed)


def _load(
    name: str, bank_mapping: Any, bank: pd.DataFrame, *, seed: int, tmp: Path
) -> tuple[Any, Any]:
    """Import one data set through the importer into `tmp` and load it back."""
    from readiness.data.importer import import_export, write_import
    from readiness.data.load import load_dataset
    from readiness.data.mapping import ImportMapping
    from readiness.data.read import read_export

    if name == "bank":
        mapping, export, source = bank_mapping, bank, str(BANK_EXPORT)
    elif name == "bank-clients":
        path = tmp / "bank-clients.csv"
        _clients_export(bank, seed, path)
        mapping = ImportMapping.model_validate(_clients_mapping())
        export, source = read_export(path, mapping=mapping), str(path)
    else:
        raise SystemExit(
            f"unknown data set {name!r}; choose from {', '.join(DATASETS)}"
        )
    imported = import_export(export, mapping)
    out = tmp / name
    write_import(imported, out, source={"export": source})
    return load_dataset(out), imported


def _raw(
    dataset: Any, lead_ids: pd.Series
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The export's extra lead columns, one row per toss-up, in `lead_ids` order."""
    kinds = dataset.extra_lead_columns
    num = [c for c, k in kinds.items() if k in ("numeric", "boolean")]
    cat = [c for c, k in kinds.items() if k == "category"]
    leads = dataset.leads.drop_duplicates("lead_id").set_index("lead_id")
    X = leads.loc[lead_ids.to_numpy(), [*num, *cat]].reset_index(drop=True)
    X[num] = X[num].astype(float)
    return X, num, cat


def _lightgbm_frame(X: pd.DataFrame, cat: list[str], fit_rows: int) -> pd.DataFrame:
    """Categories from the fitting rows only; later unseen values become missing."""
    out = X.copy()
    for c in cat:
        values = X[c].astype(object)
        seen = pd.Index(sorted(values.iloc[:fit_rows].dropna().astype(str).unique()))
        out[c] = pd.Categorical(values.where(values.isin(seen)), categories=seen)
    return out


def _logistic_frame(X: pd.DataFrame, cat: list[str]) -> pd.DataFrame:
    out = X.copy()
    for c in cat:
        out[c] = X[c].astype(object).where(X[c].notna(), "(missing)").astype(str)
    return out.astype({c: object for c in cat})


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


def _plain(
    X: pd.DataFrame, y: np.ndarray, cut: int, num: list[str], cat: list[str], seed: int
) -> dict[str, np.ndarray]:
    """Test probabilities of the plain baselines, raw and calibrated.

    Raw: fitted on the whole training part. Calibrated: fitted on its first 80 %,
    sigmoid-calibrated on its latest 20 % (what the pipeline's calibration slice is).
    """
    import lightgbm as lgb
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    def booster() -> Any:
        return lgb.LGBMClassifier(n_jobs=1, random_state=seed, verbose=-1)

    ccut = round(cut * 0.8)
    makers: dict[str, tuple[Callable[[], Any], pd.DataFrame, pd.DataFrame]] = {
        "plain_lightgbm": (
            booster,
            _lightgbm_frame(X, cat, cut),
            _lightgbm_frame(X, cat, ccut),
        ),
        "plain_logistic": (
            lambda: _logistic(num, cat),
            _logistic_frame(X, cat),
            _logistic_frame(X, cat),
        ),
    }
    out: dict[str, np.ndarray] = {}
    for name, (make, full, early) in makers.items():
        model = make().fit(full.iloc[:cut], y[:cut])
        out[name] = model.predict_proba(full.iloc[cut:])[:, 1]
        first = make().fit(early.iloc[:ccut], y[:ccut])
        cal = CalibratedClassifierCV(FrozenEstimator(first), method="sigmoid")
        cal.fit(early.iloc[ccut:cut], y[ccut:cut])
        out[f"{name}_calibrated"] = cal.predict_proba(early.iloc[cut:])[:, 1]
    return out


def _row_log_loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log1p(-p))


def _bootstrap_diff(
    y: np.ndarray, p_a: np.ndarray, p_b: np.ndarray, *, resamples: int, seed: int
) -> dict[str, float]:
    """Log-loss of a minus b on the test rows, with a percentile bootstrap 95 % CI."""
    d = _row_log_loss(y, p_a) - _row_log_loss(y, p_b)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for start in range(0, resamples, 100):  # bounded memory at any test size
        idx = rng.integers(0, len(d), size=(min(100, resamples - start), len(d)))
        means[start : start + len(idx)] = d[idx].mean(axis=1)
    lo, hi = np.quantile(means, [0.025, 0.975]) if resamples else (math.nan,) * 2
    return {"mean": float(d.mean()), "lo": float(lo), "hi": float(hi)}


def _clean(value: Any) -> Any:
    """JSON-safe: NaN → null, floats rounded, numpy scalars unwrapped."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 5)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _run(
    name: str,
    bank: tuple[Any, pd.DataFrame],
    args: argparse.Namespace,
    tmp: Path,
    say: Callable[[str], object],
) -> dict[str, Any]:
    from readiness.features.build import labelled_points
    from readiness.model.config import TrainConfig, load_train_config
    from readiness.model.metrics import classification_metrics
    from readiness.model.train import train

    t0 = time.perf_counter()
    dataset, imported = _load(name, *bank, seed=args.seed, tmp=tmp)
    seconds_import = time.perf_counter() - t0
    config_path = args.config or (BANK_CONFIG if name == "bank" else None)
    config = load_train_config(config_path) if config_path else TrainConfig()
    config = config.model_copy(update={"seed": args.seed})
    say(f"{name}: {imported.rows:,} rows imported in {seconds_import:.1f} s; training")
    t0 = time.perf_counter()
    result = train(dataset, config=config)
    seconds_train = time.perf_counter() - t0

    # The same toss-ups in the same order as train() cut them.
    points = labelled_points(dataset)
    if points["lead_id"].duplicated().any():
        raise SystemExit(f"{name}: more than one toss-up per lead; cannot align")
    cut = int(result.split["train_toss_ups"])
    test_ids = points["lead_id"].iloc[cut:]
    test = result.test_frame.set_index("lead_id").reindex(test_ids.to_numpy())
    y_test = points["won"].iloc[cut:].to_numpy(dtype=int)
    if test["p_model"].isna().any() or not (test["won"].to_numpy() == y_test).all():
        raise SystemExit(f"{name}: the bench's test rows differ from train()'s")

    t0 = time.perf_counter()
    X, num, cat = _raw(dataset, points["lead_id"])
    y = points["won"].to_numpy(dtype=int)
    probs = {"served": test["p_model"].to_numpy(dtype=float)}
    if "p_logistic" in test:  # the pipeline's own logistic baseline, same features
        probs["pipeline_logistic"] = test["p_logistic"].to_numpy(dtype=float)
    probs.update(_plain(X, y, cut, num, cat, args.seed))
    seconds_baselines = time.perf_counter() - t0
    metrics = {k: classification_metrics(y_test, p) for k, p in probs.items()}
    best = min(
        ("plain_lightgbm", "plain_logistic"), key=lambda k: metrics[k]["log_loss"]
    )
    diffs = {
        k: _bootstrap_diff(
            y_test,
            probs["served"],
            probs[k],
            resamples=args.bootstrap,
            seed=args.seed,
        )
        for k in probs
        if k.startswith("plain_")
    }
    keep = ("roc_auc", "brier", "log_loss", "ece", "mean_p")
    served_ece = metrics["served"]["ece"]
    return {
        "served": result.served,
        "predictor": result.extra.get("predictor"),
        "reason": result.reason,
        "rows": imported.rows,
        "columns": len(dataset.extra_lead_columns),
        "n_train": cut,
        "n_test": len(y_test),
        "train_base_rate": float(y[:cut].mean()),
        # the latest 20 % of the training part: where the plain models calibrate
        "calibration_base_rate": float(y[round(cut * 0.8) : cut].mean()),
        "base_rate": float(y_test.mean()),
        "test_from": result.split.get("test_from"),
        "served_metrics": {k: metrics["served"][k] for k in keep},
        **{
            name: {k: metrics[name][k] for k in keep}
            for name in probs
            if name != "served"
        },
        "best_plain": best,
        "logloss_diff": diffs[best],
        "logloss_diff_vs": diffs,
        "meets_logloss_target": bool(diffs[best]["lo"] <= 0),
        "meets_ece_target": bool(served_ece <= ECE_TARGET),
        "seconds": {
            "import": seconds_import,
            "train": seconds_train,
            "baselines": seconds_baselines,
        },
    }


def _table(name: str, r: dict[str, Any]) -> str:
    what = r["predictor"] if isinstance(r["predictor"], str) else r["served"]
    served = f"served ({what})"
    lines = [
        f"\n{name}: {r['rows']:,} rows, {r['columns']} columns; test {r['n_test']:,} "
        f"toss-ups from {r['test_from']}, base rate {r['base_rate']:.3f} "
        f"(training {r['train_base_rate']:.3f}, its latest 20 % "
        f"{r['calibration_base_rate']:.3f})",
        f"  {'predictor':<34}{'ROC-AUC':>8}{'Brier':>8}{'logloss':>9}"
        f"{'ECE':>7}{'mean p':>8}",
    ]
    rows = ["served_metrics", "pipeline_logistic", "plain_lightgbm"]
    rows += ["plain_lightgbm_calibrated", "plain_logistic", "plain_logistic_calibrated"]
    for key in (k for k in rows if k in r):
        m = r[key]
        label = served if key == "served_metrics" else key
        lines.append(
            f"  {label:<34}{m['roc_auc']:>8.4f}{m['brier']:>8.4f}{m['log_loss']:>9.4f}"
            f"{m['ece']:>7.3f}{m['mean_p']:>8.3f}"
        )
    d = r["logloss_diff"]
    ok = {True: "met", False: "MISSED"}
    lines.append(
        f"  log-loss served − {r['best_plain']}: {d['mean']:+.4f} "
        f"[{d['lo']:+.4f}, {d['hi']:+.4f}] → {ok[r['meets_logloss_target']]}; "
        f"ECE {r['served_metrics']['ece']:.3f} ≤ {ECE_TARGET} → "
        f"{ok[r['meets_ece_target']]}"
    )
    lines.append(f"  ({r['reason']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help="comma-separated: %(default)s"
    )
    parser.add_argument("--rows", type=int, default=None, help="subsample (time order)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="train config YAML for every data set (default: the bank example's "
        "train.yaml for bank, TrainConfig defaults otherwise)",
    )
    parser.add_argument(
        "--bootstrap", type=int, default=1000, help="resamples of the test rows"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    unknown = sorted(set(names) - set(DATASETS))
    if unknown:
        parser.error(f"unknown data sets {unknown}; choose from {', '.join(DATASETS)}")

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results: dict[str, Any] = {}
    t0 = time.perf_counter()
    bank = _bank_export(args.rows, args.seed)
    with tempfile.TemporaryDirectory() as tmp_name:
        for name in names:
            tmp = Path(tmp_name) / name
            tmp.mkdir()
            results[name] = _run(name, bank, args, tmp, say)
            say(_table(name, results[name]))
    out = {
        "bench": "real_data",
        "seed": args.seed,
        "rows": args.rows,
        "bootstrap": args.bootstrap,
        "datasets": results,
        "seconds": time.perf_counter() - t0,
    }
    print(json.dumps(_clean(out), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
