"""The win model's fast scoring path answers exactly as its pandas path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.model.estimators import WinModel
from readiness.model.matrix import TEXT_COLUMN

MEMOS = ("予算500万円、部長決裁", "課題は在庫管理の属人化", "", "競合A社と比較中")


def _frame(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    industry = rng.choice(["製造", "小売", "IT"], size=n)
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x.astype(np.float32),
            "y": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)).astype(
                np.float32
            ),
            "industry": pd.Categorical(industry),
            "rep": pd.Series(rng.choice(["佐藤", "鈴木", None], size=n), dtype="str"),
            TEXT_COLUMN: pd.Series(rng.choice(MEMOS, size=n), dtype="str"),
        }
    )
    logit = x + (industry == "IT") - 1
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, y


@pytest.fixture(scope="module")
def model() -> WinModel:
    X, y = _frame(3_000, 0)
    return WinModel(n_estimators=30, min_child_samples=20, text_components=2).fit(X, y)


def _frame_path(model: WinModel, X: pd.DataFrame) -> np.ndarray:
    return np.asarray(model.calibrated_.predict_proba(model._design(X)))[:, 1]


def test_probabilities_equal_the_pandas_path_with_unseen_and_missing_values(
    model: WinModel,
) -> None:
    X, _ = _frame(500, 1)
    X.loc[3, "rep"] = "新人"  # a rep the model never saw: missing, as LightGBM does
    X["industry"] = X["industry"].cat.add_categories(["農業"])
    X.loc[4, "industry"] = "農業"
    X.loc[5, "industry"] = np.nan
    X.loc[6, TEXT_COLUMN] = "見たことのない文面"
    np.testing.assert_array_equal(model.predict_proba(X)[:, 1], _frame_path(model, X))


def test_categories_given_as_text_or_in_another_order_score_the_same(
    model: WinModel,
) -> None:
    X, _ = _frame(200, 2)
    reordered = X.copy()
    reordered["industry"] = X["industry"].cat.reorder_categories(["IT", "小売", "製造"])
    as_text = X.copy()
    as_text["industry"] = X["industry"].astype("str")
    expected = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict_proba(reordered), expected)
    np.testing.assert_array_equal(model.predict_proba(as_text), expected)


def test_contributions_add_up_to_the_raw_log_odds(model: WinModel) -> None:
    X, _ = _frame(100, 3)
    contributions = model.contributions(X)
    raw = model.booster_model_.predict(model._design(X), raw_score=True)
    np.testing.assert_allclose(contributions.sum(axis=1), raw, atol=1e-9)
    assert list(contributions.index) == list(X.index)


@pytest.fixture(scope="module")
def boosted() -> WinModel:
    X, y = _frame(3_000, 0)
    return WinModel(
        n_estimators=30,
        min_child_samples=20,
        text_components=2,
        base="logistic",
        refit=True,
    ).fit(X, y)


def _unusual(seed: int) -> pd.DataFrame:
    X, _ = _frame(300, seed)
    X.loc[3, "rep"] = "新人"
    X["industry"] = X["industry"].cat.add_categories(["農業"])
    X.loc[4, "industry"] = "農業"
    X.loc[5, "industry"] = np.nan
    X.loc[6, "x"] = 1e6  # far beyond training: the linear part is clipped, not absurd
    return X


def test_linear_base_probabilities_equal_the_pandas_path(boosted: WinModel) -> None:
    X = _unusual(4)
    fast = boosted.predict_proba(X)[:, 1]
    np.testing.assert_allclose(fast, _frame_path(boosted, X), rtol=0, atol=1e-12)
    assert np.isfinite(fast).all() and ((fast > 0) & (fast < 1)).all()


def test_linear_base_contributions_add_up_to_base_plus_trees(
    boosted: WinModel,
) -> None:
    X = _unusual(5)
    contributions = boosted.contributions(X)
    design = boosted.design_matrix(X)
    trees = boosted.booster_model_.booster_.predict(design, raw_score=True)
    assert boosted.base_model_ is not None
    base = boosted.base_model_.decision_function(design)
    np.testing.assert_allclose(contributions.sum(axis=1), trees + base, atol=1e-9)
    assert list(contributions.columns) == [*boosted.design_columns_, "bias"]
    # The linear part is centred on the training rows: a feature's average
    # contribution is the trees' alone, and `x` (the true driver) carries weight.
    linear = pd.DataFrame(
        boosted.base_model_.contributions(boosted.design_matrix(_frame(3_000, 0)[0])),
        columns=boosted.design_columns_,
    )
    np.testing.assert_allclose(linear.mean(), 0.0, atol=1e-9)
    assert linear["x"].abs().mean() > linear["y"].abs().mean()


def test_linear_base_carries_a_trend_beyond_the_training_range() -> None:
    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(0, 1, 4_000))  # the driver rises over time
    y = (rng.random(4_000) < 1 / (1 + np.exp(-(6 * x - 3)))).astype(int)
    X = pd.DataFrame({"x": x})
    later = pd.DataFrame({"x": [1.0, 1.5, 2.0]})
    trees = WinModel(n_estimators=50, text_components=0).fit(X, y)
    linear = WinModel(n_estimators=50, text_components=0, base="logistic").fit(X, y)
    assert np.ptp(trees.predict_proba(later)[:, 1]) < 1e-9  # flat beyond the range
    assert np.all(np.diff(linear.predict_proba(later)[:, 1]) > 0)


@pytest.mark.parametrize("scheme", ["crossfit", "holdout"])
def test_categories_first_seen_in_the_latest_rows_are_known_levels(
    scheme: str,
) -> None:
    X, y = _frame(3_000, 8)
    X["industry"] = X["industry"].cat.add_categories(["農業"])
    X.loc[2_700:, "industry"] = "農業"  # only in the latest rows
    kwargs = {"n_estimators": 30, "min_child_samples": 20, "text_components": 0}
    model = WinModel(
        **kwargs, base="logistic", calibration_scheme=scheme, refit=True
    ).fit(X, y)
    assert "農業" in model.matrix_.categories["industry"]


def test_logistic_without_trees_is_a_calibrated_linear_model() -> None:
    X, y = _frame(3_000, 10)
    model = WinModel(trees=False, base="logistic", text_components=2).fit(X, y)
    assert model.kind == "logistic" and model.booster_model_ is None
    Xt, yt = _frame(1_000, 11)
    p = model.predict_proba(Xt)[:, 1]
    contributions = model.contributions(Xt)
    np.testing.assert_allclose(
        contributions.sum(axis=1), model.raw_design(model.design_matrix(Xt)), atol=1e-9
    )
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(yt, p) > 0.7


def test_crossfit_calibration_follows_the_whole_period_not_the_latest_slice() -> None:
    # The win rate of the latest fifth is twice the period's: a map fitted on that
    # slice alone (holdout) overstates the period's rate; cross-fitting does not.
    rng = np.random.default_rng(12)
    n = 6_000
    x = rng.normal(size=n)
    late = np.arange(n) >= int(0.8 * n)
    logit = x - 2.2 + 1.0 * late
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({"x": x.astype(np.float32)})
    kwargs = {"n_estimators": 40, "text_components": 0}
    crossfit = WinModel(**kwargs).fit(X, y)
    holdout = WinModel(**kwargs, calibration_scheme="holdout").fit(X, y)
    period = y.mean()
    assert abs(crossfit.predict_proba(X)[:, 1].mean() - period) < 0.01
    assert holdout.predict_proba(X)[:, 1].mean() - period > 0.03
