"""Metrics for win probabilities, and the comparison with the 100-point rubric.

Every predictor — the model, the calibrated rubric score, baselines and, in the
synthetic world, the true probability — is judged on the same hand-offs by the
same numbers: ranking (ROC-AUC, PR-AUC, lift), probability quality (Brier, log
loss, ECE) and, per rubric band and rubric-score decile, the observed win rate
against the rate each predictor implies. Pure: frames in, numbers and frames
out; `readiness.reports.evaluation` draws and writes them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

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

from readiness.rubric.config import BANDS

__all__ = [
    "ORACLE",
    "Evaluation",
    "band_table",
    "classification_metrics",
    "compare_predictors",
    "decile_table",
    "disagreements",
    "evaluate",
    "expected_calibration_error",
    "probability_deciles",
    "reliability_table",
]

ORACLE: Final = "oracle"  # the synthetic world's true probability: a ceiling, no rival

Strategy = Literal["uniform", "quantile"]

_LOG_LOSS_EPS: Final = 1e-15  # only keeps log loss finite; barely moves it
_LOGIT_EPS: Final = 1e-6  # a 0 vs 1e-9 probability is no real disagreement
_ROC_POINTS: Final = 201
_GAINS_GRID: Final = np.linspace(0.0, 1.0, 101)
_DIGITS: Final = 6
_REQUIRED: Final = ("lead_id", "won", "rubric_total", "band")


# --- input checks ------------------------------------------------------------------


def _outcomes(y: ArrayLike, *, name: str = "y") -> NDArray[np.int64]:
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


def _probabilities(p: ArrayLike, *, name: str = "p") -> NDArray[np.float64]:
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
    yy = _outcomes(y)
    pp = _probabilities(p, name=name)
    if len(yy) != len(pp):
        raise ValueError(f"y has {len(yy)} values but {name} has {len(pp)}")
    return yy, pp


def _both_classes(y: NDArray[np.int64]) -> bool:
    return 0 < int(y.sum()) < len(y)


# --- calibration -------------------------------------------------------------------


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


# --- ranking -----------------------------------------------------------------------


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


def _gains_table(y: NDArray[np.int64], p: NDArray[np.float64]) -> pd.DataFrame:
    wins = int(y.sum())
    captured = _captured(y, p, _GAINS_GRID)
    share_wins = captured / wins if wins else np.full_like(captured, np.nan)
    return pd.DataFrame({"share_handoffs": _GAINS_GRID, "share_wins": share_wins})


def _roc_table(y: NDArray[np.int64], p: NDArray[np.float64]) -> pd.DataFrame:
    if not _both_classes(y):
        return pd.DataFrame({"fpr": [], "tpr": []}, dtype=float)
    fpr, tpr, _ = roc_curve(y, p)
    if len(fpr) > _ROC_POINTS:
        keep = np.unique(np.linspace(0, len(fpr) - 1, _ROC_POINTS).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return pd.DataFrame({"fpr": fpr, "tpr": tpr})


# --- per-predictor metrics ---------------------------------------------------------


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


# --- tables against the rubric -----------------------------------------------------


def _column_or_nan(frame: pd.DataFrame, column: str | None) -> NDArray[np.float64]:
    if column is None or column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ValueError(
            f"frame lacks column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, frame.columns))}"
        )


def _rates(
    keys: pd.Series, won: NDArray[np.int64], p_rubric: NDArray, p_model: NDArray
) -> pd.DataFrame:
    data = pd.DataFrame(
        {"key": keys.to_numpy(), "won": won, "p_rubric": p_rubric, "p_model": p_model}
    )
    grouped = data.groupby("key", sort=True)
    return pd.DataFrame(
        {
            "n": grouped.size(),
            "wins": grouped["won"].sum(),
            "observed": grouped["won"].mean(),
            "p_rubric": grouped["p_rubric"].mean(),
            "p_model": grouped["p_model"].mean(),
        }
    )


def band_table(
    frame: pd.DataFrame,
    *,
    model: str | None = "p_model",
    rubric: str | None = "p_rubric",
) -> pd.DataFrame:
    """Per rubric band (high, standard, needs work): n, observed and implied win rates.

    `p_rubric` is the mean calibrated rubric probability — the rate the band's
    points imply — and `p_model` the model's mean; a column absent from the frame
    gives NaN. Empty bands stay in the table with n = 0.
    """
    _check_columns(frame, ("band", "won"))
    bands = frame["band"].astype("string").fillna("<missing>")
    unknown = sorted(set(bands) - set(BANDS))
    if unknown:
        raise ValueError(
            f"unknown band value(s) {', '.join(unknown)}; expected {', '.join(BANDS)}"
        )
    won = _outcomes(frame["won"], name="won")
    rates = _rates(
        bands, won, _column_or_nan(frame, rubric), _column_or_nan(frame, model)
    ).reindex(list(BANDS))
    rates["n"] = rates["n"].fillna(0).astype(int)
    rates["wins"] = rates["wins"].fillna(0).astype(int)
    rates.insert(1, "share", rates["n"] / max(len(frame), 1))
    rates.insert(0, "band_en", [BANDS[b][1] for b in BANDS])
    rates.insert(0, "band_ja", [BANDS[b][0] for b in BANDS])
    rates.index.name = "band"
    return rates.reset_index()


def decile_table(
    frame: pd.DataFrame,
    *,
    model: str | None = "p_model",
    rubric: str | None = "p_rubric",
) -> pd.DataFrame:
    """Per rubric-score decile (1 = lowest): score range, n, observed and implied rates.

    Equal scores always share a decile, so a score held by many hand-offs makes
    its decile larger and may leave a neighbour empty (dropped).
    """
    _check_columns(frame, ("rubric_total", "won"))
    total = pd.to_numeric(frame["rubric_total"], errors="coerce")
    missing = int(total.isna().sum())
    if missing:
        raise ValueError(f"rubric_total has {missing} missing values")
    won = _outcomes(frame["won"], name="won")
    if len(frame) == 0:
        columns = ["decile", "score_min", "score_max", "n", "wins", "observed"]
        return pd.DataFrame(columns=[*columns, "p_rubric", "p_model"])
    deciles = _rank_deciles(total)
    rates = _rates(
        deciles, won, _column_or_nan(frame, rubric), _column_or_nan(frame, model)
    )
    scores = pd.Series(total.to_numpy()).groupby(deciles)
    rates.insert(0, "score_max", scores.max())
    rates.insert(0, "score_min", scores.min())
    rates.index.name = "decile"
    return rates.reset_index().astype({"n": int, "wins": int})


def _rank_deciles(values: pd.Series) -> pd.Series:
    """Decile 1-10 by rank; equal values share a rank, hence a decile."""
    ranks = values.rank(method="average").to_numpy()
    return pd.Series(np.clip(np.ceil(ranks / len(values) * 10), 1, 10).astype(int))


def probability_deciles(
    frame: pd.DataFrame,
    *,
    model: str = "p_model",
    rubric: str | None = "p_rubric",
) -> pd.DataFrame:
    """Per decile of the predictor's own probability (1 = lowest): its range, n,
    observed and predicted win rates — the table that needs no rubric.

    Equal probabilities share a decile, so only a predictor with a real spread
    fills all ten; a constant one gives a single row.
    """
    _check_columns(frame, (model, "won"))
    p = _probabilities(frame[model], name=model)
    won = _outcomes(frame["won"], name="won")
    columns = ["decile", "p_min", "p_max", "n", "wins", "observed"]
    if len(frame) == 0:
        return pd.DataFrame(columns=[*columns, "p_rubric", "p_model"])
    deciles = _rank_deciles(pd.Series(p))
    rates = _rates(deciles, won, _column_or_nan(frame, rubric), p)
    grouped = pd.Series(p).groupby(deciles)
    rates.insert(0, "p_max", grouped.max())
    rates.insert(0, "p_min", grouped.min())
    rates.index.name = "decile"
    return rates.reset_index().astype({"n": int, "wins": int})


def _distinct(values: NDArray[np.float64]) -> int:
    finite = values[np.isfinite(values)]
    return len(np.unique(finite))


def _logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.clip(p, _LOGIT_EPS, 1.0 - _LOGIT_EPS)
    return np.log(q / (1.0 - q))


def disagreements(
    frame: pd.DataFrame,
    *,
    k: int = 20,
    model: str = "p_model",
    rubric: str = "p_rubric",
) -> pd.DataFrame:
    """The k hand-offs where model and rubric disagree most, in log-odds.

    `logit_gap` > 0: the model is more optimistic than the rubric. Log-odds make
    10 % vs 1 % as large a gap as 50 % vs 91 %, which is how a sales rep reads it.
    """
    columns = ["lead_id", "rubric_total", "band", "won"]
    out_columns = [*columns[:3], "p_model", "p_rubric", "won", "logit_gap"]
    if rubric not in frame or model not in frame:
        return pd.DataFrame(columns=out_columns)
    _check_columns(frame, tuple(columns))
    p_model = _probabilities(frame[model], name=model)
    p_rubric = _probabilities(frame[rubric], name=rubric)
    out = pd.DataFrame(
        {
            "lead_id": frame["lead_id"].to_numpy(),
            "rubric_total": frame["rubric_total"].to_numpy(),
            "band": frame["band"].to_numpy(),
            "p_model": p_model,
            "p_rubric": p_rubric,
            "won": _outcomes(frame["won"], name="won"),
            "logit_gap": _logit(p_model) - _logit(p_rubric),
        }
    )
    order = np.argsort(-np.abs(out["logit_gap"].to_numpy()), kind="stable")
    return out.iloc[order[: max(k, 0)]].reset_index(drop=True)


# --- the whole evaluation ----------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Plain JSON types: NaN/inf → None, floats rounded, frames as records."""
    if isinstance(value, pd.DataFrame):
        return [_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return round(f, _DIGITS) if math.isfinite(f) else None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Every predictor judged on the same hand-offs, and the rubric comparison.

    `comparisons[name]` holds primary − name differences (positive ROC-AUC and
    negative Brier mean the primary predictor is better). The tables'
    `p_rubric` is the `reference` predictor, `p_model` the `primary` one.
    `rubric_informative` is False when the rubric gives every hand-off the same
    total (e.g. no memos): it then ranks nothing and beating it means nothing.
    `in_sample` counts the evaluated hand-offs the model was trained on.
    """

    n: int
    base_rate: float
    period: tuple[str, str] | None
    primary: str
    reference: str | None
    predictions: Mapping[str, str]
    metrics: Mapping[str, Mapping[str, float]]
    comparisons: Mapping[str, Mapping[str, float]]
    reliability: Mapping[str, pd.DataFrame]
    roc: Mapping[str, pd.DataFrame]
    gains: Mapping[str, pd.DataFrame]
    bands: pd.DataFrame
    deciles: pd.DataFrame
    disagreements: pd.DataFrame
    model_deciles: pd.DataFrame = field(default_factory=pd.DataFrame)
    rubric_informative: bool = True
    rubric_constant: float | None = None
    same_as_primary: tuple[str, ...] = ()
    in_sample: int = 0

    @property
    def predictors(self) -> tuple[str, ...]:
        return tuple(self.predictions)

    @property
    def rubric(self) -> str | None:
        """The reference when it says something (varies across hand-offs), else None."""
        return self.reference if self.rubric_informative else None

    def strongest_baseline(self, *, metric: str = "log_loss") -> str | None:
        """The rival to beat: the lowest `metric` (lower is better) on these
        hand-offs among the predictors other than the primary and the oracle.

        The calibrated rubric is a candidate like any other, unless it is
        constant (`rubric_informative` False); a predictor whose probabilities
        equal the primary's (the rubric, when it is what is served) is not. Ties
        go to the first in `predictions`; None when nothing is left.
        """
        skip = {self.primary, ORACLE, *self.same_as_primary}
        if not self.rubric_informative and self.reference is not None:
            skip.add(self.reference)
        best: str | None = None
        best_value = math.inf
        for name in self.predictions:
            if name in skip:
                continue
            value = self.metrics[name].get(metric, math.nan)
            if math.isfinite(value) and value < best_value:
                best, best_value = name, value
        return best

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (no NaN: missing numbers are null), floats to 6 decimals."""
        return {
            "n": self.n,
            "base_rate": _jsonable(self.base_rate),
            "period": list(self.period) if self.period else None,
            "primary": self.primary,
            "reference": self.reference,
            "rubric_informative": self.rubric_informative,
            "rubric_constant": _jsonable(self.rubric_constant),
            "strongest_baseline": self.strongest_baseline(),
            "in_sample": self.in_sample,
            "predictions": dict(self.predictions),
            **{
                key: _jsonable(getattr(self, key))
                for key in (
                    "metrics",
                    "comparisons",
                    "reliability",
                    "roc",
                    "gains",
                    "bands",
                    "deciles",
                    "model_deciles",
                    "disagreements",
                )
            },
        }

    def headline(self) -> str:
        """A few lines of text: size, metrics per predictor, the primary against the
        strongest baseline and against the rubric (when the rubric says anything)."""
        period = f" ({self.period[0]} to {self.period[1]})" if self.period else ""
        width = min(max(16, *(len(n) + 2 for n in self.metrics)), 28)
        lines = []
        if self.in_sample:
            lines.append(
                f"IN-SAMPLE: {self.in_sample:,} of these {self.n:,} hand-offs were "
                "in the model's training data; these figures flatter the model"
            )
        lines += [
            f"{self.n:,} hand-offs{period}, win rate {_pct(self.base_rate)}",
            f"{'predictor':<{width}}{'ROC-AUC':>8}{'PR-AUC':>8}{'Brier':>8}"
            f"{'log loss':>9}{'ECE':>7}{'lift@10%':>9}",
        ]
        for name, m in self.metrics.items():
            mark = "*" if name == self.primary else ""
            lines.append(
                f"{(name + mark)[: width - 1]:<{width}}{_num(m['roc_auc'], 3):>8}"
                f"{_num(m['pr_auc'], 3):>8}{_num(m['brier'], 4):>8}"
                f"{_num(m['log_loss'], 4):>9}"
                f"{_num(m['ece'], 3):>7}{_num(m['lift_top_decile'], 2):>9}"
            )
        strongest = self.strongest_baseline()
        if strongest is not None:
            role = "strongest baseline: lowest log loss"
            if strongest == self.rubric:
                role = f"rubric, also the {role}"
            lines.append(self._versus(strongest, role))
        if self.rubric is not None and self.rubric != strongest:
            lines.append(self._versus(self.rubric, "rubric"))
        elif self.reference is not None and not self.rubric_informative:
            lines.append(
                f"{self.reference}: every hand-off has the same rubric total"
                f"{_rubric_value(self.rubric_constant)}, so the rubric ranks "
                "nothing; no comparison with it"
            )
        return "\n".join(lines)

    def _versus(self, name: str, role: str) -> str:
        c = self.comparisons[name]
        ci = ""
        if math.isfinite(c["roc_auc_diff_low"]):
            ci = (
                f" ({c['level']:.0%} CI {c['roc_auc_diff_low']:+.3f}"
                f" to {c['roc_auc_diff_high']:+.3f})"
            )
        return (
            f"{self.primary} vs {name} ({role}): log loss "
            f"{_signed(c['log_loss_diff'], 4)}, ROC-AUC "
            f"{_signed(c['roc_auc_diff'], 3)}{ci}, Brier "
            f"{_signed(c['brier_diff'], 4)} (losses: lower is better)"
        )


def _rubric_value(value: float | None) -> str:
    if value is None:
        return ""
    return f" ({value:g} points{'; no memos?' if value == 0 else ''})"


def _num(x: float, digits: int) -> str:
    return "-" if not math.isfinite(x) else f"{x:.{digits}f}"


def _signed(x: float, digits: int) -> str:
    return "-" if not math.isfinite(x) else f"{x:+.{digits}f}"


def _pct(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.1%}"


def _period(frame: pd.DataFrame) -> tuple[str, str] | None:
    if "tossed_up_at" not in frame or len(frame) == 0:
        return None
    times = pd.to_datetime(frame["tossed_up_at"], errors="coerce").dropna()
    if times.empty:
        return None
    return times.min().date().isoformat(), times.max().date().isoformat()


def evaluate(
    frame: pd.DataFrame,
    *,
    predictions: Mapping[str, str],
    primary: str = "model",
    reference: str | None = "rubric_total",
    n_bins: int = 10,
    k: int = 20,
    n_bootstrap: int = 200,
    seed: int = 0,
    in_sample: int = 0,
) -> Evaluation:
    """Judge every predictor in `predictions` (name → probability column).

    `primary` is the predictor under test; `reference` the calibrated rubric it
    is compared with (ignored when not among the predictions). The frame needs
    lead_id, won (0/1), rubric_total, band and the probability columns;
    tossed_up_at, when present, gives the period. `in_sample` is how many of the
    rows the model was trained on (0: an honest, out-of-sample evaluation); it
    only labels the result. The frame is not modified.
    """
    if not predictions:
        raise ValueError("predictions is empty; pass e.g. {'model': 'p_model'}")
    if primary not in predictions:
        raise ValueError(
            f"primary {primary!r} is not among the predictions "
            f"({', '.join(predictions)})"
        )
    _check_columns(frame, (*_REQUIRED, *predictions.values()))
    if len(frame) == 0:
        raise ValueError("the frame has no hand-offs to evaluate")
    if not 0 <= in_sample <= len(frame):
        raise ValueError(f"in_sample must be 0-{len(frame)}, got {in_sample}")
    y = _outcomes(frame["won"], name="won")
    probs = {
        name: _probabilities(frame[col], name=f"column {col!r} ({name})")
        for name, col in predictions.items()
    }
    ref = reference if reference in predictions else None
    totals = pd.to_numeric(frame["rubric_total"], errors="coerce").to_numpy(float)
    constant = _distinct(totals) <= 1
    # A rubric whose total (or calibrated probability) never varies ranks nothing:
    # "beats the rubric" would be true of any predictor, so it is not claimed.
    informative = not constant and (ref is None or _distinct(probs[ref]) > 1)
    finite = totals[np.isfinite(totals)]
    work = pd.DataFrame(
        {
            "lead_id": frame["lead_id"].to_numpy(),
            "rubric_total": frame["rubric_total"].to_numpy(),
            "band": frame["band"].to_numpy(),
            "won": y,
            "p_model": probs[primary],
            "p_rubric": probs[ref] if ref else np.nan,
        }
    )
    comparisons = {
        name: compare_predictors(
            y, probs[primary], p, n_bootstrap=n_bootstrap, seed=seed
        )
        for name, p in probs.items()
        if name != primary
    }
    return Evaluation(
        n=len(y),
        base_rate=float(y.mean()),
        period=_period(frame),
        primary=primary,
        reference=ref,
        predictions=dict(predictions),
        metrics={name: classification_metrics(y, p) for name, p in probs.items()},
        comparisons=comparisons,
        reliability={
            name: reliability_table(y, p, n_bins=n_bins) for name, p in probs.items()
        },
        roc={name: _roc_table(y, p) for name, p in probs.items()},
        gains={name: _gains_table(y, p) for name, p in probs.items()},
        bands=band_table(work, rubric="p_rubric" if ref else None),
        deciles=decile_table(work, rubric="p_rubric" if ref else None),
        disagreements=disagreements(
            work if ref else work.drop(columns="p_rubric"), k=k
        ),
        model_deciles=probability_deciles(work, rubric="p_rubric" if ref else None),
        rubric_informative=informative,
        rubric_constant=float(finite[0]) if constant and len(finite) else None,
        same_as_primary=tuple(
            name
            for name, p in probs.items()
            if name != primary and np.array_equal(p, probs[primary])
        ),
        in_sample=in_sample,
    )
