"""Training: the model against its baselines, calibration, cold start, the bundle,
behaviour, and gated promotion in the MLflow registry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from factory import Factory

from readiness.cli import main
from readiness.data.contract import Dataset
from readiness.data.load import load_dataset
from readiness.features.build import build_features, labelled_points
from readiness.model.bundle import (
    BundleError,
    bundle_from_result,
    dataset_fingerprint,
    load_bundle,
    save_bundle,
)
from readiness.model.config import (
    CANDIDATES,
    ConfigError,
    TrainConfig,
    load_train_config,
)
from readiness.model.selection import choose_served
from readiness.model.train import TrainResult, train
from readiness.settings import get_settings
from readiness.simulate.config import WorldConfig
from readiness.simulate.store import read_truth

# Only LightGBM may be served here, so the tests below exercise a learned model;
# which candidate wins a small world is the business of the tests on the choice.
FAST = TrainConfig(
    n_estimators=120,
    text_components=4,
    min_toss_ups=300,
    min_wins=30,
    candidates=("lightgbm",),
)


@pytest.fixture(scope="module")
def world_dir(factory: Factory) -> Path:
    return factory.world_dir(WorldConfig(n_leads=3_000, seed=21))


@pytest.fixture(scope="module")
def dataset(world_dir: Path) -> Dataset:
    return load_dataset(world_dir)


@pytest.fixture(scope="module")
def result(dataset: Dataset, world_dir: Path) -> TrainResult:
    truth = read_truth(world_dir, "handoffs")[["lead_id", "p_true"]]
    return train(dataset, config=FAST, truth=truth)


def _brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def test_model_is_served_and_beats_the_rubric_on_the_latest_toss_ups(
    result: TrainResult,
) -> None:
    assert result.served == "model", result.reason
    metrics = result.evaluation.metrics
    assert metrics["model"]["roc_auc"] > metrics["rubric_total"]["roc_auc"]
    assert set(metrics) >= {
        "model",
        "rubric_total",
        "rubric_items",
        "logistic",
        "oracle",
    }


def test_test_set_is_the_latest_toss_ups_and_never_trained_on(
    result: TrainResult, dataset: Dataset
) -> None:
    points = labelled_points(dataset)
    n_test = result.split["test_toss_ups"]
    assert n_test == pytest.approx(0.2 * len(points), abs=1)
    latest = set(points["lead_id"].iloc[-n_test:])
    assert set(result.test_frame["lead_id"]) == latest
    assert pd.Timestamp(result.split["test_from"]) >= pd.Timestamp(
        result.split["train_until"]
    )


def test_calibration_improves_or_keeps_brier(result: TrainResult) -> None:
    model = result.baselines["lightgbm"]
    y = result.test_frame["won"].to_numpy()
    raw = model.scorer_.predict_proba(model.design_matrix(result.test_features))[:, 1]
    calibrated = model.predict_proba(result.test_features)[:, 1]
    assert _brier(y, calibrated) <= _brier(y, raw) + 1e-4


def test_probabilities_are_never_exactly_zero_or_one(result: TrainResult) -> None:
    p = result.test_frame["p_model"]
    assert p.between(0, 1, inclusive="neither").all()


def test_cold_start_serves_the_calibrated_rubric_and_says_why(
    factory: Factory,
) -> None:
    result = train(factory.dataset(WorldConfig(n_leads=400, seed=5)), config=FAST)
    assert result.served == "rubric"
    assert "cold start" in result.reason
    assert result.evaluation.metrics["model"]["roc_auc"] == pytest.approx(
        result.evaluation.metrics["rubric_total"]["roc_auc"]
    )


def test_a_model_not_clearly_better_than_the_rubric_on_validation_is_not_served(
    dataset: Dataset,
) -> None:
    hopeless = FAST.model_copy(
        update={"min_logloss_gain": 0.5, "candidates": CANDIDATES}
    )
    result = train(dataset, config=hopeless)
    assert result.served == "rubric" and result.predictor == "rubric"
    assert "no model candidate beat it" in result.reason
    # every candidate has validation figures and a verdict, and was still fitted
    # on the whole training period and reported on the test set
    names = {"rubric", "logistic", "lightgbm", "lightgbm_linear", "constant"}
    assert set(result.candidates) == names
    for kind in ("logistic", "lightgbm", "lightgbm_linear"):
        row = result.candidates[kind]
        assert "never served" in row["verdict"] or "simpler one" in row["verdict"]
    assert {"logistic", "lightgbm"} <= set(result.evaluation.metrics)


def test_one_candidate_is_served_and_it_beats_the_base_rate(
    result: TrainResult,
) -> None:
    table = result.candidates
    assert [k for k, row in table.items() if row["verdict"] == "served"] == [
        result.predictor
    ]
    assert table[result.predictor]["brier"] <= table["constant"]["brier"]
    assert result.served == ("rubric" if result.predictor == "rubric" else "model")
    assert "not a candidate" in table["rubric"]["verdict"]


def test_level_candidates_leave_the_simpler_one_served() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(4_000) < 0.2).astype(int)
    signal = np.clip(0.2 + 0.3 * (y - 0.2) + rng.normal(0, 0.05, 4_000), 0.01, 0.99)
    tiny = np.clip(signal + rng.normal(0, 1e-4, 4_000), 0.01, 0.99)
    chosen, table = choose_served(
        y,
        {"rubric": np.full(4_000, 0.2), "logistic": signal, "lightgbm": tiny},
        constant=0.2,
        min_logloss_gain=0.001,
        tie_z=2.0,
    )
    assert chosen == "logistic"
    assert "simpler one is kept" in table["lightgbm"]["verdict"]


def test_a_candidate_worse_than_the_base_rate_is_never_served() -> None:
    rng = np.random.default_rng(1)
    y = (rng.random(2_000) < 0.1).astype(int)
    # ranks perfectly but is miscalibrated: Brier worse than the constant's
    overconfident = np.where(y == 1, 0.95, 0.6)
    chosen, table = choose_served(
        y,
        {"rubric": np.full(2_000, 0.1), "lightgbm": overconfident},
        constant=0.1,
        min_logloss_gain=0.0,
        tie_z=0.0,
    )
    assert chosen == "rubric"
    assert not table["lightgbm"]["eligible"]
    assert "never served" in table["lightgbm"]["verdict"]


def test_removed_config_keys_are_refused_with_what_replaced_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "train.yaml"
    path.write_text("base: logistic\nrefit: true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"candidates.*calibration_scheme"):
        load_train_config(path)


def test_bundle_round_trip_predicts_the_same(
    result: TrainResult, dataset: Dataset, tmp_path: Path
) -> None:
    bundle = bundle_from_result(
        result, data_fingerprint=dataset_fingerprint(dataset), commit="abc"
    )
    save_bundle(bundle, tmp_path / "b")
    loaded = load_bundle(tmp_path / "b")
    before = bundle.predict(result.test_features)
    after = loaded.predict(result.test_features)
    pd.testing.assert_frame_equal(before, after)
    assert loaded.meta["data_fingerprint"] == dataset_fingerprint(dataset)
    assert loaded.meta["features"] == result.feature_names
    assert after["grade"].isin(["A", "B", "C", "D"]).all()
    assert after["points"].between(0, 100).all()


def test_bundle_with_an_unknown_schema_version_is_refused(
    result: TrainResult, tmp_path: Path
) -> None:
    bundle = bundle_from_result(result, data_fingerprint="x", commit=None)
    save_bundle(bundle, tmp_path / "b")
    meta_path = tmp_path / "b" / "bundle.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["schema_version"] = 99
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(BundleError, match=r"schema version 99.*Retrain"):
        load_bundle(tmp_path / "b")
    with pytest.raises(BundleError, match="not a model bundle"):
        load_bundle(tmp_path)


def test_renaming_the_company_changes_nothing(
    result: TrainResult, dataset: Dataset
) -> None:
    points = labelled_points(dataset).tail(200).reset_index(drop=True)
    renamed_leads = dataset.leads.assign(company_name="株式会社テスト改名")
    renamed = Dataset(
        leads=renamed_leads,
        events=dataset.events,
        handoffs=dataset.handoffs,
        outcomes=dataset.outcomes,
        fs_feedback=dataset.fs_feedback,
        extra_lead_columns=dataset.extra_lead_columns,
    )
    p1 = result.predict_proba(build_features(dataset, points, rubric=result.rubric))
    p2 = result.predict_proba(build_features(renamed, points, rubric=result.rubric))
    np.testing.assert_allclose(p1, p2)


def _confirm_budget(memo: str) -> str:
    line = re.compile(r"^(・Budget\(予算\):).*$", re.M)
    return line.sub(r"\1今期予算として800万円を確保済み（稟議承認済）", memo)


def test_confirming_budget_does_not_lower_the_probability(
    result: TrainResult, dataset: Dataset
) -> None:
    points = labelled_points(dataset)
    vague = points[
        points["memo"].str.contains(r"・Budget\(予算\):(?:未確認|不明|確認中|-)")
    ]
    assert len(vague) >= 10
    before = build_features(dataset, vague, rubric=result.rubric)
    after_points = vague.assign(memo=vague["memo"].map(_confirm_budget))
    after = build_features(dataset, after_points, rubric=result.rubric)
    assert (after["memo_budget_status"] == 2).all()
    p_before, p_after = result.predict_proba(before), result.predict_proba(after)
    assert (p_after >= p_before - 0.005).all()
    assert p_after.mean() > p_before.mean()


def test_cli_train_exports_a_bundle_report_and_registers_a_champion(
    world_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    get_settings.cache_clear()  # settings read the environment once
    config = tmp_path / "fast.yaml"
    config.write_text(
        "n_estimators: 80\ntext_components: 4\nmin_toss_ups: 300\n"
        "candidates: [lightgbm]\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    first = runner.invoke(
        main, ["train", str(world_dir), "--out", "models/m", "--config", str(config)]
    )
    assert first.exit_code == 0, first.output
    assert "is champion" in first.output
    assert (tmp_path / "mlflow.db").exists()
    assert (tmp_path / "models/m/report/report.html").exists()
    meta = json.loads((tmp_path / "models/m/bundle.json").read_text(encoding="utf-8"))
    assert meta["alias"] == "champion" and meta["mlflow_run_id"]

    # A worse model (trees grown to memorise the training rows) must not take the
    # champion alias.
    worse = tmp_path / "worse.yaml"
    worse.write_text(
        "n_estimators: 300\nlearning_rate: 1.0\nnum_leaves: 64\nmax_depth: 15\n"
        "min_child_samples: 1\ntext_components: 0\n"
        "candidates: [lightgbm]\nmin_toss_ups: 300\n",
        encoding="utf-8",
    )
    second = runner.invoke(
        main, ["train", str(world_dir), "--out", "models/w", "--config", str(worse)]
    )
    assert second.exit_code == 0, second.output
    assert "is challenger" in second.output

    import mlflow
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    champion = client.get_model_version_by_alias("lead-readiness", "champion")
    assert str(champion.version) == "1"
    challenger = client.get_model_version_by_alias("lead-readiness", "challenger")
    assert str(challenger.version) == "2"
    mlflow.set_tracking_uri(uri)
    served = mlflow.pyfunc.load_model("models:/lead-readiness@champion")
    dataset = load_dataset(world_dir)
    points = labelled_points(dataset).tail(20).reset_index(drop=True)
    features = build_features(dataset, points)
    as_text = features.astype(
        {c: object for c in features.columns if features[c].dtype == "category"}
    )
    scored = served.predict(as_text)
    bundle = load_bundle(tmp_path / "models/m")
    np.testing.assert_allclose(
        scored["probability"], bundle.predict(features)["probability"], rtol=1e-6
    )
    evaluated = runner.invoke(main, ["evaluate", str(world_dir), "--model", "models/m"])
    assert evaluated.exit_code == 0, evaluated.output
    assert (tmp_path / "models/m/evaluation/report.html").exists()


def test_cli_train_explains_a_broken_data_directory(tmp_path: Path) -> None:
    (tmp_path / "leads.csv").write_text(
        "lead_id,company_name\nL1,x\n", encoding="utf-8"
    )
    out = CliRunner().invoke(main, ["train", str(tmp_path), "--no-tracking"])
    assert out.exit_code != 0
    assert "does not meet the data contract" in out.output
