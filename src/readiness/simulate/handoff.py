"""The memo IS writes for each tossed-up lead, and the truth of what it says.

Gathers what the rep knows about a lead into `MemoFacts` and renders it with
`render_memo`; the per-field truth becomes the `memo_fields` truth table (with
the memo's habit: template, chat or narrative, on every row). Draws
come from the chunk's stream in a fixed order, lead by lead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.simulate import names
from readiness.simulate.behaviour import ELEM_INDEX, Knowledge
from readiness.simulate.memo_kit import MemoFacts
from readiness.simulate.memo_phrases import THEMES
from readiness.simulate.memo_text import render_memo
from readiness.simulate.outcome import Outcomes
from readiness.simulate.population import Leads, Reps

_CONCERNS: Final = ("price", "implementation_effort", "support", "features", "security")
_DM_TITLES: Final = (
    "情報システム部長",
    "取締役",
    "代表取締役",
    "経営企画部長",
    "管理本部長",
)
_APPROVALS: Final = (
    ("部長決裁",),
    ("部長承認", "役員会"),
    ("稟議", "取締役会"),
    ("課長起案", "部長承認", "社長決裁"),
)
_ATTENDEE_POOL: Final = (
    "情報システム部長",
    "経理課長",
    "担当者",
    "営業部長",
    "DX推進室長",
    "総務課長",
)


@dataclass(frozen=True)
class Memos:
    """Memo texts in the order of the tossed-up leads, and their per-field truth."""

    texts: list[str]
    fields: pd.DataFrame


def write_memos(
    leads: Leads,
    reps: Reps,
    talk: Knowledge,
    lvl_t: np.ndarray,
    tossed: np.ndarray,
    tday: np.ndarray,
    result: Outcomes,
    rng: np.random.Generator,
) -> Memos:
    """One memo per tossed-up lead (`lvl_t`: the levels written at the toss-up)."""
    n, lead_ids, competitor = leads.n, leads.lead_ids, leads.competitor
    industry, role, title = leads.industry, leads.role, leads.title
    budget_exists, budget_man = leads.budget_exists, leads.budget_man
    credit_prev, hearings = talk.credit_prev, talk.hearings
    toss_ns, meeting_ns = result.toss_ns, result.meeting_ns
    rows = np.arange(n)
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
    field_rows: list[tuple[str, str, str, bool, str, str]] = []
    for i in tossed_idx:
        facts = MemoFacts(
            lead_id=str(lead_ids[i]),
            tossed_up_at=pd.Timestamp(int(toss_ns[i])).to_pydatetime(),
            company_name=leads.company[i],
            industry=names.INDUSTRIES[industry[i]],
            employees=int(leads.employees[i]),
            annual_revenue_m=float(leads.revenue[i]),
            contact_name=leads.contact[i],
            contact_title=title[i],
            contact_role=names.ROLES[role[i]],
            first_contact=pd.Timestamp(int(leads.created_ns[i])).date(),
            touch_count=int(n_touch[i]),
            touch_kinds=_touch_kinds(
                leads.src[i],
                int(credit_prev[i, tday[i]]),
                bool(hearings[i, : tday[i]].any()),
            ),
            levels={e: int(lvl_t[j, i]) for e, j in ELEM_INDEX.items()},
            problem_theme=THEMES[theme[i]],
            budget_secured=bool(budget_exists[i]),
            budget_amount_man=int(budget_man[i]) if budget_exists[i] else None,
            decision_maker_title=title[i]
            if role[i] == 0
            else _DM_TITLES[dm_title_pick[i]],
            approval_steps=_APPROVALS[approval_pick[i]],
            urgency=str(leads.urgency[i]),
            start_in_months=int(leads.start_months[i]),
            competitors=tuple(names.COMPETITORS[c] for c in comp_pick[i, : n_comp[i]])
            if competitor[i]
            else (),
            concern=_CONCERNS[concern[i]],
            differences_asked=bool(diff_asked[i]),
            meeting_at=pd.Timestamp(int(meeting_ns[i])).to_pydatetime()
            if lvl_t[ELEM_INDEX["next_action"], i] == 2
            else None,
            meeting_format="visit" if fmt_visit[i] else "online",
            attendees=tuple(_ATTENDEE_POOL[a] for a in att_pick[i, : n_att[i]]),
            drift=float(reps.is_drift[leads.is_rep[i]]),
            diligence=float(leads.dil[i]),
        )
        rendered = render_memo(facts, rng)
        memos.append(rendered.text)
        for key, ft in rendered.fields.items():
            field_rows.append(
                (
                    str(lead_ids[i]),
                    key,
                    ft.status,
                    ft.free_text,
                    _json(ft.value),
                    rendered.habit,
                )
            )
    fr: list[tuple[Any, ...]] = (
        list(zip(*field_rows, strict=True)) if field_rows else [()] * 6
    )
    fields = pd.DataFrame(
        {
            "lead_id": pd.Series(fr[0], dtype="str"),
            "field": pd.Series(fr[1], dtype="str"),
            "status": pd.Series(fr[2], dtype="str"),
            "free_text": pd.Series(fr[3], dtype=bool),
            "value": pd.Series(fr[4], dtype="str"),
            "habit": pd.Series(fr[5], dtype="str"),  # template | chat | narrative
        }
    )
    return Memos(texts=memos, fields=fields)


def _json(value: Any) -> str:
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
