"""Behaviour log of the synthetic world: counts on the day grid become timed events.

Marketing behaviour follows each lead's buying intent (pricing pages, case
studies, downloads and seminars cluster near the peak), with lead-level activity,
quiet leads and bursts of page views within a session. IS calls, hearings and
mails come from the IS process the world simulated, cut at the toss-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

_DAY_NS: Final = 86_400 * 10**9
_S: Final = 10**9

EVENT_TYPES: Final[tuple[str, ...]] = (
    "web_visit",
    "email_open",
    "email_click",
    "document_download",
    "seminar_registration",
    "seminar_attendance",
    "form_submission",
    "is_call",
    "is_call_connected",
    "is_mail",
    "online_hearing",
)
_T = {t: i for i, t in enumerate(EVENT_TYPES)}
_PAGES = np.array(["pricing", "case_study", "product", "other", "blog"], dtype=object)
_MAILS = np.array(
    [
        "メルマガ",
        "導入事例のご紹介",
        "セミナーのご案内",
        "新機能のお知らせ",
        "お役立ち資料",
    ],
    dtype=object,
)
_DOCS = np.array(
    [
        "製品概要資料",
        "料金表",
        "導入事例集",
        "ホワイトペーパー：業務効率化の進め方",
        "比較検討ガイド",
    ],
    dtype=object,
)
_SEMINARS = np.array(
    [
        "業務効率化セミナー",
        "導入企業事例ウェビナー",
        "DX推進実践講座",
        "製品デモ会",
    ],
    dtype=object,
)
_FORMS = np.array(["お問い合わせ", "資料請求", "デモ依頼", "見積依頼"], dtype=object)
_CALL_NOTES = np.array(["不在", "受付ブロック", "折り返し依頼", "留守電"], dtype=object)


@dataclass(frozen=True)
class EventGrid:
    """Per-lead state the event log is drawn from; grids are (leads, days)."""

    lead_ids: np.ndarray
    created_ns: np.ndarray
    created_tod: np.ndarray  # seconds after midnight of the creation day
    start_ns: int
    created_day: np.ndarray
    intent: np.ndarray
    valid: np.ndarray
    activity: np.ndarray
    source: np.ndarray
    attempts: np.ndarray
    connected: np.ndarray
    hearings: np.ndarray
    is_mail_rate: np.ndarray
    end_ns: int  # the export moment: nothing is logged at or after it


class _Log:
    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.ts: list[np.ndarray] = []
        self.types: list[np.ndarray] = []
        self.details: list[np.ndarray] = []

    def add(
        self, rows: np.ndarray, ts: np.ndarray, kind: str, detail: np.ndarray
    ) -> None:
        self.rows.append(rows)
        self.ts.append(ts)
        self.types.append(np.full(len(rows), _T[kind], dtype=np.int8))
        self.details.append(detail)


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, c = np.nonzero(counts)
    k = counts[r, c]
    return np.repeat(r, k), np.repeat(c, k)


def _stamp(
    g: EventGrid,
    rows: np.ndarray,
    days: np.ndarray,
    rng: np.random.Generator,
    *,
    office: float = 0.7,
) -> np.ndarray:
    """Timestamps in ns; `office` is the share within 9:00-18:00."""
    n = len(rows)
    tod = np.where(
        rng.random(n) < office,
        9 * 3600 + rng.random(n) * 9 * 3600,
        rng.random(n) * 86_400,
    ).astype(np.int64)
    first = days == 0
    created = g.created_tod[rows]
    tod = np.where(
        first, created + (rng.random(n) * (86_399 - created)).astype(np.int64), tod
    )
    return g.start_ns + (g.created_day[rows] + days) * _DAY_NS + tod * _S


def _pick(values: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    return values[rng.integers(0, len(values), size=n)]


def build_events(g: EventGrid, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the whole behaviour log of a chunk of leads."""
    log = _Log()
    act = g.activity[:, None]
    intent = g.intent
    live = g.valid

    # Web sessions, each a burst of page views minutes apart.
    sessions = rng.poisson(act * (0.008 + 0.18 * intent) * live)
    r, dd = _expand(sessions)
    t0 = _stamp(g, r, dd, rng)
    pages = 1 + rng.poisson(0.9, size=len(r))
    r, dd, t0 = np.repeat(r, pages), np.repeat(dd, pages), np.repeat(t0, pages)
    step = (30 + rng.random(len(r)) * 210).astype(np.int64) * _S
    start = np.repeat(np.cumsum(pages) - pages, pages)
    within = np.arange(len(r)) - start
    ts = t0 + within * step
    level = intent[r, dd]
    cum = np.stack(
        [
            0.03 + 0.25 * level,
            0.09 + 0.45 * level,
            0.34 + 0.45 * level,
            0.42 + 0.45 * level,
        ],
        axis=1,
    )
    cat = (rng.random(len(r))[:, None] > cum).sum(axis=1)
    log.add(r, ts, "web_visit", _PAGES[cat])

    # Mail: newsletters are opened with little regard to intent; clicks follow intent.
    opens = rng.poisson(act * (0.025 + 0.06 * intent) * live)
    r, dd = _expand(opens)
    ts = _stamp(g, r, dd, rng)
    mail = _pick(_MAILS, len(r), rng)
    log.add(r, ts, "email_open", mail)
    click = rng.random(len(r)) < 0.1 + 0.4 * intent[r, dd]
    log.add(
        r[click],
        ts[click] + rng.integers(5, 600, size=int(click.sum())) * _S,
        "email_click",
        mail[click],
    )

    downloads = rng.poisson(act * (0.003 + 0.06 * intent) * live)
    r, dd = _expand(downloads)
    doc_p = np.clip(0.15 + 0.5 * intent[r, dd], 0, 1)
    doc = np.where(
        rng.random(len(r)) < doc_p,
        rng.integers(1, 3, size=len(r)),
        rng.integers(0, 5, size=len(r)),
    )
    log.add(r, _stamp(g, r, dd, rng), "document_download", _DOCS[doc])

    regs = rng.poisson(act * (0.002 + 0.025 * intent) * live)
    r, dd = _expand(regs)
    title = _pick(_SEMINARS, len(r), rng)
    log.add(r, _stamp(g, r, dd, rng), "seminar_registration", title)
    later = dd + rng.integers(3, 11, size=len(r))
    attend = (rng.random(len(r)) < 0.35 + 0.4 * intent[r, dd]) & (later < live.shape[1])
    attend &= live[r, np.minimum(later, live.shape[1] - 1)]
    log.add(
        r[attend],
        _stamp(g, r[attend], later[attend], rng, office=1.0),
        "seminar_attendance",
        title[attend],
    )

    forms = rng.poisson(act * (0.0008 + 0.012 * intent) * live)
    r, dd = _expand(forms)
    log.add(r, _stamp(g, r, dd, rng), "form_submission", _pick(_FORMS, len(r), rng))

    # The event that created the lead.
    first = {
        "inquiry": ("form_submission", _FORMS[:1]),
        "download": ("document_download", _DOCS[:1]),
        "seminar": ("seminar_registration", _SEMINARS[:1]),
        "ad": ("web_visit", _PAGES[2:3]),
    }
    for src, (kind, detail) in first.items():
        r = np.flatnonzero(g.source == src)
        log.add(r, g.created_ns[r], kind, np.repeat(detail, len(r)))

    # IS activity (already cut at the toss-up by the caller).
    r, dd = _expand(g.attempts - g.connected)
    log.add(
        r,
        _stamp(g, r, dd, rng, office=0.95),
        "is_call",
        _pick(_CALL_NOTES, len(r), rng),
    )
    r, dd = _expand(g.connected)
    log.add(
        r,
        _stamp(g, r, dd, rng, office=0.95),
        "is_call_connected",
        np.full(len(r), "担当者と通話", dtype=object),
    )
    r, dd = _expand(g.hearings)
    log.add(
        r,
        _stamp(g, r, dd, rng, office=1.0),
        "online_hearing",
        np.full(len(r), "オンラインヒアリング実施", dtype=object),
    )
    r, dd = _expand(rng.poisson(g.is_mail_rate))
    log.add(
        r,
        _stamp(g, r, dd, rng, office=0.95),
        "is_mail",
        np.full(len(r), "フォローメール送付", dtype=object),
    )

    rows = np.concatenate(log.rows)
    ts = np.concatenate(log.ts)
    types = np.concatenate(log.types)
    details = np.concatenate(log.details)
    keep = ts < g.end_ns
    rows, ts, types, details = rows[keep], ts[keep], types[keep], details[keep]
    order = np.lexsort((types, ts, rows))
    return pd.DataFrame(
        {
            "lead_id": pd.Series(g.lead_ids[rows[order]], dtype="str"),
            "timestamp": pd.to_datetime(ts[order]),
            "type": pd.Series(
                np.asarray(EVENT_TYPES, dtype=object)[types[order]], dtype="str"
            ),
            "detail": pd.Series(details[order], dtype="str"),
        }
    )
