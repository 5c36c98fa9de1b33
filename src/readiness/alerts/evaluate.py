"""Which rules fire for which lead: the batch's points against each lead's previous.

`evaluate_alerts` is pure: the batch output frame (`current`), each lead's previous
point (`previous`, as `readiness.history.previous_points` gives it, or built from
an earlier batch output with `previous_from_batch`) and the run id in; alerts out.

A change needs two points: `crosses`, `drop` and `at_risk` ("turning" at risk)
never fire for a lead seen for the first time. `gate_fails` fires for a hand-off
whose memo fails the gate unless its previous point was already that failed
hand-off, so a hand-off alerts once, not every night.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.alerts.rules import AlertRules, Destination, Rule
from readiness.scoring.timing_model import ACTIONS, AT_RISK

__all__ = [
    "PREVIOUS_COLUMNS",
    "Alert",
    "alert_key",
    "evaluate_alerts",
    "previous_from_batch",
]

PREVIOUS_COLUMNS: Final = (
    "lead_id",
    "run_id",
    "as_of",
    "probability",
    "grade",
    "gate_passed",
    "status",
    "timing_action",
    "model_version",
)


@dataclass(frozen=True, kw_only=True)
class Alert:
    """One rule firing for one lead's point; `key` is its idempotency key."""

    key: str
    rule: str
    kind: str
    event: str  # up, down, becomes, leaves, drop, at_risk, gate_fails
    lead_id: str
    run_id: str
    as_of: str
    status: str
    probability: float
    grade: str
    timing_action: str | None
    gate_passed: bool
    gate_failures: str
    model_version: str
    previous_as_of: str | None
    previous_probability: float | None
    previous_grade: str | None
    previous_timing_action: str | None
    message_ja: str
    message_en: str
    destination: Destination

    def payload(self) -> dict[str, Any]:
        """The JSON body: the alert's fields and a Slack-compatible `text`."""
        body = {
            k: v for k, v in self.__dict__.items() if k not in ("destination", "key")
        }
        return {
            "idempotency_key": self.key,
            **body,
            "text": f"{self.message_ja}\n{self.message_en}",
        }


def alert_key(rule: str, lead_id: str, as_of: str, kind: str) -> str:
    """hash(rule, lead, the point's as_of, kind): the same on every rerun of a batch.

    The point's as_of, not a run id, makes it stable: a rerun or resume of the same
    batch scores the same points at the same moments, whatever id it gets.
    """
    text = "\x1f".join((rule, lead_id, as_of, kind))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def previous_from_batch(frame: pd.DataFrame, *, run_id: str) -> pd.DataFrame:
    """An earlier batch output as previous points (the history store's columns)."""
    out = pd.DataFrame(
        {
            "lead_id": frame["lead_id"].astype(str),
            "run_id": run_id,
            "as_of": pd.to_datetime(frame["as_of"]),
            "probability": frame["probability"].astype(float),
            "grade": frame["grade"].astype(str),
            "gate_passed": frame["gate_passed"].astype(bool),
            "status": frame["status"].astype(str),
            "timing_action": _actions(frame),
            "model_version": frame["model_version"].astype(str),
        }
    )
    return out.reset_index(drop=True)


def _actions(frame: pd.DataFrame) -> pd.Series:
    """Timing actions with every "none" spelled None (absent column, '' or NaN)."""
    if "timing_action" not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    values = frame["timing_action"].astype(object)
    return values.where(values.notna() & (values.astype(str) != ""), None)


def evaluate_alerts(
    rules: AlertRules,
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    run_id: str,
) -> list[Alert]:
    """The alerts this batch fires, rule by rule in the file's order, each rule's
    leads in the batch's order (its ranking)."""
    points = _joined(current, previous)
    alerts: list[Alert] = []
    for rule in rules.rules:
        fired, events = _fires(rule, points)
        fired &= _where(rule, points)
        destination = rules.destination_of(rule)
        for i in np.flatnonzero(fired):
            alerts.append(
                _alert(rule, points.iloc[i], str(events[i]), run_id, destination)
            )
    return alerts


