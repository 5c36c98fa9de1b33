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
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.model.intervals import interval_coverage
from readiness.model.metrics import (
    classification_metrics,
    compare_predictors,
    gains_table,
    outcomes,
    probabilities,
    reliability_table,
    roc_table,
)
from readiness.model.rubric_tables import (
    band_table,
    check_columns,
    decile_table,
    disagreements,
    n_distinct,
    probability_deciles,
)

__all__ = [
    "ORACLE",
    "Evaluation",
    "evaluate",
]

ORACLE: Final = "oracle"  # the synthetic world's true probability: a ceiling, no rival
_DIGITS: Final = 6
_REQUIRED: Final = ("lead_id", "won", "rubric_total", "band")


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
    # the served probability's interval per segment (`interval_coverage`; empty
    # when the frame has no interval columns)
    intervals: pd.DataFrame = field(default_factory=pd.DataFrame)

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
                    "intervals",
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
    check_columns(frame, (*_REQUIRED, *predictions.values()))
    if len(frame) == 0:
        raise ValueError("the frame has no hand-offs to evaluate")
    if not 0 <= in_sample <= len(frame):
        raise ValueError(f"in_sample must be 0-{len(frame)}, got {in_sample}")
    y = outcomes(frame["won"], name="won")
    probs = {
        name: probabilities(frame[col], name=f"column {col!r} ({name})")
        for name, col in predictions.items()
    }
    ref = reference if reference in predictions else None
    totals = pd.to_numeric(frame["rubric_total"], errors="coerce").to_numpy(float)
    constant = n_distinct(totals) <= 1
    # A rubric whose total (or calibrated probability) never varies ranks nothing:
    # "beats the rubric" would be true of any predictor, so it is not claimed.
    informative = not constant and (ref is None or n_distinct(probs[ref]) > 1)
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
        roc={name: roc_table(y, p) for name, p in probs.items()},
        gains={name: gains_table(y, p) for name, p in probs.items()},
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
        intervals=interval_coverage(
            frame.assign(won=y, p_model=probs[primary])
            if "p_model_low" in frame
            else frame
        ),
    )
