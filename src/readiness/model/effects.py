"""Adjusted effects of the hand-off elements on winning (double machine learning).

What the rubric and the model's explanations call "the gain of collecting an
element" is, read off outcomes, an association: the leads whose memos carry a
confirmed budget are also the leads that were keener to begin with. Here each
element's effect is estimated with the interactive regression model of double
machine learning (DoubleML's `DoubleMLIRM`): treatment D = the element is
confirmed in the memo (`element_<key>_status` is filled), outcome Y = won, and
confounders X = what is known of the lead apart from the memo (behaviour and
intent signals, IS activity, firmographics, source, reps). Both nuisance models
(P(won | D, X) and P(D | X)) are LightGBM, cross-fitted.

Every element is reported beside its naive association (win rate filled minus
not filled), with DoubleML's robustness value (how strong, as partial R², an
unobserved confounder of both D and Y would have to be to bring the effect to
zero), and with an overlap verdict: when nearly every memo (or none) carries
the element, or many leads are all but certain to have it or not, the data
cannot tell its effect and none is given.

The estimate is causal only under the usual assumption that X holds every
common cause of filling the element and winning; the robustness value says how
far that assumption may fail before the conclusion changes.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.model_selection import StratifiedKFold

from readiness.fields import ELEMENT_KEYS

__all__ = [
    "ElementEffect",
    "ElementEffects",
    "confounder_columns",
    "estimate_element_effects",
    "is_robust",
    "stored_effects",
    "told_apart",
    "treatment_column",
]

# Ordinal status code of a confirmed ("filled") element (readiness.features.memo).
_FILLED: Final = 2.0
# Columns read from the memo or the rubric: never confounders, since they are
# the treatment itself or follow from it (the rubric total rises with it).
_MEMO_PREFIXES: Final = ("memo_", "element_", "rubric_")
# Toss-ups each cross-fitting fold needs in every won/lost × with/without group.
_MIN_CELL: Final = 5
_LGBM_DEFAULTS: Final[dict[str, Any]] = {
    "n_estimators": 150,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_child_samples": 40,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "n_jobs": 1,  # stack notes: threads cost far more than they give on 2 cores
    "verbose": -1,
}


def treatment_column(element: str) -> str:
    """The feature holding an element's status in the memo (0 … 2, 2 = filled)."""
    return f"element_{element}_status"


def confounder_columns(features: pd.DataFrame) -> list[str]:
    """Every feature not read from the memo or the rubric (nor the memo's text)."""
    return [c for c in features.columns if not str(c).startswith(_MEMO_PREFIXES)]


