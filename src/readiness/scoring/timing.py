"""When to toss up: toss up now, keep nurturing, or at risk (docs/timing.md).

The timing model (`readiness.scoring.timing_model`) says, from behaviour and IS
activity alone, how likely a toss-up now is to win and what waiting is worth.
`recommend` adds the served bundle's view of the memo draft: the current win
probability, its trend (the same memo scored on earlier days), the element to
collect next — and holds a toss-up while collecting an element is worth more
than waiting costs; `advice_frame` tabulates the advice. The model is saved and
loaded by `readiness.scoring.timing_store`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.data.contract import Dataset
from readiness.features.build import build_features
from readiness.fields import BANT_KEYS
from readiness.model.bundle import Bundle
from readiness.scoring.results import (
    LEAD_STATES,
    LeadScore,
    LeadState,
    MissingElement,
    TimingAdvice,
)
from readiness.scoring.score import score_points
from readiness.scoring.timing_model import (
    ACTIONS,
    AT_RISK,
    KEEP_NURTURING,
    NO_ADVICE,
    RECYCLE,
    TOSS_UP_NOW,
    TimingModel,
    export_end,
    inactive_days,
)

__all__ = [
    "advice_frame",
    "lead_states",
    "open_lead_points",
    "recommend",
]

_DAY: Final = pd.Timedelta(days=1)


# --- recommendations --------------------------------------------------------------


def open_lead_points(
    dataset: Dataset, *, as_of: datetime | None = None
) -> pd.DataFrame:
    """One point per lead not tossed up by `as_of` (default: the export moment)."""
    moment = pd.Timestamp(as_of) if as_of is not None else export_end(dataset)
    leads = dataset.leads[dataset.leads["created_at"] < moment]
    if len(dataset.handoffs):
        done = dataset.handoffs.loc[
            dataset.handoffs["tossed_up_at"] <= moment, "lead_id"
        ]
        leads = leads[~leads["lead_id"].isin(set(done))]
    return pd.DataFrame(
        {"lead_id": leads["lead_id"].astype(str).to_numpy(), "as_of": moment}
    )


def recommend(
    dataset: Dataset,
    points: pd.DataFrame,
    *,
    bundle: Bundle,
    timing: TimingModel,
) -> list[TimingAdvice]:
    """Advice for each point (a lead not yet tossed up, at a moment), in order.

    `points` is what `score_points` takes (`lead_id`, `as_of`, optional memo draft
    and reps). Only what was known at `as_of` is used: events strictly before it and
    the memo draft given. The action comes from `timing` (behaviour and IS activity:
    the same with or without a memo draft); the probability, its trend and the
    element to collect next come from the served `bundle` and the memo draft.
    """
    if len(points) == 0:
        return []
    scores = score_points(dataset, points, bundle=bundle, explain=True, top_k=3)
    n = len(points)
    base = points.reset_index(drop=True).copy()
    base["as_of"] = pd.Series([s.as_of for s in scores], dtype="datetime64[us]")
    earlier = pd.concat(
        [base.assign(as_of=base["as_of"] - k * _DAY) for k in (7, 14)],
        ignore_index=True,
    )
    past = score_points(dataset, earlier, bundle=bundle, explain=False)
    features = build_features(dataset, base[["lead_id", "as_of"]])
    decided = timing.decide(features)
    created = dataset.leads.drop_duplicates("lead_id").set_index("lead_id")[
        "created_at"
    ]
    states = lead_states(dataset, base, dormant_days=timing.dormant_after())
    out = []
    for i in range(n):
        s = scores[i]
        born = created.get(s.lead_id)
        p7 = past[i].probability if _alive(born, base["as_of"][i], 7) else None
        p14 = past[n + i].probability if _alive(born, base["as_of"][i], 14) else None
        trend = None
        if p14 is not None:
            trend = (s.probability - p14) / 2
        elif p7 is not None:
            trend = s.probability - p7
        row = decided.iloc[i]
        action = str(row["action"])
        has_memo = _has_memo(points, i)
        nxt = _next_element(s)
        # Holding every toss-up until the draft passes the gate was measured and
        # lost (bench/timing.py, capture_recommender_with_draft): only an element
        # worth more than waiting costs holds it.
        collect = _collect_first(action, row, nxt, has_memo)
        if collect:
            action = KEEP_NURTURING
        state, since = states[i]
        if state != "open":
            action = RECYCLE if state == "dormant" else NO_ADVICE
        notes = list(s.warnings)
        if not has_memo and state == "open":
            notes.append(
                "no memo draft: the element to collect assumes nothing is written yet"
            )
        why = _why(action, state, since, row, nxt, timing, collect)
        out.append(
            TimingAdvice(
                lead_id=s.lead_id,
                as_of=s.as_of,
                action=action,
                action_ja=ACTIONS[action][0],
                action_en=ACTIONS[action][1],
                probability=s.probability,
                probability_7d_ago=p7,
                probability_14d_ago=p14,
                trend_per_week=trend,
                expected_change=float(row["gain"]),
                lookahead_days=timing.lookahead_days,
                next_element=nxt if action == KEEP_NURTURING else None,
                reasons=(why,)
                + (
                    tuple(
                        r  # the first reason is not said twice
                        for r in _reasons(
                            features.iloc[i],
                            row,
                            s,
                            trend,
                            nxt,
                            timing,
                            action,
                            has_memo,
                        )
                        if r != why
                    )
                    if state == "open"
                    else ()
                ),
                warnings=tuple(notes),
                state=state,
                state_ja=LEAD_STATES[state][0],
                state_en=LEAD_STATES[state][1],
            )
        )
    return out


def lead_states(
    dataset: Dataset, points: pd.DataFrame, *, dormant_days: float
) -> list[tuple[LeadState, Any]]:
    """Each point's lead at its `as_of`, with the moment or days that decide it:
    won / lost (closed by then; an outcome without a date counts as closed),
    handed off (tossed up by then), dormant (no activity for `dormant_days`),
    else open."""
    handoffs = dataset.handoffs
    tossed = (
        dict(
            zip(handoffs["lead_id"].astype(str), handoffs["tossed_up_at"], strict=True)
        )
        if len(handoffs)
        else {}
    )
    outcomes = dataset.outcomes
    closed: dict[str, tuple[bool, Any]] = {}
    if len(outcomes):
        when = (
            outcomes["closed_at"]
            if "closed_at" in outcomes
            else pd.Series(pd.NaT, index=outcomes.index)
        )
        for lead, won, at in zip(
            outcomes["lead_id"].astype(str), outcomes["won"], when, strict=True
        ):
            closed[lead] = (bool(won), at)
    idle = inactive_days(dataset, points)
    out: list[tuple[LeadState, Any]] = []
    for lead, moment, days in zip(
        points["lead_id"].astype(str), pd.to_datetime(points["as_of"]), idle,
        strict=True,
    ):  # fmt: skip
        at = tossed.get(lead)
        if at is not None and pd.notna(at) and at <= moment:
            won, end = closed.get(lead, (False, None))
            if lead in closed and (end is None or pd.isna(end) or end <= moment):
                out.append(("won" if won else "lost", end if pd.notna(end) else at))
            else:
                out.append(("handed_off", at))
        elif np.isfinite(days) and days >= dormant_days:
            out.append(("dormant", days))
        else:
            out.append(("open", None))
    return out


def _why(
    action: str,
    state: LeadState,
    since: Any,
    row: pd.Series,
    nxt: MissingElement | None,
    timing: TimingModel,
    collect: bool,
) -> tuple[str, str]:
    """The reason for the action, first, in the terms of the numbers shown."""
    wait = 100 * float(row["gain"])
    days = timing.lookahead_days
    # "up to": the gain is the best change within `days` (older models: after them)
    up_ja, up_en = ("最大", "up to ") if timing.waits_for_best() else ("", "")
    if state == "dormant":
        return (
            f"{since:.0f}日間活動なし（過去の受注は{timing.dormant_after():.0f}日以内の"
            "活動の後）：マーケティングの育成に戻す",
            f"no activity for {since:.0f} days (past wins came within "
            f"{timing.dormant_after():.0f} days of activity): recycle to marketing",
        )
    if state in ("won", "lost"):
        ja, en = LEAD_STATES[state]
        return (
            f"{ja}（{_day(since)}）：判定の対象外",
            f"{en} ({_day(since)}): no advice",
        )
    if state == "handed_off":
        return (
            f"{_day(since)}にトスアップ済み：FSの商談中",
            f"handed off on {_day(since)}: with FS",
        )
    if action == AT_RISK:
        back = 100 * timing.rebound
        return (
            f"意欲のピークを過ぎ、{up_ja}{days}日待っても受注確率の回復は{back:.1f}"
            f"ポイント以下の見込み（{wait:+.1f}ポイント）",
            f"intent is past its peak and waiting {up_en}{days} days is not expected "
            f"to win back more than {back:.1f} points ({wait:+.1f} points)",
        )
    if action == TOSS_UP_NOW:
        margin = 100 * timing.margin
        return (
            f"条件がそろった：{up_ja}{days}日待っても受注確率の上昇は{margin:.1f}"
            f"ポイント以下の見込み（{wait:+.1f}ポイント）",
            f"ready: waiting {up_en}{days} days is not expected to add more than "
            f"{margin:.1f} points of win chance ({wait:+.1f} points)",
        )
    if collect and nxt is not None:
        return (
            f"先に{nxt.label_ja}を確認：受注確率{100 * nxt.gain:+.1f}ポイントで、"
            f"{up_ja}{days}日待つ変化（{wait:+.1f}ポイント）より大きい",
            f"collect {nxt.label_en} first: {100 * nxt.gain:+.1f} points of win "
            f"chance, more than waiting {up_en}{days} days changes ({wait:+.1f} "
            "points)",
        )
    if not bool(row["heard"]):
        return (
            "ISとの会話がまだ少ない：ヒアリングを続ける",
            "IS has not talked with the customer enough yet: keep the hearings going",
        )
    if float(row["p_now"]) < timing.floor_:
        return (
            "行動から見た受注見込みが、過去のトスアップの大半より低い",
            "the chance its behaviour shows is below most past toss-ups'",
        )
    if bool(row.get("climbing", False)) and wait <= 100 * timing.margin:
        return (
            "購買意欲がいま最高値で、まだ上昇中の可能性：上昇が止まったらトスアップ"
            "（次の判定は数日後）",
            "buying intent is at its highest so far and may still be climbing: "
            "hand off once it stops rising (check again in a few days)",
        )
    return (
        f"{up_ja}{days}日待つと受注確率が上がる見込み（{wait:+.1f}ポイント）",
        f"waiting {up_en}{days} days is expected to raise the win chance "
        f"({wait:+.1f} points)",
    )


def _day(moment: Any) -> str:
    return str(pd.Timestamp(moment).date()) if pd.notna(moment) else "?"


def _alive(born: Any, as_of: pd.Timestamp, days: int) -> bool:
    return born is not None and pd.notna(born) and as_of - days * _DAY > born


def _has_memo(points: pd.DataFrame, i: int) -> bool:
    if "memo" not in points:
        return False
    memo = points["memo"].iloc[i]
    return isinstance(memo, str) and bool(memo.strip())


def _next_element(score: LeadScore) -> MissingElement | None:
    """The element worth most to collect: the model's gain, BANT first on ties."""
    if not score.missing:
        return None
    ranked = sorted(
        score.missing,
        key=lambda m: (-round(m.gain, 3), m.element not in BANT_KEYS, -m.rubric_points),
    )
    return ranked[0]


