"""bench/intervals.py at a tiny size: two worlds, the baselines and the JSON line
(the figures are the bench's business; this checks it runs and says what it must)."""

from __future__ import annotations

from pathlib import Path

from tests.bench_run import run_bench


def test_the_interval_bench_compares_every_method_per_segment_on_two_worlds(
    tmp_path: Path,
) -> None:
    out = run_bench(
        "intervals.py", "--leads", "900", "--seed", "7",
        "--second-preset", "confounded", cwd=tmp_path,
    )  # fmt: skip
    assert set(out["worlds"]) == {"default", "confounded"}
    methods = {"conformal_90", "fixed_same", "va_pooled", "va_mondrian"}
    for world in out["worlds"].values():
        assert set(world["methods"]) == methods
        assert world["nominal"]["conformal_90"] == 0.9
        for m in world["methods"].values():
            assert 0.0 <= m["coverage_truth"] <= 1.0
            assert 0.0 <= m["mean_width"] <= 1.0
        assert world["segments"][0]["segment"] == "all"
        for segment in world["segments"]:
            assert methods <= set(segment)
        thin = world["thin"]
        # no training toss-up of a segment: its interval spans 0-1
        assert thin["unseen"]["mean_width"] == 1.0
    assert out["libraries"]["venn_abers_fit_s"] >= 0
