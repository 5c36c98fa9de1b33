"""The single-lead path (no frames) against the contract and the batch path.

`single_lead` must accept and refuse exactly what `lead_dataset` does, with the
same problems, and type an accepted lead to the same values; `score_lead` must
give every lead of a world the score `score_points` gives it in a batch.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd
import pytest

from api.schemas import ScoreIn
from readiness.data.contract import Dataset
from readiness.data.single import SingleLead, single_from_dataset
from readiness.features.build import toss_up_points
from readiness.model.bundle import Bundle
from readiness.scoring.lead import lead_dataset, lead_request, single_lead
from readiness.scoring.score import ScoringInputError, score_lead, score_points

BASE: dict[str, Any] = {
    "lead_id": "L1",
    "company_name": "株式会社テスト",
    "industry": "製造業",
    "employees": 120.0,
    "annual_revenue": 3500.5,
    "region": "東京都",
    "contact_title": "情報システム部 部長",
    "contact_role": "decision_maker",
    "lead_source": "seminar",
    "created_at": datetime(2026, 1, 5, 9, 30),
}
EVENTS: list[dict[str, Any]] = [
    {"timestamp": datetime(2026, 1, 6, 10), "type": "web_visit", "detail": "pricing"},
    {"timestamp": datetime(2026, 1, 8, 11), "type": "email_open"},
    {"timestamp": datetime(2026, 1, 9, 12), "type": "is_call", "detail": "不在"},
]
AS_OF = datetime(2026, 2, 1, 9)


def _with(**changes: Any) -> dict[str, Any]:
    lead = {**BASE, **changes}
    return {k: v for k, v in lead.items() if v is not _DROP}


_DROP = object()  # a key left out of the request


def _event(i: int, **changes: Any) -> list[dict[str, Any]]:
    events = [dict(e) for e in EVENTS]
    events[i] = {k: v for k, v in {**events[i], **changes}.items() if v is not _DROP}
    return events


# Every check of the contract (tests/data/test_contract.py) a single lead can
# meet, each as it comes typed (API) and as text (a CSV export, a Python caller),
# and the lead_dataset cases of tests/model/test_scoring.py.
# id → (lead, events, declared extra columns)
CASES: dict[str, tuple[Any, Any, dict[str, Any]]] = {
    # a valid lead, typed and as text
    "valid_typed": (_with(), EVENTS, {}),
    "valid_text": (
        _with(employees="1,200", annual_revenue="¥3,500", created_at="2026/1/5 9:30"),
        _event(0, timestamp="2026-01-06T10:00:00+09:00"),
        {},
    ),
    "valid_only_required": (
        _with(
            employees=_DROP,
            annual_revenue=_DROP,
            contact_title=_DROP,
            contact_role=_DROP,
        ),
        [],
        {},
    ),
    "events_mixing_times_and_text": (
        _with(),
        _event(1, timestamp="2026/01/08 11:00"),
        {},
    ),
    "excel_serial_and_yyyymmdd_times": (
        _with(created_at=46027.5),
        _event(2, timestamp="20260109"),
        {},
    ),
    "japanese_era_date": (_with(created_at="令和8年1月5日"), EVENTS, {}),
    "timezone_aware_time": (
        _with(created_at=pd.Timestamp("2026-01-05T00:30:00Z")),
        EVENTS,
        {},
    ),
    "nanosecond_time": (
        _with(created_at=pd.Timestamp("2026-01-05 09:30:00.000000001")),
        EVENTS,
        {},
    ),
    # test_non_numeric_employees_is_a_wrong_type_error
    "non_numeric_employees": (_with(employees="abc"), EVENTS, {}),
    "boolean_employees": (_with(employees=True), EVENTS, {}),
    # test_fractional_employees_is_not_a_whole_number
    "fractional_employees": (_with(employees=12.5), EVENTS, {}),
    "fractional_employees_text": (_with(employees="12.5"), EVENTS, {}),
    # test_invalid_category_lists_the_allowed_values
    "invalid_contact_role": (_with(contact_role="boss"), EVENTS, {}),
    "invalid_event_type": (_with(), _event(1, type="phone"), {}),
    "numeric_category": (_with(lead_source=3.0), EVENTS, {}),
    # test_categories_ignore_case_and_surrounding_spaces
    "category_case_and_spaces": (
        _with(lead_source="  Seminar ", contact_role="STAFF"),
        _event(0, type=" Web_Visit "),
        {},
    ),
    "full_width_category": (_with(lead_source="ｓｅｍｉｎａｒ"), EVENTS, {}),
    # test_empty_lead_id_is_reported (a blank id is said once, for the lead)
    "blank_lead_id": (_with(lead_id="  "), EVENTS, {}),
    "numeric_lead_id": (_with(lead_id=12.0), EVENTS, {}),
    "event_of_another_lead": (_with(), _event(0, lead_id="L2"), {}),
    "event_of_this_lead": (_with(), _event(0, lead_id="L1"), {}),
    # test_unparsable_timestamp_is_reported
    "unparsable_created_at": (_with(created_at="next tuesday"), EVENTS, {}),
    "unparsable_event_times": (
        _with(),
        [*_event(0, timestamp="yesterday"), {"timestamp": "?", "type": "is_mail"}],
        {},
    ),
    "numeric_event_time_alone": (_with(), _event(0, timestamp=20260106.0), {}),
    # test_negative_numbers_are_reported
    "negative_employees": (_with(employees=-3.0), EVENTS, {}),
    "negative_revenue_text": (_with(annual_revenue="-1"), EVENTS, {}),
    # test_missing_required_value_is_reported / a missing required column
    "missing_company_name": (_with(company_name=None), EVENTS, {}),
    "blank_industry": (_with(industry="   "), EVENTS, {}),
    "absent_region": (_with(region=_DROP), EVENTS, {}),
    "absent_lead_source": (_with(lead_source=_DROP), EVENTS, {}),
    "event_without_type": (_with(), _event(1, type=None), {}),
    "event_without_time": (_with(), _event(1, timestamp=_DROP), {}),
    # created_at: defaults to the earliest event, or as_of; else a problem
    "created_at_from_events": (_with(created_at=_DROP), EVENTS, {}),
    "created_at_from_as_of": (_with(created_at=_DROP), [], {}),
    # warnings only (test_duplicated_events_and_odd_page_categories_are_warnings,
    # test_implausible_years_are_a_warning, test_events_more_than_a_year_after_...)
    "duplicated_event_and_odd_page": (
        _with(),
        [*EVENTS, EVENTS[0], {**EVENTS[1], "type": "web_visit", "detail": "careers"}],
        {},
    ),
    "implausible_year": (_with(created_at=datetime(1985, 1, 1)), EVENTS, {}),
    "event_years_later": (_with(), _event(2, timestamp=datetime(2029, 1, 1)), {}),
    # test_declared_extra_columns_are_typed_and_kept
    "declared_extras_typed": (
        _with(attributes={"age": 41.0, "job": " technician ", "loan": "はい"}),
        EVENTS,
        {"age": "numeric", "job": "category", "loan": "boolean"},
    ),
    "declared_extras_as_text": (
        _with(attributes={"age": "1,041", "job": 7.0, "loan": 1.0}),
        EVENTS,
        {"age": "numeric", "job": "category", "loan": "boolean"},
    ),
    "declared_extras_blank": (
        _with(attributes={"age": None, "job": "  ", "loan": " "}),
        EVENTS,
        {"age": "numeric", "job": "category", "loan": "boolean"},
    ),
    # test_declared_extra_column_absent_or_of_the_wrong_type_is_an_error
    "declared_extra_absent": (_with(), EVENTS, {"age": "numeric"}),
    "declared_extra_wrong_type": (
        _with(attributes={"age": "forty", "loan": "maybe"}),
        EVENTS,
        {"age": "numeric", "loan": "boolean"},
    ),
    "declared_boolean_as_number": (
        _with(attributes={"loan": 2.0}),
        EVENTS,
        {"loan": "boolean"},
    ),
    # test_declaring_a_contract_column_as_extra_is_an_error
    "contract_column_declared_as_extra": (_with(), EVENTS, {"employees": "numeric"}),
    # test_scoring.py: every problem at once, unknown fields, NaN and kinds
    "every_problem_at_once": (
        {
            "company_name": "株式会社テスト",
            "industry": "製造業",
            "region": "東京都",
            "lead_source": "seminar",
            "contact_role": "boss",
            "employees": "abc",
            "annual_revenue": float("nan"),
        },
        [
            {"timestamp": "2026-01-05 10:00", "type": "web_visit", "detail": "pricing"},
            {"timestamp": "next tuesday", "type": "web_visit"},
        ],
        {},
    ),
    "unknown_field": (_with(contact_rol="staff"), EVENTS, {}),
    "unknown_event_field": (_with(), _event(0, page="pricing"), {}),
    "infinite_revenue": (_with(annual_revenue=math.inf), EVENTS, {}),
    "list_value": (_with(industry=["製造業"]), EVENTS, {}),
    "event_not_an_object": (_with(), [*EVENTS, "web_visit"], {}),
    "lead_not_an_object": ("L1", EVENTS, {}),
    "events_not_a_list": (_with(), {"timestamp": "2026-01-01"}, {}),
    "numeric_detail": (_with(), _event(0, detail=3.0), {}),
}


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "accepted", call()
    except ScoringInputError as exc:
        return "refused", (exc.problems, exc.problems_ja)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_the_single_lead_path_accepts_and_refuses_as_the_contract_does(
    case: str,
) -> None:
    lead, events, extras = CASES[case]
    kw = {"as_of": AS_OF, "extra_lead_columns": extras}
    kind, contract = _outcome(lambda: lead_dataset(lead, events, **kw))
    single_kind, single = _outcome(lambda: single_lead(lead, events, **kw))
    assert single_kind == kind
    if kind == "refused":
        assert single == contract  # the same problems, in English and Japanese
    else:
        assert single.same_as(single_from_dataset(contract))


@pytest.mark.parametrize(
    "case",
    ["valid_typed", "valid_only_required", "category_case_and_spaces",
     "full_width_category", "created_at_from_events", "created_at_from_as_of",
     "duplicated_event_and_odd_page", "implausible_year", "event_years_later",
     "declared_extras_typed", "declared_extras_blank", "event_of_this_lead"],
)  # fmt: skip
def test_a_typed_request_is_typed_without_the_contracts_frames(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_frames(raw: object) -> None:
        raise AssertionError("the contract's frames were built")

    monkeypatch.setattr("readiness.scoring.lead.validate_and_coerce", no_frames)
    lead, events, extras = CASES[case]
    single = single_lead(lead, events, as_of=AS_OF, extra_lead_columns=extras)
    assert single.lead_id == lead["lead_id"]
    assert len(single.types) == len(events)


def _as_the_api_sends(body: dict[str, Any]) -> SingleLead:
    """A request body read as the API reads it (times typed by the schema)."""
    item = ScoreIn.model_validate(body)
    events = [e.model_dump(exclude_none=True) for e in item.events]
    return single_lead(item.lead.model_dump(exclude_none=True), events)


_NUMBERS = ("probability", "probability_low", "probability_high")


def _scores_equal(alone: dict[str, Any], batch: dict[str, Any]) -> None:
    for key in _NUMBERS:  # the interval too: the same numbers on both paths
        assert alone[key] is not None and batch[key] is not None
        assert alone[key] == pytest.approx(batch[key], abs=1e-9)
    same = {k: v for k, v in alone.items() if k not in _NUMBERS}
    assert same == {k: v for k, v in batch.items() if k not in _NUMBERS}


@pytest.fixture(scope="module")
def world_points(scoring_dataset: Dataset) -> pd.DataFrame:
    """Every toss-up of the world with its memo, and every open lead just after
    its latest event (no memo): what the API and the page score."""
    tossed = toss_up_points(scoring_dataset)
    handed = set(tossed["lead_id"])
    rows = []
    for lead_id in scoring_dataset.leads["lead_id"]:
        if lead_id not in handed:
            body = lead_request(scoring_dataset, str(lead_id))
            rows.append({"lead_id": lead_id, "as_of": pd.Timestamp(body["as_of"])})
    open_leads = pd.DataFrame(rows).head(400)
    return pd.concat([tossed, open_leads], ignore_index=True)


def test_every_lead_of_a_world_scores_alone_as_in_the_batch(
    scoring_dataset: Dataset, scoring_bundle: Bundle, world_points: pd.DataFrame
) -> None:
    batch = score_points(scoring_dataset, world_points, bundle=scoring_bundle)
    assert len(batch) == len(world_points) > 500
    for point, in_batch in zip(world_points.itertuples(), batch, strict=True):
        as_of = pd.Timestamp(point.as_of)
        body = lead_request(scoring_dataset, str(point.lead_id), as_of=as_of)
        lead = _as_the_api_sends(body)
        memo = point.memo if isinstance(point.memo, str) else None
        alone = score_lead(
            lead,
            as_of=as_of.to_pydatetime(),
            bundle=scoring_bundle,
            memo=memo,
            is_rep=point.is_rep if isinstance(point.is_rep, str) else None,
            fs_rep=point.fs_rep if isinstance(point.fs_rep, str) else None,
        )
        _scores_equal(alone.to_dict(), in_batch.to_dict())


def test_a_lead_scored_alone_without_explanations_has_none(
    scoring_dataset: Dataset, scoring_bundle: Bundle, world_points: pd.DataFrame
) -> None:
    point = world_points.iloc[0]
    body = lead_request(scoring_dataset, str(point["lead_id"]))
    lead = _as_the_api_sends(body)
    at = pd.Timestamp(body["as_of"]).to_pydatetime()
    bare = score_lead(lead, as_of=at, bundle=scoring_bundle, memo=body["memo"],
                      explain=False)  # fmt: skip
    [batch] = score_points(
        scoring_dataset,
        pd.DataFrame([{"lead_id": point["lead_id"], "as_of": at,
                       "memo": body["memo"]}]),
        bundle=scoring_bundle,
        explain=False,
    )  # fmt: skip
    assert bare.positive == bare.negative == bare.missing == ()
    _scores_equal(bare.to_dict(), batch.to_dict())