def _collect_first(
    action: str, row: pd.Series, nxt: MissingElement | None, has_memo: bool
) -> bool:
    """Before the peak, an element worth more than waiting costs is collected first.

    Compares the served model's counterfactual gain of collecting the element with
    the expected change of waiting (`gain`, negative when waiting costs). Only with
    a memo draft: without one every element is missing and nothing can be weighed.
    """
    return (
        action == TOSS_UP_NOW
        and has_memo
        and nxt is not None
        and nxt.element in (*BANT_KEYS, "problem")
        and int(row["phase"]) != 2
        and nxt.gain > max(0.0, -float(row["gain"]))
    )


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%"


def _reasons(
    f: pd.Series,
    row: pd.Series,
    score: LeadScore,
    trend: float | None,
    nxt: MissingElement | None,
    timing: TimingModel,
    action: str,
    has_memo: bool,
) -> tuple[tuple[str, str], ...]:
    """Business reasons (ja, en), most decisive first."""
    out: list[tuple[str, str]] = []
    since = float(f["days_since_intent_peak"])
    vs = float(f["intent_vs_peak"])
    if np.isnan(since):
        out.append(
            (
                "まだ購買意欲を示す行動（料金・事例ページ閲覧、資料請求など）がない",
                "no buying-intent behaviour yet (pricing or case-study visits, "
                "downloads, forms)",
            )
        )
    elif since >= 1:
        out.append(
            (
                f"購買意欲のピークは{since:.0f}日前（現在はピークの{_pct(vs)}）",
                f"buying intent peaked {since:.0f} days ago (now {_pct(vs)} of "
                "its peak)",
            )
        )
    else:
        out.append(
            (
                "購買意欲は今がピーク（直近の行動が最多）",
                "buying intent is at its peak now",
            )
        )
    pricing, trend_pricing = float(f["web_pricing_7d"]), float(f["trend_web_pricing"])
    if pricing > 0 or trend_pricing != 0:
        before = pricing - trend_pricing
        out.append(
            (
                f"料金ページ閲覧：直近7日{pricing:.0f}回（その前の7日{before:.0f}回）",
                f"pricing page visits: {pricing:.0f} in the last 7 days "
                f"({before:.0f} the 7 days before)",
            )
        )
    talks = float(f["is_call_connected_all"]) + float(f["online_hearing_all"])
    if talks < timing.min_conversations_:
        out.insert(
            0,
            (
                f"ISとの会話はまだ{talks:.0f}回（過去のトスアップは多くが"
                f"{timing.min_conversations_:.0f}回以上の会話の後）",
                f"IS has talked with the customer {talks:.0f} times; most past "
                f"toss-ups came after {timing.min_conversations_:.0f} or more",
            ),
        )
    change = float(row["gain"])
    days = timing.lookahead_days
    out.append(
        (
            f"今後{days}日で見込める受注確率の最大の変化（過去データから学習）："
            f"{100 * change:+.1f}ポイント",
            f"most the win chance is expected to change within the next {days} days "
            f"(learned from history): {100 * change:+.1f} points",
        )
        if timing.waits_for_best()
        else (
            f"{days}日待った場合の受注確率の変化（過去データから学習）："
            f"{100 * change:+.1f}ポイント",
            f"expected change of the win chance if you wait {days} "
            f"days (learned from history): {100 * change:+.1f} points",
        )
    )
    if trend is not None:
        out.append(
            (
                f"受注確率{_pct(score.probability)}、"
                f"1週間あたり{100 * trend:+.1f}ポイント",
                f"win probability {_pct(score.probability)}, "
                f"{100 * trend:+.1f} points per week",
            )
        )
    if float(row["p_now"]) < timing.floor_:
        out.append(
            (
                "行動から見た受注見込みが、過去のトスアップの大半より低い",
                "the chance its behaviour shows is below most past toss-ups'",
            )
        )
    unconfirmed = [m for m in score.missing if m.element in BANT_KEYS]
    if unconfirmed:
        ja = "・".join(m.label_ja for m in unconfirmed)
        en = " and ".join(m.label_en for m in unconfirmed)
        out.append((f"{ja}が未確認", f"{en} unconfirmed"))
    if action == KEEP_NURTURING and has_memo and not score.gate_passed:
        fails = score.gate_failures
        out.append(
            (
                "トスアップ基準を未達：" + "、".join(ja for ja, _ in fails),
                "the toss-up gate is not met: " + "; ".join(en for _, en in fails),
            )
        )
    if action == KEEP_NURTURING and nxt is not None:
        out.append(
            (
                f"次に確認：{nxt.label_ja}（受注確率{100 * nxt.gain:+.1f}ポイント、"
                f"スコア+{nxt.rubric_points:.0f}点）— {nxt.question_ja}",
                f"collect next: {nxt.label_en} ({100 * nxt.gain:+.1f} points of win "
                f"probability, +{nxt.rubric_points:.0f} rubric points) — "
                f"{nxt.question_en}",
            )
        )
    days_talk = float(f["days_since_is_conversation"])
    if action != KEEP_NURTURING and not np.isnan(days_talk) and days_talk > 14:
        out.append(
            (
                f"最後の会話から{days_talk:.0f}日：トスアップ前に接触を",
                f"{days_talk:.0f} days since the last conversation: call before "
                "handing off",
            )
        )
    return tuple(out)


def advice_frame(advice: Sequence[TimingAdvice]) -> pd.DataFrame:
    """One row per advice, for CSV/Parquet output (reasons joined by ' / ')."""
    return pd.DataFrame(
        {
            "lead_id": [a.lead_id for a in advice],
            "as_of": pd.Series([a.as_of for a in advice], dtype="datetime64[us]"),
            "state": [a.state for a in advice],
            "action": [a.action for a in advice],
            "action_ja": [a.action_ja for a in advice],
            "probability": [a.probability for a in advice],
            "trend_per_week": [a.trend_per_week for a in advice],
            "expected_change": [a.expected_change for a in advice],
            "next_element": [
                a.next_element.element if a.next_element else None for a in advice
            ],
            "reasons_ja": [" / ".join(r[0] for r in a.reasons) for a in advice],
            "reasons_en": [" / ".join(r[1] for r in a.reasons) for a in advice],
        }
    )
