"""Training: a time split, the model and its baselines, cold start, evaluation.

Pure: a Dataset and a config in, a `TrainResult` out. The CLI writes the bundle
and `tracking` logs the run. Toss-ups are ordered by time; the latest
`test_fraction` are the test set, never seen in training or calibration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sklearn.metrics import roc_auc_score

from readiness.data.contract import Dataset
from readiness.errors import ReadinessError
from readiness.features.build import (
    build_features,
    labelled_points,
    rubric_item_names,
)
from readiness.model.estimators import (
    RUBRIC_ITEMS,
    RUBRIC_TOTAL,
    Prepared,
    RubricModel,
    WinModel,
)
from readiness.model.evaluate import Evaluation, evaluate
from readiness.model.explain import counterfactual_rows, element_effects, read_memos
from readiness.model.scale import ScoreScale
from readiness.rubric.config import Rubric, band_for, default_rubric

Served = Literal["model", "rubric"]


class ConfigError(ReadinessError, ValueError):
    """A training config that cannot be used; the message says how to fix it."""


Candidate = Literal["rubric", "logistic", "lightgbm", "lightgbm_linear"]
# Simplest first: a candidate is served over a simpler one only when it is clearly
# better on the validation slice (`choose_served`).
CANDIDATES: tuple[Candidate, ...] = (
    "rubric",
    "logistic",
    "lightgbm",
    "lightgbm_linear",
)
# Keys of earlier versions, and what replaced them.
_REMOVED_KEYS = {
    "base": "LightGBM with and without the linear base are both candidates now "
    "(`candidates:`)",
    "refit": "the served model is always fitted on every training row "
    "(`calibration_scheme: crossfit`)",
    "min_auc_gain": "the served predictor is chosen by validation log-loss "
    "(`min_logloss_gain`, `tie_z`)",
}


class TrainConfig(BaseModel):
    """Domain parameters of training; defaults are what the benchmarks measured."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test_fraction: float = Field(0.2, gt=0, lt=0.5)
    # The latest share of the training toss-ups on which candidates are compared.
    validation_fraction: float = Field(0.2, gt=0, lt=0.5)
    calibration: Literal["isotonic", "sigmoid"] = "sigmoid"
    # "crossfit": the calibration map is fitted on out-of-fold scores of the whole
    # training period and the model on every row; "holdout": fitted on the earlier
    # rows, calibrated on the latest `calibration_fraction` (the first version).
    calibration_scheme: Literal["crossfit", "holdout"] = "crossfit"
    calibration_folds: int = Field(3, ge=2, le=10)
    calibration_fraction: float = Field(0.2, gt=0, lt=0.5)
    # What may be served, simplest first. The calibrated rubric is always fitted
    # and reported: it is what a cold start serves and the fallback when no
    # candidate is better than the base rate.
    candidates: tuple[Candidate, ...] = CANDIDATES
    # Tie rule: a more complex candidate replaces a simpler one only when its
    # validation log-loss is lower by more than max(min_logloss_gain, tie_z ×
    # the paired standard error of the per-toss-up difference).
    min_logloss_gain: float = Field(0.001, ge=0)
    tie_z: float = Field(1.0, ge=0)
    # Cold start: below these the trees are not fitted (the logistic regression
    # needs `min_toss_ups_logistic` / `min_wins_logistic`).
    min_toss_ups: int = Field(1000, ge=20)
    min_wins: int = Field(150, ge=5)
    min_toss_ups_logistic: int = Field(300, ge=20)
    min_wins_logistic: int = Field(40, ge=5)
    n_estimators: int = Field(400, ge=10)
    learning_rate: float = Field(0.03, gt=0, le=1)
    num_leaves: int = Field(7, ge=2)
    max_depth: int = Field(4, ge=1, le=15)
    min_child_samples: int = Field(100, ge=1)
    text_components: int = Field(16, ge=0, le=128)
    base_C: float = Field(0.3, gt=0)
    n_jobs: int = Field(1, ge=1)
    seed: int = 0
    # Missing-element gains: weight of a lead's own counterfactual against the
    # model's average effect of the element (from the validation slice).
    explain_own_weight: float = Field(0.25, ge=0, le=1)
    explain_max_rows: int = Field(5_000, ge=0)
    grade_cutoffs: dict[str, float] = Field(
        default_factory=lambda: {"A": 80.0, "B": 60.0, "C": 40.0}
    )

    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            old = [k for k in _REMOVED_KEYS if k in data]
            if old:
                raise ValueError(
                    "; ".join(
                        f"{k!r} is no longer a setting: {_REMOVED_KEYS[k]}" for k in old
                    )
                    + ". Remove it from the config."
                )
        return data

    def win_model(self, kind: Candidate = "lightgbm") -> WinModel:
        """An unfitted WinModel of one candidate kind with this config's parameters."""
        if kind == "rubric":
            raise ValueError("the calibrated rubric is a RubricModel, not a WinModel")
        return WinModel(
            trees=kind != "logistic",
            base="none" if kind == "lightgbm" else "logistic",
            base_C=self.base_C,
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            max_depth=self.max_depth,
            min_child_samples=self.min_child_samples,
            text_components=self.text_components,
            calibration=self.calibration,
            calibration_scheme=self.calibration_scheme,
            calibration_folds=self.calibration_folds,
            calibration_fraction=self.calibration_fraction,
            refit=True,  # holdout: once calibrated, fitted on every row
            n_jobs=self.n_jobs,
            random_state=self.seed,
        )


