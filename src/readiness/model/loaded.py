"""Fitted pieces as an artifact gives them back: no training wrapper, same answers.

A LightGBM model is read from its own model text into a `lightgbm.Booster`;
`SavedLightGBM` offers the few `LGBMClassifier`/`LGBMRegressor` methods readiness
calls on it. A sigmoid calibration is two numbers; `SigmoidCalibration` applies
them as scikit-learn's calibrator does.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
from scipy.special import expit

__all__ = ["SavedLightGBM", "SigmoidCalibration"]


class SavedLightGBM:
    """A LightGBM classifier or regressor read back from its model text.

    `predict_proba` and `predict` give what the sklearn wrapper gave: the
    wrapper only adds the thread count to the booster's own `predict`.
    """

    def __init__(self, booster: lgb.Booster, *, classifier: bool, n_jobs: int) -> None:
        self._booster = booster
        self.classifier = classifier
        self.n_jobs = n_jobs

    @property
    def booster_(self) -> lgb.Booster:
        return self._booster

    @property
    def n_features_in_(self) -> int:
        return int(self._booster.num_feature())

    def _raw(self, X: Any, **kwargs: Any) -> np.ndarray:
        return np.asarray(self._booster.predict(X, num_threads=self.n_jobs, **kwargs))

    def predict_proba(self, X: Any) -> np.ndarray:
        if not self.classifier:
            raise AttributeError("a LightGBM regressor has no predict_proba")
        p = self._raw(X)
        return np.vstack((1.0 - p, p)).transpose()

    def predict(self, X: Any, *, raw_score: bool = False) -> np.ndarray:
        if not self.classifier or raw_score:
            return self._raw(X, raw_score=raw_score)
        return (self.predict_proba(X)[:, 1] > 0.5).astype(np.int64)


class SigmoidCalibration:
    """Platt's map from log-odds to probability: `expit(-(a_ · T + b_))`."""

    def __init__(self, a: float, b: float) -> None:
        self.a_ = float(a)
        self.b_ = float(b)

    def predict(self, T: Any) -> np.ndarray:
        return np.asarray(expit(-(self.a_ * np.ravel(np.asarray(T)) + self.b_)))
