"""Behaviour and inside-sales activity of a lead as of a moment, vectorised.

Every point is a (lead, moment) pair and only events strictly before the moment
count. Lead and time are folded into one sortable int64 key (lead code × number of
instants compared + rank of the instant), so "events of lead l before t" is one
`searchsorted` for all points at once, whatever the number of leads or points:
no Python loop ever runs over events or points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from readiness.data.contract import EVENT_TYPES, WEB_PAGE_CATEGORIES

__all__ = [
    "behaviour_columns",
    "behaviour_features",
    "behaviour_info",
    "behaviour_of_codes",
    "event_codes",
    "event_kind_info",
]

DAY_US: Final = 86_400 * 1_000_000

# Customer-initiated touches (marketing automation); the IS types are rep-driven.
IS_TYPES: Final = ("is_call", "is_call_connected", "is_mail", "online_hearing")
CUSTOMER_TYPES: Final = tuple(t for t in EVENT_TYPES if t not in IS_TYPES)

# The intent index: how strongly a touch signals buying intent (issue 4).
INTENT_WEIGHTS: Final[dict[str, int]] = {
    "web_pricing": 3,
    "web_case_study": 2,
    "web_product": 1,
    "web_blog": 1,
    "web_other": 1,
    "document_download": 2,
    "seminar_attendance": 3,
    "form_submission": 3,
    "email_click": 1,
}
INTENT_DAYS: Final = 14
PEAK_DAYS: Final = 7
VELOCITY_CHANNELS: Final = ("activity", "web_visit", "web_pricing")

# Rates that do not grow with how active a lead is in general, only with intent:
# name → (numerator channels, denominator channel, span, ja, en).
_RATES: Final[dict[str, tuple[tuple[str, ...], str, int | str, str, str]]] = {
    "web_intent_share_30d": (
        ("web_pricing", "web_case_study"),
        "web_visit",
        30,
        "直近30日の閲覧に占める料金・導入事例ページの割合",
        "share of pricing and case-study pages in the last 30 days' page views",
    ),
    "web_intent_share_all": (
        ("web_pricing", "web_case_study"),
        "web_visit",
        "all",
        "閲覧に占める料金・導入事例ページの割合（累計）",
        "share of pricing and case-study pages in all page views so far",
    ),
    "email_click_rate_30d": (
        ("email_click",),
        "email_open",
        30,
        "直近30日のメールのクリック率（クリック ÷ 開封）",
        "e-mail click rate in the last 30 days (clicks per open)",
    ),
    "email_click_rate_all": (
        ("email_click",),
        "email_open",
        "all",
        "メールのクリック率（累計）",
        "e-mail click rate so far (clicks per open)",
    ),
    "seminar_show_rate_all": (
        ("seminar_attendance",),
        "seminar_registration",
        "all",
        "セミナーの参加率（参加 ÷ 申込, 累計）",
        "seminar show-up rate so far (attendances per registration)",
    ),
    "is_connect_rate_all": (
        ("is_call_connected",),
        "is_call_attempts",
        "all",
        "架電の通話率（累計）",
        "share of IS calls connected so far",
    ),
    "is_connect_rate_30d": (
        ("is_call_connected",),
        "is_call_attempts",
        30,
        "直近30日の架電の通話率",
        "share of IS calls connected in the last 30 days",
    ),
    "is_hearing_rate_all": (
        ("online_hearing",),
        "is_call_connected",
        "all",
        "通話からオンラインヒアリングに進んだ割合（累計）",
        "online hearings per connected IS call so far",
    ),
}

# channel → (group, ja noun, en plural, en singular)
_CHANNELS: Final[dict[str, tuple[str, str, str, str]]] = {
    "web_visit": ("behaviour", "ウェブ訪問", "web visits", "web visit"),
    "email_open": ("behaviour", "メール開封", "e-mail opens", "e-mail open"),
    "email_click": (
        "behaviour",
        "メール内リンクのクリック",
        "e-mail clicks",
        "e-mail click",
    ),
    "document_download": (
        "behaviour",
        "資料ダウンロード",
        "document downloads",
        "document download",
    ),
    "seminar_registration": (
        "behaviour",
        "セミナー申込",
        "seminar registrations",
        "seminar registration",
    ),
    "seminar_attendance": (
        "behaviour",
        "セミナー参加",
        "seminar attendances",
        "seminar attendance",
    ),
    "form_submission": (
        "behaviour",
        "フォーム送信",
        "form submissions",
        "form submission",
    ),
    "is_call": (
        "is_activity",
        "不通の架電",
        "unanswered IS calls",
        "unanswered IS call",
    ),
    "is_call_connected": (
        "is_activity",
        "通話できた架電",
        "connected IS calls",
        "connected IS call",
    ),
    "is_mail": ("is_activity", "ISからのメール", "IS mails", "IS mail"),
    "online_hearing": (
        "is_activity",
        "オンラインヒアリング",
        "online hearings",
        "online hearing",
    ),
    "web_pricing": (
        "behaviour",
        "料金ページ閲覧",
        "pricing page visits",
        "pricing page visit",
    ),
    "web_case_study": (
        "behaviour",
        "導入事例ページ閲覧",
        "case-study page visits",
        "case-study page visit",
    ),
    "web_product": (
        "behaviour",
        "製品ページ閲覧",
        "product page visits",
        "product page visit",
    ),
    "web_blog": ("behaviour", "ブログ閲覧", "blog visits", "blog visit"),
    "web_other": (
        "behaviour",
        "その他ページ閲覧",
        "other page visits",
        "other page visit",
    ),
    "activity": (
        "behaviour",
        "顧客の行動（ウェブ・メール・資料・セミナー・フォーム）",
        "customer actions (web, e-mail, downloads, seminars, forms)",
        "customer action",
    ),
    "is_call_attempts": ("is_activity", "架電", "IS call attempts", "IS call attempt"),
    "is_conversation": (
        "is_activity",
        "会話（通話・ヒアリング）",
        "IS conversations (connected calls, hearings)",
        "IS conversation (connected call or hearing)",
    ),
}
_PAGE_CHANNELS: Final = tuple(f"web_{p}" for p in WEB_PAGE_CATEGORIES)
_COUNTED: Final = (*EVENT_TYPES, *_PAGE_CHANNELS, "activity")

_FIXED: Final[dict[str, tuple[str, str, str]]] = {
    "intent_7d": (
        "behaviour",
        "直近7日の購買意欲指数",
        "buying-intent index over the last 7 days",
    ),
    "intent_14d": (
        "behaviour",
        "直近14日の購買意欲指数"
        "（料金3・事例2・資料2・セミナー参加3・フォーム3・クリック1・他ページ1）",
        "buying-intent index over the last 14 days (pricing 3, case study 2, "
        "download 2, seminar 3, form 3, click 1, other page 1)",
    ),
    "intent_change_14d": (
        "behaviour",
        "購買意欲指数の変化（直近14日 − その前の14日）",
        "change of the intent index (last 14 days minus the 14 days before)",
    ),
    "intent_peak_7d": (
        "behaviour",
        "これまでの7日間購買意欲指数のピーク",
        "peak of the 7-day intent index so far",
    ),
    "days_since_intent_peak": (
        "behaviour",
        "購買意欲のピークからの日数",
        "days since buying intent peaked",
    ),
    "intent_vs_peak": (
        "behaviour",
        "現在の購買意欲指数のピーク比",
        "current 7-day intent index relative to its peak",
    ),
    "is_call_attempts_all": (
        "is_activity",
        "架電数（累計）",
        "IS call attempts so far",
    ),
    "is_call_attempts_30d": (
        "is_activity",
        "直近30日の架電数",
        "IS call attempts in the last 30 days",
    ),
}


def behaviour_columns(windows: Iterable[int]) -> list[str]:
    """The behaviour and IS activity columns, in output order."""
    ws = tuple(windows)
    cols = [f"{ch}_{w}d" for ch in _COUNTED for w in ws]
    cols += [f"{ch}_all" for ch in _COUNTED]
    cols += [f"days_since_{ch}" for ch in (*_COUNTED, "is_conversation")]
    cols += [f"{k}_{ch}" for ch in VELOCITY_CHANNELS for k in ("velocity", "trend")]
    cols += list(_FIXED)
    cols += list(_RATES)
    return cols


def behaviour_info(name: str) -> tuple[str, str, str] | None:
    """(group, ja, en) of a behaviour column name, or None when it is not one."""
    if name in _FIXED:
        return _FIXED[name]
    if name in _RATES:
        *_, den, _, ja, en = _RATES[name]
        return _CHANNELS[den][0], ja, en
    for prefix, ja, en in (
        ("days_since_", "最後の{}からの日数", "days since the last {s}"),
        ("velocity_", "{}の勢い（直近7日 ÷ 直近30日の週平均）",
         "{p}: last 7 days vs the weekly average of the last 30 days"),
        ("trend_", "{}の増減（直近7日 − その前の7日）",
         "{p}: last 7 days minus the 7 days before"),
    ):  # fmt: skip
        if name.startswith(prefix) and name[len(prefix) :] in _CHANNELS:
            group, noun, plural, singular = _CHANNELS[name[len(prefix) :]]
            return group, ja.format(noun), en.format(p=plural, s=singular)
    channel, _, span = name.rpartition("_")
    if channel not in _CHANNELS:
        return None
    group, noun, plural, _ = _CHANNELS[channel]
    if span == "all":
        return group, f"{noun}数（累計）", f"{plural} so far"
    if span.endswith("d") and span[:-1].isdigit():
        days = int(span[:-1])
        return group, f"直近{days}日の{noun}数", f"{plural} in the last {days} days"
    return None


def event_kind_info(kind: str) -> tuple[str, str, str, str] | None:
    """(group, ja noun, en plural, en singular) of an event type, or None."""
    return _CHANNELS.get(kind)


@dataclass(frozen=True)
class _Channel:
    """Events of one channel sorted by key; `cum` is the running weight sum."""

    keys: np.ndarray
    ts: np.ndarray
    cum: np.ndarray

    def last_before(self, pos: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Time of the last event before each point (int64 min: none).

        `pos` and `first` are the search positions of the point and of its lead's
        first instant: the lead has an event before the point when they differ.
        """
        out = np.full(len(pos), np.iinfo(np.int64).min)
        has = pos > first
        out[has] = self.ts[pos[has] - 1]
        return out


