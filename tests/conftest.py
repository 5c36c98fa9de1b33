"""What every test shares: pinned settings, a marker per folder, the factory.

- Settings are pinned: no `READINESS_*` / `MLFLOW_*` variable of the developer's
  shell is seen, and each test runs in an empty working directory of its own (no
  adopted rubric under `models/rubric`, MLflow's default sqlite store lands there).
- Each folder is a kind of test and carries its marker (`unit`, `data`, `model`,
  `api`, `e2e`); a test of another kind inside a folder says so with its own marker.
- `factory` builds worlds and the trained bundle once per session (tests/factory.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from clean_env import PREFIXES
from factory import Factory
from hypothesis import settings

from readiness.data.contract import Dataset
from readiness.model.bundle import Bundle
from readiness.settings import get_settings

HERE = Path(__file__).resolve().parent
KINDS = ("unit", "data", "model", "api", "e2e")

# CI explores a fixed set of examples (reproducible); local runs explore anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(kind) for kind in KINDS):
            continue
        folder = item.path.resolve().relative_to(HERE).parts[0]
        if folder not in KINDS:
            raise pytest.UsageError(
                f"{item.path}: tests live in a folder per kind: {', '.join(KINDS)}"
            )
        item.add_marker(folder)


def _scrub(mp: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(PREFIXES):
            mp.delenv(name)
    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _pinned_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session and module fixtures, too, build without the developer's settings."""
    with pytest.MonkeyPatch.context() as mp:
        _scrub(mp)
        mp.chdir(tmp_path_factory.mktemp("session-cwd"))
        yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _pinned(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    _scrub(monkeypatch)  # whatever an earlier test or library set
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def factory(tmp_path_factory: pytest.TempPathFactory) -> Factory:
    return Factory(tmp_path_factory.getbasetemp() / "factory")


@pytest.fixture(scope="session")
def scoring_dataset(factory: Factory) -> Dataset:
    return factory.dataset("medium")


@pytest.fixture(scope="session")
def scoring_bundle(factory: Factory) -> Bundle:
    return factory.bundle("medium")
