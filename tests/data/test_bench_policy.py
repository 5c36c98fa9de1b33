"""bench/policy.py runs as users run it: a subprocess, a small world, one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.clean_env import scrubbed_env

ROOT = Path(__file__).resolve().parents[2]


def test_the_policy_replay_reports_every_policy_with_intervals(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "policy.py"),
            "--leads",
            "1200",
            "--seed",
            "3",
            "--bootstrap",
            "30",
            "--preset",
            "confounded",
        ],
        cwd=tmp_path,
        env=scrubbed_env(PYTHONPATH=f"{ROOT / 'src'}:{ROOT}"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["preset"] == "confounded"
    policies = {"historical", "readiness", "gate", "random", "oracle"}
    assert set(report["win_rate"]) == policies
    # collecting an element never lowers the truth's win probability below what
    # the best choice reaches, and the oracle bounds every policy
    rates = report["win_rate"]
    assert all(rates[k] <= rates["oracle"] + 1e-9 for k in policies)
    for value in report["uplift_vs_historical"].values():
        lo, hi = value["ci"]
        assert lo <= value["uplift"] <= hi