def micros(values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Naive timestamps as int64 microseconds (NaT becomes the int64 minimum)."""
    return np.asarray(values, dtype="datetime64[us]").view(np.int64)


def _codes_of(
    values: pd.Series, lookup: Callable[[pd.Index], np.ndarray]
) -> np.ndarray:
    """`lookup` of each row's value (-1 for a missing one), computed once per
    distinct value: an event log repeats a few types, pages and lead ids millions
    of times, and Arrow factorises them without making Python strings."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.asarray(lookup(pd.Index(uniques)), dtype=np.int64)
    out = np.full(len(codes), -1, dtype=np.int64)
    has = codes >= 0
    out[has] = mapped[codes[has]]
    return out


def _page_category(details: pd.Index) -> np.ndarray:
    text = pd.Series(details, dtype="str").str.strip().str.lower()
    return pd.Index(WEB_PAGE_CATEGORIES).get_indexer(pd.Index(text))


def _page_codes(events: pd.DataFrame, is_web: np.ndarray) -> np.ndarray:
    """Page category per event; a web visit with an unknown page counts as other."""
    other = WEB_PAGE_CATEGORIES.index("other")
    codes = np.full(len(events), -1, dtype=np.int64)
    codes[is_web] = other
    if "detail" in events and is_web.any():
        found = _codes_of(events["detail"][is_web], _page_category)
        codes[is_web] = np.where(found < 0, other, found)
    return codes


def _days_since(point_us: np.ndarray, last_us: np.ndarray) -> np.ndarray:
    none = last_us == np.iinfo(np.int64).min
    return np.where(none, np.nan, (point_us - last_us) / DAY_US)


def behaviour_features(
    events: pd.DataFrame,
    point_leads: np.ndarray,
    point_us: np.ndarray,
    lead_ids: pd.Index,
    windows: tuple[int, ...],
) -> dict[str, np.ndarray]:
    """Behaviour and IS activity per point, from events strictly before its moment.

    `point_leads` are codes into `lead_ids` (unique), `point_us` the moments in
    microseconds. Events of other leads, of unknown types or without a timestamp
    are ignored.
    """
    # Points in key order make every binary search walk memory forwards.
    order = np.lexsort((point_us, point_leads))
    out = _behaviour(events, point_leads[order], point_us[order], lead_ids, windows)
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return {c: out[c][back] for c in behaviour_columns(windows)}


def _behaviour(
    events: pd.DataFrame,
    point_leads: np.ndarray,
    point_us: np.ndarray,
    lead_ids: pd.Index,
    windows: tuple[int, ...],
) -> dict[str, np.ndarray]:
    lead = _codes_of(events["lead_id"], lead_ids.get_indexer)
    kind = _codes_of(events["type"], pd.Index(EVENT_TYPES).get_indexer)
    ts = micros(events["timestamp"])
    keep = (lead >= 0) & (kind >= 0) & events["timestamp"].notna().to_numpy()
    page = _page_codes(events, kind == EVENT_TYPES.index("web_visit"))
    return _behaviour_of_codes(
        lead[keep], kind[keep], ts[keep], page[keep], point_leads, point_us, windows
    )


def event_codes(
    types: Sequence[str], details: Sequence[str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Type and page codes of a few typed events (one lead's), as `_behaviour`
    codes a table: a web visit whose page is no category counts as other."""
    kind = np.array([EVENT_TYPES.index(t) for t in types], dtype=np.int64)
    web = EVENT_TYPES.index("web_visit")
    other = _PAGE_INDEX["other"]
    page = np.array(
        [
            (other if d is None else _PAGE_INDEX.get(d.strip().lower(), other))
            if k == web
            else -1
            for k, d in zip(kind.tolist(), details, strict=True)
        ],
        dtype=np.int64,
    )
    return kind, page


def behaviour_of_codes(
    kind: np.ndarray,
    ts: np.ndarray,
    page: np.ndarray,
    point_us: np.ndarray,
    windows: tuple[int, ...],
) -> dict[str, np.ndarray]:
    """`behaviour_features` of one lead's events given as codes (`event_codes`)
    and int64 microseconds, at each of `point_us`: the same kernel on small
    arrays, for a single lead scored without a table."""
    lead = np.zeros(len(ts), dtype=np.int64)
    point_leads = np.zeros(len(point_us), dtype=np.int64)
    order = np.argsort(point_us, kind="stable")
    out = _behaviour_of_codes(
        lead, kind, ts, page, point_leads, point_us[order], windows
    )
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return {c: out[c][back] for c in behaviour_columns(windows)}


_PAGE_INDEX: Final = {p: i for i, p in enumerate(WEB_PAGE_CATEGORIES)}


def _behaviour_of_codes(
    lead: np.ndarray,
    kind: np.ndarray,
    ts: np.ndarray,
    page: np.ndarray,
    point_leads: np.ndarray,
    point_us: np.ndarray,
    windows: tuple[int, ...],
) -> dict[str, np.ndarray]:
    """The behaviour columns from events as codes: lead (into the points' leads),
    type (into EVENT_TYPES), time (µs) and page (into WEB_PAGE_CATEGORIES, -1
    for other types); points sorted by (lead, moment)."""
    weight = np.zeros(len(ts), dtype=np.int64)
    for source, w in INTENT_WEIGHTS.items():
        if source.startswith("web_"):
            weight[page == WEB_PAGE_CATEGORIES.index(source[4:])] = w
        else:
            weight[kind == EVENT_TYPES.index(source)] = w

    # Ranks of every instant compared (events, window bounds, peak windows): the
    # first position in the sorted list, so equal instants share a rank.
    offsets = sorted({0, *windows, 7, 14, 2 * INTENT_DAYS, 30})
    bounds = {d: point_us - d * DAY_US for d in offsets}
    peak_lo = ts[weight > 0] - PEAK_DAYS * DAY_US
    instants = np.sort(np.concatenate([ts, peak_lo, *bounds.values()]))
    span = np.int64(len(instants) + 1)

    ev_key = lead * span + np.searchsorted(instants, ts)
    order = np.argsort(ev_key, kind="stable")
    ev_key, ts, kind, page, weight = (
        a[order] for a in (ev_key, ts, kind, page, weight)
    )
    # q[d]: key of "this lead at the moment minus d days"; "left" searches count
    # the events strictly before it, so an event at the moment itself is excluded.
    q = {
        d: point_leads * span + np.searchsorted(instants, at)
        for d, at in bounds.items()
    }
    q_first = point_leads * span  # before any instant of the lead

    def channel(mask: np.ndarray, w: np.ndarray | None = None) -> _Channel:
        cum = np.concatenate([[0], np.cumsum(w[mask])]) if w is not None else ts[:0]
        return _Channel(ev_key[mask], ts[mask], cum)

    masks = {t: kind == i for i, t in enumerate(EVENT_TYPES)}
    masks |= {f"web_{p}": page == i for i, p in enumerate(WEB_PAGE_CATEGORIES)}
    masks["activity"] = np.isin(kind, [EVENT_TYPES.index(t) for t in CUSTOMER_TYPES])
    masks["is_conversation"] = masks["is_call_connected"] | masks["online_hearing"]
    masks["is_call_attempts"] = masks["is_call"] | masks["is_call_connected"]

    out: dict[str, np.ndarray] = {}
    count: dict[str, dict[int | str, np.ndarray]] = {}
    for name, mask in masks.items():
        ch = channel(mask)
        pos = {d: np.searchsorted(ch.keys, qd) for d, qd in q.items()}
        first = np.searchsorted(ch.keys, q_first)
        count[name] = {d: pos[0] - p for d, p in pos.items()} | {"all": pos[0] - first}
        out[f"days_since_{name}"] = _days_since(point_us, ch.last_before(pos[0], first))
        if name in _COUNTED:
            out[f"{name}_all"] = count[name]["all"]
            out |= {f"{name}_{w}d": count[name][w] for w in windows}

    with np.errstate(divide="ignore", invalid="ignore"):
        for name in VELOCITY_CHANNELS:
            c7, c14, c30 = (count[name][d].astype(np.float64) for d in (7, 14, 30))
            out[f"velocity_{name}"] = np.where(c30 > 0, c7 / (c30 * 7 / 30), np.nan)
            out[f"trend_{name}"] = c7 - (c14 - c7)
        out["is_call_attempts_all"] = count["is_call_attempts"]["all"]
        out["is_call_attempts_30d"] = count["is_call_attempts"][30]
        for rate, (nums, den, at, *_) in _RATES.items():
            num = np.sum([count[ch][at] for ch in nums], axis=0, dtype=np.float64)
            total = count[den][at]
            out[rate] = np.where(total > 0, num / total, np.nan)
    out |= _intent(channel(weight > 0, weight), q, q_first, point_us, instants)
    return {c: np.asarray(out[c], dtype=np.float32) for c in behaviour_columns(windows)}


def _intent(
    ch: _Channel,
    q: dict[int, np.ndarray],
    q_first: np.ndarray,
    point_us: np.ndarray,
    instants: np.ndarray,
) -> dict[str, np.ndarray]:
    """The intent index now, its 14-day change, and its 7-day peak so far.

    The rolling 7-day index only rises just after an intent event, so its peak
    before a moment is the largest "sum over (t_e − 7 d, t_e]" over the lead's
    intent events before that moment: a running maximum per lead, kept apart
    between leads by an offset per lead larger than any index value.
    """

    def total(lo: int, hi: int = 0) -> np.ndarray:
        upper = ch.cum[np.searchsorted(ch.keys, q[hi])]
        return (upper - ch.cum[np.searchsorted(ch.keys, q[lo])]).astype(np.float64)

    now, recent = total(PEAK_DAYS), total(INTENT_DAYS)
    pos = np.searchsorted(ch.keys, q[0])
    has = pos > np.searchsorted(ch.keys, q_first)
    peak = np.zeros(len(pos))
    since = np.full(len(pos), np.nan)
    if len(ch.keys):
        span = np.int64(len(instants) + 1)
        leads = ch.keys // span
        lo_at = ch.ts - PEAK_DAYS * DAY_US
        lo_keys = leads * span + np.searchsorted(instants, lo_at)
        rolling = (
            ch.cum[np.searchsorted(ch.keys, ch.keys, side="right")]
            - ch.cum[np.searchsorted(ch.keys, lo_keys, side="right")]
        )
        lift = leads * (int(rolling.max()) + 1)
        running = np.maximum.accumulate(rolling + lift)
        # the latest event at which the maximum was reached: "intent last this high"
        record = np.where(rolling + lift == running, np.arange(len(rolling)), -1)
        record = np.maximum.accumulate(record)
        last = np.maximum(pos - 1, 0)
        peak = np.where(has, running[last] - lift[last], 0.0)
        since = np.where(has, (point_us - ch.ts[record[last]]) / DAY_US, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        vs_peak = np.where(peak > 0, now / peak, np.nan)
    return {
        "intent_7d": now,
        "intent_14d": recent,
        "intent_change_14d": recent - total(2 * INTENT_DAYS, INTENT_DAYS),
        "intent_peak_7d": peak,
        "days_since_intent_peak": since,
        "intent_vs_peak": vs_peak,
    }
