"""The memo parser reads what the simulator wrote: a round trip over whole worlds.

The simulator records, per toss-up and field, the status and values a careful
reader gets from the memo text (`truth["memo_fields"]`); parsing every memo of
two small worlds must give them back. A failure lists the most frequent
disagreements with the text that was read, so it says what to fix.

The exact checks hold for the memos written from the template (however drifted);
the chat messages and prose hand-offs some reps write instead (`habit`) are read
at a measured floor of field agreement.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from factory import Factory

from readiness.fields import FIELD_KEYS
from readiness.memo.parse import Memo, parse_memo
from readiness.rubric.config import default_rubric
from readiness.rubric.score import score_memo
from readiness.simulate.config import WorldConfig

# two worlds of 3,000 leads: part of `make test`, not of the fast layer
pytestmark = pytest.mark.slow

SEEDS = (1, 2)
N_LEADS = 3_000
MIN_STATUS_OVERALL = 0.995
MIN_STATUS_PER_FIELD = 0.98
MIN_VALUE = 0.98
MIN_CONCRETE = 0.97
# Field-status agreement on the whole-memo habits, measured at 96.7 % (chat) and
# 93.5 % (narrative) over these worlds (before the parser read chat and spoken
# prose: 90.5 % / 90.8 %).
MIN_STATUS_HABIT = {"chat": 0.94, "narrative": 0.91}
WORST = 6  # disagreements shown in a failure message


@dataclass(frozen=True)
class Case:
    lead_id: str
    text: str
    memo: Memo
    truth: dict[str, tuple[str, dict[str, Any]]]  # field: (status, value)
    habit: str  # template | chat | narrative


def _cases(factory: Factory) -> Iterator[Case]:
    for seed in SEEDS:
        world = factory.world(WorldConfig(n_leads=N_LEADS, seed=seed))
        truth: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
        habit: dict[str, str] = {}
        rows = world.truth["memo_fields"][
            ["lead_id", "field", "status", "value", "habit"]
        ]
        for lead_id, key, status, value, how in rows.itertuples(index=False):
            truth.setdefault(lead_id, {})[key] = (status, json.loads(value))
            habit[lead_id] = how
        handoffs = world.tables["handoffs"][["lead_id", "tossed_up_at", "memo"]]
        for lead_id, when, text in handoffs.itertuples(index=False):
            memo = parse_memo(text, reference_date=pd.Timestamp(when).date())
            yield Case(f"{seed}:{lead_id}", text, memo, truth[lead_id], habit[lead_id])


@pytest.fixture(scope="module")
def all_cases(factory: Factory) -> list[Case]:
    return list(_cases(factory))


@pytest.fixture(scope="module")
def cases(all_cases: list[Case]) -> list[Case]:
    """The memos written from the template, however drifted: read exactly."""
    return [c for c in all_cases if c.habit == "template"]


def _report(misses: list[tuple[str, str, str]], total: int, what: str) -> str:
    """The share of agreement and the most frequent disagreements, with an example."""
    lines = [
        f"{what}: {1 - len(misses) / total:.2%} agree ({len(misses)} of {total} differ)"
    ]
    counts = Counter((expected, got) for expected, got, _ in misses)
    example = {(e, g): ex for e, g, ex in misses}
    for (expected, got), n in counts.most_common(WORST):
        lines.append(f"  {n:5d} × expected {expected} got {got}")
        lines.append(f"        e.g. {example[expected, got][:300]!r}")
    return "\n".join(lines)


def _assert_agree(
    misses: list[tuple[str, str, str]], total: int, share: float, what: str
) -> None:
    wrong = len(misses)
    assert wrong <= (1 - share) * total, _report(misses, total, what)


def test_cases_cover_two_worlds_of_toss_ups(cases: list[Case]) -> None:
    assert len(cases) > 2_000
    assert {c.lead_id.split(":")[0] for c in cases} == {str(s) for s in SEEDS}


def test_some_reps_write_a_chat_message_or_prose_instead_of_the_template(
    all_cases: list[Case],
) -> None:
    habits = Counter(c.habit for c in all_cases)
    assert set(habits) == {"template", "chat", "narrative"}
    assert 0.02 < (habits["chat"] + habits["narrative"]) / len(all_cases) < 0.12
    assert habits["chat"] > 50 and habits["narrative"] > 30


@pytest.mark.parametrize("habit", sorted(MIN_STATUS_HABIT))
def test_chat_and_narrative_memos_are_read_at_a_measured_floor(
    all_cases: list[Case], habit: str
) -> None:
    read = [c for c in all_cases if c.habit == habit]
    misses = [
        (f"{k}={c.truth[k][0]}", c.memo.status(k), c.text)
        for c in read
        for k in FIELD_KEYS
        if c.memo.status(k) != c.truth[k][0]
    ]
    total = len(read) * len(FIELD_KEYS)
    _assert_agree(misses, total, MIN_STATUS_HABIT[habit], f"field status ({habit})")


def test_field_statuses_agree_with_the_simulator_on_almost_every_field(
    cases: list[Case],
) -> None:
    misses = [
        (f"{k}={c.truth[k][0]}", c.memo.status(k), c.memo.text(k) or c.text)
        for c in cases
        for k in FIELD_KEYS
        if c.memo.status(k) != c.truth[k][0]
    ]
    total = len(cases) * len(FIELD_KEYS)
    _assert_agree(misses, total, MIN_STATUS_OVERALL, "field status")


@pytest.mark.parametrize("key", FIELD_KEYS)
def test_every_single_field_status_agrees_with_the_simulator(
    cases: list[Case], key: str
) -> None:
    misses = [
        (c.truth[key][0], c.memo.status(key), c.memo.text(key) or c.text)
        for c in cases
        if c.memo.status(key) != c.truth[key][0]
    ]
    _assert_agree(misses, len(cases), MIN_STATUS_PER_FIELD, f"status of {key}")


def _within_one_percent(got: float | None, expected: float | None) -> bool:
    if got is None or expected is None:
        return got is None and expected is None
    return abs(got - expected) <= 0.01 * abs(expected)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


# (the field whose text explains a miss, what the parser read, what was recorded)
Check = tuple[str, Callable[[Case], Any], Callable[[Case], Any]]


def _v(case: Case, key: str, name: str, default: Any = None) -> Any:
    return case.truth[key][1].get(name, default)


VALUE_CHECKS: dict[str, Check] = {
    "budget_secured": (
        "budget",
        lambda c: c.memo.budget_secured,
        lambda c: _v(c, "budget", "secured"),
    ),
    "meeting_date": (
        "meeting_datetime",
        lambda c: _iso(c.memo.meeting_date),
        lambda c: _v(c, "meeting_datetime", "date"),
    ),
    "meeting_time": (
        "meeting_datetime",
        lambda c: c.memo.meeting_time and c.memo.meeting_time.strftime("%H:%M"),
        lambda c: _v(c, "meeting_datetime", "time"),
    ),
    "meeting_format": (
        "meeting_format",
        lambda c: c.memo.meeting_format,
        lambda c: _v(c, "meeting_format", "format"),
    ),
    "attendee_count": (
        "attendees",
        lambda c: c.memo.attendee_count,
        lambda c: _v(c, "attendees", "count"),
    ),
    "competitor_names": (
        "competitors",
        lambda c: sorted(set(c.memo.competitor_names)),
        lambda c: sorted(set(_v(c, "competitors", "names", []))),
    ),
    "no_competitor": (
        "competitors",
        lambda c: c.memo.no_competitor,
        lambda c: _v(c, "competitors", "none", False),
    ),
    "differences_asked": (
        "impression",
        lambda c: c.memo.differences_asked,
        # asked in the competition section or in the meeting's agenda
        lambda c: bool(
            _v(c, "impression", "differences_asked", False)
            or _v(c, "expected_content", "differences_asked", False)
        ),
    ),
    "urgency": ("need", lambda c: c.memo.urgency, lambda c: _v(c, "need", "urgency")),
}
# Always written on a labelled line in one of a few fixed forms: read exactly.
EXACT_CHECKS: dict[str, Check] = {
    "employees": (
        "company_size",
        lambda c: c.memo.employees,
        lambda c: _v(c, "company_size", "employees"),
    ),
    "touch_count": (
        "touch_count",
        lambda c: c.memo.touch_count,
        lambda c: _v(c, "touch_count", "count"),
    ),
    "first_contact": (
        "first_contact",
        lambda c: _iso(c.memo.first_contact),
        lambda c: _v(c, "first_contact", "date"),
    ),
}


def _value_misses(cases: list[Case], check: Check) -> list[tuple[str, str, str]]:
    key, read, recorded = check
    return [
        (repr(recorded(c)), repr(read(c)), c.memo.text(key) or c.text)
        for c in cases
        if read(c) != recorded(c)
    ]


def test_budget_amounts_agree_with_the_recorded_ones_within_one_percent(
    cases: list[Case],
) -> None:
    misses = [
        (repr(_v(c, "budget", "amount_jpy")), repr(c.memo.budget_amount_jpy), c.text)
        for c in cases
        if not _within_one_percent(
            c.memo.budget_amount_jpy, _v(c, "budget", "amount_jpy")
        )
    ]
    assert sum(_v(c, "budget", "amount_jpy") is not None for c in cases) > 100
    _assert_agree(misses, len(cases), MIN_VALUE, "budget amount")


@pytest.mark.parametrize("name", VALUE_CHECKS)
def test_an_extracted_value_agrees_with_the_recorded_one(
    cases: list[Case], name: str
) -> None:
    misses = _value_misses(cases, VALUE_CHECKS[name])
    _assert_agree(misses, len(cases), MIN_VALUE, name)


@pytest.mark.parametrize("name", EXACT_CHECKS)
def test_values_on_fixed_form_lines_are_read_exactly(
    cases: list[Case], name: str
) -> None:
    _assert_agree(_value_misses(cases, EXACT_CHECKS[name]), len(cases), 1.0, name)


def test_the_rubric_judges_needs_concrete_exactly_when_the_simulator_wrote_them_so(
    cases: list[Case],
) -> None:
    rubric = default_rubric()
    misses = []
    for c in cases:
        concrete = bool(_v(c, "problem", "concrete", False))
        judged = score_memo(c.memo, rubric=rubric).needs_concrete
        if judged != concrete:
            misses.append((str(concrete), str(judged), c.memo.text("problem")))
    assert sum(bool(_v(c, "problem", "concrete")) for c in cases) > 100
    _assert_agree(misses, len(cases), MIN_CONCRETE, "needs concrete")
