"""Why a toss-up scores as it does, and what IS should collect next.

Two explanations, both in business terms. *Factors*: the model's per-feature
log-odds contributions (TreeSHAP of the uncalibrated booster), named with
`feature_info` and with the memo's text components folded into one "memo wording"
factor; a rubric-served bundle explains by its rubric items instead. *Missing
elements*: each information element the memo leaves vague or empty, with the win
probability the model gives the same toss-up had IS collected it (a counterfactual
feature row). Pure functions; `readiness.scoring.score` calls them once per batch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from readiness.features.build import feature_info
from readiness.fields import BANT_KEYS, ELEMENT_KEYS, element, fields_of_element
from readiness.memo.parse import Memo, parse_memo
from readiness.model.estimators import RUBRIC_TOTAL, RubricModel
from readiness.rubric.score import CRITERIA, Rubric, RubricResult, score_memo

__all__ = [
    "WORDING",
    "Factor",
    "MemoRead",
    "MissingElement",
    "counterfactual_edits",
    "counterfactual_rows",
    "edited_rows",
    "element_effects",
    "model_factors",
    "rank_missing",
    "read_memo",
    "read_memos",
    "rubric_factors",
]

WORDING: Final = "memo_text"  # every memo_text_svd_* component, as one factor
_SVD_PREFIX: Final = "memo_text_svd_"
_WORDING_LABELS: Final = ("メモの書きぶり（文面の特徴）", "memo wording")
_FILLED: Final = 2.0  # the features' status code of a filled field / element
_ELEMENT_ORDER: Final = {k: i for i, k in enumerate(ELEMENT_KEYS)}
_EPOCH: Final = date(1970, 1, 1)


@dataclass(frozen=True)
class Factor:
    """A reason for the score: a feature (or group) and its log-odds contribution."""

    name: str
    group: str
    label_ja: str
    label_en: str
    value: float | str | None
    contribution: float  # log-odds


@dataclass(frozen=True)
class MissingElement:
    """An element the memo leaves vague or empty, and what collecting it is worth.

    `gain` is the model's counterfactual change in win probability — this lead's
    own change blended with the element's average effect (see `rank_missing`); it
    can be zero or negative when the model learned that the element does not move
    outcomes on this data (it is then listed last, still with its question and
    rubric points).
    """

    element: str
    label_ja: str
    label_en: str
    status: str  # "vague" | "empty"
    gain: float
    probability_if_collected: float
    rubric_points: float
    question_ja: str
    question_en: str


@dataclass(frozen=True)
class MemoRead:
    """One memo as the rubric read it, plus what collecting each element adds per item.

    `shortfall[element][item]` is the rubric points the element's criteria miss in
    that item; their sum is the rubric's `MissingElement.points`.
    """

    result: RubricResult
    meeting_agreed: bool
    shortfall: Mapping[str, Mapping[str, float]]


def read_memo(memo: Memo, result: RubricResult, rubric: Rubric) -> MemoRead:
    """Per element and item, the points its criteria fall short of (as the rubric)."""
    vague = rubric.vague_fraction
    worth = {"filled": 1.0, "vague": vague, "empty": 0.0}
    shortfall: dict[str, dict[str, float]] = {k: {} for k in ELEMENT_KEYS}
    for key, item in rubric.items.items():
        for name, share in item.criteria.items():
            criterion = CRITERIA[name]
            if criterion.element not in shortfall:
                continue  # history / notes: no element to collect
            if criterion.field is not None:
                frac = worth[memo.status(criterion.field)]
            else:
                frac = min(1.0, max(0.0, criterion.score(memo, vague)))
            lost = item.weight * share * (1.0 - frac)
            if lost > 0:
                per_item = shortfall[criterion.element]
                per_item[key] = per_item.get(key, 0.0) + lost
    return MemoRead(result, memo.meeting_agreed, shortfall)


def read_memos(
    memos: Sequence[object], as_of: pd.Series, rubric: Rubric
) -> tuple[list[MemoRead], list[tuple[str, ...]]]:
    """The rubric's reading of each memo as of its day, each distinct one once,
    and the notes on each (parser warnings, or that there is no memo).

    Read exactly as `build_features` reads it (non-text or blank is no memo), so
    the rubric shown matches the rubric features the model saw.
    """
    days = as_of.to_numpy(dtype="datetime64[D]").astype(np.int64).tolist()
    cache: dict[tuple[str, int], tuple[MemoRead, tuple[str, ...]]] = {}
    reads, warnings = [], []
    for raw, day in zip(memos, days, strict=True):
        text = raw if isinstance(raw, str) and raw.strip() else ""
        key = (text, day if text else 0)
        if key not in cache:
            memo = parse_memo(text or None, reference_date=_EPOCH + timedelta(day))
            result = score_memo(memo, rubric=rubric)
            notes = tuple(f"memo: {w}" for w in memo.warnings)
            if not text:
                notes = ("no hand-off memo: every information element is missing",)
            cache[key] = (read_memo(memo, result, rubric), notes)
        reads.append(cache[key][0])
        warnings.append(cache[key][1])
    return reads, warnings


# --- factors -------------------------------------------------------------------------


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


def _value(features: pd.DataFrame, row: int, name: str) -> float | str | None:
    if name == WORDING or name not in features.columns:
        return None
    value = features[name].iloc[row]
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
    features: pd.DataFrame,
    *,
    top_k: int,
    extra_names: Mapping[str, str] | None = None,
) -> list[tuple[tuple[Factor, ...], tuple[Factor, ...]]]:
    """Top positive and negative factors per row, from the booster's contributions.

    `contributions` is `WinModel.contributions` of `features` (row for row).
    """
    if not len(features):
        return []
    raw = contributions.drop(columns="bias")
    groups = [_group_of(c) for c in raw.columns]
    names = list(dict.fromkeys(groups))
    index = {n: i for i, n in enumerate(names)}
    fold = np.zeros((len(groups), len(names)))
    fold[np.arange(len(groups)), [index[g] for g in groups]] = 1.0
    grouped = raw.to_numpy(dtype=np.float64) @ fold
    labels: dict[str, tuple[str, str, str]] = {}  # named as they are shown
    out = []
    for row in range(len(features)):
        positive, negative = _top(grouped[row], top_k)

        def make(j: int, row: int = row) -> Factor:
            name = names[j]
            if name not in labels:
                labels[name] = _labels(name, extra_names or {})
            value = _value(features, row, name)
            return Factor(name, *labels[name], value, float(grouped[row, j]))

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
                f"rubric_{i.key}",
                "rubric",
                f"{i.label_ja}（{i.max:g}点満点）",
                f"{i.label_en} (of {i.max:g} points)",
                float(i.points),
                float(contrib[j]),
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


# --- missing elements ----------------------------------------------------------------


@dataclass(frozen=True)
class Counterfactual:
    """One counterfactual row: which scored row, which element, at what rubric cost."""

    row: int
    element: str
    status: str
    rubric_points: float


def counterfactual_rows(
    features: pd.DataFrame,
    reads: Sequence[MemoRead],
    rows: Sequence[int],
    *,
    rubric: Rubric,
    item_names: Mapping[str, str],
) -> tuple[pd.DataFrame, list[Counterfactual]]:
    """Feature rows as if IS had collected each missing element of each given row.

    The rows of `counterfactual_edits`, applied to copies of the scored rows.
    """
    plan, edits = counterfactual_edits(
        features, reads, rows, rubric=rubric, item_names=item_names
    )
    pairs = list(zip([c.row for c in plan], edits, strict=True))
    return edited_rows(features, pairs), plan


def edited_rows(
    features: pd.DataFrame, edits: Sequence[tuple[int, Mapping[str, float]]]
) -> pd.DataFrame:
    """Copies of rows (by position) with features replaced: (row, {name: value})."""
    cf = features.iloc[[row for row, _ in edits]].reset_index(drop=True)
    names = sorted({name for _, edit in edits for name in edit})
    columns = {c: cf[c].to_numpy(dtype=np.float32, copy=True) for c in names}
    for i, (_, edit) in enumerate(edits):
        for name, value in edit.items():
            columns[name][i] = value
    for name, values in columns.items():
        cf[name] = values
    return cf


def counterfactual_edits(
    features: pd.DataFrame,
    reads: Sequence[MemoRead],
    rows: Sequence[int],
    *,
    rubric: Rubric,
    item_names: Mapping[str, str],
) -> tuple[list[Counterfactual], list[dict[str, float]]]:
    """What changes in a scored row's features had IS collected a missing element.

    One `Counterfactual` per missing element of each given row, and its edits
    (feature → new value, only features the frame has): the element's memo field
    statuses and its element status become filled, the rubric points it costs are
    added to its items (and the total, the confirmed BANT count and the gate
    follow); extracted values (amounts, dates) stay as they were, i.e. unknown:
    collecting tells FS the answer, not which answer it is.
    """
    plan: list[Counterfactual] = []
    for row in rows:
        for m in reads[row].result.missing:
            plan.append(Counterfactual(row, m.key, m.status, float(m.points)))
    known = set(_touched(features))
    gate = rubric.gate
    edits: list[dict[str, float]] = []
    for c in plan:
        edit: dict[str, float] = {}

        def put(name: str, value: float, edit: dict[str, float] = edit) -> None:
            if name in known:  # a bundle trained without the column ignores it
                edit[name] = float(value)

        read = reads[c.row]
        result = read.result
        for f in fields_of_element(c.element):
            put(f"memo_{f.key}_status", _FILLED)
        put(f"element_{c.element}_status", _FILLED)
        added = read.shortfall.get(c.element, {})
        for item, lost in added.items():
            score = next(s for s in result.items if s.key == item)
            put(
                f"rubric_{item_names[item]}_points",
                min(score.max, round(score.points + lost, 2)),
            )
        total = round(min(100.0, result.total + sum(added.values())), 1)
        put(RUBRIC_TOTAL, total)
        bant = result.bant_confirmed + int(
            c.element in BANT_KEYS and result.element_status[c.element] != "filled"
        )
        put("rubric_bant_confirmed", bant)
        concrete = result.needs_concrete or c.element == "problem"
        if c.element == "problem":
            put(
                "rubric_needs_signals",
                max(result.needs_signals, gate.min_needs_signals),
            )
        agreed = read.meeting_agreed or c.element == "next_action"
        passed = (
            bant >= gate.min_bant_confirmed
            and (concrete or not gate.require_concrete_needs)
            and (agreed or not gate.require_meeting_agreed)
            and total >= gate.min_score
        )
        put("rubric_gate_passed", float(passed))
        edits.append(edit)
    return plan, edits


def _touched(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if (c.startswith(("memo_", "element_")) and c.endswith("_status"))
        or c.startswith("rubric_")
    ]


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)))


def element_effects(
    plan: Sequence[Counterfactual], p_now: np.ndarray, p_if: np.ndarray
) -> dict[str, dict[str, dict[str, float]]]:
    """The model's average effect of collecting each element, per status.

    `{element: {status: {"log_odds": mean change, "n": counterfactuals}}}` over the
    given rows (training stores it from its calibration slice): what collecting an
    element typically does, which `rank_missing` blends with each lead's own.
    """
    shifts: dict[tuple[str, str], list[float]] = {}
    own = _logit(p_if) - _logit(p_now[[c.row for c in plan]]) if plan else []
    for c, d in zip(plan, own, strict=True):
        shifts.setdefault((c.element, c.status), []).append(float(d))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for (key, status), values in sorted(shifts.items()):
        out.setdefault(key, {})[status] = {
            "log_odds": float(np.mean(values)),
            "n": float(len(values)),
        }
    return out


def rank_missing(
    plan: Sequence[Counterfactual],
    p_now: np.ndarray,
    p_if: np.ndarray,
    n_rows: int,
    *,
    effects: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
    own_weight: float = 1.0,
    min_count: int = 20,
) -> list[tuple[MissingElement, ...]]:
    """Missing elements per scored row, the largest gain first.

    A single lead's counterfactual is noisy: flipping one status moves a few tree
    leaves, and the trees learned the elements' small effects unevenly. With
    `effects` (the model's average effect per element and status, see
    `element_effects`), each lead's log-odds change is shrunk towards the average,
    `own_weight × own + (1 − own_weight) × average`, and applied to the lead's own
    probability; an element/status with fewer than `min_count` training
    counterfactuals keeps the lead's own change. Ties (and non-positive gains)
    fall back to rubric points, then template order.
    """
    per_row: list[list[MissingElement]] = [[] for _ in range(n_rows)]
    for c, p in zip(plan, p_if, strict=True):
        e = element(c.element)
        base = float(p_now[c.row])
        average = (effects or {}).get(c.element, {}).get(c.status)
        if average is not None and average["n"] >= min_count and own_weight < 1:
            own = float(_logit(p) - _logit(base))
            shift = own_weight * own + (1 - own_weight) * average["log_odds"]
            p = float(1 / (1 + np.exp(-(_logit(base) + shift))))
        per_row[c.row].append(
            MissingElement(
                element=c.element,
                label_ja=e.ja,
                label_en=e.en,
                status=c.status,
                gain=float(p - base),
                probability_if_collected=float(p),
                rubric_points=c.rubric_points,
                question_ja=e.question_ja,
                question_en=e.question_en,
            )
        )
    return [
        tuple(
            sorted(
                found,
                key=lambda m: (-m.gain, -m.rubric_points, _ELEMENT_ORDER[m.element]),
            )
        )
        for found in per_row
    ]
