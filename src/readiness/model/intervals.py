"""A calibrated interval around each win probability: Mondrian Venn-ABERS.

Why Venn-ABERS, and why the `venn-abers` package (bench/intervals.py measures it):
an inductive Venn-ABERS predictor fits isotonic regression twice on the held-out
scores, once as if the new lead were lost and once as if it were won; the two
answers (p0, p1) are a multiprobability whose spread is how much one more outcome
could move the calibration at that score — narrow where calibration toss-ups are
dense, wide where they are thin. Its fitted state is three float arrays per
category (stored as `.npy`, no pickle), predicting is two `searchsorted`. The
`venn-abers` package (ip200, by an author of the method) is the reference
implementation; `mapie.calibration.VennAbers` (1.6) vendors the same code (identical
p0, p1 and speed on the bench's scores), inside a larger package; `crepes` 0.9 has
conformal sets and predictive systems, no probability intervals.

Venn-ABERS over the score alone does not know segments: a segment (e.g. an
industry) with few toss-ups got as narrow an interval as a dense one. So the
predictor is Mondrian: one Venn-ABERS per segment besides the pooled one, and a
lead's interval is the hull of the pooled interval, its segment's interval and
its point probability. A segment with few toss-ups has a wide interval of its own;
one never seen in training spans 0-1 (no outcome of it was ever observed).

What coverage means for such an interval: docs/intervals.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

__all__ = [
    "MISSING_SEGMENT",
    "ProbabilityInterval",
    "interval_coverage",
    "segment_values",
]

MISSING_SEGMENT: Final = "(missing)"


def _va() -> Any:
    """The venn-abers module, imported without its global `np.seterr`
    (it silences numpy's divide and invalid warnings process-wide on import)."""
    with np.errstate():
        import venn_abers

    return venn_abers


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def segment_values(values: Sequence[Any] | pd.Series | np.ndarray) -> np.ndarray:
    """Segment labels as text; missing values are a segment of their own."""
    if len(values) <= 256:  # a lead or a page of them: pandas costs more than it saves
        return np.array(
            [MISSING_SEGMENT if _missing(v) else str(v) for v in values], dtype=object
        )
    series = pd.Series(values if isinstance(values, pd.Series) else list(values))
    series = series.astype(object)
    missing = series.isna().to_numpy()
    out = series.astype(str).to_numpy(dtype=object)
    out[missing] = MISSING_SEGMENT
    return out


def _fit_one(p: np.ndarray, y: np.ndarray, precision: int | None) -> np.ndarray:
    """One Venn-ABERS fit as a (3, k+1) array: c (padded), p0, p1."""
    va = _va()
    # a segment of one class makes the library take nanmin of all-NaN slopes
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p0, p1, c = va.calc_p0p1(np.column_stack([1.0 - p, p]), y, precision)
    c_pad = np.concatenate([c, [np.inf]])
    return np.vstack([c_pad, p0[:, 1], p1[:, 1]]).astype(np.float64)


def _predict_one(fit: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    va = _va()
    c = fit[0, :-1]
    p0 = np.column_stack([np.zeros(fit.shape[1]), fit[1]])
    p1 = np.column_stack([np.zeros(fit.shape[1]), fit[2]])
    with np.errstate(divide="ignore", invalid="ignore"):
        _, p0p1 = va.calc_probs(p0, p1, c, np.column_stack([1.0 - p, p]))
    return p0p1[:, 0], p0p1[:, 1]


class ProbabilityInterval:
    """Mondrian Venn-ABERS interval for a calibrated probability (scikit-learn
    style: parameters in `__init__`, learned attributes end in `_`).

    Fit it on out-of-fold probabilities of the served estimator and the outcomes
    of the same training toss-ups; `predict` gives (low, high) per row, with
    low ≤ p ≤ high. `precision` rounds the calibration scores (decimals) to keep
    the fit fast on large training sets.
    """

    def __init__(self, *, segment: str = "industry", precision: int | None = 3) -> None:
        self.segment = segment
        self.precision = precision

    def fit(
        self,
        p: np.ndarray,
        y: np.ndarray,
        segments: Sequence[Any] | pd.Series | np.ndarray,
    ) -> ProbabilityInterval:
        p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
        y = np.asarray(y).astype(int)
        labels = segment_values(segments)
        if not (len(p) == len(y) == len(labels)) or len(p) == 0:
            raise ValueError("p, y and segments must be non-empty and of one length")
        self.pooled_ = _fit_one(p, y, self.precision)
        names = sorted(set(labels))
        fits = [_fit_one(p[labels == s], y[labels == s], self.precision) for s in names]
        self.segment_names_ = names
        self.segment_counts_ = np.array(
            [int((labels == s).sum()) for s in names], dtype=np.int64
        )
        # the segments' fits side by side: one array, cut at the offsets
        self.segment_offsets_ = np.cumsum([0] + [f.shape[1] for f in fits]).astype(
            np.int64
        )
        self.segment_fits_ = np.hstack(fits) if fits else np.zeros((3, 0))
        self.n_ = len(p)
        return self

    def _segment_fit(self, index: int) -> np.ndarray:
        lo, hi = self.segment_offsets_[index], self.segment_offsets_[index + 1]
        return np.asarray(self.segment_fits_[:, lo:hi])

    def predict(
        self, p: np.ndarray, segments: Sequence[Any] | pd.Series | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) per row: hull of the pooled and the segment's Venn-ABERS
        (p0, p1) and the point probability; an unseen segment is (0, 1)."""
        p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
        labels = segment_values(segments)
        low, high = _predict_one(self.pooled_, p)
        seg_low = np.zeros(len(p))
        seg_high = np.ones(len(p))
        position = {name: i for i, name in enumerate(self.segment_names_)}
        codes = np.fromiter(
            (position.get(s, -1) for s in labels), dtype=np.int64, count=len(labels)
        )
        for i in np.unique(codes[codes >= 0]):
            rows = codes == i
            seg_low[rows], seg_high[rows] = _predict_one(self._segment_fit(i), p[rows])
        low = np.minimum(np.minimum(low, seg_low), p)
        high = np.maximum(np.maximum(high, seg_high), p)
        return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)

    def segment_count(self, segment: Any) -> int:
        """Training toss-ups the interval saw in this segment."""
        label = segment_values([segment])[0]
        if label not in self.segment_names_:
            return 0
        return int(self.segment_counts_[self.segment_names_.index(label)])


def interval_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Per segment (and "all"): how the interval did on held-out toss-ups.

    `frame` needs won, p_model, p_model_low, p_model_high, segment; with p_true
    (a simulated world's truth) `coverage_truth` is the share of toss-ups whose
    true win probability lies in [low, high], and `truth_mean_inside` whether the
    segment's mean true probability (the win chance of leads like these, what a
    Venn-ABERS interval speaks of) lies in its mean low and high. Without truth
    an interval for a probability cannot be checked on one 0/1 outcome, so the
    check is on the segment: its observed win rate against its mean low and high
    (`rate_inside`), beside the mean probability. Empty without interval columns.
    """
    need = ("won", "p_model", "p_model_low", "p_model_high", "segment")
    if not all(c in frame.columns for c in need):
        return pd.DataFrame()
    work = frame[[*need, *(["p_true"] if "p_true" in frame.columns else [])]].copy()
    work = work[work["p_model_low"].notna() & work["p_model_high"].notna()]
    if work.empty:
        return pd.DataFrame()
    work["segment"] = segment_values(work["segment"])
    rows = []
    groups = [("all", work), *((str(k), g) for k, g in work.groupby("segment"))]
    for name, g in groups:
        low, high = float(g["p_model_low"].mean()), float(g["p_model_high"].mean())
        rate = float(g["won"].mean())
        row: dict[str, Any] = {
            "segment": name,
            "n": len(g),
            "mean_width": float((g["p_model_high"] - g["p_model_low"]).mean()),
            "mean_probability": float(g["p_model"].mean()),
            "mean_low": low,
            "mean_high": high,
            "win_rate": rate,
            "rate_inside": bool(low <= rate <= high),
        }
        if "p_true" in g:
            truth = g["p_true"].to_numpy(dtype=np.float64)
            inside = (truth >= g["p_model_low"]) & (truth <= g["p_model_high"])
            known = np.isfinite(truth)
            row["coverage_truth"] = (
                float(inside[known].mean()) if known.any() else float("nan")
            )
            # what the interval claims: the win chance of leads like these (the
            # segment's mean TRUE probability) within its mean low and high
            mean_truth = float(truth[known].mean()) if known.any() else float("nan")
            row["mean_truth"] = mean_truth
            row["truth_mean_inside"] = bool(low <= mean_truth <= high)
        rows.append(row)
    return pd.DataFrame(rows)
