"""The incumbent 100-point hand-off quality score, its bands and the toss-up gate.

The articles score a hand-off memo on five items (basics 10, problem/needs 25,
BANT 30, competition 20, next action 15), band it (≥ 80 high, 60–79 standard,
< 60 needs work) and allow a toss-up only when 3 of 4 BANT elements are
confirmed, the needs are concrete, a meeting date is agreed and the score is at
least 60. Sales ops tune all of that to their product, so weights, criteria,
bands and gate live in YAML (`rubric_default.yaml` holds the articles' values)
and are validated on load. Criteria are additive, so the points a missing element
costs are exactly what filling it concretely would add to the total.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from readiness.errors import ReadinessError
from readiness.fields import (
    BANT_KEYS,
    ELEMENT_KEYS,
    FIELDS,
    element,
    field,
    fields_of_element,
)
from readiness.memo.parse import Memo, parse_memo
from readiness.memo.values import states_cause, states_desire

__all__ = [
    "BANDS",
    "CRITERIA",
    "Bands",
    "Criterion",
    "ElementGap",
    "Gate",
    "GateFailure",
    "Item",
    "Rubric",
    "RubricError",
    "RubricItem",
    "RubricResult",
    "band_for",
    "band_summary",
    "default_rubric",
    "load_rubric",
    "needs_signal_count",
    "render_band_summary",
    "render_result",
    "rubric_from_yaml",
    "rubric_to_yaml",
    "score_frame",
    "score_memo",
]

BandKey = Literal["high", "standard", "needs_work"]
BANDS: Final[dict[BandKey, tuple[str, str]]] = {
    "high": ("高", "high"),
    "standard": ("標準", "standard"),
    "needs_work": ("要改善", "needs work"),
}
_TOLERANCE: Final = 1e-6
_FULL: Final = {"filled": 1.0, "vague": None, "empty": 0.0}


class RubricError(ReadinessError, ValueError):
    """An unusable rubric YAML; the message names the wrong key and how to fix it."""


# --- criteria --------------------------------------------------------------------

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
    return vague if memo.status(key) != "empty" else 0.0


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


# --- configuration ---------------------------------------------------------------

_Strict = ConfigDict(extra="forbid", frozen=True)


class Item(BaseModel):
    """One of the score's items: its weight and how the weight splits into criteria."""

    model_config = _Strict

    label_ja: str | None = None
    label_en: str | None = None
    weight: float = Field(ge=0, le=100)
    criteria: dict[str, float]

    @model_validator(mode="after")
    def _check_criteria(self) -> Item:
        if not self.criteria:
            raise ValueError("criteria must name at least one criterion")
        unknown = [k for k in self.criteria if k not in CRITERIA]
        if unknown:
            raise ValueError(
                f"unknown criterion {unknown[0]!r}; use one of: "
                + ", ".join(sorted(CRITERIA))
            )
        bad = [k for k, s in self.criteria.items() if not 0 <= s <= 1]
        if bad:
            raise ValueError(f"criterion {bad[0]!r} has a share outside 0..1")
        total = sum(self.criteria.values())
        if abs(total - 1) > _TOLERANCE:
            raise ValueError(
                f"criteria shares sum to {total:g}, must sum to 1: adjust the "
                "shares (each is the criterion's part of the item's weight)"
            )
        return self


