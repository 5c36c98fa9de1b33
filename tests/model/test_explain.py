"""Explanations: factors in business terms, missing elements ranked and their gains."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.data.contract import Dataset
from readiness.features.build import build_features, toss_up_points
from readiness.fields import BANT_KEYS, ELEMENT_KEYS, fields_of_element
from readiness.model.bundle import Bundle
from readiness.model.estimators import WinModel
from readiness.model.explain import Counterfactual, element_effects
from readiness.rubric.score import score_memo
from readiness.scoring.reasons import adjusted_on_lead, rank_missing
from readiness.scoring.results import LeadScore
from readiness.scoring.score import score_points


@pytest.fixture(scope="module")
def points(scoring_dataset: Dataset) -> pd.DataFrame:
    return toss_up_points(scoring_dataset).tail(60).reset_index(drop=True)


@pytest.fixture(scope="module")
def scores(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> list[LeadScore]:
    return score_points(scoring_dataset, points, bundle=scoring_bundle)


def test_missing_elements_are_exactly_the_rubrics_vague_or_empty_ones_in_order(
    points: pd.DataFrame, scoring_bundle: Bundle, scores: list[LeadScore]
) -> None:
    for (_, point), score in zip(points.iterrows(), scores, strict=True):
        result = score_memo(
            point["memo"],
            rubric=scoring_bundle.rubric,
            reference_date=point["as_of"].date(),
        )
        expected = {m.key: (m.status, m.points) for m in result.missing}
        got = {m.element: (m.status, m.rubric_points) for m in score.missing}
        assert got == expected
        assert set(got) <= set(ELEMENT_KEYS)
        # the default order ("points"): robust adjusted effects, rubric points, gain
        keys = [
            (-(m.effect or 0.0) if m.effect_robust else 0.0, -m.rubric_points, -m.gain)
            for m in score.missing
        ]
        assert keys == sorted(keys)
        for m in score.missing:
            assert m.gain_method == "model"
            assert m.probability_if_collected == pytest.approx(
                score.probability + m.gain
            )
            assert m.question_ja.endswith("？") or m.question_ja.endswith("。")


def _collected(
    row: pd.DataFrame, key: str, points: float, scoring_bundle: Bundle
) -> pd.DataFrame:
    """The row with element `key` collected, built independently of explain.py."""
    out = row.copy()
    for f in fields_of_element(key):
        out[f"memo_{f.key}_status"] = np.float32(2)
    was = out[f"element_{key}_status"].iloc[0]
    out[f"element_{key}_status"] = np.float32(2)
    item = "bant" if key in BANT_KEYS else key  # the default rubric's items
    out[f"rubric_{item}_points"] += points
    out["rubric_total"] = min(100.0, out["rubric_total"].iloc[0] + points)
    if key in BANT_KEYS and was != 2:
        out["rubric_bant_confirmed"] += 1
    gate = scoring_bundle.rubric.gate
    bant_ok = out["rubric_bant_confirmed"].iloc[0] >= gate.min_bant_confirmed
    needs_ok = out["element_problem_status"].iloc[0] == 2
    meeting_ok = key == "next_action" or out["memo_meeting_agreed"].iloc[0] == 1
    total_ok = out["rubric_total"].iloc[0] >= gate.min_score
    out["rubric_gate_passed"] = float(bant_ok and needs_ok and meeting_ok and total_ok)
    if key == "problem":
        out["rubric_needs_signals"] = max(
            out["rubric_needs_signals"].iloc[0], gate.min_needs_signals
        )
    return out


def test_collecting_the_top_element_raises_p_by_about_the_reported_gain(
    scoring_dataset: Dataset,
    scoring_bundle: Bundle,
    points: pd.DataFrame,
    scores: list[LeadScore],
) -> None:
    features = build_features(scoring_dataset, points, rubric=scoring_bundle.rubric)
    checked = 0
    for i, score in enumerate(scores):
        if not score.missing:
            continue
        top = score.missing[0]
        row = _collected(
            features.iloc[[i]], top.element, top.rubric_points, scoring_bundle
        )
        p = float(scoring_bundle.predict(row)["probability"].iloc[0])
        # the lead's own change, blended with the element's average as documented
        effects = scoring_bundle.meta["element_effects"]
        measured = effects["elements"][top.element][top.status]
        average = measured["log_odds"]
        # an average of fewer than 20 toss-ups is not blended in (rank_missing)
        w = effects["own_weight"] if measured["n"] >= 20 else 1.0
        shift = w * (_logit(p) - _logit(score.probability)) + (1 - w) * average
        expected = 1 / (1 + np.exp(-(_logit(score.probability) + shift)))
        assert score.probability + top.gain == pytest.approx(expected, abs=0.005)
        checked += 1
    assert checked >= 20


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _plan(*pairs: tuple[str, str]) -> list[Counterfactual]:
    return [Counterfactual(0, key, status, 5.0) for key, status in pairs]


def test_a_leads_own_noisy_gain_is_shrunk_towards_the_elements_average() -> None:
    plan = _plan(("basics", "vague"), ("next_action", "empty"))
    p_now = np.array([0.2])
    p_if = np.array([0.26, 0.21])  # this lead's own: basics looks best
    effects = {
        "basics": {"vague": {"log_odds": 0.01, "n": 500.0}},
        "next_action": {"empty": {"log_odds": 0.5, "n": 500.0}},
    }
    (own,) = rank_missing(plan, p_now, p_if, 1)
    assert [m.element for m in own] == ["basics", "next_action"]
    assert own[0].gain == pytest.approx(0.06)
    (blended,) = rank_missing(plan, p_now, p_if, 1, effects=effects, own_weight=0.25)
    assert [m.element for m in blended] == ["next_action", "basics"]
    for m in blended:
        assert m.probability_if_collected == pytest.approx(0.2 + m.gain)
    # too few training counterfactuals: the lead's own change is kept
    thin = {"next_action": {"empty": {"log_odds": 0.5, "n": 3.0}}}
    (kept,) = rank_missing(plan, p_now, p_if, 1, effects=thin, own_weight=0.25)
    assert kept[1].gain == pytest.approx(0.01)


def test_element_effects_average_the_log_odds_change_per_element_and_status() -> None:
    plan = _plan(("budget", "empty"), ("budget", "empty"), ("budget", "vague"))
    p_now = np.array([0.5])
    p_if = 1 / (1 + np.exp(-np.array([0.2, 0.4, 0.1])))
    got = element_effects(plan, p_now, p_if)
    assert got["budget"]["empty"] == pytest.approx({"log_odds": 0.3, "n": 2.0})
    assert got["budget"]["vague"] == pytest.approx({"log_odds": 0.1, "n": 1.0})


def test_a_trained_bundle_carries_the_average_effect_of_each_element(
    scoring_bundle: Bundle,
) -> None:
    effects = scoring_bundle.meta["element_effects"]
    assert effects["own_weight"] == 0.25
    assert effects["toss_ups"] > 50
    assert set(effects["elements"]) <= set(ELEMENT_KEYS)
    assert len(effects["elements"]) >= 6
    for by_status in effects["elements"].values():
        assert set(by_status) <= {"vague", "not_obtained", "empty"}


def test_factors_have_business_labels_and_never_raw_component_names(
    scores: list[LeadScore],
) -> None:
    factors = [f for s in scores for f in (*s.positive, *s.negative)]
    assert factors
    for f in factors:
        assert not f.name.startswith("memo_text_svd_")
        assert f.label_ja and f.label_en and "_" not in f.label_en
        assert f.group and f.group != "other"
    for s in scores:
        assert len(s.positive) <= 3 and len(s.negative) <= 3
        assert all(f.contribution > 0 for f in s.positive)
        assert all(f.contribution < 0 for f in s.negative)
        assert [f.contribution for f in s.positive] == sorted(
            (f.contribution for f in s.positive), reverse=True
        )


def test_all_factors_and_the_bias_add_up_to_the_models_log_odds(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    """Grouping loses nothing: the memo's text components fold into one factor."""
    row = points.head(3)
    scores = score_points(scoring_dataset, row, bundle=scoring_bundle, top_k=10_000)
    assert isinstance(scoring_bundle.estimator, WinModel)
    raw = scoring_bundle.estimator.contributions(
        build_features(scoring_dataset, row, rubric=scoring_bundle.rubric)
    )
    for s, (_, r) in zip(scores, raw.iterrows(), strict=True):
        total = sum(f.contribution for f in (*s.positive, *s.negative))
        assert total + r["bias"] == pytest.approx(r.sum(), abs=1e-6)
        names = [f.name for f in (*s.positive, *s.negative)]
        wording = r[[c for c in r.index if c.startswith("memo_text_svd_")]].sum()
        if "memo_text" in names:
            f = next(f for f in (*s.positive, *s.negative) if f.name == "memo_text")
            assert f.contribution == pytest.approx(wording)
            assert f.label_en == "memo wording"


