"""The fitting behind recalibration: item fractions, non-negative logistic weights
scaled to 100 whole points, band cut-offs (by win rate or by share), and the
held-out comparison of two rubrics. Pure numpy / scikit-learn; the stage that
runs them is `readiness.rubric.recalibrate`.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from readiness.errors import ReadinessError
from readiness.memo.parse import parse_memo
from readiness.rubric.config import Rubric
from readiness.rubric.criteria import CRITERIA
from readiness.rubric.score import memo_days, memo_source, score_memo

__all__ = [
    "RecalibrationError",
    "band_cutoffs",
    "chosen_bands",
    "criterion_fractions",
    "fit_nonneg_logistic",
    "fit_weights",
    "heldout_comparison",
    "isotonic",
    "percentile_ci",
    "share_cutoffs",
    "to_hundred",
    "whole_points",
    "win_rate_cutoff",
]


class RecalibrationError(ReadinessError, ValueError):
    """The data cannot support a recalibration; the message says what is missing."""


def criterion_fractions(
    handoffs: pd.DataFrame, rubric: Rubric
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Per hand-off, each item's fraction s_i and each criterion's fraction.

    Returns (items, criteria, gate_passed): `items` has one column per rubric
    item (points / weight under `rubric`, in [0, 1]); `criteria` one column
    `item:criterion` per criterion. Memos are read as the scorer reads them
    (dates against the toss-up day), so Σ weight · s_i is exactly the total the
    scorer gives.
    """
    n = len(handoffs)
    memos = handoffs["memo"].tolist() if "memo" in handoffs else [None] * n
    days: list[date | None] = (
        memo_days(handoffs["tossed_up_at"])
        if "tossed_up_at" in handoffs
        else [None] * n
    )
    vague = rubric.vague_fraction
    plan = [
        (
            key,
            [
                (name, share, CRITERIA[name].score)
                for name, share in item.criteria.items()
            ],
        )
        for key, item in rubric.items.items()
    ]
    crit_cols = [f"{key}:{name}" for key, crits in plan for name, _, _ in crits]
    item_rows = np.zeros((n, len(plan)))
    crit_rows = np.zeros((n, len(crit_cols)))
    gate = np.zeros(n, dtype=bool)
    for r, (text, day) in enumerate(zip(memos, days, strict=True)):
        memo = parse_memo(memo_source(text), reference_date=day)
        gate[r] = score_memo(memo, rubric=rubric).gate_passed
        c = 0
        for i, (_, crits) in enumerate(plan):
            total = 0.0
            for _, share, score in crits:
                frac = min(1.0, max(0.0, float(score(memo, vague))))
                crit_rows[r, c] = frac
                total += share * frac
                c += 1
            item_rows[r, i] = min(1.0, total)
    index = handoffs.index
    items = pd.DataFrame(item_rows, columns=[k for k, _ in plan], index=index)
    criteria = pd.DataFrame(crit_rows, columns=crit_cols, index=index)
    return items, criteria, gate


