"""The win-probability candidates and the baselines they are judged against.

`WinModel` is one predictor on the point-in-time features plus a character n-gram
summary of the Japanese memo: a regularised logistic regression (`trees=False`),
LightGBM, or LightGBM boosted from the logistic regression. Each is calibrated with
`CalibratedClassifierCV` — by default cross-fitted over the whole training period
(`ensemble=False`), or on a held-out latest slice. `RubricModel` is the rubric
total alone (the "calibrated rubric", also what a cold start serves) or the rubric
items. All follow the same contract, so everything is trained and reported
on the same split (`readiness.model.train` chooses what is served).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from readiness.model.linear import LinearBase
from readiness.model.matrix import TEXT_COLUMN, ModelMatrix, codes_array
from readiness.model.text import MemoTextEncoder

__all__ = [
    "RUBRIC_ITEMS",
    "RUBRIC_TOTAL",
    "LogOddsScorer",
    "Prepared",
    "RubricModel",
    "WinModel",
]

RUBRIC_TOTAL = "rubric_total"
RUBRIC_ITEMS = (
    "rubric_basics_points",
    "rubric_problem_points",
    "rubric_bant_points",
    "rubric_competition_points",
    "rubric_next_action_points",
)

Calibration = Literal["isotonic", "sigmoid"]


class Trees(Protocol):
    """What the scorer needs of fitted trees: LightGBM's `LGBMClassifier`, or
    the booster read back from its model text (`readiness.model.booster`)."""

    @property
    def booster_(self) -> lgb.Booster: ...


def _split_calibration(n: int, fraction: float) -> int:
    """Rows before this index fit the model; the later rows calibrate it."""
    cut = round(n * (1 - fraction))
    return max(1, min(n - 1, cut))


Base = Literal["none", "logistic"]


class LogOddsScorer(ClassifierMixin, BaseEstimator):
    """Linear base and/or trees on the design array; `decision_function` = log-odds.

    What calibration sees: `trees=False, base="logistic"` is the regularised
    logistic regression, `base="none"` plain LightGBM, `base="logistic"` LightGBM
    boosted from the logistic regression's log-odds (`init_score`). It follows the
    scikit-learn contract so `CalibratedClassifierCV` can cross-fit it.
    """

    def __init__(
        self,
        *,
        trees: bool = True,
        base: Base = "none",
        base_C: float = 0.3,
        categorical: tuple[int, ...] = (),
        n_estimators: int = 400,
        learning_rate: float = 0.03,
        num_leaves: int = 7,
        max_depth: int = 4,
        min_child_samples: int = 100,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        reg_lambda: float = 1.0,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.trees = trees
        self.base = base
        self.base_C = base_C
        self.categorical = categorical
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, design: Any, y: Any) -> LogOddsScorer:
        array = codes_array(design)
        y = np.asarray(y).astype(int)
        if self.base not in ("none", "logistic"):
            raise ValueError(f"base must be 'none' or 'logistic', not {self.base!r}")
        if not self.trees and self.base != "logistic":
            raise ValueError("a scorer without trees needs base='logistic'")
        self.base_: LinearBase | None = None
        init_score = None
        if self.base == "logistic":
            self.base_ = LinearBase(C=self.base_C).fit(
                array, y, categorical=list(self.categorical)
            )
            init_score = self.base_.decision_function(array)
        self.booster_: Trees | None = None
        if self.trees:
            self.booster_ = lgb.LGBMClassifier(
                n_estimators=self.n_estimators,
                learning_rate=self.learning_rate,
                num_leaves=self.num_leaves,
                max_depth=self.max_depth,
                min_child_samples=self.min_child_samples,
                subsample=self.subsample,
                subsample_freq=1,
                colsample_bytree=self.colsample_bytree,
                reg_lambda=self.reg_lambda,
                n_jobs=self.n_jobs,
                random_state=self.random_state,
                verbose=-1,
            ).fit(
                array,
                y,
                init_score=init_score,
                categorical_feature=list(self.categorical) or "auto",
            )
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, design: Any) -> np.ndarray:
        array = codes_array(design)
        raw = np.zeros(len(array))
        if self.booster_ is not None:
            raw += np.asarray(
                self.booster_.booster_.predict(
                    array, raw_score=True, num_threads=self.n_jobs
                )
            )
        if self.base_ is not None:
            raw += self.base_.decision_function(array)
        return raw

    def predict_proba(self, design: Any) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(design)))
        return np.column_stack([1.0 - p, p])

    def predict(self, design: Any) -> np.ndarray:
        return (self.decision_function(design) >= 0).astype(int)


Scheme = Literal["crossfit", "holdout"]


class _Recent:
    """A small, thread-safe LRU of a model's recent memo text components."""

    def __init__(self, size: int = 2_000) -> None:
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            got = self._items.get(text)
            if got is not None:
                self._items.move_to_end(text)
            return got

    def put(self, text: str, value: np.ndarray) -> None:
        value.setflags(write=False)
        with self._lock:
            self._items[text] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


