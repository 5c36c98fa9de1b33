"""Win probability → the familiar 100-point scale and A–D grades.

Sales teams read the rubric's points and bands, not probabilities. `ScoreScale`
maps a probability onto the rubric's *historical distribution* by quantiles: a
hand-off whose model probability ranks like an 85-point memo gets 85 points, so
the shares of today's bands (≥ 80 high, 60–79 standard, < 60 needs work) carry
over and the team keeps its sense of how rare an 80 is. The points say how a
hand-off ranks, not how likely it is to be won: show the probability next to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

__all__ = ["DEFAULT_GRADE_CUTOFFS", "ScoreScale"]

SCHEMA_VERSION: Final = 1
DEFAULT_GRADE_CUTOFFS: Final[Mapping[str, float]] = MappingProxyType(
    {"A": 80.0, "B": 60.0, "C": 40.0}
)
_KIND: Final = "readiness.ScoreScale"


def _values(x: ArrayLike, *, name: str, low: float, high: float) -> NDArray[np.float64]:
    """A 1-D float array within [low, high]; NaN and out-of-range are named errors."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    missing = int(np.isnan(arr).sum())
    if missing:
        raise ValueError(
            f"{name} has {missing} missing (NaN) value(s) of {len(arr)}; "
            "drop or impute them first"
        )
    outside = int(((arr < low) | (arr > high)).sum())
    if outside:
        raise ValueError(f"{name} has {outside} value(s) outside [{low:g}, {high:g}]")
    return arr


