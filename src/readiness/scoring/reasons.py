"""Why a toss-up scores as it does, and what IS should collect next.

Two explanations, both in business terms. *Factors*: the model's per-feature
log-odds contributions (TreeSHAP of the uncalibrated booster), named with
`feature_info` and with the memo's text components folded into one "memo wording"
factor; a rubric-served bundle explains by its rubric items instead. *Missing
elements*: each information element the memo leaves vague (partial), not obtained
(only a "not known" marker, 未取得) or empty, with the win
probability the model gives the same toss-up had IS collected it (the
counterfactual rows of `readiness.model.explain`). Pure functions;
`readiness.scoring.score` calls them once per batch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from readiness.features.build import feature_info
from readiness.fields import ELEMENT_KEYS, element
from readiness.model.config import ExplainMethod
from readiness.model.estimators import RUBRIC_TOTAL, RubricModel
from readiness.model.explain import Counterfactual, MemoRead, logit
from readiness.scoring.results import (
    Factor,
    GainMethod,
    MissingElement,
    MissingStatus,
)

__all__ = [
    "WORDING",
    "adjusted_on_lead",
    "model_factors",
    "rank_missing",
    "rubric_factors",
]

WORDING: Final = "memo_text"  # every memo_text_svd_* component, as one factor
_SVD_PREFIX: Final = "memo_text_svd_"
_WORDING_LABELS: Final = ("メモの書きぶり（文面の特徴）", "memo wording")
_ELEMENT_ORDER: Final = {k: i for i, k in enumerate(ELEMENT_KEYS)}

# Feature rows: a frame of `build_features`, or rows as {column: value}.
Rows = pd.DataFrame | Sequence[Mapping[str, Any]]


def _group_of(column: str) -> str:
    return WORDING if column.startswith(_SVD_PREFIX) else column


def _labels(name: str, extra_names: Mapping[str, str]) -> tuple[str, str, str]:
    if name == WORDING:
        return "memo", *_WORDING_LABELS
    try:
        info = feature_info(name, extra_names=extra_names)
    except KeyError:  # a column this version cannot name: show it as it is
        return "other", name, name
    return info.group, info.label_ja, info.label_en


def _value(features: Rows, row: int, name: str) -> float | str | None:
    if isinstance(features, pd.DataFrame):
        if name == WORDING or name not in features.columns:
            return None
        value = features[name].iloc[row]
    else:
        if name == WORDING or name not in features[row]:
            return None
        value = features[row][name]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.floating | float | int | np.integer):
        out = float(value)
        return None if math.isnan(out) else out
    return None if pd.isna(value) else str(value)


def _top(contrib: np.ndarray, top_k: int) -> tuple[list[int], list[int]]:
    """Indices of the top_k largest positive and the top_k most negative values."""
    order = np.argsort(-contrib, kind="stable")
    positive = [int(j) for j in order[:top_k] if contrib[j] > 0]
    negative = [int(j) for j in order[::-1][:top_k] if contrib[j] < 0]
    return positive, negative


def model_factors(
    contributions: pd.DataFrame,
    features: Rows,
    *,
    top_k: int,
    extra_names: Mapping[str, str] | None = None,
) -> list[tuple[tuple[Factor, ...], tuple[Factor, ...]]]:
    """Top positive and negative factors per row, from the booster's contributions.

    `contributions` is `WinModel.contributions` of `features` (row for row), a
    frame or rows as {column: value}.
    """
    if not len(features):
        return []
    # plain arrays: dropping a column of a wide frame cost a single lead ~1 ms
    columns = [str(c) for c in contributions.columns]
    kept = [j for j, c in enumerate(columns) if c != "bias"]
    groups = [_group_of(columns[j]) for j in kept]
    names = list(dict.fromkeys(groups))
    index = {n: i for i, n in enumerate(names)}
    fold = np.zeros((len(groups), len(names)))
    fold[np.arange(len(groups)), [index[g] for g in groups]] = 1.0
    grouped = contributions.to_numpy(dtype=np.float64)[:, kept] @ fold
    labels: dict[str, tuple[str, str, str]] = {}  # named as they are shown
    out = []
    for row in range(len(features)):
        positive, negative = _top(grouped[row], top_k)

        def make(j: int, row: int = row) -> Factor:
            name = names[j]
            if name not in labels:
                labels[name] = _labels(name, extra_names or {})
            value = _value(features, row, name)
            group, ja, en = labels[name]
            return Factor(
                name=name,
                group=group,
                label_ja=ja,
                label_en=en,
                value=value,
                contribution=float(grouped[row, j]),
            )

        out.append((tuple(make(j) for j in positive), tuple(make(j) for j in negative)))
    return out


def rubric_factors(
    model: RubricModel, reads: Sequence[MemoRead], *, top_k: int
) -> list[tuple[tuple[Factor, ...], tuple[Factor, ...]]]:
    """Rubric items as factors: each item's points against its share of the average.

    The calibrated rubric is logistic in the total, so its log-odds split exactly
    over the items: slope × (item points − item max × average total / 100).
    """
    slope, mean_total = _rubric_slope(model)
    out = []
    for read in reads:
        items = read.result.items
        contrib = np.array(
            [slope * (i.points - i.max * mean_total / 100.0) for i in items]
        )
        positive, negative = _top(contrib, top_k)

        def make(j: int, items: tuple = items, contrib: np.ndarray = contrib) -> Factor:
            i = items[j]
            return Factor(
                name=f"rubric_{i.key}",
                group="rubric",
                label_ja=f"{i.label_ja}（{i.max:g}点満点）",
                label_en=f"{i.label_en} (of {i.max:g} points)",
                value=float(i.points),
                contribution=float(contrib[j]),
            )

        out.append((tuple(make(j) for j in positive), tuple(make(j) for j in negative)))
    return out


def _rubric_slope(model: RubricModel) -> tuple[float, float]:
    """Log-odds per rubric point and the training mean of the total."""
    if tuple(model.columns) != (RUBRIC_TOTAL,):
        return 0.0, 0.0
    scaler = model.model_.named_steps["standardscaler"]
    logistic = model.model_.named_steps["logisticregression"]
    slope = float(logistic.coef_[0][0]) / float(scaler.scale_[0])
    return slope, float(scaler.mean_[0])


def rank_missing(
    plan: Sequence[Counterfactual],
    p_now: np.ndarray,
    p_if: np.ndarray,
    n_rows: int,
    *,
    effects: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
    own_weight: float = 1.0,
    min_count: int = 20,
    adjusted: Mapping[str, Any] | None = None,
    method: ExplainMethod = "blend",
    vague_fraction: float = 0.5,
) -> list[tuple[MissingElement, ...]]:
    """Missing elements per scored row, in the order IS should collect them.

    The model's gain: a single lead's counterfactual is noisy (flipping one status
    moves a few tree leaves, and the trees learned the elements' small effects
    unevenly). With `effects` (the model's average effect per element and status,
    see `element_effects`), each lead's log-odds change is shrunk towards the
    average, `own_weight × own + (1 − own_weight) × average`, and applied to the
    lead's own probability; an element/status with fewer than `min_count` training
    counterfactuals keeps the lead's own change.

    With `adjusted` (a bundle's `adjusted_effects`), every element the data could
    tell carries its adjusted effect on this lead and its interval
    (`adjusted_on_lead`). `method` orders the list and picks the gain shown:
    "blend" by the model's gain; "adjusted" by the adjusted effect (the model's
    gain where there is none); "points" robust adjusted effects first (by their
    effect), then the rubric points, then the model's gain. Remaining ties:
    rubric points, then template order.
    """
    stored = (adjusted or {}).get("elements") or {}
    base_rate = float((adjusted or {}).get("base_rate", math.nan))
    per_row: list[list[MissingElement]] = [[] for _ in range(n_rows)]
    for c, p in zip(plan, p_if, strict=True):
        e = element(c.element)
        base = float(p_now[c.row])
        average = (effects or {}).get(c.element, {}).get(c.status)
        if average is not None and average["n"] >= min_count and own_weight < 1:
            own = float(logit(p) - logit(base))
            shift = own_weight * own + (1 - own_weight) * average["log_odds"]
            p = float(1 / (1 + np.exp(-(logit(base) + shift))))
        share = 1.0 - vague_fraction if c.status == "vague" else 1.0
        known = stored.get(c.element)
        effect = adjusted_on_lead(known, base_rate, base, share)
        method_used: GainMethod = "model"
        gain = float(p - base)
        if method == "adjusted" and effect is not None:
            method_used, gain, p = "adjusted", effect[0], base + effect[0]
        per_row[c.row].append(
            MissingElement(
                element=c.element,
                label_ja=e.ja,
                label_en=e.en,
                status=cast(MissingStatus, c.status),
                gain=gain,
                probability_if_collected=float(p),
                rubric_points=c.rubric_points,
                question_ja=e.question_ja,
                question_en=e.question_en,
                gain_method=method_used,
                effect=None if effect is None else effect[0],
                effect_low=None if effect is None else effect[1],
                effect_high=None if effect is None else effect[2],
                effect_told=bool(known and known.get("told")),
                effect_robust=bool(known and known.get("robust")),
            )
        )

    def order(m: MissingElement) -> tuple[float, ...]:
        tail = (-m.rubric_points, float(_ELEMENT_ORDER[m.element]))
        if method == "points":
            robust = m.effect if m.effect_robust and m.effect is not None else 0.0
            return (-max(robust, 0.0), -m.rubric_points, -m.gain, *tail)
        return (-m.gain, *tail)

    return [tuple(sorted(row, key=order)) for row in per_row]


def adjusted_on_lead(
    stored: Mapping[str, Any] | None, base_rate: float, p: float, share: float
) -> tuple[float, float, float] | None:
    """(change, low, high) in this lead's win probability from an element's
    adjusted effect, or None when the data could not tell it.

    The effect is an average change in probability at the training win rate; it is
    carried to the lead as the same change in log-odds (a lead at 5 % moves less
    than one at 40 %), times `share` (a vague element is partly known already).
    """
    if not stored or not stored.get("can_tell") or stored.get("effect") is None:
        return None
    if not 0.0 < base_rate < 1.0:
        return None
    here = float(logit(p))

    def moved(delta: float) -> float:
        q = min(max(base_rate + delta, 1e-4), 1 - 1e-4)
        shift = float(logit(q) - logit(base_rate)) * share
        return float(1 / (1 + math.exp(-(here + shift)))) - p

    return (
        moved(float(stored["effect"])),
        moved(float(stored["ci_low"])),
        moved(float(stored["ci_high"])),
    )
