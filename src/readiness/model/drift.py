"""Drift of a backlog against the training data: population stability per feature.

At training time `feature_reference` summarises each feature of the reference
toss-ups (quantile bin edges and proportions for numbers, proportions of the most
frequent values for categories, the share missing for both); the bundle carries it
in its meta. At scoring time `reference_counts` counts the backlog into the same
bins — counts add up, so a backlog scored in chunks is counted chunk by chunk — and
`population_stability` turns the totals into PSI per feature.

Each population of the backlog has its own reference, so what differs by design is
not drift: hand-offs are compared with the training hand-offs (at their toss-up,
with memo and reps), open leads with historical open leads — `open_lead_points`
picks the leads that were open (created, not yet handed off) at a few moments of
the training data, scored as the batch scores an open lead (no memo, no reps), and
`open_lead_reference` summarises them. An open lead has less IS activity and no
memo than a hand-off at its toss-up; against the hand-offs that read as drift.

PSI = Σ (a − e) · ln(a / e) over bins, a = backlog share, e = reference share.
Conventional reading: < 0.1 stable, 0.1–0.2 a notice, ≥ 0.2 a warning.
Pure: frames and dicts in, dicts out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.data.contract import Dataset
from readiness.features.build import build_features
from readiness.rubric.config import Rubric

__all__ = [
    "OPEN_SAMPLE",
    "PSI_NOTICE",
    "PSI_WARN",
    "Drift",
    "add_counts",
    "feature_reference",
    "open_lead_points",
    "open_lead_reference",
    "population_stability",
    "reference_counts",
]

PSI_NOTICE: Final = 0.1
PSI_WARN: Final = 0.2
_BINS: Final = 10
_TOP_CATEGORIES: Final = 30
_OTHER: Final = "\x00other"
_MISSING: Final = "\x00missing"
_FLOOR: Final = 1e-4  # a bin empty on one side would make PSI infinite
_SKIP: Final = frozenset({"memo_text"})
OPEN_SAMPLE: Final = 4_000  # historical open-lead states summarised at training
_MOMENTS: Final = 5


def feature_reference(features: pd.DataFrame, *, bins: int = _BINS) -> dict[str, Any]:
    """JSON-safe summary of each feature's distribution (what drift compares with)."""
    out: dict[str, Any] = {}
    for name in features.columns:
        if name in _SKIP:
            continue
        col = features[name]
        if isinstance(
            col.dtype, pd.CategoricalDtype
        ) or not pd.api.types.is_numeric_dtype(col):
            text = col.astype("string")
            counts = text.value_counts(dropna=True)
            top = [str(v) for v in counts.index[:_TOP_CATEGORIES]]
            cats = [*top, _OTHER, _MISSING]
            out[str(name)] = {
                "kind": "category",
                "values": cats,
                "shares": _shares(_category_counts(col, cats)),
            }
        else:
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            finite = values[np.isfinite(values)]
            edges = (
                np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1]))
                if len(finite)
                else np.array([])
            )
            out[str(name)] = {
                "kind": "number",
                "edges": [float(e) for e in edges],
                "shares": _shares(_number_counts(values, edges)),
            }
    return {"n": len(features), "features": out}