def prediction_frame(
    points: pd.DataFrame,
    features: pd.DataFrame,
    *,
    rubric: Rubric,
    predictors: dict[str, Any],
) -> pd.DataFrame:
    """One row per toss-up: id, time, outcome, rubric total and band, p_<name> each.

    The frame `readiness.model.evaluate.evaluate` reads; training and `readiness
    evaluate` build it the same way.
    """
    frame = pd.DataFrame(
        {
            "lead_id": points["lead_id"].to_numpy(),
            "tossed_up_at": points["as_of"].to_numpy(),
            "won": points["won"].to_numpy().astype(int),
            "rubric_total": features[RUBRIC_TOTAL].to_numpy(dtype=np.float64),
        }
    )
    frame["band"] = [band_for(t, rubric) for t in frame["rubric_total"]]
    for name, predictor in predictors.items():
        frame[f"p_{name}"] = np.asarray(predictor.predict_proba(features))[:, 1]
    return frame


def load_train_config(path: Path | None = None) -> TrainConfig:
    """Defaults, or a YAML file of overrides (unknown keys are errors)."""
    if path is None:
        return TrainConfig()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return TrainConfig(**data)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read training config {path}: {exc}") from exc
    except (ValidationError, TypeError) as exc:
        raise ConfigError(f"training config {path} is invalid: {exc}") from exc


@dataclass
class TrainResult:
    """Everything a training run produced; `served` is what scoring will use.

    `served` is "model" (a WinModel) or "rubric" (the calibrated rubric);
    `predictor` names the candidate (rubric, logistic, lightgbm, lightgbm_linear)
    and `candidates` holds every candidate's validation figures and verdict.
    """

    served: Served
    reason: str
    estimator: WinModel | RubricModel
    baselines: dict[str, Any]
    scale: ScoreScale
    feature_names: list[str]
    test_frame: pd.DataFrame
    test_features: pd.DataFrame
    evaluation: Evaluation
    split: dict[str, Any]
    validation: dict[str, float]
    config: TrainConfig
    rubric: Rubric
    extra: dict[str, Any] = field(default_factory=dict)
    predictor: Candidate = "rubric"
    candidates: dict[str, dict[str, Any]] = field(default_factory=dict)

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.estimator.predict_proba(features))[:, 1]


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else float("nan")


def time_split(n: int, test_fraction: float) -> int:
    """Index of the first test row when rows are in time order."""
    return max(1, min(n - 1, round(n * (1 - test_fraction))))


_EPS = 1e-6


