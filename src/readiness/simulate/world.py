"""The generating model of the synthetic B2B sales world.

Leads are simulated on a day grid (rows = leads, columns = days since the lead
was created) in fixed-size chunks, each with its own random stream, so the same
seed gives the same world and memory stays bounded. docs/world.md describes the
model; the tables follow the data contract and the truth is kept apart.

A chunk goes through phases, each in its own module and each drawing from the
chunk's stream in turn (the order of the phases is the order of the draws):
`population` (who the leads are), `behaviour` (what IS learns and when it tosses
up), `outcome` (the chances and what happened), `events` (the behaviour log),
`handoff` (the memos) and FS feedback. This module runs them and assembles the
tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from readiness.fields import ELEMENT_KEYS
from readiness.simulate import names
from readiness.simulate.behaviour import ELEM_INDEX, Knowledge, converse, toss_days
from readiness.simulate.config import WorldConfig
from readiness.simulate.events import EventGrid, build_events
from readiness.simulate.handoff import write_memos
from readiness.simulate.outcome import (
    Chances,
    Outcomes,
    chances,
    draw_outcomes,
    element_effects,
    fs_feedback,
)
from readiness.simulate.population import (
    DAY_NS,
    HABITS,
    Leads,
    Reps,
    draw_leads,
    make_reps,
)


@dataclass(frozen=True)
class World:
    """Contract tables, the truth behind them, and the config that made them."""

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    config: WorldConfig


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
    reps = make_reps(config)
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
    truth["element_effects"] = element_effects(config, truth["handoffs"])
    return World(tables=tables, truth=truth, config=config)


def _simulate_chunk(
    cfg: WorldConfig,
    reps: Reps,
    rng: np.random.Generator,
    offset: int,
    n: int,
    daily_levels: bool = False,
) -> dict[str, pd.DataFrame]:
    # The phases in the order of their draws: reordering them changes the world.
    leads = draw_leads(cfg, reps, rng, offset, n)
    talk = converse(cfg, leads, rng)
    toss = toss_days(leads, talk, rng)
    tossed = toss >= 0
    tday = np.where(tossed, toss, 0)
    odds = chances(cfg, leads, talk, tday)
    result = draw_outcomes(cfg, leads, odds, tossed, tday, rng)
    act, events = _events(leads, talk, tossed, tday, result.end_ns, rng)
    memos = write_memos(leads, reps, talk, odds.lvl_t, tossed, tday, result, rng)

    oi = np.flatnonzero(result.has_outcome)
    feedback = fs_feedback(rng, leads.lead_ids, oi[result.meeting[oi]], odds.lvl_t)
    ti = np.flatnonzero(tossed)
    return {
        "leads": _leads_table(leads),
        "events": events,
        "handoffs": _handoffs_table(leads, reps, ti, result, memos.texts),
        "outcomes": _outcomes_table(leads, oi, result),
        "fs_feedback": feedback,
        "truth_leads": _truth_leads(leads, reps, tossed, toss, odds, act),
        "truth_handoffs": _truth_handoffs(leads, talk, tday, ti, odds, result),
        "truth_daily": _truth_daily(leads, talk, odds, daily_levels),
        "truth_memo_fields": memos.fields,
    }


def _events(
    leads: Leads,
    talk: Knowledge,
    tossed: np.ndarray,
    tday: np.ndarray,
    end_ns: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Each lead's activity level and its behaviour log, IS cut at the toss-up."""
    n, valid, d = leads.n, leads.valid, leads.day
    act = np.exp(rng.normal(0, 0.6, size=n)) * np.where(rng.random(n) < 0.15, 0.15, 1.0)
    is_window = valid & (~tossed[:, None] | (d < tday[:, None]))
    events = build_events(
        EventGrid(
            lead_ids=leads.lead_ids,
            created_ns=leads.created_ns,
            created_tod=leads.created_tod,
            start_ns=leads.start_ns,
            created_day=leads.created_day,
            intent=leads.intent,
            valid=valid,
            activity=act,
            source=leads.src,
            attempts=np.where(is_window, talk.attempts, 0),
            connected=np.where(is_window, talk.connected, 0),
            hearings=np.where(is_window, talk.hearings, 0),
            is_mail_rate=leads.dil[:, None] * 0.04 * (talk.active & is_window),
            end_ns=end_ns,
        ),
        rng,
    )
    return act, events


def _leads_table(leads: Leads) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": leads.lead_ids.astype(str),
            "company_name": leads.company,
            "industry": np.asarray(names.INDUSTRIES)[leads.industry],
            "employees": leads.employees,
            "annual_revenue": leads.revenue,
            "region": np.asarray(names.REGIONS)[leads.region],
            "contact_title": leads.title,
            "contact_role": np.asarray(names.ROLES)[leads.role],
            "lead_source": leads.src,
            "created_at": pd.to_datetime(leads.created_ns),
        }
    )


def _rep_names(pool: list[str], idx: np.ndarray) -> np.ndarray:
    return np.asarray(pool, dtype=object)[idx].astype(str)


