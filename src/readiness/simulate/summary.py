"""Headline figures of a simulated world: is it realistic, and is its truth honest?"""

from __future__ import annotations

from typing import Any

import pandas as pd

from readiness.rubric.config import Rubric
from readiness.rubric.score import score_frame
from readiness.simulate.world import World


def _rate(x: pd.Series) -> float:
    return round(float(x.mean()), 4) if len(x) else float("nan")


def roc_auc(score: pd.Series, label: pd.Series) -> float:
    """Rank-based ROC-AUC (ties count half); NaN when a class is absent."""
    y = label.astype(bool).to_numpy()
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = score.rank(method="average").to_numpy()
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def headline(world: World, *, rubric: Rubric) -> dict[str, Any]:
    """Rates a sales team would recognise, plus checks of the truth against outcomes.

    `good_vs_poor_ratio` is causal (the same toss-ups, complete vs empty memo,
    from the world's truth); `observed_high_vs_needs_work` is what the data
    shows, confounded by which leads get good memos.
    """
    t, truth = world.tables, world.truth
    n_leads = len(t["leads"])
    handoffs, outcomes = t["handoffs"], t["outcomes"]
    scored = score_frame(handoffs, rubric=rubric)
    closed = outcomes.merge(scored, on="lead_id").merge(
        truth["handoffs"][["lead_id", "p_true", "p_good_memo", "p_poor_memo"]],
        on="lead_id",
    )
    by_band = {
        str(band): {"toss_ups": len(g), "win_rate": _rate(g["won"])}
        for band in ("high", "standard", "needs_work")
        if len(g := closed[closed["band"] == band])
    }
    high = closed.loc[closed["band"] == "high", "won"]
    poor = closed.loc[closed["band"] == "needs_work", "won"]
    th = truth["handoffs"]
    return {
        "leads": n_leads,
        "events": len(t["events"]),
        "events_per_lead": round(len(t["events"]) / max(n_leads, 1), 1),
        "toss_ups": len(handoffs),
        "toss_up_rate": round(len(handoffs) / max(n_leads, 1), 4),
        "closed_toss_ups": len(outcomes),
        "open_toss_ups": len(handoffs) - len(outcomes),
        "meeting_rate": _rate(outcomes["meeting_held"]),
        "win_rate": _rate(outcomes["won"]),
        "win_rate_given_meeting": _rate(outcomes.loc[outcomes["meeting_held"], "won"]),
        "mean_true_p_closed": _rate(closed["p_true"]),
        "gate_pass_rate": _rate(scored["gate_passed"]),
        "rubric_mean_total": round(float(scored["total"].mean()), 1)
        if len(scored)
        else float("nan"),
        "win_rate_by_band": by_band,
        "rubric_auc": round(roc_auc(closed["total"], closed["won"]), 4),
        "oracle_auc": round(roc_auc(closed["p_true"], closed["won"]), 4),
        "good_vs_poor_ratio": round(
            float(th["p_good_memo"].mean() / th["p_poor_memo"].mean()), 3
        )
        if len(th)
        else float("nan"),
        "observed_high_vs_needs_work": round(float(high.mean() / poor.mean()), 3)
        if len(high) and len(poor) and poor.mean() > 0
        else float("nan"),
        "fs_feedback_rows": len(t["fs_feedback"]),
    }


def format_headline(h: dict[str, Any]) -> str:
    """Readable lines for the terminal."""
    pct = lambda x: "n/a" if x != x else f"{100 * x:.1f} %"  # noqa: E731
    lines = [
        f"leads            {h['leads']:>10,}",
        f"events           {h['events']:>10,}  ({h['events_per_lead']} per lead)",
        f"toss-ups         {h['toss_ups']:>10,}  ({pct(h['toss_up_rate'])} of leads; "
        f"{h['open_toss_ups']:,} still open)",
        f"meeting rate     {pct(h['meeting_rate']):>10}  (商談化率, closed toss-ups)",
        f"win rate         {pct(h['win_rate']):>10}  (成約率; mean true p "
        f"{pct(h['mean_true_p_closed'])})",
        f"gate pass rate   {pct(h['gate_pass_rate']):>10}  (100-point gate; mean "
        f"score {h['rubric_mean_total']})",
        f"ROC-AUC          {h['rubric_auc']:>10}  (100-point total; the truth's own "
        f"p reaches {h['oracle_auc']})",
        f"good/poor memo   {h['good_vs_poor_ratio']:>10}x (true effect, same leads; "
        f"observed high/needs-work band {h['observed_high_vs_needs_work']}x)",
    ]
    for band, v in h["win_rate_by_band"].items():
        lines.append(
            f"  band {band:<11} {v['toss_ups']:>7,} toss-ups, win {pct(v['win_rate'])}"
        )
    return "\n".join(lines)
