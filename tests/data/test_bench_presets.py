"""The benchmarks that compare with the world's truth run on a preset world.

A subprocess each, as users run them, at the smallest sizes that still train and
fit: they check the flag reaches the world and the JSON line, not the figures.
"""

from __future__ import annotations

import math
from pathlib import Path

from tests.bench_run import run_bench


def test_explain_truth_runs_on_the_confounded_world(tmp_path: Path) -> None:
    out = run_bench(
        "explain_truth.py", "--leads", "800", "--seed", "5",
        "--preset", "confounded", cwd=tmp_path,
    )  # fmt: skip
    assert out["preset"] == "confounded"
    assert out["toss_ups"] > 0
    # the three orders of missing elements, on the same scored toss-ups
    assert set(out["methods"]) == {"points", "adjusted", "blend"}
    assert out["methods"][out["explain_method"]]["toss_ups"] == out["toss_ups"]
    for m in out["methods"].values():
        assert 0.0 <= m["top1_beats_random"] <= 1.0
        rho = m["spearman_pred_vs_true"]
        assert rho is None or -1.0 <= rho <= 1.0
        assert m["spearman_pairs"] >= m["toss_ups"]


def test_recalibration_runs_on_the_confounded_world(tmp_path: Path) -> None:
    out = run_bench(
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
    # the effect-following weights: given, or None with the reason
    assert (out["effect_weights"] is None) == (out["effect_weights_reason"] is not None)
    assert "max_abs_error_effects_vs_truth_weights" in out
    assert not math.isnan(out["auc_new"])


def test_timing_scores_each_action_against_the_truth(tmp_path: Path) -> None:
    out = run_bench(
        "timing.py", "--leads", "1500", "--seed", "5", "--preset", "confounded",
        "--bound-leads", "600", "--right-margin", "0.02", "0.05", cwd=tmp_path,
    )  # fmt: skip
    assert out["preset"] == "confounded"
    tables = out["action_precision"]
    assert set(tables) == {"0.02", "0.05"}
    for margin, table in tables.items():
        assert table["margin"] == float(margin)
        assert 0.0 < table["base_rate"] < 1.0
        decided = [a for a in ("toss_up_now", "at_risk", "keep_nurturing", "recycle")
                   if a in table]  # fmt: skip
        assert {"toss_up_now", "keep_nurturing"} <= set(decided)
        # every decided lead-day with a truth is counted once, under one action
        assert sum(table[a]["n"] for a in decided) == table["lead_days"]
        for a in decided:
            assert 0.0 <= table[a]["precision"] <= 1.0
    # a wider margin makes more moments right for handing off
    assert tables["0.05"]["base_rate"] >= tables["0.02"]["base_rate"]
    assert "toss_up_now_ge_base_plus_10pt" in out["targets_met"]
