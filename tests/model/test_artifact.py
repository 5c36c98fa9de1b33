"""The model artifact: no pickle, same answers after a round trip, clear refusals.

The saved artifact of each format version lives in tests/fixtures/artifacts/vN/
(scripts/make_artifact_fixture.py wrote it); this readiness must load every one
of them and reproduce the answers pinned beside it.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from factory import Factory

from readiness.data.contract import Dataset
from readiness.features.build import build_features, labelled_points
from readiness.model import bundle as bundle_module
from readiness.model.artifact import FORMAT_VERSION
from readiness.model.bundle import (
    LOADERS,
    Bundle,
    BundleError,
    load_bundle,
    save_bundle,
)
from readiness.model.estimators import RUBRIC_TOTAL, RubricModel, WinModel
from readiness.model.scale import ScoreScale
from readiness.rubric.config import default_rubric
from readiness.scoring import timing_store
from readiness.scoring.timing_model import TimingError, TimingModel
from readiness.scoring.timing_store import load_timing, save_timing

FIXTURES = Path(__file__).parents[1] / "fixtures" / "artifacts"
CF = [(1, {RUBRIC_TOTAL: 95.0}), (0, {"lead_age_days": 3.0})]


def _rows(records: list[dict[str, Any]], kinds: dict[str, str]) -> pd.DataFrame:
    """Feature rows from JSON: numbers as floats, categories and text as strings."""
    frame = pd.DataFrame.from_records(records)
    for c in frame.columns:
        if c not in kinds:
            frame[c] = frame[c].astype(float)
    return frame


def _kinds(path: Path) -> dict[str, str]:
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    return {
        f["name"]: f["kind"] for f in manifest["features"] if f["kind"] != "numeric"
    }


def _resign(directory: Path, name: str) -> None:
    """Update the manifest after an edit, as someone tampering carefully would."""
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    data = (directory / name).read_bytes()
    manifest["files"][name] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A copy of the current version's fixture, to damage."""
    out = tmp_path / "model"
    shutil.copytree(FIXTURES / f"v{FORMAT_VERSION}" / "model", out)
    return out


# --- every saved version loads and answers as it did ---------------------------------


def test_a_fixture_exists_for_every_format_version_a_loader_is_kept_for() -> None:
    assert sorted(LOADERS) == sorted(timing_store.LOADERS)
    for version in LOADERS:
        assert (FIXTURES / f"v{version}" / "expected.json").is_file(), version
    assert FORMAT_VERSION in LOADERS


@pytest.mark.parametrize("version", sorted(LOADERS))
def test_the_saved_bundle_of_each_version_reproduces_its_answers(version: int) -> None:
    root = FIXTURES / f"v{version}"
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    bundle = load_bundle(root / "model")
    rows = _rows(expected["rows"], _kinds(root / "model"))
    scored = bundle.score(rows, contributions_for=[0], counterfactuals=CF[:1])
    p = scored.predictions
    np.testing.assert_allclose(p["probability"], expected["probability"], rtol=1e-9)
    np.testing.assert_allclose(p["points"], expected["points"], rtol=1e-9)
    assert p["grade"].astype(str).tolist() == expected["grade"]
    assert scored.contributions is not None
    np.testing.assert_allclose(
        scored.contributions.iloc[0].to_numpy(),
        expected["contributions_row0"],
        rtol=1e-9,
        atol=1e-12,
    )


@pytest.mark.parametrize("version", sorted(timing_store.LOADERS))
def test_the_saved_timing_model_of_each_version_reproduces_its_answers(
    version: int,
) -> None:
    root = FIXTURES / f"v{version}"
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    timing = load_timing(root / "model")
    rows = pd.DataFrame.from_records(expected["timing_rows"])
    for c in rows.columns:
        texts = rows[c].map(lambda v: isinstance(v, str)).any()
        rows[c] = rows[c].astype("category" if texts else float)
    # decide() also reads a few columns outside the model's features
    for c in (
        "days_since_is_conversation",
        "is_call_connected_all",
        "online_hearing_all",
    ):
        if c not in rows:
            rows[c] = np.nan if c.startswith("days") else 0.0
    decided = timing.decide(rows)
    np.testing.assert_allclose(decided["p_now"], expected["timing_p_now"], rtol=1e-9)
    np.testing.assert_allclose(decided["gain"], expected["timing_gain"], rtol=1e-9)


