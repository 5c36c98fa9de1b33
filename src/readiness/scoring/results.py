"""What scoring answers, one type per concept: factor, missing element, score, timing.

The library builds these, `to_dict()` is their one JSON form (the CLI's `--json`
and the API's answers), `api.schemas` derives its response models from their
fields (names, defaults and the descriptions written here), and `score_table`
lays scores out as the columns of batch output. Change a field here and all
three follow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from readiness.rubric.score import RubricItem

__all__ = [
    "LEAD_STATES",
    "SCORE_COLUMNS",
    "Factor",
    "LeadScore",
    "MissingElement",
    "TimingAdvice",
    "plain",
    "score_table",
]


def plain(value: Any) -> Any:
    """JSON-safe form of a result: dataclasses as dicts (field order), tuples as
    lists, times as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True, kw_only=True)
class Factor:
    """A reason for the score: a feature (or group) and its log-odds contribution."""

    name: str
    group: str
    label_ja: str
    label_en: str
    value: float | str | None = None
    contribution: Annotated[float, Field(description="Log-odds contribution.")]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = plain(self)
        return out


# The status of a missing element: vague (= partial, hedged), not obtained (only a
# "not known" marker: 未取得 / "not obtained") or empty. Labels: fields.STATUS_JA/EN.
MissingStatus = Literal["vague", "not_obtained", "empty"]
GainMethod = Literal["model", "adjusted"]
LeadState = Literal["open", "dormant", "handed_off", "won", "lost"]
LEAD_STATES: Final[dict[str, tuple[str, str]]] = {
    "open": ("未トスアップ", "open"),
    "dormant": ("休眠", "dormant"),
    "handed_off": ("トスアップ済み", "handed off"),
    "won": ("受注", "won"),
    "lost": ("失注", "lost"),
}


@dataclass(frozen=True, kw_only=True)
class MissingElement:
    """An element the memo leaves vague, not obtained or empty, and its worth.

    `gain` is the change in win probability had IS collected it, by `gain_method`:
    "model" — the model's counterfactual (this lead's own change blended with the
    element's average; it can be zero or negative when the model learned that the
    element does not move outcomes on this data), or "adjusted" — the element's
    effect adjusted for behaviour and intent (double ML at training), applied to
    this lead's probability. `effect`, `effect_low` and `effect_high` are that
    adjusted change for this lead and its 95 % interval (None when the bundle has
    no adjusted effects or the data cannot tell the element's effect);
    `effect_told`: the interval excludes zero; `effect_robust`: also a hidden cause
    would need a partial R² of at least the bundle's `effect_min_rv` to erase it.
    How the list is ordered: docs/explanations.md.
    """

    element: str
    label_ja: str
    label_en: str
    status: MissingStatus
    gain: float
    probability_if_collected: float
    rubric_points: float
    question_ja: str
    question_en: str
    gain_method: GainMethod = "model"
    effect: float | None = None
    effect_low: float | None = None
    effect_high: float | None = None
    effect_told: bool = False
    effect_robust: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = plain(self)
        return out


@dataclass(frozen=True, kw_only=True)
class LeadScore:
    """Everything scoring says about one point (a lead at a moment)."""

    lead_id: str
    as_of: datetime
    probability: float
    probability_low: Annotated[
        float | None,
        Field(
            description="Low end of the probability's calibrated interval "
            "(Mondrian Venn-ABERS: wide where the training toss-ups of the lead's "
            "segment and score are few; docs/intervals.md). None when the model "
            "was trained without one."
        ),
    ] = None
    probability_high: Annotated[
        float | None,
        Field(description="High end of the probability's calibrated interval."),
    ] = None
    points: float
    grade: str
    rubric_total: float
    rubric_band: str
    rubric_band_ja: str
    rubric_band_en: str
    gate_passed: bool
    gate_failures: tuple[tuple[str, str], ...]  # (ja, en) per failed condition
    rubric_items: tuple[RubricItem, ...]
    positive: Annotated[
        tuple[Factor, ...], Field(description="Factors that raise the probability.")
    ]
    negative: Annotated[tuple[Factor, ...], Field(description="Factors that lower it.")]
    missing: Annotated[
        tuple[MissingElement, ...],
        Field(description="Information elements to collect, largest gain first."),
    ]
    served: str
    model_version: str | None = None
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ISO time, lists, dicts with named fields."""
        out: dict[str, Any] = plain(self)
        out["gate_failures"] = [{"ja": ja, "en": en} for ja, en in self.gate_failures]
        return out


@dataclass(frozen=True, kw_only=True)
class TimingAdvice:
    """The timing recommendation for one lead at one moment."""

    lead_id: str
    as_of: datetime
    action: str  # a key of `readiness.scoring.timing.ACTIONS`
    action_ja: str
    action_en: str
    probability: Annotated[
        float, Field(description="Win probability of a toss-up now.")
    ]
    probability_7d_ago: Annotated[
        float | None,
        Field(description="The same memo scored as of 7 days earlier."),
    ] = None
    probability_14d_ago: float | None = None
    trend_per_week: Annotated[
        float | None,
        Field(description="Change of the probability per week (recent 1-2 weeks)."),
    ] = None
    expected_change: Annotated[
        float,
        Field(
            description="Value of waiting: the most the behaviour-based win "
            "chance is expected to rise within the next lookahead_days (negative: "
            "no later moment is expected to be as good), learned from past leads. "
            "Timing models fitted before this: the change after lookahead_days."
        ),
    ]
    lookahead_days: int
    next_element: Annotated[
        MissingElement | None,
        Field(description="When nurturing: the element to collect next."),
    ] = None
    reasons: tuple[tuple[str, str], ...]  # (ja, en)
    warnings: tuple[str, ...]
    state: Annotated[
        LeadState,
        Field(
            description="The lead at as_of: open, dormant (no activity for the "
            "timing model's dormant_days), handed_off, won or lost. Only open "
            "leads get toss-up advice; dormant ones are recycled to marketing."
        ),
    ] = "open"
    state_ja: str = "未トスアップ"
    state_en: str = "open"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ISO time, lists, dicts with named fields."""
        out: dict[str, Any] = plain(self)
        out["reasons"] = [{"ja": ja, "en": en} for ja, en in self.reasons]
        return out


