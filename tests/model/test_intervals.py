"""The probability interval: around the probability, wider where data is thin,
kept in the bundle, optional for old bundles, in the table and the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factory import Factory

from readiness.data.contract import Dataset
from readiness.features.build import toss_up_points
from readiness.model.bundle import Bundle, load_bundle, save_bundle
from readiness.model.intervals import ProbabilityInterval, interval_coverage
from readiness.reports.evaluation import render_html
from readiness.scoring.results import SCORE_COLUMNS, score_table
from readiness.scoring.score import score_points

FIXTURES = Path(__file__).parents[1] / "fixtures" / "artifacts"


@pytest.fixture(scope="module")
def points(scoring_dataset: Dataset) -> pd.DataFrame:
    return toss_up_points(scoring_dataset).head(60)


def _world(n_dense: int, n_thin: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Calibrated scores: one segment with many toss-ups, one with a few."""
    rng = np.random.default_rng(seed)
    n = n_dense + n_thin
    p = rng.beta(2, 6, n)
    y = (rng.random(n) < p).astype(int)
    segment = np.array(["dense"] * n_dense + ["thin"] * n_thin, dtype=object)
    return p, y, segment


def test_every_score_has_an_interval_around_its_probability_within_0_and_1(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    scores = score_points(scoring_dataset, points, bundle=scoring_bundle)
    for s in scores:
        assert s.probability_low is not None and s.probability_high is not None
        assert 0.0 <= s.probability_low <= s.probability <= s.probability_high <= 1.0
    widths = [s.probability_high - s.probability_low for s in scores]  # type: ignore[operator]
    assert 0 < np.mean(widths) < 0.5


def test_a_thin_segment_gets_a_wider_interval_than_a_dense_one() -> None:
    p, y, segment = _world(3_000, 40)
    interval = ProbabilityInterval(segment="industry").fit(p, y, segment)
    grid = np.linspace(0.05, 0.6, 12)
    dense = np.subtract(*interval.predict(grid, ["dense"] * 12)[::-1])
    thin = np.subtract(*interval.predict(grid, ["thin"] * 12)[::-1])
    assert thin.mean() > 2 * dense.mean()
    low, high = interval.predict(grid, ["never seen"] * 12)
    assert np.all(low == 0.0) and np.all(high == 1.0)
    assert interval.segment_count("thin") == 40 and interval.segment_count("x") == 0


def test_a_missing_segment_is_a_segment_of_its_own() -> None:
    p, y, segment = _world(500, 0)
    segment[:200] = None
    interval = ProbabilityInterval().fit(p, y, segment)
    low, high = interval.predict(np.array([0.2, 0.2]), [None, float("nan")])
    assert low[0] == low[1] > 0.0 and high[0] == high[1] < 1.0


def test_the_interval_answers_the_same_after_save_and_load(
    scoring_bundle: Bundle,
    points: pd.DataFrame,
    scoring_dataset: Dataset,
    tmp_path: Path,
) -> None:
    loaded = load_bundle(save_bundle(scoring_bundle, tmp_path / "bundle"))
    assert isinstance(loaded.interval, ProbabilityInterval)
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert "interval.json" in manifest["files"]
    assert not any(name.endswith((".pkl", ".joblib")) for name in manifest["files"])
    a = score_table(score_points(scoring_dataset, points, bundle=scoring_bundle))
    b = score_table(score_points(scoring_dataset, points, bundle=loaded))
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_an_old_bundle_without_an_interval_loads_and_scores_with_none(
    scoring_dataset: Dataset, points: pd.DataFrame
) -> None:
    old = load_bundle(FIXTURES / "v3" / "model")
    assert old.interval is None
    scores = score_points(scoring_dataset, points.head(5), bundle=old)
    assert all(s.probability_low is s.probability_high is None for s in scores)
    assert all(s.to_dict()["probability_low"] is None for s in scores)
    table = score_table(scores)
    assert table["probability_low"].isna().all()
    assert table["probability_high"].isna().all()


def test_the_score_table_puts_the_interval_right_after_the_probability(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    cols = list(SCORE_COLUMNS)
    at = cols.index("probability")
    assert cols[at + 1 : at + 3] == ["probability_low", "probability_high"]
    table = score_table(score_points(scoring_dataset, points, bundle=scoring_bundle))
    assert list(table.columns) == cols
    assert table["probability_low"].dtype == np.float64
    assert (table["probability_low"] <= table["probability"]).all()
    assert (table["probability"] <= table["probability_high"]).all()


def test_coverage_checks_the_truth_when_known_and_the_segment_rate_otherwise() -> None:
    frame = pd.DataFrame(
        {
            "won": [1, 0, 0, 0, 1, 0],
            "p_model": [0.3] * 6,
            "p_model_low": [0.2] * 3 + [0.5] * 3,
            "p_model_high": [0.4] * 3 + [0.6] * 3,
            "segment": ["a"] * 3 + ["b"] * 3,
            "p_true": [0.25, 0.35, 0.9, 0.55, 0.1, 0.52],
        }
    )
    table = interval_coverage(frame).set_index("segment")
    assert table.loc["a", "coverage_truth"] == pytest.approx(2 / 3)
    assert table.loc["b", "coverage_truth"] == pytest.approx(2 / 3)
    assert table.loc["all", "n"] == 6
    assert bool(table.loc["a", "rate_inside"]) is True  # 1/3 in [0.2, 0.4]
    assert bool(table.loc["b", "rate_inside"]) is False  # 1/3 not in [0.5, 0.6]
    assert "coverage_truth" not in interval_coverage(frame.drop(columns="p_true"))
    assert interval_coverage(frame.drop(columns="p_model_low")).empty


def test_the_evaluation_report_shows_coverage_per_segment(factory: Factory) -> None:
    result = factory.trained("medium")
    assert result.interval is not None
    table = result.evaluation.intervals
    segments = set(result.test_frame["segment"])
    assert set(table["segment"]) == {"all", *segments}
    assert table.loc[table["segment"] == "all", "n"].item() == len(result.test_frame)
    assert result.evaluation.to_dict()["intervals"]
    page = render_html(result.evaluation, {}, title="t", meta={})
    assert '<section id="intervals">' in page
    assert "Probability intervals per segment" in page
    for segment in segments:
        assert segment in page


def test_the_interval_is_fitted_on_the_training_toss_ups_only(
    factory: Factory,
) -> None:
    result = factory.trained("medium")
    assert result.interval is not None
    assert result.interval.n_ == result.split["train_toss_ups"]
    assert int(result.interval.segment_counts_.sum()) == result.interval.n_
