"""Experiment tracking and the model registry: where `workflows/` imports MLflow.

Default store: an embedded sqlite database in the project directory (no server);
`READINESS_TRACKING_URI` (or `MLFLOW_TRACKING_URI`) overrides it, resolved by
`Settings.resolved_tracking_uri`. Each training
run logs parameters, the data fingerprint, the git commit, metrics, the report,
and the model as a pyfunc that restores categorical inputs itself (MLflow's
LightGBM flavour cannot; stack notes). The model is registered as
`lead-readiness`; the alias `champion` moves only to a version that beats the
current champion on the same test data, otherwise the version is `challenger`.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.features.build import TEXT_COLUMN
from readiness.model.bundle import MODEL_NAME, Bundle, BundleError, load_bundle
from readiness.model.train import TrainResult

EXPERIMENT: Final = "readiness"
EXAMPLE_CATEGORY: Final = "example"  # unseen by any model: scored as missing
_PIP: Final = [
    "lightgbm>=4.5,<4.9",
    "scikit-learn>=1.8,<1.11",
    "pandas>=3.0,<3.2",
    "numpy>=2.2,<2.6",
    "pyyaml>=6.0,<7",
    "pydantic>=2.10,<3",
]
# Models from code: the registry keeps this source, not a pickled Python object.
_PYFUNC_CODE: Final = """\
import mlflow

from readiness.workflows.tracking import pyfunc_model

mlflow.models.set_model(pyfunc_model())
"""

PACKAGE_DIR: Final = Path(__file__).resolve().parents[1]  # src/readiness
# The pyfunc's artifact holding the bundle directory (timing model included).
BUNDLE_ARTIFACT: Final = "bundle"

log = logging.getLogger(__name__)


class ReadinessPyfunc:
    """pyfunc wrapper: feature frame in, probability / points / grade out.

    It wraps the bundle directory itself (an artifact that runs no code when
    loaded, docs/artifact.md); MLflow keeps the few lines that build this class
    as source (models from code), so nothing in the registry is a pickle.
    Categorical features arrive as strings through the MLflow signature; the
    bundled estimator maps them back onto its training categories.
    """

    def load_context(self, context: Any) -> None:
        self.bundle: Bundle = load_bundle(Path(context.artifacts[BUNDLE_ARTIFACT]))

    def predict(
        self,
        context: Any,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        return self.bundle.predict(pd.DataFrame(model_input)).reset_index(drop=True)


def _pyfunc_class() -> type:
    import mlflow.pyfunc

    return type("ReadinessModel", (ReadinessPyfunc, mlflow.pyfunc.PythonModel), {})


def pyfunc_model() -> Any:
    """The pyfunc model object MLflow's models-from-code file sets."""
    return _pyfunc_class()()


@dataclass(frozen=True)
class Registration:
    run_id: str
    model_uri: str
    version: str
    alias: str
    reason: str
    tracking_uri: str