def test_a_pricing_feature_reads_as_the_business_says_it(
    scores: list[LeadScore],
) -> None:
    from readiness.features.build import feature_info

    info = feature_info("web_pricing_7d")
    assert "料金" in info.label_ja and "pricing" in info.label_en
    factor_labels = {
        f.name: f.label_en for s in scores for f in (*s.positive, *s.negative)
    }
    for name, label in factor_labels.items():
        if name != "memo_text":
            assert label == feature_info(name).label_en


def _adjusted(**elements: dict[str, object]) -> dict[str, object]:
    return {"base_rate": 0.2, "elements": elements}


def _effect(effect: float, low: float, high: float, rv: float) -> dict[str, object]:
    told = low > 0 or high < 0
    return {"can_tell": True, "effect": effect, "ci_low": low, "ci_high": high,
            "rv": rv, "told": told, "robust": told and rv >= 0.1}  # fmt: skip


def test_an_adjusted_effect_moves_a_lead_at_the_training_rate_by_itself() -> None:
    stored = _effect(0.05, 0.01, 0.09, 0.2)
    change, low, high = adjusted_on_lead(stored, 0.2, 0.2, 1.0) or (0, 0, 0)
    assert (change, low, high) == pytest.approx((0.05, 0.01, 0.09))
    # a lead far from the training rate moves by the same log-odds, less in points
    far, _, _ = adjusted_on_lead(stored, 0.2, 0.02, 1.0) or (0, 0, 0)
    assert 0 < far < 0.01
    # a vague element is partly known: half the log-odds (vague_fraction 0.5)
    half, _, _ = adjusted_on_lead(stored, 0.2, 0.2, 0.5) or (0, 0, 0)
    assert 0 < half < 0.05
    assert adjusted_on_lead({"can_tell": False, "effect": None}, 0.2, 0.2, 1.0) is None
    assert adjusted_on_lead(None, 0.2, 0.2, 1.0) is None


