"""What IS learns in its conversations, what it would write, and when it tosses up.

Conversations reveal each information element over time; the rep's diligence
decides how much of what IS knows reaches the memo, and the rep's habit decides
the toss-up day. Draws come from the chunk's stream in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from readiness.fields import BANT_KEYS, ELEMENT_KEYS
from readiness.simulate.config import WorldConfig
from readiness.simulate.population import Leads

ELEM_INDEX: Final = {k: i for i, k in enumerate(ELEMENT_KEYS)}
# Conversation credit IS needs to confirm each element (before diligence).
_CREDIT_MEAN: Final = {
    "problem": 0.8,
    "budget": 2.2,
    "authority": 1.5,
    "need": 0.8,
    "timeline": 1.6,
    "competition": 2.0,
}


@dataclass(frozen=True)
class Knowledge:
    """IS activity per lead and day, and what IS knows and would write then.

    `known` and `memo_lvl` are shaped (elements, leads, days): 0 nothing,
    1 vague, 2 concrete.
    """

    active: np.ndarray
    attempts: np.ndarray
    connected: np.ndarray
    hearings: np.ndarray
    credit_prev: np.ndarray
    known: np.ndarray
    memo_lvl: np.ndarray


def _record(known: np.ndarray, u: np.ndarray, dil: np.ndarray) -> np.ndarray:
    """What the rep writes given what IS knows (0/1/2) and a fixed draw per lead."""
    p_full = (0.55 + 0.4 * dil)[:, None]
    wrote_full = u[:, None] < p_full
    wrote_vague_of_full = u[:, None] < p_full + (1 - p_full) * 0.6
    placeholder = u[:, None] < (0.3 * dil)[:, None]
    return np.where(
        known == 2,
        np.where(wrote_full, 2, np.where(wrote_vague_of_full, 1, 0)),
        np.where(known == 1, (u[:, None] < 0.8).astype(np.int8), placeholder),
    ).astype(np.int8)


def _tell_by_intent(
    cfg: WorldConfig,
    known: np.ndarray,
    intent: np.ndarray,
    credit_prev: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Let the day's intent decide what some leads tell (`known`, in place).

    For element e with effect k, a lead's fixed draw u puts it among the keen
    (u < k * intent: it tells e outright once IS has talked to it) or the
    reticent (u >= 1 - k * (1 - intent): e stays vague at best); k = 0 changes
    nothing. One draw per element and lead, in ELEMENT_KEYS order.
    """
    u_tell = rng.random((len(ELEMENT_KEYS), known.shape[1]))
    talked = credit_prev >= 1
    for e, k in cfg.record_intent_effects.items():
        j = ELEM_INDEX[e]
        u = u_tell[j][:, None]
        keen = talked & (u < k * intent)
        reticent = u >= 1 - k * (1 - intent)
        level = np.where(reticent, np.minimum(known[j], 1), known[j])
        known[j] = np.where(keen, 2, level)


def _first_true(cond: np.ndarray) -> np.ndarray:
    """Index of the first True per row, -1 where none."""
    first = cond.argmax(axis=1)
    return np.where(cond.any(axis=1), first, -1)