def _row_log_loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _figures(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    auc = _auc(y, p)
    return {
        "log_loss": float(_row_log_loss(y, p).mean()),
        "brier": float(np.mean((p - y) ** 2)),
        "roc_auc": auc if np.isfinite(auc) else None,  # None: JSON, one class
        "mean_p": float(np.mean(p)),
    }


def choose_served(
    y: np.ndarray,
    probabilities: dict[str, np.ndarray],
    *,
    constant: float,
    min_logloss_gain: float,
    tie_z: float,
    allowed: set[str] | None = None,
) -> tuple[str, dict[str, dict[str, Any]]]:
    """The candidate to serve, and every candidate's validation verdict.

    `probabilities` are the candidates' calibrated validation probabilities,
    simplest first. A candidate whose Brier is worse than predicting `constant`
    (the base rate of the rows it was fitted on) is not eligible; the calibrated
    rubric (the first) is served when nothing is. Only names in `allowed` (all
    when None) are candidates; the others are reported as references. Walking
    from simple to
    complex, a candidate replaces the current choice only when its log-loss is
    lower by more than max(`min_logloss_gain`, `tie_z` × the paired standard
    error of the per-toss-up difference): level candidates leave the simpler one
    served.
    """
    y = np.asarray(y).astype(int)
    const_p = np.full(len(y), constant)
    const = _figures(y, const_p)
    table: dict[str, dict[str, Any]] = {}
    losses: dict[str, np.ndarray] = {}
    for name, p in probabilities.items():
        figures = _figures(y, p)
        losses[name] = _row_log_loss(y, p)
        eligible = figures["brier"] <= const["brier"]
        table[name] = {
            **figures,
            "eligible": bool(eligible),
            "verdict": "eligible"
            if eligible
            else f"Brier {figures['brier']:.4f} is worse than the base-rate constant's "
            f"{const['brier']:.4f}: never served",
        }
    names = [n for n in probabilities if allowed is None or n in allowed]
    for name in probabilities:
        if name not in names:
            table[name]["verdict"] = "reference (not a candidate in this config)"
    eligible = [n for n in names if table[n]["eligible"]]
    fallback = next(iter(probabilities))
    if not eligible:
        table[fallback]["verdict"] = "served (fallback)"
        table["constant"] = {**const, "eligible": False, "verdict": "reference"}
        return fallback, table
    chosen = eligible[0]
    for name in eligible[1:]:
        diff = losses[chosen] - losses[name]  # > 0: the candidate is better
        gain = float(diff.mean())
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        margin = max(min_logloss_gain, tie_z * se)
        table[name]["gain_over"] = {"than": chosen, "log_loss": gain, "margin": margin}
        if gain > margin:
            table[chosen]["verdict"] = f"{name} is better by {gain:.4f} > {margin:.4f}"
            chosen = name
        else:
            table[name]["verdict"] = (
                f"not better than {chosen} by more than the noise "
                f"({gain:+.4f} log-loss, margin {margin:.4f}): the simpler one is kept"
            )
    table[chosen]["verdict"] = "served"
    table["constant"] = {**const, "eligible": False, "verdict": "reference"}
    return chosen, table


def train(
    dataset: Dataset,
    *,
    config: TrainConfig | None = None,
    rubric: Rubric | None = None,
    truth: pd.DataFrame | None = None,
    progress: Callable[[str], object] | None = None,
) -> TrainResult:
    """Train the candidates, choose what to serve, compare on the latest toss-ups.

    Toss-ups in time order: the latest `test_fraction` are the test set; of the
    rest, the latest `validation_fraction` decide what is served (each candidate
    fitted on the earlier training rows), then every candidate is fitted again on
    the whole training period and all are reported on the test set. `truth`
    (lead_id, p_true) is only for synthetic worlds: the oracle is then reported
    beside them.
    """
    config = config or TrainConfig()
    rubric = rubric or default_rubric()
    say = progress or (lambda _msg: None)
    points = labelled_points(dataset)
    n = len(points)
    wins = int(points["won"].sum()) if n else 0
    if n < 20 or wins < 5 or wins == n:
        raise ValueError(
            f"{n} closed toss-ups with {wins} wins: too few to train or even to "
            "calibrate the rubric (need ≥ 20 toss-ups, ≥ 5 won and ≥ 1 lost). "
            "Add outcomes to the data directory."
        )
    say(f"building features for {n:,} closed toss-ups")
    X = build_features(dataset, points, rubric=rubric)
    y = points["won"].to_numpy().astype(int)
    cut = time_split(n, config.test_fraction)
    x_train, x_test = X.iloc[:cut], X.iloc[cut:]
    y_train, y_test = y[:cut], y[cut:]
    vcut = time_split(cut, config.validation_fraction)
    x_fit, x_val = x_train.iloc[:vcut], x_train.iloc[vcut:]
    y_fit, y_val = y_train[:vcut], y_train[vcut:]
    train_wins = int(y_train.sum())

    kinds: list[Candidate] = [k for k in CANDIDATES if k in config.candidates]
    notes: dict[str, str] = {}
    for kind in CANDIDATES:
        trees = kind != "logistic"
        need_n = config.min_toss_ups if trees else config.min_toss_ups_logistic
        need_w = config.min_wins if trees else config.min_wins_logistic
        if kind != "rubric" and (cut < need_n or train_wins < need_w):
            notes[kind] = (
                f"cold start: {cut:,} training toss-ups with {train_wins:,} wins "
                f"(needs ≥ {need_n:,} and ≥ {need_w:,})"
            )
    if len(np.unique(y_val)) < 2 or len(np.unique(y_fit)) < 2:
        for kind in CANDIDATES:
            if kind != "rubric":
                notes.setdefault(
                    kind, "the validation slice or the rows before it hold one class"
                )

    say(f"comparing candidates on the latest {len(y_val):,} training toss-ups")
    p_val: dict[str, np.ndarray] = {
        "rubric": RubricModel().fit(x_fit, y_fit).predict_proba(x_val)[:, 1]
    }
    learned = [k for k in kinds if k != "rubric" and k not in notes]
    if learned:
        prepared = Prepared(x_fit, text_components=config.text_components)
        design_val = prepared.design_matrix(x_val)
    selection: dict[str, WinModel] = {}  # fitted before the validation slice
    for kind in learned:
        say(f"fitting {kind} on {len(y_fit):,} toss-ups (validation)")
        try:
            fitted = config.win_model(kind).fit(x_fit, y_fit, prepared=prepared)
        except ValueError as exc:
            notes[kind] = f"could not be fitted: {exc}"
            continue
        p_val[kind] = fitted.predict_design(design_val)
        selection[kind] = fitted
    chosen, table = choose_served(
        y_val,
        p_val,
        constant=float(y_fit.mean()),
        min_logloss_gain=config.min_logloss_gain,
        tie_z=config.tie_z,
        allowed=set(kinds),
    )
    for name, note in notes.items():
        if name in kinds:
            table[name] = {"eligible": False, "verdict": note}
    predictor = cast(Candidate, chosen)

    # Every candidate that could be fitted, fitted again on the whole training
    # period: the served one and the others, reported side by side on the test set.
    rubric_model = RubricModel().fit(x_train, y_train)
    items_model = RubricModel(columns=RUBRIC_ITEMS).fit(x_train, y_train)
    finals: dict[str, WinModel] = {}
    # The candidates that could be compared, and always a plain logistic
    # regression and a plain LightGBM: every figure stands beside both.
    # (LightGBM on the linear base only when served: it is no plain baseline.)
    refits = [
        k
        for k in CANDIDATES
        if (k in ("logistic", "lightgbm") and k not in notes) or k == predictor
    ]
    refits = [k for k in refits if k != "rubric"]
    for kind in refits:
        table.setdefault(
            kind, {"eligible": False, "verdict": "baseline (not a candidate)"}
        )
    if refits:
        prepared = Prepared(x_train, text_components=config.text_components)
    for kind in refits:
        say(f"fitting {kind} on {cut:,} toss-ups")
        try:
            finals[kind] = config.win_model(kind).fit(
                x_train, y_train, prepared=prepared
            )
        except ValueError as exc:
            table[kind]["verdict"] = f"could not be refitted: {exc}"
            if predictor == kind:
                predictor = "rubric"
    served: Served = "rubric" if predictor == "rubric" else "model"
    estimator: WinModel | RubricModel = (
        rubric_model if predictor == "rubric" else finals[predictor]
    )
    reason = _reason(predictor, table, notes)

    extra: dict[str, Any] = {"predictor": predictor, "candidates": table}
    if isinstance(estimator, WinModel):
        say("estimating the average effect of each hand-off element")
        # Measured with the candidate as fitted before the validation slice, on
        # that slice: rows the model did not learn from (in-sample averages ranked
        # the missing elements worse on the synthetic world: 0.76 vs 0.87).
        extra["element_effects"] = _element_effects(
            selection.get(predictor, estimator),
            points.iloc[:cut],
            x_train,
            rubric=rubric,
            config=config,
        )
    p_train = np.asarray(estimator.predict_proba(x_train))[:, 1]
    scale = ScoreScale(grade_cutoffs=config.grade_cutoffs).fit(
        p_train, x_train[RUBRIC_TOTAL].to_numpy(dtype=float)
    )

    predictors: dict[str, Any] = {
        "model": estimator,
        "rubric_total": rubric_model,
        "rubric_items": items_model,
        **finals,
    }
    test = prediction_frame(
        points.iloc[cut:], x_test, rubric=rubric, predictors=predictors
    )
    predictions = {name: f"p_{name}" for name in predictors}
    if truth is not None:
        test = test.merge(truth[["lead_id", "p_true"]], on="lead_id", how="left")
        predictions["oracle"] = "p_true"
    evaluation = evaluate(test, predictions=predictions, primary="model")
    distinct = int(points["as_of"].nunique())
    split = {
        # What orders the split: toss-up times, or — when they are all one moment
        # (an export date stamped on every row) — the lead ids, which is no time.
        "basis": "time"
        if distinct > 1
        else "lead_id order: every toss-up has the same time, so the split is "
        "not by time; map a real date or `time: {order: COLUMN}` when importing",
        "toss_ups": n,
        "train_toss_ups": cut,
        "validation_toss_ups": cut - vcut,
        "test_toss_ups": n - cut,
        "train_wins": train_wins,
        "test_wins": int(y_test.sum()),
        "train_from": str(points["as_of"].iloc[0]),
        "train_until": str(points["as_of"].iloc[cut - 1]),
        "test_from": str(points["as_of"].iloc[cut]),
        "test_until": str(points["as_of"].iloc[n - 1]),
    }
    validation = {
        f"{stat}_{name}": float(row[stat])
        for name, row in table.items()
        for stat in ("log_loss", "brier", "roc_auc")
        if isinstance(row.get(stat), float) and np.isfinite(row[stat])
    }
    validation["toss_ups"] = float(cut - vcut)
    return TrainResult(
        served=served,
        reason=reason,
        estimator=estimator,
        baselines={"rubric_total": rubric_model, "rubric_items": items_model, **finals},
        scale=scale,
        feature_names=list(X.columns),
        test_frame=test,
        test_features=x_test,
        evaluation=evaluation,
        split=split,
        validation=validation,
        config=config,
        rubric=rubric,
        extra=extra,
        predictor=predictor,
        candidates=table,
    )


def _reason(
    predictor: str, table: dict[str, dict[str, Any]], notes: dict[str, str]
) -> str:
    """One sentence: what is served and why, from the validation verdicts."""
    row = table[predictor]
    figures = (
        f"validation log-loss {row['log_loss']:.4f}, Brier {row['brier']:.4f}"
        if "log_loss" in row
        else ""
    )
    if predictor != "rubric":
        return (
            f"{predictor}: the best candidate on the validation slice, simplest "
            f"within the noise ({figures})"
        )
    compared = [k for k, r in table.items() if "log_loss" in r]
    if notes and not set(compared) - {"rubric", "constant"}:
        return f"calibrated rubric: {next(iter(notes.values()))} ({figures})"
    if not row.get("eligible", True) or row.get("verdict") == "served (fallback)":
        return (
            "calibrated rubric (fallback): no candidate beat the base-rate constant "
            f"on validation ({figures})"
        )
    return (
        "calibrated rubric: no model candidate beat it by more than the noise on "
        f"the validation slice ({figures})"
    )


def _element_effects(
    model: WinModel,
    points: pd.DataFrame,
    features: pd.DataFrame,
    *,
    rubric: Rubric,
    config: TrainConfig,
) -> dict[str, Any]:
    """The model's average effect of collecting each element, per status.

    Measured on the validation slice (the latest training toss-ups), at most
    `explain_max_rows` of them; scoring blends it with
    each lead's own counterfactual (`readiness.model.explain.rank_missing`).
    """
    validation = len(points) - time_split(len(points), config.validation_fraction)
    rows = min(validation, config.explain_max_rows)
    if rows == 0:
        return {"own_weight": 1.0, "elements": {}, "toss_ups": 0}
    pts = points.iloc[-rows:].reset_index(drop=True)
    feats = features.iloc[-rows:].reset_index(drop=True)
    memos = pts["memo"].tolist() if "memo" in pts else [None] * rows
    as_of = pd.Series(pd.to_datetime(pts["as_of"]))
    reads, _ = read_memos(memos, as_of, rubric)
    cf, plan = counterfactual_rows(
        feats, reads, range(rows), rubric=rubric, item_names=rubric_item_names(rubric)
    )
    if not plan:
        return {"own_weight": 1.0, "elements": {}, "toss_ups": rows}
    p = model.predict_design(model.design_matrix(pd.concat([feats, cf])))
    return {
        "own_weight": config.explain_own_weight,
        "elements": element_effects(plan, p[:rows], p[rows:]),
        "toss_ups": rows,
    }