def test_the_three_explain_methods_order_the_same_elements_differently() -> None:
    plan = [
        Counterfactual(0, "budget", "empty", 7.5),
        Counterfactual(0, "competition", "empty", 20.0),
        Counterfactual(0, "next_action", "empty", 15.0),
    ]
    p_now = np.array([0.2])
    p_if = np.array([0.30, 0.21, 0.25])  # the model: budget best
    adjusted = _adjusted(
        budget=_effect(0.01, -0.02, 0.04, 0.01),  # not told apart from zero
        competition=_effect(0.002, -0.01, 0.014, 0.0),
        next_action=_effect(0.06, 0.03, 0.09, 0.2),  # robust
    )

    def order(method: str) -> list[str]:
        (row,) = rank_missing(
            plan,
            p_now,
            p_if,
            1,
            adjusted=adjusted,
            method=method,  # type: ignore[arg-type]
        )
        return [m.element for m in row]

    assert order("blend") == ["budget", "next_action", "competition"]
    assert order("adjusted") == ["next_action", "budget", "competition"]
    # robust first, then the rubric's points (competition 20 over budget 7.5)
    assert order("points") == ["next_action", "competition", "budget"]
    (row,) = rank_missing(plan, p_now, p_if, 1, adjusted=adjusted, method="adjusted")
    top = row[0]
    assert top.gain_method == "adjusted"
    assert top.gain == pytest.approx(0.06) and top.effect == pytest.approx(0.06)
    assert (top.effect_low, top.effect_high) == pytest.approx((0.03, 0.09))
    assert top.effect_told and top.effect_robust
    assert not row[1].effect_told and row[1].effect_low is not None
    (plain,) = rank_missing(plan, p_now, p_if, 1, method="points")
    assert all(m.effect is None and m.gain_method == "model" for m in plain)
    assert [m.element for m in plain] == ["competition", "next_action", "budget"]


def test_a_trained_bundle_carries_adjusted_effects_and_scores_show_them(
    scoring_bundle: Bundle, scores: list[LeadScore]
) -> None:
    adjusted = scoring_bundle.meta["adjusted_effects"]
    assert "skipped" not in adjusted, adjusted
    assert 0 < adjusted["base_rate"] < 1
    assert set(adjusted["elements"]) == set(ELEMENT_KEYS)
    for e in adjusted["elements"].values():
        if e["can_tell"]:
            assert e["ci_low"] <= e["effect"] <= e["ci_high"]
            assert e["told"] == (e["ci_low"] > 0 or e["ci_high"] < 0)
    shown = [m for s in scores for m in s.missing if m.effect is not None]
    assert shown
    for m in shown:
        assert m.effect_low is not None and m.effect_high is not None
        assert m.effect_low <= m.effect <= m.effect_high


def test_scoring_can_override_the_bundles_explain_method(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    blend = score_points(
        scoring_dataset, points, bundle=scoring_bundle, explain_method="blend"
    )
    for s in blend:
        gains = [m.gain for m in s.missing]
        assert gains == sorted(gains, reverse=True)