def converse(cfg: WorldConfig, leads: Leads, rng: np.random.Generator) -> Knowledge:
    """IS calls and hearings day by day, and what they reveal."""
    n, days, d = leads.n, cfg.life_days, leads.day
    src, dil, intent, valid = leads.src, leads.dil, leads.intent, leads.valid
    fit, role, urgency = leads.fit, leads.role, leads.urgency
    budget_exists, dm_reachable = leads.budget_exists, leads.dm_reachable
    timeline_near = leads.timeline_near

    s0 = np.select(
        [src == "inquiry", src == "outbound", src == "referral"],
        [np.zeros(n), np.zeros(n), rng.integers(0, 3, size=n)],
        rng.integers(1, 10, size=n),
    ) + np.round((1 - dil) * 4)
    active = valid & (d >= s0[:, None])
    attempts = rng.poisson(dil[:, None] * (0.05 + 0.5 * intent) * active)
    connected = rng.binomial(attempts, 0.2 + 0.5 * intent)
    hearings = rng.binomial(connected, 0.12 + 0.35 * intent)
    credit = np.cumsum(connected + 2 * hearings, axis=1)
    # What IS knows when deciding on day t comes from conversations before t.
    credit_prev = np.concatenate(
        [np.zeros((n, 1), dtype=credit.dtype), credit[:, :-1]], 1
    )

    # A customer with a real budget, a reachable decision maker, urgency and a
    # date talks about them readily; "未確認" often means there is none yet.
    ease = {
        "problem": np.clip(1.0 - 0.2 * fit, 0.6, 1.4),
        "budget": np.where(budget_exists, 0.6, 1.6),
        "authority": np.where(dm_reachable, 0.7, 1.5),
        "need": np.select([urgency == "high", urgency == "low"], [0.7, 1.5], 1.0),
        "timeline": np.where(timeline_near, 0.7, 1.4),
        "competition": np.ones(n),
    }
    need_credit = {
        e: np.maximum(
            1,
            np.round(
                (1 + rng.poisson(m, size=n)) * (1.3 - 0.6 * dil) * ease[e]
                + (e == "budget") * (role == 2)
                + (e == "authority") * (role != 0)
            ),
        )
        for e, m in _CREDIT_MEAN.items()
    }
    known = np.zeros((len(ELEMENT_KEYS), n, days), dtype=np.int8)
    known[ELEM_INDEX["basics"]] = 1 + (credit_prev >= 1)
    # What does not exist cannot be confirmed: no budget yet, no reachable
    # decision maker, no urgency or no date mostly stay "未定 / 確認中".
    stuck = {
        "budget": ~budget_exists & (rng.random(n) < 0.7),
        "authority": ~dm_reachable & (rng.random(n) < 0.6),
        "need": (urgency == "low") & (rng.random(n) < 0.5),
        "timeline": ~timeline_near & (rng.random(n) < 0.6),
    }
    for e, k in need_credit.items():
        vague_at = np.maximum(1, np.ceil(k / 2))[:, None]
        level = (credit_prev >= vague_at).astype(np.int8) + (credit_prev >= k[:, None])
        if e in stuck:
            level = np.where(stuck[e][:, None], np.minimum(level, 1), level)
        known[ELEM_INDEX[e]] = level
    u_rec = rng.random((len(ELEMENT_KEYS), n))
    if any(cfg.record_intent_effects.values()):  # else no draw: the stream stays
        _tell_by_intent(cfg, known, intent, credit_prev, rng)
    memo_lvl = np.stack(
        [_record(known[j], u_rec[j], dil) for j in range(len(ELEMENT_KEYS))]
    )
    # An engaged customer agrees to a dated meeting with the right attendees.
    p_next = (0.3 + 0.4 * dil - 0.2 * (leads.habit == 0))[
        :, None
    ] + cfg.next_action_intent_effect * intent
    u_next = rng.random(n)[:, None]
    next_lvl = np.where(
        u_next < p_next, 2, np.where(u_next < p_next + (1 - p_next) * 0.7, 1, 0)
    ).astype(np.int8)
    memo_lvl[ELEM_INDEX["next_action"]] = next_lvl
    known[ELEM_INDEX["next_action"]] = next_lvl
    return Knowledge(
        active=active,
        attempts=attempts,
        connected=connected,
        hearings=hearings,
        credit_prev=credit_prev,
        known=known,
        memo_lvl=memo_lvl,
    )


def toss_days(leads: Leads, talk: Knowledge, rng: np.random.Generator) -> np.ndarray:
    """The day each lead is tossed up to FS by its rep's habit; -1 for never."""
    n, d, valid, intent = leads.n, leads.day, leads.valid, leads.intent
    habit, known, credit_prev = leads.habit, talk.known, talk.credit_prev
    bant_full = sum(known[ELEM_INDEX[b]] == 2 for b in BANT_KEYS)
    problem_known = known[ELEM_INDEX["problem"]]
    gate_like = (bant_full >= 3) & (problem_known == 2) & (intent >= 0.1)
    complete = (
        (bant_full == 4)
        & (problem_known == 2)
        & (known[ELEM_INDEX["competition"]] == 2)
    )
    early_like = (credit_prev >= 1) & (problem_known >= 1) & (intent >= 0.22)
    ok_day = valid & (d >= 1)
    first_gate = _first_true(gate_like & ok_day)
    first_early = _first_true((early_like | gate_like) & ok_day)
    first_complete = _first_true((complete & (intent >= 0.05)) & ok_day)
    lag_late = rng.integers(10, 36, size=n)
    fallback = np.where(first_gate >= 0, first_gate, first_complete)
    toss = np.select(
        [habit == 0, habit == 1],
        [first_early, fallback],
        np.where(fallback >= 0, fallback + lag_late, -1),
    )
    toss = np.where(toss >= 0, toss + rng.integers(0, 3, size=n), -1)
    disqualified = (
        (~leads.budget_exists) & (leads.urgency == "low") & (rng.random(n) < 0.5)
    )
    return np.where((toss >= leads.life_len) | disqualified, -1, toss)
