"""Parameters of the synthetic world.

Every coefficient of the generating model lives here so that a test can build a
world with a known, different truth (say, a heavier Budget effect) and check the
learners recover it. The defaults are the world `make run` and the benchmarks use;
docs/world.md explains what each part means.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from readiness.errors import ReadinessError
from readiness.fields import ELEMENT_KEYS

# Effect on the win log-odds of FS receiving each element concretely (level 2)
# rather than not at all; vague (level 1) gives half. Scaled so that a complete
# memo wins ~25 % more often than a poor one for the same lead (the articles'
# +20-30 %).
DEFAULT_INFO_WEIGHTS: dict[str, float] = {
    "basics": 0.015,
    "problem": 0.055,
    "budget": 0.035,
    "authority": 0.035,
    "need": 0.02,
    "timeline": 0.025,
    "competition": 0.03,
    "next_action": 0.03,
}


@dataclass(frozen=True)
class WorldConfig:
    """A world's size, seed, calendar and causal coefficients."""

    n_leads: int = 20_000
    seed: int = 7
    start: date = date(2025, 1, 6)
    creation_days: int = 480  # leads are created over this many days
    observe_days: int = 540  # the data export is taken this many days after start
    life_days: int = 180  # a lead is followed (events, truth) this long
    n_is_reps: int = 16
    n_fs_reps: int = 10
    chunk_size: int = 10_000  # fixed: results depend on it, so it is not a knob

    # win | meeting held, log-odds
    win_intercept: float = -2.9
    fit_effect: float = 0.75
    intent_effect: float = 1.7  # times intent on the toss-up day (0..1)
    late_competitor_effect: float = -0.8  # competitor lock-in after the peak
    budget_effect: float = 0.55
    authority_effect: float = 0.45
    urgency_high_effect: float = 0.35
    urgency_low_effect: float = -0.3
    timeline_near_effect: float = 0.3
    competitor_effect: float = -0.35
    fs_skill_sd: float = 0.3
    info_scale: float = 1.0
    info_weights: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_INFO_WEIGHTS)
    )

    # meeting held, log-odds
    meeting_intercept: float = -0.1
    meeting_fit_effect: float = 0.3
    meeting_intent_effect: float = 1.2
    meeting_next_action_effect: float = 0.35

    # What intent does to what IS hears. Per element, the share (0..1) of leads
    # whose telling is decided by the day's buying intent: of those, a share
    # `intent` tells the element outright (IS knows it concretely once it has
    # talked to them) and the rest keep it vague. Empty: conversations alone decide.
    record_intent_effects: dict[str, float] = field(default_factory=dict)
    # Times intent in the chance that the customer agrees a concrete next step.
    next_action_intent_effect: float = 0.8

    def __post_init__(self) -> None:
        if self.n_leads < 1:
            raise ValueError(f"n_leads must be at least 1, got {self.n_leads}")
        if self.observe_days <= self.creation_days:
            raise ValueError("observe_days must be larger than creation_days")
        unknown = set(self.info_weights) - set(ELEMENT_KEYS)
        if unknown:
            raise ValueError(
                f"info_weights has unknown elements {sorted(unknown)}; "
                f"use {list(ELEMENT_KEYS)}"
            )
        unknown = set(self.record_intent_effects) - set(ELEMENT_KEYS)
        if unknown:
            raise ValueError(
                f"record_intent_effects has unknown elements {sorted(unknown)}; "
                f"use {list(ELEMENT_KEYS)}"
            )
        bad = {e: k for e, k in self.record_intent_effects.items() if not 0 <= k <= 1}
        if bad:
            raise ValueError(f"record_intent_effects must lie in [0, 1], got {bad}")

    def with_(self, **changes: Any) -> WorldConfig:
        return replace(self, **changes)


class PresetError(ReadinessError, ValueError):
    """A world preset that does not exist; the message names the known ones."""


# The confounded world: keen leads tell budget, authority and timeline and agree a
# next step far more often, while the elements that truly move the win are others
# (competition above all). docs/world.md, "Presets", explains why associations
# mislead there.
CONFOUNDED_INFO_WEIGHTS: dict[str, float] = {
    "basics": 0.015,
    "problem": 0.05,
    "budget": 0.005,
    "authority": 0.02,
    "need": 0.06,
    "timeline": 0.01,
    "competition": 0.14,
    "next_action": 0.005,
}

PRESETS: dict[str, str] = {
    "default": "the home world: WorldConfig() as `make run` and the benchmarks use it",
    "confounded": (
        "buying intent decides whether budget, authority, timeline and the next "
        "step get told; the true element effects differ (competition largest, "
        "budget and next step near zero)"
    ),
}

_PRESET_CHANGES: dict[str, dict[str, Any]] = {
    "default": {},
    "confounded": {
        "info_weights": CONFOUNDED_INFO_WEIGHTS,
        "meeting_next_action_effect": 0.05,
        "record_intent_effects": {"budget": 1.0, "authority": 0.7, "timeline": 0.7},
        "next_action_intent_effect": 1.6,
    },
}


def preset(name: str, **overrides: Any) -> WorldConfig:
    """The named world (see PRESETS), with `overrides` (n_leads, seed, ...) on top."""
    if name not in _PRESET_CHANGES:
        known = ", ".join(PRESETS)
        raise PresetError(
            f"unknown world preset {name!r}; known presets: {known} "
            f"/ 不明なプリセット {name!r}（使えるもの: {known}）"
        )
    changes = {
        k: dict(v) if isinstance(v, dict) else v
        for k, v in _PRESET_CHANGES[name].items()
    }
    return WorldConfig(**{**changes, **overrides})
