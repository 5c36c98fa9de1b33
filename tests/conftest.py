"""Shared fixtures: one small simulated world and one quickly trained bundle."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from readiness.data.contract import Dataset
from readiness.data.load import load_dataset
from readiness.model.bundle import Bundle, bundle_from_result
from readiness.model.train import TrainConfig, train
from readiness.simulate.config import WorldConfig
from readiness.simulate.store import write_world
from readiness.simulate.world import simulate_world

# CI explores a fixed set of examples (reproducible); local runs explore anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# LightGBM is the one candidate: the fixtures exercise a learned, tree-based model.
FAST = TrainConfig(
    n_estimators=80, text_components=4, min_toss_ups=300, candidates=("lightgbm",)
)


@pytest.fixture(scope="session")
def scoring_dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    out = tmp_path_factory.mktemp("scoring_world")
    write_world(simulate_world(WorldConfig(n_leads=3_000, seed=5)), out)
    return load_dataset(out)


@pytest.fixture(scope="session")
def scoring_bundle(scoring_dataset: Dataset) -> Bundle:
    result = train(scoring_dataset, config=FAST)
    assert result.served == "model", result.reason
    return bundle_from_result(result, data_fingerprint="test", commit=None)
