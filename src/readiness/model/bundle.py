"""A self-describing model bundle: what scoring loads, with or without MLflow.

A bundle is an artifact directory (docs/artifact.md): `bundle.json` (format
version, package version, git commit, data fingerprint, features, calibration,
what is served and why, MLflow run id, metrics), `manifest.json` (every other
file's checksum, the features with their kinds and categories) and the fitted
objects as JSON, `.npy` arrays and LightGBM model text — no pickle, so loading
runs no code. One loader is kept per format version (`LOADERS`); the loader
refuses what it cannot read, with a message saying what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from readiness.data.contract import Dataset
from readiness.errors import ReadinessError
from readiness.model.artifact import (
    FORMAT_VERSION,
    ArtifactReader,
    ArtifactWriter,
    open_artifact,
    staged_directory,
)
from readiness.model.bundle_state import (
    feature_kinds,
    read_estimator,
    read_state,
    write_estimator,
    write_state,
)
from readiness.model.drift import feature_reference, open_lead_reference
from readiness.model.estimators import RubricModel, WinModel
from readiness.model.explain import edited_rows
from readiness.model.intervals import ProbabilityInterval
from readiness.model.scale import ScoreScale
from readiness.model.train import TrainResult
from readiness.rubric.config import Rubric, rubric_from_yaml, rubric_to_yaml
from readiness.stopwatch import stage
from readiness.version import __version__

# bundle.json's `schema_version` is the artifact format version (one number for
# every artifact; docs/artifact.md says how to raise it). Versions 1-2 were
# joblib pickles (`model.joblib`): never loaded again, they execute code.
SCHEMA_VERSION: Final = FORMAT_VERSION
META_FILE: Final = "bundle.json"
ARTIFACT_KIND: Final = "readiness.bundle"
SCALE_FILE: Final = "scale.json"
ESTIMATOR: Final = "estimator"  # the served estimator: estimator.json + files
RUBRIC_MODEL: Final = "rubric_model"  # the calibrated rubric, always kept
# the probability interval (optional: bundles without it score with no interval)
INTERVAL: Final = "interval"
MODEL_NAME: Final = "lead-readiness"
_RETRAIN: Final = "retrain with `readiness train DATA_DIR`"


class BundleError(ReadinessError):
    """A bundle that cannot be loaded; the message says why and what to do."""


@dataclass
class Bundle:
    """The served estimator, its score scale, its rubric, and meta."""

    meta: dict[str, Any]
    estimator: WinModel | RubricModel
    rubric_model: RubricModel
    scale: ScoreScale
    rubric: Rubric
    interval: ProbabilityInterval | None = None

    @property
    def served(self) -> str:
        return str(self.meta["served"])

    @property
    def predictor(self) -> str:
        """The served candidate: rubric, logistic, lightgbm or lightgbm_linear."""
        return str(self.meta.get("predictor", self.served))

    @property
    def feature_names(self) -> list[str]:
        return list(self.meta["features"])

    def predict(self, features: pd.DataFrame) -> pd.DataFrame:
        """Probability, 100-point equivalent and A-D grade per row of features."""
        return self.score(features).predictions

    def score(
        self,
        features: pd.DataFrame | Sequence[Mapping[str, Any]],
        *,
        contributions_for: Sequence[int] = (),
        counterfactuals: Sequence[tuple[int, Mapping[str, float]]] = (),
    ) -> Scored:
        """`predict` of the rows and of their counterfactuals, plus the model's
        contributions for the rows asked (by position).

        `features` is a frame of `build_features`, or rows as {column: value}
        (`readiness.features.single.point_row`: a single lead, no frame). A
        counterfactual is (row position, {feature: new value}); its prediction
        follows the rows' in `predictions`. The model matrix is built once, for the
        rows only — counterfactuals edit copies of their row's matrix row — which is
        most of a single lead's cost. Only a LightGBM-served bundle has
        contributions; otherwise they are None. `probability_low` and
        `probability_high` are the interval (NaN for a bundle without one).
        """
        estimator = self.estimator
        contributions = None
        frame = features if isinstance(features, pd.DataFrame) else None
        if isinstance(estimator, WinModel):
            with stage("design matrix"):
                design = (
                    estimator.design_matrix(frame)
                    if frame is not None
                    else estimator.design_rows(
                        cast(Sequence[Mapping[str, Any]], features)
                    )
                )
                if len(counterfactuals):
                    design = np.vstack(
                        [design, _edited(estimator, design, counterfactuals)]
                    )
            with stage("predict"):
                p = estimator.predict_design(design)
            if len(contributions_for):
                rows = np.asarray(contributions_for, dtype=np.int64)
                with stage("explanations"):
                    contributions = estimator.contributions_design(design[rows])
        elif frame is not None:
            table = frame
            if len(counterfactuals):
                table = pd.concat(
                    [frame, edited_rows(frame, counterfactuals)], ignore_index=True
                )
            with stage("predict"):
                p = np.asarray(estimator.predict_proba(table))[:, 1]
        else:
            given = cast(Sequence[Mapping[str, Any]], features)
            table = _rubric_rows(estimator, given, counterfactuals)
            with stage("predict"):
                p = np.asarray(estimator.predict_proba(table))[:, 1]
        low, high = self._interval(features, p, counterfactuals)
        predictions = pd.DataFrame(
            {
                "probability": p,
                "probability_low": low,
                "probability_high": high,
                "points": self.scale.to_points(p),
                "grade": self.scale.to_grade(p),
            },
            index=frame.index
            if frame is not None and not len(counterfactuals)
            else None,
        )
        return Scored(predictions, contributions)

    def _interval(
        self,
        features: pd.DataFrame | Sequence[Mapping[str, Any]],
        p: np.ndarray,
        counterfactuals: Sequence[tuple[int, Mapping[str, float]]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) per prediction; NaN without an interval in the bundle.
        A counterfactual is in its row's segment (edits never change it)."""
        interval = self.interval
        if interval is None:
            nan = np.full(len(p), np.nan)
            return nan, nan.copy()
        column = interval.segment
        if isinstance(features, pd.DataFrame):
            values = (
                features[column].tolist()
                if column in features
                else [None] * len(features)
            )
        else:
            values = [row.get(column) for row in features]
        values += [values[row] for row, _ in counterfactuals]
        return interval.predict(p, values)