# the recent memo text components of each fitted text encoder
_RECENT: weakref.WeakKeyDictionary[MemoTextEncoder, _Recent] = (
    weakref.WeakKeyDictionary()
)
_RECENT_LOCK = threading.Lock()


class Prepared:
    """The encoders learned from training rows and the design of those rows.

    Several candidates fitted on the same rows share them (`WinModel.fit(...,
    prepared=)`): the memo's TF-IDF and its design are most of a fit's
    preparation.
    """

    def __init__(self, X: pd.DataFrame, *, text_components: int) -> None:
        self.matrix = ModelMatrix.learn(X)
        text = X[TEXT_COLUMN] if TEXT_COLUMN in X else pd.Series([""] * len(X))
        # Unsupervised: the memo components are learned from every training row.
        self.text = MemoTextEncoder(n_components=text_components).fit(text)
        self.text_components = text_components
        self.n_rows = len(X)
        model = WinModel(text_components=text_components)
        model.matrix_, model.text_ = self.matrix, self.text
        self.design = model._design(X)

    def design_matrix(self, X: pd.DataFrame) -> np.ndarray:
        """`WinModel.design_matrix` for any model fitted with these encoders."""
        model = WinModel(text_components=self.text_components)
        model.matrix_, model.text_ = self.matrix, self.text
        return model.design_matrix(X)


