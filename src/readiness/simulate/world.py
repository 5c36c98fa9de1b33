"""The generating model of the synthetic B2B sales world.

Leads are simulated on a day grid (rows = leads, columns = days since the lead
was created) in fixed-size chunks, each with its own random stream, so the same
seed gives the same world and memory stays bounded. docs/world.md describes the
model; the tables follow the data contract and the truth is kept apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from readiness.fields import BANT_KEYS, ELEMENT_KEYS
from readiness.simulate import names
from readiness.simulate.config import WorldConfig
from readiness.simulate.events import EventGrid, build_events
from readiness.simulate.memo_phrases import THEMES
from readiness.simulate.memo_text import MemoFacts, render_memo

_DAY_NS = 86_400 * 10**9
_ELEM_INDEX = {k: i for i, k in enumerate(ELEMENT_KEYS)}
_HABITS = ("early", "gate", "late")
_HABIT_SHARE = (0.3, 0.45, 0.25)
_CONCERNS = ("price", "implementation_effort", "support", "features", "security")
_DM_TITLES = ("情報システム部長", "取締役", "代表取締役", "経営企画部長", "管理本部長")
_APPROVALS = (
    ("部長決裁",),
    ("部長承認", "役員会"),
    ("稟議", "取締役会"),
    ("課長起案", "部長承認", "社長決裁"),
)
_ATTENDEE_POOL = (
    "情報システム部長",
    "経理課長",
    "担当者",
    "営業部長",
    "DX推進室長",
    "総務課長",
)
# Conversation credit IS needs to confirm each element (before diligence).
_CREDIT_MEAN = {
    "problem": 0.8,
    "budget": 2.2,
    "authority": 1.5,
    "need": 0.8,
    "timeline": 1.6,
    "competition": 2.0,
}


@dataclass(frozen=True)
class World:
    """Contract tables, the truth behind them, and the config that made them."""

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    config: WorldConfig


@dataclass(frozen=True)
class _Reps:
    is_names: list[str]
    is_diligence: np.ndarray
    is_habit: np.ndarray
    is_drift: np.ndarray
    fs_names: list[str]
    fs_skill: np.ndarray


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _make_reps(cfg: WorldConfig) -> _Reps:
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0]))
    return _Reps(
        is_names=names.person_names(cfg.n_is_reps, rng),
        is_diligence=rng.beta(4.0, 2.5, size=cfg.n_is_reps),
        is_habit=rng.choice(3, size=cfg.n_is_reps, p=_HABIT_SHARE),
        is_drift=rng.beta(1.5, 4.0, size=cfg.n_is_reps),
        fs_names=names.person_names(cfg.n_fs_reps, rng),
        fs_skill=rng.normal(0.0, cfg.fs_skill_sd, size=cfg.n_fs_reps),
    )


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


def _first_true(cond: np.ndarray) -> np.ndarray:
    """Index of the first True per row, -1 where none."""
    first = cond.argmax(axis=1)
    return np.where(cond.any(axis=1), first, -1)


def simulate_world(
    config: WorldConfig,
    *,
    progress: Callable[[int], object] | None = None,
    daily_levels: bool = False,
) -> World:
    """Simulate a whole world; `progress` is called with leads done per chunk.

    `daily_levels` adds to `truth_daily` what IS knows (`known_<element>`) and
    would write (`level_<element>`, 0 missing / 1 vague / 2 concrete) on each day,
    for replays of timing policies. It draws no random numbers: the tables and the
    rest of the truth are the same with or without it.
    """
    reps = _make_reps(config)
    parts: list[dict[str, pd.DataFrame]] = []
    for chunk, offset in enumerate(range(0, config.n_leads, config.chunk_size)):
        n = min(config.chunk_size, config.n_leads - offset)
        rng = np.random.default_rng(np.random.SeedSequence([config.seed, chunk + 1]))
        parts.append(_simulate_chunk(config, reps, rng, offset, n, daily_levels))
        if progress is not None:
            progress(n)
    keys = parts[0].keys()
    merged = {k: pd.concat([p[k] for p in parts], ignore_index=True) for k in keys}
    tables = {
        k: merged[k] for k in ("leads", "events", "handoffs", "outcomes", "fs_feedback")
    }
    truth = {
        k.removeprefix("truth_"): merged[k] for k in keys if k.startswith("truth_")
    }
    return World(tables=tables, truth=truth, config=config)


def _simulate_chunk(
    cfg: WorldConfig,
    reps: _Reps,
    rng: np.random.Generator,
    offset: int,
    n: int,
    daily_levels: bool = False,
) -> dict[str, pd.DataFrame]:
    days = cfg.life_days
    d = np.arange(days)[None, :]
    lead_ids = np.array([f"L{offset + k + 1:07d}" for k in range(n)], dtype=object)

    # --- firmographics -----------------------------------------------------
    created_day = rng.integers(0, cfg.creation_days, size=n)
    created_tod = (9 * 3600 + rng.random(n) * 9 * 3600).astype(np.int64)
    life_len = np.minimum(days, cfg.observe_days - created_day)
    start_ns = pd.Timestamp(cfg.start).value
    created_ns = start_ns + created_day * _DAY_NS + created_tod * 10**9
    industry = rng.choice(len(names.INDUSTRIES), size=n, p=names.INDUSTRY_SHARE)
    med = np.asarray(names.INDUSTRY_MEDIAN_EMPLOYEES)[industry]
    employees = np.clip(np.exp(rng.normal(np.log(med), 1.0)), 5, 50_000).astype(int)
    revenue = np.round(employees * np.exp(rng.normal(np.log(25.0), 0.5, size=n)), 1)
    region = rng.choice(len(names.REGIONS), size=n, p=names.REGION_SHARE)
    role = rng.choice(3, size=n, p=names.ROLE_SHARE)
    source = rng.choice(len(names.LEAD_SOURCES), size=n, p=names.SOURCE_SHARE)
    src = np.asarray(names.LEAD_SOURCES)[source]
    company = names.company_names(industry, rng)
    contact = names.person_names(n, rng)
    title = names.contact_titles(role, rng)
    log_size = np.log(employees / 150.0)

    # --- latent drivers ----------------------------------------------------
    fit = (
        np.asarray(names.INDUSTRY_FIT)[industry]
        + 0.25 * log_size
        + 0.2 * np.isin(src, ("inquiry", "referral"))
        + rng.normal(0.0, 0.7, size=n)
    )
    src_intent = {"inquiry": 1.0, "referral": 0.6, "seminar": 0.2, "ad": -0.3}
    src_bonus = np.array([src_intent.get(s, 0.0) for s in src])
    src_bonus[src == "outbound"] = -0.6
    height = _sigmoid(rng.normal(-0.2 + 0.6 * fit + src_bonus, 1.3))
    peak = np.where(
        src == "inquiry",
        3 + rng.gamma(2.0, 6.0, size=n),
        8 + rng.gamma(2.2, 22.0, size=n),
    ).clip(1, days - 10)
    rise = rng.uniform(5, 22, size=n)
    decay = rng.uniform(8, 35, size=n)
    width = np.where(d < peak[:, None], rise[:, None], decay[:, None])
    intent = (
        height[:, None] * np.exp(-0.5 * ((d - peak[:, None]) / width) ** 2)
    ).astype(np.float32)
    valid = d < life_len[:, None]

    budget_exists = rng.random(n) < _sigmoid(-0.3 + 0.7 * fit + 0.25 * log_size)
    budget_man = np.round(
        np.clip(np.exp(rng.normal(np.log(300) + 0.45 * log_size, 0.6)), 50, 20_000), -1
    ).astype(int)
    dm_reachable = (role == 0) | (rng.random(n) < 0.5)
    urg_score = 1.2 * height + rng.normal(0, 0.3, size=n)
    urgency = np.where(
        urg_score > 0.85, "high", np.where(urg_score < 0.35, "low", "mid")
    )
    start_months = 1 + rng.poisson(np.where(urgency == "high", 2.0, 5.0))
    timeline_near = start_months <= 6
    competitor = rng.random(n) < 0.55

    is_rep = rng.integers(0, cfg.n_is_reps, size=n)
    dil = np.clip(reps.is_diligence[is_rep] + rng.normal(0, 0.05, size=n), 0.05, 1.0)
    habit = reps.is_habit[is_rep]
    fs_rep = rng.integers(0, cfg.n_fs_reps, size=n)
    fs_skill = reps.fs_skill[fs_rep]

    # --- IS conversations reveal the truth over time -------------------------
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
    known[_ELEM_INDEX["basics"]] = 1 + (credit_prev >= 1)
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
        known[_ELEM_INDEX[e]] = level
    u_rec = rng.random((len(ELEMENT_KEYS), n))
    memo_lvl = np.stack(
        [_record(known[j], u_rec[j], dil) for j in range(len(ELEMENT_KEYS))]
    )
    # An engaged customer agrees to a dated meeting with the right attendees.
    p_next = (0.3 + 0.4 * dil - 0.2 * (habit == 0))[:, None] + 0.8 * intent
    u_next = rng.random(n)[:, None]
    next_lvl = np.where(
        u_next < p_next, 2, np.where(u_next < p_next + (1 - p_next) * 0.7, 1, 0)
    ).astype(np.int8)
    memo_lvl[_ELEM_INDEX["next_action"]] = next_lvl
    known[_ELEM_INDEX["next_action"]] = next_lvl

    # --- when the rep tosses up --------------------------------------------
    bant_full = sum(known[_ELEM_INDEX[b]] == 2 for b in BANT_KEYS)
    problem_known = known[_ELEM_INDEX["problem"]]
    gate_like = (bant_full >= 3) & (problem_known == 2) & (intent >= 0.1)
    complete = (
        (bant_full == 4)
        & (problem_known == 2)
        & (known[_ELEM_INDEX["competition"]] == 2)
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
    disqualified = (~budget_exists) & (urgency == "low") & (rng.random(n) < 0.5)
    toss = np.where((toss >= life_len) | disqualified, -1, toss)
    tossed = toss >= 0
    tday = np.where(tossed, toss, 0)
    rows = np.arange(n)

    # --- the truth: win probability for any toss-up day and memo ----------
    lock = (
        competitor[:, None]
        * (d > peak[:, None])
        * (1 - np.exp(-(d - peak[:, None]) / decay[:, None]))
    )
    base_win = (
        (
            cfg.win_intercept
            + cfg.fit_effect * fit
            + cfg.budget_effect * budget_exists
            + cfg.authority_effect * dm_reachable
            + cfg.urgency_high_effect * (urgency == "high")
            + cfg.urgency_low_effect * (urgency == "low")
            + cfg.timeline_near_effect * timeline_near
            + cfg.competitor_effect * competitor
            + fs_skill
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
        nxt = levels[_ELEM_INDEX["next_action"]] / 2.0
        pm = _sigmoid(base_meet[cols] + cfg.meeting_next_action_effect * nxt)
        pw = _sigmoid(base_win[cols] + info)
        return pm, pw

    pm_all, pw_all = p_win(memo_lvl)
    p_daily = (pm_all * pw_all).astype(np.float32)

    at = (rows, tday)
    lvl_t = memo_lvl[:, rows, tday]
    pm_t, pw_t = pm_all[at], pw_all[at]
    p_true = pm_t * pw_t
    cf: dict[str, np.ndarray] = {}
    for e, j in _ELEM_INDEX.items():
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

    # --- outcomes -------------------------------------------------------------
    meeting = rng.random(n) < pm_t
    won = meeting & (rng.random(n) < pw_t)
    toss_tod = (10 * 3600 + rng.random(n) * 9 * 3600).astype(np.int64)
    toss_ns = start_ns + (created_day + tday) * _DAY_NS + toss_tod * 10**9
    meet_lag = rng.integers(3, 15, size=n)
    # Meetings fall on weekdays: move Saturday and Sunday to Monday.
    weekday = (cfg.start.weekday() + created_day + tday + meet_lag) % 7
    meet_lag = meet_lag + np.select([weekday == 5, weekday == 6], [2, 1], 0)
    meet_hour = rng.choice(np.array([10, 11, 13, 14, 15, 16]), size=n)
    meeting_ns = (
        start_ns + (created_day + tday + meet_lag) * _DAY_NS + meet_hour * 3600 * 10**9
    )
    # Decision lag does not depend on the result, so deals still open at the
    # export are a random subset and closed ones carry no censoring bias.
    decide = 10 + rng.gamma(2.0, 15.0, size=n)
    closed_ns = toss_ns + ((meet_lag + decide) * _DAY_NS).astype(np.int64)
    end_ns = start_ns + cfg.observe_days * _DAY_NS
    has_outcome = tossed & (closed_ns < end_ns)
    amount = np.where(
        budget_exists,
        budget_man * 1e4 * rng.uniform(0.6, 1.1, size=n),
        np.exp(rng.normal(np.log(2e6) + 0.4 * log_size, 0.5)),
    )
    amount = np.where(won, np.round(amount, -3), np.nan)
    loss = _loss_reasons(rng, meeting, competitor, budget_exists, dm_reachable, urgency)

    # --- events ---------------------------------------------------------------
    act = np.exp(rng.normal(0, 0.6, size=n)) * np.where(rng.random(n) < 0.15, 0.15, 1.0)
    is_window = valid & (~tossed[:, None] | (d < tday[:, None]))
    events = build_events(
        EventGrid(
            lead_ids=lead_ids,
            created_ns=created_ns,
            created_tod=created_tod,
            start_ns=start_ns,
            created_day=created_day,
            intent=intent,
            valid=valid,
            activity=act,
            source=src,
            attempts=np.where(is_window, attempts, 0),
            connected=np.where(is_window, connected, 0),
            hearings=np.where(is_window, hearings, 0),
            is_mail_rate=dil[:, None] * 0.04 * (active & is_window),
            end_ns=end_ns,
        ),
        rng,
    )

    # --- memos ----------------------------------------------------------------
    tossed_idx = np.flatnonzero(tossed)
    theme = rng.integers(0, len(THEMES), size=n)
    concern = rng.integers(0, len(_CONCERNS), size=n)
    diff_asked = competitor & (rng.random(n) < 0.5)
    n_comp = rng.integers(1, 4, size=n)
    comp_pick = rng.random((n, len(names.COMPETITORS))).argsort(axis=1)
    dm_title_pick = rng.integers(0, len(_DM_TITLES), size=n)
    approval_pick = rng.integers(0, len(_APPROVALS), size=n)
    n_att = rng.integers(1, 4, size=n)
    att_pick = rng.random((n, len(_ATTENDEE_POOL))).argsort(axis=1)
    fmt_visit = rng.random(n) < 0.35
    n_touch = (credit_prev[rows, tday] + rng.integers(1, 4, size=n)).astype(int)
    memos: list[str] = []
    field_rows: list[tuple[str, str, str, bool, str]] = []
    for i in tossed_idx:
        facts = MemoFacts(
            lead_id=str(lead_ids[i]),
            tossed_up_at=pd.Timestamp(int(toss_ns[i])).to_pydatetime(),
            company_name=company[i],
            industry=names.INDUSTRIES[industry[i]],
            employees=int(employees[i]),
            annual_revenue_m=float(revenue[i]),
            contact_name=contact[i],
            contact_title=title[i],
            contact_role=names.ROLES[role[i]],
            first_contact=pd.Timestamp(int(created_ns[i])).date(),
            touch_count=int(n_touch[i]),
            touch_kinds=_touch_kinds(
                src[i], int(credit_prev[i, tday[i]]), bool(hearings[i, : tday[i]].any())
            ),
            levels={e: int(lvl_t[j, i]) for e, j in _ELEM_INDEX.items()},
            problem_theme=THEMES[theme[i]],
            budget_secured=bool(budget_exists[i]),
            budget_amount_man=int(budget_man[i]) if budget_exists[i] else None,
            decision_maker_title=title[i]
            if role[i] == 0
            else _DM_TITLES[dm_title_pick[i]],
            approval_steps=_APPROVALS[approval_pick[i]],
            urgency=str(urgency[i]),
            start_in_months=int(start_months[i]),
            competitors=tuple(names.COMPETITORS[c] for c in comp_pick[i, : n_comp[i]])
            if competitor[i]
            else (),
            concern=_CONCERNS[concern[i]],
            differences_asked=bool(diff_asked[i]),
            meeting_at=pd.Timestamp(int(meeting_ns[i])).to_pydatetime()
            if lvl_t[_ELEM_INDEX["next_action"], i] == 2
            else None,
            meeting_format="visit" if fmt_visit[i] else "online",
            attendees=tuple(_ATTENDEE_POOL[a] for a in att_pick[i, : n_att[i]]),
            drift=float(reps.is_drift[is_rep[i]]),
            diligence=float(dil[i]),
        )
        rendered = render_memo(facts, rng)
        memos.append(rendered.text)
        for key, ft in rendered.fields.items():
            field_rows.append(
                (str(lead_ids[i]), key, ft.status, ft.free_text, _json(ft.value))
            )

    # --- contract tables --------------------------------------------------------
    leads = pd.DataFrame(
        {
            "lead_id": lead_ids.astype(str),
            "company_name": company,
            "industry": np.asarray(names.INDUSTRIES)[industry],
            "employees": employees,
            "annual_revenue": revenue,
            "region": np.asarray(names.REGIONS)[region],
            "contact_title": title,
            "contact_role": np.asarray(names.ROLES)[role],
            "lead_source": src,
            "created_at": pd.to_datetime(created_ns),
        }
    )
    ti = tossed_idx
    handoffs = pd.DataFrame(
        {
            "lead_id": lead_ids[ti].astype(str),
            "tossed_up_at": pd.to_datetime(toss_ns[ti]),
            "is_rep": np.asarray(reps.is_names, dtype=object)[is_rep[ti]].astype(str),
            "fs_rep": np.asarray(reps.fs_names, dtype=object)[fs_rep[ti]].astype(str),
            "memo": memos,
        }
    )
    oi = np.flatnonzero(has_outcome)
    outcomes = pd.DataFrame(
        {
            "lead_id": lead_ids[oi].astype(str),
            "meeting_held": meeting[oi],
            "won": won[oi],
            "amount": amount[oi],
            "closed_at": pd.to_datetime(closed_ns[oi]),
            "loss_reason": pd.Series(loss[oi], dtype="str").where(~won[oi]),
        }
    )
    feedback = _fs_feedback(rng, lead_ids, oi[meeting[oi]], lvl_t)

    # --- truth ------------------------------------------------------------------
    truth_leads = pd.DataFrame(
        {
            "lead_id": lead_ids.astype(str),
            "fit": fit,
            "intent_peak_height": height,
            "intent_peak_day": peak,
            "intent_rise_days": rise,
            "intent_decay_days": decay,
            "budget_exists": budget_exists,
            "budget_amount_man": np.where(budget_exists, budget_man, 0),
            "decision_maker_reachable": dm_reachable,
            "urgency": urgency,
            "start_in_months": start_months,
            "competitor_present": competitor,
            "is_rep": np.asarray(reps.is_names, dtype=object)[is_rep].astype(str),
            "is_diligence": dil,
            "is_habit": np.asarray(_HABITS)[habit],
            "fs_rep": np.asarray(reps.fs_names, dtype=object)[fs_rep].astype(str),
            "fs_skill": fs_skill,
            "activity": act,
            "life_days": life_len,
            "tossed_up": tossed,
            "toss_day": np.where(tossed, toss, -1),
            "best_day": np.where(valid & (d >= 1), p_daily, -1.0).argmax(axis=1),
            "p_best": np.where(valid & (d >= 1), p_daily, -1.0).max(axis=1),
        }
    )
    truth_handoffs = pd.DataFrame(
        {
            "lead_id": lead_ids[ti].astype(str),
            "p_true": p_true[ti],
            "p_meeting": pm_t[ti],
            "p_win_given_meeting": pw_t[ti],
            "intent_at_toss": intent[rows, tday][ti],
            "days_from_peak": (tday - peak)[ti],
            **{f"level_{e}": lvl_t[j, ti] for e, j in _ELEM_INDEX.items()},
            **{f"known_{e}": known[j, rows, tday][ti] for e, j in _ELEM_INDEX.items()},
            **{f"p_if_{e}": cf[e][ti] for e in ELEMENT_KEYS},
            "p_good_memo": p_good[ti],
            "p_poor_memo": p_poor[ti],
            "has_outcome": has_outcome[ti],
        }
    )
    di, dd = np.nonzero(valid & (d >= 1))
    truth_daily = pd.DataFrame(
        {
            "lead_id": lead_ids[di].astype(str),
            "day": dd.astype(np.int16),
            "date": pd.to_datetime(
                start_ns + (created_day[di] + dd) * _DAY_NS
            ).normalize(),
            "p_win": p_daily[di, dd],
            "intent": intent[di, dd],
        }
    )
    if daily_levels:
        for e, j in _ELEM_INDEX.items():
            truth_daily[f"known_{e}"] = known[j, di, dd]
            truth_daily[f"level_{e}"] = memo_lvl[j, di, dd]
        # IS activity as if the lead had stayed with IS (the logged events stop at
        # the historical toss-up): a replay needs it to show IS calls after that day.
        truth_daily["is_attempts"] = attempts[di, dd].astype(np.int16)
        truth_daily["is_connected"] = connected[di, dd].astype(np.int16)
        truth_daily["is_hearings"] = hearings[di, dd].astype(np.int16)
    fr: list[tuple[Any, ...]] = (
        list(zip(*field_rows, strict=True)) if field_rows else [()] * 5
    )
    truth_fields = pd.DataFrame(
        {
            "lead_id": pd.Series(fr[0], dtype="str"),
            "field": pd.Series(fr[1], dtype="str"),
            "status": pd.Series(fr[2], dtype="str"),
            "free_text": pd.Series(fr[3], dtype=bool),
            "value": pd.Series(fr[4], dtype="str"),
        }
    )
    return {
        "leads": leads,
        "events": events,
        "handoffs": handoffs,
        "outcomes": outcomes,
        "fs_feedback": feedback,
        "truth_leads": truth_leads,
        "truth_handoffs": truth_handoffs,
        "truth_daily": truth_daily,
        "truth_memo_fields": truth_fields,
    }


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _touch_kinds(source: str, conversations: int, hearing: bool) -> tuple[str, ...]:
    first = {
        "inquiry": "form_submission",
        "download": "document_download",
        "seminar": "seminar_attendance",
        "ad": "web_visit",
        "trade_show": "trade_show",
        "referral": "referral",
        "outbound": "is_call_connected",
    }[source]
    kinds = [first]
    if conversations:
        kinds.append("is_call_connected")
    if hearing:
        kinds.append("online_hearing")
    return tuple(dict.fromkeys(kinds))


_LOSS = (
    "商談化せず（連絡途絶）",
    "競合に敗退",
    "予算不足",
    "決裁者の合意が得られず",
    "時期尚早・優先度低",
    "要件不一致",
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


_FEEDBACK_COMMENTS = {
    "problem": "課題の背景が浅く、初回商談で再ヒアリングが必要だった",
    "budget": "予算感が分からず提案金額の調整に時間がかかった",
    "authority": "決裁者・決裁プロセスが不明で提案が進まなかった",
    "need": "緊急度が伝わっておらず優先順位を誤った",
    "timeline": "導入時期が未確認で提案タイミングを逃しかけた",
    "competition": "競合状況が分からず差別化ポイントを準備できなかった",
    "next_action": "商談の目的・参加者が曖昧で準備不足になった",
    "basics": "担当者の役職・連絡先が不足していた",
}


def _fs_feedback(
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
        keys = [e for e, j in _ELEM_INDEX.items() if flagged[j, col]]
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


def observe_end(config: WorldConfig) -> datetime:
    """The moment the export was taken: nothing in the tables is later."""
    return datetime.combine(config.start, datetime.min.time()) + timedelta(
        days=config.observe_days
    )
