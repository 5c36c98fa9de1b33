"""The truth of each lead's chances, and what happened after the toss-up.

`chances` draws nothing: it is the win probability for any toss-up day and
memo, which the truth tables keep. `draw_outcomes` and `fs_feedback` draw from
the chunk's stream in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.fields import ELEMENT_KEYS
from readiness.simulate.behaviour import ELEM_INDEX, Knowledge
from readiness.simulate.config import WorldConfig
from readiness.simulate.population import DAY_NS, Leads, sigmoid

_LOSS: Final = (
    "商談化せず（連絡途絶）",
    "競合に敗退",
    "予算不足",
    "決裁者の合意が得られず",
    "時期尚早・優先度低",
    "要件不一致",
)
_FEEDBACK_COMMENTS: Final = {
    "problem": "課題の背景が浅く、初回商談で再ヒアリングが必要だった",
    "budget": "予算感が分からず提案金額の調整に時間がかかった",
    "authority": "決裁者・決裁プロセスが不明で提案が進まなかった",
    "need": "緊急度が伝わっておらず優先順位を誤った",
    "timeline": "導入時期が未確認で提案タイミングを逃しかけた",
    "competition": "競合状況が分からず差別化ポイントを準備できなかった",
    "next_action": "商談の目的・参加者が曖昧で準備不足になった",
    "basics": "担当者の役職・連絡先が不足していた",
}


@dataclass(frozen=True)
class Chances:
    """Win probability per day (`p_daily`) and at the toss-up day (`*_t`, `p_*`).

    `lvl_t` is the memo's level per element at the toss-up day; `cf` the chance
    had one element been written concretely, `p_good` / `p_poor` with every
    element concrete / missing.
    """

    p_daily: np.ndarray
    lvl_t: np.ndarray
    pm_t: np.ndarray
    pw_t: np.ndarray
    p_true: np.ndarray
    cf: dict[str, np.ndarray]
    p_good: np.ndarray
    p_poor: np.ndarray


@dataclass(frozen=True)
class Outcomes:
    """What happened to each lead after the toss-up (nanosecond timestamps)."""

    meeting: np.ndarray
    won: np.ndarray
    toss_ns: np.ndarray
    meeting_ns: np.ndarray
    closed_ns: np.ndarray
    end_ns: int
    has_outcome: np.ndarray
    amount: np.ndarray
    loss: np.ndarray


def chances(
    cfg: WorldConfig, leads: Leads, talk: Knowledge, tday: np.ndarray
) -> Chances:
    """The truth: win probability for any toss-up day and memo (draws nothing)."""
    n, d, peak, intent = leads.n, leads.day, leads.peak, leads.intent
    fit, urgency = leads.fit, leads.urgency
    memo_lvl = talk.memo_lvl
    rows = np.arange(n)
    lock = (
        leads.competitor[:, None]
        * (d > peak[:, None])
        * (1 - np.exp(-(d - peak[:, None]) / leads.decay[:, None]))
    )
    base_win = (
        (
            cfg.win_intercept
            + cfg.fit_effect * fit
            + cfg.budget_effect * leads.budget_exists
            + cfg.authority_effect * leads.dm_reachable
            + cfg.urgency_high_effect * (urgency == "high")
            + cfg.urgency_low_effect * (urgency == "low")
            + cfg.timeline_near_effect * leads.timeline_near
            + cfg.competitor_effect * leads.competitor
            + leads.fs_skill
        )[:, None]
        + cfg.intent_effect * intent
        + cfg.late_competitor_effect * lock
    )
    weights = (
        np.array([cfg.info_weights.get(e, 0.0) for e in ELEMENT_KEYS]) * cfg.info_scale
    )
    base_meet = (cfg.meeting_intercept + cfg.meeting_fit_effect * fit)[
        :, None
    ] + cfg.meeting_intent_effect * intent

    def p_win(
        levels: np.ndarray, cols: Any = slice(None)
    ) -> tuple[np.ndarray, np.ndarray]:
        """(p_meeting, p_win | meeting) for levels shaped (elements, n[, days])."""
        info = np.tensordot(weights, levels / 2.0, axes=1)
        nxt = levels[ELEM_INDEX["next_action"]] / 2.0
        pm = sigmoid(base_meet[cols] + cfg.meeting_next_action_effect * nxt)
        pw = sigmoid(base_win[cols] + info)
        return pm, pw

    pm_all, pw_all = p_win(memo_lvl)
    p_daily = (pm_all * pw_all).astype(np.float32)

    at = (rows, tday)
    lvl_t = memo_lvl[:, rows, tday]
    pm_t, pw_t = pm_all[at], pw_all[at]
    p_true = pm_t * pw_t
    cf: dict[str, np.ndarray] = {}
    for e, j in ELEM_INDEX.items():
        alt = lvl_t.copy()
        alt[j] = 2
        a, b = p_win(alt, at)
        cf[e] = a * b
    full = np.full_like(lvl_t, 2)
    a, b = p_win(full, at)
    p_good = a * b
    poor = np.zeros_like(lvl_t)
    a, b = p_win(poor, at)
    p_poor = a * b
    return Chances(
        p_daily=p_daily,
        lvl_t=lvl_t,
        pm_t=pm_t,
        pw_t=pw_t,
        p_true=p_true,
        cf=cf,
        p_good=p_good,
        p_poor=p_poor,
    )


def element_effects(cfg: WorldConfig, handoffs: pd.DataFrame) -> pd.DataFrame:
    """The true effect of each element, from the truth of the toss-ups (draws nothing).

    `true_gain` is the mean change in win probability over the toss-ups when the
    element's memo level goes from its recorded level to concrete, all else
    fixed (`p_if_<element>` - `p_true`, both from `chances`);
    `true_gain_if_missing` is the same mean over the toss-ups where it was not
    concrete (NaN when it always was). `info_weight` is its win log-odds weight.
    """
    rows = []
    for e in ELEMENT_KEYS:
        gain = (handoffs[f"p_if_{e}"] - handoffs["p_true"]).to_numpy(np.float64)
        missing = handoffs[f"level_{e}"].to_numpy() < 2
        rows.append(
            {
                "element": e,
                "info_weight": cfg.info_weights.get(e, 0.0) * cfg.info_scale,
                "true_gain": float(gain.mean()) if len(gain) else np.nan,
                "true_gain_if_missing": (
                    float(gain[missing].mean()) if missing.any() else np.nan
                ),
                "share_missing": float(missing.mean()) if len(gain) else np.nan,
            }
        )
    return pd.DataFrame(rows).astype({"element": "str"})


def draw_outcomes(
    cfg: WorldConfig,
    leads: Leads,
    odds: Chances,
    tossed: np.ndarray,
    tday: np.ndarray,
    rng: np.random.Generator,
) -> Outcomes:
    """Meetings, wins, amounts, dates and loss reasons for the tossed-up leads."""
    n, start_ns, created_day = leads.n, leads.start_ns, leads.created_day
    budget_exists = leads.budget_exists
    meeting = rng.random(n) < odds.pm_t
    won = meeting & (rng.random(n) < odds.pw_t)
    toss_tod = (10 * 3600 + rng.random(n) * 9 * 3600).astype(np.int64)
    toss_ns = start_ns + (created_day + tday) * DAY_NS + toss_tod * 10**9
    meet_lag = rng.integers(3, 15, size=n)
    # Meetings fall on weekdays: move Saturday and Sunday to Monday.
    weekday = (cfg.start.weekday() + created_day + tday + meet_lag) % 7
    meet_lag = meet_lag + np.select([weekday == 5, weekday == 6], [2, 1], 0)
    meet_hour = rng.choice(np.array([10, 11, 13, 14, 15, 16]), size=n)
    meeting_ns = (
        start_ns + (created_day + tday + meet_lag) * DAY_NS + meet_hour * 3600 * 10**9
    )
    # Decision lag does not depend on the result, so deals still open at the
    # export are a random subset and closed ones carry no censoring bias.
    decide = 10 + rng.gamma(2.0, 15.0, size=n)
    closed_ns = toss_ns + ((meet_lag + decide) * DAY_NS).astype(np.int64)
    end_ns = start_ns + cfg.observe_days * DAY_NS
    has_outcome = tossed & (closed_ns < end_ns)
    amount = np.where(
        budget_exists,
        leads.budget_man * 1e4 * rng.uniform(0.6, 1.1, size=n),
        np.exp(rng.normal(np.log(2e6) + 0.4 * leads.log_size, 0.5)),
    )
    amount = np.where(won, np.round(amount, -3), np.nan)
    loss = _loss_reasons(
        rng, meeting, leads.competitor, budget_exists, leads.dm_reachable, leads.urgency
    )
    return Outcomes(
        meeting=meeting,
        won=won,
        toss_ns=toss_ns,
        meeting_ns=meeting_ns,
        closed_ns=closed_ns,
        end_ns=end_ns,
        has_outcome=has_outcome,
        amount=amount,
        loss=loss,
    )


def _loss_reasons(
    rng: np.random.Generator,
    meeting: np.ndarray,
    competitor: np.ndarray,
    budget: np.ndarray,
    dm: np.ndarray,
    urgency: np.ndarray,
) -> np.ndarray:
    n = len(meeting)
    u = rng.random(n)
    reason = np.select(
        [
            ~meeting,
            competitor & (u < 0.6),
            ~budget & (u < 0.75),
            ~dm & (u < 0.8),
            (urgency == "low") & (u < 0.85),
        ],
        [0, 1, 2, 3, 4],
        5,
    )
    return np.asarray(_LOSS, dtype=object)[reason]


def fs_feedback(
    rng: np.random.Generator,
    lead_ids: np.ndarray,
    idx: np.ndarray,
    levels: np.ndarray,
) -> pd.DataFrame:
    """FS flags what was missing, noisily, for some of the meetings held."""
    idx = idx[rng.random(len(idx)) < 0.7]
    lv = levels[:, idx]
    u = rng.random(lv.shape)
    flagged = np.where(lv == 0, u < 0.6, np.where(lv == 1, u < 0.3, u < 0.03))
    missing: list[str] = []
    comments: list[str] = []
    for col in range(len(idx)):
        keys = [e for e, j in ELEM_INDEX.items() if flagged[j, col]]
        missing.append(";".join(keys))
        comments.append(
            "。".join(_FEEDBACK_COMMENTS[k] for k in keys[:2])
            if keys
            else "必要な情報が揃っており商談がスムーズだった"
        )
    return pd.DataFrame(
        {
            "lead_id": lead_ids[idx].astype(str),
            "missing_elements": pd.Series(missing, dtype="str"),
            "comment": pd.Series(comments, dtype="str"),
        }
    )
