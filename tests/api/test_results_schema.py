"""One result type per concept: the library's results, their JSON, the API's
response models and the batch columns all have the same fields."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from pydantic import ValidationError

from api.schemas import ScoreOut, TimingOut
from readiness.rubric.score import RubricItem
from readiness.scoring.results import (
    SCORE_COLUMNS,
    Factor,
    LeadScore,
    MissingElement,
    TimingAdvice,
    score_table,
)

FACTOR = Factor(
    name="x_age",
    group="extra",
    label_ja="年齢",
    label_en="age",
    value=41.0,
    contribution=0.25,
)
MISSING = MissingElement(
    element="budget",
    label_ja="予算",
    label_en="budget",
    status="vague",
    gain=0.04,
    probability_if_collected=0.35,
    rubric_points=6.0,
    question_ja="予算は？",
    question_en="What is the budget?",
)
SCORE = LeadScore(
    lead_id="L1",
    as_of=datetime(2026, 10, 30, 18, 0),
    probability=0.31,
    points=55.0,
    grade="C",
    rubric_total=62.0,
    rubric_band="standard",
    rubric_band_ja="標準",
    rubric_band_en="standard",
    gate_passed=False,
    gate_failures=(("BANTが不足", "BANT is short"),),
    rubric_items=(RubricItem("bant", "BANT", "BANT", 18.0, 30.0),),
    positive=(FACTOR,),
    negative=(),
    missing=(MISSING,),
    served="model",
    warnings=("memo: note",),
)
ADVICE = TimingAdvice(
    lead_id="L1",
    as_of=datetime(2026, 10, 30, 18, 0),
    action="keep_nurturing",
    action_ja="育成を継続",
    action_en="keep nurturing",
    probability=0.31,
    expected_change=0.02,
    lookahead_days=14,
    next_element=MISSING,
    reasons=(("理由", "reason"),),
    warnings=(),
)


def _names(result: type) -> list[str]:
    return [f.name for f in dataclasses.fields(result)]


def test_the_api_score_and_timing_answers_have_the_library_results_fields() -> None:
    assert list(ScoreOut.model_fields) == [*_names(LeadScore), "timing"]
    assert list(TimingOut.model_fields) == _names(TimingAdvice)


def test_a_score_as_json_validates_as_the_api_answer_unchanged() -> None:
    data = SCORE.to_dict()
    assert list(data) == _names(LeadScore)
    assert data["as_of"] == "2026-10-30T18:00:00"
    assert data["gate_failures"] == [{"ja": "BANTが不足", "en": "BANT is short"}]
    assert data["positive"] == [dataclasses.asdict(FACTOR)]
    out = ScoreOut.model_validate(data).model_dump(mode="json", exclude={"timing"})
    assert out == data


def test_a_missing_element_status_is_one_of_three() -> None:
    for status in ("vague", "not_obtained", "empty"):
        missing = dataclasses.replace(MISSING, status=status)  # type: ignore[arg-type]
        data = dataclasses.replace(SCORE, missing=(missing,)).to_dict()
        out = ScoreOut.model_validate(data).model_dump(mode="json", exclude={"timing"})
        assert out["missing"][0]["status"] == status
    data = dataclasses.replace(
        SCORE,
        missing=(dataclasses.replace(MISSING, status="filled"),),  # type: ignore[arg-type]
    ).to_dict()
    with pytest.raises(ValidationError):
        ScoreOut.model_validate(data)


def test_timing_advice_as_json_validates_as_the_api_answer_unchanged() -> None:
    data = ADVICE.to_dict()
    assert data["reasons"] == [{"ja": "理由", "en": "reason"}]
    assert data["next_element"] == dataclasses.asdict(MISSING)
    assert TimingOut.model_validate(data).model_dump(mode="json") == data


def test_batch_columns_come_from_the_score_type_also_when_empty() -> None:
    assert list(score_table([SCORE]).columns) == list(SCORE_COLUMNS)
    empty = score_table([])
    assert list(empty.columns) == list(SCORE_COLUMNS)
    assert str(empty["probability"].dtype) == "float64"
    row = score_table([SCORE]).iloc[0]
    assert row["top_missing"] == "budget (+0.040)"
    assert row["top_factors"] == "age (+0.250)"
