"""Benchmark: the probability interval's coverage and width per segment.

On a simulated world (a preset, a fresh seed) the model is trained as `readiness
train` trains it; its interval is fitted on the training toss-ups' out-of-fold
probabilities. On the held-out toss-ups (the latest 20 %), per segment (industry):
n, the share whose TRUE win probability (the simulator's) lies in [low, high],
the mean width, and whether the segment's observed win rate lies in its mean
interval (the check without truth). The same run, same rows, compares:

  conformal_90   split-conformal fixed width, nominal 90 %: the 90 % quantile of
                 |p_true − p| on the training toss-ups' out-of-fold p (needs the
                 truth: only a simulation can fit it; a plain baseline)
  fixed_same     a fixed width equal to the chosen method's mean width
  va_pooled      Venn-ABERS on the score alone (one calibration for all segments)
  va_mondrian    the served interval: Venn-ABERS per segment, hull with the
                 pooled one and the point probability (readiness.model.intervals)

Then the thin-segment check: the interval refitted with one industry's training
toss-ups cut to 20, then to 0 (the model unchanged), judged on that industry's
held-out toss-ups. Then the libraries: `venn-abers` against MAPIE's VennAbers
(the same algorithm) on the same scores — fit and predict time, largest
difference, import time — when MAPIE is installed. `--bank` adds the UCI bank
file (no truth: held-out calibration only).

    python bench/intervals.py --leads 5000 --seed 4242 [--preset default]
        [--second-preset confounded] [--bank]
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

import numpy as np
import pandas as pd

NOMINAL = 0.9
THIN = 20


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _train(dataset: Any, truth: pd.DataFrame | None, **overrides: Any) -> Any:
    from readiness.model.config import TrainConfig
    from readiness.model.train import train

    # the served recipe, lighter: the interval, not the model, is measured here
    config = TrainConfig(n_estimators=150, text_components=8, **overrides)
    return train(dataset, config=config, truth=truth)


def _world(preset: str, leads: int, seed: int, tmp: Path) -> tuple[Any, pd.DataFrame]:
    from readiness.data.load import load_dataset
    from readiness.simulate.config import preset as world_preset
    from readiness.simulate.store import read_truth, write_world
    from readiness.simulate.world import simulate_world

    out = tmp / f"{preset}_{leads}_{seed}"
    write_world(simulate_world(world_preset(preset, n_leads=leads, seed=seed)), out)
    return load_dataset(out), read_truth(out, "handoffs")[["lead_id", "p_true"]]


def _conformal_width(cal: pd.DataFrame, level: float) -> float:
    """Split-conformal half-width: the ⌈(n+1)·level⌉-th smallest |p_true − p|."""
    scores = np.sort(np.abs(cal["p_true"].to_numpy() - cal["p"].to_numpy()))
    scores = scores[np.isfinite(scores)]
    k = min(len(scores) - 1, int(np.ceil((len(scores) + 1) * level)) - 1)
    return float(scores[k])


def _methods(test: pd.DataFrame, cal: pd.DataFrame) -> dict[str, tuple[Any, Any]]:
    from readiness.model.intervals import ProbabilityInterval

    p = test["p_model"].to_numpy()
    out: dict[str, tuple[Any, Any]] = {}
    if "p_true" in cal and cal["p_true"].notna().any():
        q = _conformal_width(cal.dropna(subset=["p_true"]), NOMINAL)
        out["conformal_90"] = (np.clip(p - q, 0, 1), np.clip(p + q, 0, 1))
    half = float((test["p_model_high"] - test["p_model_low"]).mean()) / 2
    out["fixed_same"] = (np.clip(p - half, 0, 1), np.clip(p + half, 0, 1))
    pooled = ProbabilityInterval().fit(cal["p"], cal["won"], ["all"] * len(cal))
    out["va_pooled"] = pooled.predict(p, ["all"] * len(p))
    out["va_mondrian"] = (test["p_model_low"], test["p_model_high"])
    return out


def _table(test: pd.DataFrame, low: Any, high: Any) -> pd.DataFrame:
    from readiness.model.intervals import interval_coverage

    frame = test.assign(p_model_low=np.asarray(low), p_model_high=np.asarray(high))
    return interval_coverage(frame)


def _summary(table: pd.DataFrame) -> dict[str, Any]:
    row = table.iloc[0]  # "all"
    out = {
        "mean_width": round(float(row["mean_width"]), 4),
        "segments_rate_inside": round(float(table["rate_inside"].iloc[1:].mean()), 3),
    }
    if "coverage_truth" in table:
        out["coverage_truth"] = round(float(row["coverage_truth"]), 4)
        seg = table["coverage_truth"].iloc[1:]
        out["worst_segment_coverage"] = round(float(seg.min()), 4)
        out["segments_truth_mean_inside"] = round(
            float(table["truth_mean_inside"].iloc[1:].mean()), 3
        )
    return out


def _thin(test: pd.DataFrame, cal: pd.DataFrame, seed: int) -> dict[str, Any]:
    """One industry's training toss-ups cut to THIN, then to none: its width."""
    from readiness.model.intervals import ProbabilityInterval

    counts = cal["segment"].value_counts()
    segment = str(counts.index[0])  # the densest: the largest change
    rows = test[test["segment"] == segment]
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {"segment": segment, "test_toss_ups": len(rows)}
    others = cal[cal["segment"] != segment]
    mine = cal[cal["segment"] == segment]
    for name, keep in (("full", len(mine)), (f"thin_{THIN}", THIN), ("unseen", 0)):
        pick = mine.iloc[rng.permutation(len(mine))[:keep]]
        fit_on = pd.concat([others, pick])
        interval = ProbabilityInterval().fit(
            fit_on["p"], fit_on["won"], fit_on["segment"]
        )
        low, high = interval.predict(rows["p_model"].to_numpy(), rows["segment"])
        t = _table(rows, low, high)
        out[name] = {"training_toss_ups": keep, **_summary(t)}
    return out


