"""The linear base the trees start from: a regularised logistic regression."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

__all__ = ["LinearBase"]


class LinearBase(BaseEstimator):
    """Regularised logistic regression on the design matrix: where the trees start.

    Trees predict flat beyond the range they saw; a linear model carries a trend
    on (e.g. interest rates falling below anything in training). Boosting from its
    log-odds (LightGBM `init_score`) keeps that trend and lets the trees model what
    is not linear. Numeric columns are median-imputed (with a missing flag) and
    standardised; categories (training codes, missing or unseen → their own level)
    are one-hot (centred, not scaled), the `max_levels` most frequent kept and the
    rest pooled. Every
    expanded column is centred on the fit rows, so a feature's contribution is
    `coef · (z − mean)` summed over its columns and the intercept is the bias: the
    contributions add up exactly to `decision_function`. Standardised values are
    clipped at ±`clip` so one absurd input cannot dominate a score.
    """

    def __init__(
        self, *, C: float = 0.3, max_levels: int = 30, clip: float = 8.0
    ) -> None:
        self.C = C
        self.max_levels = max_levels
        self.clip = clip

    def fit(self, design: np.ndarray, y: Any, *, categorical: list[int]) -> LinearBase:
        design = np.asarray(design, dtype=np.float64)
        _, d = design.shape
        self.n_features_in_ = d
        self.categorical_ = list(categorical)
        self.medians_ = np.zeros(d)
        self.flag_ = np.zeros(d, dtype=bool)  # numeric columns with a missing flag
        # Per category: design column, first expanded column, code → slot, and
        # the slot of missing or unseen values (after the kept and pooled levels).
        self.levels_: list[tuple[int, int, np.ndarray, int]] = []
        owner: list[int] = []
        value: list[bool] = []  # numeric values (scaled) vs 0/1 indicators (not)
        for j in range(d):
            col = design[:, j]
            missing = np.isnan(col)
            if j in self.categorical_:
                codes, counts = np.unique(col[~missing], return_counts=True)
                keep = codes[np.argsort(-counts, kind="stable")[: self.max_levels]]
                size = int(np.nanmax(col)) + 1 if (~missing).any() else 0
                slot = np.full(size, len(keep), dtype=np.int64)  # pooled level
                slot[keep.astype(np.int64)] = np.arange(len(keep))
                self.levels_.append((j, len(owner), slot, len(keep) + 1))
                owner += [j] * (len(keep) + 2)  # kept, pooled, missing/unseen
                value += [False] * (len(keep) + 2)
            else:
                self.medians_[j] = (
                    float(np.median(col[~missing])) if (~missing).any() else 0.0
                )
                self.flag_[j] = bool(missing.any())
                owner += [j] * (1 + int(self.flag_[j]))
                value += [True] + [False] * int(self.flag_[j])
        self.owner_ = np.asarray(owner, dtype=np.int64)
        self.value_ = np.asarray(value, dtype=bool)
        self.derive()
        expanded = self._expand(design)
        self.mean_ = expanded.mean(axis=0)
        # Indicators are only centred: scaling a rare level up to unit variance
        # lets its coefficient run away (measured on the bank data: −0.04 AUC).
        scale = expanded.std(axis=0)
        self.scale_ = np.where(self.value_ & (scale > 0), scale, 1.0)
        z = self._standardise(expanded)
        # Newton-Cholesky: a few hundred standardised columns converge in ~4
        # iterations, 3× faster than lbfgs's ~100 (same optimum: the problem is
        # strictly convex).
        lr = LogisticRegression(C=self.C, max_iter=200, solver="newton-cholesky").fit(
            z, np.asarray(y).astype(int)
        )
        self.coef_ = lr.coef_[0].astype(np.float64)
        self.intercept_ = float(lr.intercept_[0])
        return self

    def derive(self) -> LinearBase:
        """The index arrays that follow from `owner_`, `value_` and `categorical_`
        (set again when a saved base is read back)."""
        numeric = np.flatnonzero(self.value_)
        self.numeric_ = (numeric, self.owner_[numeric])  # expanded, design column
        is_flag = ~self.value_ & np.isin(self.owner_, self.categorical_, invert=True)
        flags = np.flatnonzero(is_flag)
        self.flags_ = (flags, self.owner_[flags])
        n = len(self.owner_)
        self.sum_ = np.zeros((n, self.n_features_in_))  # expanded → design column
        self.sum_[np.arange(n), self.owner_] = 1.0
        return self

    def _expand(self, design: np.ndarray) -> np.ndarray:
        n = len(design)
        out = np.zeros((n, len(self.owner_)), dtype=np.float64)
        at, src = self.numeric_
        values = design[:, src]
        out[:, at] = np.where(np.isnan(values), self.medians_[src], values)
        at, src = self.flags_
        out[:, at] = np.isnan(design[:, src])
        rows = np.arange(n)
        for j, start, slot, missing_slot in self.levels_:
            col = design[:, j]
            codes = np.where(np.isnan(col), -1, col).astype(np.int64)
            known = (codes >= 0) & (codes < len(slot))
            where = np.full(n, missing_slot, dtype=np.int64)  # missing or unseen
            where[known] = slot[codes[known]]
            out[rows, start + where] = 1.0
        return out

    def _standardise(self, expanded: np.ndarray) -> np.ndarray:
        z = (expanded - self.mean_) / self.scale_
        return np.clip(z, -self.clip, self.clip)

    def contributions(self, design: np.ndarray) -> np.ndarray:
        """Log-odds per design column (rows × columns); the bias is `intercept_`."""
        terms = self._standardise(self._expand(np.asarray(design, dtype=np.float64)))
        terms *= self.coef_
        return np.asarray(terms @ self.sum_)

    def decision_function(self, design: np.ndarray) -> np.ndarray:
        return self.contributions(design).sum(axis=1) + self.intercept_
