"""The workflows are plain functions: training runs end to end without a command
line, and the one loader serves a bundle from a directory or from the registry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from factory import Factory

from readiness.model.bundle import read_meta
from readiness.model.config import TrainConfig
from readiness.rubric.store import ACTIVE
from readiness.scoring.timing_model import TimingModel
from readiness.scoring.timing_store import TIMING_FILE
from readiness.settings import Settings
from readiness.workflows.served import load_configured, load_served
from readiness.workflows.train import TrainingRun, run_training

FAST = TrainConfig(n_estimators=40, text_components=4, min_toss_ups=300, min_wins=30)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, factory: Factory) -> Path:
    root = tmp_path_factory.mktemp("workflows")
    shutil.copytree(factory.world_dir("medium"), root / "world")
    return root


def _settings(home: Path) -> Settings:
    """Everything pinned under `home`: nothing read from the environment."""
    return Settings(
        project_dir=home,
        model_dir=home / "model",
        rubric_dir=home / "rubric",
        data_dir=home / "world",
        tracking_uri=f"sqlite:///{home / 'mlflow.db'}",
        model_uri="",
        n_jobs=1,
    )


@pytest.fixture(scope="module")
def run(home: Path) -> TrainingRun:
    steps: list[str] = []
    trained = run_training(
        home / "world",
        config=FAST,
        settings=_settings(home),
        progress=steps.append,
    )
    assert steps, "training reports its steps through the callback"
    return trained


def test_training_as_a_function_returns_where_everything_is(
    run: TrainingRun, home: Path
) -> None:
    assert run.bundle_dir == home / "model"
    assert (run.bundle_dir / "bundle.json").is_file()
    assert run.report_path.is_file() and run.report_path.suffix == ".html"
    assert run.timing_path is not None and run.timing_path.is_file()
    assert "timing" not in run.skipped
    assert run.registration is not None and run.run_id == run.registration.run_id
    assert run.registration.alias == "champion"
    assert run.tracking_uri == f"sqlite:///{home / 'mlflow.db'}"
    assert run.result.served in ("model", "rubric")
    assert 0 < run.result.evaluation.metrics["model"]["roc_auc"] <= 1


def test_training_without_tracking_logs_nothing(home: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    untracked = run_training(
        home / "world",
        config=FAST,
        tracking=False,
        settings=settings,
    )
    assert untracked.registration is None and untracked.run_id is None
    assert untracked.tracking_uri is None
    assert not (tmp_path / "mlflow.db").exists()
    assert (tmp_path / "model" / "bundle.json").is_file()


def test_the_loader_serves_a_bundle_directory_with_timing_and_adopted_rubric(
    run: TrainingRun, tmp_path: Path
) -> None:
    served = load_served(run.bundle_dir, rubric_dir=tmp_path / "rubric")
    assert served.source == str(run.bundle_dir)
    assert served.bundle.meta["mlflow_run_id"] == run.run_id
    assert isinstance(served.timing, TimingModel) and served.timing_error is None
    assert served.rubric is None  # nothing adopted: the bundle's rubric is shown
    assert served.describe()["alias"] == "champion"

    adopted = tmp_path / "rubric" / ACTIVE
    adopted.parent.mkdir(parents=True)
    adopted.write_text("name: adopted\n", encoding="utf-8")
    shown = load_served(run.bundle_dir, rubric_dir=tmp_path / "rubric").rubric
    assert shown is not None and shown.name == "adopted"


def test_a_missing_timing_model_is_named_not_fatal(
    run: TrainingRun, tmp_path: Path
) -> None:
    shutil.copytree(run.bundle_dir, tmp_path / "bare")
    (tmp_path / "bare" / TIMING_FILE).unlink()
    served = load_served(tmp_path / "bare")
    assert served.timing is None
    assert served.timing_error and "readiness timing" in served.timing_error
    assert load_served(tmp_path / "bare", timing=False).timing_error is None


def test_the_loader_serves_the_registered_champion_with_its_timing_model(
    run: TrainingRun, home: Path, tmp_path: Path
) -> None:
    settings = _settings(home).model_copy(
        update={
            "model_uri": "models:/lead-readiness@champion",
            "model_dir": tmp_path / "nothing-here",
        }
    )
    served = load_configured(settings)
    assert served.source == "models:/lead-readiness@champion"
    assert served.bundle.meta["trained_at"] == read_meta(run.bundle_dir)["trained_at"]
    # the timing model came with the registered model, not from the model dir
    assert isinstance(served.timing, TimingModel), served.timing_error
