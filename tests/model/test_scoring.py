"""The one scoring function: a lead from plain mappings, batches, one predict call,
explain on demand, a rubric-served bundle, clear input errors, no look-ahead."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from readiness.data.contract import Dataset
from readiness.features.build import (
    build_features,
    rubric_item_names,
    toss_up_points,
)
from readiness.model.bundle import Bundle
from readiness.model.explain import counterfactual_edits, edited_rows, read_memos
from readiness.scoring.lead import lead_dataset
from readiness.scoring.results import LeadScore
from readiness.scoring.score import ScoringInputError, score_points


@pytest.fixture(scope="module")
def points(scoring_dataset: Dataset) -> pd.DataFrame:
    return toss_up_points(scoring_dataset).tail(40).reset_index(drop=True)


def _one_lead(
    scoring_dataset: Dataset, lead_id: str
) -> tuple[dict[str, Any], list[dict]]:
    lead = (
        scoring_dataset.leads[scoring_dataset.leads["lead_id"] == lead_id]
        .iloc[0]
        .to_dict()
    )
    lead = {k: (None if pd.isna(v) else v) for k, v in lead.items()}
    lead["created_at"] = lead["created_at"].isoformat()
    events = scoring_dataset.events[scoring_dataset.events["lead_id"] == lead_id]
    rows = [
        {"timestamp": t.isoformat(), "type": kind, "detail": detail}
        for t, kind, detail in zip(
            events["timestamp"], events["type"], events["detail"], strict=True
        )
    ]
    return lead, [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in rows]


def test_one_lead_given_as_dicts_scores_like_the_same_row_of_a_batch(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    row = points.iloc[[0]].reset_index(drop=True)
    lead, events = _one_lead(scoring_dataset, row["lead_id"].iloc[0])
    single = lead_dataset({**lead, "lead_id": None}, events, lead_id="web-1")
    one_point = row.assign(lead_id="web-1")
    [alone] = score_points(single, one_point, bundle=scoring_bundle)
    [in_batch] = score_points(scoring_dataset, row, bundle=scoring_bundle)
    assert alone.lead_id == "web-1"
    assert alone.probability == pytest.approx(in_batch.probability, abs=1e-9)
    assert alone.rubric_total == in_batch.rubric_total
    assert [m.element for m in alone.missing] == [m.element for m in in_batch.missing]


def test_every_point_gets_one_score_in_the_same_order(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    shuffled = points.sample(frac=1.0, random_state=1)
    scores = score_points(scoring_dataset, shuffled, bundle=scoring_bundle)
    assert [s.lead_id for s in scores] == shuffled["lead_id"].tolist()
    assert all(isinstance(s, LeadScore) and 0 < s.probability < 1 for s in scores)
    assert all(s.grade in ("A", "B", "C", "D") for s in scores)
    features = build_features(scoring_dataset, shuffled, rubric=scoring_bundle.rubric)
    expected = scoring_bundle.predict(features)["probability"].to_numpy()
    np.testing.assert_allclose([s.probability for s in scores], expected)


def test_rows_and_all_their_counterfactuals_go_through_a_single_predict_call(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    calls: list[tuple[int, int, int]] = []
    original = scoring_bundle.score

    def counting(
        features: pd.DataFrame,
        *,
        contributions_for: Any = (),
        counterfactuals: Any = (),
    ) -> Any:
        calls.append((len(features), len(counterfactuals), len(contributions_for)))
        return original(
            features,
            contributions_for=contributions_for,
            counterfactuals=counterfactuals,
        )

    spy = replace(scoring_bundle)
    object.__setattr__(spy, "score", counting)
    scores = score_points(scoring_dataset, points, bundle=spy)
    n_missing = sum(len(s.missing) for s in scores)
    assert n_missing > len(points)
    # one call: every row and counterfactual, contributions for the rows only
    assert calls == [(len(points), n_missing, len(points))]


def test_counterfactuals_edited_in_the_model_matrix_equal_edited_feature_rows(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    """The fast path (edit matrix rows) answers exactly as building the rows."""
    rubric = scoring_bundle.rubric
    features = build_features(scoring_dataset, points, rubric=rubric)
    features = features.reset_index(drop=True)
    as_of = pd.Series(pd.to_datetime(points["as_of"])).reset_index(drop=True)
    reads, _ = read_memos(points["memo"].tolist(), as_of, rubric)
    names = rubric_item_names(rubric)
    plan, edits = counterfactual_edits(
        features, reads, range(len(points)), rubric=rubric, item_names=names
    )
    pairs = list(zip([c.row for c in plan], edits, strict=True))
    fast = scoring_bundle.score(features, counterfactuals=pairs).predictions
    frame = pd.concat([features, edited_rows(features, pairs)], ignore_index=True)
    slow = scoring_bundle.predict(frame)
    assert len(plan) > len(points)
    np.testing.assert_array_equal(fast["probability"], slow["probability"])


def test_explain_false_skips_contributions_and_counterfactuals(
    scoring_dataset: Dataset,
    scoring_bundle: Bundle,
    points: pd.DataFrame,
    monkeypatch: Any,
) -> None:
    estimator = scoring_bundle.estimator

    def fail(_x: Any) -> pd.DataFrame:
        raise AssertionError("contributions computed for an unexplained row")

    monkeypatch.setattr(estimator, "contributions_design", fail)
    scores = score_points(scoring_dataset, points, bundle=scoring_bundle, explain=False)
    assert all(not s.positive and not s.negative and not s.missing for s in scores)
    assert all(s.rubric_items for s in scores)  # the rubric view is always there
    monkeypatch.undo()
    flags = [i % 2 == 0 for i in range(len(points))]
    mixed = score_points(scoring_dataset, points, bundle=scoring_bundle, explain=flags)
    assert all(
        bool(s.positive or s.negative) == f for s, f in zip(mixed, flags, strict=True)
    )


def test_a_rubric_served_bundle_scores_and_explains_with_rubric_items(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    rubric_bundle = replace(
        scoring_bundle,
        estimator=scoring_bundle.rubric_model,
        meta={**scoring_bundle.meta, "served": "rubric"},
    )
    scores = score_points(scoring_dataset, points, bundle=rubric_bundle)
    s = next(s for s in scores if len(s.missing) >= 2)
    assert s.served == "rubric"
    assert any("rubric" in w for w in s.warnings)
    factors = [*s.positive, *s.negative]
    assert factors and all(f.group == "rubric" for f in factors)
    assert all("点満点" in f.label_ja for f in factors)
    # more rubric points can only raise a calibrated rubric's probability
    assert all(m.gain >= 0 for m in s.missing)
    # ordered by the rubric's points, then the gain (explain_method "points")
    keys = [(-m.rubric_points, -m.gain) for m in s.missing]
    assert keys == sorted(keys)


def test_bad_lead_input_raises_one_error_listing_every_problem() -> None:
    lead = {
        "company_name": "株式会社テスト",
        "industry": "製造業",
        "region": "東京都",
        "lead_source": "seminar",
        "contact_role": "boss",
        "employees": "abc",
        "annual_revenue": float("nan"),
    }
    events = [
        {"timestamp": "2026-01-05 10:00", "type": "web_visit", "detail": "pricing"},
        {"timestamp": "next tuesday", "type": "web_visit"},
    ]
    with pytest.raises(ScoringInputError) as caught:
        lead_dataset(lead, events)
    problems = caught.value.problems
    assert isinstance(caught.value, ValueError)
    paths = [p.split(":")[0] for p in problems]
    assert paths == [
        "lead.annual_revenue",
        "lead.employees",
        "lead.contact_role",
        "events[1].timestamp",
    ]
    assert "decision_maker, influencer, staff" in problems[2]
    assert "NaN" in problems[0]
    # each said in Japanese too, at the same path, with the same fix
    japanese = caught.value.problems_ja
    assert [str(p).split(":")[0] for p in japanese] == paths
    assert "decision_maker, influencer, staff" in str(japanese[2])
    assert str(japanese[0]).endswith(
        "NaN は値ではありません。項目を省くか null を送ってください"
    )
    assert "日時として読めません" in str(japanese[3])


def test_a_blank_lead_id_is_one_problem_not_one_per_event() -> None:
    lead = {
        "lead_id": "  ",
        "company_name": "A社",
        "industry": "小売",
        "region": "大阪府",
        "lead_source": "ad",
    }
    events = [
        {"timestamp": f"2026-01-0{d} 09:00", "type": "email_open"} for d in (1, 2)
    ]
    with pytest.raises(ScoringInputError) as caught:
        lead_dataset(lead, events)
    assert caught.value.problems == (
        "lead.lead_id: blank; give the lead's id or leave it out",
    )
    (japanese,) = caught.value.problems_ja
    assert japanese is not None and japanese.startswith("lead.lead_id: 空白だけです")


def test_unknown_fields_are_named_with_a_guess() -> None:
    with pytest.raises(ScoringInputError, match="did you mean 'contact_role'"):
        lead_dataset(
            {
                "company_name": "A社",
                "industry": "小売",
                "region": "大阪府",
                "lead_source": "ad",
                "contact_rol": "staff",
                "created_at": "2026-01-01",
            },
            [],
        )


def test_created_at_defaults_to_the_earliest_event() -> None:
    lead = {"company_name": "A", "industry": "IT", "region": "東京都"}
    events = [
        {"timestamp": "2026-02-01 09:00", "type": "email_open"},
        {"timestamp": "2026-01-15 09:00", "type": "web_visit", "detail": "blog"},
    ]
    ds = lead_dataset({**lead, "lead_source": "download"}, events)
    assert ds.leads["created_at"].iloc[0] == pd.Timestamp("2026-01-15 09:00")
    assert len(ds.events) == 2


def test_points_without_a_usable_as_of_raise_scoring_input_error(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    bad = points.head(2).assign(as_of=["2026-01-01", "not a date"])
    with pytest.raises(ScoringInputError, match=r"points\[1\]\.as_of"):
        score_points(scoring_dataset, bad, bundle=scoring_bundle)


def test_an_event_after_as_of_changes_nothing(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    row = points.iloc[[1]].reset_index(drop=True)
    lead, events = _one_lead(scoring_dataset, row["lead_id"].iloc[0])
    later = row["as_of"].iloc[0] + pd.Timedelta(minutes=1)
    extra = [
        {"timestamp": later.isoformat(), "type": kind, "detail": "pricing"}
        for kind in ("web_visit", "form_submission", "is_call_connected")
    ]
    [before] = score_points(lead_dataset(lead, events), row, bundle=scoring_bundle)
    [after] = score_points(
        lead_dataset(lead, events + extra), row, bundle=scoring_bundle
    )
    assert after.probability == before.probability
    assert after.positive == before.positive and after.missing == before.missing


def test_a_score_serialises_to_json(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    [score] = score_points(scoring_dataset, points.head(1), bundle=scoring_bundle)
    data = json.loads(json.dumps(score.to_dict(), allow_nan=False, ensure_ascii=False))
    assert data["lead_id"] == score.lead_id
    assert all(set(g) == {"ja", "en"} for g in data["gate_failures"])
    assert {"question_ja", "gain"} <= set(data["missing"][0])


def test_a_lead_not_in_the_data_is_scored_with_a_warning(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    stranger = points.head(1).assign(lead_id="nobody")
    [score] = score_points(scoring_dataset, stranger, bundle=scoring_bundle)
    assert 0 < score.probability < 1
    assert "not in the data" in score.warnings[0]


def test_tz_aware_as_of_is_read_as_tokyo_time(
    scoring_dataset: Dataset, scoring_bundle: Bundle, points: pd.DataFrame
) -> None:
    row = points.head(1)
    aware = row.assign(
        as_of=row["as_of"].dt.tz_localize("Asia/Tokyo").dt.tz_convert("UTC")
    )
    [a] = score_points(scoring_dataset, aware, bundle=scoring_bundle, explain=False)
    [b] = score_points(scoring_dataset, row, bundle=scoring_bundle, explain=False)
    assert a.as_of == b.as_of and a.probability == b.probability


@pytest.mark.parametrize("kind", ["logistic", "lightgbm_linear"])
def test_whatever_candidate_is_served_scores_explains_and_counterfactuals(
    scoring_dataset: Dataset, points: pd.DataFrame, kind: str
) -> None:
    from readiness.model.bundle import bundle_from_result
    from readiness.model.config import TrainConfig
    from readiness.model.train import train

    config = TrainConfig(
        n_estimators=40, text_components=4, min_toss_ups=300, candidates=(kind,)
    )
    result = train(scoring_dataset, config=config)
    assert result.predictor == kind, result.reason
    bundle = bundle_from_result(result, data_fingerprint="t", commit=None)
    assert bundle.predictor == kind
    scores = score_points(scoring_dataset, points.head(15), bundle=bundle)
    assert len(scores) == 15
    assert all(0 < s.probability < 1 for s in scores)
    # contributions exist for any learned predictor: factors for and against
    assert any(s.positive or s.negative for s in scores)
    lacking = [m for s in scores for m in s.missing]
    assert lacking, "memos of the world leave elements to collect"
    assert all(np.isfinite(m.gain) for m in lacking)