class ScoreScale(BaseEstimator):
    """Quantile map from win probability to rubric points, plus letter grades.

    Args:
        grade_cutoffs: grade → the lowest mapped points that earn it, best grade
            first with strictly decreasing points; None means the default
            {"A": 80, "B": 60, "C": 40}.
        lowest_grade: the grade below every cut-off ("D").
        n_quantiles: quantile levels stored (101 = every percentile).

    Learned attributes: `p_quantiles_` (model probabilities) and
    `points_quantiles_` (rubric totals) at the same levels, `n_fit_`.
    """

    def __init__(
        self,
        grade_cutoffs: Mapping[str, float] | None = None,
        lowest_grade: str = "D",
        n_quantiles: int = 101,
    ) -> None:
        self.grade_cutoffs = grade_cutoffs
        self.lowest_grade = lowest_grade
        self.n_quantiles = n_quantiles

    # --- validation ----------------------------------------------------------------

    def _check_params(self) -> tuple[NDArray[np.float64], list[str]]:
        """Cut-offs (decreasing) and every grade label, best first, or a clear error."""
        given = (
            DEFAULT_GRADE_CUTOFFS if self.grade_cutoffs is None else self.grade_cutoffs
        )
        if not isinstance(given, Mapping) or not given:
            raise ValueError(
                "grade_cutoffs must map each grade to its lowest points, best first, "
                f"e.g. {{'A': 80, 'B': 60, 'C': 40}}; got {given!r}"
            )
        try:
            cutoffs = np.array([float(v) for v in given.values()])
        except (TypeError, ValueError):
            raise ValueError(f"grade_cutoffs must be numbers, got {given!r}") from None
        grades = [*(str(g) for g in given), str(self.lowest_grade)]
        shown = ", ".join(
            f"{g}: {c:g}" for g, c in zip(grades[:-1], cutoffs, strict=True)
        )
        if not (np.isfinite(cutoffs) & (cutoffs >= 0) & (cutoffs <= 100)).all():
            raise ValueError(f"grade_cutoffs must lie within 0..100, got {{{shown}}}")
        if (np.diff(cutoffs) >= 0).any():
            raise ValueError(
                "grade_cutoffs must be strictly decreasing, best grade first "
                f"(e.g. A: 80, B: 60, C: 40), got {{{shown}}}"
            )
        if len(set(grades)) != len(grades) or not all(grades):
            raise ValueError(
                f"grades must be distinct and non-empty, got {', '.join(grades)} "
                "(the cut-offs' grades and lowest_grade)"
            )
        n_q = self.n_quantiles
        if isinstance(n_q, bool) or not isinstance(n_q, int | np.integer) or n_q < 2:
            raise ValueError(f"n_quantiles must be an integer ≥ 2, got {n_q!r}")
        return cutoffs, grades

    # --- learning ------------------------------------------------------------------

    def fit(self, p_model: ArrayLike, rubric_total: ArrayLike) -> ScoreScale:
        """Learn both distributions; usually the same historical hand-offs.

        The two samples are matched by rank only, so they need not be paired or
        of equal length (e.g. the rubric totals of last year's hand-offs).
        """
        self._check_params()
        p = _values(p_model, name="p_model", low=0.0, high=1.0)
        points = _values(rubric_total, name="rubric_total", low=0.0, high=100.0)
        if len(p) == 0 or len(points) == 0:
            raise ValueError("fit needs at least one probability and one rubric total")
        levels = np.linspace(0.0, 1.0, int(self.n_quantiles))
        self.p_quantiles_ = np.quantile(p, levels)
        self.points_quantiles_ = np.quantile(points, levels)
        self.n_fit_ = len(p)
        return self

    # --- mapping -------------------------------------------------------------------

    def to_points(self, p: ArrayLike) -> NDArray[np.float64]:
        """Points in 0..100, non-decreasing in p; clipped beyond the fitted range.

        Where many fitted probabilities are equal, the forward and backward
        interpolations differ; their mean (as scikit-learn's QuantileTransformer
        does) lands such a probability mid-way through the tied points.
        """
        check_is_fitted(self, ("p_quantiles_", "points_quantiles_"))
        x = _values(p, name="p", low=0.0, high=1.0)
        xp, fp = self.p_quantiles_, self.points_quantiles_
        forward = np.interp(x, xp, fp)
        backward = -np.interp(-x, -xp[::-1], -fp[::-1])
        return np.clip(0.5 * (forward + backward), 0.0, 100.0)

    def to_grade(self, p: ArrayLike) -> NDArray[np.str_]:
        """The grade of each probability's mapped points (points ≥ cut-off)."""
        return self.points_to_grade(self.to_points(p))

    def points_to_grade(self, points: ArrayLike) -> NDArray[np.str_]:
        """Grades for points already on the 100-point scale (e.g. rubric totals)."""
        cutoffs, grades = self._check_params()
        x = _values(points, name="points", low=0.0, high=100.0)
        # ascending bounds: the index is the number of cut-offs the points reach
        reached = np.searchsorted(cutoffs[::-1], x, side="right")
        return np.asarray(grades[::-1])[reached]

    # --- bundling ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe parameters and learned quantiles; `from_dict` restores them."""
        check_is_fitted(self, ("p_quantiles_", "points_quantiles_"))
        cutoffs, grades = self._check_params()
        return {
            "kind": _KIND,
            "schema_version": SCHEMA_VERSION,
            "grade_cutoffs": {
                g: float(c) for g, c in zip(grades[:-1], cutoffs, strict=True)
            },
            "lowest_grade": grades[-1],
            "n_quantiles": int(self.n_quantiles),
            "n_fit": int(self.n_fit_),
            "p_quantiles": [float(v) for v in self.p_quantiles_],
            "points_quantiles": [float(v) for v in self.points_quantiles_],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreScale:
        """Rebuild a fitted scale; refuses what it cannot read, saying why."""
        if not isinstance(data, Mapping) or data.get("kind") != _KIND:
            raise ValueError(f"not a ScoreScale: expected kind {_KIND!r}")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"ScoreScale schema_version {version!r} is not supported "
                f"(this readiness reads {SCHEMA_VERSION})"
            )
        try:
            cutoffs = data["grade_cutoffs"]
            if not isinstance(cutoffs, Mapping):
                raise ValueError("ScoreScale dict: grade_cutoffs must be a mapping")
            scale = cls(
                grade_cutoffs={str(g): float(c) for g, c in cutoffs.items()},
                lowest_grade=str(data["lowest_grade"]),
                n_quantiles=int(data["n_quantiles"]),
            )
            p_q = _values(data["p_quantiles"], name="p_quantiles", low=0.0, high=1.0)
            pts = data["points_quantiles"]
            points_q = _values(pts, name="points_quantiles", low=0.0, high=100.0)
            n_fit = int(data["n_fit"])
        except KeyError as err:
            raise ValueError(f"ScoreScale dict lacks {err.args[0]!r}") from None
        scale._check_params()
        n_q = scale.n_quantiles
        if len(p_q) != n_q or len(points_q) != n_q:
            raise ValueError(
                f"expected {n_q} quantiles, got {len(p_q)} probabilities "
                f"and {len(points_q)} points"
            )
        if (np.diff(p_q) < 0).any() or (np.diff(points_q) < 0).any():
            raise ValueError("quantiles must be non-decreasing")
        scale.p_quantiles_ = p_q
        scale.points_quantiles_ = points_q
        scale.n_fit_ = n_fit
        return scale
