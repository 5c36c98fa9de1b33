"""Rubric item weights that follow the adjusted element effects.

`readiness.rubric.recalibrate` fits item weights to outcomes: they follow what goes
with winning. These follow what confirming an item's elements does to the win
probability, as `readiness.model.effects` estimates it adjusted for behaviour and
intent. An item's effect is the sum of its elements' adjusted effects (BANT's is
the gain of confirming budget, authority, need and timeline); its weight is its
share of the positive item effects, turned into whole points summing to 100 by
largest remainder, as the recalibration rounds. A negative item effect earns 0:
the rubric has no negative points.

Intervals come from Monte Carlo: each element's effect is drawn from
N(effect, std_error²) independently (elements are estimated one at a time, so
their correlation is not known), the weights are recomputed per draw, and the
2.5 / 97.5 percentiles of the continuous weights are reported. An element whose
effect cannot be told contributes nothing and its item is marked; when no item
has a positive effect told apart from zero, there are no weights.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
from scipy.stats import norm

from readiness.model.effects import ElementEffects
from readiness.rubric.fit import whole_points

__all__ = ["EffectWeights", "ItemEffect", "effect_weights"]

NO_SUPPORT: Final = (
    "the adjusted effects cannot support weights: no item has a positive effect "
    "told apart from zero"
)
# Fewer usable draws than this give no interval.
_MIN_DRAWS: Final = 10


@dataclass(frozen=True)
class ItemEffect:
    """One rubric item: its adjusted effect (probability) and effect-following weight.

    `effect` sums the effects of the elements that can be told; `ci_low` /
    `ci_high` are its normal 95 % interval (standard errors added in quadrature).
    `untold` lists the elements whose effect cannot be told (they add nothing).
    `weight` / `weight_continuous` are None when the effects support no weights;
    `interval` is the Monte Carlo 95 % interval of the continuous weight.
    """

    item: str
    elements: tuple[str, ...]
    effect: float
    ci_low: float
    ci_high: float
    untold: tuple[str, ...]
    weight: int | None = None
    weight_continuous: float | None = None
    interval: tuple[float, float] | None = None

    @property
    def told_positive(self) -> bool:
        """A positive effect told apart from zero (its interval lies above 0)."""
        return self.ci_low > 0


@dataclass(frozen=True)
class EffectWeights:
    """Effect-following weights per item; `reason` says why there are none."""

    items: tuple[ItemEffect, ...]
    reason: str
    draws: int
    seed: int
    usable_draws: int = 0

    @property
    def available(self) -> bool:
        return not self.reason

    @property
    def weights(self) -> dict[str, int] | None:
        """Whole points per item (summing to 100), or None."""
        if not self.available:
            return None
        return {i.item: int(i.weight or 0) for i in self.items}

    def __getitem__(self, item: str) -> ItemEffect:
        for i in self.items:
            if i.item == item:
                return i
        raise KeyError(f"{item!r} is not among {[i.item for i in self.items]}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (non-finite numbers become None)."""
        return {
            "available": self.available,
            "reason": self.reason,
            "draws": self.draws,
            "usable_draws": self.usable_draws,
            "seed": self.seed,
            "weights": self.weights,
            "items": [
                {
                    "item": i.item,
                    "elements": list(i.elements),
                    "effect": _f(i.effect),
                    "ci_low": _f(i.ci_low),
                    "ci_high": _f(i.ci_high),
                    "told_positive": i.told_positive,
                    "untold": list(i.untold),
                    "weight": i.weight,
                    "weight_continuous": _f(i.weight_continuous),
                    "interval": None
                    if i.interval is None
                    else [_f(i.interval[0]), _f(i.interval[1])],
                }
                for i in self.items
            ],
        }


def _f(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def _continuous(item_effects: np.ndarray) -> np.ndarray:
    """Weights summing to 100 ∝ max(0, effect) along the last axis (NaN if none)."""
    positive = np.maximum(item_effects, 0.0)
    total = positive.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 100.0 * positive / total, np.nan)


def effect_weights(
    effects: ElementEffects,
    items: Mapping[str, Sequence[str]],
    *,
    draws: int = 2000,
    seed: int = 0,
) -> EffectWeights:
    """Whole-point item weights proportional to the items' positive adjusted effects.

    `items` maps each rubric item to the elements it scores (e.g.
    `readiness.reports.recalibration_effects.ITEM_ELEMENTS`); an element missing
    from `effects` counts as one whose effect cannot be told.
    """
    if draws < 0:
        raise ValueError(f"draws must be >= 0, got {draws}")
    known = {e.element: e for e in effects.effects}
    names = list(items)
    # (items × elements) membership over the elements that can be told.
    told = [
        e
        for e in dict.fromkeys(x for els in items.values() for x in els)
        if e in known and known[e].can_tell and known[e].effect is not None
    ]
    member = np.array(
        [[1.0 if e in items[k] else 0.0 for e in told] for k in names]
    ).reshape(len(names), len(told))
    mean = np.array([float(known[e].effect or 0.0) for e in told])
    se = np.array([float(known[e].std_error or 0.0) for e in told])
    item_effect = member @ mean
    item_se = np.sqrt(member @ se**2)
    z = float(norm.ppf(0.975))
    records = [
        ItemEffect(
            item=k,
            elements=tuple(items[k]),
            effect=float(item_effect[i]),
            ci_low=float(item_effect[i] - z * item_se[i]),
            ci_high=float(item_effect[i] + z * item_se[i]),
            untold=tuple(e for e in items[k] if e not in told),
        )
        for i, k in enumerate(names)
    ]
    if not any(r.told_positive for r in records):
        return EffectWeights(
            items=tuple(records), reason=NO_SUPPORT, draws=draws, seed=seed
        )

    cont = _continuous(item_effect)
    whole = whole_points(cont)
    rng = np.random.default_rng(seed)
    drawn = rng.normal(mean, se, size=(draws, len(told))) @ member.T
    boot = _continuous(drawn)
    usable = boot[np.isfinite(boot).all(axis=1)]
    intervals: list[tuple[float, float] | None] = [None] * len(names)
    if len(usable) >= _MIN_DRAWS:
        lo, hi = np.percentile(usable, [2.5, 97.5], axis=0)
        intervals = [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]
    records = [
        replace(
            r,
            weight=int(whole[i]),
            weight_continuous=float(cont[i]),
            interval=intervals[i],
        )
        for i, r in enumerate(records)
    ]
    return EffectWeights(
        items=tuple(records),
        reason="",
        draws=draws,
        seed=seed,
        usable_draws=len(usable),
    )
