"""`readiness evaluate` says what it measured: after training (honest) or all
toss-ups (in-sample, labelled so), how the split was made, and against what."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from factory import Factory

from readiness.cli import main
from readiness.workflows.data import import_time_order

ORDER = {"kind": "order", "column": "seq_no", "note": "the export has no dates"}


@pytest.fixture(scope="module")
def world(
    factory: Factory, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    # a copy: the world gets an import.json that says it has no dates
    root = tmp_path_factory.mktemp("evaluate-command")
    shutil.copytree(factory.world_dir(), root / "world")
    (root / "world" / "import.json").write_text(
        json.dumps({"rows": 1, "time_order": ORDER}), encoding="utf-8"
    )
    return root / "world", factory.model_dir()


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["evaluate", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_evaluate_all_is_labelled_in_sample_in_the_output_and_the_report(
    world: tuple[Path, Path], tmp_path: Path
) -> None:
    data, bundle = world
    out = _run(str(data), "--model", str(bundle), "--all", "--out", str(tmp_path))
    assert out.startswith("IN-SAMPLE: ")
    assert "(in-sample for " in out
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<title>readiness — evaluation (in-sample" in page
    assert "<p class=warning>In-sample:" in page
    report = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    assert 0 < report["in_sample"] < report["n"]


def test_evaluate_after_training_states_the_split_order_and_baseline(
    world: tuple[Path, Path], tmp_path: Path
) -> None:
    data, bundle = world
    out = _run(str(data), "--model", str(bundle), "--out", str(tmp_path))
    assert "IN-SAMPLE" not in out and "in-sample" not in out
    assert "training_win_rate" in out and "strongest baseline" in out
    report = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    assert report["in_sample"] == 0
    sentence = report["split"]["sentence"]
    assert sentence["en"].startswith("Split by order, not time: trained on")
    assert "the export has no dates" in sentence["en"]
    assert "時刻ではなく順序" in sentence["ja"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Split by order, not time" in page
    # the interval per segment, checked against the simulated world's truth
    assert '<section id="intervals">' in page
    segments = report["intervals"]
    assert segments[0]["segment"] == "all" and segments[0]["n"] == report["n"]
    assert all(0.0 <= s["coverage_truth"] <= 1.0 for s in segments)


def test_time_order_is_read_from_import_json_or_is_none(tmp_path: Path) -> None:
    assert import_time_order(tmp_path) is None
    (tmp_path / "import.json").write_text("[1, 2]", encoding="utf-8")
    assert import_time_order(tmp_path) is None
    (tmp_path / "import.json").write_text("{not json", encoding="utf-8")
    assert import_time_order(tmp_path) is None
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    (tmp_path / "import.json").write_text(
        json.dumps({"time_order": ORDER}), encoding="utf-8"
    )
    assert import_time_order(tmp_path) == ORDER
