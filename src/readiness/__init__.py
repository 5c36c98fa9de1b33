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
    "ContractError": "readiness.data.contract",
    "Dataset": "readiness.data.contract",
    "load_dataset": "readiness.data.contract",
    "validate": "readiness.data.contract",
    "write_tables": "readiness.data.contract",
    "Memo": "readiness.memo.parse",
    "parse_memo": "readiness.memo.parse",
    "Rubric": "readiness.rubric.score",
    "RubricError": "readiness.rubric.score",
    "load_rubric": "readiness.rubric.score",
    "score_memo": "readiness.rubric.score",
    "score_frame": "readiness.rubric.score",
    "WorldConfig": "readiness.simulate.config",
    "simulate_world": "readiness.simulate.world",
    "build_features": "readiness.features.build",
    "TrainConfig": "readiness.model.train",
    "train": "readiness.model.train",
    "load_bundle": "readiness.model.bundle",
    "lead_dataset": "readiness.scoring.score",
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
    from readiness.data.contract import (
        ContractError,
        Dataset,
        load_dataset,
        validate,
        write_tables,
    )
    from readiness.errors import ReadinessError
    from readiness.features.build import build_features
    from readiness.memo.parse import Memo, parse_memo
    from readiness.model.bundle import load_bundle
    from readiness.model.train import TrainConfig, train
    from readiness.rubric.score import (
        Rubric,
        RubricError,
        load_rubric,
        score_frame,
        score_memo,
    )
    from readiness.scoring.score import lead_dataset, score_points
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world
    from readiness.workflows.served import load_served
    from readiness.workflows.train import run_training


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'readiness' has no attribute {name!r}")
