"""The rubric's criteria: measurable parts of its items, each a fraction in [0, 1].

An item of the YAML rubric shares its points among named criteria; each criterion
belongs to one information element and reads the parsed memo (a field's status,
or a value such as the competitors named). Sales ops pick and weigh them in YAML
(`readiness.rubric.config`); their code lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from readiness.fields import FIELDS, field
from readiness.memo.customer import states_cause, states_desire
from readiness.memo.parse import Memo

__all__ = ["CRITERIA", "Criterion", "Score"]


# What a field status earns: filled 1, vague (partial) the rubric's fraction, not
# obtained (only a "not known" marker) and empty nothing.
_FULL: Final = {"filled": 1.0, "vague": None, "not_obtained": 0.0, "empty": 0.0}
_INFORMATIVE: Final = frozenset({"filled", "vague"})
Score = Callable[[Memo, float], float]


@dataclass(frozen=True)
class Criterion:
    """A measurable part of an item; `score` gives a fraction in [0, 1]."""

    key: str
    element: str
    ja: str
    en: str
    score: Score
    field: str | None = None  # a field's status criterion: scored without a call


def _status(memo: Memo, key: str, vague: float) -> float:
    value = _FULL[memo.status(key)]
    return vague if value is None else value


def _field_criterion(key: str) -> Criterion:
    f = field(key)
    return Criterion(
        key,
        f.element,
        f"{f.ja}の記載",
        f"{f.en} stated",
        lambda m, v: _status(m, key, v),
        field=key,
    )


def _not_empty(memo: Memo, key: str, vague: float) -> float:
    """Partial credit for a value that says something (not empty, not a marker)."""
    return vague if memo.status(key) in _INFORMATIVE else 0.0


def _cause(memo: Memo, vague: float) -> float:
    # Depth shown inline (「…のため」 in the problem) counts as a partial cause.
    own = _status(memo, "cause", vague)
    if own >= vague:
        return own
    return vague if states_cause(memo.text("problem")) else own


def _desired(memo: Memo, vague: float) -> float:
    own = _status(memo, "desired_state", vague)
    if own >= vague:
        return own
    return vague if states_desire(memo.text("problem")) else own


def _competitors(memo: Memo, vague: float) -> float:
    if memo.status("competitors") == "filled" and (
        memo.competitor_names or memo.no_competitor
    ):
        return 1.0
    return _not_empty(memo, "competitors", vague)


def _meeting_date(memo: Memo, vague: float) -> float:
    return 1.0 if memo.meeting_has_date else _not_empty(memo, "meeting_datetime", vague)


def _meeting_format(memo: Memo, vague: float) -> float:
    return 1.0 if memo.meeting_format else _not_empty(memo, "meeting_format", vague)


def _attendees(memo: Memo, vague: float) -> float:
    known = memo.attendee_count is not None or bool(memo.attendee_titles)
    return 1.0 if known else _not_empty(memo, "attendees", vague)


def _agreement(memo: Memo, vague: float) -> float:
    """Agreement is a date the customer accepted: a time or words like 合意・確定."""
    if memo.meeting_agreed and (memo.meeting_time or memo.agreement_words):
        return 1.0
    return vague if memo.meeting_has_date else 0.0


CRITERIA: Final[Mapping[str, Criterion]] = {
    c.key: c
    for c in (
        *(_field_criterion(f.key) for f in FIELDS),
        Criterion(
            "problem_numbers",
            "problem",
            "課題に数値がある",
            "problem quantified (numbers with units)",
            lambda m, v: float(m.problem_signals.numbers > 0),
        ),
        Criterion(
            "problem_systems",
            "problem",
            "課題にシステム・業務名がある",
            "problem names systems or processes",
            lambda m, v: float(m.problem_signals.systems > 0),
        ),
        Criterion(
            "problem_scale",
            "problem",
            "課題の規模（人数・件数・時間・拠点）がある",
            "problem has a scale (people, volume, hours, sites)",
            lambda m, v: float(m.problem_signals.scale > 0),
        ),
        Criterion(
            "cause",
            "problem",
            "課題の背景・原因",
            "background / cause",
            _cause,
        ),
        Criterion(
            "desired_state",
            "problem",
            "解決後に期待する状態",
            "desired state",
            _desired,
        ),
        Criterion(
            "competitors",
            "competition",
            "競合の社名（または競合なしの確認）",
            "competitors named (or none confirmed)",
            _competitors,
        ),
        Criterion(
            "differences_asked",
            "competition",
            "他社との違いに関する質問",
            "questions about differences from competitors",
            lambda m, v: float(m.differences_asked or m.no_competitor),
        ),
        Criterion(
            "meeting_date",
            "next_action",
            "商談日時",
            "meeting date",
            _meeting_date,
        ),
        Criterion(
            "meeting_format",
            "next_action",
            "商談形式",
            "meeting format",
            _meeting_format,
        ),
        Criterion(
            "attendees",
            "next_action",
            "顧客側参加者（人数・役職）",
            "customer attendees (number, titles)",
            _attendees,
        ),
        Criterion(
            "agreement",
            "next_action",
            "顧客の合意（日時の確定）",
            "customer agreement (a confirmed date and time)",
            _agreement,
        ),
    )
}
