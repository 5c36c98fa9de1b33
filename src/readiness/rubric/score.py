"""Scoring a memo with the 100-point rubric: items, band, gate and missing elements.

The articles score a hand-off memo on five items (basics 10, problem/needs 25,
BANT 30, competition 20, next action 15), band it (≥ 80 high, 60–79 standard,
< 60 needs work) and allow a toss-up only when 3 of 4 BANT elements are
confirmed, the needs are concrete, a meeting date is agreed and the score is at
least 60. Sales ops tune all of that to their product, so weights, criteria,
bands and gate live in YAML (`rubric_default.yaml` holds the articles' values;
`readiness.rubric.config` loads and validates it) and the criteria are
`readiness.rubric.criteria`. Criteria are additive, so the points a missing
element costs are exactly what filling it concretely would add to the total.
Text rendering of a result is `readiness.rubric.render`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Final

import pandas as pd

from readiness.fields import BANT_KEYS, ELEMENT_KEYS, element, fields_of_element
from readiness.memo.parse import Memo, parse_memo
from readiness.rubric.config import BANDS, BandKey, Rubric, band_for, default_rubric
from readiness.rubric.criteria import CRITERIA, Score

__all__ = [
    "ElementGap",
    "GateFailure",
    "RubricItem",
    "RubricResult",
    "memo_days",
    "memo_source",
    "needs_signal_count",
    "score_frame",
    "score_memo",
]


# --- scoring ---------------------------------------------------------------------


@dataclass(frozen=True)
class RubricItem:
    """One item of the rubric: the points a memo earned of the item's maximum."""

    key: str
    label_ja: str
    label_en: str
    points: float
    max: float


@dataclass(frozen=True)
class GateFailure:
    """One failed condition of the quality gate, in Japanese and English."""

    key: str
    ja: str
    en: str


@dataclass(frozen=True)
class ElementGap:
    """An element that is missing or vague, and the rubric points filling it would add.

    The rubric's side only; what collecting it is worth to the model is
    `readiness.scoring.results.MissingElement`.
    """

    key: str
    status: str
    points: float
    label_ja: str
    label_en: str


