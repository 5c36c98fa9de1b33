"""Effect-following rubric weights: proportional to the items' positive adjusted
effects, whole points summing to 100, intervals around the point, and none when
no item's effect is told apart from zero."""

from __future__ import annotations

import json

import numpy as np
import pytest

from readiness.model.effect_weights import NO_SUPPORT, effect_weights
from readiness.model.effects import ElementEffect, ElementEffects

ITEMS = {
    "basics": ("basics",),
    "bant": ("budget", "authority"),
    "competition": ("competition",),
}


def _effect(element: str, effect: float | None, se: float = 0.005) -> ElementEffect:
    if effect is None:
        return ElementEffect(
            element=element,
            can_tell=False,
            reason="confirmed in 99% of memos",
            n=1000,
            share_filled=0.99,
            naive=None,
        )
    return ElementEffect(
        element=element,
        can_tell=True,
        reason="",
        n=1000,
        share_filled=0.5,
        naive=effect,
        effect=effect,
        ci_low=effect - 1.96 * se,
        ci_high=effect + 1.96 * se,
        std_error=se,
    )


def _effects(**values: float | None) -> ElementEffects:
    return ElementEffects(
        effects=tuple(_effect(k, v) for k, v in values.items()),
        n=1000,
        confounders=(),
        n_folds=5,
        seed=0,
        adjusts_other_elements=True,
    )


def test_known_effects_give_known_whole_point_weights() -> None:
    # items: basics 0.02, bant 0.03 + 0.03, competition 0.02 → 20 / 60 / 20
    ew = effect_weights(
        _effects(basics=0.02, budget=0.03, authority=0.03, competition=0.02), ITEMS
    )
    assert ew.available and ew.reason == ""
    assert ew.weights == {"basics": 20, "bant": 60, "competition": 20}
    assert ew["bant"].effect == pytest.approx(0.06)
    assert ew["bant"].weight_continuous == pytest.approx(60.0)


def test_weights_are_whole_non_negative_and_sum_to_100() -> None:
    ew = effect_weights(
        _effects(basics=0.011, budget=0.037, authority=-0.01, competition=-0.02),
        ITEMS,
    )
    weights = ew.weights
    assert weights is not None
    assert sum(weights.values()) == 100
    assert all(isinstance(w, int) and w >= 0 for w in weights.values())
    # a negative item effect earns nothing
    assert weights["competition"] == 0


def test_every_interval_contains_its_point_and_draws_are_seeded() -> None:
    values = {"basics": 0.02, "budget": 0.03, "authority": 0.01, "competition": 0.02}
    ew = effect_weights(_effects(**values), ITEMS, draws=500, seed=4)
    for item in ew.items:
        assert item.interval is not None and item.weight_continuous is not None
        lo, hi = item.interval
        assert 0 <= lo <= item.weight_continuous <= hi <= 100
    again = effect_weights(_effects(**values), ITEMS, draws=500, seed=4)
    assert [i.interval for i in again.items] == [i.interval for i in ew.items]
    assert ew.usable_draws == 500


def test_an_element_that_cannot_be_told_adds_nothing_and_marks_its_item() -> None:
    ew = effect_weights(
        _effects(basics=0.02, budget=None, authority=0.02, competition=0.04), ITEMS
    )
    assert ew["bant"].untold == ("budget",)
    assert ew["bant"].effect == pytest.approx(0.02)
    assert ew.weights == {"basics": 25, "bant": 25, "competition": 50}
    # an element absent from the estimates counts as one that cannot be told
    partial = effect_weights(_effects(basics=0.02, competition=0.02), ITEMS)
    assert partial["bant"].untold == ("budget", "authority")
    assert partial.weights is not None and partial.weights["bant"] == 0


def test_no_weights_when_no_item_has_a_positive_effect_told_apart_from_zero() -> None:
    noisy = ElementEffects(
        effects=tuple(
            _effect(k, v, se=0.05)
            for k, v in {
                "basics": 0.02,
                "budget": 0.01,
                "authority": -0.03,
                "competition": None,
            }.items()
        ),
        n=1000,
        confounders=(),
        n_folds=5,
        seed=0,
        adjusts_other_elements=True,
    )
    ew = effect_weights(noisy, ITEMS)
    assert not ew.available
    assert ew.reason == NO_SUPPORT
    assert ew.weights is None
    assert all(i.weight is None and i.interval is None for i in ew.items)
    assert "cannot support weights" in ew.reason


def test_to_dict_is_plain_json() -> None:
    ew = effect_weights(
        _effects(basics=0.02, budget=0.03, authority=None, competition=0.01), ITEMS
    )
    document = json.loads(json.dumps(ew.to_dict(), allow_nan=False))
    assert document["available"] is True
    assert document["weights"] == ew.weights
    assert {i["item"] for i in document["items"]} == set(ITEMS)
    assert document["items"][1]["untold"] == ["authority"]
    assert np.isclose(sum(i["weight_continuous"] for i in document["items"]), 100)
