"""What MLflow keeps beside a logged model is synthetic: no memo, company, rep
name, phone number or e-mail of a real hand-off reaches the tracking store."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from factory import Factory

from readiness.features.build import TEXT_COLUMN
from readiness.model.bundle import save_bundle
from readiness.model.train import TrainResult
from readiness.workflows.tracking import (
    EXAMPLE_CATEGORY,
    log_training,
    synthetic_example,
)

PHONE = re.compile(r"\d{2,4}[-‐－ー]\d{2,4}[-‐－ー]\d{3,4}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture(scope="module")
def trained(
    factory: Factory, tmp_path_factory: pytest.TempPathFactory
) -> tuple[TrainResult, Path]:
    # a copy of the bundle: logging a run writes its id into the bundle's meta
    root = tmp_path_factory.mktemp("privacy")
    return factory.trained(), save_bundle(factory.bundle(), root / "bundle")


def _secrets(result: TrainResult) -> list[str]:
    """Strings of real hand-offs an example must not carry."""
    features = result.test_features
    memos = [m for m in features[TEXT_COLUMN].dropna().astype(str) if len(m) > 20]
    reps = [
        str(v)
        for c in ("is_rep", "fs_rep")
        for v in features[c].dropna().astype(str).unique()
        if len(str(v)) > 1
    ]
    return [m[:40] for m in memos[:50]] + reps


def test_the_synthetic_example_keeps_columns_and_dtypes_but_no_value(
    trained: tuple[TrainResult, Path],
) -> None:
    result, _ = trained
    features = result.test_features
    example = synthetic_example(features, rows=3)
    assert list(example.columns) == list(features.columns) and len(example) == 3
    for name in features.columns:
        if isinstance(features[name].dtype, pd.CategoricalDtype):
            assert set(example[name].astype(str)) == {EXAMPLE_CATEGORY}
        else:
            assert example[name].dtype == features[name].dtype, name
    assert (example[TEXT_COLUMN] == "").all()
    text = example.to_csv()
    assert not PHONE.search(text) and not EMAIL.search(text)
    for secret in _secrets(result):
        assert secret not in text


def test_the_logged_input_and_serving_examples_carry_nothing_personal(
    trained: tuple[TrainResult, Path], tmp_path: Path
) -> None:
    result, bundle_dir = trained
    secrets = _secrets(result)
    # the test rows do hold memos with phones, e-mails and rep names
    memo_text = " ".join(result.test_features[TEXT_COLUMN].dropna().astype(str))
    assert secrets and (PHONE.search(memo_text) or EMAIL.search(memo_text))

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    reg = log_training(
        result,
        bundle_dir,
        test_features=result.test_features,
        report_dir=None,
        tracking_uri=uri,
        data_fingerprint="test",
        commit=None,
        artifact_dir=tmp_path / "mlartifacts",
    )
    examples = [
        p
        for p in (tmp_path / "mlartifacts").rglob("*example*.json")
        if "bundle" not in p.parts
    ]
    names = {p.name for p in examples}
    assert {"input_example.json", "serving_input_example.json"} <= names, names
    for path in examples:
        text = path.read_text(encoding="utf-8")
        assert EXAMPLE_CATEGORY in text, path
        assert not PHONE.search(text), (path, PHONE.search(text))
        assert not EMAIL.search(text), (path, EMAIL.search(text))
        for secret in secrets:
            assert secret not in text, (path, secret)

    import mlflow

    mlflow.set_tracking_uri(uri)
    served = mlflow.pyfunc.load_model(reg.model_uri)
    scored = served.predict(served.input_example)
    assert scored["probability"].between(0, 1).all()
