"""The win model's fast scoring path answers exactly as its pandas path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.estimators import TEXT_COLUMN, WinModel

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
