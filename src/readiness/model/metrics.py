"""Metrics of win probabilities: discrimination, calibration, gains and lift, and
the paired bootstrap comparison of two predictors on the same hand-offs.

Pure functions on arrays; `readiness.model.evaluate` assembles them (with the
rubric tables) into an `Evaluation`.
"""

from __future__ import annotations

import math
from typing import Final, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
    roc_curve,
)

__all__ = [
    "Strategy",
    "classification_metrics",
    "compare_predictors",
    "expected_calibration_error",
    "gains_table",
    "outcomes",
    "probabilities",
    "reliability_table",
    "roc_table",
]


Strategy = Literal["uniform", "quantile"]
_LOG_LOSS_EPS: Final = 1e-15  # only keeps log loss finite; barely moves it
_ROC_POINTS: Final = 201
_GAINS_GRID: Final = np.linspace(0.0, 1.0, 101)


def outcomes(y: ArrayLike, *, name: str = "y") -> NDArray[np.int64]:
    """0/1 outcomes from ints, floats or booleans; anything else is an error."""
    s = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y))
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype("Float64")
    s = pd.to_numeric(s, errors="coerce")
    missing = int(s.isna().sum())
    if missing:
        raise ValueError(f"{name} has {missing} missing or non-numeric outcomes")
    values = s.to_numpy(dtype=float)
    bad = int((~np.isin(values, (0.0, 1.0))).sum())
    if bad:
        raise ValueError(f"{name} must be 0/1 (lost/won); {bad} values are not")
    return values.astype(np.int64)


def probabilities(p: ArrayLike, *, name: str = "p") -> NDArray[np.float64]:
    raw = np.asarray(p)
    if raw.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {raw.shape}")
    arr = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
    missing = int(np.isnan(arr).sum())
    if missing:
        raise ValueError(f"{name} has {missing} missing (NaN) probabilities")
    outside = int(((arr < 0.0) | (arr > 1.0)).sum())
    if outside:
        raise ValueError(f"{name} has {outside} values outside [0, 1]")
    return arr


