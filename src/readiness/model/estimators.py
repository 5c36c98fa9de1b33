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

from typing import Any, Literal

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

TEXT_COLUMN = "memo_text"
RUBRIC_TOTAL = "rubric_total"
RUBRIC_ITEMS = (
    "rubric_basics_points",
    "rubric_problem_points",
    "rubric_bant_points",
    "rubric_competition_points",
    "rubric_next_action_points",
)

Calibration = Literal["isotonic", "sigmoid"]


class MemoTextEncoder(TransformerMixin, BaseEstimator):
    """Character-bigram TF-IDF of the memo, reduced to a few dense components.

    Japanese has no spaces, so words are not tokens; character n-grams work
    without a tokenizer (stack notes). Bigrams over at most `max_fit_docs` memos
    keep it at ~0.2 ms a memo. A corpus too small to learn from yields zeros.
    """

    def __init__(
        self,
        *,
        n_components: int = 16,
        max_features: int = 5_000,
        max_fit_docs: int = 20_000,
    ) -> None:
        self.n_components = n_components
        self.max_features = max_features
        self.max_fit_docs = max_fit_docs

    def fit(self, texts: pd.Series, y: Any = None) -> MemoTextEncoder:
        docs = pd.Series(texts).fillna("").astype(str)
        if len(docs) > self.max_fit_docs:
            docs = docs.sample(self.max_fit_docs, random_state=0)
        self.vectorizer_: TfidfVectorizer | None = None
        self.svd_: TruncatedSVD | None = None
        if self.n_components <= 0 or (docs.str.len() > 0).sum() < 20:
            return self
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char",
            ngram_range=(2, 2),
            min_df=5,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            tfidf = self.vectorizer_.fit_transform(docs)
        except ValueError:  # every n-gram below min_df
            self.vectorizer_ = None
            return self
        k = min(self.n_components, tfidf.shape[1] - 1)
        if k < 1:
            self.vectorizer_ = None
            return self
        self.svd_ = TruncatedSVD(n_components=k, n_iter=3, random_state=0).fit(tfidf)
        return self

    def transform(self, texts: pd.Series) -> np.ndarray:
        docs = pd.Series(texts).fillna("").astype(str)
        out = np.zeros((len(docs), self.n_components), dtype=np.float32)
        if self.vectorizer_ is not None and self.svd_ is not None:
            reduced = self.svd_.transform(self.vectorizer_.transform(docs))
            out[:, : reduced.shape[1]] = reduced
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array([f"memo_text_svd_{i}" for i in range(self.n_components)])


def _split_calibration(n: int, fraction: float) -> int:
    """Rows before this index fit the model; the later rows calibrate it."""
    cut = round(n * (1 - fraction))
    return max(1, min(n - 1, cut))


class _Matrix:
    """Feature frame → model matrix: fixed columns, categories as in training."""

    def __init__(self, columns: list[str], categories: dict[str, list[str]]) -> None:
        self.columns = columns
        self.categories = categories

    @classmethod
    def learn(cls, X: pd.DataFrame) -> _Matrix:
        cats = {
            c: sorted(map(str, X[c].dropna().unique()))
            for c in X.columns
            if c != TEXT_COLUMN
            and (isinstance(X[c].dtype, pd.CategoricalDtype) or X[c].dtype == object)
        }
        cols = [c for c in X.columns if c != TEXT_COLUMN]
        return cls(cols, cats)

    def frame(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check(X)
        numeric = [c for c in self.columns if c not in self.categories]
        parts = X[numeric]
        if not all(pd.api.types.is_numeric_dtype(t) for t in parts.dtypes):
            parts = parts.apply(pd.to_numeric, errors="coerce")
        # One block conversion: per-column work dominated single-lead latency.
        out = pd.DataFrame(
            parts.to_numpy(dtype=np.float64, na_value=np.nan),
            columns=numeric,
            index=X.index,
        )
        for c, cats in self.categories.items():
            # Unseen categories become missing, which LightGBM treats as such.
            values = X[c].astype("string").astype(object)
            out[c] = pd.Categorical(values.where(values.isin(cats)), categories=cats)
        return out[self.columns]

    def array(self, X: pd.DataFrame) -> np.ndarray:
        """`frame` as float64, categories as their codes (missing or unseen → NaN)."""
        self._check(X)
        out = np.empty((len(X), len(self.columns)), dtype=np.float64)
        numeric = [i for i, c in enumerate(self.columns) if c not in self.categories]
        parts = X[[self.columns[i] for i in numeric]]
        if not all(pd.api.types.is_numeric_dtype(t) for t in parts.dtypes):
            parts = parts.apply(pd.to_numeric, errors="coerce")
        out[:, numeric] = parts.to_numpy(dtype=np.float64, na_value=np.nan)
        for i, c in enumerate(self.columns):
            if c in self.categories:
                out[:, i] = self._codes(c, X[c])
        return out

    def _codes(self, column: str, values: pd.Series) -> np.ndarray:
        """Training codes of a column's values as float (missing or unseen → NaN)."""
        table = {v: i for i, v in enumerate(self.categories[column])}
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Map the (few) categories, then index by code: no per-row strings.
            lookup = np.array(
                [table.get(str(v), -1) for v in values.cat.categories] + [-1],
                dtype=np.int64,
            )
            codes = lookup[values.cat.codes.to_numpy()]  # code -1 → the last, -1
        else:
            codes = np.array(
                [-1 if pd.isna(v) else table.get(str(v), -1) for v in values],
                dtype=np.int64,
            )
        return np.where(codes >= 0, codes, np.nan)

    def _check(self, X: pd.DataFrame) -> None:
        missing = [c for c in self.columns if c not in X.columns]
        if missing:
            raise ValueError(
                f"features missing from the input: {missing[:10]}"
                f"{' …' if len(missing) > 10 else ''}; build them with "
                "readiness.features.build.build_features"
            )


Base = Literal["none", "logistic"]


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
        numeric = np.flatnonzero(self.value_)
        self.numeric_ = (numeric, self.owner_[numeric])  # expanded, design column
        is_flag = ~self.value_ & np.isin(self.owner_, self.categorical_, invert=True)
        flags = np.flatnonzero(is_flag)
        self.flags_ = (flags, self.owner_[flags])
        self.sum_ = np.zeros((len(owner), d))  # expanded → design column totals
        self.sum_[np.arange(len(owner)), self.owner_] = 1.0
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


def _codes_array(design: pd.DataFrame | np.ndarray) -> np.ndarray:
    """A design frame (categories as in training) as the float64 design array."""
    if isinstance(design, np.ndarray):
        return design.astype(np.float64, copy=False)
    out = np.empty(design.shape, dtype=np.float64)
    for i, c in enumerate(design.columns):
        col = design[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()
            out[:, i] = np.where(codes >= 0, codes, np.nan)
        else:
            out[:, i] = col.to_numpy(dtype=np.float64, na_value=np.nan)
    return out


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
        array = _codes_array(design)
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
        self.booster_: lgb.LGBMClassifier | None = None
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
        array = _codes_array(design)
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


class Prepared:
    """The encoders learned from training rows and the design of those rows.

    Several candidates fitted on the same rows share them (`WinModel.fit(...,
    prepared=)`): the memo's TF-IDF and its design are most of a fit's
    preparation.
    """

    def __init__(self, X: pd.DataFrame, *, text_components: int) -> None:
        self.matrix = _Matrix.learn(X)
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
        array = _codes_array(design)
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