def _joined(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Each current point with its lead's previous point (`prev_*`, NaN if none)."""
    now = pd.DataFrame(
        {
            "lead_id": current["lead_id"].astype(str).to_numpy(),
            "as_of": pd.to_datetime(current["as_of"]).to_numpy(),
            "probability": current["probability"].astype(float).to_numpy(),
            "grade": current["grade"].astype(str).to_numpy(),
            "gate_passed": current["gate_passed"].astype(bool).to_numpy(),
            "gate_failures": (
                current["gate_failures"].fillna("").astype(str).to_numpy()
                if "gate_failures" in current
                else ""
            ),
            "status": current["status"].astype(str).to_numpy(),
            "timing_action": _actions(current).to_numpy(),
            "model_version": current["model_version"].astype(str).to_numpy(),
        }
    )
    if previous is None or previous.empty:
        prev = pd.DataFrame(columns=[f"prev_{c}" for c in PREVIOUS_COLUMNS])
    else:
        prev = pd.DataFrame(
            {
                "prev_lead_id": previous["lead_id"].astype(str).to_numpy(),
                "prev_as_of": pd.to_datetime(previous["as_of"]).to_numpy(),
                "prev_probability": previous["probability"].astype(float).to_numpy(),
                "prev_grade": previous["grade"].astype(str).to_numpy(),
                "prev_gate_passed": previous["gate_passed"].astype(object).to_numpy(),
                "prev_status": previous["status"].astype(str).to_numpy(),
                "prev_timing_action": _actions(previous).to_numpy(),
            }
        ).drop_duplicates("prev_lead_id", keep="last")
    joined = now.merge(
        prev, how="left", left_on="lead_id", right_on="prev_lead_id", sort=False
    )
    joined["seen"] = joined["prev_lead_id"].notna()
    return joined


def _fires(rule: Rule, p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which points the rule's kind fires for, and the event of each."""
    seen = p["seen"].to_numpy(dtype=bool)
    events = np.full(len(p), rule.kind, dtype=object)
    if rule.kind == "crosses" and rule.probability is not None:
        t = rule.probability
        now = p["probability"].to_numpy(dtype=float)
        before = p["prev_probability"].to_numpy(dtype=float)
        up = seen & (before < t) & (now >= t)
        down = seen & (before >= t) & (now < t)
        events = np.where(up, "up", "down").astype(object)
        want = rule.crossing
        fired = (up if want in ("up", "both") else 0) | (
            down if want in ("down", "both") else 0
        )
        return np.asarray(fired, dtype=bool), events
    if rule.kind == "crosses":
        g = rule.grade
        now_g = p["grade"].to_numpy() == g
        before_g = p["prev_grade"].astype(object).to_numpy() == g
        if rule.crossing == "becomes":
            return seen & now_g & ~before_g, np.full(len(p), "becomes", dtype=object)
        return seen & ~now_g & before_g, np.full(len(p), "leaves", dtype=object)
    if rule.kind == "drop":
        assert rule.points is not None
        fall = p["prev_probability"].to_numpy(dtype=float) - p["probability"].to_numpy(
            dtype=float
        )
        # percentage points; a hair of float noise must not hide an exact drop
        return seen & (fall * 100 >= rule.points - 1e-9), events
    if rule.kind == "at_risk":
        now_risk = p["timing_action"].to_numpy() == AT_RISK
        before_risk = p["prev_timing_action"].astype(object).to_numpy() == AT_RISK
        return seen & now_risk & ~before_risk, events
    failed = (p["status"].to_numpy() == "handed_off") & ~p["gate_passed"].to_numpy(
        dtype=bool
    )
    before_failed = (
        seen
        & (p["prev_status"].astype(object).to_numpy() == "handed_off")
        & (p["prev_gate_passed"].astype(object).to_numpy() == False)  # noqa: E712
    )
    return failed & ~before_failed, events


def _where(rule: Rule, p: pd.DataFrame) -> np.ndarray:
    keep = np.ones(len(p), dtype=bool)
    w = rule.where
    if w.status is not None:
        keep &= p["status"].isin(w.status).to_numpy()
    if w.grade is not None:
        keep &= p["grade"].isin(w.grade).to_numpy()
    if w.min_probability is not None:
        keep &= p["probability"].to_numpy(dtype=float) >= w.min_probability
    return keep


def _iso(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).isoformat()


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 6)


def _text(value: Any) -> str | None:
    return (
        None
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else str(value)
    )


def _alert(
    rule: Rule, row: pd.Series, event: str, run_id: str, destination: Destination
) -> Alert:
    as_of = _iso(row["as_of"]) or ""
    kind = rule.kind if rule.kind != "crosses" else f"crosses:{event}"
    ja, en = _messages(rule, row, event)
    return Alert(
        key=alert_key(rule.name, str(row["lead_id"]), as_of, kind),
        rule=rule.name,
        kind=rule.kind,
        event=event,
        lead_id=str(row["lead_id"]),
        run_id=run_id,
        as_of=as_of,
        status=str(row["status"]),
        probability=round(float(row["probability"]), 6),
        grade=str(row["grade"]),
        timing_action=_text(row["timing_action"]),
        gate_passed=bool(row["gate_passed"]),
        gate_failures=str(row["gate_failures"]),
        model_version=str(row["model_version"]),
        previous_as_of=_iso(row["prev_as_of"]),
        previous_probability=_float(row["prev_probability"]),
        previous_grade=_text(row["prev_grade"]),
        previous_timing_action=_text(row["prev_timing_action"]),
        message_ja=f"[{rule.name}] {ja}",
        message_en=f"[{rule.name}] {en}",
        destination=destination,
    )


def _pct(value: Any) -> str:
    return "-" if value is None or pd.isna(value) else f"{float(value):.1%}"


def _messages(rule: Rule, row: pd.Series, event: str) -> tuple[str, str]:
    """The alert in one line each of Japanese and English (Slack's `text`)."""
    lead = row["lead_id"]
    now, before = _pct(row["probability"]), _pct(row["prev_probability"])
    if rule.kind == "crosses" and rule.probability is not None:
        t = f"{rule.probability:.0%}"
        if event == "up":
            return (
                f"リード {lead} の受注確率が {t} を超えました（{before} → {now}）",
                f"Lead {lead} rose above {t} win probability ({before} → {now})",
            )
        return (
            f"リード {lead} の受注確率が {t} を下回りました（{before} → {now}）",
            f"Lead {lead} fell below {t} win probability ({before} → {now})",
        )
    if rule.kind == "crosses":
        g, pg = row["grade"], row["prev_grade"]
        if event == "becomes":
            return (
                f"リード {lead} がグレード {g} になりました（{pg} → {g}、{now}）",
                f"Lead {lead} became grade {g} ({pg} → {g}, {now})",
            )
        return (
            f"リード {lead} がグレード {pg} から外れました（{pg} → {g}、{now}）",
            f"Lead {lead} left grade {pg} ({pg} → {g}, {now})",
        )
    if rule.kind == "drop":
        fall = (float(row["prev_probability"]) - float(row["probability"])) * 100
        return (
            f"リード {lead} の受注確率が {fall:.1f} ポイント下がりました"
            f"（{before} → {now}）",
            f"Lead {lead} dropped {fall:.1f} points of win probability "
            f"({before} → {now})",
        )
    if rule.kind == "at_risk":
        ja, en = ACTIONS[AT_RISK]
        return (f"リード {lead}: {ja}（受注確率 {now}）", f"Lead {lead}: {en} ({now})")
    failures = str(row["gate_failures"]) or "-"
    return (
        f"リード {lead} のトスアップメモがゲートを通過していません: {failures}",
        f"Lead {lead} was handed off with a memo that fails the gate: {failures}",
    )
