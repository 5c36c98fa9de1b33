"""What changed between two points of a lead, and why, in business terms.

Pure: two stored points (rows of `HistoryStore.lead_history`, as mappings) in,
a `Change` out. A model change is kept apart from a data change: when the model
version differs, the probability change is not put down to the data alone. Where
both points carry factor contributions, the part of the log-odds change that
comes from factor groups whose inputs did not change (no new events of that
kind, the memo's elements the same) is the model's share, and is reported so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import pandas as pd

from readiness.features.events import event_kind_info
from readiness.fields import ELEMENT_KEYS, STATUS_EN, STATUS_JA, element
from readiness.scoring.results import plain
from readiness.scoring.timing_model import ACTIONS

__all__ = ["Change", "ElementChange", "history_changes", "what_changed"]

_FILLED: Final = "filled"
_MISSING: Final = ("not_obtained", "empty")
# Factor groups whose inputs are the memo; events feed their kind's group.
_MEMO_GROUPS: Final = ("memo", "rubric", "element")


@dataclass(frozen=True, kw_only=True)
class ElementChange:
    """One memo element whose status changed between the points."""

    element: str
    label_ja: str
    label_en: str
    before: str | None
    after: str | None


@dataclass(frozen=True, kw_only=True)
class Change:
    """Between two points of a lead: what moved and the sentences saying why."""

    lead_id: str
    from_run: str | None
    to_run: str | None
    from_as_of: datetime | None
    to_as_of: datetime | None
    probability_before: float
    probability_after: float
    probability_change: float
    grade_before: str | None
    grade_after: str | None
    new_events: dict[str, int]
    last_event_at: datetime | None
    elements_filled: tuple[ElementChange, ...]
    elements_missing: tuple[ElementChange, ...]
    elements_other: tuple[ElementChange, ...]
    timing_before: str | None
    timing_after: str | None
    model_before: str | None
    model_after: str | None
    model_changed: bool
    data_changed: bool
    # Of the log-odds change: the share from factor groups whose inputs did not
    # change (the model's doing); None when the points carry no factors.
    model_share: float | None
    reasons: tuple[tuple[str, str], ...]  # (ja, en)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = plain(self)
        out["reasons"] = [{"ja": ja, "en": en} for ja, en in self.reasons]
        return out


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value) or None


def _time(value: object) -> datetime | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return None if pd.isna(stamp) else stamp.to_pydatetime()


def _dict(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def _new_events(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, int]:
    b, a = _dict(before.get("event_counts")), _dict(after.get("event_counts"))
    out = {k: int(a[k]) - int(b.get(k, 0)) for k in a}
    return {k: n for k, n in sorted(out.items(), key=lambda kv: -kv[1]) if n > 0}


def _elements(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[list[ElementChange], list[ElementChange], list[ElementChange]]:
    b, a = _dict(before.get("memo_elements")), _dict(after.get("memo_elements"))
    filled, missing, other = [], [], []
    for key in ELEMENT_KEYS:
        was, now = b.get(key), a.get(key)
        if was == now or now is None:
            continue
        e = element(key)
        change = ElementChange(
            element=key, label_ja=e.ja, label_en=e.en, before=was, after=now
        )
        if now == _FILLED:
            filled.append(change)
        elif now in _MISSING and was not in _MISSING:
            missing.append(change)
        else:
            other.append(change)
    return filled, missing, other


def _event_phrase(counts: Mapping[str, int]) -> tuple[str, str]:
    ja, en = [], []
    for kind, n in counts.items():
        info = event_kind_info(kind)
        noun_ja, plural, singular = (info[1], info[2], info[3]) if info else (kind,) * 3
        ja.append(f"{noun_ja} {n}件")
        en.append(f"{n} new {singular if n == 1 else plural}")
    return "、".join(ja), ", ".join(en)


def _model_share(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    new_events: Mapping[str, int],
    memo_changed: bool,
) -> float | None:
    """Share of the log-odds change from factor groups whose inputs stood still."""
    fb, fa = _dict(before.get("factors")), _dict(after.get("factors"))
    if not fb or not fa:
        return None
    moved = {info[0] for k in new_events if (info := event_kind_info(k)) is not None}
    if memo_changed:
        moved |= set(_MEMO_GROUPS)
    total = _logit(float(after["probability"])) - _logit(float(before["probability"]))
    if abs(total) < 1e-9:
        return None
    still = sum(
        float(fa.get(g, 0.0)) - float(fb.get(g, 0.0))
        for g in set(fa) | set(fb)
        if g not in moved
    )
    return max(-1.0, min(1.0, still / total)) if total else None


def what_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> Change:
    """What changed from point `before` to point `after` of one lead, and why.

    The points are rows of `HistoryStore.lead_history` (mappings): probability,
    grade, timing_action, model_version, event_counts, memo_elements, factors.
    """
    p0, p1 = float(before["probability"]), float(after["probability"])
    delta = p1 - p0
    events = _new_events(before, after)
    filled, missing, other = _elements(before, after)
    m0, m1 = _text(before.get("model_version")), _text(after.get("model_version"))
    model_changed = m0 != m1
    data_changed = bool(events or filled or missing or other)
    share = (
        _model_share(before, after, events, bool(filled or missing or other))
        if model_changed
        else None
    )
    g0, g1 = _text(before.get("grade")), _text(after.get("grade"))
    t0, t1 = _text(before.get("timing_action")), _text(after.get("timing_action"))
    reasons: list[tuple[str, str]] = []
    move_ja = f"受注確率 {100 * p0:.1f}% → {100 * p1:.1f}%（{100 * delta:+.1f}pt）"
    move_en = (
        f"win probability {100 * p0:.1f}% → {100 * p1:.1f}% ({100 * delta:+.1f} pt)"
    )
    if g0 != g1:
        move_ja += f"、グレード {g0} → {g1}"
        move_en += f", grade {g0} → {g1}"
    reasons.append((move_ja, move_en))
    if model_changed:
        reasons.append(
            (
                f"モデルが {m0 or '不明'} から {m1 or '不明'} に変わりました。"
                "確率の変化はデータだけによるものではありません",
                f"model changed from {m0 or 'unknown'} to {m1 or 'unknown'}: the "
                "change is not the data's alone",
            )
        )
        if share is not None:
            reasons.append(
                (
                    f"変化の約{100 * share:.0f}%は入力の変わらない要因（モデルの変更）"
                    "によるものです",
                    f"about {100 * share:.0f}% of the change comes from factors whose "
                    "inputs did not change (the model change)",
                )
            )
    if events:
        ja, en = _event_phrase(events)
        reasons.append((f"新しい活動: {ja}", en))
    for c in filled:
        reasons.append(
            (
                f"メモの「{c.label_ja}」が記入済になりました",
                f"memo element {c.label_en} is now filled",
            )
        )
    for c in missing:
        reasons.append(
            (
                f"メモの「{c.label_ja}」が{STATUS_JA.get(c.after or '', c.after)}に"
                "なりました",
                f"memo element {c.label_en} is now "
                f"{STATUS_EN.get(c.after or '', c.after)}",
            )
        )
    for c in other:
        reasons.append(
            (
                f"メモの「{c.label_ja}」: {STATUS_JA.get(c.before or '', '—')} → "
                f"{STATUS_JA.get(c.after or '', c.after)}",
                f"memo element {c.label_en}: {STATUS_EN.get(c.before or '', '—')} → "
                f"{STATUS_EN.get(c.after or '', c.after)}",
            )
        )
    if t0 != t1:
        ja0, en0 = ACTIONS.get(t0 or "", (t0 or "なし", t0 or "none"))
        ja1, en1 = ACTIONS.get(t1 or "", (t1 or "なし", t1 or "none"))
        reasons.append(
            (f"タイミングの推奨: {ja0} → {ja1}", f"timing advice: {en0} → {en1}")
        )
    if not data_changed and not model_changed:
        reasons.append(
            (
                "新しい活動もメモの変化もありません（経過時間による変化です）",
                "no new events and no memo change: the change is time passing",
            )
        )
    return Change(
        lead_id=str(after.get("lead_id") or before.get("lead_id")),
        from_run=_text(before.get("run_id")),
        to_run=_text(after.get("run_id")),
        from_as_of=_time(before.get("as_of")),
        to_as_of=_time(after.get("as_of")),
        probability_before=p0,
        probability_after=p1,
        probability_change=delta,
        grade_before=g0,
        grade_after=g1,
        new_events=events,
        last_event_at=_time(after.get("last_event_at")),
        elements_filled=tuple(filled),
        elements_missing=tuple(missing),
        elements_other=tuple(other),
        timing_before=t0,
        timing_after=t1,
        model_before=m0,
        model_after=m1,
        model_changed=model_changed,
        data_changed=data_changed,
        model_share=share,
        reasons=tuple(reasons),
    )


def history_changes(history: pd.DataFrame) -> list[Change]:
    """The change between each consecutive pair of a lead's points."""
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in history.to_dict("records")
    ]
    return [what_changed(a, b) for a, b in itertools.pairwise(rows)]
