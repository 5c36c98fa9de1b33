"""Tests never read the developer's settings: the one place that scrubs them.

`READINESS_*` and `MLFLOW_*` variables are dropped (the top-level conftest does it
for every test in-process); a subprocess gets `scrubbed_env()` or, for a command
run as a user runs it, `pinned_env(home)` with every setting under one directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = ("READINESS_", "MLFLOW_")


def scrubbed_env(**extra: str) -> dict[str, str]:
    """os.environ without READINESS_* / MLFLOW_*, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    return {**env, **extra}


def pinned_env(home: Path) -> dict[str, str]:
    """A scrubbed environment whose settings all point under `home`."""
    return scrubbed_env(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        READINESS_PROJECT_DIR=str(home),
        READINESS_MODEL_DIR=str(home / "model"),
        READINESS_RUBRIC_DIR=str(home / "rubric"),
        READINESS_DATA_DIR=str(home / "data"),
        READINESS_TRACKING_URI=f"sqlite:///{home / 'mlflow.db'}",
        READINESS_N_JOBS="1",
    )