@dataclass(frozen=True)
class ElementEffect:
    """One element's adjusted effect on P(won), in probability (0.03 = 3 points).

    `effect`, `ci_low`, `ci_high`, `p_value` and `rv` are None when `can_tell`
    is False (`reason` says why; with an estimate it may carry a caveat);
    `naive` (the difference in win rates, memo with the element confirmed minus
    without) is given whenever both groups exist.
    """

    element: str
    can_tell: bool
    reason: str
    n: int
    share_filled: float
    naive: float | None
    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    std_error: float | None = None
    p_value: float | None = None
    # Robustness value: partial R² (with D and with Y) an unobserved confounder
    # needs to bring the effect to 0; `rv_alpha` to make it not significant.
    rv: float | None = None
    rv_alpha: float | None = None
    share_extreme_propensity: float | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class ElementEffects:
    """The adjusted effect of every element, with how it was estimated."""

    effects: tuple[ElementEffect, ...]
    n: int
    confounders: tuple[str, ...]
    n_folds: int
    seed: int
    adjusts_other_elements: bool
    sensitivity: Mapping[str, float] = field(default_factory=dict)

    def __getitem__(self, element: str) -> ElementEffect:
        for e in self.effects:
            if e.element == element:
                return e
        raise KeyError(f"{element!r} is not among {[e.element for e in self.effects]}")

    def to_frame(self) -> pd.DataFrame:
        """One row per element (None → NaN)."""
        rows = [asdict(e) for e in self.effects]
        frame = pd.DataFrame(rows)
        numeric = [c for c in frame.columns if c not in ("element", "reason")]
        for c in numeric:
            if c not in ("can_tell", "n"):
                frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (non-finite numbers become None)."""
        return {
            "n": self.n,
            "n_folds": self.n_folds,
            "seed": self.seed,
            "adjusts_other_elements": self.adjusts_other_elements,
            "confounders": list(self.confounders),
            "sensitivity": {k: _json_float(v) for k, v in self.sensitivity.items()},
            "elements": [
                {
                    k: _json_float(v) if isinstance(v, float) else v
                    for k, v in asdict(e).items()
                }
                for e in self.effects
            ],
        }


def told_apart(e: Mapping[str, Any] | ElementEffect) -> bool:
    """Estimable and its 95 % interval excludes zero."""
    d = asdict(e) if isinstance(e, ElementEffect) else e
    low, high = d.get("ci_low"), d.get("ci_high")
    if not d.get("can_tell") or low is None or high is None:
        return False
    return bool(low > 0 or high < 0)


def is_robust(e: Mapping[str, Any] | ElementEffect, min_rv: float) -> bool:
    """Told apart from zero, and a hidden cause would need a partial R² of at
    least `min_rv` with both filling and winning to erase it."""
    d = asdict(e) if isinstance(e, ElementEffect) else e
    rv = d.get("rv")
    return told_apart(d) and rv is not None and rv >= min_rv


def stored_effects(
    effects: ElementEffects, won: np.ndarray | pd.Series, *, min_rv: float
) -> dict[str, Any]:
    """What a model bundle keeps of the adjusted effects (`bundle.json`,
    `adjusted_effects`): per element its effect and interval in probability, the
    verdicts, and the training win rate the effects are turned into log-odds at."""
    full = effects.to_dict()
    keep = ("can_tell", "reason", "share_filled", "naive", "effect", "ci_low",
            "ci_high", "std_error", "rv")  # fmt: skip
    elements = {
        e["element"]: {
            **{k: e[k] for k in keep},
            "told": told_apart(e),
            "robust": is_robust(e, min_rv),
        }
        for e in full["elements"]
    }
    return {
        "method": "DoubleML IRM, LightGBM nuisances, cross-fitted",
        "n": full["n"],
        "n_folds": full["n_folds"],
        "base_rate": float(np.mean(np.asarray(won, dtype=np.float64))),
        "min_rv": min_rv,
        "elements": elements,
    }


def _json_float(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _encode(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric confounders for the learners: categories as ordinal codes (NaN for
    missing), booleans and numbers as float; the trees split codes as needed."""
    out = {}
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy().astype(np.float64)
            out[c] = np.where(codes < 0, np.nan, codes)
        elif pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            out[c] = pd.to_numeric(col, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        else:  # text: codes of its distinct values
            codes = pd.Categorical(col.astype("str")).codes.astype(np.float64)
            out[c] = np.where(col.isna().to_numpy(), np.nan, codes)
    return pd.DataFrame(out, index=frame.index)


def _learners(params: Mapping[str, Any] | None, seed: int) -> tuple[Any, Any]:
    from lightgbm import LGBMClassifier

    kw = {**_LGBM_DEFAULTS, **(params or {}), "random_state": seed}
    return LGBMClassifier(**kw), LGBMClassifier(**kw)


def estimate_element_effects(
    features: pd.DataFrame,
    won: pd.Series | np.ndarray,
    *,
    elements: Sequence[str] = ELEMENT_KEYS,
    n_folds: int = 5,
    seed: int = 0,
    adjust_other_elements: bool = True,
    trim: float = 0.02,
    max_extreme_share: float = 0.20,
    min_share: float = 0.03,
    learner_params: Mapping[str, Any] | None = None,
    cf_y: float = 0.03,
    cf_d: float = 0.03,
) -> ElementEffects:
    """The adjusted average effect of confirming each element on winning.

    `features` are toss-up features as `readiness.features.build.build_features`
    makes them; `won` is 0/1 in the same row order. With `adjust_other_elements`
    the other elements' confirmed flags join the confounders: elements are
    filled together by thorough reps, and without them one element's estimate
    carries the others' (they are parallel treatments, not its consequences).
    Propensities are clipped to [`trim`, 1 − `trim`]; an element filled in fewer
    than `min_share` or more than 1 − `min_share` of memos, or with more than
    `max_extreme_share` of propensities outside that band, gets no estimate.
    `cf_y` and `cf_d` set the confounding scenario of the sensitivity bounds.
    """
    from doubleml import DoubleMLData, DoubleMLIRM

    y = np.asarray(won, dtype=np.float64).reshape(-1)
    if len(y) != len(features):
        raise ValueError(f"won has {len(y)} values for {len(features)} feature rows")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("won must be 0/1 with no missing values")
    missing = [
        treatment_column(e) for e in elements if treatment_column(e) not in features
    ]
    if missing:
        raise ValueError(
            f"features lack the element status columns {missing}: build them with "
            "readiness.features.build.build_features"
        )
    if n_folds < 2:
        raise ValueError(f"n_folds must be at least 2, got {n_folds}")

    confounders = confounder_columns(features)
    x = _encode(features[confounders].reset_index(drop=True))
    x = x.loc[:, x.notna().any()]  # an all-missing column tells nothing
    # Confirmed flags of the elements asked about and of every other one present.
    treated = {
        e: (features[treatment_column(e)].to_numpy(dtype=np.float64) >= _FILLED).astype(
            np.float64
        )
        for e in dict.fromkeys([*elements, *ELEMENT_KEYS])
        if treatment_column(e) in features
    }
    n = len(y)
    results = []
    for e in elements:
        t0 = time.perf_counter()
        d = treated[e]
        share = float(d.mean()) if n else math.nan
        naive = float(y[d == 1].mean() - y[d == 0].mean()) if 0 < d.sum() < n else None
        base = ElementEffect(
            element=e, can_tell=False, reason="", n=n, share_filled=share, naive=naive
        )
        if not (min_share <= share <= 1 - min_share):
            results.append(
                replace(
                    base,
                    can_tell=False,
                    reason=f"confirmed in {share:.1%} of memos: too few on one side "
                    f"to compare (needs {min_share:.0%} … {1 - min_share:.0%})",
                    seconds=time.perf_counter() - t0,
                )
            )
            continue
        cells = min(
            int(((d == a) & (y == b)).sum()) for a in (0.0, 1.0) for b in (0.0, 1.0)
        )
        if cells < _MIN_CELL * n_folds:
            results.append(
                replace(
                    base,
                    reason=f"only {cells} toss-ups in the smallest group of won/lost "
                    "with/without the element: too few to compare (needs "
                    f"{_MIN_CELL * n_folds})",
                    seconds=time.perf_counter() - t0,
                )
            )
            continue
        frame = x.copy()
        if adjust_other_elements:
            for other, flag in treated.items():
                if other != e:
                    frame[f"other_{other}_confirmed"] = flag
        frame["_won"] = y
        frame["_d"] = d
        data = DoubleMLData(
            frame,
            y_col="_won",
            d_cols="_d",
            x_cols=[c for c in frame.columns if c not in ("_won", "_d")],
            force_all_x_finite="allow-nan",
        )
        ml_g, ml_m = _learners(learner_params, seed)
        model = DoubleMLIRM(
            data,
            ml_g=ml_g,
            ml_m=ml_m,
            n_folds=n_folds,
            ps_processor_config=_ps_config(trim),
            draw_sample_splitting=False,
        )
        # Folds drawn here, stratified by treatment and outcome and seeded, rather
        # than from numpy's global random state as DoubleML would.
        folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        model.set_sample_splitting(list(folds.split(frame, 2 * d + y)))
        with warnings.catch_warnings(record=True) as caught_fit:
            warnings.simplefilter("always")
            try:
                model.fit(store_predictions=True)
            except ValueError as exc:  # a fold the learners cannot fit
                results.append(
                    replace(
                        base,
                        reason=f"the estimator could not be fitted ({exc})",
                        seconds=time.perf_counter() - t0,
                    )
                )
                continue
        m_hat = np.asarray(model.predictions["ml_m"]).reshape(-1)
        extreme = float(np.mean((m_hat < trim) | (m_hat > 1 - trim)))
        if extreme > max_extreme_share:
            results.append(
                replace(
                    base,
                    can_tell=False,
                    reason=f"{extreme:.0%} of leads are all but certain to have the "
                    "element or not (propensity outside "
                    f"[{trim:g}, {1 - trim:g}]): too little overlap",
                    share_extreme_propensity=extreme,
                    seconds=time.perf_counter() - t0,
                )
            )
            continue
        # coef ± z·se is DoubleML's `confint()` for one treatment; computed here
        # because `confint` trips a pandas 3.1 deprecation (set_index inplace).
        coef, se = float(model.coef[0]), float(model.se[0])
        z = float(norm.ppf(0.975))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.sensitivity_analysis(cf_y=cf_y, cf_d=cf_d)
        # DoubleML falls back to a non-orthogonal Riesz representer when its
        # variance estimate is not positive (small or lopsided samples): say so.
        caught = [*caught_fit, *caught]
        fallback = [w for w in caught if "nu2" in str(w.message)]
        for w in caught:
            if w not in fallback:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        note = (
            "robustness value from DoubleML's non-orthogonal fallback (nu2 ≤ 0)"
            if fallback
            else ""
        )
        params = model.sensitivity_params
        results.append(
            replace(
                base,
                can_tell=True,
                reason=note,
                effect=coef,
                ci_low=coef - z * se,
                ci_high=coef + z * se,
                std_error=se,
                p_value=float(model.pval[0]),
                rv=float(np.asarray(params["rv"]).reshape(-1)[0]),
                rv_alpha=float(np.asarray(params["rva"]).reshape(-1)[0]),
                share_extreme_propensity=extreme,
                seconds=time.perf_counter() - t0,
            )
        )
    return ElementEffects(
        effects=tuple(results),
        n=n,
        confounders=tuple(x.columns),
        n_folds=n_folds,
        seed=seed,
        adjusts_other_elements=adjust_other_elements,
        sensitivity={"cf_y": cf_y, "cf_d": cf_d, "level": 0.95},
    )


def _ps_config(trim: float) -> Any:
    from doubleml.utils import PSProcessorConfig

    return PSProcessorConfig(clipping_threshold=trim)