# --- as table columns (batch output) -------------------------------------------------

SCORE_COLUMNS: Final = (
    "lead_id",
    "as_of",
    "probability",
    "probability_low",
    "probability_high",
    "points",
    "grade",
    "rubric_total",
    "rubric_band",
    "rubric_band_ja",
    "gate_passed",
    "gate_failures",
    "top_missing",
    "top_missing_ja",
    "top_missing_effects",
    "top_factors",
    "top_factors_ja",
    "explained",
    "model_version",
)


def _factors(score: LeadScore, lang: str) -> str:
    label = "label_ja" if lang == "ja" else "label_en"
    return "; ".join(
        f"{getattr(f, label)} ({f.contribution:+.3f})"
        for f in (*score.positive, *score.negative)
    )


def _effects(score: LeadScore) -> str:
    """Each missing element's adjusted effect on this lead, points with interval."""

    def one(m: MissingElement) -> str:
        if m.effect is None or m.effect_low is None or m.effect_high is None:
            return f"{m.element} (no adjusted effect)"
        verdict = "robust" if m.effect_robust else "told" if m.effect_told else "≈0"
        return (
            f"{m.element} ({100 * m.effect:+.1f} pt [{100 * m.effect_low:+.1f}, "
            f"{100 * m.effect_high:+.1f}] {verdict})"
        )

    return "; ".join(one(m) for m in score.missing)


def _floats(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def score_table(scores: Sequence[LeadScore]) -> pd.DataFrame:
    """One row per score, `SCORE_COLUMNS`, typed (also when there are none);
    factors and missing elements as `label (±change)` lists joined by "; "."""
    return pd.DataFrame(
        {
            "lead_id": [s.lead_id for s in scores],
            "as_of": pd.to_datetime([s.as_of for s in scores]).astype("datetime64[us]"),
            "probability": np.array([s.probability for s in scores], dtype=np.float64),
            "probability_low": _floats([s.probability_low for s in scores]),
            "probability_high": _floats([s.probability_high for s in scores]),
            "points": np.array([s.points for s in scores], dtype=np.float64),
            "grade": [s.grade for s in scores],
            "rubric_total": np.array(
                [s.rubric_total for s in scores], dtype=np.float64
            ),
            "rubric_band": [s.rubric_band for s in scores],
            "rubric_band_ja": [s.rubric_band_ja for s in scores],
            "gate_passed": np.array([s.gate_passed for s in scores], dtype=bool),
            "gate_failures": [
                "; ".join(en for _ja, en in s.gate_failures) for s in scores
            ],
            "top_missing": [
                "; ".join(f"{m.element} ({m.gain:+.3f})" for m in s.missing)
                for s in scores
            ],
            "top_missing_ja": [
                "; ".join(f"{m.label_ja} ({m.gain:+.3f})" for m in s.missing)
                for s in scores
            ],
            "top_missing_effects": [_effects(s) for s in scores],
            "top_factors": [_factors(s, "en") for s in scores],
            "top_factors_ja": [_factors(s, "ja") for s in scores],
            "explained": np.array(
                [bool(s.positive or s.negative or s.missing) for s in scores],
                dtype=bool,
            ),
            "model_version": [s.model_version or "" for s in scores],
        },
        columns=list(SCORE_COLUMNS),
    )
