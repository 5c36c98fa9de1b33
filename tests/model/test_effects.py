"""Adjusted element effects: double ML recovers a known effect that the naive
difference in win rates overstates, refuses to answer without overlap, and runs on
real toss-up features."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from factory import Factory

from readiness.features.build import build_features, labelled_points
from readiness.fields import ELEMENT_KEYS
from readiness.model.effects import (
    ElementEffects,
    confounder_columns,
    estimate_element_effects,
)
from readiness.simulate.config import WorldConfig

FAST = {"n_estimators": 60}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _confounded(n: int = 3000, seed: int = 0, treat_shift: float = 0.0):
    """Intent drives both confirming the budget and winning; the budget adds a
    known amount. Returns (features, won, true average effect)."""
    rng = np.random.default_rng(seed)
    intent = rng.normal(size=n)
    noise = rng.normal(size=n)
    d = rng.random(n) < _sigmoid(treat_shift + 1.2 * intent)
    p1 = _sigmoid(-0.5 + 1.5 * intent + 0.8)
    p0 = _sigmoid(-0.5 + 1.5 * intent)
    won = (rng.random(n) < np.where(d, p1, p0)).astype(int)
    features = pd.DataFrame(
        {
            "intent_score": intent.astype(np.float32),
            "noise": noise.astype(np.float32),
            "industry": pd.Categorical(rng.choice(["it", "retail", "maker"], n)),
            # treated: filled (2); untreated: empty, not obtained or vague
            "element_budget_status": np.where(
                d, 2.0, rng.choice([0.0, 0.5, 1.0], n)
            ).astype(np.float32),
            # follows the treatment: must not be adjusted for
            "rubric_total": np.where(d, 30.0, 10.0).astype(np.float32),
        }
    )
    return features, pd.Series(won), float((p1 - p0).mean())


@pytest.fixture(scope="module")
def confounded_result() -> tuple[ElementEffects, float]:
    features, won, truth = _confounded()
    result = estimate_element_effects(
        features, won, elements=("budget",), learner_params=FAST
    )
    return result, truth


def test_adjusted_ci_covers_the_true_effect(confounded_result) -> None:
    result, truth = confounded_result
    budget = result["budget"]
    assert budget.can_tell
    assert budget.ci_low is not None and budget.ci_high is not None
    assert budget.ci_low <= truth <= budget.ci_high
    assert budget.p_value is not None and budget.p_value < 0.01
    assert budget.rv is not None and 0 < budget.rv < 1


def test_naive_difference_is_biased_by_the_confounder(confounded_result) -> None:
    result, truth = confounded_result
    budget = result["budget"]
    assert budget.naive is not None and budget.effect is not None
    # intent raises both: the naive gap is far above the truth and above the CI
    assert budget.naive > truth + 0.15
    assert budget.ci_high is not None and budget.naive > budget.ci_high
    assert abs(budget.effect - truth) < abs(budget.naive - truth)


def test_memo_and_rubric_columns_are_never_confounders() -> None:
    features, _, _ = _confounded(n=50)
    assert confounder_columns(features) == ["intent_score", "noise", "industry"]


def test_no_effect_is_given_when_nearly_every_memo_has_the_element() -> None:
    features, won, _ = _confounded(n=1000, treat_shift=6.0)
    share = float((features["element_budget_status"] == 2.0).mean())
    assert share > 0.97
    effect = estimate_element_effects(
        features, won, elements=("budget",), learner_params=FAST
    )["budget"]
    assert not effect.can_tell
    assert effect.effect is None and effect.ci_low is None and effect.rv is None
    assert "97%" in effect.reason or "too few" in effect.reason
    assert effect.share_filled == pytest.approx(share)


def test_no_effect_is_given_when_a_group_has_almost_no_wins_or_losses() -> None:
    features, won, _ = _confounded(n=600)
    filled = (features["element_budget_status"] == 2.0).to_numpy()
    won = won.where(~pd.Series(filled), 0)  # nobody with the element ever won
    won.iloc[np.flatnonzero(filled)[:3]] = 1  # … but three
    effect = estimate_element_effects(
        features, won, elements=("budget",), learner_params=FAST
    )["budget"]
    assert not effect.can_tell and effect.effect is None
    assert "smallest group" in effect.reason and "3 toss-ups" in effect.reason


def test_result_is_json_safe_and_tabular(confounded_result) -> None:
    result, _ = confounded_result
    payload = result.to_dict()
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload
    assert payload["elements"][0]["element"] == "budget"
    assert "rubric_total" not in payload["confounders"]
    frame = result.to_frame()
    assert list(frame["element"]) == ["budget"]
    assert {"effect", "ci_low", "ci_high", "p_value", "rv", "naive"} <= set(frame)


def test_won_must_match_the_rows() -> None:
    features, won, _ = _confounded(n=50)
    with pytest.raises(ValueError, match="won has"):
        estimate_element_effects(features, won.iloc[:10], elements=("budget",))


def test_runs_end_to_end_on_training_features(factory: Factory) -> None:
    dataset = factory.dataset(WorldConfig(n_leads=1500, seed=5))
    points = labelled_points(dataset)
    features = build_features(dataset, points)
    result = estimate_element_effects(
        features, points["won"], n_folds=3, learner_params=FAST
    )
    assert [e.element for e in result.effects] == list(ELEMENT_KEYS)
    assert result.n == len(points)
    assert not any(
        c.startswith(("memo_", "element_", "rubric_")) for c in result.confounders
    )
    for e in result.effects:
        assert 0.0 <= e.share_filled <= 1.0
        if e.can_tell:
            assert e.ci_low is not None and e.ci_high is not None
            assert e.ci_low <= (e.effect or 0.0) <= e.ci_high
        else:
            assert e.effect is None and e.reason
    json.dumps(result.to_dict(), allow_nan=False)
