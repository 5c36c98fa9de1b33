"""The training config: the candidates and every parameter, validated on load."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from readiness.errors import ReadinessError
from readiness.model.estimators import WinModel


class ConfigError(ReadinessError, ValueError):
    """A training config that cannot be used; the message says how to fix it."""


Candidate = Literal["rubric", "logistic", "lightgbm", "lightgbm_linear"]
ExplainMethod = Literal["points", "adjusted", "blend"]
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
    # The probability interval's segments (Mondrian Venn-ABERS categories,
    # readiness.model.intervals): a feature column of the lead.
    interval_segment: str = "industry"
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
    # How missing elements are ranked and what their gain is (docs/explanations.md):
    # "points": elements whose adjusted effect is robust first (by that effect),
    #   then the rubric's points, then the model's gain (shown as the gain);
    # "adjusted": gain = the element's adjusted effect on this lead, ranked by it;
    # "blend": the model's counterfactual blended with its average (before 0.4).
    explain_method: ExplainMethod = "points"
    # Adjusted element effects (double ML, readiness.model.effects) estimated on
    # the training toss-ups when there are at least `adjusted_min_toss_ups`.
    adjusted_effects: bool = True
    adjusted_min_toss_ups: int = Field(1000, ge=50)
    adjusted_folds: int = Field(3, ge=2, le=10)
    # An adjusted effect is robust when its 95 % interval excludes zero and a
    # hidden cause would need at least this partial R² (with filling and with
    # winning) to erase it (DoubleML's robustness value).
    effect_min_rv: float = Field(0.10, ge=0, le=1)
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
