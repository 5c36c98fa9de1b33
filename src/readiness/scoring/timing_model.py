"""The timing model: when handing a lead off wins most (docs/timing.md).

The win model says how likely a toss-up *now* is to win. Timing needs the value of
*waiting*. `TimingModel` learns both from the history alone, on what can be seen
before any memo exists (behaviour, IS activity, lead attributes):

- `win_`: p(win | toss-up in this behavioural state), fitted on the historical
  toss-ups and their outcomes. Reps toss up at very different moments (early,
  gate-following and late habits), so similar leads were handed off before, at
  and after their intent peak: that spread is what lets the model see what a
  later or earlier toss-up would have won. Each toss-up is weighted by the inverse
  frequency of its intent phase, so the phases the gate makes rare still count.
- `gain_`: the most that probability rises over the next `lookahead_days`,
  regressed on the state now over every lead's history (day by day up to its
  toss-up or the export) — the learned value of waiting.

The decision (`decide`): nothing before IS has heard the customer about as much
as before a typical toss-up; at risk once intent is past its peak and waiting is
not expected to win it back; toss up now when the chance looks like a typical
toss-up's, waiting is not expected to raise it and intent is not at a new high
(still climbing); else keep nurturing.
`readiness.scoring.timing.recommend` turns the decision into advice;
`readiness.scoring.timing_store` saves and loads the model. bench/timing.py
measures it against the world's truth.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

import lightgbm as lgb
import numpy as np
import pandas as pd

from readiness.data.contract import Dataset
from readiness.errors import ReadinessError
from readiness.features.build import build_features, feature_info, labelled_points
from readiness.model.artifact import FORMAT_VERSION

__all__ = [
    "ACTIONS",
    "AT_RISK",
    "KEEP_NURTURING",
    "MIN_DORMANT_DAYS",
    "NO_ADVICE",
    "RECYCLE",
    "TOSS_UP_NOW",
    "TimingError",
    "TimingModel",
    "dormant_threshold",
    "export_end",
    "grid_points",
    "inactive_days",
    "timing_columns",
]

_GROUPS: Final = ("lead", "behaviour", "is_activity")
# Reps are who decides, not what the lead is; a lead's age at its toss-up mostly
# says how it came in (inquiries are tossed up within days), which is the habit
# and source mixing with timing, not the value of a day.
_NOT_FEATURES: Final = ("is_rep", "fs_rep", "lead_age_days")

TOSS_UP_NOW: Final = "toss_up_now"
KEEP_NURTURING: Final = "keep_nurturing"
AT_RISK: Final = "at_risk"
RECYCLE: Final = "recycle"
NO_ADVICE: Final = "no_advice"
ACTIONS: Final[dict[str, tuple[str, str]]] = {
    TOSS_UP_NOW: ("今トスアップ", "toss up now"),
    KEEP_NURTURING: ("育成を継続", "keep nurturing"),
    AT_RISK: (
        "要注意：今すぐトスアップ（意欲のピーク後）",
        "at risk: hand off now (intent past its peak)",
    ),
    RECYCLE: ("休眠：マーケティングに戻す", "dormant: recycle to marketing"),
    NO_ADVICE: ("タイミング判定の対象外", "no timing advice"),
}
# Below this many days without any activity a lead is never called dormant.
MIN_DORMANT_DAYS: Final = 30


def inactive_days(dataset: Dataset, points: pd.DataFrame) -> np.ndarray:
    """Days from each point's lead's last event before `as_of` (or its creation,
    if it has none) to `as_of`."""
    moments = pd.to_datetime(points["as_of"]).to_numpy(dtype="datetime64[us]")
    ids = points["lead_id"].astype(str).to_numpy()
    last: dict[str, np.ndarray] = {}
    ev = dataset.events
    if len(ev):
        times = ev["timestamp"].to_numpy(dtype="datetime64[us]")
        for lead, idx in pd.Series(np.arange(len(ev))).groupby(
            ev["lead_id"].astype(str).to_numpy()
        ):
            last[str(lead)] = np.sort(times[idx.to_numpy()])
    created = dict(
        zip(
            dataset.leads["lead_id"].astype(str),
            dataset.leads["created_at"].to_numpy(dtype="datetime64[us]"),
            strict=True,
        )
    )
    out = np.full(len(points), np.nan)
    for i, (lead, moment) in enumerate(zip(ids, moments, strict=True)):
        seen = last.get(lead)
        before = None
        if seen is not None:
            k = int(np.searchsorted(seen, moment, side="left"))
            if k > 0:
                before = seen[k - 1]
        if before is None:
            before = created.get(lead)
        if before is not None and not np.isnat(before):
            out[i] = (moment - before) / np.timedelta64(1, "D")
    return out


def dormant_threshold(dataset: Dataset, won_points: pd.DataFrame) -> float:
    """Days without activity past which historical leads almost never converted:
    the 99th percentile of the inactivity of won hand-offs at their toss-up
    (at least `MIN_DORMANT_DAYS`)."""
    gaps = inactive_days(dataset, won_points)
    gaps = gaps[np.isfinite(gaps)]
    if not len(gaps):
        return float(MIN_DORMANT_DAYS)
    return float(max(MIN_DORMANT_DAYS, np.ceil(np.quantile(gaps, 0.99))))


def _dormant_days(days: float) -> float:
    if not np.isfinite(days) or days < 1:
        raise TimingError(
            f"dormant days {days!r}: give a number of days >= 1 (how long a lead "
            "may go without activity before it is recycled to marketing) / "
            f"休眠日数 {days!r} は 1 以上の日数で指定してください"
        )
    return float(days)


_CODE: Final = {0: KEEP_NURTURING, 1: TOSS_UP_NOW, 2: AT_RISK}
# The 7-day intent index at (or within rounding of) its peak so far.
_AT_PEAK: Final = 0.999


class TimingError(ReadinessError):
    """A timing model that cannot be fitted or loaded; the message says what to do."""


# How recently IS reached the customer is the densest intent signal there is
# (customers pick up and agree to hearings when interested), so it is used by
# default. Where reps habitually call just before handing off (to agree the
# meeting), recency describes the rep's routine instead: `is_recency=False`
# leaves it out (docs/timing.md has both measured).
_IS_RECENCY: Final = re.compile(
    r"^days_since_(is_|online_hearing)|^(is_call|is_call_connected|is_mail"
    r"|online_hearing|is_call_attempts)_(7|14)d$"
)


def timing_columns(features: pd.DataFrame, *, is_recency: bool = True) -> list[str]:
    """The columns a timing decision may use: nothing from a memo or the reps."""
    return [
        c
        for c in features.columns
        if c not in _NOT_FEATURES
        and (is_recency or not _IS_RECENCY.match(c))
        and _group(c) in _GROUPS
        and features[c].dtype != "str"
    ]


def _group(name: str) -> str | None:
    try:
        return feature_info(name).group
    except KeyError:
        return None


def export_end(dataset: Dataset) -> pd.Timestamp:
    """The latest moment the data knows of (the export)."""
    stamps = [dataset.leads["created_at"].max()]
    if len(dataset.events):
        stamps.append(dataset.events["timestamp"].max())
    if len(dataset.handoffs):
        stamps.append(dataset.handoffs["tossed_up_at"].max())
    return pd.Timestamp(max(s for s in stamps if pd.notna(s)))


def grid_points(
    dataset: Dataset,
    *,
    step_days: int = 3,
    lead_ids: Sequence[str] | None = None,
    until_toss_up: bool = True,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One point every `step_days` of each lead's life: `lead_id`, `as_of`, `day`.

    A lead's life runs from its creation (day 1 first) to the export `end`, or to
    its toss-up when `until_toss_up` (after a toss-up IS activity is no longer
    logged, so those days do not look like a lead still in IS's hands).
    """
    if step_days < 1:
        raise ValueError(f"step_days must be 1 or more, got {step_days}")
    leads = dataset.leads[["lead_id", "created_at"]].dropna()
    if lead_ids is not None:
        leads = leads[leads["lead_id"].isin(set(lead_ids))]
    end = export_end(dataset) if end is None else end
    stop = pd.Series(end, index=leads.index)
    if until_toss_up and len(dataset.handoffs):
        toss = leads["lead_id"].map(
            dataset.handoffs.set_index("lead_id")["tossed_up_at"]
        )
        stop = toss.where(toss.notna() & (toss < end), end)
    seconds = (stop - leads["created_at"]).dt.total_seconds().to_numpy()
    ratio = np.nan_to_num(seconds / (step_days * 86_400), nan=0.0)
    n_steps = np.floor(ratio).astype(np.int64).clip(0)
    rows = np.repeat(np.arange(len(leads)), n_steps)
    k = np.arange(len(rows)) - np.repeat(np.cumsum(n_steps) - n_steps, n_steps) + 1
    day = k * step_days
    created = leads["created_at"].to_numpy()[rows]
    return pd.DataFrame(
        {
            "lead_id": leads["lead_id"].to_numpy()[rows].astype(str),
            "as_of": created + day * np.timedelta64(1, "D"),
            "day": day.astype(np.int64),
        }
    )


