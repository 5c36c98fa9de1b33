"""The benchmarks that compare with the world's truth run on a preset world.

A subprocess each, as users run them, at the smallest sizes that still train and
fit: they check the flag reaches the world and the JSON line, not the figures.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.clean_env import scrubbed_env

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str, cwd: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=cwd,
        env=scrubbed_env(PYTHONPATH=f"{ROOT / 'src'}:{ROOT}"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    out: dict[str, Any] = json.loads(last)
    return out


def test_explain_truth_runs_on_the_confounded_world(tmp_path: Path) -> None:
    out = _run(
        "explain_truth.py", "--leads", "800", "--seed", "5",
        "--preset", "confounded", cwd=tmp_path,
    )  # fmt: skip
    assert out["preset"] == "confounded"
    assert out["toss_ups"] > 0
    rho = out["spearman_pred_vs_true"]
    assert rho is None or -1.0 <= rho <= 1.0
    assert out["spearman_pairs"] >= out["toss_ups"]


def test_recalibration_runs_on_the_confounded_world(tmp_path: Path) -> None:
    out = _run(
        "recalibration.py", "--sizes", "300", "--seed", "3", "--bootstrap", "5",
        "--label-draws", "2", "--preset", "confounded", cwd=tmp_path,
    )  # fmt: skip
    assert out["preset"] == "confounded"
    implied = out["info_weight_implied"]
    assert set(implied) == set(out["weights"])
    assert sum(implied.values()) == 100
    # competition carries the largest true weight in the confounded world
    assert max(implied, key=implied.__getitem__) == "competition"
    assert 0 <= out["max_abs_error_vs_info_weights"] <= 100
    assert not math.isnan(out["auc_new"])
