"""One scoring function for the API, the CLI and batch scoring.

`score_points` turns points (a lead at a moment, with its memo) into `LeadScore`s:
the served bundle's win probability, its 100-point equivalent and grade, the
rubric's view of the memo, and — where asked — why (factors) and what IS should
collect next (missing elements ranked by the model's counterfactual gain).
A single lead given as plain mappings (an API request) is typed through the data
contract by `readiness.scoring.lead.lead_dataset`, so it is scored exactly like a
row of a batch. Pure: no I/O; the bundle is loaded by the caller.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, cast, get_args

import numpy as np
import pandas as pd

from readiness.clock import TIMEZONE, TOKYO
from readiness.data.contract import Dataset
from readiness.data.single import SingleLead
from readiness.errors import ReadinessError
from readiness.features.build import (
    EXTRA_PREFIX,
    build_features,
    extra_feature_names,
    rubric_item_names,
)
from readiness.features.single import point_row
from readiness.model.bundle import Bundle
from readiness.model.config import ExplainMethod
from readiness.model.estimators import RubricModel, WinModel
from readiness.model.explain import counterfactual_edits, read_memos
from readiness.rubric.config import Rubric
from readiness.rubric.score import RubricItem, RubricResult
from readiness.scoring.reasons import model_factors, rank_missing, rubric_factors
from readiness.scoring.results import Factor, LeadScore, MissingElement
from readiness.stopwatch import stage

__all__ = [
    "ScoringInputError",
    "bundle_explain_method",
    "score_lead",
    "score_points",
]

_RUBRIC_SERVED: Final = (
    "served by the calibrated rubric: factors are the rubric items (points against "
    "their maximum, relative to an average hand-off), not model contributions"
)


class ScoringInputError(ReadinessError, ValueError):
    """Input that cannot be scored; `.problems` lists each one with its fix.

    Each problem reads `path: what is wrong; the fix`. `.problems_ja` says the same
    in Japanese (same order, same path), or None where a problem has no Japanese
    (those only a Python caller can make, such as a negative `top_k`).
    """

    def __init__(
        self,
        problems: Sequence[str],
        *,
        problems_ja: Sequence[str | None] | None = None,
    ) -> None:
        self.problems = tuple(problems)
        ja = tuple(problems_ja) if problems_ja is not None else ()
        if ja and len(ja) != len(self.problems):
            raise ValueError("problems_ja must say each problem of problems")
        self.problems_ja: tuple[str | None, ...] = ja or (None,) * len(self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(
            f"cannot score this input ({len(self.problems)} {noun}):\n{lines}"
        )


# --- scoring -------------------------------------------------------------------------


def score_points(
    dataset: Dataset,
    points: pd.DataFrame,
    *,
    bundle: Bundle,
    explain: bool | Sequence[bool] = True,
    top_k: int = 3,
    display_rubric: Rubric | None = None,
    explain_method: ExplainMethod | None = None,
) -> list[LeadScore]:
    """Score each point: one `LeadScore` per row of `points`, in the same order.

    `points` has `lead_id` and `as_of`, optionally `memo`, `is_rep` and `fs_rep` (as
    `readiness.features.build.build_features`). `explain` (one flag, or one per row)
    asks for factors and missing elements; both cost more than the probability, so
    nightly scoring of a backlog can explain only the rows someone will read. Every
    row's counterfactuals and the rows themselves go through one `bundle.score`.
    `display_rubric` (an adopted rubric) replaces the bundle's only in the rubric
    breakdown shown (total, band, gate, items); features keep the training rubric.
    `explain_method` overrides the bundle's way of ordering missing elements
    (`TrainConfig.explain_method`; bundles older than it: "blend").
    """
    points = _checked_points(points)
    n = len(points)
    flags = _explain_flags(explain, n)
    _check_top_k(top_k)
    features = build_features(dataset, points, rubric=bundle.rubric)
    features, absent = _with_absent_extras(features, bundle)
    as_of = _naive_as_of(points["as_of"])
    known = set(dataset.leads["lead_id"].astype("str"))
    lead_ids = points["lead_id"].astype("str").tolist()
    return _scores(
        features,
        bundle=bundle,
        flags=flags,
        top_k=top_k,
        memos=points["memo"].tolist() if "memo" in points else [None] * n,
        as_of=as_of,
        # plain lists: row-wise pandas access was a fifth of a large batch's time
        moments=[t.to_pydatetime() for t in as_of],
        lead_ids=lead_ids,
        unknown=[lead_id not in known for lead_id in lead_ids],
        absent=absent,
        extra_names=extra_feature_names(dataset),
        display_rubric=display_rubric,
        explain_method=explain_method,
    )


def score_lead(
    lead: SingleLead,
    *,
    as_of: datetime,
    bundle: Bundle,
    memo: object = None,
    is_rep: object = None,
    fs_rep: object = None,
    explain: bool = True,
    top_k: int = 3,
    display_rubric: Rubric | None = None,
    explain_method: ExplainMethod | None = None,
) -> LeadScore:
    """`score_points` of one lead at one moment, without frames: the same score.

    `lead` is typed by `readiness.scoring.lead.single_lead`; its features are one
    row of plain values (`point_row`), and the row and its counterfactuals go
    through one `bundle.score` as in a batch. An aware `as_of` is read as Tokyo
    time. This is what the API and the page call per lead.
    """
    _check_top_k(top_k)
    moment = _naive_moment(as_of)
    row = point_row(
        lead, as_of=moment, memo=memo, is_rep=is_rep, fs_rep=fs_rep,
        rubric=bundle.rubric,
    )  # fmt: skip
    absent = _absent_extras(row, bundle)
    row |= dict.fromkeys(absent, math.nan)
    (score,) = _scores(
        [row],
        bundle=bundle,
        flags=np.array([explain]),
        top_k=top_k,
        memos=[memo],
        as_of=np.array([np.datetime64(moment, "us")]),
        moments=[moment],
        lead_ids=[lead.lead_id],
        unknown=[False],
        absent=absent,
        extra_names=extra_feature_names(lead.extra_lead_columns),
        display_rubric=display_rubric,
        explain_method=explain_method,
    )
    return score


def _scores(
    features: pd.DataFrame | list[dict[str, Any]],
    *,
    bundle: Bundle,
    flags: np.ndarray,
    top_k: int,
    memos: list[object],
    as_of: pd.Series | np.ndarray,
    moments: list[datetime],
    lead_ids: list[str],
    unknown: list[bool],
    absent: list[str],
    extra_names: Mapping[str, str],
    display_rubric: Rubric | None,
    explain_method: ExplainMethod | None,
) -> list[LeadScore]:
    """The scores of feature rows (a frame, or rows as {column: value})."""
    n = len(features)
    rubric = bundle.rubric
    with stage("memo readings"):
        reads, memo_warnings = read_memos(memos, as_of, rubric)

    explained = [int(i) for i in np.flatnonzero(flags)]
    with stage("explanations"):
        plan, edits = counterfactual_edits(
            features, reads, explained, rubric=rubric,
            item_names=rubric_item_names(rubric),
        )  # fmt: skip
    estimator = bundle.estimator
    contribute = explained if isinstance(estimator, WinModel) else []
    scored = bundle.score(
        features,
        contributions_for=contribute,
        counterfactuals=list(zip([c.row for c in plan], edits, strict=True)),
    )
    predicted = scored.predictions
    p_all = predicted["probability"].to_numpy(dtype=np.float64)
    p_now, p_if = p_all[:n], p_all[n:]
    lows = _optional(predicted["probability_low"].to_numpy(dtype=np.float64)[:n])
    highs = _optional(predicted["probability_high"].to_numpy(dtype=np.float64)[:n])
    effects = bundle.meta.get("element_effects") or {}
    with stage("explanations"):
        missing = rank_missing(
            plan,
            p_now,
            p_if,
            n,
            effects=effects.get("elements"),
            own_weight=float(effects.get("own_weight", 1.0)),
            adjusted=bundle.meta.get("adjusted_effects"),
            method=explain_method or bundle_explain_method(bundle.meta),
            vague_fraction=rubric.vague_fraction,
        )

    factors: dict[int, tuple[tuple[Factor, ...], tuple[Factor, ...]]] = {}
    warnings: list[str] = []
    if contribute and scored.contributions is not None:
        rows = (
            features.iloc[contribute]
            if isinstance(features, pd.DataFrame)
            else [features[i] for i in contribute]
        )
        with stage("explanations"):
            found = model_factors(
                scored.contributions, rows, top_k=top_k, extra_names=extra_names
            )
        factors = dict(zip(contribute, found, strict=True))
    elif explained and isinstance(estimator, RubricModel):
        found = rubric_factors(estimator, [reads[i] for i in explained], top_k=top_k)
        factors = dict(zip(explained, found, strict=True))
        warnings.append(_RUBRIC_SERVED)

    if absent:
        names = ", ".join(a.removeprefix(EXTRA_PREFIX) for a in absent[:5])
        warnings.append(
            f"{len(absent)} lead attributes the model uses were not given ({names}"
            f"{', …' if len(absent) > 5 else ''}): scored as unknown; send them in "
            "lead.attributes"
        )
    version = bundle.meta.get("registered_version")
    shown = _display_results(memos, as_of, display_rubric)
    points_100 = predicted["points"].iloc[:n].astype(float).tolist()
    grades = predicted["grade"].iloc[:n].astype(str).tolist()
    out = []
    # Memos repeat (most of a backlog has none): one breakdown per distinct reading.
    breakdowns: dict[int, tuple[tuple[tuple[str, str], ...], tuple[RubricItem, ...]]]
    breakdowns = {}
    for i in range(n):
        result = reads[i].result if shown is None else shown[i]
        if (breakdown := breakdowns.get(id(result))) is None:
            breakdown = breakdowns[id(result)] = _breakdown(result)
        lacking = missing[i] if shown is None else _worth(missing[i], shown[i])
        positive, negative = factors.get(i, ((), ()))
        notes = [*warnings, *memo_warnings[i]]
        if unknown[i]:
            notes.insert(0, f"lead {lead_ids[i]} is not in the data: no lead features")
        out.append(
            LeadScore(
                lead_id=lead_ids[i],
                as_of=moments[i],
                probability=float(p_now[i]),
                probability_low=lows[i],
                probability_high=highs[i],
                points=points_100[i],
                grade=grades[i],
                rubric_total=float(result.total),
                rubric_band=result.band,
                rubric_band_ja=result.band_ja,
                rubric_band_en=result.band_en,
                gate_passed=result.gate_passed,
                gate_failures=breakdown[0],
                rubric_items=breakdown[1],
                positive=positive,
                negative=negative,
                missing=lacking,
                served=bundle.served,
                model_version=None if version is None else str(version),
                warnings=tuple(notes),
            )
        )
    return out


def _optional(values: np.ndarray) -> list[float | None]:
    """Floats, None where NaN (a bundle without an interval)."""
    return [None if np.isnan(v) else float(v) for v in values]


def _breakdown(
    result: RubricResult,
) -> tuple[tuple[tuple[str, str], ...], tuple[RubricItem, ...]]:
    """Gate failures (ja, en) and item points of a rubric reading, as shown."""
    failures = tuple((g.ja, g.en) for g in result.gate_failures)
    items = tuple(
        RubricItem(s.key, s.label_ja, s.label_en, float(s.points), float(s.max))
        for s in result.items
    )
    return failures, items


def _check_top_k(top_k: int) -> None:
    if top_k < 0:
        raise ScoringInputError([f"top_k: {top_k} is negative; give 0 or more"])


def _naive_moment(as_of: datetime) -> datetime:
    """A moment as naive Asia/Tokyo (`_naive_as_of` of one)."""
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(TOKYO).replace(tzinfo=None)
    return as_of


def bundle_explain_method(meta: Mapping[str, Any]) -> ExplainMethod:
    """The bundle's way of ordering missing elements ("blend" before there was a
    choice: a bundle keeps explaining as it did when it was trained)."""
    method = (meta.get("config") or {}).get("explain_method", "blend")
    return cast(ExplainMethod, method if method in get_args(ExplainMethod) else "blend")


def _display_results(
    memos: Sequence[object], as_of: pd.Series | np.ndarray, rubric: Rubric | None
) -> list[RubricResult] | None:
    """The adopted rubric's reading of each memo (None: show the bundle's)."""
    if rubric is None:
        return None
    return [read.result for read in read_memos(memos, as_of, rubric)[0]]


def _worth(
    missing: tuple[MissingElement, ...], shown: RubricResult
) -> tuple[MissingElement, ...]:
    """Missing elements with the rubric points the shown rubric gives them."""
    points = {m.key: float(m.points) for m in shown.missing}
    return tuple(
        dataclasses.replace(m, rubric_points=points.get(m.element, m.rubric_points))
        for m in missing
    )


def _checked_points(points: pd.DataFrame) -> pd.DataFrame:
    problems = [
        f"points.{c}: missing column; every point needs a {c}"
        for c in ("lead_id", "as_of")
        if c not in points
    ]
    if not problems:
        bad = points["lead_id"].isna().to_numpy()
        problems += [f"points[{i}].lead_id: missing; give the lead's id" for i in
                     np.flatnonzero(bad)[:10]]  # fmt: skip
        as_of = pd.to_datetime(points["as_of"], errors="coerce", format="mixed")
        bad = as_of.isna().to_numpy()
        problems += [
            f"points[{i}].as_of: {points['as_of'].iloc[i]!r} is not a timestamp; "
            "write e.g. 2026-11-03T10:00:00"
            for i in np.flatnonzero(bad)[:10]
        ]
    if problems:
        raise ScoringInputError(problems)
    out = points.reset_index(drop=True).copy()
    out["as_of"] = _naive_as_of(out["as_of"])
    return out


def _naive_as_of(values: pd.Series) -> pd.Series:
    """Naive Asia/Tokyo times, as the contract stores them."""
    as_of = pd.to_datetime(values, format="mixed")
    if isinstance(as_of.dtype, pd.DatetimeTZDtype):
        as_of = as_of.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    return as_of.reset_index(drop=True)


def _explain_flags(explain: bool | Sequence[bool], n: int) -> np.ndarray:
    if isinstance(explain, bool | np.bool_):
        return np.full(n, bool(explain))
    flags = np.asarray(list(explain), dtype=bool)
    if len(flags) != n:
        raise ScoringInputError(
            [f"explain: {len(flags)} flags for {n} points; give one per point"]
        )
    return flags


def _with_absent_extras(
    features: pd.DataFrame, bundle: Bundle
) -> tuple[pd.DataFrame, list[str]]:
    """Declared lead attributes the model uses but the data lacks, as missing.

    A model trained on an import with extra lead columns still scores a lead sent
    without them (an API client, another data directory): unknown, as LightGBM and
    the linear base treat a missing value, and said so in the warnings.
    """
    features = features.reset_index(drop=True)
    absent = _absent_extras(features.columns, bundle)
    if absent:
        filler = pd.DataFrame(np.nan, index=features.index, columns=absent)
        features = pd.concat([features, filler], axis=1)
    return features, absent


def _absent_extras(columns: Iterable[str], bundle: Bundle) -> list[str]:
    """The declared lead attributes the model uses that the features lack."""
    have = set(columns)
    return [
        c for c in bundle.feature_names if c.startswith(EXTRA_PREFIX) and c not in have
    ]