def _talked(features: pd.DataFrame) -> np.ndarray:
    """IS has had a conversation with the lead: no toss-up in the history lacks one."""
    return features["days_since_is_conversation"].notna().to_numpy()


def _conversations(features: pd.DataFrame) -> np.ndarray:
    """Conversations IS has had so far (connected calls and online hearings)."""
    calls = features["is_call_connected_all"].to_numpy(dtype=np.float64)
    return calls + features["online_hearing_all"].to_numpy(dtype=np.float64)


def _phase(features: pd.DataFrame) -> np.ndarray:
    """Intent phase of each point: 0 no peak yet seen, 1 rising/at peak, 2 falling."""
    since = features["days_since_intent_peak"].to_numpy(dtype=np.float64)
    vs = features["intent_vs_peak"].to_numpy(dtype=np.float64)
    return np.where(np.isnan(since), 0, np.where((since >= 7) & (vs < 0.7), 2, 1))


class TimingModel:
    """Learns from the history when handing a lead off wins most (module doc).

    Parameters: the grid `step_days`, the `lookahead_days` the value of waiting is
    measured over, the LightGBM size, `floor_quantile` (below this quantile of the
    chance historical toss-ups had, a lead is not ready), `margin` (a change smaller
    than this, in probability, is "flat"), `max_grid_points` (a bound on the
    trajectories used to learn the value of waiting), `is_recency` (use how
    recently IS reached the customer; see `_IS_RECENCY`), `dormant_days` (days
    without activity after which a lead is dormant; None: learned from the
    history, see `dormant_threshold`), `smooth_points` (grid days the chance is
    averaged over before the best later day is taken).
    """

    def __init__(
        self,
        *,
        step_days: int = 3,
        lookahead_days: int = 30,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 40,
        floor_quantile: float = 0.3,
        risk_quantile: float = 0.1,
        talk_quantile: float = 0.5,
        margin: float = 0.015,
        rebound: float = 0.02,
        smooth_points: int = 5,
        max_grid_points: int = 400_000,
        is_recency: bool = True,
        dormant_days: float | None = None,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.is_recency = is_recency
        self.dormant_days = dormant_days
        self.step_days = step_days
        self.lookahead_days = lookahead_days
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.floor_quantile = floor_quantile
        self.risk_quantile = risk_quantile
        self.talk_quantile = talk_quantile
        self.margin = margin
        self.rebound = rebound
        self.smooth_points = smooth_points
        self.max_grid_points = max_grid_points
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _lgb(self, kind: type[lgb.LGBMModel]) -> lgb.LGBMModel:
        return kind(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            verbose=-1,
        )

    def fit(
        self, dataset: Dataset, *, progress: Callable[[str], object] | None = None
    ) -> TimingModel:
        """Fit on the dataset's toss-ups, outcomes and day-by-day lead histories."""
        say = progress or (lambda _msg: None)
        if not len(dataset.events):
            raise TimingError(
                "the data has no event log: timing learns when to toss up from "
                "behaviour and IS activity over time; export the events table to "
                "get timing advice"
            )
        points = labelled_points(dataset)
        if len(points) < 200 or points["won"].nunique() < 2:
            raise TimingError(
                f"{len(points)} closed toss-ups with outcomes "
                f"({int(points['won'].sum()) if len(points) else 0} won): timing "
                "needs at least 200, both won and lost; export more history"
            )
        grid = grid_points(dataset, step_days=self.step_days)
        if len(grid) > self.max_grid_points:
            rng = np.random.default_rng(self.random_state)
            keep = rng.choice(
                dataset.leads["lead_id"].unique(),
                size=max(
                    1,
                    int(
                        dataset.leads["lead_id"].nunique()
                        * self.max_grid_points
                        / len(grid)
                    ),
                ),
                replace=False,
            )
            grid = grid[grid["lead_id"].isin(set(keep))].reset_index(drop=True)
        if len(grid) < 200:
            # An import makes each lead at its toss-up moment: no days to follow.
            raise TimingError(
                f"{len(grid)} lead-days before a toss-up (one every {self.step_days} "
                "days of each lead's life): timing needs at least 200 to learn the "
                "value of waiting; export leads from their creation, not only at "
                "their toss-up"
            )
        say(f"timing: {len(points):,} closed toss-ups")
        won = points[points["won"].astype(bool)]
        self.dormant_learned_ = dormant_threshold(dataset, won[["lead_id", "as_of"]])
        self.dormant_days_ = (
            self.dormant_learned_
            if self.dormant_days is None
            else _dormant_days(self.dormant_days)
        )
        X = build_features(dataset, points[["lead_id", "as_of"]])
        self.min_conversations_ = float(
            np.quantile(_conversations(X), self.talk_quantile)
        )
        self.features_ = timing_columns(X, is_recency=self.is_recency)
        X = X[self.features_]
        phase = _phase(X)
        share = np.bincount(phase, minlength=3) / len(phase)
        weight = 1.0 / np.maximum(share[phase], 0.02)
        self.phase_share_ = {
            name: round(float(s), 4)
            for name, s in zip(("no_peak", "rising", "falling"), share, strict=True)
        }
        win = self._lgb(lgb.LGBMClassifier)
        win.fit(X, points["won"].to_numpy(), sample_weight=weight / weight.mean())
        self.win_ = win
        p_toss = self.win_.predict_proba(X)[:, 1]
        self.floor_ = float(np.quantile(p_toss, self.floor_quantile))
        self.risk_floor_ = float(np.quantile(p_toss, self.risk_quantile))
        self.p_toss_median_ = float(np.median(p_toss))

        say(f"timing: {len(grid):,} lead-days to learn the value of waiting")
        G = build_features(dataset, grid[["lead_id", "as_of"]])
        talked = _talked(G)
        G = G[self.features_]
        p = self.win_.predict_proba(G)[:, 1]
        # The value of waiting: the most the chance rises over the next
        # `lookahead_days` (the best later grid day of the same lead, as far as
        # it is followed), so "toss up now" means no better moment is expected
        # within that time, not only that the next few days are flat.
        ahead = self.lookahead_days // self.step_days
        same = grid["lead_id"].to_numpy()
        # The chance day by day is noisy (a visit moves it); the best of noisy
        # later days overstates what waiting wins, so both ends are the chance
        # smoothed over `smooth_points` grid days of the same lead.
        p = (
            pd.Series(p)
            .groupby(same, sort=False)
            .transform(
                lambda v: v.rolling(
                    self.smooth_points, center=True, min_periods=1
                ).mean()
            )
            .to_numpy()
        )
        best = np.full(len(grid), -np.inf)
        for k in range(1, min(ahead, len(grid) - 1) + 1):
            later = np.zeros(len(grid), dtype=bool)
            later[:-k] = same[k:] == same[:-k]
            shifted = np.full(len(grid), -np.inf)
            shifted[:-k] = p[k:]
            best = np.where(later, np.maximum(best, shifted), best)
        has = np.isfinite(best) & talked
        target = np.where(has, best - p, np.nan)
        if has.sum() < 200:
            raise TimingError(
                f"only {int(has.sum())} lead-days after an IS conversation with a "
                "later day to compare: timing needs at least 200, from leads "
                "followed over weeks"
            )
        gain = self._lgb(lgb.LGBMRegressor)
        gain.fit(G[has], target[has])
        self.gain_ = gain
        self.gain_kind_ = "best_within"
        self.n_toss_ups_ = len(points)
        self.n_grid_ = int(has.sum())
        self.fitted_at_ = datetime.now().isoformat(timespec="seconds")
        return self

    def _check(self) -> None:
        if not hasattr(self, "gain_"):
            raise TimingError("the timing model is not fitted; call fit(dataset)")

    def decide(self, features: pd.DataFrame) -> pd.DataFrame:
        """Per row of `build_features` output: chance now, value of waiting, action.

        Columns: `p_now` (behaviour-based chance of a toss-up now), `gain`
        (the most it is expected to rise within `lookahead_days`), `phase` (0 no
        peak yet, 1 rising or at the peak, 2 falling), `talked`, `heard`,
        `climbing` (intent at its highest so far), `action` (`ACTIONS` key).
        """
        self._check()
        missing = [c for c in self.features_ if c not in features]
        if missing:
            raise TimingError(
                f"features lack {missing[:5]}: build them with build_features"
            )
        talked = _talked(features)
        heard = _conversations(features) >= self.min_conversations_
        X = features[self.features_]
        p = self.win_.predict_proba(X)[:, 1]
        gain = np.asarray(self.gain_.predict(X), dtype=np.float64)
        phase = _phase(X)
        ready = heard & (p >= self.floor_)
        # Buying intent at its highest so far: it may still be climbing, and a
        # toss-up on the way up is early more often than not (bench/timing.py,
        # per-action precision); wait for it to turn. A lead with no intent
        # signal at all (no web behaviour in the export) is not held.
        vs = X["intent_vs_peak"].to_numpy(dtype=np.float64)
        climbing = np.nan_to_num(vs, nan=0.0) >= _AT_PEAK
        # Waiting expected to add more than `margin`: keep nurturing, also past the
        # peak (a second wave): "toss up now" never sits beside a gain of waiting.
        rising = gain > self.margin
        # Past the peak: hand off now unless waiting is expected to win back more
        # than `rebound` (a second wave of interest).
        risk = heard & (phase == 2) & (gain <= self.rebound) & (p >= self.risk_floor_)
        code = np.where(risk, 2, np.where(ready & ~rising & ~climbing, 1, 0))
        return pd.DataFrame(
            {
                "p_now": p,
                "gain": gain,
                "phase": phase,
                "talked": talked,
                "heard": heard,
                "climbing": climbing,
                "action": [_CODE[int(c)] for c in code],
            },
            index=features.index,
        )

    def waits_for_best(self) -> bool:
        """Whether `gain` is the best change within `lookahead_days` (models
        fitted before: the change after exactly `lookahead_days`)."""
        return getattr(self, "gain_kind_", "change") == "best_within"

    def dormant_after(self) -> float:
        """Days without activity after which a lead is dormant (learned at fit
        unless set; models fitted before it was learned: 120)."""
        return float(getattr(self, "dormant_days_", 120.0))

    def set_dormant_days(self, days: float | None) -> TimingModel:
        """Override the dormancy threshold of a fitted model (None: keep it);
        the learned value stays in `describe()` as `dormant_days_learned`."""
        if days is not None:
            self.dormant_days_ = _dormant_days(days)
        return self

    def describe(self) -> dict[str, Any]:
        """What was learned, for timing.json and the CLI."""
        self._check()
        return {
            "schema_version": FORMAT_VERSION,
            "fitted_at": self.fitted_at_,
            "toss_ups": self.n_toss_ups_,
            "lead_days": self.n_grid_,
            "step_days": self.step_days,
            "lookahead_days": self.lookahead_days,
            "gain": "best_within" if self.waits_for_best() else "change",
            "floor": round(self.floor_, 4),
            "risk_floor": round(self.risk_floor_, 4),
            "min_conversations": self.min_conversations_,
            "dormant_days": self.dormant_after(),
            "dormant_days_learned": getattr(self, "dormant_learned_", None),
            "p_toss_median": round(self.p_toss_median_, 4),
            "margin": self.margin,
            "rebound": self.rebound,
            "is_recency": getattr(self, "is_recency", False),
            "phase_share_at_toss_up": self.phase_share_,
            "features": list(self.features_),
        }
