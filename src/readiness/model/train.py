"""Training: a time split, the candidates and their baselines, cold start, evaluation.

Pure: a Dataset and a config in, a `TrainResult` out. The CLI writes the bundle
and `tracking` logs the run. Toss-ups are ordered by time; the latest
`test_fraction` are the test set, never seen in training or calibration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from readiness.data.contract import Dataset
from readiness.features.build import (
    build_features,
    labelled_points,
    rubric_item_names,
)
from readiness.model.config import CANDIDATES, Candidate, TrainConfig
from readiness.model.effects import estimate_element_effects, stored_effects
from readiness.model.estimators import (
    RUBRIC_ITEMS,
    RUBRIC_TOTAL,
    Prepared,
    RubricModel,
    WinModel,
)
from readiness.model.evaluate import Evaluation, evaluate
from readiness.model.explain import counterfactual_rows, element_effects, read_memos
from readiness.model.intervals import ProbabilityInterval, segment_values
from readiness.model.scale import ScoreScale
from readiness.model.selection import choose_served, served_reason, time_split
from readiness.rubric.config import Rubric, band_for, default_rubric

Served = Literal["model", "rubric"]

# Lighter nuisance learners than a recalibration's: training does it every time.
_ADJUSTED_LEARNERS: dict[str, Any] = {"n_estimators": 100, "learning_rate": 0.08}


def prediction_frame(
    points: pd.DataFrame,
    features: pd.DataFrame,
    *,
    rubric: Rubric,
    predictors: dict[str, Any],
    interval: ProbabilityInterval | None = None,
) -> pd.DataFrame:
    """One row per toss-up: id, time, outcome, rubric total and band, p_<name> each;
    with the served model's `interval`, p_model_low, p_model_high and segment.

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
    if interval is not None and "p_model" in frame:
        segments = (
            features[interval.segment].to_numpy()
            if interval.segment in features
            else np.full(len(frame), None)
        )
        low, high = interval.predict(frame["p_model"].to_numpy(), segments)
        frame["p_model_low"], frame["p_model_high"] = low, high
        frame["segment"] = segment_values(segments)
    return frame


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
    # the served probability's interval (None: too few outcomes to fit one)
    interval: ProbabilityInterval | None = None

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.estimator.predict_proba(features))[:, 1]


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
    reason = served_reason(predictor, table, notes)

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
    if config.adjusted_effects:
        extra["adjusted_effects"] = _adjusted_effects(x_train, y_train, config, say)
    say("fitting the probability interval on out-of-fold scores")
    p_oof = out_of_fold_probability(estimator, x_train, y_train, config=config)
    interval = fit_interval(p_oof, y_train, x_train, config=config)
    if interval is not None and p_oof is not None:
        # what the interval was fitted on (benchmarks fit other intervals on it)
        extra["interval_calibration"] = pd.DataFrame(
            {
                "lead_id": points["lead_id"].iloc[:cut].to_numpy(),
                "p": p_oof,
                "won": y_train,
                "segment": x_train[interval.segment].to_numpy(),
            }
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
        points.iloc[cut:],
        x_test,
        rubric=rubric,
        predictors=predictors,
        interval=interval,
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
        interval=interval,
    )


def out_of_fold_probability(
    estimator: WinModel | RubricModel,
    features: pd.DataFrame,
    won: np.ndarray,
    *,
    config: TrainConfig,
) -> np.ndarray | None:
    """The served estimator's probability of each training toss-up from a model
    that did not see it: the crossfit calibration's folds (same seed, shuffled,
    stratified), each fold's log-odds through the served calibration map.

    None when there are too few of the rarer class for two folds.
    """
    minority = int(min(won.sum(), len(won) - won.sum()))
    folds = min(config.calibration_folds, minority)
    if folds < 2:
        return None
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    if isinstance(estimator, RubricModel):
        return np.asarray(
            cross_val_predict(
                clone(estimator), features, won, cv=cv, method="predict_proba"
            )
        )[:, 1]
    design = estimator.design_matrix(features)
    raw = cross_val_predict(
        clone(estimator.scorer_), design, won, cv=cv, method="decision_function"
    )
    return np.asarray(estimator.calibrator_.predict(raw), dtype=np.float64)


def fit_interval(
    p: np.ndarray | None,
    won: np.ndarray,
    features: pd.DataFrame,
    *,
    config: TrainConfig,
) -> ProbabilityInterval | None:
    """The probability interval (`readiness.model.intervals`), fitted on the
    training toss-ups' out-of-fold probabilities `p`: never on rows it is judged
    on. None without them or without the segment column."""
    if p is None or config.interval_segment not in features.columns:
        return None
    return ProbabilityInterval(segment=config.interval_segment).fit(
        p, won, features[config.interval_segment].to_numpy()
    )


def _adjusted_effects(
    features: pd.DataFrame,
    won: np.ndarray,
    config: TrainConfig,
    say: Callable[[str], object],
) -> dict[str, Any]:
    """Each element's adjusted effect on winning over the training toss-ups
    (`readiness.model.effects`), as the bundle keeps it; or why there is none."""
    n = len(won)
    if n < config.adjusted_min_toss_ups:
        return {
            "skipped": f"{n:,} training toss-ups: adjusted element effects need at "
            f"least {config.adjusted_min_toss_ups:,} (adjusted_min_toss_ups)"
        }
    say(f"estimating each element's effect adjusted for behaviour on {n:,} toss-ups")
    effects = estimate_element_effects(
        features,
        won,
        n_folds=config.adjusted_folds,
        seed=config.seed,
        learner_params=_ADJUSTED_LEARNERS,
    )
    return stored_effects(effects, won, min_rv=config.effect_min_rv)


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
