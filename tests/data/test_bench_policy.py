"""bench/policy.py runs as users run it: a subprocess, a small world, one JSON line."""

from __future__ import annotations

from pathlib import Path

from tests.bench_run import run_bench


def test_the_policy_replay_reports_every_policy_with_intervals(tmp_path: Path) -> None:
    report = run_bench(
        "policy.py",
        "--leads",
        "1200",
        "--seed",
        "3",
        "--bootstrap",
        "30",
        "--preset",
        "confounded",
        cwd=tmp_path,
    )
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
