"""Which candidate is served: validation figures, the paired comparison, the reason.

Candidates are compared on the validation slice (the latest training toss-ups);
a more complex one is served only when it is clearly better (`choose_served`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else float("nan")


def time_split(n: int, test_fraction: float) -> int:
    """Index of the first test row when rows are in time order."""
    return max(1, min(n - 1, round(n * (1 - test_fraction))))


_EPS = 1e-6


def _row_log_loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _figures(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    auc = _auc(y, p)
    return {
        "log_loss": float(_row_log_loss(y, p).mean()),
        "brier": float(np.mean((p - y) ** 2)),
        "roc_auc": auc if np.isfinite(auc) else None,  # None: JSON, one class
        "mean_p": float(np.mean(p)),
    }


def choose_served(
    y: np.ndarray,
    probabilities: dict[str, np.ndarray],
    *,
    constant: float,
    min_logloss_gain: float,
    tie_z: float,
    allowed: set[str] | None = None,
) -> tuple[str, dict[str, dict[str, Any]]]:
    """The candidate to serve, and every candidate's validation verdict.

    `probabilities` are the candidates' calibrated validation probabilities,
    simplest first. A candidate whose Brier is worse than predicting `constant`
    (the base rate of the rows it was fitted on) is not eligible; the calibrated
    rubric (the first) is served when nothing is. Only names in `allowed` (all
    when None) are candidates; the others are reported as references. Walking
    from simple to
    complex, a candidate replaces the current choice only when its log-loss is
    lower by more than max(`min_logloss_gain`, `tie_z` × the paired standard
    error of the per-toss-up difference): level candidates leave the simpler one
    served.
    """
    y = np.asarray(y).astype(int)
    const_p = np.full(len(y), constant)
    const = _figures(y, const_p)
    table: dict[str, dict[str, Any]] = {}
    losses: dict[str, np.ndarray] = {}
    for name, p in probabilities.items():
        figures = _figures(y, p)
        losses[name] = _row_log_loss(y, p)
        eligible = figures["brier"] <= const["brier"]
        table[name] = {
            **figures,
            "eligible": bool(eligible),
            "verdict": "eligible"
            if eligible
            else f"Brier {figures['brier']:.4f} is worse than the base-rate constant's "
            f"{const['brier']:.4f}: never served",
        }
    names = [n for n in probabilities if allowed is None or n in allowed]
    for name in probabilities:
        if name not in names:
            table[name]["verdict"] = "reference (not a candidate in this config)"
    eligible = [n for n in names if table[n]["eligible"]]
    fallback = next(iter(probabilities))
    if not eligible:
        table[fallback]["verdict"] = "served (fallback)"
        table["constant"] = {**const, "eligible": False, "verdict": "reference"}
        return fallback, table
    chosen = eligible[0]
    for name in eligible[1:]:
        diff = losses[chosen] - losses[name]  # > 0: the candidate is better
        gain = float(diff.mean())
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        margin = max(min_logloss_gain, tie_z * se)
        table[name]["gain_over"] = {"than": chosen, "log_loss": gain, "margin": margin}
        if gain > margin:
            table[chosen]["verdict"] = f"{name} is better by {gain:.4f} > {margin:.4f}"
            chosen = name
        else:
            table[name]["verdict"] = (
                f"not better than {chosen} by more than the noise "
                f"({gain:+.4f} log-loss, margin {margin:.4f}): the simpler one is kept"
            )
    table[chosen]["verdict"] = "served"
    table["constant"] = {**const, "eligible": False, "verdict": "reference"}
    return chosen, table


def served_reason(
    predictor: str, table: dict[str, dict[str, Any]], notes: dict[str, str]
) -> str:
    """One sentence: what is served and why, from the validation verdicts."""
    row = table[predictor]
    figures = (
        f"validation log-loss {row['log_loss']:.4f}, Brier {row['brier']:.4f}"
        if "log_loss" in row
        else ""
    )
    if predictor != "rubric":
        return (
            f"{predictor}: the best candidate on the validation slice, simplest "
            f"within the noise ({figures})"
        )
    compared = [k for k, r in table.items() if "log_loss" in r]
    if notes and not set(compared) - {"rubric", "constant"}:
        return f"calibrated rubric: {next(iter(notes.values()))} ({figures})"
    if not row.get("eligible", True) or row.get("verdict") == "served (fallback)":
        return (
            "calibrated rubric (fallback): no candidate beat the base-rate constant "
            f"on validation ({figures})"
        )
    return (
        "calibrated rubric: no model candidate beat it by more than the noise on "
        f"the validation slice ({figures})"
    )
