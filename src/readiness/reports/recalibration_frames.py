"""A recalibration as data frames, for notebooks and tests: weights, cut-offs,
held-out bands, band changes, and hand-offs or one memo rescored under both rubrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from readiness.memo.parse import Memo
from readiness.rubric.config import BANDS, Rubric
from readiness.rubric.recalibrate import Recalibration
from readiness.rubric.score import score_frame, score_memo

__all__ = [
    "band_changes_frame",
    "cutoffs_frame",
    "heldout_bands_frame",
    "memo_score_change",
    "rescore_handoffs",
    "weights_frame",
]


def weights_frame(r: Recalibration) -> pd.DataFrame:
    """One row per item: current vs recommended weight, its 95% bootstrap interval
    and the refit on gate-passing toss-ups only (the selection check)."""
    rows = [
        {
            "item": k,
            "label_ja": r.labels[k][0],
            "label_en": r.labels[k][1],
            "current": r.old_weights[k],
            "recommended": r.weights[k],
            "continuous": r.weights_continuous[k],
            "ci_low": r.weight_ci[k][0],
            "ci_high": r.weight_ci[k][1],
            "gate_passed_only": r.weights_gate_passed[k],
            "fraction_mean": r.item_spread[k]["mean"],
            "at_full_marks": r.item_spread[k]["share_full"],
        }
        for k in r.items
    ]
    return pd.DataFrame(rows).set_index("item")


def cutoffs_frame(r: Recalibration) -> pd.DataFrame:
    """Band cut-offs: the current ones, the win-rate and share-keeping candidates
    with their intervals, and the ones chosen for the YAML."""
    nan = (float("nan"), float("nan"))
    rows = [
        ("current", r.old_bands, (nan, nan)),
        ("win_rate", r.cutoffs_win_rate, r.cutoffs_win_rate_ci),
        ("share", r.cutoffs_share, r.cutoffs_share_ci),
        (f"chosen ({r.bands_choice})", r.bands, (nan, nan)),
    ]
    return pd.DataFrame(
        [
            {
                "rule": rule,
                "high": cut[0],
                "high_ci_low": ci[0][0],
                "high_ci_high": ci[0][1],
                "standard": cut[1],
                "standard_ci_low": ci[1][0],
                "standard_ci_high": ci[1][1],
            }
            for rule, cut, ci in rows
        ]
    ).set_index("rule")


def heldout_bands_frame(r: Recalibration) -> pd.DataFrame:
    """Held-out toss-ups per band under the current and the new rubric: count,
    share and win rate (and the model's mean probability when it was given)."""
    h = r.heldout
    rows = []
    for old, new in zip(h["bands_old"], h["bands_new"], strict=True):
        row: dict[str, Any] = {
            "band": old["band"],
            "band_ja": BANDS[old["band"]][0],
            "n_current": old["n"],
            "share_current": old["share"],
            "win_rate_current": old["win_rate"],
            "n_new": new["n"],
            "share_new": new["share"],
            "win_rate_new": new["win_rate"],
        }
        if h["has_model"]:
            row["model_p_current"] = old["model_probability"]
            row["model_p_new"] = new["model_probability"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("band")


def band_changes_frame(r: Recalibration) -> pd.DataFrame:
    """Held-out toss-ups by band: rows the current rubric's, columns the new one's."""
    matrix = pd.DataFrame(r.heldout["band_changes"]).T
    matrix.index.name = "current"
    matrix.columns.name = "new"
    return matrix.loc[list(BANDS), list(BANDS)]


def rescore_handoffs(
    handoffs: pd.DataFrame, old: Rubric, new: Rubric, *, id_column: str = "lead_id"
) -> pd.DataFrame:
    """Each hand-off's total and band under two rubrics (dates against its toss-up
    day, as the scorer reads them), with the change; sorted as given. Bands are
    ordered categoricals (high, standard, needs_work)."""
    order = list(BANDS)
    before = score_frame(handoffs, rubric=old, id_column=id_column)
    after = score_frame(handoffs, rubric=new, id_column=id_column)
    out = pd.DataFrame(
        {
            id_column: before[id_column].to_numpy(),
            "total_old": before["total"].to_numpy(),
            "band_old": pd.Categorical(before["band"].astype(str), categories=order),
            "total_new": after["total"].to_numpy(),
            "band_new": pd.Categorical(after["band"].astype(str), categories=order),
        }
    )
    out["change"] = (out["total_new"] - out["total_old"]).round(1)
    out["band_changed"] = out["band_old"] != out["band_new"]
    return out


def memo_score_change(
    memo: Memo | str | Mapping[str, Any],
    old: Rubric,
    new: Rubric,
    *,
    reference_date: date | None = None,
) -> pd.DataFrame:
    """One memo scored by two rubrics: points per item, then total, band and gate."""
    a = score_memo(memo, rubric=old, reference_date=reference_date)
    b = score_memo(memo, rubric=new, reference_date=reference_date)
    rows: list[dict[str, Any]] = [
        {
            "row": f"{x.key} ({x.label_ja})",
            "old": f"{x.points:g} / {x.max:g}",
            "new": f"{y.points:g} / {y.max:g}",
        }
        for x, y in zip(a.items, b.items, strict=True)
    ]
    rows += [
        {"row": "total / 合計", "old": f"{a.total:g}", "new": f"{b.total:g}"},
        {
            "row": "band / バンド",
            "old": f"{a.band_ja} ({a.band_en})",
            "new": f"{b.band_ja} ({b.band_en})",
        },
        {
            "row": "gate / ゲート",
            "old": "passed" if a.gate_passed else "failed",
            "new": "passed" if b.gate_passed else "failed",
        },
    ]
    return pd.DataFrame(rows).set_index("row")
