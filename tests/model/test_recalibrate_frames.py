"""The recalibration tables as frames agree with the result."""

from __future__ import annotations

import pandas as pd
import pytest

from readiness.data.contract import Dataset
from readiness.reports.recalibration_frames import (
    band_changes_frame,
    cutoffs_frame,
    heldout_bands_frame,
    memo_score_change,
    rescore_handoffs,
    weights_frame,
)
from readiness.rubric.config import BANDS, default_rubric
from readiness.rubric.recalibrate import (
    Recalibration,
    RecalibrationConfig,
    recalibrate,
    recalibrated_rubric,
)
from readiness.rubric.score import score_frame, score_memo


@pytest.fixture(scope="module")
def result(scoring_dataset: Dataset) -> Recalibration:
    return recalibrate(scoring_dataset, config=RecalibrationConfig(n_bootstrap=20))


def test_weights_frame_shows_the_articles_weights_next_to_the_recommended(
    result: Recalibration,
) -> None:
    frame = weights_frame(result)
    assert list(frame.index) == list(result.items)
    assert frame["current"].tolist() == [10, 25, 30, 20, 15]
    assert frame["recommended"].sum() == 100
    assert (frame["ci_low"] <= frame["ci_high"]).all()
    assert frame.loc["bant", "label_ja"] == default_rubric().label("bant")[0]


def test_band_tables_count_every_held_out_toss_up_once(result: Recalibration) -> None:
    matrix = band_changes_frame(result)
    assert list(matrix.index) == list(BANDS) == list(matrix.columns)
    total = int(matrix.to_numpy().sum())
    assert total == result.n_test
    diagonal = sum(int(matrix.loc[b, b]) for b in BANDS)
    assert total - diagonal == result.heldout["changed"]
    bands = heldout_bands_frame(result)
    assert bands["n_current"].sum() == bands["n_new"].sum() == result.n_test
    assert bands["n_new"].tolist() == matrix.sum(axis=0).tolist()
    assert bands["n_current"].tolist() == matrix.sum(axis=1).tolist()


def test_cutoffs_frame_names_the_chosen_bands(result: Recalibration) -> None:
    frame = cutoffs_frame(result)
    chosen = frame.loc[f"chosen ({result.bands_choice})"]
    assert (chosen["high"], chosen["standard"]) == result.bands
    assert (frame.loc["current", "high"], frame.loc["current", "standard"]) == (80, 60)


def test_rescoring_matches_the_scorer_and_an_unchanged_rubric_changes_nothing(
    scoring_dataset: Dataset, result: Recalibration
) -> None:
    old = default_rubric()
    handoffs = scoring_dataset.handoffs.head(300)
    new = recalibrated_rubric(old, result.weights, result.bands)
    rescored = rescore_handoffs(handoffs, old, new)
    direct = score_frame(handoffs, rubric=new)
    assert rescored["total_new"].tolist() == direct["total"].tolist()
    assert (
        rescored["band_changed"].tolist()
        == (rescored["band_old"].astype(str) != direct["band"].astype(str)).tolist()
    )
    same = recalibrated_rubric(
        old, {k: int(i.weight) for k, i in old.items.items()}, (80, 60)
    )
    unchanged = rescore_handoffs(handoffs, old, same)
    assert (unchanged["change"] == 0).all()
    assert not unchanged["band_changed"].any()


def test_memo_score_change_shows_both_rubrics_totals(
    scoring_dataset: Dataset, result: Recalibration
) -> None:
    old = default_rubric()
    new = recalibrated_rubric(old, result.weights, result.bands)
    row = scoring_dataset.handoffs.iloc[0]
    day = pd.Timestamp(row["tossed_up_at"]).date()
    frame = memo_score_change(row["memo"], old, new, reference_date=day)
    a = score_memo(row["memo"], rubric=old, reference_date=day)
    b = score_memo(row["memo"], rubric=new, reference_date=day)
    assert frame.loc["total / 合計", "old"] == f"{a.total:g}"
    assert frame.loc["total / 合計", "new"] == f"{b.total:g}"
    assert len(frame) == len(old.items) + 3