def _pair(
    y: ArrayLike, p: ArrayLike, *, name: str = "p"
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    yy = outcomes(y)
    pp = probabilities(p, name=name)
    if len(yy) != len(pp):
        raise ValueError(f"y has {len(yy)} values but {name} has {len(pp)}")
    return yy, pp


def _both_classes(y: NDArray[np.int64]) -> bool:
    return 0 < int(y.sum()) < len(y)


def _bin_ids(p: NDArray[np.float64], n_bins: int, strategy: str) -> NDArray[np.intp]:
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    levels = np.linspace(0.0, 1.0, n_bins + 1)
    if strategy == "uniform":
        edges = levels
    elif strategy == "quantile":
        edges = np.unique(np.quantile(p, levels)) if len(p) else levels
    else:
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    # bin i holds edges[i] <= p < edges[i + 1]; the last bin also holds its top edge
    return np.searchsorted(edges[1:-1], p, side="right")


def reliability_table(
    y: ArrayLike, p: ArrayLike, *, n_bins: int = 10, strategy: Strategy = "uniform"
) -> pd.DataFrame:
    """Mean predicted against observed win rate per probability bin (non-empty bins)."""
    yy, pp = _pair(y, p)
    ids = _bin_ids(pp, n_bins, strategy)
    grouped = pd.DataFrame({"bin": ids, "p": pp, "y": yy}).groupby("bin")
    table = pd.DataFrame(
        {
            "mean_p": grouped["p"].mean(),
            "observed": grouped["y"].mean(),
            "n": grouped.size(),
        }
    )
    return table.reset_index().astype({"bin": int, "n": int})


def expected_calibration_error(
    y: ArrayLike, p: ArrayLike, *, n_bins: int = 10, strategy: Strategy = "uniform"
) -> float:
    """Share-weighted mean |observed − predicted| over probability bins (NaN if empty).

    Uniform bins read like a reliability diagram; quantile bins hold equal counts,
    which suits predictors whose probabilities crowd into a narrow range.
    """
    table = reliability_table(y, p, n_bins=n_bins, strategy=strategy)
    total = int(table["n"].sum())
    if total == 0:
        return math.nan
    gaps = (table["observed"] - table["mean_p"]).abs()
    return float((gaps * table["n"]).sum() / total)


def _gains_nodes(
    y: NDArray[np.int64], p: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Hand-offs and wins taken when going down p, at the end of each tie group.

    Between nodes the curve is linear: the expected wins when ties are broken at
    random. That matters for the rubric, whose probability takes few values.
    """
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    ends = np.flatnonzero(np.r_[ps[1:] != ps[:-1], True])
    cum_n = np.r_[0.0, ends + 1.0]
    cum_wins = np.r_[0.0, np.cumsum(ys)[ends].astype(float)]
    return cum_n, cum_wins


def _captured(
    y: NDArray[np.int64], p: NDArray[np.float64], shares: NDArray[np.float64]
) -> NDArray[np.float64]:
    cum_n, cum_wins = _gains_nodes(y, p)
    return np.interp(shares * len(y), cum_n, cum_wins)


def _lift_top_decile(y: NDArray[np.int64], p: NDArray[np.float64]) -> float:
    if len(y) == 0 or y.sum() == 0:
        return math.nan
    top = 0.1 * len(y)
    wins = float(_captured(y, p, np.array([0.1]))[0])
    return (wins / top) / float(y.mean())


def gains_table(y: NDArray[np.int64], p: NDArray[np.float64]) -> pd.DataFrame:
    wins = int(y.sum())
    captured = _captured(y, p, _GAINS_GRID)
    share_wins = captured / wins if wins else np.full_like(captured, np.nan)
    return pd.DataFrame({"share_handoffs": _GAINS_GRID, "share_wins": share_wins})


def roc_table(y: NDArray[np.int64], p: NDArray[np.float64]) -> pd.DataFrame:
    if not _both_classes(y):
        return pd.DataFrame({"fpr": [], "tpr": []}, dtype=float)
    fpr, tpr, _ = roc_curve(y, p)
    if len(fpr) > _ROC_POINTS:
        keep = np.unique(np.linspace(0, len(fpr) - 1, _ROC_POINTS).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return pd.DataFrame({"fpr": fpr, "tpr": tpr})


def classification_metrics(y: ArrayLike, p: ArrayLike) -> dict[str, float]:
    """Ranking and probability quality of one predictor.

    AUCs are NaN when only one outcome occurs; Brier, log loss and ECE still
    have a meaning then. Lift is the win rate in the top 10 % by p over the
    base rate, with ties at the cut counted by their expected share.
    """
    yy, pp = _pair(y, p)
    n = len(yy)
    if n == 0:
        keys = ("base_rate", "roc_auc", "pr_auc", "brier", "log_loss", "ece")
        return {"n": 0, **dict.fromkeys(keys, math.nan), "lift_top_decile": math.nan}
    both = _both_classes(yy)
    clipped = np.clip(pp, _LOG_LOSS_EPS, 1.0 - _LOG_LOSS_EPS)
    return {
        "n": n,
        "base_rate": float(yy.mean()),
        "roc_auc": float(roc_auc_score(yy, pp)) if both else math.nan,
        "pr_auc": float(average_precision_score(yy, pp)) if both else math.nan,
        "brier": float(brier_score_loss(yy, y_proba=pp, labels=[0, 1])),
        "log_loss": float(log_loss(yy, y_proba=clipped, labels=[0, 1])),
        "ece": expected_calibration_error(yy, pp),
        "lift_top_decile": _lift_top_decile(yy, pp),
        "mean_p": float(pp.mean()),
    }


def _sorted_groups(p: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    order = np.argsort(p, kind="stable")
    ps = p[order]
    starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]])
    return order, starts


def _weighted_auc(
    y: NDArray[np.int64],
    order: NDArray[np.intp],
    starts: NDArray[np.intp],
    w: NDArray[np.float64],
) -> float:
    """Mann–Whitney AUC with row weights (bootstrap counts), ties counting half."""
    pos = np.add.reduceat((w * y)[order], starts)
    neg = np.add.reduceat((w * (1 - y))[order], starts)
    n_pos, n_neg = pos.sum(), neg.sum()
    if n_pos == 0 or n_neg == 0:
        return math.nan
    below = np.cumsum(neg) - neg
    return float((pos * (below + 0.5 * neg)).sum() / (n_pos * n_neg))


def compare_predictors(
    y: ArrayLike,
    p_a: ArrayLike,
    p_b: ArrayLike,
    *,
    n_bootstrap: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, float]:
    """Differences a − b in ROC-AUC and Brier, with paired bootstrap intervals.

    Both predictors are scored on the same resampled hand-offs, so the interval
    reflects the difference, not two independent noises. `n_bootstrap=0` skips
    the intervals (NaN). One resample costs O(n) after a single sort.
    """
    yy, a = _pair(y, p_a, name="p_a")
    _, b = _pair(yy, p_b, name="p_b")
    ma, mb = classification_metrics(yy, a), classification_metrics(yy, b)
    out = {
        "roc_auc_diff": ma["roc_auc"] - mb["roc_auc"],
        "pr_auc_diff": ma["pr_auc"] - mb["pr_auc"],
        "brier_diff": ma["brier"] - mb["brier"],
        "log_loss_diff": ma["log_loss"] - mb["log_loss"],
        "ece_diff": ma["ece"] - mb["ece"],
        "lift_top_decile_diff": ma["lift_top_decile"] - mb["lift_top_decile"],
        "roc_auc_diff_low": math.nan,
        "roc_auc_diff_high": math.nan,
        "brier_diff_low": math.nan,
        "brier_diff_high": math.nan,
        "level": level,
        "n_bootstrap": n_bootstrap,
    }
    n = len(yy)
    if n_bootstrap <= 0 or n == 0:
        return out
    rng = np.random.default_rng(seed)
    sq_diff = (a - yy) ** 2 - (b - yy) ** 2
    groups_a, groups_b = _sorted_groups(a), _sorted_groups(b)
    auc_diffs = np.empty(n_bootstrap)
    brier_diffs = np.empty(n_bootstrap)
    for i in range(n_bootstrap):
        w = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        auc_diffs[i] = _weighted_auc(yy, *groups_a, w) - _weighted_auc(yy, *groups_b, w)
        brier_diffs[i] = float((w * sq_diff).sum() / n)
    tails = [50 * (1 - level), 50 * (1 + level)]
    if np.isfinite(auc_diffs).any():
        low, high = np.nanpercentile(auc_diffs, tails)
        out["roc_auc_diff_low"], out["roc_auc_diff_high"] = float(low), float(high)
    low, high = np.percentile(brier_diffs, tails)
    out["brier_diff_low"], out["brier_diff_high"] = float(low), float(high)
    return out
