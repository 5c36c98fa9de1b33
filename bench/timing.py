"""Benchmark: the timing recommender replayed day by day against the world's truth.

A training world (seed S) gives the history the recommender learns from (its
tables only). A second world of the same config (seed S + 1) is replayed: every
`--step` days of each lead's life the recommender sees the events before that
moment and decides; its first "toss up now" or "at risk" is its toss-up day. The
world knows the true win probability of a toss-up on every day, so policies are
compared on the same leads:

- historical: the reps' own toss-up day;
- gate rule: the first day the memo IS would write passes the toss-up gate
  (>= 3 BANT elements and the problem concrete, a dated meeting agreed), checked
  every day;
- recommender: `TimingModel.decide` (what `recommend` serves), every `--step` days;
- oracle: the best day in hindsight.

Variants (not served), to test two obvious combinations: the recommender holding
"toss up now" until the day's memo draft passes the gate, and the gate rule with
the recommender's at-risk alarm.

The replay keeps IS calling after a lead's historical toss-up (the calls the
world's truth says IS would have made; the log stops at the toss-up), so the
recommender sees the IS activity the gate rule's memo levels assume.

Feasibility (not policies: they use the future or the truth): tossing up on the
true intent peak day, 3 days after it, and 3 days before the highest observed
7-day intent index of the whole life (hindsight on what the data shows); and the
observable bound: the true p fitted on the replay's own features (half of the
first `--bound-leads` leads), used in real time and in hindsight on the other half.

Primary view: the leads reps historically tossed up. A policy that never fires on
a lead leaves it to the rep (historical day), so abstaining is neutral, not
rewarded. capture = (policy - historical) / (oracle - historical) of the mean
true p. All-leads view: a policy that never fires hands nothing off; expected wins
and hand-offs per policy.

Per action, how often the advice is right against the truth (`action_precision`:
the moment's true p within `--right-margin` of the best the lead reaches later),
beside the base rate of all decided lead-days.

    python bench/timing.py --leads 20000 --seed 2027 [--step 3] [--preset confounded]
Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BANT = ("budget", "authority", "need", "timeline")


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _world(
    leads: int, seed: int, out: Path, *, levels: bool, preset: str = "default"
) -> Any:
    from readiness.data.load import load_dataset
    from readiness.simulate.config import preset as world_preset
    from readiness.simulate.store import write_world
    from readiness.simulate.world import simulate_world

    cfg = world_preset(preset, n_leads=leads, seed=seed)
    world = simulate_world(cfg, daily_levels=levels)
    write_world(world, out)
    return world, load_dataset(out)


def _replay_dataset(dataset: Any, world: Any) -> Any:
    """The evaluation tables as a replay must see them: IS keeps calling.

    The world logs no IS activity after a lead's historical toss-up, but in the
    replay the lead is still with IS until the policy hands it off. The world's
    truth holds the calls IS would have made (`is_attempts`, `is_connected`,
    `is_hearings` per day); those after the historical toss-up day are added as
    events at noon of their day. Memo levels in the truth already assume these
    conversations, so the gate rule and the recommender see the same IS.
    """
    from dataclasses import replace

    daily = world.truth["daily"]
    toss = world.truth["leads"].set_index("lead_id")["toss_day"]
    after = daily[daily["day"].to_numpy() >= daily["lead_id"].map(toss).to_numpy()]
    after = after[toss.reindex(after["lead_id"]).to_numpy() >= 0]
    created = dataset.leads.set_index("lead_id")["created_at"]
    parts = []
    for kind, counts in (
        ("is_call", after["is_attempts"] - after["is_connected"]),
        ("is_call_connected", after["is_connected"]),
        ("online_hearing", after["is_hearings"]),
    ):
        k = counts.to_numpy().astype(np.int64)
        rows = after.loc[k > 0]
        reps = k[k > 0]
        lead = np.repeat(rows["lead_id"].to_numpy(), reps)
        day = np.repeat(rows["day"].to_numpy().astype(np.int64), reps)
        base = created.reindex(lead).to_numpy().astype("datetime64[D]")
        when = base + day.astype("timedelta64[D]") + np.timedelta64(12, "h")
        parts.append(pd.DataFrame({"lead_id": lead, "timestamp": when, "type": kind}))
    added = pd.concat(parts, ignore_index=True)
    end = pd.Timestamp(dataset.events["timestamp"].max())
    added = added[added["timestamp"] < end]
    events = dataset.events
    extra = pd.DataFrame({c: pd.Series(index=added.index) for c in events.columns})
    extra["lead_id"] = added["lead_id"].astype(events["lead_id"].dtype)
    extra["timestamp"] = added["timestamp"].astype(events["timestamp"].dtype)
    extra["type"] = added["type"]
    extra = extra.astype(events.dtypes.to_dict())
    merged = pd.concat([events, extra], ignore_index=True)
    merged = merged.sort_values(["lead_id", "timestamp"], kind="stable")
    _say(f"replay: {len(added):,} IS events after historical toss-ups added")
    return replace(dataset, events=merged.reset_index(drop=True))


def _recommender_days(
    dataset: Any, model: Any, step: int, chunk: int, bound_leads: int
) -> tuple[pd.Series, pd.Series, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """First day each lead's recommender says toss up now / at risk (absent: never).

    Also the day of each lead's highest observed 7-day intent index over its whole
    life (hindsight), and the replay features of the first `bound_leads` leads, for
    the feasibility checks.
    """
    from readiness.features.build import build_features
    from readiness.scoring.timing_model import (
        KEEP_NURTURING,
        RECYCLE,
        grid_points,
        inactive_days,
    )

    ids = dataset.leads["lead_id"].astype(str).to_numpy()
    kept: list[pd.DataFrame] = []
    first: dict[str, int] = {}
    peak: dict[str, int] = {}
    fired: list[pd.DataFrame] = []
    decided_all: list[pd.DataFrame] = []
    n_points = 0
    for lo in range(0, len(ids), chunk):
        grid = grid_points(
            dataset, step_days=step, lead_ids=ids[lo : lo + chunk], until_toss_up=False
        )
        n_points += len(grid)
        features = build_features(dataset, grid[["lead_id", "as_of"]])
        decided = model.decide(features)
        if lo < bound_leads:
            kept.append(
                pd.concat(
                    [grid, features[model.features_].reset_index(drop=True)], axis=1
                )
            )
        action = decided["action"].to_numpy()
        idle = inactive_days(dataset, grid[["lead_id", "as_of"]])
        action = np.where(idle >= model.dormant_after(), RECYCLE, action)
        decided_all.append(grid[["lead_id", "day"]].assign(action=action))
        fire = grid.loc[(action != KEEP_NURTURING) & (action != RECYCLE)]
        first.update(fire.groupby("lead_id")["day"].min().to_dict())
        fired.append(
            fire[["lead_id", "day"]].assign(
                action=action[(action != KEEP_NURTURING) & (action != RECYCLE)]
            )
        )
        seen = grid.assign(intent=features["intent_7d"].to_numpy())
        seen = seen[seen["intent"] > 0]
        top = seen.loc[seen.groupby("lead_id")["intent"].idxmax()]
        peak.update(dict(zip(top["lead_id"], top["day"], strict=True)))
        _say(f"replay: {min(lo + chunk, len(ids)):,}/{len(ids):,} leads")
    _say(f"replay: {n_points:,} lead-days decided")
    return (
        pd.Series(first, dtype="float64"),
        pd.Series(peak, dtype="float64"),
        pd.concat(fired, ignore_index=True),
        pd.concat(kept, ignore_index=True),
        pd.concat(decided_all, ignore_index=True),
    )


def _gate_ok(daily: pd.DataFrame) -> pd.Series:
    """Whether the memo IS would write that day passes the gate (element levels)."""
    bant = sum(daily[f"level_{b}"] == 2 for b in BANT)
    ok = (bant >= 3) & (daily["level_problem"] == 2)
    return ok & (daily["level_next_action"] == 2)


def _gate_days(daily: pd.DataFrame) -> pd.Series:
    ok = _gate_ok(daily)
    return daily.loc[ok].groupby("lead_id")["day"].min().astype("float64")


def _with_draft_days(daily: pd.DataFrame, fired: pd.DataFrame) -> pd.Series:
    """A variant (not served): toss up now only once the day's memo draft passes the
    gate; at risk hands off regardless."""
    ok = daily.set_index(["lead_id", "day"]).pipe(_gate_ok)
    key = pd.MultiIndex.from_arrays([fired["lead_id"], fired["day"]])
    passes = ok.reindex(key).fillna(False).to_numpy(dtype=bool)
    keep = fired[(fired["action"].to_numpy() == "at_risk") | passes]
    return keep.groupby("lead_id")["day"].min().astype("float64")


def _action_precision(
    daily: pd.DataFrame, decisions: pd.DataFrame, margin: float
) -> dict[str, Any]:
    """How often each action is right against the world's truth.

    A moment is right for handing off when its true win probability is within
    `margin` of the best the lead reaches from that day to the end of its
    observed life. "toss up now" and "at risk" are right on such a moment; "keep
    nurturing" is right when waiting reaches more than `margin` higher; "recycle"
    is reported with the share of its moments that are right for handing off
    (low: little is lost by recycling). The base rate is the share of all
    decided lead-days that are right for handing off: what "toss up now" said
    every day would score. `first_toss_up_now` is the precision of each lead's
    first "toss up now" (the moment a rep following the advice acts).
    """
    d = daily[["lead_id", "day", "p_win"]].sort_values(["lead_id", "day"])
    best = d.iloc[::-1].groupby("lead_id", sort=False)["p_win"].cummax()
    d = d.assign(best=best.reindex(d.index))
    right = (d["p_win"] >= d["best"] - margin).to_numpy()
    truth = pd.Series(right, index=pd.MultiIndex.from_frame(d[["lead_id", "day"]]))
    key = pd.MultiIndex.from_arrays(
        [decisions["lead_id"], decisions["day"].astype(np.int64)]
    )
    ok = truth.reindex(key).to_numpy()
    known = ~pd.isna(ok)
    dec = decisions.loc[known].assign(right=ok[known].astype(bool))
    base = float(dec["right"].mean()) if len(dec) else float("nan")
    out: dict[str, Any] = {
        "margin": margin,
        "lead_days": len(dec),
        "base_rate": round(base, 4),
    }
    for action, group in dec.groupby("action"):
        hit = group["right"].mean()
        out[str(action)] = {
            "n": len(group),
            "precision": round(
                float(1 - hit if action == "keep_nurturing" else hit), 4
            ),
        }
    now = dec[dec["action"] == "toss_up_now"]
    first = now.loc[now.groupby("lead_id")["day"].idxmin()]
    out["first_toss_up_now"] = {
        "n": len(first),
        "precision": round(float(first["right"].mean()), 4) if len(first) else None,
    }
    return out


def _p_at(daily: pd.DataFrame, days: pd.Series) -> pd.Series:
    """True p of each lead on its chosen day (index lead_id)."""
    key = pd.MultiIndex.from_arrays([days.index, days.to_numpy().astype(np.int64)])
    p = daily.set_index(["lead_id", "day"])["p_win"]
    return pd.Series(p.reindex(key).to_numpy(), index=days.index)


def _observable_bound(
    kept: pd.DataFrame, daily: pd.DataFrame, capture_of: Any
) -> dict[str, float]:
    """What a policy could reach if it knew the TRUE win chance's relation to what
    is observed: a LightGBM fitted on the evaluation world's own truth (half of the
    leads) predicts the true p of each replay day from the recommender's features;
    on the other half, (a) the first day the prediction reaches a threshold (the
    best threshold on the fitted half), (b) the day of the highest prediction of
    the whole life (hindsight: uses the future). Not a policy: it reads the truth.
    """
    import lightgbm as lgb

    p = daily.set_index(["lead_id", "day"])["p_win"]
    key = pd.MultiIndex.from_arrays([kept["lead_id"], kept["day"]])
    kept = kept.assign(p_true=p.reindex(key).to_numpy()).dropna(subset=["p_true"])
    X = kept.drop(columns=["lead_id", "as_of", "day", "p_true"])
    lead_ids = kept["lead_id"].unique()
    half = set(np.random.default_rng(0).permutation(lead_ids)[: len(lead_ids) // 2])
    fit = kept["lead_id"].isin(half).to_numpy()
    reg = lgb.LGBMRegressor(
        n_estimators=300, learning_rate=0.05, num_leaves=31, n_jobs=1, verbose=-1
    )
    reg.fit(X[fit], kept.loc[fit, "p_true"])
    kept = kept.assign(pred=reg.predict(X))

    def first_at(frame: pd.DataFrame, theta: float) -> pd.Series:
        hit = frame[frame["pred"] >= theta]
        return hit.groupby("lead_id")["day"].min().astype("float64")

    a, b = kept[fit], kept[~fit]
    thetas = np.round(np.arange(0.10, 0.45, 0.025), 3)
    best = max(thetas, key=lambda t: capture_of(first_at(a, t), set(half)))
    other = set(lead_ids) - half
    top = b.loc[b.groupby("lead_id")["pred"].idxmax()]
    return {
        "bound_observable_corr": round(
            float(np.corrcoef(b["pred"], b["p_true"])[0, 1]), 3
        ),
        "bound_observable_threshold": float(best),
        "capture_bound_observable_realtime": capture_of(first_at(b, best), other),
        "capture_bound_observable_hindsight": capture_of(
            top.set_index("lead_id")["day"].astype("float64"), other
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--step", type=int, default=3, help="days between decisions")
    parser.add_argument("--no-is-recency", action="store_true")
    parser.add_argument("--floor-quantile", type=float, default=0.3)
    parser.add_argument(
        "--bound-leads", type=int, default=6_000, help="leads in the observable bound"
    )
    parser.add_argument("--chunk", type=int, default=2_000, help="leads per batch")
    parser.add_argument(
        "--right-margin",
        type=float,
        nargs="+",
        default=[0.02, 0.01, 0.05],
        help="a moment is right when its true p is within this of the lead's best "
        "future p (the first is the headline)",
    )
    parser.add_argument(
        "--preset", default="default", help="world preset (simulate --preset)"
    )
    args = parser.parse_args(argv)

    from readiness.scoring.timing_model import TimingModel

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        _say(f"training world: {args.leads:,} leads, seed {args.seed}")
        _, train_ds = _world(
            args.leads, args.seed, tmp / "train", levels=False, preset=args.preset
        )
        t_fit = time.perf_counter()
        model = TimingModel(
            step_days=args.step,
            is_recency=not args.no_is_recency,
            floor_quantile=args.floor_quantile,
        ).fit(train_ds, progress=_say)
        fit_s = time.perf_counter() - t_fit
        _say(f"fitted in {fit_s:.0f} s: {json.dumps(model.describe()['floor'])} floor")
        _say(f"evaluation world: seed {args.seed + 1}")
        world, ds = _world(
            args.leads, args.seed + 1, tmp / "eval", levels=True, preset=args.preset
        )
        t_replay = time.perf_counter()
        replay_ds = _replay_dataset(ds, world)
        rec_days, seen_peak, fired, kept, decisions = _recommender_days(
            replay_ds, model, args.step, args.chunk, args.bound_leads
        )
        replay_s = time.perf_counter() - t_replay

    truth = world.truth["leads"].set_index("lead_id")
    daily = world.truth["daily"]
    gate_days = _gate_days(daily)
    tossed = truth.index[truth["tossed_up"].to_numpy()]
    hist_p = world.truth["handoffs"].set_index("lead_id")["p_true"].reindex(tossed)
    oracle_p = truth.loc[tossed, "p_best"]

    def primary(days: pd.Series) -> tuple[float, int]:
        chosen = days.reindex(tossed).dropna()
        p = hist_p.copy()
        p.loc[chosen.index] = _p_at(daily, chosen).to_numpy()
        return float(p.mean()), len(chosen)

    p_rec, fired_rec = primary(rec_days)
    # Feasibility: how sharp the optimum is, and how well behaviour shows it.
    life = truth["life_days"] - 1
    true_peak = truth["intent_peak_day"].round().clip(lower=1)
    p_true_peak, _ = primary(true_peak.clip(upper=life))
    p_true_peak_3, _ = primary((true_peak + 3).clip(upper=life))
    p_seen_peak, _ = primary((seen_peak - 3).clip(lower=1))
    p_gate, fired_gate = primary(gate_days)
    draft_days = _with_draft_days(daily, fired)
    p_draft, fired_draft = primary(draft_days)
    # the gate rule with the recommender's alarm: hand off at the gate, or earlier
    # when the recommender says the lead is at risk
    risk = fired[fired["action"] == "at_risk"].groupby("lead_id")["day"].min()
    both = pd.concat([gate_days, risk.astype("float64")], axis=1).min(axis=1)
    p_alarm, _ = primary(both)
    p_hist, p_orc = float(hist_p.mean()), float(oracle_p.mean())

    def capture_of(days: pd.Series, leads: set[str]) -> float:
        """Capture on a subset of the tossed-up leads (for the bound)."""
        sub = tossed[tossed.isin(leads)]
        chosen = days.reindex(sub).dropna()
        p = hist_p.reindex(sub).copy()
        p.loc[chosen.index] = _p_at(daily, chosen).to_numpy()
        base, top = (
            float(hist_p.reindex(sub).mean()),
            float(oracle_p.reindex(sub).mean()),
        )
        return round((float(p.mean()) - base) / (top - base), 4)

    precision = {
        str(m): _action_precision(daily, decisions, m) for m in args.right_margin
    }
    for m, table in precision.items():
        parts = [
            f"{a} {table[a]['precision']:.3f} (n={table[a]['n']:,})"
            for a in ("toss_up_now", "at_risk", "keep_nurturing", "recycle")
            if a in table
        ]
        _say(
            f"precision vs truth (margin {m}): base rate {table['base_rate']:.3f}; "
            + "; ".join(parts)
        )
    _say("bound: fitting the true p on observables (half of the replayed leads)")
    bound = _observable_bound(kept, daily, capture_of)
    uplift = p_orc - p_hist

    def capture(p: float) -> float:
        return round((p - p_hist) / uplift, 4) if uplift > 0 else float("nan")

    # all leads: never firing hands nothing off
    n = len(truth)
    wins_rec = float(_p_at(daily, rec_days).sum())
    wins_gate = float(_p_at(daily, gate_days).sum())
    wins_hist = float(hist_p.sum())
    wins_orc = float(truth["p_best"].sum())
    fired_all_rec, fired_all_gate = len(rec_days), len(gate_days)
    lag_rec = (rec_days.reindex(tossed) - truth.loc[tossed, "best_day"]).dropna()
    lag_gate = (gate_days.reindex(tossed) - truth.loc[tossed, "best_day"]).dropna()
    lag_hist = truth.loc[tossed, "toss_day"] - truth.loc[tossed, "best_day"]

    for name, p, n_fired in (
        ("historical", p_hist, len(tossed)),
        ("gate rule", p_gate, fired_gate),
        ("recommender", p_rec, fired_rec),
        ("oracle", p_orc, len(tossed)),
    ):
        _say(f"tossed-up leads  {name:<12} mean true p {p:.4f}  fired {n_fired:,}")
    _say(
        f"all leads  expected wins: historical {wins_hist:.0f} ({len(tossed):,} "
        f"hand-offs), gate {wins_gate:.0f} ({fired_all_gate:,}), recommender "
        f"{wins_rec:.0f} ({fired_all_rec:,}), oracle {wins_orc:.0f} ({n:,})"
    )
    result: dict[str, Any] = {
        "leads": args.leads,
        "seed": args.seed,
        "preset": args.preset,
        "eval_seed": args.seed + 1,
        "step_days": args.step,
        "tossed_up_leads": len(tossed),
        "p_historical": round(p_hist, 4),
        "p_gate": round(p_gate, 4),
        "p_recommender": round(p_rec, 4),
        "p_oracle": round(p_orc, 4),
        "capture_recommender": capture(p_rec),
        "capture_gate": capture(p_gate),
        "capture_recommender_with_draft": capture(p_draft),
        "capture_gate_with_at_risk_alarm": capture(p_alarm),
        "handoffs_gate_with_at_risk_alarm": len(both),
        "handoffs_recommender_with_draft": len(draft_days),
        "fired_on_tossed_recommender_with_draft": fired_draft,
        "capture_true_intent_peak": capture(p_true_peak),
        "capture_true_intent_peak_plus_3d": capture(p_true_peak_3),
        "capture_hindsight_observed_intent_peak": capture(p_seen_peak),
        **bound,
        "handoffs_historical": len(tossed),
        "handoffs_recommender": fired_all_rec,
        "handoffs_gate": fired_all_gate,
        "fired_on_tossed_recommender": fired_rec,
        "fired_on_tossed_gate": fired_gate,
        "median_days_from_best_historical": float(lag_hist.median()),
        "median_days_from_best_recommender": float(lag_rec.median()),
        "median_days_from_best_gate": float(lag_gate.median()),
        "all_leads_expected_wins_historical": round(wins_hist, 1),
        "all_leads_expected_wins_recommender": round(wins_rec, 1),
        "all_leads_expected_wins_gate": round(wins_gate, 1),
        "all_leads_expected_wins_oracle": round(wins_orc, 1),
        "all_leads_win_rate_historical": round(wins_hist / max(len(tossed), 1), 4),
        "all_leads_win_rate_recommender": round(wins_rec / max(fired_all_rec, 1), 4),
        "all_leads_win_rate_gate": round(wins_gate / max(fired_all_gate, 1), 4),
        "action_precision": precision,
        "seconds_fit": round(fit_s, 1),
        "seconds_replay": round(replay_s, 1),
        "seconds_total": round(time.perf_counter() - t0, 1),
    }
    head = precision[str(args.right_margin[0])]
    result["targets_met"] = {
        "capture_ge_0.60": result["capture_recommender"] >= 0.60,
        "better_than_gate": result["capture_recommender"] > result["capture_gate"],
        "toss_up_now_ge_base_plus_10pt": "toss_up_now" in head
        and head["toss_up_now"]["precision"] >= head["base_rate"] + 0.10,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
