"""Training, end to end: data → model → bundle → report → timing model → MLflow.

`run_training` is what `readiness train` does, callable from notebooks and
benchmarks. A part that cannot be learned from the data (element effects without
memos, the timing model without an event log) is skipped and named, never fatal:
the bundle is saved first and stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from readiness.data.contract import Dataset
from readiness.model.bundle import (
    bundle_from_result,
    dataset_fingerprint,
    git_commit,
    save_bundle,
    update_meta,
)
from readiness.model.config import TrainConfig, load_train_config
from readiness.model.train import TrainResult, train
from readiness.reports.evaluation import write_report
from readiness.rubric.config import Rubric, load_rubric
from readiness.scoring.timing_model import TimingError, TimingModel
from readiness.scoring.timing_store import save_timing
from readiness.settings import Settings, get_settings
from readiness.workflows.data import (
    Progress,
    import_time_order,
    input_errors,
    load_data,
    simulated_truth,
)
from readiness.workflows.memo_cache import data_memo_cache
from readiness.workflows.tracking import Registration, log_training


@dataclass(frozen=True)
class TrainingRun:
    """What a training run made and where it is."""

    result: TrainResult
    bundle_dir: Path
    report_paths: dict[str, Path]
    data_fingerprint: str
    commit: str | None
    # Parts that could not be learned from this data, and why.
    skipped: dict[str, str]
    timing_path: Path | None
    registration: Registration | None  # None: not logged to MLflow
    tracking_uri: str | None
    # One-line notes for the user (the split basis, a constant export time, ...).
    warnings: list[str] = field(default_factory=list)

    @property
    def report_path(self) -> Path:
        """The HTML report."""
        return self.report_paths["html"]

    @property
    def run_id(self) -> str | None:
        return None if self.registration is None else self.registration.run_id


def run_training(
    data_dir: Path,
    *,
    model_dir: Path | None = None,
    config: TrainConfig | Path | None = None,
    rubric: Rubric | Path | None = None,
    tracking: bool = True,
    tracking_uri: str | None = None,
    timing: bool = True,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> TrainingRun:
    """Train on DATA_DIR, save the bundle and its report, learn the timing model
    beside it and (with `tracking`) log, register and promote it in MLflow.

    `config` and `rubric` are objects or YAML paths (None: the defaults);
    `model_dir` defaults to the settings' model directory; `timing=False` leaves
    the timing model out (a benchmark that only needs the bundle); `progress`
    receives one line per step.
    """
    settings = settings or get_settings()
    model_dir = model_dir or settings.model_dir
    say = progress or (lambda _msg: None)
    if not isinstance(config, TrainConfig):
        config = load_train_config(config)
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    dataset = load_data(data_dir)
    with input_errors(), data_memo_cache(data_dir, settings, say):
        result = train(
            dataset,
            config=config,
            rubric=rubric,
            truth=simulated_truth(data_dir),
            progress=say,
        )
    fingerprint = dataset_fingerprint(dataset)
    commit = git_commit()
    bundle = bundle_from_result(
        result, data_fingerprint=fingerprint, commit=commit, dataset=dataset
    )
    save_bundle(bundle, model_dir)
    report_dir = model_dir / "report"
    meta = {
        "data": str(data_dir),
        "data fingerprint": fingerprint,
        "git commit": commit or "unknown",
        "served": f"{result.predictor} — {result.reason}",
    }
    warnings = []
    time_order = import_time_order(data_dir)
    if time_order and time_order.get("kind") == "constant":
        warnings.append(
            f"warning: {time_order.get('note') or 'one time for every row'}"
        )
    paths = write_report(
        result.evaluation,
        report_dir,
        title="readiness — model vs rubric",
        meta=meta,
        split={**result.split, "time_order": time_order},
        candidates=result.candidates,
    )
    if result.split.get("basis", "time") != "time":
        warnings.append(f"warning: split by {result.split['basis']}")
    skipped: dict[str, str] = {}
    effects = result.extra.get("element_effects")
    if result.served == "model" and not (effects or {}).get("elements"):
        skipped["element_effects"] = (
            "no hand-off memos with elements to collect: missing-element gains "
            "come from each lead's own counterfactual only"
        )
    with data_memo_cache(data_dir, settings, say):
        timing_path, timing_skip = (
            fit_timing(dataset, model_dir, n_jobs=settings.n_jobs, progress=say)
            if timing
            else (None, None)
        )
    if timing_skip is not None:
        skipped["timing"] = timing_skip
        warnings.append(
            f"skipped timing model: {timing_skip}; POST /v1/timing answers 503 "
            "until `readiness timing DATA_DIR` can learn one"
        )
    update_meta(model_dir, skipped=skipped)
    registration = None
    uri = None
    if tracking:
        uri = settings.resolved_tracking_uri(tracking_uri)
        registration = log_training(
            result,
            model_dir,
            test_features=result.test_features,
            report_dir=report_dir,
            tracking_uri=uri,
            data_fingerprint=fingerprint,
            commit=commit,
            artifact_dir=settings.artifact_dir,
            skipped=skipped,
        )
        update_meta(
            model_dir,
            mlflow_run_id=registration.run_id,
            registered_version=registration.version,
            alias=registration.alias,
        )
    return TrainingRun(
        result=result,
        bundle_dir=model_dir,
        report_paths=paths,
        data_fingerprint=fingerprint,
        commit=commit,
        skipped=skipped,
        timing_path=timing_path,
        registration=registration,
        tracking_uri=uri,
        warnings=warnings,
    )


def fit_timing(
    dataset: Dataset, model_dir: Path, *, n_jobs: int, progress: Progress | None = None
) -> tuple[Path | None, str | None]:
    """Learn the timing model beside a freshly saved bundle (it replaces the old).

    Returns (where it was saved, None), or (None, why it could not be learned).
    """
    try:
        timing = TimingModel(n_jobs=n_jobs).fit(dataset, progress=progress)
    except (TimingError, ValueError) as exc:  # never lose the saved bundle
        return None, str(exc)
    return save_timing(timing, model_dir), None