class _DropKnownNoise(logging.Filter):
    """MLflow warns about pickling any Python model object; ours is our own code."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "CloudPickle" not in record.getMessage()


def _quiet_mlflow() -> None:
    from mlflow.environment_variables import MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR

    if not MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.defined:
        MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.set("false")
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    pyfunc_log = logging.getLogger("mlflow.pyfunc")
    if not any(isinstance(f, _DropKnownNoise) for f in pyfunc_log.filters):
        pyfunc_log.addFilter(_DropKnownNoise())


def as_strings(features: pd.DataFrame) -> pd.DataFrame:
    out = features.copy()
    for c in out.columns:
        if isinstance(
            out[c].dtype, pd.CategoricalDtype
        ) or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].astype("string").astype(object).where(out[c].notna(), None)
    return out


def synthetic_example(features: pd.DataFrame, *, rows: int = 2) -> pd.DataFrame:
    """Rows shaped like `features` — same columns and dtypes — holding made-up,
    neutral values: an empty memo, the category "example", zeros.

    MLflow stores the input example (and a serving example built from it) in
    plain JSON beside the model; a real hand-off there would publish a memo, a
    company, a rep's name, a phone number or an e-mail to whoever can read the
    tracking store. Nothing here is read from a row of `features`.
    """
    out: dict[str, pd.Series] = {}
    for name in features.columns:
        dtype = features[name].dtype
        if name == TEXT_COLUMN:
            out[name] = pd.Series([""] * rows, dtype=dtype)
        elif isinstance(dtype, pd.CategoricalDtype):
            out[name] = pd.Series(pd.Categorical([EXAMPLE_CATEGORY] * rows))
        elif pd.api.types.is_bool_dtype(dtype):
            out[name] = pd.Series([False] * rows, dtype=dtype)
        elif pd.api.types.is_numeric_dtype(dtype):
            out[name] = pd.Series(np.zeros(rows), dtype=dtype)
        elif pd.api.types.is_string_dtype(dtype):
            out[name] = pd.Series([EXAMPLE_CATEGORY] * rows, dtype=dtype)
        else:  # dates or anything else: missing says nothing about anyone
            out[name] = pd.Series([None] * rows, dtype=dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(rows))


def _brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, dtype=float) - y) ** 2))


def log_training(
    result: TrainResult,
    bundle_dir: Path,
    *,
    test_features: pd.DataFrame,
    report_dir: Path | None,
    tracking_uri: str,
    data_fingerprint: str,
    commit: str | None,
    artifact_dir: Path,
    skipped: dict[str, str] | None = None,
) -> Registration:
    """Log a training run, register the model and move the aliases.

    `skipped` names the parts that could not be learned from this data (e.g.
    the timing model without an event log) and why; they become `skipped_*` tags.
    """
    import mlflow
    from mlflow.exceptions import MlflowException
    from mlflow.models import infer_signature
    from mlflow.tracking import MlflowClient

    _quiet_mlflow()

    mlflow.set_tracking_uri(tracking_uri)
    exp_id = _experiment_id(EXPERIMENT, artifact_dir)
    bundle = load_bundle(bundle_dir)
    metrics = result.evaluation.to_dict().get("metrics", {})
    synthetic = synthetic_example(test_features)
    example = as_strings(synthetic)
    output = bundle.predict(synthetic).reset_index(drop=True)
    with mlflow.start_run(experiment_id=exp_id) as run:
        mlflow.log_params(
            {
                **{f"cfg_{k}": v for k, v in result.config.model_dump().items()},
                "served": result.served,
                "predictor": result.predictor,
                "n_features": len(result.feature_names),
            }
        )
        mlflow.log_dict(result.candidates, "candidates.json")
        mlflow.set_tags(
            {
                "data_fingerprint": data_fingerprint,
                "git_commit": commit or "unknown",
                "served": result.served,
                "predictor": result.predictor,
                "reason": result.reason[:250],
                **{f"skipped_{k}": v[:250] for k, v in (skipped or {}).items()},
            }
        )
        flat = {
            f"{name}_{key}": float(value)
            for name, values in metrics.items()
            for key, value in values.items()
            if isinstance(value, int | float) and np.isfinite(value)
        }
        mlflow.log_metrics(flat)
        mlflow.log_metrics(
            {
                f"validation_{k}": v
                for k, v in result.validation.items()
                if np.isfinite(v)
            }
        )
        if report_dir is not None and Path(report_dir).exists():
            mlflow.log_artifacts(str(report_dir), artifact_path="report")
        with tempfile.TemporaryDirectory() as folder:
            code = Path(folder) / "readiness_pyfunc.py"
            code.write_text(_PYFUNC_CODE, encoding="utf-8")
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=str(code),
                artifacts={BUNDLE_ARTIFACT: str(bundle_dir)},
                signature=infer_signature(example, output),
                input_example=example,
                pip_requirements=_PIP,
                code_paths=[str(PACKAGE_DIR)],
            )
        run_id = run.info.run_id
    version = mlflow.register_model(info.model_uri, MODEL_NAME).version
    client = MlflowClient(tracking_uri=tracking_uri)
    alias, reason = _promote(
        client,
        str(version),
        result,
        test_features,
        mlflow=mlflow,
        error=MlflowException,
    )
    return Registration(
        run_id=run_id,
        model_uri=info.model_uri,
        version=str(version),
        alias=alias,
        reason=reason,
        tracking_uri=tracking_uri,
    )


def _promote(
    client: Any,
    version: str,
    result: TrainResult,
    test_features: pd.DataFrame,
    *,
    mlflow: Any,
    error: type[Exception],
) -> tuple[str, str]:
    y = result.test_frame["won"].to_numpy()
    new_brier = _brier(y, result.test_frame["p_model"].to_numpy())
    try:
        champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
    except error:
        champion = None
    if champion is None:
        client.set_registered_model_alias(MODEL_NAME, "champion", version)
        return "champion", "first registered version"
    try:
        old = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
        old_p = old.predict(as_strings(test_features))["probability"].to_numpy()
        old_brier = _brier(y, old_p)
    except Exception as exc:  # any failure means "not comparable"
        # MLflow's schema errors carry the whole frame: keep the last sentence.
        why = str(exc).strip().splitlines()[-1][-300:] if str(exc).strip() else ""
        log.warning(
            "champion v%s cannot score this test set (%s): %s",
            champion.version,
            type(exc).__name__,
            why,
        )
        client.set_registered_model_alias(MODEL_NAME, "challenger", version)
        return "challenger", (
            f"champion v{champion.version} could not be compared on this test data "
            f"({type(exc).__name__}); kept as champion, new version is challenger"
        )
    if new_brier < old_brier:
        client.set_registered_model_alias(MODEL_NAME, "champion", version)
        return "champion", (
            f"beats champion v{champion.version} on the same test data "
            f"(Brier {new_brier:.4f} < {old_brier:.4f})"
        )
    client.set_registered_model_alias(MODEL_NAME, "challenger", version)
    return "challenger", (
        f"does not beat champion v{champion.version} on the same test data "
        f"(Brier {new_brier:.4f} ≥ {old_brier:.4f})"
    )


@dataclass(frozen=True)
class Registered:
    """A registered model as loaded: its bundle and where its files are."""

    bundle: Bundle
    # The bundle directory inside the registered model (the timing model beside
    # it when training saved one); None when the model does not say.
    bundle_dir: Path | None


def load_registered(model_uri: str, *, tracking_uri: str | None) -> Registered:
    """The bundle inside a registered pyfunc, e.g. `models:/lead-readiness@champion`.

    Raises BundleError with what to do when the URI, store or model is unusable.
    """
    import mlflow.artifacts
    import mlflow.pyfunc

    _quiet_mlflow()
    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
    try:
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=model_uri))
        model = mlflow.pyfunc.load_model(str(local))
        bundle = model.unwrap_python_model().bundle
    except Exception as exc:  # MLflow raises many kinds; all mean "not loadable"
        raise BundleError(
            f"cannot load {model_uri} from the MLflow registry "
            f"({type(exc).__name__}: {exc}). Train and register one with "
            "`readiness train DATA_DIR`."
        ) from exc
    if not isinstance(bundle, Bundle):
        raise BundleError(f"{model_uri} does not wrap a readiness bundle")
    flavor = model.metadata.flavors.get("python_function") or {}
    artifact = (flavor.get("artifacts") or {}).get(BUNDLE_ARTIFACT) or {}
    path = artifact.get("path")
    return Registered(bundle=bundle, bundle_dir=local / path if path else None)


def log_recalibration(
    summary: dict[str, Any],
    out_dir: Path,
    *,
    tracking_uri: str,
    artifact_dir: Path,
    data_fingerprint: str,
) -> str:
    """Log a rubric recalibration (weights, cut-offs, held-out AUCs, the report
    and the recommended rubric.yaml) as a run of the `rubric-recalibration`
    experiment; returns the run id."""
    import mlflow

    _quiet_mlflow()
    mlflow.set_tracking_uri(tracking_uri)
    exp_id = _experiment_id("rubric-recalibration", artifact_dir)
    heldout = summary.get("heldout", {})
    metrics = {
        **{f"weight_{k}": float(v) for k, v in summary["weights"].items()},
        "band_high": float(summary["bands"]["high"]),
        "band_standard": float(summary["bands"]["standard"]),
        **{
            k: float(heldout[k])
            for k in ("auc_old", "auc_new", "auc_diff", "changed")
            if heldout.get(k) is not None
        },
    }
    with mlflow.start_run(experiment_id=exp_id) as run:
        mlflow.log_params(
            {
                "n_train": summary["n_train"],
                "n_test": summary["n_test"],
                "n_bootstrap": summary["n_bootstrap"],
                "bands": summary["cutoffs"]["chosen"],
            }
        )
        mlflow.set_tags({"data_fingerprint": data_fingerprint})
        mlflow.log_metrics(metrics)
        mlflow.log_artifacts(str(out_dir), artifact_path="recalibration")
        return str(run.info.run_id)


def _experiment_id(name: str, artifact_dir: Path) -> str:
    """The experiment's id, created with its artifacts under `artifact_dir` if new."""
    import mlflow

    exp = mlflow.get_experiment_by_name(name)
    if exp is not None:
        return str(exp.experiment_id)
    location = Path(artifact_dir).resolve().as_uri()
    return str(mlflow.create_experiment(name, artifact_location=location))
