"""What changed between two points of a lead, in business terms."""

from __future__ import annotations

from typing import Any

import pandas as pd

from readiness.history import history_changes, what_changed


def _point(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "lead_id": "L1",
        "run_id": "r1",
        "probability": 0.20,
        "grade": "C",
        "model_version": "3",
        "timing_action": None,
        "event_counts": {"web_visit": 2},
        "memo_elements": {"budget": "vague", "authority": "filled"},
        "factors": {},
    }
    return base | values


def test_new_events_are_counted_by_kind_in_both_languages() -> None:
    after = _point(
        run_id="r2",
        probability=0.3,
        event_counts={"web_visit": 5, "seminar_attendance": 1},
    )
    change = what_changed(_point(), after)
    assert change.new_events == {"web_visit": 3, "seminar_attendance": 1}
    ja, en = change.reasons[1]
    assert en == "3 new web visits, 1 new seminar attendance"
    assert "ウェブ訪問 3件" in ja
    assert change.data_changed and not change.model_changed


def test_a_memo_element_filled_and_one_lost_are_named_with_their_labels() -> None:
    after = _point(memo_elements={"budget": "filled", "authority": "empty"})
    change = what_changed(_point(), after)
    assert [c.element for c in change.elements_filled] == ["budget"]
    assert [c.element for c in change.elements_missing] == ["authority"]
    texts = [en for _ja, en in change.reasons]
    assert "memo element Budget is now filled" in texts
    assert "memo element Authority is now empty" in texts
    assert any("「予算(Budget)」が記入済" in ja for ja, _en in change.reasons)


def test_a_model_change_is_reported_apart_from_the_data() -> None:
    change = what_changed(_point(), _point(probability=0.4, model_version="4"))
    assert change.model_changed and not change.data_changed
    assert change.reasons[1][1].startswith("model changed from 3 to 4")
    assert "モデルが 3 から 4 に変わりました" in change.reasons[1][0]
    assert not any("time passing" in en for _ja, en in change.reasons)


def test_the_models_share_comes_from_factor_groups_whose_inputs_stood_still() -> None:
    before = _point(probability=0.5, factors={"behaviour": 0.0, "lead": 0.0})
    # logit(0.6) - logit(0.5) = 0.405; "lead" (no new input) moved by 0.2
    after = _point(
        probability=0.6,
        model_version="4",
        event_counts={"web_visit": 4},
        factors={"behaviour": 0.205, "lead": 0.2},
    )
    change = what_changed(before, after)
    assert change.model_share is not None
    assert abs(change.model_share - 0.2 / 0.405465) < 1e-3
    same_model = what_changed(before, after | {"model_version": "3"})
    assert same_model.model_share is None


def test_no_new_data_and_the_same_model_says_time_passed() -> None:
    change = what_changed(_point(), _point(probability=0.18))
    assert change.reasons[-1][1].startswith("no new events and no memo change")
    assert change.probability_change < 0


def test_a_grade_and_timing_change_are_told() -> None:
    after = _point(grade="B", timing_action="toss_up_now", probability=0.45)
    change = what_changed(_point(), after)
    assert "grade C → B" in change.reasons[0][1]
    assert ("timing advice: none → toss up now") in [e for _j, e in change.reasons]
    assert change.to_dict()["reasons"][0]["ja"].startswith("受注確率 20.0%")


def test_history_changes_pairs_consecutive_points() -> None:
    rows = pd.DataFrame([_point(), _point(run_id="r2"), _point(run_id="r3")])
    changes = history_changes(rows)
    assert [(c.from_run, c.to_run) for c in changes] == [("r1", "r2"), ("r2", "r3")]
