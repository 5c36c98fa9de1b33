"""Who is in the world: the reps, and each lead with the drivers it hides.

Reps are drawn once per world from their own stream; leads are drawn per chunk
from the chunk's stream, always in the same order, so a seed gives the same
world. docs/world.md describes the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from readiness.simulate import names
from readiness.simulate.config import WorldConfig

DAY_NS: Final = 86_400 * 10**9
HABITS: Final = ("early", "gate", "late")
_HABIT_SHARE: Final = (0.3, 0.45, 0.25)


@dataclass(frozen=True)
class Reps:
    """The IS and FS teams: names and the traits that shape their work."""

    is_names: list[str]
    is_diligence: np.ndarray
    is_habit: np.ndarray
    is_drift: np.ndarray
    fs_names: list[str]
    fs_skill: np.ndarray


@dataclass(frozen=True)
class Leads:
    """One chunk of leads: what the tables show and the drivers behind it.

    Arrays are per lead, or per lead and day (`intent`, `valid`) on the day grid
    `day` (days since the lead was created).
    """

    lead_ids: np.ndarray
    day: np.ndarray
    start_ns: int
    created_day: np.ndarray
    created_tod: np.ndarray
    created_ns: np.ndarray
    life_len: np.ndarray
    valid: np.ndarray
    industry: np.ndarray
    employees: np.ndarray
    revenue: np.ndarray
    region: np.ndarray
    role: np.ndarray
    src: np.ndarray
    company: list[str]
    contact: list[str]
    title: list[str]
    log_size: np.ndarray
    fit: np.ndarray
    height: np.ndarray
    peak: np.ndarray
    rise: np.ndarray
    decay: np.ndarray
    intent: np.ndarray
    budget_exists: np.ndarray
    budget_man: np.ndarray
    dm_reachable: np.ndarray
    urgency: np.ndarray
    start_months: np.ndarray
    timeline_near: np.ndarray
    competitor: np.ndarray
    is_rep: np.ndarray
    dil: np.ndarray
    habit: np.ndarray
    fs_rep: np.ndarray
    fs_skill: np.ndarray

    @property
    def n(self) -> int:
        return len(self.lead_ids)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def make_reps(cfg: WorldConfig) -> Reps:
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0]))
    return Reps(
        is_names=names.person_names(cfg.n_is_reps, rng),
        is_diligence=rng.beta(4.0, 2.5, size=cfg.n_is_reps),
        is_habit=rng.choice(3, size=cfg.n_is_reps, p=_HABIT_SHARE),
        is_drift=rng.beta(1.5, 4.0, size=cfg.n_is_reps),
        fs_names=names.person_names(cfg.n_fs_reps, rng),
        fs_skill=rng.normal(0.0, cfg.fs_skill_sd, size=cfg.n_fs_reps),
    )


def draw_leads(
    cfg: WorldConfig, reps: Reps, rng: np.random.Generator, offset: int, n: int
) -> Leads:
    """Firmographics, buying intent, the hidden BANT truth and the reps assigned."""
    days = cfg.life_days
    d = np.arange(days)[None, :]
    lead_ids = np.array([f"L{offset + k + 1:07d}" for k in range(n)], dtype=object)

    # --- firmographics -----------------------------------------------------
    created_day = rng.integers(0, cfg.creation_days, size=n)
    created_tod = (9 * 3600 + rng.random(n) * 9 * 3600).astype(np.int64)
    life_len = np.minimum(days, cfg.observe_days - created_day)
    start_ns = pd.Timestamp(cfg.start).value
    created_ns = start_ns + created_day * DAY_NS + created_tod * 10**9
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
    height = sigmoid(rng.normal(-0.2 + 0.6 * fit + src_bonus, 1.3))
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

    budget_exists = rng.random(n) < sigmoid(-0.3 + 0.7 * fit + 0.25 * log_size)
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

    # --- the reps on the lead ------------------------------------------------
    is_rep = rng.integers(0, cfg.n_is_reps, size=n)
    dil = np.clip(reps.is_diligence[is_rep] + rng.normal(0, 0.05, size=n), 0.05, 1.0)
    habit = reps.is_habit[is_rep]
    fs_rep = rng.integers(0, cfg.n_fs_reps, size=n)
    fs_skill = reps.fs_skill[fs_rep]
    return Leads(
        lead_ids=lead_ids,
        day=d,
        start_ns=start_ns,
        created_day=created_day,
        created_tod=created_tod,
        created_ns=created_ns,
        life_len=life_len,
        valid=valid,
        industry=industry,
        employees=employees,
        revenue=revenue,
        region=region,
        role=role,
        src=src,
        company=company,
        contact=contact,
        title=title,
        log_size=log_size,
        fit=fit,
        height=height,
        peak=peak,
        rise=rise,
        decay=decay,
        intent=intent,
        budget_exists=budget_exists,
        budget_man=budget_man,
        dm_reachable=dm_reachable,
        urgency=urgency,
        start_months=start_months,
        timeline_near=timeline_near,
        competitor=competitor,
        is_rep=is_rep,
        dil=dil,
        habit=habit,
        fs_rep=fs_rep,
        fs_skill=fs_skill,
    )