@dataclass(frozen=True)
class RubricResult:
    total: float
    items: tuple[RubricItem, ...]
    band: BandKey
    band_ja: str
    band_en: str
    gate_passed: bool
    gate_failures: tuple[GateFailure, ...]
    missing: tuple[ElementGap, ...]
    element_status: Mapping[str, str]
    bant_confirmed: int
    needs_signals: int
    needs_concrete: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict for the CLI and the API."""
        return {
            "total": self.total,
            "band": self.band,
            "band_ja": self.band_ja,
            "band_en": self.band_en,
            "gate_passed": self.gate_passed,
            "gate_failures": [vars(g) for g in self.gate_failures],
            "items": {
                i.key: {
                    "label_ja": i.label_ja,
                    "label_en": i.label_en,
                    "points": i.points,
                    "max": i.max,
                }
                for i in self.items
            },
            "missing": [vars(m) for m in self.missing],
            "element_status": dict(self.element_status),
            "bant_confirmed": self.bant_confirmed,
            "needs_signals": self.needs_signals,
            "needs_concrete": self.needs_concrete,
        }


def needs_signal_count(memo: Memo) -> int:
    """Kinds of concreteness the needs show: numbers, named systems, scale, cause."""
    s = memo.problem_signals
    cause = memo.status("cause") == "filled" or s.causes > 0
    return sum((s.numbers > 0, s.systems > 0, s.scale > 0, cause))


_ELEMENT_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    k: tuple(f.key for f in fields_of_element(k)) for k in ELEMENT_KEYS
}
_ELEMENT_ORDER: Final[dict[str, int]] = {k: i for i, k in enumerate(ELEMENT_KEYS)}
# Every element a criterion can belong to (history and notes are no ELEMENTS).
_SHORTFALL_KEYS: Final[tuple[str, ...]] = tuple(
    dict.fromkeys((*ELEMENT_KEYS, *(c.element for c in CRITERIA.values())))
)
_ELEMENT_LABELS: Final[dict[str, tuple[str, str]]] = {
    k: (element(k).ja, element(k).en) for k in ELEMENT_KEYS
}
_rubric_item: Final = lru_cache(maxsize=4096)(RubricItem)
_element_gap: Final = lru_cache(maxsize=4096)(ElementGap)


def _element_status(memo: Memo, key: str, concrete: bool) -> str:
    fields = memo.fields
    statuses = {fields[k].status for k in _ELEMENT_FIELDS[key]}
    if statuses == {"filled"}:
        status = "filled"
    elif statuses == {"empty"}:
        status = "empty"
    elif statuses <= {"empty", "not_obtained"}:
        status = "not_obtained"  # only markers: nothing was heard
    else:
        status = "vague"
    if status == "filled" and key == "problem" and not concrete:
        return "vague"
    if status == "filled" and key == "next_action" and not memo.meeting_agreed:
        return "vague"
    return status


# A rubric compiled for scoring: per item its key, labels, rounded weight and
# criteria as (score function, weight × share, element, field or None).
_PlanCriterion = tuple[Score, float, str, str | None]
_PlanItem = tuple[str, str, str, float, tuple[_PlanCriterion, ...]]
_PLANS: dict[int, tuple[Rubric, tuple[_PlanItem, ...]]] = {}
_MAX_PLANS: Final = 64


def _plan(rubric: Rubric) -> tuple[_PlanItem, ...]:
    cached = _PLANS.get(id(rubric))
    if cached is not None and cached[0] is rubric:
        return cached[1]
    plan = tuple(
        (
            key,
            *rubric.label(key),
            round(item.weight, 2),
            tuple(
                (c.score, item.weight * share, c.element, c.field)
                for c, share in (
                    (CRITERIA[name], share) for name, share in item.criteria.items()
                )
            ),
        )
        for key, item in rubric.items.items()
    )
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[id(rubric)] = (rubric, plan)  # holding the rubric keeps its id unique
    return plan


def score_memo(
    memo: Memo | str | bytes | Mapping[str, Any] | None,
    *,
    rubric: Rubric | None = None,
    reference_date: date | None = None,
) -> RubricResult:
    """Score a memo (or what `parse_memo` reads) by a rubric; default: the articles'."""
    rubric = rubric or default_rubric()
    if not isinstance(memo, Memo):
        memo = parse_memo(memo, reference_date=reference_date)
    vague = rubric.vague_fraction
    fields = memo.fields
    # What a field status earns: vague is partial; not obtained earns nothing.
    worth = {"filled": 1.0, "vague": vague, "not_obtained": 0.0, "empty": 0.0}
    items: list[RubricItem] = []
    shortfall = dict.fromkeys(_SHORTFALL_KEYS, 0.0)
    raw_total = 0.0
    for key, ja, en, weight, criteria in _plan(rubric):
        points = 0.0
        for score, part, element_key, field_key in criteria:
            if field_key is not None:  # a field's status, as _status scores it
                frac = worth[fields[field_key].status]
            else:
                frac = score(memo, vague)
                if not 0.0 <= frac <= 1.0:  # clamp, as min(1, max(0, frac)) does
                    frac = 1.0 if frac > 1.0 else 0.0
            points += part * frac
            shortfall[element_key] += part * (1.0 - frac)
        raw_total += points
        items.append(_rubric_item(key, ja, en, round(points, 2), weight))
    total = round(min(100.0, max(0.0, raw_total)), 1)

    signals = needs_signal_count(memo)
    concrete = (
        fields["problem"].status == "filled"
        and signals >= rubric.gate.min_needs_signals
    )
    statuses = {k: _element_status(memo, k, concrete) for k in ELEMENT_KEYS}
    missing = sorted(
        (
            _element_gap(k, status, round(shortfall[k], 2), *_ELEMENT_LABELS[k])
            for k, status in statuses.items()
            if status != "filled"
        ),
        key=lambda m: (-m.points, _ELEMENT_ORDER[m.key]),
    )
    bant = sum(memo.status(k) == "filled" for k in BANT_KEYS)
    failures = _gate_failures(rubric, total, bant, signals, concrete, memo)
    band = band_for(total, rubric)
    return RubricResult(
        total=total,
        items=tuple(items),
        band=band,
        band_ja=BANDS[band][0],
        band_en=BANDS[band][1],
        gate_passed=not failures,
        gate_failures=failures,
        missing=tuple(missing),
        element_status=statuses,
        bant_confirmed=bant,
        needs_signals=signals,
        needs_concrete=concrete,
    )


def _gate_failures(
    rubric: Rubric, total: float, bant: int, signals: int, concrete: bool, memo: Memo
) -> tuple[GateFailure, ...]:
    gate = rubric.gate
    return _failures(
        (bant, gate.min_bant_confirmed) if bant < gate.min_bant_confirmed else None,
        (signals, gate.min_needs_signals)
        if gate.require_concrete_needs and not concrete
        else None,
        gate.require_meeting_agreed and not memo.meeting_agreed,
        (total, gate.min_score) if total < gate.min_score else None,
    )