class Bands(BaseModel):
    """Score thresholds: ≥ high is high, ≥ standard is standard, else needs work."""

    model_config = _Strict

    high: float = Field(gt=0, le=100)
    standard: float = Field(gt=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not self.high > self.standard:
            raise ValueError(
                f"high ({self.high:g}) must be greater than standard "
                f"({self.standard:g}); e.g. high: 80, standard: 60"
            )
        return self


class Gate(BaseModel):
    """The toss-up gate: every enabled condition must hold."""

    model_config = _Strict

    min_bant_confirmed: int = Field(ge=0, le=4)
    require_concrete_needs: bool
    min_needs_signals: int = Field(ge=0, le=4)
    require_meeting_agreed: bool
    min_score: float = Field(ge=0, le=100)


class Rubric(BaseModel):
    """A validated rubric: items (weights sum to 100), bands, gate, vague fraction."""

    model_config = _Strict

    version: Literal[1] = 1
    name: str = "custom"
    vague_fraction: float = Field(ge=0, le=1)
    bands: Bands
    gate: Gate
    items: dict[str, Item]

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        if not name.isprintable():
            raise ValueError("name must be one printable line, e.g. name: my-team-2027")
        return name

    @field_validator("items")
    @classmethod
    def _weights(cls, items: dict[str, Item]) -> dict[str, Item]:
        if not items:
            raise ValueError("items must hold at least one item")
        total = sum(i.weight for i in items.values())
        if abs(total - 100) > _TOLERANCE:
            weights = ", ".join(f"{k}: {i.weight:g}" for k, i in items.items())
            raise ValueError(
                f"item weights sum to {total:g}, must sum to 100 ({weights}); "
                "adjust the weights, e.g. the articles' 10/25/30/20/15"
            )
        return items

    def label(self, item: str) -> tuple[str, str]:
        cfg = self.items[item]
        known = _ITEM_LABELS.get(item, (item, item))
        return cfg.label_ja or known[0], cfg.label_en or known[1]


_ITEM_LABELS: Final[dict[str, tuple[str, str]]] = {
    "basics": ("基本情報の完備度", "Basic information completeness"),
    "problem": ("課題・ニーズの明確さ", "Clarity of problem and needs"),
    "bant": ("BANT情報の取得度", "BANT confirmation"),
    "competition": ("競合・検討状況の把握", "Competition and evaluation status"),
    "next_action": ("次回アクション合意の明確さ", "Clarity of the agreed next action"),
}


def _format_errors(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        if e["type"] == "extra_forbidden":
            parent = ".".join(str(p) for p in e["loc"][:-1]) or "the top level"
            lines.append(
                f"{loc}: unknown key {e['loc'][-1]!r} in {parent}; remove it or fix "
                "its spelling (see rubric_default.yaml for the allowed keys)"
            )
        elif e["type"] == "missing":
            lines.append(f"{loc}: required key is missing; add it")
        else:
            msg = str(e["msg"]).removeprefix("Value error, ")
            lines.append(f"{loc}: {msg}")
    return f"invalid rubric ({source}):\n" + "\n".join(f"  - {ln}" for ln in lines)


def _merged(user: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level keys and the keys of `bands` and `gate` default to the articles'."""
    merged = dict(_default_dict())
    for key, value in user.items():
        base = merged.get(key)
        if (
            key in ("bands", "gate")
            and isinstance(base, dict)
            and isinstance(value, dict)
        ):
            merged[key] = {**base, **value}
        else:
            merged[key] = value
    return merged


def _validate(data: Any, source: str, *, merge: bool) -> Rubric:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise RubricError(
            f"invalid rubric ({source}): the YAML must be a mapping with keys "
            "version, name, vague_fraction, bands, gate, items"
        )
    try:
        return Rubric.model_validate(_merged(data) if merge else dict(data))
    except ValidationError as err:
        raise RubricError(_format_errors(err, source)) from None


@cache
def _default_dict() -> dict[str, Any]:
    text = (
        resources.files("readiness.rubric")
        .joinpath("rubric_default.yaml")
        .read_text("utf-8")
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def default_rubric() -> Rubric:
    """The articles' rubric, loaded once from the packaged YAML."""
    return _validate(_default_dict(), "rubric_default.yaml", merge=False)


def rubric_from_yaml(text: str, *, source: str = "YAML text") -> Rubric:
    """Parse and validate rubric YAML; keys left out take the articles' values."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RubricError(
            f"invalid rubric ({source}): not valid YAML{where}; check the indentation "
            "and the colons"
        ) from None
    return _validate(data, source, merge=True)


def load_rubric(path: Path | None = None) -> Rubric:
    """The rubric in a YAML file, or the articles' default when `path` is None."""
    if path is None:
        return default_rubric()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RubricError(f"rubric file {path} not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise RubricError(f"rubric file {path} cannot be read: {err}") from None
    return rubric_from_yaml(text, source=str(path))


def rubric_to_yaml(rubric: Rubric) -> str:
    """The rubric as YAML that `rubric_from_yaml` and `load_rubric` read back as is."""
    data = rubric.model_dump(mode="json")
    for item in data["items"].values():
        for key in ("label_ja", "label_en"):
            if item[key] is None:
                del item[key]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


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
    status = (
        "filled"
        if statuses == {"filled"}
        else "empty"
        if statuses == {"empty"}
        else "vague"
    )
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


def band_for(total: float, rubric: Rubric) -> BandKey:
    """The band of a total: ≥ high → high, ≥ standard → standard, else needs work."""
    if total >= rubric.bands.high:
        return "high"
    return "standard" if total >= rubric.bands.standard else "needs_work"


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
    worth = {"filled": 1.0, "vague": vague, "empty": 0.0}  # what a field status earns
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


def _memo_source(value: Any) -> str | bytes | Mapping[str, Any] | None:
    """A frame cell as parser input: NaN, None and other types are no memo."""
    return value if isinstance(value, str | bytes | Mapping) else None


def _days(values: pd.Series) -> list[date | None]:
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
    days = _days(handoffs[time_column]) if time_column in handoffs else [None] * n
    rows: list[tuple[Any, ...]] = []
    for i, (text, ref) in enumerate(zip(memos, days, strict=True), start=1):
        memo = parse_memo(_memo_source(text), reference_date=ref)
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


# --- presentation ------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def render_result(result: RubricResult) -> str:
    """A readable breakdown in Japanese and English, for the CLI."""
    lines = [
        f"引き継ぎ品質スコア / Hand-off quality score: {result.total:g} / 100  "
        f"[{result.band_ja} / {result.band_en}]",
        "",
    ]
    labels = [f"{i.label_ja} / {i.label_en}" for i in result.items]
    width = max((_width(label) for label in labels), default=0) + 2
    for label, item in zip(labels, result.items, strict=True):
        lines.append(f"  {_pad(label, width)}{item.points:6.2f} / {item.max:g}")
    verdict = "可 / passed" if result.gate_passed else "不可 / not passed"
    lines += ["", f"トスアップ判定 / Toss-up gate: {verdict}"]
    lines += [f"  × {g.ja}\n    {g.en}" for g in result.gate_failures]
    if result.missing:
        lines += ["", "不足・曖昧な要素 / Missing or vague elements (points it costs):"]
        names = [f"{m.label_ja} / {m.label_en}" for m in result.missing]
        width = max(_width(n) for n in names) + 2
        for name, m in zip(names, result.missing, strict=True):
            status = {"vague": "曖昧 vague", "empty": "未記入 empty"}.get(
                m.status, m.status
            )
            lines.append(f"  {_pad(name, width)}{_pad(status, 14)}-{m.points:g}")
    return "\n".join(lines)


def band_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Hand-offs per band: share, mean score, gate pass rate and (if known) win rate."""
    order = list(BANDS)
    grouped = scored.groupby("band", observed=True)
    summary = pd.DataFrame(
        {
            "handoffs": grouped.size(),
            "mean_total": grouped["total"].mean().round(1),
            "gate_pass_rate": grouped["gate_passed"].mean().round(3),
        }
    ).reindex(order)
    summary["handoffs"] = summary["handoffs"].fillna(0).astype(int)
    summary.insert(1, "share", (summary["handoffs"] / max(len(scored), 1)).round(3))
    if "won" in scored:
        won = scored["won"].astype("boolean").astype("Float64")  # no outcome is NA
        summary["win_rate"] = won.groupby(scored["band"]).mean().reindex(order).round(3)
    summary.index.name = "band"
    return summary


def render_band_summary(summary: pd.DataFrame) -> str:
    """The per-band table of `band_summary` as aligned text with ja/en band names."""
    has_win = "win_rate" in summary

    def pct(x: float) -> str:
        return "-" if pd.isna(x) else f"{x:.1%}"

    header = f"{'band':<16}{'hand-offs':>10}{'share':>8}{'mean':>7}{'gate':>8}"
    lines = [header + (f"{'win rate':>10}" if has_win else "")]
    for band, row in summary.iterrows():
        ja, en = BANDS[band]  # type: ignore[index]
        mean = "-" if pd.isna(row["mean_total"]) else f"{row['mean_total']:.1f}"
        line = (
            f"{_pad(f'{ja} {en}', 16)}{int(row['handoffs']):>10,}"
            f"{pct(row['share']):>8}{mean:>7}{pct(row['gate_pass_rate']):>8}"
        )
        lines.append(line + (f"{pct(row['win_rate']):>10}" if has_win else ""))
    return "\n".join(lines)
