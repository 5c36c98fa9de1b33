"""readiness: how likely an IS → FS hand-off (toss-up) is to be won, and why.

The public surface: load and validate data in the contract, parse hand-off memos,
score them with the 100-point rubric, and simulate a world with known truth.
Heavier stages are imported lazily so `import readiness` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "ContractError": "readiness.contract",
    "Dataset": "readiness.contract",
    "load_dataset": "readiness.contract",
    "validate": "readiness.contract",
    "write_tables": "readiness.contract",
    "Memo": "readiness.memo",
    "parse_memo": "readiness.memo",
    "Rubric": "readiness.rubric",
    "RubricError": "readiness.rubric",
    "load_rubric": "readiness.rubric",
    "score_memo": "readiness.rubric",
    "score_frame": "readiness.rubric",
    "WorldConfig": "readiness.simulate.config",
    "simulate_world": "readiness.simulate.world",
    "build_features": "readiness.features",
    "TrainConfig": "readiness.train",
    "train": "readiness.train",
    "load_bundle": "readiness.bundle",
    "lead_dataset": "readiness.scoring",
    "score_points": "readiness.scoring",
}

__all__ = [
    "ContractError",
    "Dataset",
    "Memo",
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
    "parse_memo",
    "score_frame",
    "score_memo",
    "score_points",
    "simulate_world",
    "train",
    "validate",
    "write_tables",
]

if TYPE_CHECKING:
    from readiness.bundle import load_bundle
    from readiness.contract import (
        ContractError,
        Dataset,
        load_dataset,
        validate,
        write_tables,
    )
    from readiness.features import build_features
    from readiness.memo import Memo, parse_memo
    from readiness.rubric import (
        Rubric,
        RubricError,
        load_rubric,
        score_frame,
        score_memo,
    )
    from readiness.scoring import lead_dataset, score_points
    from readiness.simulate.config import WorldConfig
    from readiness.simulate.world import simulate_world
    from readiness.train import TrainConfig, train


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'readiness' has no attribute {name!r}")
