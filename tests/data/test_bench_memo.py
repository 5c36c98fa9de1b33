"""The memo benchmarks run as users run them: a subprocess, small sizes, one JSON line.

The floors are the figures measured when the parser last changed, less a margin:
they catch a parser change that loses what the corpora showed, they are not the
issue's targets (bench/parser.py reports those as `targets_met`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.bench_run import run_bench


@pytest.fixture(scope="module")
def parser_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cwd = tmp_path_factory.mktemp("bench-parser")
    return run_bench(
        "parser.py", "--world-leads", "400", "--seed", "5", "--repeat", "2", cwd=cwd
    )


def test_the_parser_benchmark_reports_every_corpus_with_its_role(
    parser_run: dict[str, Any],
) -> None:
    corpora = parser_run["corpora"]
    assert {"A", "B", "C"} <= set(corpora)
    for corpus in corpora.values():
        assert corpus["role"]
        assert corpus["exceptions"] == 0
        assert set(corpus["confusion"]) == {
            "confirmed",
            "partial",
            "not_obtained",
            "empty",
        }
        assert corpus["per_habit"] and corpus["per_field"]
    assert parser_run["targets_met"]["A"]["linear"]
    assert parser_run["targets_met"]["A"]["no_exceptions"]


def test_the_parser_keeps_what_the_corpora_showed(parser_run: dict[str, Any]) -> None:
    corpora = parser_run["corpora"]
    assert corpora["A"]["status_right"] >= 0.94
    assert corpora["A"]["per_habit"]["template"] >= 0.985
    assert corpora["B"]["status_right"] >= 0.80
    assert corpora["C"]["status_right"] >= 0.77
    # Not obtained is told apart from filled: the blind spot the issue named.
    assert corpora["A"]["not_obtained_read_filled"] <= 0.05


def test_the_world_reads_its_own_template_memos_exactly(
    parser_run: dict[str, Any],
) -> None:
    world = parser_run["world"]
    assert world["exceptions"] == 0
    assert world["per_habit"]["template"] >= 0.995
    # chat and narrative memos exist in a world of 400 leads only by chance
    assert world["status_right"] >= 0.98


def test_the_status_classifier_benchmark_compares_three_deciders(
    tmp_path: Path,
) -> None:
    out = run_bench(
        "status_classifier.py", "--train-leads", "400", "--seed", "2", cwd=tmp_path
    )
    assert out["train"]["fields"] > 500
    for corpus in out["corpora"].values():
        assert {"rules", "classifier", "hybrid"} <= set(corpus)
        assert 0.0 <= corpus["classifier"] <= 1.0
    assert set(out["best_per_corpus"]) == set(out["corpora"])