def open_lead_points(
    dataset: Dataset,
    *,
    moments: Sequence[pd.Timestamp],
    sample: int = OPEN_SAMPLE,
    seed: int = 0,
) -> pd.DataFrame:
    """Leads open at each moment (created by then, not yet handed off), sampled.

    Points (`lead_id`, `as_of`) as the batch scores an open lead: at the moment,
    with no memo and no reps; at most `sample` in all, shared evenly by moments.
    """
    leads = dataset.leads[["lead_id", "created_at"]]
    tossed = dataset.handoffs.groupby("lead_id")["tossed_up_at"].min()
    toss = leads["lead_id"].map(tossed)
    created = leads["created_at"]
    moments = sorted({pd.Timestamp(m) for m in moments if pd.notna(m)})
    if not moments or sample < 1:
        return pd.DataFrame({"lead_id": [], "as_of": []})
    rng = np.random.default_rng(seed)
    each = max(1, sample // len(moments))
    frames = []
    for moment in moments:
        open_ = ((created <= moment) & ~(toss <= moment)).to_numpy()
        rows = np.flatnonzero(open_)
        if len(rows) > each:
            rows = np.sort(rng.choice(rows, size=each, replace=False))
        frames.append(
            pd.DataFrame(
                {
                    "lead_id": leads["lead_id"].to_numpy()[rows],
                    "as_of": np.full(len(rows), moment.to_datetime64()),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["as_of"] = out["as_of"].astype("datetime64[us]")
    return out


def open_lead_reference(
    dataset: Dataset,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    rubric: Rubric | None = None,
    sample: int = OPEN_SAMPLE,
    moments: int = _MOMENTS,
    seed: int = 0,
) -> dict[str, Any] | None:
    """What open leads looked like between `start` and `end` (e.g. the test
    period of training), as a drift reference; None when no lead was open then.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if pd.isna(start) or pd.isna(end) or end < start:
        return None
    when = [start + (end - start) * (i / max(1, moments - 1)) for i in range(moments)]
    points = open_lead_points(dataset, moments=when, sample=sample, seed=seed)
    if not len(points):
        return None
    features = build_features(dataset, points, rubric=rubric)
    return {
        **feature_reference(features),
        "population": "open",
        "moments": [m.isoformat() for m in sorted(set(when))],
    }


def _number_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin (right-closed at the edges), the last slot for missing."""
    missing = ~np.isfinite(values)
    bins = np.searchsorted(edges, values[~missing], side="left")
    counts = np.bincount(bins, minlength=len(edges) + 1).astype(np.int64)
    return np.append(counts, int(missing.sum()))


def _category_counts(col: pd.Series, cats: list[str]) -> np.ndarray:
    text = col.astype("string")
    codes = pd.Index(cats[:-2], dtype="str").get_indexer(pd.Index(text))
    codes = np.where(codes < 0, len(cats) - 2, codes)
    codes[text.isna().to_numpy()] = len(cats) - 1
    return np.bincount(codes.astype(np.int64), minlength=len(cats)).astype(np.int64)


def _shares(counts: np.ndarray) -> list[float]:
    total = counts.sum()
    return [float(c / total) if total else 0.0 for c in counts]


def reference_counts(
    features: pd.DataFrame, reference: Mapping[str, Any]
) -> dict[str, list[int]]:
    """The backlog's counts in the reference bins, per feature present in both."""
    out: dict[str, list[int]] = {}
    for name, ref in reference.get("features", {}).items():
        if name not in features:
            continue
        col = features[name]
        if ref["kind"] == "category":
            counts = _category_counts(col, list(ref["values"]))
        else:
            values = pd.to_numeric(col, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            counts = _number_counts(values, np.asarray(ref["edges"], dtype=np.float64))
        out[name] = [int(c) for c in counts]
    return out


def add_counts(
    total: dict[str, list[int]], more: Mapping[str, list[int]]
) -> dict[str, list[int]]:
    """Sum of two count dicts (chunks of one backlog)."""
    out = {k: list(v) for k, v in total.items()}
    for name, counts in more.items():
        if name in out:
            out[name] = [a + b for a, b in zip(out[name], counts, strict=True)]
        else:
            out[name] = list(counts)
    return out


@dataclass(frozen=True)
class Drift:
    """PSI of one feature, and the bin that moved most."""

    feature: str
    psi: float
    level: str  # "ok" | "notice" | "warning"
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "psi": self.psi,
            "level": self.level,
            "n": self.n,
        }


def population_stability(
    counts: Mapping[str, list[int]],
    reference: Mapping[str, Any],
    *,
    notice: float = PSI_NOTICE,
    warn: float = PSI_WARN,
) -> list[Drift]:
    """PSI per feature, highest first."""
    out = []
    for name, backlog in counts.items():
        ref = reference["features"].get(name)
        if ref is None:
            continue
        a = np.asarray(backlog, dtype=np.float64)
        n = int(a.sum())
        if not n:
            continue
        a = np.maximum(a / n, _FLOOR)
        e = np.maximum(np.asarray(ref["shares"], dtype=np.float64), _FLOOR)
        psi = float(np.sum((a - e) * np.log(a / e)))
        level = "warning" if psi >= warn else "notice" if psi >= notice else "ok"
        out.append(Drift(name, round(psi, 4), level, n))
    return sorted(out, key=lambda d: (-d.psi, d.feature))
