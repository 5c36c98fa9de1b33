"""The batch run's summary: counts, expected wins, the FS capacity cut, drift."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

import pandas as pd

from readiness.batch.backlog import BatchError
from readiness.features.build import feature_info
from readiness.model.drift import PSI_NOTICE, PSI_WARN, population_stability


def summarise(
    ranked: pd.DataFrame,
    *,
    rows_in: int,
    rows_rejected: int,
    rows_closed: int,
    other_rejects: int,
    fs_capacity: int | None,
    drift_counts: Mapping[str, list[int]],
    reference: Mapping[str, Any] | None,
    as_of: datetime,
    model: Mapping[str, Any],
    options: Any,
) -> dict[str, Any]:
    """Counts, expected wins, the FS capacity cut line and drift, JSON-safe."""
    scored = len(ranked)
    balanced = rows_in == scored + rows_rejected + rows_closed
    p = ranked["probability"]
    by_status = {
        s: {"leads": int((ranked["status"] == s).sum()),
            "expected_wins": round(float(p[ranked["status"] == s].sum()), 2)}
        for s in ("open", "handed_off", "closed")
        if (ranked["status"] == s).any()
    }  # fmt: skip
    summary: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "model": dict(model),
        "rows_in": rows_in,
        "rows_scored": scored,
        "rows_rejected": rows_rejected,
        "rows_closed_skipped": rows_closed,
        "other_rows_rejected": other_rejects,
        "rows_balance": balanced,
        "expected_wins": round(float(p.sum()), 2),
        "by_status": by_status,
        "by_grade": {
            str(k): int(v)
            for k, v in ranked["grade"].value_counts().sort_index().items()
        },
        "by_band": {
            str(k): int(v)
            for k, v in ranked["rubric_band"].value_counts().sort_index().items()
        },
        "options": {k: str(v) for k, v in asdict(options).items()},
    }
    if not balanced:
        raise BatchError(
            f"rows do not add up: {rows_in} in, {scored} scored + {rows_rejected} "
            f"rejected + {rows_closed} closed; this is a bug"
        )
    if fs_capacity is not None:
        open_rows = ranked[ranked["status"] == "open"].head(fs_capacity)
        summary["fs_capacity"] = {
            "capacity": fs_capacity,
            "leads": len(open_rows),
            "expected_wins": round(float(open_rows["probability"].sum()), 2),
            "cut_probability": (
                round(float(open_rows["probability"].iloc[-1]), 4)
                if len(open_rows)
                else None
            ),
            "lead_ids": open_rows["lead_id"].tolist(),
        }
    if reference:
        drift = population_stability(drift_counts, reference)
        summary["drift"] = {
            "reference_rows": reference.get("n"),
            "notice_at": PSI_NOTICE,
            "warn_at": PSI_WARN,
            "features": [{**d.to_dict(), "group": _group(d.feature)} for d in drift],
        }
    else:
        summary["drift"] = None
    return summary


def _group(name: str) -> str:
    try:
        return feature_info(name).group
    except KeyError:
        return "other"


def summary_text(summary: Mapping[str, Any]) -> str:
    """The summary for a terminal, in Japanese and English."""
    lines = [
        f"基準時点 as of {summary['as_of']}",
        f"件数 rows: {summary['rows_in']:,} in = {summary['rows_scored']:,} scored "
        f"+ {summary['rows_rejected']:,} rejected + {summary['rows_closed_skipped']:,} "
        f"closed (skipped) — {'OK' if summary['rows_balance'] else 'MISMATCH'}",
        f"期待受注数 expected wins: {summary['expected_wins']:,.1f}",
    ]
    if summary["rows_in"] and summary["rows_closed_skipped"] == summary["rows_in"]:
        lines.append(
            "未クローズのリードなし nothing open to score: every lead already has an "
            "outcome; add --include-closed to score the closed hand-offs at their "
            "toss-up"
        )
    if summary["other_rows_rejected"]:
        lines.append(
            f"他テーブルの不整合行 other rows rejected (lead not in leads): "
            f"{summary['other_rows_rejected']:,}"
        )
    for s, v in summary["by_status"].items():
        lines.append(
            f"  {s}: {v['leads']:,} leads, expected wins {v['expected_wins']:,.1f}"
        )
    lines.append(
        "グレード grade: "
        + (", ".join(f"{k} {v:,}" for k, v in summary["by_grade"].items()) or "-")
    )
    lines.append(
        "帯 rubric band: "
        + (", ".join(f"{k} {v:,}" for k, v in summary["by_band"].items()) or "-")
    )
    cap = summary.get("fs_capacity")
    if cap:
        lines.append(
            f"FS枠 FS capacity {cap['capacity']:,}: hand off the top "
            f"{cap['leads']:,} open "
            f"leads first (cut at p = {cap['cut_probability']}); expected wins "
            f"{cap['expected_wins']:,.1f}"
        )
    drift = summary.get("drift")
    if drift is None:
        lines.append(
            "ドリフト drift: the model bundle carries no training reference; retrain "
            "with this version to enable the check"
        )
    else:
        flagged = [f for f in drift["features"] if f["level"] != "ok"]
        lines.append(
            f"ドリフト drift (PSI vs {drift['reference_rows']:,} training toss-ups): "
            f"{sum(f['level'] == 'warning' for f in flagged)} warnings (≥ "
            f"{drift['warn_at']}), {sum(f['level'] == 'notice' for f in flagged)} "
            f"notices (≥ {drift['notice_at']})"
        )
        for f in flagged[:10]:
            note = (
                " (expected for leads not yet handed off: no memo or rep)"
                if f["group"] in ("memo", "rubric", "reps")
                else ""
            )
            lines.append(f"  {f['level']}: {f['feature']} PSI {f['psi']:.3f}{note}")
    return "\n".join(lines)
