"""The parts every memo module shares: the facts, the truth, the dice, a field.

`MemoFacts` is what the world hands the memo writer; `Field` is one field as the
rep wrote it and `FieldTruth` what a careful parser should read from it. All
randomness comes from the caller's generator through `Dice`, drawn in blocks of
uniforms because per-call numpy overhead would dominate at ~35k memos per world.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import numpy as np

from readiness.simulate import memo_phrases as P


@dataclass(frozen=True)
class MemoFacts:
    """What the IS rep knows and decides to record about one lead."""

    lead_id: str
    tossed_up_at: datetime
    company_name: str
    industry: str
    employees: int
    annual_revenue_m: float  # 百万円
    contact_name: str
    contact_title: str
    contact_role: str  # decision_maker | influencer | staff
    first_contact: date
    touch_count: int
    touch_kinds: tuple[str, ...]
    levels: Mapping[str, int]  # element key -> 0 not recorded, 1 vague, 2 concrete
    problem_theme: str
    budget_secured: bool
    budget_amount_man: int | None  # 万円
    decision_maker_title: str
    approval_steps: tuple[str, ...]
    urgency: str  # high | mid | low
    start_in_months: int
    competitors: tuple[str, ...]  # empty = confirmed no competitor (level 2)
    concern: str  # price | implementation_effort | support | features | security
    differences_asked: bool
    meeting_at: datetime | None
    meeting_format: str  # visit | online
    attendees: tuple[str, ...]
    drift: float  # 0..1 weight of format drift for this rep
    diligence: float  # 0..1 how carefully this rep writes


@dataclass(frozen=True)
class FieldTruth:
    status: str  # filled | vague | not_obtained | empty, as a parser should read it
    value: Mapping[str, object]
    free_text: bool = False  # content sits in a paragraph, not a labelled line


@dataclass(frozen=True)
class RenderedMemo:
    text: str
    fields: Mapping[str, FieldTruth]
    habit: str = "template"  # one of HABITS: how the whole memo is written


# How a rep writes a whole memo: the (drifting) template, a chat message to the FS
# rep, or the hand-off told as prose paragraphs (see memo_habits).
HABITS: Final = ("template", "chat", "narrative")


# Values a parser should read from a field the rep left empty or vague.
EMPTY_VALUES: Final[dict[str, dict[str, object]]] = {
    "budget": {
        "amount_jpy": None,
        "secured": None,
        "amount_low_jpy": None,
        "amount_high_jpy": None,
    },
    "first_contact": {"date": None},
    "touch_count": {"count": None},
    "meeting_datetime": {"date": None, "time": None},
    "meeting_format": {"format": None},
    "attendees": {"count": None, "titles": []},
    "competitors": {"names": [], "none": False},
    "impression": {"differences_asked": False},
    "expected_content": {"differences_asked": False},
    "need": {"urgency": None},
    "company_size": {"employees": None, "annual_revenue_m": None},
    "problem": {"concrete": False},
    "cause": {"concrete": False},
    "desired_state": {"concrete": False},
}
FILLED: Final = "filled"
VAGUE: Final = "vague"  # partial: informative but hedged (P.PARTIAL_TEXTS)
NOT_OBTAINED: Final = "not_obtained"  # only a "not known" marker
NOT_FILLED: Final = frozenset({VAGUE, NOT_OBTAINED})  # level-1 texts
EMPTY: Final = "empty"


class Dice:
    """Uniform draws from the caller's generator, fetched in blocks for speed."""

    __slots__ = ("_i", "_rng", "_u")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._u: list[float] = rng.random(96).tolist()
        self._i = 0

    def u(self) -> float:
        i = self._i
        if i == len(self._u):
            self._u = self._rng.random(64).tolist()
            i = 0
        self._i = i + 1
        return self._u[i]

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, seq: Sequence[str]) -> str:
        return seq[int(self.u() * len(seq))]

    def randint(self, lo: int, hi: int) -> int:
        """Integer in [lo, hi]."""
        return lo + int(self.u() * (hi - lo + 1))


class Field:
    """A field as written. `generic` marks a level-1 needs text without a marker.

    Generic needs (「業務を効率化したい」) are laid out like the other level-1 texts
    (`status` vague) but recorded as filled and not concrete: the text says
    something, and the rubric judges its lack of concreteness by the problem
    signals, not by the field status.
    """

    __slots__ = ("generic", "status", "text", "value")

    def __init__(
        self, status: str, text: str, value: dict[str, object] | None = None
    ) -> None:
        self.status = status
        self.text = text
        self.value: dict[str, object] = value if value is not None else {}
        self.generic = False

    def truth(self, free_text: bool) -> FieldTruth:
        status = FILLED if self.generic else self.status
        return FieldTruth(status, self.value, free_text)


def empty(key: str) -> Field:
    base = EMPTY_VALUES.get(key)
    return Field(EMPTY, "", dict(base) if base is not None else {})


def vague(key: str, text: str) -> Field:
    """A level-1 text: partial when its bank marks it so, else not obtained.

    The status follows the phrase (the bank's template, before any slot is
    filled), so the draws stay those of a two-status world.
    """
    base = EMPTY_VALUES.get(key)
    status = VAGUE if text in P.PARTIAL_TEXTS else NOT_OBTAINED
    return Field(status, text, dict(base) if base is not None else {})


def vague_or_empty(key: str, bank: Sequence[str], d: Dice) -> Field:
    return vague(key, d.pick(bank)) if d.chance(0.6) else empty(key)


def weak_needs(fld: Field) -> Field:
    """Mark a level-1 needs text that names no "not known" marker as generic."""
    fld.generic = fld.text in P.NEEDS_GENERIC
    return fld