def _rubric_rows(
    model: RubricModel,
    rows: Sequence[Mapping[str, Any]],
    counterfactuals: Sequence[tuple[int, Mapping[str, float]]],
) -> pd.DataFrame:
    """The rubric model's columns of the rows, then of their counterfactuals
    (edits pass through float32, as `edited_rows` stores them)."""
    columns = list(model.columns)
    values = [[row[c] for c in columns] for row in rows]
    for row, edit in counterfactuals:
        values.append(
            [float(np.float32(edit[c])) if c in edit else rows[row][c] for c in columns]
        )
    return pd.DataFrame(values, columns=columns, dtype=np.float64)


def _edited(
    model: WinModel,
    design: np.ndarray,
    counterfactuals: Sequence[tuple[int, Mapping[str, float]]],
) -> np.ndarray:
    """Copies of the rows' matrix rows with the counterfactual edits applied.

    Values pass through float32 first, as they would in a feature frame, so the
    result equals building the edited frames and their matrix.
    """
    index = {name: j for j, name in enumerate(model.matrix_.columns)}
    rows = design[[row for row, _ in counterfactuals]].copy()
    for i, (_, edit) in enumerate(counterfactuals):
        for name, value in edit.items():
            j = index.get(name)
            if j is not None and name not in model.matrix_.categories:
                rows[i, j] = float(np.float32(value))
    return rows


@dataclass(frozen=True)
class Scored:
    """`Bundle.score`'s answer: predictions per row, contributions where asked."""

    predictions: pd.DataFrame
    contributions: pd.DataFrame | None


def dataset_fingerprint(dataset: Dataset) -> str:
    """SHA-256 over the typed tables' contents: same data, same fingerprint."""
    digest = hashlib.sha256()
    for name, frame in dataset.tables().items():
        digest.update(name.encode())
        digest.update("\x1f".join(map(str, frame.columns)).encode())
        hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        digest.update(hashed.tobytes())
    return digest.hexdigest()[:16]


def git_commit(cwd: Path | None = None) -> str | None:
    """The commit of the working tree, or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cwd or Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def bundle_from_result(
    result: TrainResult,
    *,
    data_fingerprint: str,
    commit: str | None,
    run_id: str | None = None,
    dataset: Dataset | None = None,
) -> Bundle:
    """The bundle of a training run; with its `dataset`, the bundle also carries
    the open-lead drift reference (open leads during the test period)."""
    metrics = result.evaluation.to_dict().get("metrics", {})
    meta: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "model_name": MODEL_NAME,
        "package_version": __version__,
        "git_commit": commit,
        "data_fingerprint": data_fingerprint,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "served": result.served,
        "predictor": result.predictor,
        "reason": result.reason,
        "candidates": result.candidates,
        "calibration": (
            f"{result.config.calibration}, {result.config.calibration_scheme}"
            if result.served == "model"
            else "logistic on rubric total"
        ),
        "features": result.feature_names,
        "split": result.split,
        "validation": result.validation,
        "metrics": metrics,
        "config": result.config.model_dump(),
        "mlflow_run_id": run_id,
        "element_effects": result.extra.get("element_effects"),
        "adjusted_effects": result.extra.get("adjusted_effects"),
        # what batch scoring's drift check compares a backlog with (optional key:
        # bundles without it load and score, only without the drift check)
        "reference": feature_reference(result.test_features),
        # open leads are compared with historical open leads, not with toss-ups
        # (optional too: without it open leads fall back to "reference")
        "reference_open": None
        if dataset is None
        else open_lead_reference(
            dataset,
            start=pd.Timestamp(str(result.split.get("test_from") or "")),
            end=pd.Timestamp(str(result.split.get("test_until") or "")),
            rubric=result.rubric,
        ),
    }
    rubric_model = result.baselines["rubric_total"]
    return Bundle(
        meta,
        result.estimator,
        rubric_model,
        result.scale,
        result.rubric,
        interval=result.interval,
    )


def save_bundle(bundle: Bundle, out_dir: Path) -> Path:
    """Write atomically: a half-written bundle never replaces a good one."""
    writer = ArtifactWriter()
    write_estimator(writer, ESTIMATOR, bundle.estimator)
    write_estimator(writer, RUBRIC_MODEL, bundle.rubric_model)
    writer.json(SCALE_FILE, bundle.scale.to_dict())
    if bundle.interval is not None:
        write_state(writer, INTERVAL, bundle.interval, classes=(ProbabilityInterval,))
    meta = dict(
        bundle.meta,
        schema_version=SCHEMA_VERSION,
        rubric_yaml=rubric_to_yaml(bundle.rubric),
    )
    with staged_directory(Path(out_dir)) as tmp:
        writer.write(
            tmp,
            {"kind": ARTIFACT_KIND, "features": feature_kinds(bundle.estimator)},
        )
        text = json.dumps(meta, ensure_ascii=False, indent=2, default=str)
        (tmp / META_FILE).write_text(text + "\n", encoding="utf-8")
    return Path(out_dir)


def update_meta(path: Path, **fields: Any) -> dict[str, Any]:
    """Add fields (e.g. the MLflow run id) to a saved bundle's meta, atomically."""
    path = Path(path)
    meta = read_meta(path)
    meta.update(fields)
    tmp = path / f".{META_FILE}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, default=str) + "\n",
        encoding="utf-8",
    )
    os.replace(tmp, path / META_FILE)
    return meta


