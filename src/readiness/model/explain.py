"""What the model would say had IS collected a missing element: the counterfactuals.

The rubric's reading of each memo (what each element's criteria fall short of),
the counterfactual feature rows that fill one missing element each, and the
model's average effect of collecting an element (stored by training). Turning them
into the factors and ranked missing elements of a score is
`readiness.scoring.reasons`. Pure functions; `readiness.scoring.score` calls them
once per batch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from readiness.features.memo_cache import memo_key, reader_version
from readiness.fields import BANT_KEYS, ELEMENT_KEYS, fields_of_element
from readiness.memo.parse import Memo, parse_memo
from readiness.model.estimators import RUBRIC_TOTAL
from readiness.rubric.config import Rubric
from readiness.rubric.criteria import CRITERIA
from readiness.rubric.score import RubricResult, score_memo

__all__ = [
    "Counterfactual",
    "MemoRead",
    "counterfactual_edits",
    "counterfactual_rows",
    "edited_rows",
    "element_effects",
    "logit",
    "read_memo",
    "read_memos",
]

_FILLED: Final = 2.0  # the features' status code of a filled field / element
_EPOCH: Final = date(1970, 1, 1)


@dataclass(frozen=True)
class MemoRead:
    """One memo as the rubric read it, plus what collecting each element adds per item.

    `shortfall[element][item]` is the rubric points the element's criteria miss in
    that item; their sum is the rubric's `ElementGap.points`.
    """

    result: RubricResult
    meeting_agreed: bool
    shortfall: Mapping[str, Mapping[str, float]]


def read_memo(memo: Memo, result: RubricResult, rubric: Rubric) -> MemoRead:
    """Per element and item, the points its criteria fall short of (as the rubric)."""
    vague = rubric.vague_fraction
    worth = {"filled": 1.0, "vague": vague, "not_obtained": 0.0, "empty": 0.0}
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
    memos: Sequence[object], as_of: pd.Series | np.ndarray, rubric: Rubric
) -> tuple[list[MemoRead], list[tuple[str, ...]]]:
    """The rubric's reading of each memo as of its day, each distinct one once,
    and the notes on each (parser warnings, or that there is no memo).

    Read exactly as `build_features` reads it (non-text or blank is no memo), so
    the rubric shown matches the rubric features the model saw.
    """
    days = np.asarray(as_of, dtype="datetime64[D]").astype(np.int64).tolist()
    version = reader_version(rubric)
    reads, warnings = [], []
    for raw, day in zip(memos, days, strict=True):
        text = raw if isinstance(raw, str) and raw.strip() else ""
        key = (version, memo_key(text, day if text else 0))
        # A memo never changes once written: a process keeps its recent readings
        # (the API scores the same lead again; a batch explains what it scored).
        with _READ_LOCK:
            got = _READ.get(key)
            if got is not None:
                _READ.move_to_end(key)
        if got is None:
            memo = parse_memo(text or None, reference_date=_EPOCH + timedelta(day))
            result = score_memo(memo, rubric=rubric)
            notes = tuple(f"memo: {w}" for w in memo.warnings)
            if not text:
                notes = ("no hand-off memo: every information element is missing",)
            got = (read_memo(memo, result, rubric), notes)
            with _READ_LOCK:
                _READ[key] = got
                while len(_READ) > _READ_MAX:
                    _READ.popitem(last=False)
        reads.append(got[0])
        warnings.append(got[1])
    return reads, warnings


# recent readings of `read_memos`, by (reader version, memo key)
_READ: OrderedDict[tuple[str, str], tuple[MemoRead, tuple[str, ...]]] = OrderedDict()
_READ_LOCK = threading.Lock()
_READ_MAX = 20_000


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
    features: pd.DataFrame | Sequence[Mapping[str, object]],
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
    collecting tells FS the answer, not which answer it is. `features` is a
    frame, or rows as {column: value}: only its columns are read.
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


def _touched(features: pd.DataFrame | Sequence[Mapping[str, object]]) -> list[str]:
    if isinstance(features, pd.DataFrame):
        columns = list(features.columns)
    else:
        columns = list(features[0]) if len(features) else []
    return [
        c
        for c in columns
        if (c.startswith(("memo_", "element_")) and c.endswith("_status"))
        or c.startswith("rubric_")
    ]


def logit(p: np.ndarray | float) -> np.ndarray:
    """Log-odds, clipped away from 0 and 1."""
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
    own = logit(p_if) - logit(p_now[[c.row for c in plan]]) if plan else []
    for c, d in zip(plan, own, strict=True):
        shifts.setdefault((c.element, c.status), []).append(float(d))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for (key, status), values in sorted(shifts.items()):
        out.setdefault(key, {})[status] = {
            "log_odds": float(np.mean(values)),
            "n": float(len(values)),
        }
    return out