def _handoffs_table(
    leads: Leads, reps: Reps, ti: np.ndarray, result: Outcomes, memos: list[str]
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": leads.lead_ids[ti].astype(str),
            "tossed_up_at": pd.to_datetime(result.toss_ns[ti]),
            "is_rep": _rep_names(reps.is_names, leads.is_rep[ti]),
            "fs_rep": _rep_names(reps.fs_names, leads.fs_rep[ti]),
            "memo": memos,
        }
    )


def _outcomes_table(leads: Leads, oi: np.ndarray, result: Outcomes) -> pd.DataFrame:
    won = result.won
    return pd.DataFrame(
        {
            "lead_id": leads.lead_ids[oi].astype(str),
            "meeting_held": result.meeting[oi],
            "won": won[oi],
            "amount": result.amount[oi],
            "closed_at": pd.to_datetime(result.closed_ns[oi]),
            "loss_reason": pd.Series(result.loss[oi], dtype="str").where(~won[oi]),
        }
    )


def _truth_leads(
    leads: Leads,
    reps: Reps,
    tossed: np.ndarray,
    toss: np.ndarray,
    odds: Chances,
    act: np.ndarray,
) -> pd.DataFrame:
    budget_exists, valid, d = leads.budget_exists, leads.valid, leads.day
    return pd.DataFrame(
        {
            "lead_id": leads.lead_ids.astype(str),
            "fit": leads.fit,
            "intent_peak_height": leads.height,
            "intent_peak_day": leads.peak,
            "intent_rise_days": leads.rise,
            "intent_decay_days": leads.decay,
            "budget_exists": budget_exists,
            "budget_amount_man": np.where(budget_exists, leads.budget_man, 0),
            "decision_maker_reachable": leads.dm_reachable,
            "urgency": leads.urgency,
            "start_in_months": leads.start_months,
            "competitor_present": leads.competitor,
            "is_rep": _rep_names(reps.is_names, leads.is_rep),
            "is_diligence": leads.dil,
            "is_habit": np.asarray(HABITS)[leads.habit],
            "fs_rep": _rep_names(reps.fs_names, leads.fs_rep),
            "fs_skill": leads.fs_skill,
            "activity": act,
            "life_days": leads.life_len,
            "tossed_up": tossed,
            "toss_day": np.where(tossed, toss, -1),
            "best_day": np.where(valid & (d >= 1), odds.p_daily, -1.0).argmax(axis=1),
            "p_best": np.where(valid & (d >= 1), odds.p_daily, -1.0).max(axis=1),
        }
    )


def _truth_handoffs(
    leads: Leads,
    talk: Knowledge,
    tday: np.ndarray,
    ti: np.ndarray,
    odds: Chances,
    result: Outcomes,
) -> pd.DataFrame:
    rows = np.arange(leads.n)
    lvl_t, known = odds.lvl_t, talk.known
    return pd.DataFrame(
        {
            "lead_id": leads.lead_ids[ti].astype(str),
            "p_true": odds.p_true[ti],
            "p_meeting": odds.pm_t[ti],
            "p_win_given_meeting": odds.pw_t[ti],
            "intent_at_toss": leads.intent[rows, tday][ti],
            "days_from_peak": (tday - leads.peak)[ti],
            **{f"level_{e}": lvl_t[j, ti] for e, j in ELEM_INDEX.items()},
            **{f"known_{e}": known[j, rows, tday][ti] for e, j in ELEM_INDEX.items()},
            **{f"p_if_{e}": odds.cf[e][ti] for e in ELEMENT_KEYS},
            "p_good_memo": odds.p_good[ti],
            "p_poor_memo": odds.p_poor[ti],
            "has_outcome": result.has_outcome[ti],
        }
    )


def _truth_daily(
    leads: Leads, talk: Knowledge, odds: Chances, daily_levels: bool
) -> pd.DataFrame:
    di, dd = np.nonzero(leads.valid & (leads.day >= 1))
    truth_daily = pd.DataFrame(
        {
            "lead_id": leads.lead_ids[di].astype(str),
            "day": dd.astype(np.int16),
            "date": pd.to_datetime(
                leads.start_ns + (leads.created_day[di] + dd) * DAY_NS
            ).normalize(),
            "p_win": odds.p_daily[di, dd],
            "intent": leads.intent[di, dd],
        }
    )
    if daily_levels:
        for e, j in ELEM_INDEX.items():
            truth_daily[f"known_{e}"] = talk.known[j, di, dd]
            truth_daily[f"level_{e}"] = talk.memo_lvl[j, di, dd]
        # IS activity as if the lead had stayed with IS (the logged events stop at
        # the historical toss-up): a replay needs it to show IS calls after that day.
        truth_daily["is_attempts"] = talk.attempts[di, dd].astype(np.int16)
        truth_daily["is_connected"] = talk.connected[di, dd].astype(np.int16)
        truth_daily["is_hearings"] = talk.hearings[di, dd].astype(np.int16)
    return truth_daily


def observe_end(config: WorldConfig) -> datetime:
    """The moment the export was taken: nothing in the tables is later."""
    return datetime.combine(config.start, datetime.min.time()) + timedelta(
        days=config.observe_days
    )
