"""The batch run's summary: counts, expected wins, the FS capacity cut, drift.

Drift is per population: hand-offs (at their toss-up) against the training
hand-offs, open leads against historical open leads (`reference_open` of the
bundle). A bundle without the open-lead reference (an older readiness) compares
every lead with the training toss-ups, as before, and the summary says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.batch.backlog import BatchError
from readiness.features.build import feature_info
from readiness.model.drift import PSI_NOTICE, PSI_WARN, population_stability

__all__ = [
    "DRIFT_SHOWN",
    "drift_references",
    "population_of",
    "summarise",
    "summary_text",
]

DRIFT_SHOWN: Final = 5  # flagged features the terminal summary lists
_POPULATION_TEXT: Final = {
    "handed_off": "hand-off",
    "open": "open",
    "all": "all",
}
_FALLBACK_NOTE: Final = (
    "this bundle has no open-lead reference (trained by an older readiness): "
    "open leads are compared with training toss-ups, so their missing memo and "
    "reps and lower IS activity read as drift; retrain to compare them with "
    "historical open leads"
)


def drift_references(meta: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The drift reference of each population the bundle can check.

    `handed_off` and `open` when the bundle has both; only `all` (every lead
    against the training toss-ups) for a bundle without the open-lead reference;
    none for a bundle without any.
    """
    toss_ups = meta.get("reference")
    if not toss_ups:
        return {}
    open_leads = meta.get("reference_open")
    if open_leads:
        return {"handed_off": toss_ups, "open": open_leads}
    return {"all": toss_ups}


def population_of(status: pd.Series, references: Mapping[str, Any]) -> pd.Series:
    """Which reference each point is compared with (by its batch status)."""
    if "open" not in references:
        return pd.Series("all", index=status.index)
    values = np.where(status.to_numpy() == "open", "open", "handed_off")
    return pd.Series(values, index=status.index)


def summarise(
    ranked: pd.DataFrame,
    *,
    rows_in: int,
    rows_rejected: int,
    rows_closed: int,
    other_rejects: int,
    fs_capacity: int | None,
    drift_counts: Mapping[str, Mapping[str, list[int]]],
    references: Mapping[str, Mapping[str, Any]],
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
    summary["drift"] = _drift(drift_counts, references) if references else None
    return summary


def _drift(
    counts: Mapping[str, Mapping[str, list[int]]],
    references: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    populations: dict[str, dict[str, Any]] = {}
    for name, reference in references.items():
        drift = population_stability(counts.get(name, {}), reference)
        populations[name] = {
            "reference_rows": reference.get("n"),
            "rows": max((d.n for d in drift), default=0),
        }
        features += [
            {**d.to_dict(), "population": name, "group": _group(d.feature)}
            for d in drift
        ]
    features.sort(key=lambda f: (-f["psi"], f["population"], f["feature"]))
    first = references.get("handed_off") or references.get("all") or {}
    return {
        "reference_rows": first.get("n"),
        "by_population": "open" in references,
        "populations": populations,
        "notice_at": PSI_NOTICE,
        "warn_at": PSI_WARN,
        "note": None if "open" in references else _FALLBACK_NOTE,
        "features": features,
    }


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
        lines += _drift_lines(drift)
    return "\n".join(lines)


def _drift_lines(drift: Mapping[str, Any]) -> list[str]:
    """The few drifts that matter first (highest PSI), then how many more."""
    flagged = [f for f in drift["features"] if f["level"] != "ok"]
    warnings = sum(f["level"] == "warning" for f in flagged)
    pops = drift.get("populations") or {}
    if drift.get("by_population"):
        against = ", ".join(
            f"{_POPULATION_TEXT[p]} {v['rows']:,} vs {v['reference_rows'] or 0:,} "
            + ("training hand-offs" if p == "handed_off" else "past open leads")
            for p, v in pops.items()
        )
    else:
        against = f"vs {drift['reference_rows'] or 0:,} training toss-ups"
    lines = [
        f"ドリフト drift (PSI, {against}): {warnings} warnings (≥ "
        f"{drift['warn_at']}), {len(flagged) - warnings} notices (≥ "
        f"{drift['notice_at']})"
    ]
    if drift.get("note"):
        lines.append(f"  注 note: {drift['note']}")
    for f in flagged[:DRIFT_SHOWN]:
        who = _POPULATION_TEXT.get(f.get("population", "all"), "all")
        note = (
            " (expected for leads not yet handed off: no memo or rep)"
            if not drift.get("by_population")
            and f["group"] in ("memo", "rubric", "reps")
            else ""
        )
        lines.append(f"  {f['level']}: {f['feature']} ({who}) PSI {f['psi']:.3f}{note}")
    rest = flagged[DRIFT_SHOWN:]
    if rest:
        more = sum(f["level"] == "warning" for f in rest)
        lines.append(
            f"  … and {len(rest)} more ({more} warnings, {len(rest) - more} "
            "notices; every feature in the summary JSON)"
        )
    return lines