def read_meta(path: Path) -> dict[str, Any]:
    """The bundle's meta, checked for a schema this version can read."""
    path = Path(path)
    meta_path = path / META_FILE
    if not meta_path.exists():
        raise BundleError(
            f"{path} is not a model bundle (no {META_FILE}). Train one with "
            "`readiness train DATA_DIR`."
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BundleError(f"{meta_path} is unreadable: {exc}") from exc
    if not isinstance(meta, dict):
        raise BundleError(f"{meta_path} is not a JSON object; retrain the bundle")
    version = meta.get("schema_version")
    if isinstance(version, int) and version < min(LOADERS):
        raise BundleError(
            f"{path} is a bundle of format version {version} (a pickled "
            f"model.joblib, made by readiness {meta.get('package_version', '?')}). "
            "Pickles run code when loaded, so this readiness no longer reads them: "
            f"{_RETRAIN}."
        )
    if version not in LOADERS:
        raise BundleError(
            f"{path} has bundle schema version {version!r}; readiness {__version__} "
            f"reads version {', '.join(map(str, sorted(LOADERS)))}. Retrain with "
            "this version (`readiness train DATA_DIR`) or use the readiness version "
            f"that made it ({meta.get('package_version', 'unknown')})."
        )
    return meta


def load_bundle(path: Path) -> Bundle:
    """Read a bundle; refuses a missing, tampered or inconsistent file, saying why."""
    path = Path(path)
    meta = read_meta(path)
    reader = open_artifact(
        path, kind=ARTIFACT_KIND, versions=LOADERS, error=BundleError, fix=_RETRAIN
    )
    if reader.version != meta["schema_version"]:
        raise reader.refuse(
            f"{META_FILE} says format version {meta['schema_version']} but "
            f"manifest.json says {reader.version}"
        )
    return LOADERS[reader.version](reader, meta)


def _load_v3(reader: ArtifactReader, meta: dict[str, Any]) -> Bundle:
    path = reader.path
    estimator = read_estimator(reader, ESTIMATOR)
    rubric_model = read_estimator(reader, RUBRIC_MODEL)
    if not isinstance(rubric_model, RubricModel):
        raise reader.refuse(f"{RUBRIC_MODEL}.json does not hold the calibrated rubric")
    try:
        scale = ScoreScale.from_dict(reader.json(SCALE_FILE))
        rubric = rubric_from_yaml(meta["rubric_yaml"], source=f"{path}/{META_FILE}")
    except (KeyError, ValueError) as exc:
        raise reader.refuse(f"{type(exc).__name__}: {exc}") from exc
    interval = None
    if reader.has(f"{INTERVAL}.json"):
        interval = read_state(reader, INTERVAL, classes=(ProbabilityInterval,))
        if not isinstance(interval, ProbabilityInterval):
            raise reader.refuse(f"{INTERVAL}.json does not hold a probability interval")
    return Bundle(
        meta=meta,
        estimator=estimator,
        rubric_model=rubric_model,
        scale=scale,
        rubric=rubric,
        interval=interval,
    )


# One loader per format version this readiness reads (the skops way): raising
# FORMAT_VERSION adds a loader and keeps the old ones, each tested on a saved
# artifact of its version (tests/fixtures/artifacts/).
LOADERS: Final[dict[int, Callable[[ArtifactReader, dict[str, Any]], Bundle]]] = {
    3: _load_v3,
}
