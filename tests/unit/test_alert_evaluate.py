"""Each kind of alert fires exactly where it should, on constructed batch frames."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from readiness.alerts.evaluate import Alert, evaluate_alerts, previous_from_batch
from readiness.alerts.rules import AlertRules
from readiness.alerts.rules_file import rules_from_yaml

NOW = pd.Timestamp("2026-11-30 06:00")
BEFORE = pd.Timestamp("2026-11-29 06:00")


def _batch(rows: list[dict[str, Any]], as_of: pd.Timestamp = NOW) -> pd.DataFrame:
    """A batch output frame: the columns the batch writes, defaults filled in."""
    base = {
        "status": "open",
        "grade": "C",
        "gate_passed": True,
        "gate_failures": "",
        "timing_action": "keep_nurturing",
        "model_version": "3",
    }
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["as_of"] = as_of
    frame["rank"] = range(1, len(frame) + 1)
    return frame


def _previous(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return previous_from_batch(_batch(rows, BEFORE), run_id="batch-before")


def _rules(body: str) -> AlertRules:
    return rules_from_yaml(f"destination: {{file: a.jsonl}}\nrules:\n{body}")


def _fired(rule: str, current: pd.DataFrame, previous: pd.DataFrame | None) -> list:
    alerts = evaluate_alerts(_rules(rule), current, previous, "batch-now")
    return [a.lead_id for a in alerts]


PROBABILITIES = _batch(
    [
        {"lead_id": "rose", "probability": 0.35},
        {"lead_id": "stayed-above", "probability": 0.40},
        {"lead_id": "fell", "probability": 0.20},
        {"lead_id": "new", "probability": 0.50},
        {"lead_id": "to-the-line", "probability": 0.30},
        {"lead_id": "stayed-below", "probability": 0.10},
    ]
)
PROBABILITIES_BEFORE = _previous(
    [
        {"lead_id": "rose", "probability": 0.25},
        {"lead_id": "stayed-above", "probability": 0.35},
        {"lead_id": "fell", "probability": 0.40},
        {"lead_id": "to-the-line", "probability": 0.29},
        {"lead_id": "stayed-below", "probability": 0.12},
        {"lead_id": "gone", "probability": 0.90},
    ]
)


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("up", ["rose", "to-the-line"]),
        ("down", ["fell"]),
        ("both", ["rose", "fell", "to-the-line"]),
    ],
)
def test_a_probability_crossing_fires_only_for_leads_that_passed_the_line(
    direction: str, expected: list[str]
) -> None:
    rule = f"  - {{name: c, kind: crosses, probability: 0.3, direction: {direction}}}\n"
    assert _fired(rule, PROBABILITIES, PROBABILITIES_BEFORE) == expected


def test_a_lead_seen_for_the_first_time_never_crosses_drops_or_turns() -> None:
    rules = (
        "  - {name: c, kind: crosses, probability: 0.3, direction: both}\n"
        "  - {name: g, kind: crosses, grade: A}\n"
        "  - {name: d, kind: drop, points: 1}\n"
        "  - {name: r, kind: at_risk}\n"
    )
    current = _batch(
        [
            {
                "lead_id": "new",
                "probability": 0.9,
                "grade": "A",
                "timing_action": "at_risk",
            }
        ]
    )
    assert _fired(rules, current, None) == []
    assert _fired(rules, current, PROBABILITIES_BEFORE) == []


def test_a_grade_crossing_fires_when_a_lead_becomes_or_leaves_the_grade() -> None:
    current = _batch(
        [
            {"lead_id": "up-to-a", "probability": 0.5, "grade": "A"},
            {"lead_id": "still-a", "probability": 0.5, "grade": "A"},
            {"lead_id": "down-from-a", "probability": 0.2, "grade": "B"},
            {"lead_id": "b-to-c", "probability": 0.1, "grade": "C"},
        ]
    )
    previous = _previous(
        [
            {"lead_id": "up-to-a", "probability": 0.3, "grade": "B"},
            {"lead_id": "still-a", "probability": 0.5, "grade": "A"},
            {"lead_id": "down-from-a", "probability": 0.5, "grade": "A"},
            {"lead_id": "b-to-c", "probability": 0.3, "grade": "B"},
        ]
    )
    becomes = "  - {name: g, kind: crosses, grade: A}\n"
    leaves = "  - {name: g, kind: crosses, grade: A, direction: leaves}\n"
    assert _fired(becomes, current, previous) == ["up-to-a"]
    assert _fired(leaves, current, previous) == ["down-from-a"]


def test_a_drop_fires_at_n_points_or_more_and_never_for_a_rise() -> None:
    current = _batch(
        [
            {"lead_id": "exactly-10", "probability": 0.40},
            {"lead_id": "nine", "probability": 0.41},
            {"lead_id": "thirty", "probability": 0.10},
            {"lead_id": "rose", "probability": 0.90},
        ]
    )
    previous = _previous(
        [
            {"lead_id": "exactly-10", "probability": 0.50},
            {"lead_id": "nine", "probability": 0.50},
            {"lead_id": "thirty", "probability": 0.40},
            {"lead_id": "rose", "probability": 0.10},
        ]
    )
    alerts = evaluate_alerts(
        _rules("  - {name: d, kind: drop, points: 10}\n"), current, previous, "r"
    )
    assert [a.lead_id for a in alerts] == ["exactly-10", "thirty"]
    assert "30.0 ポイント" in alerts[1].message_ja
    assert "dropped 30.0 points" in alerts[1].message_en


def test_turning_at_risk_fires_once_not_while_the_lead_stays_at_risk() -> None:
    current = _batch(
        [
            {"lead_id": "turned", "probability": 0.2, "timing_action": "at_risk"},
            {"lead_id": "still", "probability": 0.2, "timing_action": "at_risk"},
            {
                "lead_id": "no-advice-before",
                "probability": 0.2,
                "timing_action": "at_risk",
            },
            {"lead_id": "calm", "probability": 0.2, "timing_action": "keep_nurturing"},
        ]
    )
    previous = _previous(
        [
            {
                "lead_id": "turned",
                "probability": 0.2,
                "timing_action": "keep_nurturing",
            },
            {"lead_id": "still", "probability": 0.2, "timing_action": "at_risk"},
            {"lead_id": "no-advice-before", "probability": 0.2, "timing_action": ""},
            {"lead_id": "calm", "probability": 0.2, "timing_action": "at_risk"},
        ]
    )
    assert previous["timing_action"].tolist()[2] is None  # '' means none
    rule = "  - {name: r, kind: at_risk}\n"
    assert _fired(rule, current, previous) == ["turned", "no-advice-before"]


def test_a_failed_hand_off_alerts_once_and_never_for_an_open_lead() -> None:
    failed = {"status": "handed_off", "gate_passed": False, "gate_failures": "no BANT"}
    current = _batch(
        [
            {"lead_id": "new-hand-off", "probability": 0.2, **failed},
            {"lead_id": "was-open", "probability": 0.2, **failed},
            {"lead_id": "failed-before", "probability": 0.2, **failed},
            {"lead_id": "passed", "probability": 0.2, "status": "handed_off"},
            {"lead_id": "open", "probability": 0.2, "gate_passed": False},
        ]
    )
    previous = _previous(
        [
            {"lead_id": "was-open", "probability": 0.2, "gate_passed": False},
            {"lead_id": "failed-before", "probability": 0.2, **failed},
        ]
    )
    rule = "  - {name: g, kind: gate_fails}\n"
    assert _fired(rule, current, previous) == ["new-hand-off", "was-open"]
    assert _fired(rule, current, None) == ["new-hand-off", "was-open", "failed-before"]


def test_filters_keep_only_the_leads_of_the_status_grade_and_probability_asked() -> (
    None
):
    current = _batch(
        [
            {"lead_id": "a-open", "probability": 0.50, "grade": "A"},
            {"lead_id": "b-open", "probability": 0.20, "grade": "B"},
            {"lead_id": "a-low", "probability": 0.04, "grade": "A"},
            {
                "lead_id": "a-handed",
                "probability": 0.50,
                "grade": "A",
                "status": "handed_off",
            },
        ]
    )
    previous = _previous(
        [{"lead_id": i, "probability": 0.9} for i in current["lead_id"]]
    )
    rule = (
        "  - name: d\n    kind: drop\n    points: 1\n"
        "    where: {status: open, grade: [A, B], min_probability: 0.05}\n"
    )
    assert _fired(rule, current, previous) == ["a-open", "b-open"]


def test_alert_keys_survive_a_new_run_id_and_change_with_the_point() -> None:
    rule = _rules("  - {name: c, kind: crosses, probability: 0.3, direction: both}\n")
    first = evaluate_alerts(rule, PROBABILITIES, PROBABILITIES_BEFORE, "run-1")
    again = evaluate_alerts(rule, PROBABILITIES, PROBABILITIES_BEFORE, "run-2")
    assert [a.key for a in first] == [a.key for a in again]
    assert len({a.key for a in first}) == len(first)
    later = PROBABILITIES.assign(as_of=NOW + pd.Timedelta(days=1))
    moved = evaluate_alerts(rule, later, PROBABILITIES_BEFORE, "run-3")
    assert not {a.key for a in moved} & {a.key for a in first}


def test_an_alert_carries_both_points_and_slack_text_in_japanese_and_english() -> None:
    rule = _rules("  - {name: hot, kind: crosses, probability: 0.3}\n")
    alert: Alert = evaluate_alerts(rule, PROBABILITIES, PROBABILITIES_BEFORE, "r")[0]
    body = alert.payload()
    assert body["idempotency_key"] == alert.key
    assert (body["lead_id"], body["event"], body["run_id"]) == ("rose", "up", "r")
    assert (body["previous_probability"], body["probability"]) == (0.25, 0.35)
    assert body["as_of"] == NOW.isoformat()
    assert body["previous_as_of"] == BEFORE.isoformat()
    ja, en = body["text"].split("\n")
    assert ja == "[hot] リード rose の受注確率が 30% を超えました（25.0% → 35.0%）"
    assert en == "[hot] Lead rose rose above 30% win probability (25.0% → 35.0%)"
    assert "destination" not in body


def test_the_evaluator_leaves_its_input_frames_untouched() -> None:
    current, previous = PROBABILITIES.copy(), PROBABILITIES_BEFORE.copy()
    evaluate_alerts(
        _rules("  - {name: d, kind: drop, points: 1}\n"), current, previous, "r"
    )
    pd.testing.assert_frame_equal(current, PROBABILITIES)
    pd.testing.assert_frame_equal(previous, PROBABILITIES_BEFORE)
