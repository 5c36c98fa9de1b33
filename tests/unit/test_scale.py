"""`ScoreScale` puts win probabilities on the rubric's familiar 100-point scale by
quantile mapping, so today's band shares carry over, and grades the mapped points."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from readiness.model.scale import ScoreScale


def _history(n: int = 5_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Model probabilities and rubric totals of the same hand-offs (rubric discrete)."""
    rng = np.random.default_rng(seed)
    p = 1 / (1 + np.exp(-rng.normal(-1.4, 0.9, n)))
    totals = np.clip(np.round(rng.normal(66, 14, n)), 0, 100)
    return p, totals


def _band_shares(points: np.ndarray) -> np.ndarray:
    return np.array(
        [
            (points >= 80).mean(),
            ((points >= 60) & (points < 80)).mean(),
            (points < 60).mean(),
        ]
    )


def test_points_never_fall_as_the_probability_rises() -> None:
    p, totals = _history()
    scale = ScoreScale().fit(p, totals)
    grid = np.linspace(0, 1, 2_001)
    points = scale.to_points(grid)
    assert (np.diff(points) >= 0).all()
    assert points.min() >= 0 and points.max() <= 100


def test_band_shares_of_mapped_points_match_the_rubrics_own_on_the_fit_data() -> None:
    p, totals = _history()
    scale = ScoreScale().fit(p, totals)
    assert _band_shares(scale.to_points(p)) == pytest.approx(
        _band_shares(totals), abs=0.02
    )


def test_a_probability_that_ranks_like_an_85_point_memo_gets_about_85() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(10_000)
    totals = rng.random(10_000) * 100  # continuous: quantile q ↔ q * 100 points
    scale = ScoreScale().fit(p, totals)
    assert scale.to_points(np.quantile(p, 0.85)) == pytest.approx(85, abs=1.5)


def test_probabilities_beyond_the_fitted_range_are_clipped_to_the_ends() -> None:
    scale = ScoreScale().fit([0.2, 0.3, 0.4], [30, 50, 90])
    assert scale.to_points([0.0, 0.2, 0.4, 1.0]).tolist() == [30, 30, 90, 90]


def test_a_tied_probability_lands_in_the_middle_of_its_points() -> None:
    scale = ScoreScale().fit(np.full(100, 0.2), np.linspace(0, 100, 100))
    assert scale.to_points([0.1, 0.2, 0.3]).tolist() == [0, 50, 100]


def test_grades_follow_the_default_cutoffs() -> None:
    scale = ScoreScale()
    grades = scale.points_to_grade([100, 80, 79.9, 60, 40, 39.9, 0])
    assert grades.tolist() == ["A", "A", "B", "B", "C", "D", "D"]


def test_to_grade_grades_the_mapped_points_with_custom_cutoffs() -> None:
    p, totals = _history()
    scale = ScoreScale(grade_cutoffs={"高": 80, "標準": 60}, lowest_grade="要改善")
    scale.fit(p, totals)
    grades = scale.to_grade(p)
    shares = [(grades == g).mean() for g in ("高", "標準", "要改善")]
    assert shares == pytest.approx(_band_shares(totals).tolist(), abs=0.02)


def test_round_trip_through_json_gives_identical_points_and_grades() -> None:
    p, totals = _history()
    cutoffs = {"S": 90.0, "A": 75.0, "B": 50.0, "C": 25.0}
    scale = ScoreScale(grade_cutoffs=cutoffs, n_quantiles=51).fit(p, totals)
    again = ScoreScale.from_dict(json.loads(json.dumps(scale.to_dict())))
    assert again.get_params() == {
        "grade_cutoffs": cutoffs,
        "lowest_grade": "D",
        "n_quantiles": 51,
    }
    assert np.array_equal(again.to_points(p), scale.to_points(p))
    assert np.array_equal(again.to_grade(p), scale.to_grade(p))


def test_scale_follows_the_scikit_learn_contract() -> None:
    scale = ScoreScale(grade_cutoffs={"A": 70, "B": 50, "C": 30})
    assert clone(scale).get_params() == scale.get_params()
    assert not hasattr(scale, "p_quantiles_")
    p, totals = _history(n=200)
    assert scale.fit(p, totals) is scale
    assert len(scale.p_quantiles_) == len(scale.points_quantiles_) == 101
    with pytest.raises(NotFittedError):
        ScoreScale().to_points([0.5])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"grade_cutoffs": {"A": 60, "B": 80, "C": 40}}, "strictly decreasing"),
        ({"grade_cutoffs": {"A": 120, "B": 60}}, "within 0..100"),
        ({"grade_cutoffs": {"A": 80, "B": -5}}, "within 0..100"),
        ({"grade_cutoffs": {"A": 80, "B": 60}, "lowest_grade": "B"}, "distinct"),
        ({"grade_cutoffs": {}}, "must map each grade"),
        ({"grade_cutoffs": (80, 60, 40)}, "must map each grade"),
        ({"grade_cutoffs": {"A": "high"}}, "must be numbers"),
        ({"n_quantiles": 1}, "n_quantiles"),
    ],
)
def test_invalid_parameters_are_rejected_with_a_clear_message(
    params: dict[str, object], message: str
) -> None:
    p, totals = _history(n=50)
    with pytest.raises(ValueError, match=message):
        ScoreScale(**params).fit(p, totals)  # type: ignore[arg-type]


def test_nan_inputs_are_rejected_with_their_count() -> None:
    p, totals = _history(n=50)
    p[[3, 7]] = np.nan
    with pytest.raises(ValueError, match=r"p_model has 2 missing \(NaN\)"):
        ScoreScale().fit(p, totals)
    scale = ScoreScale().fit(*_history(n=50))
    with pytest.raises(ValueError, match="p has 1 missing"):
        scale.to_points([0.2, np.nan])


def test_out_of_range_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="rubric_total has 1 value"):
        ScoreScale().fit([0.1, 0.2], [50, 130])
    scale = ScoreScale().fit(*_history(n=50))
    with pytest.raises(ValueError, match="outside"):
        scale.to_points([1.5])


def test_from_dict_refuses_what_it_cannot_read() -> None:
    data = ScoreScale().fit(*_history(n=50)).to_dict()
    with pytest.raises(ValueError, match="schema_version 99"):
        ScoreScale.from_dict({**data, "schema_version": 99})
    with pytest.raises(ValueError, match="not a ScoreScale"):
        ScoreScale.from_dict({"kind": "something else"})
    with pytest.raises(ValueError, match="expected 101 quantiles"):
        ScoreScale.from_dict({**data, "p_quantiles": data["p_quantiles"][:-1]})
    with pytest.raises(ValueError, match="lacks 'n_fit'"):
        ScoreScale.from_dict({k: v for k, v in data.items() if k != "n_fit"})
