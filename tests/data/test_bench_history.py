"""The history benchmark as users run it: a subprocess, a tiny size, one JSON line."""

from __future__ import annotations

from pathlib import Path

from tests.bench_run import run_bench


def test_the_history_benchmark_reports_append_and_query_times(tmp_path: Path) -> None:
    line = run_bench(
        "history.py", "--leads", "1500", "--runs", "3", "--batch-leads", "400",
        "--queries", "20", "--seed", "2", cwd=tmp_path,
    )  # fmt: skip
    assert line["leads"] == 1500 and line["runs"] == 3
    assert line["append_seconds_max"] > 0
    assert line["batch_seconds_measured"][0] > 0
    assert line["batch_estimate"] in ("marginal", "average")
    assert 0 < line["history_ms_p50"] <= line["history_ms_p99"]
    assert line["target_ratio"] == 0.10 and line["target_history_ms"] == 50
