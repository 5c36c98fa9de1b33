"""readiness: how likely an IS → FS hand-off (toss-up) is to be won, and why.

The public surface: load and validate data in the contract, parse hand-off memos,
score them with the 100-point rubric, simulate a world with known truth, train
(`run_training`) and load what is served (`load_served`).
Heavier stages are imported lazily so `import readiness` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from readiness.version import __version__

_EXPORTS = {
    "ReadinessError": "readiness.errors",
    "ContractError": "readiness.data.findings",
    "Dataset": "readiness.data.contract",
    "load_dataset": "readiness.data.load",
    "validate": "readiness.data.load",
    "write_tables": "readiness.data.contract",
    "Memo": "readiness.memo.parse",
    "parse_memo": "readiness.memo.parse",
    "Rubric": "readiness.rubric.config",
    "RubricError": "readiness.rubric.config",
    "load_rubric": "readiness.rubric.config",
    "score_memo": "readiness.rubric.score",
    "score_frame": "readiness.rubric.score",
    "WorldConfig": "readiness.simulate.config",
    "simulate_world": "readiness.simulate.world",
    "build_features": "readiness.features.build",
    "TrainConfig": "readiness.model.config",
    "train": "readiness.model.train",
    "load_bundle": "readiness.model.bundle",
    "lead_dataset": "readiness.scoring.lead",
    "score_points": "readiness.scoring.score",
    "run_training": "readiness.workflows.train",
    "load_served": "readiness.workflows.served",
}

__all__ = [
    "ContractError",
    "Dataset",
    "Memo",
    "ReadinessError",
    "Rubric",
    "RubricError",
    "TrainConfig",
    "WorldConfig",
    "__version__",
    "build_features",
    "lead_dataset",
    "load_bundle",
    "load_dataset",
    "load_rubric",
    "load_served",
    "parse_memo",
    "run_training",
    "score_frame",
    "score_memo",
    "score_points",
    "simulate_world",
    "train",
    "validate",
    "write_tables",
]

if TYPE_CHECKING:
    from readiness.data.contract import Dataset, write_tables
    from readiness.data.findings import ContractError
    from readiness.data.load import load_dataset, validate
    from readiness.errors import ReadinessError
    from readiness.features.build import build_features
    from readiness.memo.parse import Memo, parse_memo
    from readiness.model.bundle import load_bundle
    from readiness.model.config import TrainConfig
    from readiness.model.train import train
    from readiness.rubric.config import Rubric, RubricError, load_rubric
    from readiness.rubric.score import score_frame, score_memo
    from readiness.scoring.lead import lead_dataset
    from readiness.scoring.score import score_points
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world
    from readiness.workflows.served import load_served
    from readiness.workflows.train import run_training


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'readiness' has no attribute {name!r}")