def test_loading_unpickles_nothing(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("a loader unpickled something")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    load_bundle(saved)
    load_timing(saved)
    for file in saved.rglob("*"):
        if file.is_file():
            assert not file.read_bytes().startswith(b"\x80"), file  # pickle protocol


# --- round trips: the loaded models answer exactly as the trained ones ---------------


@pytest.fixture(scope="module")
def small(factory: Factory) -> tuple[Dataset, pd.DataFrame, Any]:
    dataset = factory.dataset("medium")
    points = labelled_points(dataset)
    return dataset, build_features(dataset, points), points["won"].to_numpy()


def _bundle(estimator: WinModel | RubricModel, X: pd.DataFrame, y: Any) -> Bundle:
    rubric_model = RubricModel().fit(X, y)
    p = np.asarray(estimator.predict_proba(X))[:, 1]
    scale = ScoreScale().fit(p, X[RUBRIC_TOTAL].to_numpy(dtype=float))
    kind = getattr(estimator, "kind", "rubric")
    meta = {
        "served": "rubric" if kind == "rubric" else "model",
        "predictor": kind,
        "features": list(X.columns),
        "candidates": {},
        "metrics": {},
    }
    return Bundle(meta, estimator, rubric_model, scale, default_rubric())


def _same_answers(trained: Bundle, loaded: Bundle, X: pd.DataFrame) -> None:
    rows = X.iloc[:40]
    a = trained.score(rows, contributions_for=[0, 3, 7], counterfactuals=CF)
    b = loaded.score(rows, contributions_for=[0, 3, 7], counterfactuals=CF)
    pd.testing.assert_frame_equal(a.predictions, b.predictions, check_exact=True)
    if a.contributions is None:
        assert b.contributions is None
    else:
        assert b.contributions is not None
        pd.testing.assert_frame_equal(
            a.contributions, b.contributions, check_exact=True
        )
    np.testing.assert_array_equal(
        trained.rubric_model.predict_proba(rows),
        loaded.rubric_model.predict_proba(rows),
    )


@pytest.mark.parametrize(
    ("kind", "calibration", "scheme"),
    [
        ("lightgbm", "sigmoid", "crossfit"),
        ("lightgbm", "isotonic", "crossfit"),
        ("lightgbm_linear", "sigmoid", "crossfit"),
        ("lightgbm_linear", "isotonic", "holdout"),
        ("logistic", "sigmoid", "crossfit"),
        ("logistic", "isotonic", "crossfit"),
    ],
)
def test_every_candidate_answers_the_same_after_save_and_load(
    small: tuple[Dataset, pd.DataFrame, Any],
    tmp_path: Path,
    kind: str,
    calibration: str,
    scheme: str,
) -> None:
    _, X, y = small
    model = WinModel(
        n_estimators=25,
        min_child_samples=20,
        text_components=3,
        trees=kind != "logistic",
        base="none" if kind == "lightgbm" else "logistic",
        calibration=calibration,  # type: ignore[arg-type]
        calibration_scheme=scheme,  # type: ignore[arg-type]
    ).fit(X, y)
    trained = _bundle(model, X, y)
    loaded = load_bundle(save_bundle(trained, tmp_path / "bundle"))
    assert isinstance(loaded.estimator, WinModel)
    assert loaded.estimator.kind == kind
    _same_answers(trained, loaded, X)


def test_a_rubric_served_bundle_answers_the_same_after_save_and_load(
    small: tuple[Dataset, pd.DataFrame, Any], tmp_path: Path
) -> None:
    _, X, y = small
    trained = _bundle(RubricModel().fit(X, y), X, y)
    loaded = load_bundle(save_bundle(trained, tmp_path / "bundle"))
    _same_answers(trained, loaded, X)
    scaler = loaded.rubric_model.model_.named_steps["standardscaler"]
    assert scaler.mean_ == pytest.approx(
        trained.rubric_model.model_.named_steps["standardscaler"].mean_
    )


def test_the_timing_model_answers_the_same_after_save_and_load(
    small: tuple[Dataset, pd.DataFrame, Any], tmp_path: Path
) -> None:
    dataset, _, _ = small
    timing = TimingModel(n_estimators=15, max_grid_points=30_000).fit(dataset)
    save_timing(timing, tmp_path)
    loaded = load_timing(tmp_path)
    points = labelled_points(dataset)[["lead_id", "as_of"]].head(200)
    features = build_features(dataset, points)
    pd.testing.assert_frame_equal(
        timing.decide(features), loaded.decide(features), check_exact=True
    )
    assert loaded.describe() == timing.describe()


def test_saving_over_a_bundle_that_fails_midway_keeps_the_old_one(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = load_bundle(saved)

    def broken(*_: Any, **__: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(bundle_module, "rubric_to_yaml", broken)
    with pytest.raises(OSError, match="disk full"):
        save_bundle(bundle, saved)
    load_bundle(saved)  # still whole
    assert not [p for p in saved.parent.iterdir() if p.name.startswith(".")]


# --- refusals ------------------------------------------------------------------------


def test_a_file_that_differs_from_its_checksum_is_refused(saved: Path) -> None:
    trees = saved / "estimator" / "scorer_" / "booster_.txt"
    trees.write_text(trees.read_text().replace("leaf_value=", "leaf_value=1"))
    with pytest.raises(BundleError, match="tampered or damaged: retrain or restore"):
        load_bundle(saved)


def test_a_missing_file_is_refused(saved: Path) -> None:
    (saved / "scale.json").unlink()
    with pytest.raises(BundleError, match=r"scale\.json is missing.*retrain"):
        load_bundle(saved)


def test_an_unknown_format_version_is_refused(saved: Path) -> None:
    for name in ("bundle.json", "manifest.json"):
        data = json.loads((saved / name).read_text(encoding="utf-8"))
        key = "schema_version" if name == "bundle.json" else "format_version"
        (saved / name).write_text(json.dumps({**data, key: 99}), encoding="utf-8")
    with pytest.raises(BundleError, match=r"version 99.*readiness train DATA_DIR"):
        load_bundle(saved)
    meta = json.loads((saved / "bundle.json").read_text(encoding="utf-8"))
    (saved / "bundle.json").write_text(
        json.dumps({**meta, "schema_version": FORMAT_VERSION}), encoding="utf-8"
    )
    with pytest.raises(BundleError, match="format version 99"):
        load_bundle(saved)


def test_a_pickled_bundle_of_schema_2_is_refused_with_retrain(saved: Path) -> None:
    meta = json.loads((saved / "bundle.json").read_text(encoding="utf-8"))
    (saved / "bundle.json").write_text(
        json.dumps({**meta, "schema_version": 2}), encoding="utf-8"
    )
    with pytest.raises(BundleError, match=r"pickle.*readiness train DATA_DIR"):
        load_bundle(saved)


def test_a_feature_list_that_disagrees_with_the_booster_is_refused(
    saved: Path,
) -> None:
    name = "estimator.json"
    state = json.loads((saved / name).read_text(encoding="utf-8"))
    matrix = state["state"]["matrix_"]["state"]
    matrix["columns"] = matrix["columns"][:-1]
    state["state"]["design_columns_"] = state["state"]["design_columns_"][1:]
    (saved / name).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    _resign(saved, name)
    with pytest.raises(BundleError, match="the files disagree"):
        load_bundle(saved)


def test_features_in_the_manifest_must_match_the_model(saved: Path) -> None:
    manifest = json.loads((saved / "manifest.json").read_text(encoding="utf-8"))
    category = next(f for f in manifest["features"] if f["kind"] == "category")
    category["categories"] = category["categories"][::-1]
    (saved / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BundleError, match=r"manifest\.json.*disagree"):
        load_bundle(saved)


def test_an_object_array_is_refused(saved: Path) -> None:
    name = "estimator/scorer_/base_/coef_.npy"
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    (saved / name).write_bytes(buffer.getvalue())
    _resign(saved, name)
    with pytest.raises(BundleError, match="object array"):
        load_bundle(saved)


def test_a_class_the_loader_does_not_know_is_refused(saved: Path) -> None:
    name = "rubric_model.json"
    state = json.loads((saved / name).read_text(encoding="utf-8"))
    state["$object"] = "os.system"
    (saved / name).write_text(json.dumps(state), encoding="utf-8")
    _resign(saved, name)
    with pytest.raises(BundleError, match="does not rebuild"):
        load_bundle(saved)


def test_a_manifest_naming_a_file_outside_the_artifact_is_refused(saved: Path) -> None:
    manifest = json.loads((saved / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["../outside.json"] = {"sha256": "0" * 64, "size": 1}
    (saved / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BundleError, match=r"outside\.json"):
        load_bundle(saved)


def test_a_tampered_or_pickled_timing_model_is_refused(saved: Path) -> None:
    booster = saved / "timing" / "timing_model" / "win_.txt"
    original = booster.read_bytes()
    booster.write_bytes(original + b"\n")
    with pytest.raises(TimingError, match=r"tampered or damaged.*--refit"):
        load_timing(saved)
    booster.write_bytes(original)
    meta = json.loads((saved / "timing.json").read_text(encoding="utf-8"))
    (saved / "timing.json").write_text(json.dumps({**meta, "schema_version": 1}))
    with pytest.raises(TimingError, match=r"pickled timing\.joblib.*--refit"):
        load_timing(saved)