def fit_nonneg_logistic(
    x: np.ndarray, y: np.ndarray, *, sample_weight: np.ndarray | None = None
) -> tuple[float, np.ndarray, float]:
    """Logistic regression with a free intercept and coefficients ≥ 0.

    `y` may be soft (a probability per row): the expected log-loss is the same
    objective, which is how the benchmark fits the truth's probabilities.
    Returns (intercept, coefficients, mean log-loss).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    w = w / w.sum()
    xa = np.column_stack([np.ones(len(y)), x])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = xa @ theta
        value = float(w @ (np.logaddexp(0.0, z) - y * z))
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # a stable sigmoid
        return value, xa.T @ (w * (p - y))

    base = float(np.clip(w @ y, 1e-6, 1 - 1e-6))
    theta0 = np.concatenate([[math.log(base / (1 - base))], np.zeros(x.shape[1])])
    bounds = [(None, None)] + [(0.0, None)] * x.shape[1]
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds)
    return float(res.x[0]), np.maximum(res.x[1:], 0.0), float(res.fun)


def to_hundred(beta: np.ndarray) -> np.ndarray:
    total = float(beta.sum())
    if total <= 0:
        return np.full(len(beta), np.nan)
    return 100.0 * beta / total


def _largest_remainder(weights: np.ndarray) -> np.ndarray:
    floor = np.floor(weights).astype(int)
    short = 100 - int(floor.sum())
    order = np.argsort(-(weights - floor), kind="stable")
    floor[order[:short]] += 1
    return floor


def whole_points(weights: np.ndarray) -> np.ndarray:
    """Whole points summing to 100 from continuous weights summing to 100, by
    largest remainder (ties to the earlier item)."""
    return _largest_remainder(np.asarray(weights, dtype=np.float64))


def _total_loss(
    s: np.ndarray, y: np.ndarray, weights: np.ndarray, sample_weight: np.ndarray | None
) -> float:
    return fit_nonneg_logistic(
        (s @ weights)[:, None] / 100.0, y, sample_weight=sample_weight
    )[2]


def fit_weights(
    s: np.ndarray | pd.DataFrame,
    y: np.ndarray | pd.Series,
    *,
    sample_weight: np.ndarray | None = None,
    search: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """(whole-point weights summing to 100, continuous weights) for item fractions.

    Continuous weights are 100 · β / Σβ of the non-negative logistic fit; whole
    points start from largest-remainder rounding and, with `search`, move one
    point between items while that lowers the log-loss of the total (refitted
    as a 1-D logistic), so rounding costs as little prediction as possible.
    """
    s = np.asarray(s, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    _, beta, _ = fit_nonneg_logistic(s, y, sample_weight=sample_weight)
    cont = to_hundred(beta)
    if np.isnan(cont).any():
        raise RecalibrationError(
            "no rubric item predicts wins in this data (every fitted weight is 0); "
            "check that `won` is recorded and that memos are filled in"
        )
    whole = _largest_remainder(cont)
    if not search:
        return whole, cont
    best = _total_loss(s, y, whole, sample_weight)
    k = len(whole)
    for _ in range(20):
        improved = False
        for i in range(k):
            for j in range(k):
                if i == j or whole[j] == 0:
                    continue
                trial = whole.copy()
                trial[i] += 1
                trial[j] -= 1
                value = _total_loss(s, y, trial, sample_weight)
                if value < best - 1e-12:
                    best, whole, improved = value, trial, True
        if not improved:
            break
    return whole, cont


def isotonic(total: np.ndarray, y: np.ndarray) -> IsotonicRegression:
    return IsotonicRegression(increasing=True, out_of_bounds="clip").fit(total, y)


def win_rate_cutoff(total: np.ndarray, y: np.ndarray, target: float) -> float:
    """Lowest whole score whose smoothed (isotonic) win rate reaches `target`.

    NaN when no score in the data reaches it: the cut-off would lie outside the
    range toss-ups are seen in, and the data cannot place it.
    """
    iso = isotonic(total, y)
    grid = np.arange(0, 101, dtype=float)
    grid = grid[(grid >= total.min()) & (grid <= total.max())]
    reached = grid[iso.predict(grid) >= target]
    return float(reached[0]) if len(reached) else float("nan")


def share_cutoffs(
    total: np.ndarray, share_high: float, share_standard: float
) -> tuple[float, float]:
    """Whole-score cut-offs that keep `share_high` at or above high and
    `share_standard` between standard and high (as close as whole scores allow)."""

    def cut(share_above: float) -> float:
        grid = np.arange(0, 101, dtype=float)
        above = (total[None, :] >= grid[:, None]).mean(axis=1)
        return float(grid[np.argmin(np.abs(above - share_above))])

    return cut(share_high), cut(share_high + share_standard)


def band_cutoffs(
    total: np.ndarray,
    y: np.ndarray,
    targets: tuple[float, float],
    shares: tuple[float, float],
) -> tuple[float, float, float, float]:
    """(win-rate high, win-rate standard, share high, share standard) cut-offs."""
    wh = win_rate_cutoff(total, y, targets[0])
    ws = win_rate_cutoff(total, y, targets[1])
    sh, ss = share_cutoffs(total, *shares)
    return wh, ws, sh, ss


def chosen_bands(
    cuts: tuple[float, float, float, float], choice: str
) -> tuple[float, float, list[str]]:
    """The (high, standard) cut-offs `choice` picks, kept apart and ≥ 1, with notes."""
    wr_high, wr_std, sh_high, sh_std = cuts
    notes: list[str] = []
    if not math.isfinite(wr_high) or not math.isfinite(wr_std):
        notes.append(
            "a win-rate target is not reached within the observed scores; the "
            "share-keeping cut-off is used for that band"
        )
    chosen_high, chosen_std = (
        (wr_high if math.isfinite(wr_high) else sh_high),
        (wr_std if math.isfinite(wr_std) else sh_std),
    )
    if choice == "share":
        chosen_high, chosen_std = sh_high, sh_std
    if not chosen_high > chosen_std:
        notes.append(
            f"cut-offs collapsed (high {chosen_high:g} ≤ standard {chosen_std:g}); "
            "the standard cut-off is set one point below high"
        )
        chosen_std = chosen_high - 1
    chosen_std = max(chosen_std, 1.0)
    return chosen_high, chosen_std, notes


def percentile_ci(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if len(values) < 10:
        return (float("nan"), float("nan"))
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def _band_of(total: np.ndarray, high: float, standard: float) -> np.ndarray:
    return np.where(
        total >= high, "high", np.where(total >= standard, "standard", "needs_work")
    )


_BAND_ORDER: Final = ("high", "standard", "needs_work")


def _band_table(
    band: np.ndarray, y: np.ndarray, prob: np.ndarray | None
) -> list[dict[str, Any]]:
    rows = []
    for b in _BAND_ORDER:
        mask = band == b
        n = int(mask.sum())
        rows.append(
            {
                "band": b,
                "n": n,
                "share": n / max(len(band), 1),
                "win_rate": float(y[mask].mean()) if n else float("nan"),
                "model_probability": (
                    float(prob[mask].mean()) if prob is not None and n else float("nan")
                ),
            }
        )
    return rows


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    return float(roc_auc_score(y, score)) if 0 < y.sum() < len(y) else float("nan")


def heldout_comparison(
    test: pd.DataFrame,
    y: np.ndarray,
    old: np.ndarray,
    new: np.ndarray,
    old_bands: tuple[float, float],
    new_bands: tuple[float, float],
    model_probability: pd.Series | None,
    seed: int,
    n_bootstrap: int,
) -> dict[str, Any]:
    """Old vs new rubric on the held-out toss-ups: AUC (paired bootstrap of the
    difference), win rate per band, band changes, the model's probability."""
    auc_old, auc_new = _auc(y, old), _auc(y, new)
    rng = np.random.default_rng(seed + 1)
    diffs = []
    for _ in range(n_bootstrap):
        idx = rng.integers(0, len(y), size=len(y))
        if 0 < y[idx].sum() < len(idx):
            diffs.append(_auc(y[idx], new[idx]) - _auc(y[idx], old[idx]))
    prob = None
    if model_probability is not None:
        mapped = test["lead_id"].map(model_probability)
        if mapped.notna().all():
            prob = mapped.to_numpy(dtype=float)
    band_old = _band_of(old, *old_bands)
    band_new = _band_of(new, *new_bands)
    matrix = {
        a: {b: int(((band_old == a) & (band_new == b)).sum()) for b in _BAND_ORDER}
        for a in _BAND_ORDER
    }
    return {
        "n": len(y),
        "wins": int(y.sum()),
        "auc_old": auc_old,
        "auc_new": auc_new,
        "auc_diff": auc_new - auc_old,
        "auc_diff_ci": list(percentile_ci(np.array(diffs))),
        "bands_old": _band_table(band_old, y, prob),
        "bands_new": _band_table(band_new, y, prob),
        "band_changes": matrix,
        "changed": int((band_old != band_new).sum()),
        "has_model": prob is not None,
    }
