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

    def with_(self, **changes: Any) -> WorldConfig:
        return replace(self, **changes)
