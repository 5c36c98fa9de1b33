"""Rubric recalibration: item weights and band cut-offs learnt from outcomes.

The rubric keeps its own form: the total is Σ_i w_i · s_i, where s_i ∈ [0, 1] is
how much of item i a memo earns under the current criteria (its points / its
weight). Recalibration fits the w_i that make that total predict wins as well as
it can — a logistic regression of `won` on the s_i with non-negative
coefficients, turned into whole points summing to 100 — and recommends band
cut-offs for the new total, with bootstrap intervals for every number. It is
checked on the latest toss-ups, which the fit never sees.

Weights are predictive, not causal: an item that goes with winning leads (a
confirmed budget goes with a budget that exists) earns weight even if writing it
down changes nothing. And only toss-ups have outcomes — leads the reps held back
(mostly the ones that would fail the gate) are absent, so the fit describes the
score range reps actually toss up in. The report shows that range and a refit on
gate-passing toss-ups only, so ops can see how much the selection matters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from readiness.data.contract import Dataset
from readiness.rubric.config import Rubric, default_rubric
from readiness.rubric.criteria import CRITERIA
from readiness.rubric.fit import (
    RecalibrationError,
    band_cutoffs,
    chosen_bands,
    criterion_fractions,
    fit_nonneg_logistic,
    fit_weights,
    heldout_comparison,
    isotonic,
    percentile_ci,
    to_hundred,
)

__all__ = [
    "Recalibration",
    "RecalibrationConfig",
    "WeightsCheck",
    "check_recalibration_data",
    "check_weights",
    "recalibrate",
    "recalibrated_rubric",
]

BandsChoice = Literal["win_rate", "share"]
_MIN_TOSS_UPS: Final = 200
_MIN_WINS: Final = 30


@dataclass(frozen=True)
class RecalibrationConfig:
    """Options of a recalibration run.

    `target_high` / `target_standard`: the win rate a toss-up at the high /
    standard cut-off should have; None means the rate the current rubric has at
    its own cut-offs (smoothed), so a band keeps its meaning in win-rate terms.
    `bands` picks which cut-offs go into the recommended YAML: `win_rate` (those
    targets) or `share` (today's share of toss-ups per band, the default: it
    keeps FS's workload per band and its bootstrap interval is much narrower).
    """

    test_fraction: float = 0.2
    n_bootstrap: int = 200
    seed: int = 0
    target_high: float | None = None
    target_standard: float | None = None
    bands: BandsChoice = "share"

    def __post_init__(self) -> None:
        if not 0.05 <= self.test_fraction <= 0.5:
            raise ValueError(
                f"test_fraction {self.test_fraction} must be within 0.05..0.5"
            )
        if self.n_bootstrap < 0:
            raise ValueError(f"n_bootstrap {self.n_bootstrap} must be >= 0")
        for name in ("target_high", "target_standard"):
            value = getattr(self, name)
            if value is not None and not 0 < value < 1:
                raise ValueError(f"{name} {value} must be a win rate within 0..1")
        if self.bands not in ("win_rate", "share"):
            raise ValueError(f"bands {self.bands!r} must be 'win_rate' or 'share'")


# --- the result ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recalibration:
    """Everything a recalibration found; `to_dict` is the report's JSON."""

    items: tuple[str, ...]
    labels: Mapping[str, tuple[str, str]]
    old_weights: Mapping[str, float]
    weights: Mapping[str, int]
    weights_continuous: Mapping[str, float]
    weight_ci: Mapping[str, tuple[float, float]]
    weights_gate_passed: Mapping[str, float]
    item_spread: Mapping[str, Mapping[str, float]]
    criteria: list[dict[str, Any]]
    old_bands: tuple[float, float]
    targets: tuple[float, float]
    targets_source: str
    cutoffs_win_rate: tuple[float, float]
    cutoffs_win_rate_ci: tuple[tuple[float, float], tuple[float, float]]
    cutoffs_share: tuple[float, float]
    cutoffs_share_ci: tuple[tuple[float, float], tuple[float, float]]
    bands_choice: str
    bands: tuple[float, float]
    n_train: int
    n_test: int
    wins_train: int
    period_train: tuple[str, str]
    period_test: tuple[str, str]
    gate_pass_share: float
    heldout: dict[str, Any]
    curves: dict[str, Any]
    distribution: dict[str, list[float]]
    n_bootstrap: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (NaN → None)."""
        return _json_safe(
            {
                "items": list(self.items),
                "labels": {k: list(v) for k, v in self.labels.items()},
                "old_weights": dict(self.old_weights),
                "weights": dict(self.weights),
                "weights_continuous": dict(self.weights_continuous),
                "weight_ci": {k: list(v) for k, v in self.weight_ci.items()},
                "weights_gate_passed": dict(self.weights_gate_passed),
                "item_spread": {k: dict(v) for k, v in self.item_spread.items()},
                "criteria": self.criteria,
                "old_bands": {"high": self.old_bands[0], "standard": self.old_bands[1]},
                "targets": {
                    "high": self.targets[0],
                    "standard": self.targets[1],
                    "source": self.targets_source,
                },
                "cutoffs": {
                    "win_rate": {
                        "high": self.cutoffs_win_rate[0],
                        "standard": self.cutoffs_win_rate[1],
                        "high_ci": list(self.cutoffs_win_rate_ci[0]),
                        "standard_ci": list(self.cutoffs_win_rate_ci[1]),
                    },
                    "share": {
                        "high": self.cutoffs_share[0],
                        "standard": self.cutoffs_share[1],
                        "high_ci": list(self.cutoffs_share_ci[0]),
                        "standard_ci": list(self.cutoffs_share_ci[1]),
                    },
                    "chosen": self.bands_choice,
                },
                "bands": {"high": self.bands[0], "standard": self.bands[1]},
                "n_train": self.n_train,
                "n_test": self.n_test,
                "wins_train": self.wins_train,
                "period_train": list(self.period_train),
                "period_test": list(self.period_test),
                "gate_pass_share": self.gate_pass_share,
                "heldout": self.heldout,
                "n_bootstrap": self.n_bootstrap,
                "notes": list(self.notes),
            }
        )


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else round(float(value), 6)
    return value


# --- the stage -----------------------------------------------------------------------


def check_recalibration_data(dataset: Dataset) -> None:
    """Refuse, before any work, data a rubric cannot be recalibrated from."""
    handoffs, outcomes = dataset.handoffs, dataset.outcomes
    if len(handoffs) == 0 or len(outcomes) == 0:
        raise RecalibrationError(
            "recalibration needs hand-offs with outcomes: the data has "
            f"{len(handoffs):,} hand-offs and {len(outcomes):,} outcomes; add the "
            "`handoffs` and `outcomes` tables (see README, the data contract)"
        )
    memo = handoffs["memo"] if "memo" in handoffs else pd.Series(dtype="str")
    if not memo.fillna("").astype("str").str.strip().ne("").any():
        raise RecalibrationError(
            f"every one of the {len(handoffs):,} hand-off memos is empty: the rubric "
            "scores memos, so there is nothing to recalibrate it from; export the "
            "memo text (handoffs.memo)"
        )


def _closed_toss_ups(dataset: Dataset) -> pd.DataFrame:
    check_recalibration_data(dataset)
    handoffs, outcomes = dataset.handoffs, dataset.outcomes
    closed = handoffs.merge(outcomes[["lead_id", "won"]], on="lead_id", how="inner")
    closed = closed.sort_values(["tossed_up_at", "lead_id"], kind="stable")
    return closed.reset_index(drop=True)


def recalibrate(
    dataset: Dataset,
    *,
    rubric: Rubric | None = None,
    config: RecalibrationConfig | None = None,
    model_probability: pd.Series | None = None,
) -> Recalibration:
    """Fit new item weights and band cut-offs on the earlier toss-ups and compare
    the old and new rubric on the latest ones (`config.test_fraction`).

    `model_probability` (lead_id → the model's win probability at the toss-up)
    is optional: given, the report shows how the model's probability maps to
    each band of either rubric.
    """
    rubric = rubric or default_rubric()
    config = config or RecalibrationConfig()
    closed = _closed_toss_ups(dataset)
    n = len(closed)
    n_test = round(n * config.test_fraction)
    n_train = n - n_test
    y_all = closed["won"].astype(bool).to_numpy(dtype=float)
    wins_train = int(y_all[:n_train].sum())
    if n_train < _MIN_TOSS_UPS or wins_train < _MIN_WINS or n_test < 50:
        raise RecalibrationError(
            f"too little outcome data to recalibrate: {n_train:,} earlier toss-ups "
            f"with {wins_train:,} wins to fit on and {n_test:,} later ones to check "
            f"on; at least {_MIN_TOSS_UPS} toss-ups, {_MIN_WINS} wins and 50 "
            "held-out toss-ups are needed — wait for more closed deals"
        )
    s_df, c_df, gate = criterion_fractions(closed, rubric)
    keys = tuple(s_df.columns)
    s = s_df.to_numpy()
    c = c_df.to_numpy()
    old_w = np.array([rubric.items[k].weight for k in keys])
    old_total = np.round(s @ old_w, 1)
    tr, te = slice(0, n_train), slice(n_train, n)
    s_tr, y_tr = s[tr], y_all[tr]
    old_tr = old_total[tr]

    whole, cont = fit_weights(s_tr, y_tr)
    new_total = np.round(s @ whole, 1)
    new_tr = new_total[tr]

    # Targets: the win rate the current rubric has at its own cut-offs.
    old_high, old_std = rubric.bands.high, rubric.bands.standard
    iso_old = isotonic(old_tr, y_tr)
    target_high = config.target_high
    target_std = config.target_standard
    source = "user"
    if target_high is None or target_std is None:
        source = "the current rubric's smoothed win rate at its cut-offs"
        at = iso_old.predict(np.array([old_high, old_std], dtype=float))
        target_high = float(at[0]) if target_high is None else target_high
        target_std = float(at[1]) if target_std is None else target_std
    share_high = float((old_tr >= old_high).mean())
    share_std = float(((old_tr >= old_std) & (old_tr < old_high)).mean())
    targets = (float(target_high), float(target_std))
    shares = (share_high, share_std)

    def cutoffs(total: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
        return band_cutoffs(total, y, targets, shares)

    wr_high, wr_std, sh_high, sh_std = cutoffs(new_tr, y_tr)

    # Bootstrap: weights, cut-offs and sub-criterion shares refitted per resample.
    rng = np.random.default_rng(config.seed)
    boot_w, boot_cut, boot_crit = [], [], []
    for _ in range(config.n_bootstrap):
        idx = rng.integers(0, n_train, size=n_train)
        _, beta, _ = fit_nonneg_logistic(s_tr[idx], y_tr[idx])
        w_b = to_hundred(beta)
        boot_w.append(w_b)
        if np.isfinite(w_b).all():
            boot_cut.append(cutoffs(np.round(s_tr[idx] @ w_b, 1), y_tr[idx]))
        _, cb, _ = fit_nonneg_logistic(c[tr][idx], y_tr[idx])
        boot_crit.append(cb)
    bw = np.array(boot_w).reshape(-1, len(keys))
    bc = np.array(boot_cut, dtype=float).reshape(-1, 4)
    weight_ci = {k: percentile_ci(bw[:, i]) for i, k in enumerate(keys)}
    cut_ci = [percentile_ci(bc[:, j]) for j in range(4)]

    chosen_high, chosen_std, notes = chosen_bands(
        (wr_high, wr_std, sh_high, sh_std), config.bands
    )

    # Sub-criteria: one joint non-negative fit over every criterion, shares
    # normalised within each item; suggestions, not applied.
    _, cbeta, _ = fit_nonneg_logistic(c[tr], y_tr)
    bcrit = np.array(boot_crit).reshape(-1, c.shape[1])
    criteria_rows = []
    for key in keys:
        cols = [j for j, name in enumerate(c_df.columns) if name.startswith(f"{key}:")]
        total = cbeta[cols].sum()
        btot = bcrit[:, cols].sum(axis=1)
        for j in cols:
            name = c_df.columns[j].split(":", 1)[1]
            crit = CRITERIA[name]
            with np.errstate(invalid="ignore", divide="ignore"):
                boot_share = np.where(btot > 0, bcrit[:, j] / btot, np.nan)
            criteria_rows.append(
                {
                    "item": key,
                    "criterion": name,
                    "label_ja": crit.ja,
                    "label_en": crit.en,
                    "share": rubric.items[key].criteria[name],
                    "suggested_share": float(cbeta[j] / total) if total > 0 else None,
                    "suggested_ci": list(percentile_ci(boot_share)),
                    "coefficient": float(cbeta[j]),
                    "mean_fraction": float(c[tr][:, j].mean()),
                }
            )

    # Gate bias: who is in the data, and a refit on gate-passing toss-ups only.
    gate_share = float(gate[tr].mean())
    weights_gate: dict[str, float] = dict.fromkeys(keys, float("nan"))
    g_idx = np.flatnonzero(gate[:n_train])
    if len(g_idx) >= _MIN_TOSS_UPS and y_tr[g_idx].sum() >= _MIN_WINS:
        _, gb, _ = fit_nonneg_logistic(s_tr[g_idx], y_tr[g_idx])
        weights_gate = dict(zip(keys, to_hundred(gb).tolist(), strict=True))
    spread = {
        k: {
            "mean": float(s_tr[:, i].mean()),
            "sd": float(s_tr[:, i].std()),
            "share_full": float((s_tr[:, i] >= 0.999).mean()),
        }
        for i, k in enumerate(keys)
    }

    heldout = heldout_comparison(
        closed.iloc[te],
        y_all[te],
        old_total[te],
        new_total[te],
        (old_high, old_std),
        (chosen_high, chosen_std),
        model_probability,
        config.seed,
        config.n_bootstrap,
    )
    grid = np.arange(0, 101, dtype=float)
    iso_new = isotonic(new_tr, y_tr)
    curves = {
        "grid": grid.tolist(),
        "old": iso_old.predict(grid).tolist(),
        "new": iso_new.predict(grid).tolist(),
        "old_range": [float(old_tr.min()), float(old_tr.max())],
        "new_range": [float(new_tr.min()), float(new_tr.max())],
    }
    times = closed["tossed_up_at"]

    def period(part: pd.Series) -> tuple[str, str]:
        return (str(part.min().date()), str(part.max().date()))

    return Recalibration(
        items=keys,
        labels={k: rubric.label(k) for k in keys},
        old_weights={k: float(w) for k, w in zip(keys, old_w, strict=True)},
        weights={k: int(w) for k, w in zip(keys, whole, strict=True)},
        weights_continuous={k: float(w) for k, w in zip(keys, cont, strict=True)},
        weight_ci=weight_ci,
        weights_gate_passed=weights_gate,
        item_spread=spread,
        criteria=criteria_rows,
        old_bands=(old_high, old_std),
        targets=targets,
        targets_source=source,
        cutoffs_win_rate=(wr_high, wr_std),
        cutoffs_win_rate_ci=(cut_ci[0], cut_ci[1]),
        cutoffs_share=(sh_high, sh_std),
        cutoffs_share_ci=(cut_ci[2], cut_ci[3]),
        bands_choice=config.bands,
        bands=(float(chosen_high), float(chosen_std)),
        n_train=n_train,
        n_test=n_test,
        wins_train=wins_train,
        period_train=period(times.iloc[tr]),
        period_test=period(times.iloc[te]),
        gate_pass_share=gate_share,
        heldout=heldout,
        curves=curves,
        distribution={"old": old_tr.tolist(), "new": new_tr.tolist()},
        n_bootstrap=config.n_bootstrap,
        notes=notes,
    )


@dataclass(frozen=True)
class WeightsCheck:
    """Other whole-point weights under a recalibration's split and cut-off rule."""

    weights: Mapping[str, int]
    bands: tuple[float, float]
    heldout: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (NaN → None)."""
        return _json_safe(
            {
                "weights": dict(self.weights),
                "bands": {"high": self.bands[0], "standard": self.bands[1]},
                "heldout": self.heldout,
                "notes": list(self.notes),
            }
        )


def check_weights(
    dataset: Dataset,
    result: Recalibration,
    weights: Mapping[str, int],
    *,
    rubric: Rubric | None = None,
    seed: int = 0,
    model_probability: pd.Series | None = None,
) -> WeightsCheck:
    """Band cut-offs for other weights (e.g. effect-following ones) and the
    held-out comparison of the current rubric with them.

    Same toss-ups, fit/held-out split, cut-off rule (`result.bands_choice`),
    win-rate targets and band shares as `result`, so the numbers sit beside the
    recommended weights'. `rubric` must be the one `result` started from.
    """
    rubric = rubric or default_rubric()
    closed = _closed_toss_ups(dataset)
    s_df, _, _ = criterion_fractions(closed, rubric)
    keys = tuple(s_df.columns)
    if set(weights) != set(keys) or sum(weights.values()) != 100:
        raise ValueError(
            f"weights {dict(weights)} must give whole points summing to 100 to "
            f"the items {list(keys)}"
        )
    s = s_df.to_numpy()
    y = closed["won"].astype(bool).to_numpy(dtype=float)
    n_train = result.n_train
    old_total = np.round(s @ np.array([rubric.items[k].weight for k in keys]), 1)
    total = np.round(s @ np.array([weights[k] for k in keys], dtype=float), 1)
    old_tr = old_total[:n_train]
    old_high, old_std = result.old_bands
    shares = (
        float((old_tr >= old_high).mean()),
        float(((old_tr >= old_std) & (old_tr < old_high)).mean()),
    )
    cuts = band_cutoffs(total[:n_train], y[:n_train], result.targets, shares)
    high, standard, notes = chosen_bands(cuts, result.bands_choice)
    heldout = heldout_comparison(
        closed.iloc[n_train:],
        y[n_train:],
        old_total[n_train:],
        total[n_train:],
        result.old_bands,
        (high, standard),
        model_probability,
        seed,
        result.n_bootstrap,
    )
    return WeightsCheck(
        weights={k: int(weights[k]) for k in keys},
        bands=(float(high), float(standard)),
        heldout=heldout,
        notes=notes,
    )


# --- the recommended rubric ---------------------------------------------------------


def recalibrated_rubric(
    rubric: Rubric,
    weights: Mapping[str, int],
    bands: Sequence[float],
    *,
    name: str = "recalibrated",
) -> Rubric:
    """`rubric` with new item weights and band cut-offs; criteria and the rest of
    the gate are kept, and the gate's minimum score follows the standard cut-off
    (as the articles' 60 does)."""
    data = rubric.model_dump(mode="python")
    data["name"] = name
    for key, w in weights.items():
        data["items"][key]["weight"] = float(w)
    data["bands"] = {"high": float(bands[0]), "standard": float(bands[1])}
    data["gate"]["min_score"] = float(bands[1])
    return Rubric.model_validate(data)