def _libraries(cal: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    """venn-abers and MAPIE's VennAbers on the same scores."""
    p_cal = np.column_stack([1 - cal["p"], cal["p"]])
    p_test = np.column_stack([1 - test["p_model"], test["p_model"]])
    y = cal["won"].to_numpy()
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    with np.errstate():
        import venn_abers
    out["venn_abers_import_s"] = round(time.perf_counter() - t0, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        t0 = time.perf_counter()
        va = venn_abers.VennAbers().fit(p_cal, y, precision=3)
        out["venn_abers_fit_s"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        _, a = va.predict_proba(p_test)
        out["venn_abers_predict_s"] = round(time.perf_counter() - t0, 4)
    out["venn_abers_state"] = "p0_, p1_, c_: float arrays (.npy)"
    try:
        t0 = time.perf_counter()
        from mapie.calibration import VennAbers as MapieVennAbers
    except ImportError:
        out["mapie"] = "not installed"
        return out
    out["mapie_import_s"] = round(time.perf_counter() - t0, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        t0 = time.perf_counter()
        mva = MapieVennAbers()
        mva.fit(p_cal, y, precision=3)  # returns None, not the estimator
        out["mapie_fit_s"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        _, b = mva.predict_proba(p_test)
        out["mapie_predict_s"] = round(time.perf_counter() - t0, 4)
    out["mapie_state"] = "p0, p1, c: float arrays (.npy)"
    out["max_abs_diff_p0p1"] = float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
    return out


def _judge(result: Any, truth: pd.DataFrame | None, seed: int) -> dict[str, Any]:
    from readiness.model.intervals import segment_values

    test = result.test_frame
    cal = result.extra["interval_calibration"].copy()
    cal["segment"] = segment_values(cal["segment"])
    if truth is not None:
        cal = cal.merge(truth, on="lead_id", how="left")
    methods = _methods(test, cal)
    tables = {name: _table(test, lo, hi) for name, (lo, hi) in methods.items()}
    chosen = tables["va_mondrian"]
    counts = cal["segment"].value_counts()
    segments = []
    for _, row in chosen.iterrows():
        name = str(row["segment"])
        entry: dict[str, Any] = {
            "segment": name,
            "training_toss_ups": int(counts.sum() if name == "all" else counts[name]),
            "test_toss_ups": int(row["n"]),
            "win_rate": round(float(row["win_rate"]), 4),
            "mean_probability": round(float(row["mean_probability"]), 4),
        }
        for method, t in tables.items():
            r = t[t["segment"] == name].iloc[0]
            entry[method] = {
                "width": round(float(r["mean_width"]), 4),
                **(
                    {
                        "coverage": round(float(r["coverage_truth"]), 4),
                        "truth_mean_inside": bool(r["truth_mean_inside"]),
                    }
                    if "coverage_truth" in t
                    else {"rate_inside": bool(r["rate_inside"])}
                ),
            }
        segments.append(entry)
    return {
        "toss_ups": result.split["toss_ups"],
        "test_toss_ups": result.split["test_toss_ups"],
        "predictor": result.predictor,
        "nominal": {"conformal_90": NOMINAL},
        "methods": {name: _summary(t) for name, t in tables.items()},
        "segments": segments,
        "thin": _thin(test, cal, seed),
    }


def _print(name: str, out: dict[str, Any]) -> None:
    _say(f"\n{name}: {out['test_toss_ups']:,} held-out toss-ups ({out['predictor']})")
    methods = list(out["methods"])
    _say(
        f"{'segment':<24}{'train':>7}{'test':>6}  "
        + "".join(f"{m:>22}" for m in methods)
    )
    for s in out["segments"]:
        cells = []
        for m in methods:
            v = s[m]
            c = v.get("coverage")
            shown = (
                f"{c:.0%}" if c is not None else ("in" if v["rate_inside"] else "out")
            )
            cells.append(f"{shown:>9} w {v['width']:.3f}".rjust(22))
        _say(
            f"{s['segment']:<24}{s['training_toss_ups']:>7}{s['test_toss_ups']:>6}  "
            + "".join(cells)
        )
    for m, v in out["methods"].items():
        if "coverage_truth" in v:
            _say(
                f"{m}: truth covered {v['coverage_truth']:.0%}, segments whose mean "
                f"truth lies in the mean interval {v['segments_truth_mean_inside']:.0%}"
            )
    thin = out["thin"]
    parts = [
        f"{k} n={v['training_toss_ups']} width {v['mean_width']:.3f}"
        + (f" coverage {v['coverage_truth']:.0%}" if "coverage_truth" in v else "")
        for k, v in thin.items()
        if isinstance(v, dict)
    ]
    _say(
        f"thin ({thin['segment']}, {thin['test_toss_ups']} held-out): "
        + ", ".join(parts)
    )


def _bank(seed: int, rows: int | None) -> dict[str, Any]:
    """The UCI bank calls (bench/real_data.py's import): held-out calibration only."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import real_data  # bench/real_data.py

    with tempfile.TemporaryDirectory() as tmp_name:
        mapping, bank = real_data._bank_export(rows, seed)
        dataset = real_data._load("bank", mapping, bank, seed=seed, tmp=Path(tmp_name))
        dataset = dataset[0] if isinstance(dataset, tuple) else dataset
        # every call has one industry: the client's job is the segment there
        result = _train(dataset, None, interval_segment="x_job")
    return _judge(result, None, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--preset", default="default", help="world preset")
    parser.add_argument(
        "--second-preset", default="confounded", help="a second world ('' to skip)"
    )
    parser.add_argument("--bank", action="store_true", help="also the UCI bank file")
    parser.add_argument("--bank-rows", type=int, default=None)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    worlds: dict[str, Any] = {}
    libraries: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        presets = [args.preset, *([args.second_preset] if args.second_preset else [])]
        for preset in presets:
            dataset, truth = _world(preset, args.leads, args.seed, Path(tmp_name))
            result = _train(dataset, truth)
            worlds[preset] = _judge(result, truth, args.seed)
            _print(preset, worlds[preset])
            if not libraries:
                libraries = _libraries(
                    result.extra["interval_calibration"], result.test_frame
                )
    if args.bank:
        worlds["bank"] = _bank(args.seed, args.bank_rows)
        _print("bank", worlds["bank"])
    _say(f"\nlibraries: {libraries}")
    first = worlds[args.preset]["methods"]
    out = {
        "bench": "intervals",
        "leads": args.leads,
        "seed": args.seed,
        "preset": args.preset,
        "chosen": "va_mondrian",
        "coverage_truth": {
            w: {m: v.get("coverage_truth") for m, v in o["methods"].items()}
            for w, o in worlds.items()
        },
        "mean_width": {
            w: {m: v["mean_width"] for m, v in o["methods"].items()}
            for w, o in worlds.items()
        },
        "headline": first,
        "worlds": worlds,
        "libraries": libraries,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(out, ensure_ascii=False, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
