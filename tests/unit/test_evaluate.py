"""Metrics judge win probabilities the way scikit-learn does where it can, add what
it lacks (ECE, tie-aware lift, paired bootstrap), and compare the model with the
100-point rubric per band, per score decile and where the two disagree most."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
)
from synthetic_handoffs import synthetic_handoffs

from readiness.model.evaluate import evaluate
from readiness.model.metrics import (
    _sorted_groups,
    _weighted_auc,
    classification_metrics,
    compare_predictors,
    expected_calibration_error,
    reliability_table,
)
from readiness.model.rubric_tables import band_table, decile_table, disagreements

PREDICTIONS = {
    "model": "p_model",
    "rubric_total": "p_rubric",
    "oracle": "p_true",
}


def handoffs(n: int = 600, seed: int = 0) -> pd.DataFrame:
    return synthetic_handoffs(n, seed=seed)


# --- calibration -------------------------------------------------------------------


def test_ece_of_perfectly_calibrated_draws_is_small() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(20_000)
    y = (rng.random(20_000) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.015
    assert expected_calibration_error(y, p, strategy="quantile") < 0.015


def test_ece_of_a_shifted_predictor_is_large() -> None:
    rng = np.random.default_rng(2)
    p = rng.random(20_000) * 0.7
    y = (rng.random(20_000) < p).astype(int)
    assert expected_calibration_error(y, p + 0.2) == pytest.approx(0.2, abs=0.02)


def test_ece_is_the_count_weighted_gap_per_bin() -> None:
    # bin 0.1–0.2: 4 rows at 0.15, 1 win (0.25 observed); bin 0.8–0.9: 1 row, won
    y = [1, 0, 0, 0, 1]
    p = [0.15, 0.15, 0.15, 0.15, 0.85]
    expected = (4 * abs(0.25 - 0.15) + 1 * abs(1 - 0.85)) / 5
    assert expected_calibration_error(y, p) == pytest.approx(expected)


def test_reliability_table_lists_non_empty_bins_with_counts() -> None:
    table = reliability_table([0, 1, 1, 0], [0.05, 0.05, 0.95, 1.0], n_bins=10)
    assert table.columns.tolist() == ["bin", "mean_p", "observed", "n"]
    assert table["bin"].tolist() == [0, 9]  # p = 1.0 belongs to the top bin
    assert table["n"].tolist() == [2, 2]
    assert table["observed"].tolist() == [0.5, 0.5]


def test_quantile_bins_hold_about_equal_counts() -> None:
    rng = np.random.default_rng(3)
    p = rng.beta(2, 8, 1_000)
    table = reliability_table(np.zeros(1_000), p, n_bins=5, strategy="quantile")
    assert table["n"].tolist() == [200] * 5


# --- metrics -----------------------------------------------------------------------


def test_metrics_match_sklearn_where_sklearn_has_them() -> None:
    frame = handoffs()
    y, p = frame["won"], frame["p_model"]
    m = classification_metrics(y, p)
    assert m["n"] == len(frame)
    assert m["base_rate"] == pytest.approx(y.mean())
    assert m["mean_p"] == pytest.approx(p.mean())
    assert m["roc_auc"] == pytest.approx(roc_auc_score(y, p))
    assert m["pr_auc"] == pytest.approx(average_precision_score(y, p))
    assert m["brier"] == pytest.approx(brier_score_loss(y, y_proba=p))
    assert m["log_loss"] == pytest.approx(log_loss(y, y_proba=p))


def test_lift_is_the_top_tenths_win_rate_over_the_base_rate() -> None:
    p = np.linspace(0.01, 0.99, 100)
    y = np.zeros(100, dtype=int)
    y[[99, 98, 97, 50, 10]] = 1  # 3 of the top 10 win; base rate 5 %
    assert classification_metrics(y, p)["lift_top_decile"] == pytest.approx(6.0)


def test_lift_counts_ties_at_the_cut_by_their_expected_share() -> None:
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 0] * 10)
    constant = np.full(100, 0.3)
    assert classification_metrics(y, constant)["lift_top_decile"] == pytest.approx(1)


def test_single_class_outcomes_give_nan_aucs_without_raising() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = classification_metrics(np.zeros(50), np.full(50, 0.2))
    assert math.isnan(m["roc_auc"]) and math.isnan(m["pr_auc"])
    assert math.isnan(m["lift_top_decile"])
    assert m["brier"] == pytest.approx(0.04)
    assert m["ece"] == pytest.approx(0.2)


def test_missing_probabilities_are_rejected_with_their_count() -> None:
    with pytest.raises(ValueError, match="2 missing"):
        classification_metrics([0, 1, 0], [0.1, np.nan, np.nan])


def test_outcomes_other_than_zero_and_one_are_rejected() -> None:
    with pytest.raises(ValueError, match="0/1"):
        classification_metrics([0, 2, 1], [0.1, 0.2, 0.3])


def test_probabilities_outside_zero_and_one_are_rejected() -> None:
    with pytest.raises(ValueError, match="outside"):
        classification_metrics([0, 1], [0.1, 1.2])


def test_weighted_auc_with_unit_weights_equals_sklearn_including_ties() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 300)
    p = np.round(rng.random(300), 1)  # many ties
    auc = _weighted_auc(y, *_sorted_groups(p), np.ones(300))
    assert auc == pytest.approx(roc_auc_score(y, p))


def test_paired_bootstrap_separates_a_real_gain_from_noise() -> None:
    frame = handoffs(n=2_000, seed=5)
    y = frame["won"]
    vs_rubric = compare_predictors(y, frame["p_true"], frame["p_rubric"], seed=1)
    assert 0 < vs_rubric["roc_auc_diff_low"] < vs_rubric["roc_auc_diff_high"]
    assert vs_rubric["brier_diff_high"] < 0
    vs_itself = compare_predictors(y, frame["p_model"], frame["p_model"], seed=1)
    assert vs_itself["roc_auc_diff_low"] == vs_itself["roc_auc_diff_high"] == 0


# --- tables against the rubric -----------------------------------------------------


def _five() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": ["a", "b", "c", "d", "e"],
            "won": [1, 0, 1, 0, 0],
            "rubric_total": [90, 85, 40, 82, 30],
            "band": ["high", "high", "needs_work", "high", "needs_work"],
            "p_model": [0.6, 0.3, 0.4, 0.2, 0.1],
            "p_rubric": [0.3, 0.3, 0.1, 0.3, 0.1],
        }
    )


def test_band_table_orders_bands_from_high_to_needs_work_with_counts() -> None:
    table = band_table(_five())
    assert table["band"].tolist() == ["high", "standard", "needs_work"]
    assert table["band_ja"].tolist() == ["高", "標準", "要改善"]
    assert table["n"].tolist() == [3, 0, 2]
    assert table["wins"].tolist() == [1, 0, 1]
    assert table["share"].tolist() == pytest.approx([0.6, 0.0, 0.4])
    high = table.iloc[0]
    assert high["observed"] == pytest.approx(1 / 3)
    assert high["p_rubric"] == pytest.approx(0.3)
    assert high["p_model"] == pytest.approx(1.1 / 3)
    assert math.isnan(table.iloc[1]["observed"])


def test_band_table_rejects_an_unknown_band() -> None:
    frame = _five().assign(band=["high", "top", "high", "high", "high"])
    with pytest.raises(ValueError, match="top"):
        band_table(frame)


def test_decile_table_keeps_equal_scores_in_one_decile_and_covers_every_row() -> None:
    frame = handoffs()
    table = decile_table(frame)
    assert table["n"].sum() == len(frame)
    assert table["decile"].is_monotonic_increasing
    assert (
        table["score_max"].to_numpy()[:-1] < table["score_min"].to_numpy()[1:]
    ).all()
    assert 8 <= len(table) <= 10


def test_disagreements_pick_the_largest_log_odds_gaps() -> None:
    frame = _five()
    top = disagreements(frame, k=2)
    # logit gaps: a 1.25, b 0, c 1.79, d −0.54, e 0
    assert top["lead_id"].tolist() == ["c", "a"]
    assert top.columns.tolist() == [
        "lead_id",
        "rubric_total",
        "band",
        "p_model",
        "p_rubric",
        "won",
        "logit_gap",
    ]
    assert (top["logit_gap"] > 0).all()


# --- the whole evaluation ----------------------------------------------------------


def test_evaluate_judges_every_predictor_and_leaves_the_frame_alone() -> None:
    frame = handoffs()
    before = frame.copy()
    ev = evaluate(frame, predictions=PREDICTIONS, n_bootstrap=50)
    pd.testing.assert_frame_equal(frame, before)
    assert ev.predictors == ("model", "rubric_total", "oracle")
    assert set(ev.metrics) == set(ev.reliability) == set(ev.roc) == set(PREDICTIONS)
    assert set(ev.comparisons) == {"rubric_total", "oracle"}
    assert ev.reference == "rubric_total"
    assert ev.n == len(frame)
    assert ev.period == ("2026-04-01", "2026-08-28")
    assert len(ev.disagreements) == 20
    assert ev.bands["p_rubric"].notna().all()


def test_evaluation_dict_is_strict_json() -> None:
    ev = evaluate(handoffs(), predictions=PREDICTIONS, n_bootstrap=20)
    text = json.dumps(ev.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["metrics"]["model"]["roc_auc"] == round(
        ev.metrics["model"]["roc_auc"], 6
    )
    assert [b["band"] for b in data["bands"]] == ["high", "standard", "needs_work"]


def test_headline_names_every_predictor_and_the_comparison() -> None:
    ev = evaluate(handoffs(), predictions=PREDICTIONS, n_bootstrap=20)
    text = ev.headline()
    for name in PREDICTIONS:
        assert name in text
    assert "model vs rubric_total (rubric, also the strongest baseline" in text
    assert "ROC-AUC +" in text


def test_evaluate_without_the_rubric_still_reports_the_model() -> None:
    ev = evaluate(handoffs(), predictions={"model": "p_model"})
    assert ev.reference is None and not ev.comparisons
    assert ev.disagreements.empty
    assert ev.bands["p_rubric"].isna().all()
    json.dumps(ev.to_dict(), allow_nan=False)


def test_evaluate_of_all_lost_hand_offs_does_not_raise() -> None:
    frame = handoffs(n=80).assign(won=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev = evaluate(frame, predictions=PREDICTIONS, n_bootstrap=10)
    assert math.isnan(ev.metrics["model"]["roc_auc"])
    assert ev.roc["model"].empty
    json.dumps(ev.to_dict(), allow_nan=False)


def test_evaluate_names_a_missing_column_and_an_unknown_primary() -> None:
    frame = handoffs(n=20)
    with pytest.raises(ValueError, match="p_logistic"):
        evaluate(frame, predictions={"model": "p_model", "logistic": "p_logistic"})
    with pytest.raises(ValueError, match="primary 'lgbm'"):
        evaluate(frame, predictions={"model": "p_model"}, primary="lgbm")


def test_evaluate_names_the_column_with_missing_probabilities() -> None:
    frame = handoffs(n=20)
    frame.loc[[1, 2, 3], "p_model"] = np.nan
    with pytest.raises(ValueError, match=r"'p_model'.* 3 missing"):
        evaluate(frame, predictions={"model": "p_model"})


# --- the strongest baseline, a constant rubric, in-sample figures --------------------


def _rivals(n: int = 800) -> pd.DataFrame:
    """The model, a weaker and a stronger baseline, and the rubric."""
    frame = handoffs(n=n)
    rng = np.random.default_rng(7)
    noisy = np.clip(frame["p_model"] + rng.normal(0, 0.15, n), 0.01, 0.99)
    frame["p_weak"] = noisy
    frame["p_strong"] = 0.5 * frame["p_model"] + 0.5 * frame["p_true"]
    return frame


RIVALS = {
    "model": "p_model",
    "rubric_total": "p_rubric",
    "logistic": "p_weak",
    "lightgbm_not_served": "p_strong",
    "oracle": "p_true",
}


def test_strongest_baseline_is_the_lowest_log_loss_but_never_the_oracle() -> None:
    ev = evaluate(_rivals(), predictions=RIVALS, n_bootstrap=0)
    rivals = ("rubric_total", "logistic", "lightgbm_not_served")
    lowest = min(rivals, key=lambda name: ev.metrics[name]["log_loss"])
    assert ev.metrics["oracle"]["log_loss"] < ev.metrics[lowest]["log_loss"]
    assert ev.strongest_baseline() == lowest == "lightgbm_not_served"
    assert ev.strongest_baseline(metric="brier") == min(
        rivals, key=lambda name: ev.metrics[name]["brier"]
    )
    assert ev.to_dict()["strongest_baseline"] == lowest
    text = ev.headline()
    assert "model vs lightgbm_not_served (strongest baseline: lowest log loss)" in text
    assert "model vs rubric_total (rubric)" in text


def test_strongest_baseline_skips_a_copy_of_the_primary_and_needs_a_rival() -> None:
    frame = _rivals().assign(p_strong=lambda f: f["p_model"])
    ev = evaluate(frame, predictions=RIVALS, n_bootstrap=0)
    assert ev.same_as_primary == ("lightgbm_not_served",)
    assert ev.strongest_baseline() in ("rubric_total", "logistic")
    alone = evaluate(frame, predictions={"model": "p_model", "oracle": "p_true"})
    assert alone.strongest_baseline() is None


def test_a_constant_rubric_is_uninformative_and_no_baseline() -> None:
    frame = _rivals().assign(rubric_total=0.0, band="needs_work", p_rubric=0.08)
    ev = evaluate(frame, predictions=RIVALS, n_bootstrap=0)
    assert not ev.rubric_informative and ev.rubric is None
    assert ev.rubric_constant == 0.0
    assert ev.strongest_baseline() == "lightgbm_not_served"
    text = ev.headline()
    assert "model vs rubric_total" not in text
    assert "same rubric total (0 points; no memos?)" in text
    # varying totals with a constant calibrated probability rank nothing either
    flat = evaluate(_rivals().assign(p_rubric=0.2), predictions=RIVALS, n_bootstrap=0)
    assert not flat.rubric_informative and flat.rubric_constant is None


def test_probability_deciles_follow_the_primary_not_the_rubric() -> None:
    frame = _rivals(n=1_000).assign(rubric_total=0.0, band="needs_work")
    ev = evaluate(frame, predictions=RIVALS, n_bootstrap=0)
    assert len(ev.deciles) == 1  # a constant rubric: one decile
    table = ev.model_deciles
    assert table["decile"].tolist() == list(range(1, 11))
    assert table["n"].sum() == 1_000 and (table["n"] == 100).all()
    assert (table["p_min"].diff().dropna() > 0).all()
    assert table["observed"].iloc[-1] > table["observed"].iloc[0]
    flat = evaluate(frame.assign(p_model=0.3), predictions={"model": "p_model"})
    assert len(flat.model_deciles) == 1


def test_in_sample_figures_are_labelled_in_the_headline_and_json() -> None:
    ev = evaluate(handoffs(), predictions=PREDICTIONS, n_bootstrap=0, in_sample=450)
    assert ev.headline().startswith("IN-SAMPLE: 450 of these 600 hand-offs")
    assert ev.to_dict()["in_sample"] == 450
    honest = evaluate(handoffs(), predictions=PREDICTIONS, n_bootstrap=0)
    assert "IN-SAMPLE" not in honest.headline()
    with pytest.raises(ValueError, match="in_sample"):
        evaluate(handoffs(), predictions=PREDICTIONS, in_sample=601)