# The few distinct failures (and item scores, missing elements) recur in every
# backlog: they are built once, not once per memo (they are immutable).
@lru_cache(maxsize=4096)
def _failures(
    bant: tuple[int, int] | None,
    needs: tuple[int, int] | None,
    meeting: bool,
    score: tuple[float, float] | None,
) -> tuple[GateFailure, ...]:
    out: list[GateFailure] = []
    if bant is not None:
        got, need = bant
        out.append(
            GateFailure(
                "bant",
                f"BANT情報の確認が4項目中{got}項目（{need}項目以上が必要）",
                f"only {got} of 4 BANT elements confirmed (at least {need} needed)",
            )
        )
    if needs is not None:
        got, need = needs
        out.append(
            GateFailure(
                "needs",
                "課題・ニーズが具体的に把握できていない"
                f"（数値・システム名・規模・原因のうち{got}種類、{need}種類以上が必要）",
                "problem and needs are not concrete "
                f"({got} of numbers / named systems / scale / cause, {need} needed)",
            )
        )
    if meeting:
        out.append(
            GateFailure(
                "meeting",
                "商談への参加と日程の合意が取れていない",
                "no meeting date agreed with the customer",
            )
        )
    if score is not None:
        total, minimum = score
        out.append(
            GateFailure(
                "score",
                f"スコアが{total:g}点（{minimum:g}点以上が必要）",
                f"score {total:g} is below {minimum:g}",
            )
        )
    return tuple(out)


def _frame_columns(rubric: Rubric) -> list[str]:
    return [
        "total",
        *(f"{k}_points" for k in rubric.items),
        "band",
        "gate_passed",
        "bant_confirmed",
        *(f"{k}_status" for k in BANT_KEYS),
        "n_missing",
        "missing_elements",
        "memo_format",
        "n_warnings",
    ]


def memo_source(value: Any) -> str | bytes | Mapping[str, Any] | None:
    """A frame cell as parser input: NaN, None and other types are no memo."""
    return value if isinstance(value, str | bytes | Mapping) else None


def memo_days(values: pd.Series) -> list[date | None]:
    """Each value's calendar day (its wall-clock day when tz-aware); None if unknown."""
    times = pd.to_datetime(values, errors="coerce")
    if not pd.api.types.is_datetime64_any_dtype(times):  # e.g. mixed time zones
        return [None if pd.isna(t) else pd.Timestamp(t).date() for t in times]
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    days: list[date | None] = times.to_numpy(dtype="datetime64[D]").tolist()
    return days  # NaT becomes None


def score_frame(
    handoffs: pd.DataFrame,
    *,
    rubric: Rubric | None = None,
    memo_column: str = "memo",
    time_column: str = "tossed_up_at",
    id_column: str = "lead_id",
    progress: Callable[[int], object] | None = None,
) -> pd.DataFrame:
    """One scored row per hand-off: total, item points, band, gate, BANT statuses.

    Dates in memos resolve against each hand-off's `time_column` (the toss-up
    day). `missing_elements` is `;`-separated like the contract's element lists.
    The input frame is not modified; `progress(n)` is called every 1,000 rows.
    """
    rubric = rubric or default_rubric()
    n = len(handoffs)
    memos = handoffs[memo_column].tolist() if memo_column in handoffs else [None] * n
    days = memo_days(handoffs[time_column]) if time_column in handoffs else [None] * n
    rows: list[tuple[Any, ...]] = []
    for i, (text, ref) in enumerate(zip(memos, days, strict=True), start=1):
        memo = parse_memo(memo_source(text), reference_date=ref)
        result = score_memo(memo, rubric=rubric)
        fields = memo.fields
        missing = result.missing
        rows.append(
            (
                result.total,
                *[item.points for item in result.items],
                result.band,
                result.gate_passed,
                result.bant_confirmed,
                *[fields[k].status for k in BANT_KEYS],
                len(missing),
                ";".join([m.key for m in missing]),
                memo.format,
                len(memo.warnings),
            )
        )
        if progress is not None and (i % 1000 == 0 or i == n):
            progress(1000 if i % 1000 == 0 else i % 1000)
    out = pd.DataFrame(rows, columns=_frame_columns(rubric))
    if id_column in handoffs:
        out.insert(0, id_column, handoffs[id_column].to_numpy())
    return out
