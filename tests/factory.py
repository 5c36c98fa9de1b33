"""Worlds and trained bundles for every test layer, each built once per session.

A few named world sizes cover most tests; a test whose statistics need a particular
world passes its own `WorldConfig` and still goes through the same cache. There is
one trained-bundle recipe (`FAST_TRAIN`): tests that study training itself (other
candidates, cold start, promotion gates) train on purpose and say so.

Everything is written under the session's temporary directory, laid out as
`make run` leaves a project: `<name>/world/` (tables) and `<name>/bundle/` (the
bundle with its timing model beside it), so subprocess tests and the server can
point at them. The objects returned are shared: never mutate them in a test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from readiness.data.contract import Dataset
from readiness.data.load import load_dataset
from readiness.model.bundle import (
    Bundle,
    bundle_from_result,
    dataset_fingerprint,
    save_bundle,
)
from readiness.model.config import TrainConfig
from readiness.model.train import TrainResult, train
from readiness.scoring.timing_model import TimingModel
from readiness.scoring.timing_store import save_timing
from readiness.simulate.config import WorldConfig
from readiness.simulate.store import write_world
from readiness.simulate.world import World, simulate_world

Size = Literal["tiny", "medium", "large"]

SIZES: dict[str, WorldConfig] = {
    # a few hundred hand-offs: features, formats, contract round trips
    "tiny": WorldConfig(n_leads=300, seed=5),
    # enough toss-ups and wins for a learned model to be served: the trained bundle
    "medium": WorldConfig(n_leads=3_000, seed=5),
    # rates and orderings of a realistic sales floor (the simulator's statistics)
    "large": WorldConfig(n_leads=6_000, seed=101),
}

# Few trees and a small text encoder; only LightGBM may be served, so every layer
# exercises a learned, tree-based model (which candidate wins is test_train's business).
FAST_TRAIN = TrainConfig(
    n_estimators=80, text_components=4, min_toss_ups=300, candidates=("lightgbm",)
)
# The timing model saved beside the bundle (POST /v1/timing, the page's advice).
FAST_TIMING = {"n_estimators": 40, "max_grid_points": 60_000}


class Factory:
    """Builds on first request, then answers from memory (and from disk for paths)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._worlds: dict[str, World] = {}
        self._datasets: dict[str, Dataset] = {}
        self._trained: dict[str, TrainResult] = {}
        self._bundles: dict[str, Bundle] = {}
        self._timing: dict[str, TimingModel] = {}

    @staticmethod
    def _resolve(size: Size | WorldConfig) -> tuple[str, WorldConfig]:
        if isinstance(size, WorldConfig):
            digest = hashlib.sha256(repr(size).encode()).hexdigest()[:10]
            return f"world-{size.n_leads}-{size.seed}-{digest}", size
        return size, SIZES[size]

    def world(self, size: Size | WorldConfig = "medium") -> World:
        """The simulated world (tables and the truth behind them)."""
        name, config = self._resolve(size)
        if name not in self._worlds:
            self._worlds[name] = simulate_world(config)
        return self._worlds[name]

    def world_dir(self, size: Size | WorldConfig = "medium") -> Path:
        """The world's tables written as `readiness simulate` writes them."""
        name, _ = self._resolve(size)
        out = self.root / name / "world"
        if not (out / "world.json").exists():
            write_world(self.world(size), out)
        return out

    def dataset(self, size: Size | WorldConfig = "medium") -> Dataset:
        """The written world read back through the data contract."""
        name, _ = self._resolve(size)
        if name not in self._datasets:
            self._datasets[name] = load_dataset(self.world_dir(size))
        return self._datasets[name]

    def trained(self, size: Size | WorldConfig = "medium") -> TrainResult:
        """The one training recipe (`FAST_TRAIN`) on the world; a model is served."""
        name, _ = self._resolve(size)
        if name not in self._trained:
            result = train(self.dataset(size), config=FAST_TRAIN)
            assert result.served == "model", result.reason
            self._trained[name] = result
        return self._trained[name]

    def bundle(self, size: Size | WorldConfig = "medium") -> Bundle:
        """The trained bundle, fingerprinted with its world (no git commit)."""
        name, _ = self._resolve(size)
        if name not in self._bundles:
            self._bundles[name] = bundle_from_result(
                self.trained(size),
                data_fingerprint=dataset_fingerprint(self.dataset(size)),
                commit=None,
                dataset=self.dataset(size),
            )
        return self._bundles[name]

    def timing(self, size: Size | WorldConfig = "medium") -> TimingModel:
        """A quick timing model of the world (`FAST_TIMING`)."""
        name, _ = self._resolve(size)
        if name not in self._timing:
            self._timing[name] = TimingModel(**FAST_TIMING).fit(self.dataset(size))
        return self._timing[name]

    def model_dir(self, size: Size | WorldConfig = "medium") -> Path:
        """The saved bundle with its timing model beside it, as the API loads it."""
        name, _ = self._resolve(size)
        out = self.root / name / "bundle"
        if not (out / "bundle.json").exists():
            save_bundle(self.bundle(size), out)
            save_timing(self.timing(size), out)
        return out

    def project(self, size: Size | WorldConfig = "medium") -> Path:
        """A project directory after `make run`: `world/` and `bundle/` (no rubric)."""
        self.world_dir(size)
        return self.model_dir(size).parent