class WinModel(ClassifierMixin, BaseEstimator):
    """LightGBM and/or a logistic regression + memo text components, calibrated.

    `trees=False` with `base="logistic"` is the regularised logistic regression;
    `trees=True` is LightGBM, boosted from it when `base="logistic"`. Calibration
    (`calibration_scheme`):

    - "crossfit" (default): out-of-fold log-odds over the whole training period
      (`calibration_folds` shuffled, stratified folds) fit the calibration map,
      and the served scorer is fitted on every row
      (`CalibratedClassifierCV(..., ensemble=False)`). The map then reflects the
      whole period's win rate, not the latest slice's, which may have drifted
      (a calibration slice at 14.8 % wins against a 9.6 % period made a model's
      mean probability 0.142).
    - "holdout": fitted on the earlier rows, calibrated on the latest
      `calibration_fraction` of them (`refit` then fits again on every row).

    Tree depth is bounded so per-feature contributions stay cheap.
    """

    def __init__(
        self,
        *,
        n_estimators: int = 400,
        learning_rate: float = 0.03,
        num_leaves: int = 7,
        max_depth: int = 4,
        min_child_samples: int = 100,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        reg_lambda: float = 1.0,
        text_components: int = 16,
        calibration: Calibration = "sigmoid",
        calibration_scheme: Scheme = "crossfit",
        calibration_folds: int = 3,
        calibration_fraction: float = 0.2,
        trees: bool = True,
        base: Base = "none",
        base_C: float = 0.3,
        refit: bool = False,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.text_components = text_components
        self.calibration = calibration
        self.calibration_scheme = calibration_scheme
        self.calibration_folds = calibration_folds
        self.calibration_fraction = calibration_fraction
        self.trees = trees
        self.base = base
        self.base_C = base_C
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state

    @property
    def kind(self) -> str:
        """The candidate's name: logistic, lightgbm or lightgbm_linear."""
        if not self.trees:
            return "logistic"
        return "lightgbm_linear" if self.base == "logistic" else "lightgbm"

    def _design(self, X: pd.DataFrame) -> pd.DataFrame:
        frame = self.matrix_.frame(X)
        comps = self._text(X)
        names = list(self.text_.get_feature_names_out())
        return pd.concat(
            [frame.reset_index(drop=True), pd.DataFrame(comps, columns=names)], axis=1
        )

    def _text(self, X: pd.DataFrame) -> np.ndarray:
        """Text components per row; each distinct memo is encoded once."""
        if TEXT_COLUMN not in X.columns:
            return self.text_.transform(pd.Series([""] * len(X)))
        texts = X[TEXT_COLUMN].fillna("").astype(str).to_numpy(dtype=object)
        unique, inverse = np.unique(texts, return_inverse=True)
        if len(unique) == len(texts):
            return self.text_.transform(pd.Series(texts))
        return self.text_.transform(pd.Series(unique))[inverse.reshape(-1)]

    def design_matrix(self, X: pd.DataFrame) -> np.ndarray:
        """The scorer's input as one float64 array (the fast path for scoring).

        Categories become their training codes (missing or unseen → NaN), exactly
        as LightGBM encodes a pandas frame; `predict_design` and
        `contributions_design` take it.
        """
        return np.hstack([self.matrix_.array(X), self._text(X).astype(np.float64)])

    def design_rows(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """`design_matrix` of feature rows given as {column: value} (a single
        lead's, built without a frame): the same numbers.

        A memo never changes once written, so the text components of the recent
        memos are kept (the page and a CRM score the same lead again and again);
        encoding one memo is most of a single lead's design cost."""
        texts = [str(row.get(TEXT_COLUMN) or "") for row in rows]
        comps = np.vstack([self._text_of(text) for text in texts]) if rows else None
        if comps is None:
            comps = np.zeros((0, len(self.text_.get_feature_names_out())))
        return np.hstack([self.matrix_.rows_array(rows), comps])

    def _text_of(self, text: str) -> np.ndarray:
        # beside the encoder, not in it: a model's state is what its artifact stores
        with _RECENT_LOCK:
            recent = _RECENT.get(self.text_)
            if recent is None:
                recent = _RECENT[self.text_] = _Recent()
        got = recent.get(text)
        if got is None:
            got = self.text_.transform(pd.Series([text]))[0].astype(np.float64)
            recent.put(text, got)
        return got

    def raw_design(self, design: np.ndarray) -> np.ndarray:
        """Uncalibrated log-odds per row of `design_matrix`: linear base + trees."""
        return self.scorer_.decision_function(design)

    def predict_design(self, design: np.ndarray) -> np.ndarray:
        """Calibrated win probability per row of `design_matrix`."""
        return np.asarray(self.calibrator_.predict(self.raw_design(design)))

    def contributions_design(self, design: np.ndarray) -> pd.DataFrame:
        """Per-feature log-odds contributions of `design_matrix` rows (+ bias)."""
        design = np.asarray(design, dtype=np.float64)
        raw = np.zeros((len(design), design.shape[1] + 1))
        if self.booster_model_ is not None:
            raw += np.asarray(
                self.booster_model_.booster_.predict(
                    design, pred_contrib=True, num_threads=self.n_jobs
                )
            )
        if self.base_model_ is not None:
            # The linear part decomposes per column too: the sum stays the log-odds.
            raw[:, :-1] += self.base_model_.contributions(design)
            raw[:, -1] += self.base_model_.intercept_
        return pd.DataFrame(raw, columns=[*self.design_columns_, "bias"])

    def fit(
        self, X: pd.DataFrame, y: Any, *, prepared: Prepared | None = None
    ) -> WinModel:
        """Fit on rows in time order; `prepared` (from the same rows) skips
        learning the encoders again."""
        y = np.asarray(y).astype(int)
        if len(np.unique(y)) < 2:
            raise ValueError("training needs both won and lost toss-ups")
        if prepared is None:
            prepared = Prepared(X, text_components=self.text_components)
        elif prepared.n_rows != len(X) or (
            prepared.text_components != self.text_components
        ):
            raise ValueError("`prepared` was built from other rows or settings")
        self.matrix_, self.text_ = prepared.matrix, prepared.text
        design = prepared.design
        array = codes_array(design)
        scorer = LogOddsScorer(
            trees=self.trees,
            base=self.base,
            base_C=self.base_C,
            categorical=tuple(
                i for i, c in enumerate(design.columns) if c in self.matrix_.categories
            ),
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            max_depth=self.max_depth,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        )
        minority = int(min(y.sum(), len(y) - y.sum()))
        folds = min(self.calibration_folds, minority)
        if self.calibration_scheme == "crossfit" and folds >= 2:
            self.calibrated_ = CalibratedClassifierCV(
                scorer,
                method=self.calibration,
                # Shuffled, stratified folds: each out-of-fold score comes from a
                # model of the same period. Contiguous blocks in time order made
                # every fold extrapolate across regimes on drifting data (bank
                # marketing): the map's slope turned negative, ROC-AUC 0.25.
                cv=StratifiedKFold(
                    n_splits=folds, shuffle=True, random_state=self.random_state
                ),
                ensemble=False,
            ).fit(array, y)
            self.scorer_ = self.calibrated_.calibrated_classifiers_[0].estimator
        elif self.calibration_scheme in ("crossfit", "holdout"):
            cut = _split_calibration(len(X), self.calibration_fraction)
            if len(np.unique(y[cut:])) < 2 or len(np.unique(y[:cut])) < 2:
                raise ValueError(
                    "the calibration slice (latest training toss-ups) or the rows "
                    "before it have only one class; more outcomes are needed"
                )
            scorer.fit(array[:cut], y[:cut])
            self.calibrated_ = CalibratedClassifierCV(
                FrozenEstimator(scorer), method=self.calibration
            ).fit(array[cut:], y[cut:])
            if self.refit:
                # In place, so the frozen calibrated wrapper scores the refit too.
                scorer.fit(array, y)
            self.scorer_ = scorer
        else:
            raise ValueError(
                "calibration_scheme must be 'crossfit' or 'holdout', not "
                f"{self.calibration_scheme!r}"
            )
        self.calibrator_ = self.calibrated_.calibrated_classifiers_[0].calibrators[0]
        self.booster_model_ = self.scorer_.booster_
        self.base_model_ = self.scorer_.base_
        self.classes_ = np.array([0, 1])
        self.feature_names_in_ = np.array(list(X.columns), dtype=object)
        self.design_columns_ = list(design.columns)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = self.predict_design(self.design_matrix(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per-feature log-odds contributions of the uncalibrated scorer (+ bias)."""
        out = self.contributions_design(self.design_matrix(X))
        out.index = X.index
        return out


class RubricModel(ClassifierMixin, BaseEstimator):
    """Logistic calibration of rubric points: the incumbent, expressed as a probability.

    With `columns=(rubric_total,)` this is the calibrated rubric a cold start serves;
    with the item columns it is the best linear use of the rubric's own parts.
    """

    def __init__(self, *, columns: tuple[str, ...] = (RUBRIC_TOTAL,)) -> None:
        self.columns = columns

    def fit(self, X: pd.DataFrame, y: Any) -> RubricModel:
        self.model_ = make_pipeline(
            SimpleImputer(strategy="constant", fill_value=0.0),
            StandardScaler(),
            LogisticRegression(C=1.0, max_iter=1000),
        ).fit(X[list(self.columns)].astype(float), np.asarray(y).astype(int))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(
            self.model_.predict_proba(X[list(self.columns)].astype(float))
        )

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)
